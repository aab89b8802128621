import { Hono, type Context } from "hono";
import { acceptLink, issueLink, linkUrl, notifyUrlOf, postLink } from "../../identity/links";
import { loginWait } from "../../identity/login-limit";
import { userView } from "../../identity/members";
import { type IssuedSession, openSession, refreshSession } from "../../identity/sessions";
import { checkPassword, TooManyAttempts } from "../../identity/sign-in";
import { sessionSecret, verifyAccess } from "../../identity/tokens";
import { AppError } from "../../lib/errors";
import * as z from "../../lib/zod";
import type { Company, User } from "../../store/types";
import { permissionsOf } from "../../tenants/roles";
import { errorResponse } from "../errors";
import { describer } from "../openapi/meta";
import { jsonBody } from "../openapi/validate";
import { accessCookie, assertCsrf, clearSessionCookies, refreshCookie, setSessionCookies } from "../session-cookies";
import type { AppEnv } from "../types";

/** Signing in and out of the panel: password → session cookies; refresh; logout; invitation and reset links. */
export const auth = new Hono<AppEnv>();
const doc = describer({ tag: "Sign-in", auth: "public" });

const Email = z.email().max(254);
const Password = z.string().min(10, "at least 10 characters").max(200);
const Login = z.strictObject({ email: Email, password: z.string().min(1).max(200) });
const Accept = z.strictObject({ token: z.string().min(16).max(200), password: Password });
const ResetRequest = z.strictObject({ email: Email });

/**
 * Sign-in from another site's page (a form posting JSON as text/plain) would sign the victim into
 * the attacker's account; browsers say where a request comes from in Sec-Fetch-Site.
 */
function assertSameSite(c: Context<AppEnv>): void {
  if (c.req.header("sec-fetch-site") === "cross-site") throw new AppError(403, "csrf_failed", "Sign in from the panel itself");
}

const ipOf = (c: Context<AppEnv>) => c.req.header("cf-connecting-ip") ?? null;
const client = (c: Context<AppEnv>) => ({ ip: ipOf(c), userAgent: c.req.header("user-agent") ?? null });

/** What the panel needs after signing in, as GET /api/me says it, plus the CSRF token for its header. */
function signedIn(c: Context<AppEnv>, s: IssuedSession, user: User, company: Company | null) {
  setSessionCookies(c, s);
  c.header("cache-control", "no-store");
  return c.json({
    user: userView(user),
    company: company ? { slug: company.slug, name: company.name, channel: company.channel, time_zone: company.timeZone, locale: company.locale, status: company.status } : null,
    role: user.role,
    permissions: permissionsOf(user.role),
    csrf: s.csrf,
  });
}

/** A 429 with Retry-After, in the one envelope. */
function tooMany(c: Context<AppEnv>, err: TooManyAttempts) {
  const res = errorResponse(c, err);
  res.headers.set("retry-after", String(err.retryAfterS));
  return res;
}

const SIGNED_IN = { 200: { description: "`{user, company, role, permissions, csrf}`; sets the session cookies (HttpOnly access and refresh, readable csrf)" } };

auth.post(
  "/api/auth/login",
  doc({
    summary: "Sign in with e-mail and password",
    responses: SIGNED_IN,
    errors: {
      401: "`invalid_credentials` (unknown e-mail or wrong password, alike), `account_disabled`",
      403: "`tenant_suspended`; `csrf_failed` when a browser says the request comes from another site",
      429: "`too_many_attempts` (5 wrong passwords lock the account 15 min; 10 attempts a minute per IP), with Retry-After",
    },
  }),
  jsonBody(Login),
  async (c) => {
    assertSameSite(c);
    const now = Date.now();
    const wait = loginWait(ipOf(c) ?? "unknown", now);
    if (wait > 0) return tooMany(c, new TooManyAttempts(wait));
    const { email, password } = c.req.valid("json");
    const store = c.get("store");
    const secret = sessionSecret(c.env);
    try {
      const { user, company } = await checkPassword(store, email, password, now);
      const session = await openSession(store, secret, user, client(c), now);
      if (company) await auditAs(c, company.id, user, "user.login", session.sid);
      return signedIn(c, session, user, company);
    } catch (err) {
      if (err instanceof TooManyAttempts) return tooMany(c, err);
      throw err;
    }
  },
);

