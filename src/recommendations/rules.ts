/**
 * What a tenant's figures recommend (the seeds' RecommendationService): churn risk (volume falling week
 * over week, no-shows rising, negative follow-ups), an upgrade when a quota is under pressure, and the
 * next best actions (tomorrow's unconfirmed appointments, contacts gone 90 days, handoffs waiting).
 * Pure: figures in, candidates out; recommendations/refresh.ts stores them.
 */
import type { RecommendationKind, RecommendationSignals, Severity } from "../store/types";

export interface Candidate {
  kind: RecommendationKind;
  key: string;
  severity: Severity;
  /** How strong it is (a count, a share, a percentage): a dismissed one reopens when this grows by half. */
  magnitude: number;
  /** The figures shown beside it. */
  figures: Record<string, number>;
  /** The panel screen that acts on it. */
  action: string | null;
}

/** A quota's use this period (billing/summary.ts's usage). */
export interface QuotaUse {
  metric: string;
  used: number;
  quota: number | null;
  percent: number | null;
}

/** Below these there is too little to say anything (a quiet week is not a trend). */
export const MIN = { weeklyMessages: 20, weeklyAppointments: 5, followups: 5, inactive: 5 } as const;

const pct = (x: number) => Math.round(x * 100);

export function candidates(s: RecommendationSignals, quotas: readonly QuotaUse[]): Candidate[] {
  const out: Candidate[] = [];
  const { inbound, appointments: a, followups: f } = s;
  if (inbound.lastWeek >= MIN.weeklyMessages && inbound.thisWeek <= inbound.lastWeek * 0.7) {
    const drop = 1 - inbound.thisWeek / inbound.lastWeek;
    out.push({
      kind: "churn_risk",
      key: "volume_falling",
      severity: drop >= 0.5 ? "critical" : "warning",
      magnitude: drop,
      figures: { this_week: inbound.thisWeek, last_week: inbound.lastWeek, drop_percent: pct(drop) },
      action: "campanhas",
    });
  }
  const rateNow = a.thisWeek ? a.noShowsThisWeek / a.thisWeek : 0;
  const rateBefore = a.lastWeek ? a.noShowsLastWeek / a.lastWeek : 0;
  if (a.thisWeek >= MIN.weeklyAppointments && rateNow >= 0.1 && rateNow >= rateBefore + 0.05) {
    out.push({
      kind: "churn_risk",
      key: "no_shows_rising",
      severity: rateNow >= 0.25 ? "critical" : "warning",
      magnitude: rateNow,
      figures: { no_shows: a.noShowsThisWeek, appointments: a.thisWeek, rate_percent: pct(rateNow), previous_rate_percent: pct(rateBefore) },
      action: "insights",
    });
  }
  if (f.total >= MIN.followups && f.negative / f.total >= 0.3) {
    out.push({
      kind: "churn_risk",
      key: "negative_followups",
      severity: f.negative / f.total >= 0.5 ? "critical" : "warning",
      magnitude: f.negative / f.total,
      figures: { negative: f.negative, answers: f.total, negative_percent: pct(f.negative / f.total) },
      action: "pos-atendimento",
    });
  }
  for (const q of quotas) {
    if (q.quota === null || q.percent === null || q.percent < 80) continue;
    out.push({
      kind: "upgrade",
      key: `quota_${q.metric}`,
      severity: q.percent >= 100 ? "critical" : "warning",
      magnitude: q.percent,
      figures: { used: q.used, quota: q.quota, percent: q.percent },
      action: "plano",
    });
  }
  if (s.unconfirmedTomorrow > 0) {
    out.push({
      kind: "next_action",
      key: "confirm_tomorrow",
      severity: "info",
      magnitude: s.unconfirmedTomorrow,
      figures: { appointments: s.unconfirmedTomorrow },
      action: "agenda",
    });
  }
  if (s.inactive >= MIN.inactive) {
    out.push({ kind: "next_action", key: "reactivate_90d", severity: "info", magnitude: s.inactive, figures: { contacts: s.inactive, days: 90 }, action: "campanhas" });
  }
  if (s.handoffsWaiting > 0) {
    out.push({
      kind: "next_action",
      key: "handoffs_waiting",
      severity: s.handoffsWaiting >= 5 ? "warning" : "info",
      magnitude: s.handoffsWaiting,
      figures: { conversations: s.handoffsWaiting },
      action: "conversas",
    });
  }
  return out;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** A dismissed recommendation comes back only when things got materially worse: half again as strong, or more severe. */
export const materiallyWorse = (now: Candidate, then: { severity: Severity; magnitude: number }) =>
  SEVERITY_RANK[now.severity] > SEVERITY_RANK[then.severity] || now.magnitude >= then.magnitude * 1.5;
