/**
 * The secrets a sign-in hands out: a short-lived access JWT (HS256, hono/jwt) that names the session,
 * a refresh token stored only as its hash, and the CSRF token derived from the session id.
 * All keyed by SESSION_SECRET; none of them is ever stored in clear.
 */
import { sign, verify } from "hono/jwt";
import { hmacSha256Hex } from "../lib/hmac";
import { safeEqual, sha256Hex } from "../lib/crypto";
import { AppError } from "../lib/errors";
import type { Role } from "../tenants/roles";

/** Access tokens live 10 minutes: a revoked session stops at once anyway (every request reads it). */
export const ACCESS_TTL_S = 10 * 60;
/** A session lasts 14 days from its last refresh. */
export const REFRESH_TTL_MS = 14 * 86_400_000;

export interface AccessClaims {
  sub: string;
  sid: string;
  cid: number | null;
  role: Role;
  exp: number;
  iat: number;
}

/** The signing key; a Worker without one refuses sessions rather than signing with an empty key. */
export function sessionSecret(env: Env): string {
  const secret = env.SESSION_SECRET ?? "";
  if (secret.length < 16) throw new AppError(503, "sessions_unconfigured", "Set the SESSION_SECRET secret (at least 16 characters) to sign in with a password");
  return secret;
}

/** URL-safe random bytes (a session id, a link token). */
export function randomSecret(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function signAccess(secret: string, c: Omit<AccessClaims, "exp" | "iat">, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return sign({ ...c, iat, exp: iat + ACCESS_TTL_S }, secret, "HS256");
}

/**
 * The claims, or why not: "expired" (the panel refreshes) or "invalid" (anything else: forged,
 * another key, malformed). `nowMs` is for tests: hono checks exp against the clock, so we check it here.
 */
export async function verifyAccess(secret: string, token: string, nowMs: number): Promise<AccessClaims | "expired" | "invalid"> {
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, secret, { alg: "HS256", exp: false, iat: false, nbf: false });
  } catch {
    return "invalid";
  }
  const { sub, sid, role, exp } = payload;
  if (typeof sub !== "string" || typeof sid !== "string" || typeof role !== "string" || typeof exp !== "number") return "invalid";
  if (exp * 1000 <= nowMs) return "expired";
  return payload as unknown as AccessClaims;
}

/**
 * A refresh token names its session and proves it was ours: `<sid>.<random>.<mac>`. A genuine token
 * that is no longer the session's current one was already used: that is a stolen copy or a replay,
 * and the session is revoked (reuse detection) — which an unsigned sid alone could not justify.
 */
export async function makeRefresh(secret: string, sid: string): Promise<{ token: string; hash: string }> {
  const body = `${sid}.${randomSecret(24)}`;
  const token = `${body}.${await hmacSha256Hex(secret, `refresh:${body}`)}`;
  return { token, hash: await sha256Hex(token) };
}

/** The session a refresh token names, when its MAC holds; null for anything forged or malformed. */
export async function parseRefresh(secret: string, token: string): Promise<{ sid: string; hash: string } | null> {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [sid = "", random = "", mac = ""] = parts;
  if (!(await safeEqual(mac, await hmacSha256Hex(secret, `refresh:${sid}.${random}`)))) return null;
  return { sid, hash: await sha256Hex(token) };
}

/** The CSRF token of a session: derived, so nothing is stored and it survives refreshes. */
export const csrfFor = (secret: string, sid: string) => hmacSha256Hex(secret, `csrf:${sid}`);
