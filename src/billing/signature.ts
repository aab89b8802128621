/**
 * Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each v1 an
 * HMAC-SHA256 of `${t}.${raw body}` under the endpoint's secret. Any one valid v1 is enough (Stripe
 * signs with both secrets while one is being rolled); `t` must be within the tolerance either side
 * of now, so a captured request cannot be replayed later (a replay inside it is caught by event id).
 * A pure core: `now` is a parameter.
 */
import { hmacSha256Verify } from "../lib/hmac";

export const SIGNATURE_TOLERANCE_S = 300;
/** More v1 values than any rotation needs is a forgery trying its luck. */
const MAX_SIGNATURES = 8;

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: "missing" | "malformed" | "stale" | "future" | "mismatch" };

/** Parses the header: null when it is not `t=…,v1=…` (other schemes such as v0 are ignored, as Stripe's libraries do). */
export function parseSignatureHeader(header: string): { t: number; v1: string[] } | null {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (!/^\d{1,12}$/.test(value) || t !== null) return null;
      t = Number(value);
    } else if (key === "v1") {
      if (!/^[0-9a-f]{64}$/i.test(value)) return null;
      v1.push(value);
    }
  }
  if (t === null || v1.length === 0 || v1.length > MAX_SIGNATURES) return null;
  return { t, v1 };
}

export async function verifyStripeSignature(
  raw: Uint8Array,
  header: string | undefined,
  secret: string,
  nowMs: number,
  toleranceS = SIGNATURE_TOLERANCE_S,
): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: "missing" };
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, reason: "malformed" };
  const now = Math.floor(nowMs / 1000);
  if (parsed.t < now - toleranceS) return { ok: false, reason: "stale" };
  if (parsed.t > now + toleranceS) return { ok: false, reason: "future" };
  const prefix = new TextEncoder().encode(`${parsed.t}.`);
  const signed = new Uint8Array(prefix.length + raw.length);
  signed.set(prefix);
  signed.set(raw, prefix.length);
  // Every candidate is checked (crypto.subtle.verify compares in constant time), so timing never tells which one matched.
  const results = await Promise.all(parsed.v1.map((sig) => hmacSha256Verify(secret, signed, sig)));
  return results.some(Boolean) ? { ok: true, timestamp: parsed.t } : { ok: false, reason: "mismatch" };
}
