import type { MiddlewareHandler } from "hono";
import { AppError } from "../lib/errors";
import { safeEqual, sha256Hex } from "../lib/crypto";
import type { Company } from "../store/types";
import type { AppEnv, Caller } from "./types";

/**
 * Admin API auth: `Authorization: Bearer <token>`. A tenant token carries its tenant; the platform
 * token (ADMIN_TOKEN) names one with `x-tenant: <slug>`.
 */
export const requireCaller: MiddlewareHandler<AppEnv> = async (c, next) => {
  // Routers sharing a prefix (agenda, scheduling) each guard it; authenticate once per request.
  if (!c.get("caller")) c.set("caller", await authenticate(c.env, c.get("store"), c.req.header("authorization"), c.req.header("x-tenant")));
  await next();
};

async function authenticate(env: Env, store: AppEnv["Variables"]["store"], authorization: string | undefined, xTenant: string | undefined): Promise<Caller> {
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
  if (!token) throw new AppError(401, "unauthorized", "Missing Authorization: Bearer <token>");
  if (env.ADMIN_TOKEN && (await safeEqual(token, env.ADMIN_TOKEN))) {
    if (!xTenant) return { kind: "platform", company: null };
    const company = await store.companies.bySlug(xTenant);
    if (!company) throw new AppError(404, "unknown_tenant", `No tenant "${xTenant}"`);
    return { kind: "platform", company };
  }
  const company = await store.apiTokens.companyByTokenHash(await sha256Hex(token));
  if (!company) throw new AppError(401, "unauthorized", "Invalid token");
  if (xTenant && xTenant !== company.slug) throw new AppError(403, "forbidden", "This token belongs to another tenant");
  return { kind: "tenant", company };
}

/** The tenant a request acts on; a platform caller must have named one. */
export function callerCompany(caller: Caller): Company {
  if (!caller.company) throw new AppError(400, "tenant_required", "Name the tenant with the x-tenant header");
  return caller.company;
}

/** For routes with the tenant in the path: the caller must be that tenant or the platform. */
export function assertTenantAccess(caller: Caller, company: Company): void {
  if (caller.kind === "tenant" && caller.company?.id !== company.id) throw new AppError(403, "forbidden", "This token belongs to another tenant");
}
