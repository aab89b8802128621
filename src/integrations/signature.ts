import { hmacSha256Hex } from "../lib/hmac";

/**
 * Stripe's scheme for what we send: `Secretaria-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">` under the endpoint's secret. A receiver recomputes it over the raw body and refuses
 * a `t` far from its clock (a captured request replayed later); billing/signature.ts verifies this
 * very format.
 * @example await signatureHeader("whsec_…", body, 1_796_000_000) → "t=1796000000,v1=5f0c…"
 */
export async function signatureHeader(secret: string, body: string, unixSeconds: number): Promise<string> {
  return `t=${unixSeconds},v1=${await hmacSha256Hex(secret, `${unixSeconds}.${body}`)}`;
}

/** A new signing secret: 32 random bytes as hex, with a prefix that says what it is. */
export function newSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
