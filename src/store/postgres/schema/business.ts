import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { companies } from "./tenants";
import { contacts } from "./messaging";

// The business layer: analytics per period, LLM prices, recommendations, A/B tests of replies, outgoing
// event webhooks and their deliveries, and consent history (LGPD).

/** One tenant's figures for one local day or ISO week (period_start is the local date, a Monday for weeks). */
export const analyticsReports = pgTable(
  "analytics_reports",
  {
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    granularity: text("granularity", { enum: ["day", "week"] }).notNull(),
    /** YYYY-MM-DD on the tenant's clock. */
    periodStart: text("period_start").notNull(),
    /** The period's figures (analytics/metrics.ts names them). */
    metrics: jsonb("metrics").notNull().default(sql`'{}'::jsonb`),
    computedAt: bigint("computed_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.granularity, t.periodStart] })],
);

/**
 * What a million tokens cost, per provider and model ("*": any model of that provider). company_id 0
 * holds the platform's table; a tenant's own row overrides it (a negotiated price, its own key).
 */
export const llmPrices = pgTable(
  "llm_prices",
  {
    companyId: integer("company_id").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    inputPerMillion: doublePrecision("input_per_million").notNull(),
    outputPerMillion: doublePrecision("output_per_million").notNull(),
    currency: text("currency").notNull().default("USD"),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.provider, t.model] })],
);

/** A business recommendation, recomputed daily: one row per (kind, key), its evidence kept beside it. */
export const recommendations = pgTable(
  "recommendations",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    kind: text("kind", { enum: ["churn_risk", "upgrade", "next_action"] }).notNull(),
    /** What makes it one recommendation (e.g. "confirm_tomorrow", "reactivate_90d"). */
    key: text("key").notNull(),
    severity: text("severity", { enum: ["info", "warning", "critical"] })
      .notNull()
      .default("info"),
    /** Plain words in the tenant's language. */
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** The figures it rests on, shown beside it. */
    evidence: jsonb("evidence").notNull().default(sql`'{}'::jsonb`),
    status: text("status", { enum: ["open", "dismissed", "done", "expired"] })
      .notNull()
      .default("open"),
    firstSeenAt: bigint("first_seen_at", { mode: "number" }).notNull(),
    computedAt: bigint("computed_at", { mode: "number" }).notNull(),
    dismissedAt: bigint("dismissed_at", { mode: "number" }),
    notifiedAt: bigint("notified_at", { mode: "number" }),
  },
  (t) => [uniqueIndex("recommendations_uq").on(t.companyId, t.kind, t.key), index("recommendations_company_status_idx").on(t.companyId, t.status, t.computedAt)],
);

/** An A/B test of reply variants for one purpose or intent (target), allocated epsilon-greedy. */
export const abTests = pgTable(
  "ab_tests",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    name: text("name").notNull(),
    /** "purpose:reminder", "purpose:followup", "purpose:reschedule_offer", "intent:<name>". */
    target: text("target").notNull(),
    /** The event that counts as success: replied, confirmed or booked. */
    goal: text("goal").notNull(),
    epsilon: doublePrecision("epsilon").notNull().default(0.1),
    /** [{key, label, text}], two or more. */
    variants: jsonb("variants").notNull(),
    status: text("status", { enum: ["draft", "running", "stopped", "applied"] })
      .notNull()
      .default("draft"),
    winner: text("winner"),
    createdAt: createdAt(),
    startedAt: bigint("started_at", { mode: "number" }),
    stoppedAt: bigint("stopped_at", { mode: "number" }),
    updatedAt: bigint("updated_at", { mode: "number" }),
  },
  (t) => [index("ab_tests_company_status_idx").on(t.companyId, t.status, t.target)],
);

/** Which variant a contact got: fixed once drawn, so a contact keeps its variant. */
export const abAssignments = pgTable(
  "ab_assignments",
  {
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    testId: integer("test_id")
      .notNull()
      .references(() => abTests.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    variant: text("variant").notNull(),
    assignedAt: bigint("assigned_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.testId, t.contactId] })],
);

/** What happened after a variant went out (sent, replied, confirmed, booked, opted_out), once per ref. */
export const abEvents = pgTable(
  "ab_events",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    testId: integer("test_id")
      .notNull()
      .references(() => abTests.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    variant: text("variant").notNull(),
    event: text("event").notNull(),
    /** What it was about (a message id, an appointment id): a redelivered event counts once. */
    ref: text("ref").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("ab_events_uq").on(t.companyId, t.testId, t.contactId, t.event, t.ref), index("ab_events_test_idx").on(t.companyId, t.testId, t.event)],
);

/** A tenant's outgoing event webhook (n8n, Zapier, its own systems). */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    url: text("url").notNull(),
    description: text("description"),
    /** The event types it receives (events/types.ts), JSON array. */
    events: jsonb("events").notNull().default(sql`'[]'::jsonb`),
    /** The signing secret, sealed (lib/secret-box.ts). */
    secret: text("secret").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: bigint("updated_at", { mode: "number" }),
  },
  (t) => [index("webhook_endpoints_company_idx").on(t.companyId, t.active)],
);

/** One event to one endpoint: its attempts, last answer and outcome (the delivery log). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    endpointId: integer("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id),
    event: text("event").notNull(),
    /** The event's own id: the same event to the same endpoint is delivered once. */
    eventId: text("event_id").notNull(),
    payload: jsonb("payload").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed", "dead"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    responseStatus: integer("response_status"),
    error: text("error"),
    createdAt: createdAt(),
    lastAttemptAt: bigint("last_attempt_at", { mode: "number" }),
    deliveredAt: bigint("delivered_at", { mode: "number" }),
  },
  (t) => [uniqueIndex("webhook_deliveries_uq").on(t.companyId, t.endpointId, t.eventId), index("webhook_deliveries_company_created_idx").on(t.companyId, t.createdAt)],
);

/** Every opt-out and opt-in with its time and source (LGPD consent history); contacts.opted_out is the current state. */
export const consentEvents = pgTable(
  "consent_events",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    kind: text("kind", { enum: ["opt_out", "opt_in"] }).notNull(),
    /** keyword (the contact wrote STOP/SAIR…), panel, api, import, campaign. */
    source: text("source").notNull(),
    /** Who recorded it (a user, a token, "contact"). */
    actor: text("actor"),
    detail: text("detail"),
    createdAt: createdAt(),
  },
  (t) => [index("consent_events_contact_idx").on(t.companyId, t.contactId, t.id), index("consent_events_company_created_idx").on(t.companyId, t.createdAt)],
);
