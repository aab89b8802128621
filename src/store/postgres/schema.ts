// size: the Postgres twin of store/schema.ts (same tables, columns, indexes; test/store/schema-parity.test.ts checks), one file for drizzle-kit.
/**
 * The Postgres engine's schema. Mapping from the SQLite one: ms timestamps (and token counters) are
 * bigint in number mode (ms since 1970 pass 2^31), JSON is jsonb, booleans are boolean, reals are
 * double precision, autoincrement ids are identity columns. Migrations: migrations-pg/ (drizzle.pg.config.ts).
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";

/** Every tenant-owned row carries company_id, and every index on such a table starts with it. */

const createdAt = () => bigint("created_at", { mode: "number" }).notNull().default(sql`(extract(epoch from now()) * 1000)::bigint`);

export const companies = pgTable(
  "companies",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: ["active", "suspended"] })
      .notNull()
      .default("active"),
    timeZone: text("time_zone").notNull().default("America/Sao_Paulo"),
    locale: text("locale").notNull().default("pt-BR"),
    channel: text("channel", { enum: ["sandbox", "meta", "evolution", "whaticket"] })
      .notNull()
      .default("sandbox"),
    /** Routing keys copied out of channelSettings so webhooks resolve the tenant with an index. */
    metaPhoneNumberId: text("meta_phone_number_id"),
    evolutionInstance: text("evolution_instance"),
    whaticketTokenHash: text("whaticket_token_hash"),
    /** Channel credentials and per-tenant limits (JSON, validated by tenants/settings.ts). */
    channelSettings: jsonb("channel_settings").notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("companies_slug_uq").on(t.slug),
    uniqueIndex("companies_meta_pnid_uq").on(t.metaPhoneNumberId),
    uniqueIndex("companies_evolution_instance_uq").on(t.evolutionInstance),
    uniqueIndex("companies_whaticket_token_uq").on(t.whaticketTokenHash),
  ],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    /** SHA-256 hex of the token: the token itself is shown once and never stored. */
    tokenHash: text("token_hash").notNull(),
    label: text("label").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("api_tokens_hash_uq").on(t.tokenHash), index("api_tokens_company_idx").on(t.companyId)],
);

export const contacts = pgTable(
  "contacts",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    /**
     * The contact's address: the phone (E.164 digits) when known, else Meta's business-scoped user id
     * (BSUID) of a username user whose number is withheld. Digits only means a phone.
     */
    phone: text("phone").notNull(),
    /** Meta's business-scoped user id (BSUID), when known; replies go to it when there is no phone. */
    userId: text("user_id"),
    waId: text("wa_id"),
    lid: text("lid"),
    name: text("name"),
    attributes: jsonb("attributes").notNull().default(sql`'{}'::jsonb`),
    optedOut: boolean("opted_out").notNull().default(false),
    lastInboundAt: bigint("last_inbound_at", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("contacts_company_phone_uq").on(t.companyId, t.phone),
    uniqueIndex("contacts_company_user_uq").on(t.companyId, t.userId),
    index("contacts_company_lid_idx").on(t.companyId, t.lid),
  ],
);

