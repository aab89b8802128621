/**
 * The tenant DO's usage flush (once a minute while there is traffic): the minute buckets go to
 * usage_counters under the tenant's local month, the period's totals are compared with the plan,
 * thresholds fire their alert once, and the over-quota switches come back for the DO to keep.
 * Cost per flush, whatever the number of messages: one usage upsert per period touched (one, except
 * across a month boundary), one read of the period's counters, the subscription with its plan, and
 * the contact count when the plan limits contacts.
 */
import { sendJobs } from "../outbox/queue";
import type { Store } from "../store/types";
import { loadTenant } from "../tenants/tenant-cache";
import { notifyBilling, quotaAlertText } from "./notify";
import { nextPeriodStart, periodOf } from "./period";
import { QUOTA_HOLD_REASON } from "../outbox/pause";
import { crossed, type QuotaState, stateOf } from "./quota";

export interface PendingUsage {
  minute: number;
  metric: "messages" | "llm_tokens";
  value: number;
}

export interface FlushResult {
  state: QuotaState;
  timeZone: string;
  /** When the switches must be looked at again with no traffic (the next period), or null. */
  resetAt: number | null;
  /** Alerts that fired in this flush. */
  fired: { metric: string; threshold: number }[];
  /** Held system messages sent again because the pause ended. */
  released: number;
}

export async function flushUsage(env: Env, store: Store, companyId: number, pending: PendingUsage[], previous: QuotaState | null, now: number): Promise<FlushResult> {
  const tenant = await loadTenant(store, companyId);
  if (!tenant) return { state: { period: "", llmOff: false, outboundPaused: false }, timeZone: "UTC", resetAt: null, fired: [], released: 0 };
  const { company, profile } = tenant;
  const tz = company.timeZone;
  const byPeriod = new Map<string, { messages: number; llm_tokens: number }>();
  for (const p of pending) {
    const period = periodOf(p.minute * 60_000, tz);
    const sums = byPeriod.get(period) ?? { messages: 0, llm_tokens: 0 };
    sums[p.metric] += p.value;
    byPeriod.set(period, sums);
  }
  await Promise.all([...byPeriod].map(([period, deltas]) => store.usage.add(companyId, period, deltas, now)));

  const period = periodOf(now, tz);
  const [sub, counters] = await Promise.all([store.subscriptions.get(companyId), store.usage.get(companyId, period)]);
  const plan = sub?.plan ?? null;
  const contacts = plan?.maxContacts != null ? await store.billingOps.contacts(companyId) : 0;
  const usage = { ...counters, contacts, users: 0 };
  const fired: FlushResult["fired"] = [];
  if (plan) {
    for (const c of crossed(plan, usage)) {
      if (
        !(await store.usage.fireAlert(companyId, {
          period,
          metric: c.metric as "messages" | "llm_tokens" | "contacts",
          threshold: c.threshold,
          value: c.value,
          quota: c.quota,
          at: now,
        }))
      )
        continue;
      fired.push({ metric: c.metric, threshold: c.threshold });
      await notifyBilling(env, company, profile, `quota:${period}:${c.metric}:${c.threshold}`, quotaAlertText({ ...c, period, plan: plan.name }), {
        event: "billing.quota",
        period,
        metric: c.metric,
        threshold: c.threshold,
        value: c.value,
        quota: c.quota,
      });
    }
  }
  const state = stateOf(plan, usage, period);
  // A pause ends with its period or a plan change: what it held goes out now, in order of id.
  let released = 0;
  if (previous?.outboundPaused && !state.outboundPaused) released = await releaseHeld(env, store, companyId, now);
  return { state, timeZone: tz, resetAt: state.llmOff || state.outboundPaused ? nextPeriodStart(now, tz) : null, fired, released };
}

async function releaseHeld(env: Env, store: Store, companyId: number, now: number): Promise<number> {
  const rows = await store.billingOps.releaseHeld(companyId, QUOTA_HOLD_REASON, now);
  await sendJobs(
    env,
    rows.map((r) => ({ kind: "send" as const, companyId, messageId: r.id, correlationId: r.correlationId ?? `quota-release:${r.id}`, generation: 0 })),
  );
  return rows.length;
}
