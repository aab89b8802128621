import { describe, expect, it } from "vitest";
import { hmacSha256Hex, hmacSha256Verify, verifySha256Header } from "../../src/lib/hmac";

// The widely published HMAC-SHA256 example vector.
const FOX = "The quick brown fox jumps over the lazy dog";
const FOX_MAC = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

describe("hmac", () => {
  it("computes the known HMAC-SHA256 vector from a string or bytes", async () => {
    expect(await hmacSha256Hex("key", FOX)).toBe(FOX_MAC);
    expect(await hmacSha256Hex("key", new TextEncoder().encode(FOX))).toBe(FOX_MAC);
  });

  it("verifies a correct signature and rejects a changed one", async () => {
    expect(await hmacSha256Verify("key", FOX, FOX_MAC)).toBe(true);
    expect(await hmacSha256Verify("key", `${FOX}.`, FOX_MAC)).toBe(false);
    expect(await hmacSha256Verify("key", FOX, `${FOX_MAC.slice(0, 63)}9`)).toBe(false);
  });

  it("rejects malformed hex and an empty secret", async () => {
    expect(await hmacSha256Verify("key", FOX, FOX_MAC.slice(0, 62))).toBe(false);
    expect(await hmacSha256Verify("key", FOX, `${FOX_MAC.slice(0, 62)}zz`)).toBe(false);
    expect(await hmacSha256Verify("", FOX, FOX_MAC)).toBe(false);
  });

  it("checks sha256=<hex> headers", async () => {
    expect(await verifySha256Header(FOX, `sha256=${FOX_MAC}`, "key")).toBe(true);
    expect(await verifySha256Header(FOX, ` sha256=${FOX_MAC} `, "key")).toBe(true);
    expect(await verifySha256Header(FOX, FOX_MAC, "key")).toBe(false);
    expect(await verifySha256Header(FOX, null, "key")).toBe(false);
  });
});
