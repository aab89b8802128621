import { type Context, Hono } from "hono";
import { periodOf } from "../../billing/period";
import { AppError } from "../../lib/errors";
import { iso } from "../../lib/time-zone";
import * as z from "../../lib/zod";
import type { Company, Plan, Store, Subscription, UsageMetric } from "../../store/types";
import { transition, type Transition } from "../../tenants/lifecycle";
import { assertTimeZone, LOCALES, planOrFail, ProvisionBody, provision } from "../../tenants/provision";
import { configChanged } from "../../tenants/tenant-cache";
import { audit, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, queryParams } from "../openapi/validate";
import { MAX_ID } from "../params";
import type { AppEnv } from "../types";

/** Provisioning and the tenant lifecycle: the platform only (resource "tenants"; no tenant token reaches it). */
export const tenants = new Hono<AppEnv>();
tenants.use("/api/tenants", requireCaller);
tenants.use("/api/tenants/*", requireCaller);
const doc = describer({ tag: "Tenants", auth: "admin", resource: "tenants" });
const NOT_FOUND = "`unknown_tenant`: no tenant with that id or slug";

/** `:id` is the numeric id or the slug. */
async function tenantOf(c: Context<AppEnv>): Promise<Company> {
  const raw = c.req.param("id") ?? "";
  const store = c.get("store");
  const id = /^\d+$/.test(raw) && Number(raw) <= MAX_ID ? Number(raw) : null;
  const company = id !== null ? await store.companies.byId(id) : await store.companies.bySlug(raw);
  if (!company) throw new AppError(404, "unknown_tenant", `No tenant "${raw}"`);
  return company;
}

/** Many tenants' views in a few statements (subscriptions, usage and user counts for all at once). */
async function tenantViews(store: Store, companies: Company[], now = Date.now()) {
  const ids = companies.map((co) => co.id);
  // Usage is filed under the tenant's local month (billing/flush.ts), not the UTC one.
  const periods = companies.map((co) => ({ companyId: co.id, period: periodOf(now, co.timeZone) }));
  const [subs, usage, users] = await Promise.all([store.subscriptions.getMany(ids), store.usage.getMany(periods), store.users.countMany(ids)]);
  return companies.map((co, i) => viewOf(co, subs.get(co.id) ?? null, periods[i]?.period ?? "", usage.get(co.id) ?? { messages: 0, llm_tokens: 0 }, users.get(co.id) ?? 0));
}

async function tenantView(store: Store, company: Company) {
  const [view] = await tenantViews(store, [company]);
  return view;
}

function viewOf(company: Company, sub: { subscription: Subscription; plan: Plan } | null, period: string, usage: Record<UsageMetric, number>, users: number) {
  return {
    id: company.id,
    slug: company.slug,
    name: company.name,
    status: company.status,
    status_reason: company.statusReason,
    status_changed_at: iso(company.statusChangedAt),
    time_zone: company.timeZone,
    locale: company.locale,
    channel: company.channel,
    plan: sub
      ? { code: sub.plan.code, name: sub.plan.name, messages_per_month: sub.plan.messagesPerMonth, llm_tokens_per_month: sub.plan.llmTokensPerMonth, max_users: sub.plan.maxUsers }
      : null,
    subscription: sub ? { status: sub.subscription.status, current_period_end: iso(sub.subscription.currentPeriodEnd) } : null,
    usage: { period, messages: usage.messages, llm_tokens: usage.llm_tokens },
    users,
  };
}

/** Where this tenant's panel answers: its own host name when PANEL_DOMAIN is set, else this request's origin. */
const panelOrigin = (c: Context<AppEnv>, slug: string) => (c.env.PANEL_DOMAIN ? `https://${slug}.${c.env.PANEL_DOMAIN}` : new URL(c.req.url).origin);

tenants.post(
  "/api/tenants/provision",
  doc({
    summary: "Provision a tenant: company, subscription, owner, the tenant's DO, an integration token (idempotent by slug)",
    description:
      "201 with the one-time secrets (the integration token; the owner's invitation link when no password was given). The same slug and owner e-mail again: 200 `created: false`, no secrets. A call that failed halfway is finished by the retry.",
    responses: {
      201: { description: "`{created: true, tenant, owner, integration_token, invitation}`" },
      200: { description: "`{created: false, tenant, owner}`: already provisioned" },
    },
    errors: { 409: "`slug_taken`; `email_taken`", 422: "`unknown_plan`; `invalid_time_zone`; `reserved_slug`" },
  }),
  jsonBody(ProvisionBody),
  async (c) => {
    const body = c.req.valid("json");
    const store = c.get("store");
    const done = await provision(c.env, store, body, panelOrigin(c, body.slug));
    const owner = { id: done.owner.id, email: done.owner.email, name: done.owner.name, role: done.owner.role, status: done.owner.status };
    const tenant = await tenantView(store, done.company);
    if (!done.secrets) return c.json({ created: false, tenant, owner }, 200);
    await audit(c, done.company.id, { action: "tenant.provision", target: done.company.slug, detail: { plan: body.plan, owner: owner.id, do_schema: done.doSchemaVersion } });
    const { integrationToken, tokenPrefix, invitation } = done.secrets;
    return c.json(
      {
        created: true,
        tenant,
        owner,
        integration_token: { token: integrationToken, prefix: tokenPrefix, scopes: ["*"] },
        invitation: invitation ? { url: invitation.url, expires_at: iso(invitation.expiresAt) } : null,
        warning: "The integration token and the invitation link are shown only now; they are stored hashed.",
      },
      201,
    );
  },
);

