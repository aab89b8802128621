/**
 * What a plan allows and what happens at its limits, as pure functions of the period's usage: the
 * DO's flush (flush.ts), the API (summary.ts) and the tests read the same answers.
 */
import type { Plan, UsageMetric } from "../store/types";

/** Alerts fire at these percentages of a quota, once each per period. */
export const THRESHOLDS = [80, 100] as const;

export type QuotaMetric = UsageMetric | "contacts" | "users";
export type Usage = Record<QuotaMetric, number>;

/** The over-quota switches the message path reads from the tenant's DO (valid for `period` only). */
export interface QuotaState {
  period: string;
  /** The reply engine answers from templates ("templates" plans at 100 %, or any plan out of LLM tokens). */
  llmOff: boolean;
  /** Reminders, follow-ups and other system sends are held; replies to inbound still go ("pause_outbound" plans). */
  outboundPaused: boolean;
}

export function quotaOf(plan: Plan, metric: QuotaMetric): number | null {
  switch (metric) {
    case "messages":
      return plan.messagesPerMonth;
    case "llm_tokens":
      return plan.llmTokensPerMonth;
    case "contacts":
      return plan.maxContacts;
    case "users":
      return plan.maxUsers;
  }
}

/** Used as a percentage of the quota, rounded down (null: unlimited). */
export function percentOf(used: number, quota: number | null): number | null {
  if (quota === null) return null;
  if (quota <= 0) return 100;
  return Math.floor((used * 100) / quota);
}

/** The thresholds each metric has reached (an alert fires for each the first time). */
export function crossed(plan: Plan, usage: Usage): { metric: QuotaMetric; threshold: number; value: number; quota: number }[] {
  const out: { metric: QuotaMetric; threshold: number; value: number; quota: number }[] = [];
  for (const metric of ["messages", "llm_tokens", "contacts"] as const) {
    const quota = quotaOf(plan, metric);
    const pct = percentOf(usage[metric], quota);
    if (quota === null || pct === null) continue;
    for (const threshold of THRESHOLDS) if (pct >= threshold) out.push({ metric, threshold, value: usage[metric], quota });
  }
  return out;
}

/**
 * At 100 % of a monthly quota the plan's `over_quota` applies. Out of LLM tokens the LLM is off on
 * every plan (tokens are the cost); contacts past the limit still get answered (a warning alert only:
 * refusing a customer who writes would hurt the business, not the abuser).
 */
export function stateOf(plan: Plan | null, usage: Usage, period: string): QuotaState {
  if (!plan) return { period, llmOff: false, outboundPaused: false };
  const full = (m: UsageMetric) => {
    const q = quotaOf(plan, m);
    return q !== null && usage[m] >= q;
  };
  const messagesFull = full("messages");
  return {
    period,
    llmOff: full("llm_tokens") || (messagesFull && plan.overQuota === "templates"),
    outboundPaused: messagesFull && plan.overQuota === "pause_outbound",
  };
}
