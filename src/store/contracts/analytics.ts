/** Analytics' store side: the raw figures of a run of local periods, the stored reports, and LLM prices. */

/** One row of a grouped read: `b` is the period's index in the edges asked for. */
export interface Bucketed {
  b: number;
}

/**
 * What one read of the raw rows gives for a run of consecutive periods (edges[i] ≤ t < edges[i + 1] is
 * period i). Each list is one grouped statement; the analytics module turns them into figures.
 */
export interface RawFigures {
  /** Messages by direction, channel and author; bot replies split by source (payload.source "llm"). */
  messages: (Bucketed & { direction: "in" | "out"; channel: string; author: string; llm: number; replies: number; n: number })[];
  /** Distinct conversations and contacts that wrote (inbound) and distinct conversations with any message. */
  people: (Bucketed & { conversations: number; contacts: number; active: number })[];
  /** Conversations opened in the period, how many got an answer, and the sum of the time to it (ms). */
  opened: (Bucketed & { n: number; answered: number; responseMs: number })[];
  newContacts: (Bucketed & { n: number })[];
  /** Handoffs started in the period; of them, answered by a person, and the sum of the wait (ms). */
  handoffs: (Bucketed & { n: number; answered: number; waitMs: number })[];
  /** Appointments booked in the period, by source (imports left out). */
  bookings: (Bucketed & { source: string; n: number })[];
  /** Confirmed (confirmed_at) and cancelled (cancelled_at) in the period. */
  confirmations: (Bucketed & { confirmed: number; cancelled: number })[];
  /** Appointments that started in the period, by final status. */
  outcomes: (Bucketed & { attended: number; noShow: number; total: number })[];
  /** Follow-ups sent in the period (appointment_tasks done with a message). */
  followupsSent: (Bucketed & { n: number })[];
  /** Feedback in the period by kind: count, score sum, NPS promoters/detractors/answers. */
  feedback: (Bucketed & { kind: string; n: number; scoreSum: number; promoters: number; detractors: number; npsAnswers: number })[];
  /** Campaign recipients sent, replied and booked in the period; campaigns finished in it. */
  campaigns: (Bucketed & { sent: number; replied: number; booked: number; finished: number })[];
}

/** LLM usage of some UTC days (llm_usage.day is the UTC date the call was made). */
export interface UsageRow {
  day: string;
  provider: string;
  model: string;
  input: number;
  output: number;
  requests: number;
}

export interface AnalyticsReport {
  granularity: "day" | "week";
  periodStart: string;
  metrics: Record<string, unknown>;
  computedAt: number;
}

/** What a million tokens cost; companyId 0 is the platform's table. */
export interface LlmPrice {
  companyId: number;
  provider: string;
  model: string;
  inputPerMillion: number;
  outputPerMillion: number;
  currency: string;
  updatedAt: number;
}

export interface AnalyticsStore {
  analytics: {
    /** The raw figures of consecutive periods [edges[0], edges[n]) of one tenant: twelve grouped statements. */
    raw(companyId: number, edges: readonly number[]): Promise<RawFigures>;
    /** The tenant's llm_usage for these UTC days, summed per day, provider and model. */
    usage(companyId: number, fromDay: string, toDay: string): Promise<UsageRow[]>;
    /** Upserts reports (one statement per report, on the primary key). */
    save(companyId: number, reports: readonly Omit<AnalyticsReport, "computedAt">[], at: number): Promise<void>;
    /** Stored reports of a granularity with from ≤ period_start ≤ to, oldest first. */
    reports(companyId: number, granularity: "day" | "week", from: string, to: string): Promise<AnalyticsReport[]>;
  };
  llmPrices: {
    /** The platform's rows and the tenant's own (company 0 and companyId). */
    list(companyId: number): Promise<LlmPrice[]>;
    set(companyId: number, p: Omit<LlmPrice, "companyId" | "updatedAt">, at: number): Promise<LlmPrice>;
    /** Removes one row (a tenant back on the platform's price); false when there was none. */
    remove(companyId: number, provider: string, model: string): Promise<boolean>;
  };
}
