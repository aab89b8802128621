const encoder = new TextEncoder();

/** Hex SHA-256, used to store API and webhook tokens without keeping the tokens themselves. */
export async function sha256Hex(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Constant-time string comparison (hashing first makes the lengths equal). */
export async function safeEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([a, b].map((v) => crypto.subtle.digest("SHA-256", encoder.encode(v))));
  if (!ha || !hb) return false;
  return crypto.subtle.timingSafeEqual(ha, hb);
}

/** A random URL-safe token, e.g. for tenant API tokens. */
export function randomToken(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `${prefix}_${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "")}`;
}
