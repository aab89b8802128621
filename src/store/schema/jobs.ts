import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";

// Jobs in tenant time windows (src/jobs/): each run of the job table, the pause switches and per-tenant
// overrides, and the alerts the monitoring jobs fired. company_id 0 is the platform (a job run once for
// everyone, a switch for every tenant), so these tables carry no foreign key to companies.

/**
 * One run of one job for one tenant (0: the platform) at one scheduled instant. The unique key makes a
 * doubled trigger a no-op; status/attempts/started_at make a crashed run visible and retried.
 */
export const jobExecutions = sqliteTable(
  "job_executions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id").notNull(),
    job: text("job").notNull(),
    category: text("category").notNull(),
    /** The instant the job table named (ms), not when it ran. */
    scheduledFor: integer("scheduled_for").notNull(),
    status: text("status", { enum: ["queued", "running", "succeeded", "failed", "skipped"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    /** What the run handled (messages sent, tenants checked, rows purged…). */
    items: integer("items").notNull().default(0),
    error: text("error"),
    /** A short human note (why it was skipped, what it did). */
    note: text("note"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("job_executions_run_uq").on(t.companyId, t.job, t.scheduledFor),
    index("job_executions_company_time_idx").on(t.companyId, t.scheduledFor),
    // The dispatcher's sweep for runs that never finished (any tenant): few rows match.
    index("job_executions_status_idx").on(t.status, t.startedAt),
  ],
);

/**
 * Pause switches and overrides. company_id 0 applies to every tenant; target is "*" (everything), a
 * category or a job name. A job-name row of a tenant may also carry its own cron (its override).
 */
export const jobControls = sqliteTable(
  "job_controls",
  {
    companyId: integer("company_id").notNull(),
    target: text("target").notNull(),
    paused: integer("paused", { mode: "boolean" }).notNull().default(false),
    /** A tenant's own schedule for this job (5-field cron, in its zone); null: the table's. */
    cron: text("cron"),
    updatedAt: integer("updated_at").notNull(),
    updatedBy: integer("updated_by"),
  },
  (t) => [uniqueIndex("job_controls_uq").on(t.companyId, t.target)],
);

/** An alert the monitoring jobs fired, once per (kind, key): a channel down, dead letters piling up, an SLA breach. */
export const tenantAlerts = sqliteTable(
  "tenant_alerts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id").notNull(),
    kind: text("kind").notNull(),
    /** What makes it one alert (a conversation id, a day, a template name). */
    key: text("key").notNull(),
    detail: text("detail", { mode: "json" }).notNull().default(sql`'{}'`),
    firedAt: integer("fired_at").notNull(),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [uniqueIndex("tenant_alerts_uq").on(t.companyId, t.kind, t.key), index("tenant_alerts_company_time_idx").on(t.companyId, t.firedAt)],
);
