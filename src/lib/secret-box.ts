/**
 * Encrypts tenant secrets (LLM API keys) before they reach D1, with AES-GCM under a key derived from
 * the SECRETS_KEY Worker secret. Format: "v1.<iv base64url>.<ciphertext base64url>".
 */
const encoder = new TextEncoder();
const b64 = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const unb64 = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

async function keyFrom(secret: string): Promise<CryptoKey> {
  if (secret.length < 16) throw new Error("SECRETS_KEY must be at least 16 characters");
  const raw = await crypto.subtle.digest("SHA-256", encoder.encode(`secretaria:secret-box:v1:${secret}`));
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function sealSecret(secret: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await keyFrom(secret), encoder.encode(plaintext)));
  return `v1.${b64(iv)}.${b64(ct)}`;
}

/** Null when the box was sealed with another key or tampered with. */
export async function openSecret(secret: string, sealed: string): Promise<string | null> {
  const [version, iv, ct] = sealed.split(".");
  if (version !== "v1" || !iv || !ct) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(iv) }, await keyFrom(secret), unb64(ct));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
