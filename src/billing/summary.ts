/**
 * What GET /api/billing answers: the plan, the subscription, the period's usage against each quota
 * (stored totals plus what the tenant's DO has not flushed yet, so the numbers are exact now), the
 * alerts of the period and the over-quota switches.
 */
import { iso } from "../lib/time-zone";
import type { Company, Plan, Store } from "../store/types";
import { tenantStub } from "../tenants/stubs";
import { periodOf } from "./period";
import { percentOf, type QuotaMetric, quotaOf, THRESHOLDS } from "./quota";

export const planJson = (p: Plan) => ({
  code: p.code,
  name: p.name,
  price_cents: p.priceCents,
  currency: p.currency,
  quotas: { messages: p.messagesPerMonth, llm_tokens: p.llmTokensPerMonth, contacts: p.maxContacts, users: p.maxUsers },
  over_quota: p.overQuota,
});

export async function billingSummary(env: Env, store: Store, company: Company, now: number) {
  const period = periodOf(now, company.timeZone);
  const stub = tenantStub(env, company.id);
  const [sub, stored, alerts, contacts, users, pending, quota] = await Promise.all([
    store.subscriptions.get(company.id),
    store.usage.get(company.id, period),
    store.usage.alerts(company.id, period),
    store.billingOps.contacts(company.id),
    store.users.count(company.id),
    stub.pendingUsage(company.timeZone),
    stub.quota(),
  ]);
  const plan = sub?.plan ?? null;
  const used: Record<QuotaMetric, number> = { messages: stored.messages + pending.messages, llm_tokens: stored.llm_tokens + pending.llm_tokens, contacts, users };
  const usage = Object.fromEntries(
    (Object.keys(used) as QuotaMetric[]).map((m) => {
      const q = plan ? quotaOf(plan, m) : null;
      return [m, { used: used[m], quota: q, percent: percentOf(used[m], q) }];
    }),
  );
  const s = sub?.subscription;
  return {
    plan: plan ? planJson(plan) : null,
    subscription: s
      ? {
          status: s.status,
          current_period_start: iso(s.currentPeriodStart),
          current_period_end: iso(s.currentPeriodEnd),
          grace_until: iso(s.graceUntil),
          external_id: s.externalId,
        }
      : null,
    company_status: company.status,
    period,
    time_zone: company.timeZone,
    thresholds: THRESHOLDS,
    usage,
    alerts: alerts.map((a) => ({ metric: a.metric, threshold: a.threshold, value: a.value, quota: a.quota, fired_at: iso(a.firedAt) })),
    over_quota: { llm_off: quota?.llmOff ?? false, outbound_paused: quota?.outboundPaused ?? false },
  };
}
