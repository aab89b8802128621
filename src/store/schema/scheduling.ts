import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { companies } from "./tenants";

// Scheduling intelligence: insights, risk models, analysis runs and history imports.

/**
 * The seeds' slot analysis: one row per weekday (0 = Monday) × local hour with data, rewritten by
 * each optimization run; the best three are `suggested_slot`.
 */
export const schedulingInsights = sqliteTable(
  "scheduling_insights",
  {
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    weekday: integer("weekday").notNull(),
    hour: integer("hour").notNull(),
    volume: integer("volume").notNull(),
    resolved: integer("resolved").notNull(),
    attendanceRate: real("attendance_rate").notNull(),
    noShowProb: real("no_show_prob").notNull(),
    confirmationRate: real("confirmation_rate").notNull(),
    score: real("score").notNull(),
    suggestedSlot: integer("suggested_slot", { mode: "boolean" }).notNull().default(false),
    label: text("label").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.weekday, t.hour] })],
);

/** Each trained no-show model (plain JSON, see scheduling/model.ts) with its holdout evaluation. */
export const riskModels = sqliteTable(
  "risk_models",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    kind: text("kind", { enum: ["logistic", "gbdt", "prior"] }).notNull(),
    trainedAt: integer("trained_at").notNull(),
    model: text("model", { mode: "json" }).notNull(),
  },
  (t) => [index("risk_models_company_trained_idx").on(t.companyId, t.trainedAt)],
);

/** Daily analysis + training runs: the 23 h guard reads them, the insights endpoint shows the last. */
export const optimizationRuns = sqliteTable(
  "agenda_optimization_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id),
    trigger: text("trigger", { enum: ["cron", "manual", "import"] }).notNull(),
    status: text("status", { enum: ["running", "done", "failed"] })
      .notNull()
      .default("running"),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    detail: text("detail", { mode: "json" }),
  },
  (t) => [index("optimization_runs_company_started_idx").on(t.companyId, t.startedAt)],
);

/** CSV imports: progress while the upload streams, then the per-row errors. */
export const importJobs = sqliteTable(
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
    errors: text("errors", { mode: "json" }).$type<{ line: number; reason: string }[]>().notNull().default(sql`'[]'`),
    ignoredColumns: text("ignored_columns", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    startedAt: integer("started_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("import_jobs_company_started_idx").on(t.companyId, t.startedAt)],
);
