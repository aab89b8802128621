import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { companies } from "./tenants";

// Scheduling intelligence: insights, risk models, analysis runs and history imports.

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
    kind: text("kind", { enum: ["logistic", "gbdt", "prior"] }).notNull(),
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
