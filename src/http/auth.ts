import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../lib/errors";
import { safeEqual, sha256Hex } from "../lib/crypto";
import type { AuditEntry, Company, Store } from "../store/types";
import { sessionSecret, verifyAccess } from "../identity/tokens";
import { type Permission, roleCan, scopesAllow } from "../tenants/roles";
import { accessCookie, assertCsrf } from "./session-cookies";
import type { AppEnv, Caller } from "./types";

/**
 * Admin API auth: `Authorization: Bearer <token>`, or the panel's session cookie. An integration
 * token carries its tenant; the platform token (ADMIN_TOKEN) and platform users name one with
 * `x-tenant: <slug>`.
 */
export const requireCaller: MiddlewareHandler<AppEnv> = async (c, next) => {
  // Routers sharing a prefix (agenda, scheduling) each guard it; authenticate once per request.
  if (!c.get("caller")) c.set("caller", await authenticate(c));
  await next();
};

export const PLATFORM: Omit<Caller, "company"> = { kind: "platform", role: "platform", scopes: null, userId: null, tokenId: null, sessionId: null, actor: "platform" };
/** Last use is written at most this often per token: a busy integration does not write on every call. */
const TOUCH_EVERY_MS = 60_000;

async function authenticate(c: Context<AppEnv>): Promise<Caller> {
  const env = c.env;
  const store = c.get("store");
  const xTenant = c.req.header("x-tenant");
  const token = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1]?.trim();
  const host = c.get("hostCompany") ?? null;
  if (!token) {
    const access = accessCookie(c);
    if (access) return sessionCaller(c, access, xTenant, host);
    throw new AppError(401, "unauthorized", "Missing Authorization: Bearer <token>");
  }
  if (env.ADMIN_TOKEN && (await safeEqual(token, env.ADMIN_TOKEN))) return platformCaller(store, hostTenant(xTenant, host), c.req.method);
  const found = await store.apiTokens.byHash(await sha256Hex(token));
  const now = Date.now();
  if (!found || found.token.revokedAt !== null) throw new AppError(401, "unauthorized", "Invalid token");
  if (found.token.expiresAt !== null && found.token.expiresAt <= now) throw new AppError(401, "token_expired", "This token has expired");
  if ((xTenant && xTenant !== found.company.slug) || (host && host.id !== found.company.id)) throw new AppError(403, "forbidden", "This token belongs to another tenant");
  assertActive(found.company);
  if (found.token.lastUsedAt === null || now - found.token.lastUsedAt > TOUCH_EVERY_MS) {
    const touched = store.apiTokens.touch(found.token.id, now).catch(() => undefined);
    try {
      c.executionCtx.waitUntil(touched);
    } catch {
      await touched; // app.request() in unit tests has no execution context
    }
  }
  return {
    kind: "token",
    company: found.company,
    role: "owner",
    scopes: found.token.scopes,
    userId: null,
    tokenId: found.token.id,
    sessionId: null,
    actor: `token:${found.token.id}`,
  };
}

/**
 * A signed-in user: the JWT says which session, then one store read (session + user + company) says
 * whether it still holds, so logout, revocation, a disabled account and a role change act on the
 * very next request. The role is the user's current one, not the JWT's.
 */
async function sessionCaller(c: Context<AppEnv>, access: string, xTenant: string | undefined, host: Company | null): Promise<Caller> {
  const secret = sessionSecret(c.env);
  const now = Date.now();
  const claims = await verifyAccess(secret, access, now);
  if (claims === "expired") throw new AppError(401, "session_expired", "The access token has expired; POST /api/auth/refresh");
  if (claims === "invalid") throw new AppError(401, "unauthorized", "Invalid session");
  await assertCsrf(c, secret, claims.sid);
  const found = await c.get("store").sessions.active(claims.sid);
  if (!found || String(found.user.id) !== claims.sub) throw new AppError(401, "unauthorized", "Invalid session");
  const { session, user, company } = found;
  if (session.revokedAt !== null) throw new AppError(401, "session_revoked", "This session was signed out");
  if (session.expiresAt <= now) throw new AppError(401, "session_expired", "This session has expired; sign in again");
  if (user.status !== "active") throw new AppError(401, "account_disabled", "This account is disabled");
  const who = { userId: user.id, tokenId: null, sessionId: session.id, actor: `user:${user.id}` };
  if (user.role === "platform" && user.companyId === null) return { ...(await platformCaller(c.get("store"), hostTenant(xTenant, host), c.req.method)), ...who };
  if (!company) throw new AppError(401, "unauthorized", "Invalid session");
  if ((xTenant && xTenant !== company.slug) || (host && host.id !== company.id)) throw new AppError(403, "forbidden", "This session belongs to another tenant");
  assertActive(company);
  return { kind: "user", company, role: user.role, scopes: null, ...who };
}

/** On `<slug>.<PANEL_DOMAIN>` the host names the tenant; an x-tenant naming another one is refused. */
function hostTenant(xTenant: string | undefined, host: Company | null): string | undefined {
  if (host && xTenant && xTenant !== host.slug) throw new AppError(403, "forbidden", "x-tenant names another tenant than the host name");
  return xTenant ?? host?.slug;
}

/** The platform acting for a tenant: a suspended or closed one can be read (to support it), not changed. */
export async function platformCaller(store: Store, xTenant: string | undefined, method: string): Promise<Caller> {
  if (!xTenant) return { ...PLATFORM, company: null };
  const company = await store.companies.bySlug(xTenant);
  if (!company) throw new AppError(404, "unknown_tenant", `No tenant "${xTenant}"`);
  if (method !== "GET" && method !== "HEAD") assertActive(company);
  return { ...PLATFORM, company };
}

/** A suspended or closed tenant's tokens and sessions do nothing. */
export function assertActive(company: Company): void {
  if (company.status !== "active") throw new AppError(403, "tenant_suspended", `This tenant is ${company.status}`);
}

/** The tenant a request acts on; a platform caller must have named one. */
export function callerCompany(caller: Caller): Company {
  if (!caller.company) throw new AppError(400, "tenant_required", "Name the tenant with the x-tenant header");
  return caller.company;
}

/** For routes with the tenant in the path: the caller must be that tenant or the platform. */
export function assertTenantAccess(caller: Caller, company: Company): void {
  if (caller.kind !== "platform" && caller.company?.id !== company.id) throw new AppError(403, "forbidden", "This token belongs to another tenant");
}

/** Whether the caller's role (or token's scopes) allows it. */
export function can(caller: Caller, permission: Permission): boolean {
  if (caller.kind === "platform") return true;
  if (caller.scopes) return scopesAllow(caller.scopes, permission);
  return roleCan(caller.role, permission);
}

export function assertCan(caller: Caller, permission: Permission): void {
  if (!can(caller, permission)) throw new AppError(403, "forbidden_role", `Your role may not do this (${permission})`);
}

/** Writes one audit entry naming the caller, their role, address and the request's id. */
export async function audit(c: Context<AppEnv>, companyId: number, e: Pick<AuditEntry, "action" | "target" | "detail">): Promise<void> {
  const caller = c.get("caller");
  await c.get("store").auditLogs.append(companyId, {
    ...e,
    actor: caller?.actor ?? "anonymous",
    userId: caller?.userId ?? null,
    actorRole: caller?.role ?? null,
    ip: c.req.header("cf-connecting-ip") ?? null,
    correlationId: c.get("requestId") ?? null,
  });
}
