/**
 * Which URLs a tenant may point an outgoing webhook at. Https only, and never a host that names this
 * machine or a private network (SSRF: a tenant must not make the Worker probe what sits behind it).
 * Hostnames are not resolved (Workers have no DNS API); Cloudflare's own fetch does not reach private
 * networks, so a public name that resolves to one fails there rather than here.
 */
export type UrlRefusal = "invalid_url" | "https_required" | "private_host" | "credentials_in_url";

/** WEBHOOKS_ALLOW_LOCAL=1 with ENVIRONMENT=development: http://127.0.0.1 and http://localhost are allowed (local receivers). */
export function allowLocalWebhooks(env: Pick<Env, "ENVIRONMENT"> & { WEBHOOKS_ALLOW_LOCAL?: string }): boolean {
  return env.ENVIRONMENT === "development" && env.WEBHOOKS_ALLOW_LOCAL === "1";
}

/** Null when the URL may receive webhooks. `checkWebhookUrl("https://n8n.example.com/webhook/x", false)` → null. */
export function checkWebhookUrl(raw: string, allowLocal: boolean): UrlRefusal | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "invalid_url";
  }
  if (url.username || url.password) return "credentials_in_url";
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const local = host === "127.0.0.1" || host === "localhost";
  if (allowLocal && local && (url.protocol === "http:" || url.protocol === "https:")) return null;
  if (url.protocol !== "https:") return "https_required";
  if (privateHost(host)) return "private_host";
  return null;
}

const PRIVATE_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)$/;

function privateHost(host: string): boolean {
  if (!host.includes(".") && !host.includes(":")) return true;
  if (PRIVATE_NAMES.test(host)) return true;
  const v4 = ipv4(host);
  if (v4) return privateV4(v4);
  if (host.includes(":")) return privateV6(host);
  return false;
}

function ipv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function privateV4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function privateV6(host: string): boolean {
  if (host === "::" || host === "::1") return true;
  // IPv4-mapped (::ffff:7f00:1 as the URL parser writes ::ffff:127.0.0.1): judge the IPv4 inside.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const hi = Number.parseInt(mapped[1] ?? "0", 16);
    const lo = Number.parseInt(mapped[2] ?? "0", 16);
    return privateV4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  const first = Number.parseInt(host.split(":")[0] || "0", 16);
  // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast.
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
}