const ListQuery = z.strictObject({ status: z.enum(["active", "suspended", "closed"]).optional() });

tenants.get(
  "/api/tenants",
  doc({ summary: "Every tenant with its status, plan, subscription, this month's usage and users", responses: { 200: { description: "`{tenants: [...]}`" } } }),
  queryParams(ListQuery),
  async (c) => {
    const store = c.get("store");
    const list = await store.companies.list(c.req.valid("query"));
    const now = Date.now();
    return c.json({ tenants: await tenantViews(store, list, now) });
  },
);

tenants.get("/api/tenants/:id", doc({ summary: "One tenant (id or slug)", responses: { 200: { description: "The tenant" } }, errors: { 404: NOT_FOUND } }), async (c) =>
  c.json(await tenantView(c.get("store"), await tenantOf(c))),
);

const Patch = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  time_zone: z.string().min(1).max(64).optional(),
  locale: z.enum(LOCALES).optional(),
  plan: z.string().min(1).max(32).optional(),
});

tenants.patch(
  "/api/tenants/:id",
  doc({
    summary: "Change a tenant's name, time zone, locale or plan",
    responses: { 200: { description: "The tenant" } },
    errors: { 404: NOT_FOUND, 422: "`invalid_time_zone`; `unknown_plan`" },
  }),
  jsonBody(Patch),
  async (c) => {
    const body = c.req.valid("json");
    const store = c.get("store");
    const company = await tenantOf(c);
    if (body.time_zone) assertTimeZone(body.time_zone);
    const plan = body.plan ? await planOrFail(store, body.plan) : null;
    const updated = (await store.companies.update(company.id, { name: body.name, timeZone: body.time_zone, locale: body.locale })) ?? company;
    if (plan) await store.subscriptions.update(company.id, { planId: plan.id, updatedAt: Date.now() });
    await configChanged(c.env, company.id);
    await audit(c, company.id, { action: "tenant.update", target: company.slug, detail: body });
    return c.json(await tenantView(store, updated));
  },
);

const Reason = z.strictObject({ reason: z.string().trim().min(1).max(500) });
const Close = z.strictObject({ confirm: z.string().max(64), reason: z.string().trim().max(500).optional() });

async function move(c: Context<AppEnv>, company: Company, what: Transition, reason: string | null) {
  const result = await transition(c.env, c.get("store"), company, what, reason);
  if (result.changed) await audit(c, company.id, { action: `tenant.${what}`, target: company.slug, detail: { reason, released: result.released } });
  return c.json({ ...(await tenantView(c.get("store"), result.company)), changed: result.changed, released: result.released });
}

const MOVED = { 200: { description: "The tenant, with `changed` (false when it already had that status) and `released` (held work queued again)" } };

tenants.post(
  "/api/tenants/:id/suspend",
  doc({
    summary: "Suspend: tokens and sessions get 403, webhooks are answered without storing, sends and tasks wait",
    responses: MOVED,
    errors: { 404: NOT_FOUND, 409: "`tenant_closed`" },
  }),
  jsonBody(Reason),
  async (c) => move(c, await tenantOf(c), "suspend", c.req.valid("json").reason),
);

tenants.post(
  "/api/tenants/:id/resume",
  doc({ summary: "Resume a suspended tenant: held sends and tasks go out", responses: MOVED, errors: { 404: NOT_FOUND, 409: "`tenant_closed`" } }),
  async (c) => move(c, await tenantOf(c), "resume", null),
);

tenants.post(
  "/api/tenants/:id/close",
  doc({
    summary: "Close a tenant for good (like suspended, final); the data is kept for the retention rules",
    description: "`confirm` must be the tenant's slug. The LGPD retention job (a later issue) will erase personal data of closed tenants after the retention period.",
    responses: MOVED,
    errors: { 404: NOT_FOUND, 422: "`confirm_mismatch`" },
  }),
  jsonBody(Close),
  async (c) => {
    const company = await tenantOf(c);
    const body = c.req.valid("json");
    if (body.confirm !== company.slug) throw new AppError(422, "confirm_mismatch", "Type the tenant's slug in `confirm` to close it");
    return move(c, company, "close", body.reason ?? null);
  },
);
