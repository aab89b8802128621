/** Plano e consumo: the tenant's plan, usage against its quotas, alerts, and the plan change (owners). */
import { Hono } from "hono";
import { changePlan } from "../../billing/plan";
import { billingSummary, planJson } from "../../billing/summary";
import * as z from "../../lib/zod";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody } from "../openapi/validate";
import type { AppEnv } from "../types";

export const billing = new Hono<AppEnv>();
billing.use("/api/billing", requireCaller);
billing.use("/api/billing/*", requireCaller);
const doc = describer({ tag: "Billing", auth: "admin", resource: "billing" });

const PlanChange = z.object({ plan: z.string().min(1).max(40) }).strict();

billing.get(
  "/api/billing",
  doc({
    summary: "The plan, the subscription, this period's usage against each quota, its alerts and the over-quota state",
    responses: {
      200: {
        description:
          "`{plan: {code, name, price_cents, currency, quotas, over_quota} | null, subscription: {status, current_period_start, current_period_end, grace_until, external_id} | null, company_status, period, time_zone, thresholds: [80, 100], usage: {messages|llm_tokens|contacts|users: {used, quota, percent}}, alerts: [{metric, threshold, value, quota, fired_at}], over_quota: {llm_off, outbound_paused}}`; `period` is the month in the tenant's time zone, `quota: null` is unlimited",
      },
    },
  }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    return c.json(await billingSummary(c.env, c.get("store"), company, Date.now()));
  },
);

billing.get(
  "/api/billing/plans",
  doc({
    summary: "Every plan with its price and quotas, cheapest first",
    responses: { 200: { description: "`{plans: [{code, name, price_cents, currency, quotas, over_quota}]}`" } },
  }),
  async (c) => c.json({ plans: (await c.get("store").plans.list()).map(planJson) }),
);

billing.put(
  "/api/billing/plan",
  doc({
    summary: "Change the tenant's plan (owner); the new quotas apply at once and a pause they lift releases what it held",
    responses: { 200: { description: "The billing summary after the change (as `GET /api/billing`)" } },
    errors: { 422: "`unknown_plan`" },
  }),
  jsonBody(PlanChange),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const { before, after } = await changePlan(c.env, store, company, c.req.valid("json").plan, Date.now());
    await audit(c, company.id, { action: "billing.plan.change", target: `company:${company.id}`, detail: { from: before?.code ?? null, to: after.code } });
    return c.json(await billingSummary(c.env, store, company, Date.now()));
  },
);
