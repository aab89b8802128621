/** HMAC-SHA256 helpers for webhook signatures (Meta X-Hub-Signature-256, Whaticket X-Signature, ...). */

export type HmacData = ArrayBuffer | Uint8Array | string;

const encoder = new TextEncoder();
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

function toBytes(data: HmacData): ArrayBuffer | Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

// Importing a key costs more than the HMAC of a small body: keep the few secrets an isolate uses (a key is not the secret's text).
const keys = new Map<string, Promise<CryptoKey>>();
function importHmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  const id = `${usage}:${secret}`;
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= 64) keys.clear();
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
    keys.set(id, key);
  }
  return key;
}

function hexToBytes(hex: string): Uint8Array | null {
  if (!HEX_SHA256.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Lowercase hex HMAC-SHA256, e.g. `await hmacSha256Hex("secret", body)` → "a1b2…" (64 chars). */
export async function hmacSha256Hex(secret: string, data: HmacData): Promise<string> {
  const key = await importHmacKey(secret, "sign");
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, toBytes(data)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * True when `hexSignature` is the HMAC-SHA256 of `data` under `secret`.
 * Uses `crypto.subtle.verify`, which compares in constant time; malformed hex or an empty secret → false.
 */
export async function hmacSha256Verify(secret: string, data: HmacData, hexSignature: string): Promise<boolean> {
  // An empty secret means "not configured": never let that accept a signature.
  if (secret === "") return false;
  const signature = hexToBytes(hexSignature);
  if (!signature) return false;
  const key = await importHmacKey(secret, "verify");
  return crypto.subtle.verify("HMAC", key, signature, toBytes(data));
}

/** Checks a `sha256=<hex>` header (Meta's X-Hub-Signature-256 format); missing or malformed → false. */
export async function verifySha256Header(data: HmacData, header: string | null | undefined, secret: string): Promise<boolean> {
  if (typeof header !== "string") return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match?.[1]) return false;
  return hmacSha256Verify(secret, data, match[1]);
}
