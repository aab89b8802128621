/** Business recommendations (churn risk, upgrade, next best action), recomputed daily per tenant. */

export type RecommendationKind = "churn_risk" | "upgrade" | "next_action";
export type RecommendationStatus = "open" | "dismissed" | "done" | "expired";
export type Severity = "info" | "warning" | "critical";

export interface Recommendation {
  id: number;
  companyId: number;
  kind: RecommendationKind;
  key: string;
  severity: Severity;
  title: string;
  body: string;
  evidence: Record<string, unknown>;
  status: RecommendationStatus;
  firstSeenAt: number;
  computedAt: number;
  dismissedAt: number | null;
  notifiedAt: number | null;
}

/** One row as a recomputation writes it (status and first_seen_at decided by recommendations/compute.ts). */
export interface RecommendationWrite {
  kind: RecommendationKind;
  key: string;
  severity: Severity;
  title: string;
  body: string;
  evidence: Record<string, unknown>;
  status: RecommendationStatus;
  firstSeenAt: number;
  dismissedAt: number | null;
}

/** The windows the signals are counted in (ms since 1970; "tomorrow" on the tenant's clock). */
export interface SignalWindows {
  now: number;
  weekAgo: number;
  twoWeeksAgo: number;
  tomorrowFrom: number;
  tomorrowTo: number;
  /** No appointment since this instant makes a contact inactive. */
  inactiveBefore: number;
}

/** What one tenant's recommendations rest on: a handful of grouped counts. */
export interface RecommendationSignals {
  inbound: { thisWeek: number; lastWeek: number };
  /** Appointments that started in each week, and how many of them were no-shows. */
  appointments: { thisWeek: number; lastWeek: number; noShowsThisWeek: number; noShowsLastWeek: number };
  /** Follow-up answers of the last two weeks. */
  followups: { total: number; negative: number };
  unconfirmedTomorrow: number;
  /** Contacts (not opted out, not erased) whose last appointment started before `inactiveBefore`. */
  inactive: number;
  /** Conversations handed to a person with no human reply yet. */
  handoffsWaiting: number;
}

export interface RecommendationStore {
  recommendations: {
    signals(companyId: number, w: SignalWindows): Promise<RecommendationSignals>;
    /** Every row of the tenant (a recomputation compares against them), newest first. */
    all(companyId: number): Promise<Recommendation[]>;
    list(companyId: number, opts: { statuses: readonly RecommendationStatus[]; limit: number }): Promise<Recommendation[]>;
    byId(companyId: number, id: number): Promise<Recommendation | null>;
    /** One multi-row upsert by (kind, key); the rows as stored. */
    write(companyId: number, rows: readonly RecommendationWrite[], at: number): Promise<Recommendation[]>;
    /** Open rows that no longer hold become expired (one statement); how many. */
    expire(companyId: number, ids: readonly number[], at: number): Promise<number>;
    /** Compare-and-set open → dismissed | done; null when it was not open. */
    close(companyId: number, id: number, to: "dismissed" | "done", at: number): Promise<Recommendation | null>;
    /** Stamps notified_at on these (recommendation.created published). */
    notified(companyId: number, ids: readonly number[], at: number): Promise<void>;
  };
}