/** The audit entry of a request that has no caller yet (signing in): it names the user itself. */
async function auditAs(c: Context<AppEnv>, companyId: number, user: User, action: string, sid: string) {
  await c.get("store").auditLogs.append(companyId, {
    action,
    target: `user:${user.id}`,
    detail: { session: sid.slice(0, 6) },
    actor: `user:${user.id}`,
    userId: user.id,
    actorRole: user.role,
    ip: ipOf(c),
    correlationId: c.get("requestId") ?? null,
  });
}

auth.post(
  "/api/auth/refresh",
  doc({
    summary: "New access and refresh tokens for the refresh cookie (send x-csrf-token)",
    description: "The refresh token rotates on every call; presenting an old one revokes the session (someone copied it).",
    responses: SIGNED_IN,
    errors: { 401: "`unauthorized`, `session_expired`, `session_revoked`, `account_disabled`", 403: "`csrf_failed`, `tenant_suspended`" },
  }),
  async (c) => {
    const secret = sessionSecret(c.env);
    const token = refreshCookie(c);
    if (!token) throw new AppError(401, "unauthorized", "No refresh cookie; sign in");
    await assertCsrf(c, secret, token.split(".")[0] ?? "");
    try {
      const s = await refreshSession(c.get("store"), secret, token, Date.now());
      return signedIn(c, s, s.user, s.company);
    } catch (err) {
      clearSessionCookies(c);
      throw err;
    }
  },
);

auth.post(
  "/api/auth/logout",
  doc({
    summary: "Sign out: the session is revoked at once (send x-csrf-token)",
    responses: { 200: { description: "`{signed_out: true}`; the cookies are cleared" } },
    errors: { 403: "`csrf_failed`" },
  }),
  async (c) => {
    const secret = sessionSecret(c.env);
    // An expired access token still names its session: signing out must work after ten idle minutes.
    const claims = await verifyAccess(secret, accessCookie(c) ?? "", 0);
    if (typeof claims === "object") {
      await assertCsrf(c, secret, claims.sid);
      await c.get("store").sessions.revoke(claims.sid, Date.now());
    }
    clearSessionCookies(c);
    return c.json({ signed_out: true });
  },
);

auth.post(
  "/api/auth/accept",
  doc({
    summary: "Use an invitation or reset link: set the password, activate the account, sign in",
    responses: SIGNED_IN,
    errors: { 400: "`invalid_link`: unknown, used or expired", 403: "`account_disabled`, `tenant_suspended`, `csrf_failed` (from another site)" },
  }),
  jsonBody(Accept),
  async (c) => {
    assertSameSite(c);
    const { token, password } = c.req.valid("json");
    const store = c.get("store");
    const secret = sessionSecret(c.env);
    const now = Date.now();
    const user = await acceptLink(store, token, password, now);
    const company = user.companyId === null ? null : await store.companies.byId(user.companyId);
    if (company && company.status !== "active") throw new AppError(403, "tenant_suspended", `This tenant is ${company.status}`);
    const session = await openSession(store, secret, user, client(c), now);
    if (company) await auditAs(c, company.id, user, "user.accept", session.sid);
    return signedIn(c, session, user, company);
  },
);

auth.post(
  "/api/auth/reset-request",
  doc({
    summary: "Ask for a password reset link (always 202)",
    description: "When the e-mail is an active user's and the tenant has a notify URL, a one-hour reset link is posted there. The answer never says which.",
    responses: { 202: { description: "`{accepted: true}`" } },
  }),
  jsonBody(ResetRequest),
  async (c) => {
    const { email } = c.req.valid("json");
    const store = c.get("store");
    const now = Date.now();
    const found = await store.users.byEmailForLogin(email);
    const user = found?.user;
    const company = user?.companyId ? await store.companies.byId(user.companyId) : null;
    const notifyUrl = user && company && user.status === "active" && company.status === "active" ? await notifyUrlOf(store, company) : null;
    // Without a notify URL there is nowhere to send a link: an admin makes one (POST /api/users/:id/reset).
    if (user && company && notifyUrl) {
      const token = await issueLink(store, user.id, "reset", now);
      await postLink(c.env, notifyUrl, company, user, "reset", linkUrl(new URL(c.req.url).origin, token), now);
      await auditAs(c, company.id, user, "user.reset_requested", "-");
    }
    return c.json({ accepted: true }, 202);
  },
);
