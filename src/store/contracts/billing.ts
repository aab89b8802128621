/** A plan: monthly quotas (null: unlimited), price, and what happens at 100 %. */
export interface Plan {
  id: number;
  code: string;
  name: string;
  priceCents: number;
  currency: string;
  messagesPerMonth: number | null;
  llmTokensPerMonth: number | null;
  maxContacts: number | null;
  maxUsers: number | null;
  overQuota: "templates" | "pause_outbound";
}

export type SubscriptionStatus = "trialing" | "active" | "past_due" | "canceled";

export interface Subscription {
  companyId: number;
  planId: number;
  status: SubscriptionStatus;
  currentPeriodStart: number;
  currentPeriodEnd: number;
  externalId: string | null;
  externalCustomer: string | null;
  graceUntil: number | null;
  updatedAt: number;
}

export type UsageMetric = "messages" | "llm_tokens";
/** What a quota alert is about: the monthly counters, or the contacts a plan allows. */
export type AlertMetric = UsageMetric | "contacts";

/** Plans, subscriptions, usage per period and the billing provider's events. */
export interface BillingStore {
  plans: {
    list(): Promise<Plan[]>;
    byCode(code: string): Promise<Plan | null>;
    byId(id: number): Promise<Plan | null>;
  };
  subscriptions: {
    /** Insert-or-nothing: a tenant has one subscription; returns whether this call created it. */
    create(s: Omit<Subscription, "externalId" | "externalCustomer" | "graceUntil"> & Partial<Pick<Subscription, "externalId" | "externalCustomer">>): Promise<boolean>;
    get(companyId: number): Promise<{ subscription: Subscription; plan: Plan } | null>;
    /** Many tenants' at once (the platform's tenant list): a few statements, not one per tenant. */
    getMany(companyIds: number[]): Promise<Map<number, { subscription: Subscription; plan: Plan }>>;
    byExternalId(externalId: string): Promise<Subscription | null>;
    update(companyId: number, patch: Partial<Omit<Subscription, "companyId">>): Promise<void>;
    /** Canceled subscriptions whose grace ended before `at` (the tenants to suspend). */
    graceEnded(at: number): Promise<Subscription[]>;
  };
  usage: {
    /** Adds to the period's counters (one statement for all metrics). */
    add(companyId: number, period: string, deltas: Partial<Record<UsageMetric, number>>, at: number): Promise<void>;
    get(companyId: number, period: string): Promise<Record<UsageMetric, number>>;
    /** Each tenant's counters for its own period (periods differ by time zone), by company id. */
    getMany(periods: { companyId: number; period: string }[]): Promise<Map<number, Record<UsageMetric, number>>>;
    /** Records a threshold crossing once: true only the first time for (period, metric, threshold). */
    fireAlert(companyId: number, a: { period: string; metric: AlertMetric; threshold: number; value: number; quota: number; at: number }): Promise<boolean>;
    alerts(companyId: number, period: string): Promise<{ metric: AlertMetric; threshold: number; value: number; quota: number; firedAt: number }[]>;
  };
  billingEvents: {
    /** Records an event id once: false when it was already seen (a replayed delivery). */
    record(id: string, type: string, companyId: number | null, at: number): Promise<boolean>;
  };
  /** What the billing capability changes outside its own tables (src/billing/). */
  billingOps: {
    /** Whether an event id was already recorded (checked before applying, recorded after). */
    seen(id: string): Promise<boolean>;
    /** The tenant's contacts, for the plan's max_contacts (read once per usage flush, not per message). */
    contacts(companyId: number): Promise<number>;
    /** Held outbound messages whose error is exactly `reason` go back in line; their ids and correlation ids. */
    releaseHeld(companyId: number, reason: string, now: number): Promise<{ id: number; correlationId: string | null }[]>;
  };
}
