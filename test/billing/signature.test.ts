import { describe, expect, it } from "vitest";
import { parseSignatureHeader, verifyStripeSignature } from "../../src/billing/signature";
import { hmacSha256Hex } from "../../src/lib/hmac";

const SECRET = "whsec_unit";
const body = '{"id":"evt_1","type":"invoice.paid"}';
const raw = new TextEncoder().encode(body);
const T = 1_764_633_600;
const NOW = T * 1000;
const v1 = (secret: string, t: number, b = body) => hmacSha256Hex(secret, `${t}.${b}`);

describe("Stripe-Signature", () => {
  it("accepts a valid signature and says when it was made", async () => {
    expect(await verifyStripeSignature(raw, `t=${T},v1=${await v1(SECRET, T)}`, SECRET, NOW)).toEqual({ ok: true, timestamp: T });
  });

  it("accepts up to 300 s either side, and refuses a stale or a future one past it", async () => {
    const at = async (t: number) => verifyStripeSignature(raw, `t=${t},v1=${await v1(SECRET, t)}`, SECRET, NOW);
    expect((await at(T - 300)).ok).toBe(true);
    expect((await at(T + 300)).ok).toBe(true);
    expect(await at(T - 301)).toEqual({ ok: false, reason: "stale" });
    expect(await at(T + 301)).toEqual({ ok: false, reason: "future" });
  });

  it("refuses a forged signature, a signature of another body, and a signature with the timestamp changed", async () => {
    expect(await verifyStripeSignature(raw, `t=${T},v1=${await v1("whsec_other", T)}`, SECRET, NOW)).toEqual({ ok: false, reason: "mismatch" });
    expect(await verifyStripeSignature(raw, `t=${T},v1=${await v1(SECRET, T, `${body} `)}`, SECRET, NOW)).toEqual({ ok: false, reason: "mismatch" });
    expect(await verifyStripeSignature(raw, `t=${T + 1},v1=${await v1(SECRET, T)}`, SECRET, NOW)).toEqual({ ok: false, reason: "mismatch" });
  });

  it("accepts any one valid v1 among several (a secret being rolled), in either order; ignores v0", async () => {
    const good = await v1(SECRET, T);
    const old = await v1("whsec_previous", T);
    expect((await verifyStripeSignature(raw, `t=${T},v1=${old},v1=${good}`, SECRET, NOW)).ok).toBe(true);
    expect((await verifyStripeSignature(raw, `t=${T},v1=${good},v1=${old},v0=${"0".repeat(64)}`, SECRET, NOW)).ok).toBe(true);
    expect(await verifyStripeSignature(raw, `t=${T},v1=${old},v1=${old}`, SECRET, NOW)).toEqual({ ok: false, reason: "mismatch" });
  });

  it("refuses a missing or malformed header without computing anything", async () => {
    const good = await v1(SECRET, T);
    expect(await verifyStripeSignature(raw, undefined, SECRET, NOW)).toEqual({ ok: false, reason: "missing" });
    for (const h of [`v1=${good}`, `t=${T}`, `t=abc,v1=${good}`, `t=${T},v1=xyz`, `t=${T},t=${T},v1=${good}`, "garbage", `t=${T};v1=${good}`, `t=${T},v1=${good.slice(2)}`])
      expect(await verifyStripeSignature(raw, h, SECRET, NOW), h).toEqual({ ok: false, reason: "malformed" });
    expect(parseSignatureHeader(`t=${T},${Array.from({ length: 9 }, () => `v1=${good}`).join(",")}`)).toBeNull();
  });

  it("never accepts anything when the secret is empty", async () => {
    expect(await verifyStripeSignature(raw, `t=${T},v1=${"a".repeat(64)}`, "", NOW)).toEqual({ ok: false, reason: "mismatch" });
  });
});
