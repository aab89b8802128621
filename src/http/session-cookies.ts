/**
 * The panel's session in cookies: the access JWT and the CSRF token on `/` (`__Host-`: Secure, no
 * Domain, Path=/), the refresh token only on /api/auth (`__Secure-`, since `__Host-` demands Path=/).
 * All SameSite=Strict and Secure; Chromium and Firefox treat http://localhost and http://127.0.0.1
 * as secure contexts, so the same flags work under `npm start` (the browser suite checks it).
 * CSRF is double-submit: the readable csrf cookie must come back in `x-csrf-token`, and it must be
 * the one derived from the session (identity/tokens.ts), so a planted cookie does not pass either.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { safeEqual } from "../lib/crypto";
import { AppError } from "../lib/errors";
import type { IssuedSession } from "../identity/sessions";
import { csrfFor, REFRESH_TTL_MS } from "../identity/tokens";
import type { AppEnv } from "./types";

export const ACCESS_COOKIE = "__Host-secretaria-access";
export const CSRF_COOKIE = "__Host-secretaria-csrf";
export const REFRESH_COOKIE = "__Secure-secretaria-refresh";
export const CSRF_HEADER = "x-csrf-token";
const REFRESH_PATH = "/api/auth";

// The access cookie outlives its JWT on purpose: an expired JWT that still arrives is answered
// 401 session_expired (refresh and retry), not a bare 401 that sends the panel to sign-in.
const base = (maxAgeS: number): CookieOptions => ({ secure: true, sameSite: "Strict", path: "/", maxAge: maxAgeS });

export function setSessionCookies(c: Context<AppEnv>, s: IssuedSession): void {
  const maxAge = Math.floor(REFRESH_TTL_MS / 1000);
  setCookie(c, ACCESS_COOKIE, s.access, { ...base(maxAge), httpOnly: true });
  setCookie(c, CSRF_COOKIE, s.csrf, base(maxAge));
  setCookie(c, REFRESH_COOKIE, s.refresh, { ...base(maxAge), httpOnly: true, path: REFRESH_PATH });
}

export function clearSessionCookies(c: Context<AppEnv>): void {
  deleteCookie(c, ACCESS_COOKIE, { secure: true, path: "/" });
  deleteCookie(c, CSRF_COOKIE, { secure: true, path: "/" });
  deleteCookie(c, REFRESH_COOKIE, { secure: true, path: REFRESH_PATH });
}

export const accessCookie = (c: Context<AppEnv>) => getCookie(c, ACCESS_COOKIE);
export const refreshCookie = (c: Context<AppEnv>) => getCookie(c, REFRESH_COOKIE);

/** Reads are safe; anything else sent with the cookie must carry the session's CSRF token in the header. */
export async function assertCsrf(c: Context<AppEnv>, secret: string, sid: string): Promise<void> {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return;
  const header = c.req.header(CSRF_HEADER) ?? "";
  const cookie = getCookie(c, CSRF_COOKIE) ?? "";
  const expected = await csrfFor(secret, sid);
  if (!header || !(await safeEqual(header, cookie)) || !(await safeEqual(header, expected)))
    throw new AppError(403, "csrf_failed", `Send the csrf cookie's value in the ${CSRF_HEADER} header`);
}