export const conversations = pgTable(
  "conversations",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    status: text("status", { enum: ["bot", "human", "closed"] })
      .notNull()
      .default("bot"),
    summary: text("summary"),
    lastMessageAt: bigint("last_message_at", { mode: "number" }),
    /** Human handoff: when and why the bot stepped back, and when a person first answered. */
    handoffAt: bigint("handoff_at", { mode: "number" }),
    handoffReason: text("handoff_reason"),
    firstHumanReplyAt: bigint("first_human_reply_at", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("conversations_company_contact_idx").on(t.companyId, t.contactId, t.status),
    // At most one open (bot or human) conversation per contact: conversations.open is INSERT … ON CONFLICT on it.
    uniqueIndex("conversations_company_contact_open_uq").on(t.companyId, t.contactId).where(sql`${t.status} IN ('bot', 'human')`),
    // The inbox lists a tenant's conversations newest first (keyset on id), optionally by status: no sort over the tenant.
    index("conversations_company_id_idx").on(t.companyId, t.id),
    index("conversations_company_status_id_idx").on(t.companyId, t.status, t.id),
    index("conversations_company_last_idx").on(t.companyId, t.lastMessageAt),
    index("conversations_company_status_idx").on(t.companyId, t.status, t.handoffAt),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    direction: text("direction", { enum: ["in", "out"] }).notNull(),
    channel: text("channel").notNull(),
    /** Inbound: the provider's id. Outbound: set once the provider accepted the message. */
    providerMessageId: text("provider_message_id"),
    /** Outbound idempotency key (turn id + part): a retried turn never creates a second reply. */
    clientRef: text("client_ref"),
    type: text("type").notNull(),
    /** in: the contact; out: bot, human (an operator) or system (reminders, campaigns). */
    author: text("author", { enum: ["contact", "bot", "human", "system"] })
      .notNull()
      .default("contact"),
    /** Why an outbound message exists; picks the approved template when the 24 h window is closed. */
    purpose: text("purpose").notNull().default("reply"),
    body: text("body").notNull(),
    /** Outbound payload as sent (text or template), JSON. */
    payload: jsonb("payload"),
    status: text("status").notNull(),
    error: text("error"),
    /** in: not answered because of the sender's rate limit or opt-out. */
    unanswered: text("unanswered"),
    attempts: integer("attempts").notNull().default(0),
    claimedAt: bigint("claimed_at", { mode: "number" }),
    correlationId: text("correlation_id"),
    providerTimestamp: bigint("provider_timestamp", { mode: "number" }),
    createdAt: createdAt(),
    updatedAt: bigint("updated_at", { mode: "number" }),
  },
  (t) => [
    uniqueIndex("messages_company_provider_id_uq").on(t.companyId, t.providerMessageId),
    uniqueIndex("messages_company_client_ref_uq").on(t.companyId, t.clientRef),
    index("messages_company_contact_idx").on(t.companyId, t.contactId, t.id),
    index("messages_company_conversation_idx").on(t.companyId, t.conversationId, t.id),
  ],
);

export const deliveryLogs = pgTable(
  "delivery_logs",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    messageId: integer("message_id")
      .notNull()
      .references(() => messages.id),
    /** queued | sent | delivered | read | failed | retry | window_closed | permanent */
    status: text("status").notNull(),
    detail: text("detail"),
    providerTimestamp: bigint("provider_timestamp", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [index("delivery_logs_company_message_idx").on(t.companyId, t.messageId, t.id)],
);

export const deadLetters = pgTable(
  "dead_letters",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    queue: text("queue").notNull(),
    /** The original queue message body, so reprocess sends exactly what failed. */
    payload: jsonb("payload").notNull(),
    reason: text("reason").notNull(),
    attempts: integer("attempts").notNull(),
    /** One row per failed unit of work even if the DLQ delivers it twice. */
    dedupKey: text("dedup_key").notNull(),
    createdAt: createdAt(),
    reprocessedAt: bigint("reprocessed_at", { mode: "number" }),
  },
  (t) => [uniqueIndex("dead_letters_company_dedup_uq").on(t.companyId, t.dedupKey), index("dead_letters_company_created_idx").on(t.companyId, t.createdAt)],
);

export const auditLogs = pgTable(
  "audit_logs",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target"),
    detail: jsonb("detail"),
    createdAt: createdAt(),
  },
  (t) => [index("audit_logs_company_created_idx").on(t.companyId, t.createdAt)],
);

/** Per-tenant configuration edited through /api/config (validated by tenants/profile.ts). */
export const companyProfiles = pgTable("company_profiles", {
  companyId: integer("company_id")
    .primaryKey()
    .references(() => companies.id),
  profile: jsonb("profile").notNull().default(sql`'{}'::jsonb`),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

/** LLM token usage per tenant, day, provider and direction: what billing reads. */
export const llmUsage = pgTable(
  "llm_usage",
  {
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    day: text("day").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    direction: text("direction", { enum: ["input", "output"] }).notNull(),
    tokens: bigint("tokens", { mode: "number" }).notNull(),
    estimatedTokens: bigint("estimated_tokens", { mode: "number" }).notNull().default(0),
    requests: integer("requests").notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.day, t.provider, t.model, t.direction] })],
);

