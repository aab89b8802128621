/**
 * Password hashes: PBKDF2-SHA256 through WebCrypto at 100,000 iterations, the most workerd allows
 * (it refuses more with NotSupportedError), a 16-byte random salt and a 32-byte key, stored as
 * `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url) so the count can rise later.
 * @example const stored = await hashPassword("s3nh4 longa"); await verifyPassword("s3nh4 longa", stored) // true
 */
export const PBKDF2_ITERATIONS = 100_000;

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const unb64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password.normalize("NFKC")), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256));
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${iterations}$${b64url(salt)}$${b64url(await derive(password, salt, iterations))}`;
}

/** Constant-time check against a stored hash; a malformed or empty hash never matches. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const [scheme, iter, salt, hash] = (stored ?? "").split("$");
  const iterations = Number(iter);
  if (scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS || !salt || !hash) return false;
  try {
    const expected = unb64url(hash);
    const actual = await derive(password, unb64url(salt), iterations);
    return expected.length === actual.length && crypto.subtle.timingSafeEqual(expected, actual);
  } catch {
    return false;
  }
}
