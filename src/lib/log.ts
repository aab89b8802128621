/** Message bodies carry phone numbers and texts: logs get their shape, never their content. */
export function describeBody(body: unknown): string {
  if (typeof body !== "object" || body === null) return typeof body;
  return `{${Object.keys(body).slice(0, 20).join(",")}}`;
}