/** An appointment, whoever booked it (chat, API, Cal.com, import); the provider's uid is its key. */
export const appointments = pgTable(
  "appointments",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    /** "import": history brought by CSV; it feeds the risk model and insights but no calendar. */
    provider: text("provider", { enum: ["builtin", "calcom", "import"] }).notNull(),
    bookingUid: text("booking_uid").notNull(),
    /** An importer's own id (CSV external_id), for idempotent imports. */
    externalId: text("external_id"),
    service: text("service"),
    startsAt: bigint("starts_at", { mode: "number" }).notNull(),
    endsAt: bigint("ends_at", { mode: "number" }).notNull(),
    status: text("status", { enum: ["scheduled", "confirmed", "cancelled", "attended", "no_show"] })
      .notNull()
      .default("scheduled"),
    source: text("source", { enum: ["whatsapp", "api", "calcom", "import"] }).notNull(),
    bookedAt: bigint("booked_at", { mode: "number" }).notNull(),
    confirmedAt: bigint("confirmed_at", { mode: "number" }),
    cancelledAt: bigint("cancelled_at", { mode: "number" }),
    attendedAt: bigint("attended_at", { mode: "number" }),
    /** The booking this one replaced when it was rescheduled (Cal.com gives the new booking a new uid). */
    rescheduledFromUid: text("rescheduled_from_uid"),
    notes: text("notes"),
    /** Set when a reminder went out / the contact answered one (imports carry both as columns). */
    reminderSent: boolean("reminder_sent").notNull().default(false),
    reminderAnswered: boolean("reminder_answered").notNull().default(false),
    /** Imports only: the contact's last message before the start (live rows read it from messages). */
    lastContactAt: bigint("last_contact_at", { mode: "number" }),
    /** The CSV's attr_<name> columns (numbers or categories), without the prefix. */
    attrs: jsonb("attrs").$type<Record<string, string | number>>(),
    /** The latest no-show score of an upcoming appointment, its reasons and when it was computed. */
    noShowProb: doublePrecision("no_show_prob"),
    riskReasons: jsonb("risk_reasons").$type<string[]>(),
    riskScoredAt: bigint("risk_scored_at", { mode: "number" }),
    /** First time it was marked high risk (counted once), and when a better slot was offered (offered once). */
    riskFlaggedAt: bigint("risk_flagged_at", { mode: "number" }),
    rescheduleOfferedAt: bigint("reschedule_offered_at", { mode: "number" }),
    createdAt: createdAt(),
    updatedAt: bigint("updated_at", { mode: "number" }),
  },
  (t) => [
    index("appointments_company_status_ends_idx").on(t.companyId, t.status, t.endsAt),
    uniqueIndex("appointments_company_uid_uq").on(t.companyId, t.bookingUid),
    uniqueIndex("appointments_company_external_uq").on(t.companyId, t.externalId),
    index("appointments_company_starts_idx").on(t.companyId, t.startsAt),
    index("appointments_company_contact_idx").on(t.companyId, t.contactId, t.startsAt),
  ],
);

/**
 * Work tied to an appointment's clock: reminders (offset before the start), the no-show check and
 * the follow-up. The tenant's Durable Object fires them (alarms); this row makes each one happen once.
 */
