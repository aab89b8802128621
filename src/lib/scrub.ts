/**
 * Removal of credentials from vendor text before it is stored, served or logged: a vendor that echoes
 * the request (some proxies and fakes do, and error pages often quote the URL or headers) would
 * otherwise put the tenant's token into delivery logs, dead letters and API answers.
 */

export const REDACTED = "[redacted]";

// Short strings would redact ordinary words; real credentials are long.
const MIN_SECRET_LENGTH = 8;

// `Bearer <token>` / `Basic <token>` anywhere (an echoed Authorization header), whatever the token is.
const AUTH_SCHEME = /\b(Bearer|Basic)(?:\s+|%20|\+)(?!\[redacted\])[A-Za-z0-9._~+/=%-]{6,}/gi;
// A query or form value: `access_token=…`, `apikey=…`, Google's `key=…` (also URL-encoded `=`).
const QUERY_VALUE = /\b((?:access_token|refresh_token|client_secret|api_?key|apikey|token|secret|password|key)(?:=|%3D))(?!\[redacted\])[^\s&"'#<>]{4,}/gi;
// A header or JSON member whose name says credential: `apikey: …`, `"access_token":"…"`, `"token": "…"`.
const NAMED_VALUE =
  /((?:\b(?:access[_-]?token|refresh[_-]?token|client[_-]?secret|x-api-key|api[_-]?key|apikey)["']?|"(?:token|secret|password)")\s*:\s*["']?)(?!\[redacted\])[^\s"',;}\]]{4,}/gi;

/**
 * Replaces each secret (as given, URL-encoded and form-encoded) and anything shaped like an echoed
 * credential (`Bearer <token>`, `access_token=<value>`, `apikey: <value>`) with `[redacted]`.
 * @example scrubSecrets("bad token EAAB123456 (Authorization: Bearer EAAB123456)", ["EAAB123456"]) // "bad token [redacted] (Authorization: Bearer [redacted])"
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  let out = text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(encodeURIComponent(secret).replace(/%20/g, "+"));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret that contains another is removed whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(QUERY_VALUE, (_m, key: string) => `${key}${REDACTED}`)
    .replace(NAMED_VALUE, (_m, key: string) => `${key}${REDACTED}`);
}
