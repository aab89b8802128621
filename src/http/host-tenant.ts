/**
 * Tenants by host name: `<slug>.<PANEL_DOMAIN>` names the tenant of every request to it (panel API,
 * sandbox, webhooks), as the seeds' per-tenant subdomains. What it names is a constraint, never a
 * grant: a token of another tenant is refused (auth.ts), the platform token acts for it without
 * x-tenant, and webhooks and the simulator accept only that tenant's traffic. An unknown subdomain is
 * a 404 `unknown_tenant` before anything else runs. A tenant's own domain (Cloudflare for SaaS custom
 * hostnames) is a design note in docs/configuration.md.
 */
import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../lib/errors";
import type { Company } from "../store/types";
import { companyBySlug } from "../tenants/lookup-cache";
import { isReservedSlug, SLUG } from "../tenants/provision";
import type { AppEnv } from "./types";

/** The subdomain label of `host` under `domain`, or null for the apex, a reserved label, or another domain. */
export function hostLabel(host: string, domain: string): string | null {
  const h = host.toLowerCase().replace(/\.$/, "");
  const d = domain
    .trim()
    .toLowerCase()
    .replace(/^\.+|\.$/g, "");
  if (!d || h === d || !h.endsWith(`.${d}`)) return null;
  const label = h.slice(0, -d.length - 1);
  return isReservedSlug(label) ? null : label;
}

export const hostTenant: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("hostCompany", null);
  const label = c.env.PANEL_DOMAIN ? hostLabel(new URL(c.req.url).hostname, c.env.PANEL_DOMAIN) : null;
  if (label !== null) {
    const company = SLUG.test(label) ? await companyBySlug(c.get("store"), label) : null;
    if (!company) throw new AppError(404, "unknown_tenant", `No tenant at ${label}.${c.env.PANEL_DOMAIN}`);
    c.set("hostCompany", company);
  }
  await next();
};

/** Whether a request's host name (if it names a tenant) is this tenant's. */
export const hostAllows = (c: Context<AppEnv>, company: Company): boolean => {
  const host = c.get("hostCompany");
  return !host || host.id === company.id;
};