export const appointmentTasks = pgTable(
  "appointment_tasks",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    appointmentId: integer("appointment_id")
      .notNull()
      .references(() => appointments.id),
    kind: text("kind", { enum: ["reminder", "no_show_check", "followup"] }).notNull(),
    /** Reminders: minutes before the start (1440, 60…); 0 for the others. */
    offsetMinutes: integer("offset_minutes").notNull().default(0),
    dueAt: bigint("due_at", { mode: "number" }).notNull(),
    status: text("status", { enum: ["pending", "done", "cancelled", "skipped"] })
      .notNull()
      .default("pending"),
    doneAt: bigint("done_at", { mode: "number" }),
    messageId: integer("message_id"),
    detail: text("detail"),
  },
  (t) => [
    uniqueIndex("appointment_tasks_uq").on(t.companyId, t.appointmentId, t.kind, t.offsetMinutes),
    index("appointment_tasks_company_due_idx").on(t.companyId, t.status, t.dueAt),
  ],
);

/** What contacts said after a visit, and no-shows: the history the risk model and reports read. */
export const feedbackEvents = pgTable(
  "feedback_events",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    appointmentId: integer("appointment_id").references(() => appointments.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    kind: text("kind", { enum: ["no_show", "followup_positive", "followup_negative", "followup_feedback"] }).notNull(),
    /** -1 … 1 from the answer's sentiment (no_show: -1). */
    score: doublePrecision("score").notNull(),
    text: text("text"),
    createdAt: createdAt(),
  },
  (t) => [index("feedback_company_appt_idx").on(t.companyId, t.appointmentId), index("feedback_company_created_idx").on(t.companyId, t.createdAt)],
);

/**
 * The seeds' slot analysis: one row per weekday (0 = Monday) × local hour with data, rewritten by
 * each optimization run; the best three are `suggested_slot`.
 */
export const schedulingInsights = pgTable(
  "scheduling_insights",
  {
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    weekday: integer("weekday").notNull(),
    hour: integer("hour").notNull(),
    volume: integer("volume").notNull(),
    resolved: integer("resolved").notNull(),
    attendanceRate: doublePrecision("attendance_rate").notNull(),
    noShowProb: doublePrecision("no_show_prob").notNull(),
    confirmationRate: doublePrecision("confirmation_rate").notNull(),
    score: doublePrecision("score").notNull(),
    suggestedSlot: boolean("suggested_slot").notNull().default(false),
    label: text("label").notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.weekday, t.hour] })],
);

/** Each trained no-show model (plain JSON, see scheduling/model.ts) with its holdout evaluation. */
export const riskModels = pgTable(
  "risk_models",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    kind: text("kind", { enum: ["logistic", "prior"] }).notNull(),
    trainedAt: bigint("trained_at", { mode: "number" }).notNull(),
    model: jsonb("model").notNull(),
  },
  (t) => [index("risk_models_company_trained_idx").on(t.companyId, t.trainedAt)],
);

/** Daily analysis + training runs: the 23 h guard reads them, the insights endpoint shows the last. */
export const optimizationRuns = pgTable(
  "agenda_optimization_runs",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    trigger: text("trigger", { enum: ["cron", "manual", "import"] }).notNull(),
    status: text("status", { enum: ["running", "done", "failed"] })
      .notNull()
      .default("running"),
    startedAt: bigint("started_at", { mode: "number" }).notNull(),
    finishedAt: bigint("finished_at", { mode: "number" }),
    detail: jsonb("detail"),
  },
  (t) => [index("optimization_runs_company_started_idx").on(t.companyId, t.startedAt)],
);

/** CSV imports: progress while the upload streams, then the per-row errors. */
export const importJobs = pgTable(
  "import_jobs",
  {
    id: text("id").primaryKey(),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    status: text("status", { enum: ["running", "done", "failed"] })
      .notNull()
      .default("running"),
    rowsRead: integer("rows_read").notNull().default(0),
    rowsImported: integer("rows_imported").notNull().default(0),
    rowsFailed: integer("rows_failed").notNull().default(0),
    /** The first 1000 {line, reason}; rows_failed counts them all. */
    errors: jsonb("errors").$type<{ line: number; reason: string }[]>().notNull().default(sql`'[]'::jsonb`),
    ignoredColumns: jsonb("ignored_columns").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    startedAt: bigint("started_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
    finishedAt: bigint("finished_at", { mode: "number" }),
  },
  (t) => [index("import_jobs_company_started_idx").on(t.companyId, t.startedAt)],
);
