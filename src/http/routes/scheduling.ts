import { Hono } from "hono";
import * as z from "../../lib/zod";
import { agendaCtx } from "../../agenda/service";
import type { AgendaOptimizeJob } from "../../jobs/agenda-optimize";
import { AppError } from "../../lib/errors";
import { autoReschedule, type RiskCase } from "../../scheduling/auto-reschedule";
import { csvRecords } from "../../scheduling/csv";
import { parseRow, readHeader, type ImportRow } from "../../scheduling/import-rows";
import { importAppointmentsCsv } from "../../scheduling/import";
import { INSIGHTS_WINDOW_DAYS } from "../../scheduling/insights";
import { priorFactor, RiskModel } from "../../scheduling/model";
import { currentModel, runOptimization, scoreMany, type OptimizationSummary } from "../../scheduling/service";
import { iso, WEEKDAYS as WEEKDAY_KEYS } from "../../lib/time-zone";
import type { ImportJob } from "../../store/types";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, mediaType } from "../openapi/validate";
import type { AppEnv } from "../types";

/** Scheduling intelligence for operators and integrations: history import, risk scores, insights, acting on risk. */
export const scheduling = new Hono<AppEnv>();
scheduling.use("/api/agenda/*", requireCaller);
const doc = describer({ tag: "Scheduling", auth: "admin", resource: "scheduling" });

const CSV_TYPES = ["text/csv", "application/csv", "text/plain"];
/**
 * One risk batch: a network's week of agenda in one call. 10k rows are ~3 MB of JSON (~1.5 MB of CSV),
 * far inside the Workers' 100 MB request limit, and cost a bounded number of statements (the contacts'
 * histories CONTACT_CHUNK contacts per query: README "Scores.").
 */
export const MAX_RISK_ROWS = 10_000;

const jobView = (j: ImportJob) => ({
  id: j.id,
  status: j.status,
  rows_read: j.rowsRead,
  rows_imported: j.rowsImported,
  rows_failed: j.rowsFailed,
  errors: j.errors,
  errors_truncated: j.rowsFailed > j.errors.length,
  ignored_columns: j.ignoredColumns,
  started_at: iso(j.startedAt),
  updated_at: iso(j.updatedAt),
  finished_at: iso(j.finishedAt),
});

/**
 * POST /api/agenda/appointments/import (text/csv): streams the file in, answers with the finished
 * job. While it runs, GET /api/agenda/imports shows it with its progress. A new analysis + training
 * run is queued once rows landed.
 */
scheduling.post(
  "/api/agenda/appointments/import",
  doc({
    summary: "Import appointment history from CSV (streamed; then analysis and training are queued)",
    body: { schema: z.string(), description: "The history: external_id, contact, booked_at, starts_at, ends_at, status, and optional columns", mediaType: "text/csv" },
    responses: { 200: { description: "The finished import job, with its errors per line" } },
    errors: { 400: "`empty_csv` / `invalid_csv` / `invalid_columns`", 415: "`unsupported_media_type`: not text/csv" },
  }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    if (!CSV_TYPES.includes(mediaType(c))) throw new AppError(415, "unsupported_media_type", "Send the history as text/csv");
    const body = c.req.raw.body;
    if (!body) throw new AppError(400, "empty_csv", "The CSV has no header line");
    const job = await importAppointmentsCsv(c.get("store"), company, body, crypto.randomUUID());
    // An import writes appointments and contacts in bulk (not a read): recorded once, with its counts.
    await audit(c, company.id, {
      action: "appointment.import",
      target: `import:${job.id}`,
      detail: { count: job.rowsImported, rows_read: job.rowsRead, rows_failed: job.rowsFailed },
    });
    if (job.rowsImported > 0)
      await c.env.JOBS_QUEUE.send({ kind: "agenda_optimize", companyId: company.id, trigger: "import", queuedAt: Date.now(), generation: 0 } satisfies AgendaOptimizeJob, {
        contentType: "json",
      });
    return c.json(jobView(job));
  },
);

scheduling.get("/api/agenda/imports", doc({ summary: "The last 50 imports with their progress", responses: { 200: { description: "`{imports: [...]}`" } } }), async (c) => {
  const company = callerCompany(c.get("caller"));
  return c.json({ imports: (await c.get("store").importJobs.list(company.id, 50)).map(jobView) });
});

scheduling.get(
  "/api/agenda/imports/:id",
  doc({
    summary: "One import: progress, counts and errors",
    responses: { 200: { description: "The import job" } },
    errors: { 404: "`not_found`: no such import for this tenant" },
  }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const job = await c.get("store").importJobs.byId(company.id, c.req.param("id"));
    if (!job) throw new AppError(404, "not_found", "No such import for this tenant");
    return c.json(jobView(job));
  },
);

const RiskBody = z.strictObject({
  appointments: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))).min(1),
});

/**
 * Columns one risk batch may name: the ten the parser reads and far more `attr_` ones than a clinic
 * export has. A JSON batch widens every row to every key seen, so without a cap 10k rows each with a
 * key of its own would be 100M cells (half a minute of CPU) from a 1.5 MB body.
 */
export const MAX_RISK_COLUMNS = 200;
const tooManyRows = () => new AppError(413, "too_many_rows", `At most ${MAX_RISK_ROWS} appointments per request`);
const tooManyColumns = () => new AppError(400, "too_many_columns", `At most ${MAX_RISK_COLUMNS} distinct columns per request`);

/** A JSON batch becomes CSV-shaped records (header = every key seen) so both bodies share one parser. */
function jsonRecords(rows: z.infer<typeof RiskBody>["appointments"]) {
  const keys = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) keys.add(k);
    if (keys.size > MAX_RISK_COLUMNS) throw tooManyColumns();
  }
  const header = [...keys];
  return { header, records: rows.map((r, i) => ({ line: i + 1, fields: header.map((k) => (r[k] === null || r[k] === undefined ? "" : String(r[k]))) })) };
}

function jsonBatch(rows: z.infer<typeof RiskBody>["appointments"]) {
  // Checked here, not by the schema's max: too many rows is a 413, as for a CSV body.
  if (rows.length > MAX_RISK_ROWS) throw tooManyRows();
  return { ...jsonRecords(rows), errors: [] };
}

async function csvBatch(body: ReadableStream<Uint8Array>) {
  let header: string[] | null = null;
  const records: { line: number; fields: string[] }[] = [];
  const errors: { line: number; reason: string }[] = [];
  for await (const rec of csvRecords(body, { maxRecords: MAX_RISK_ROWS + 1 })) {
    if ("error" in rec) {
      if (!header) throw new AppError(400, "invalid_csv", `Line ${rec.line}: ${rec.error}`);
      errors.push({ line: rec.line, reason: rec.error });
    } else if (!header) header = rec.fields;
    else records.push(rec);
  }
  if (!header) throw new AppError(400, "empty_csv", "The CSV has no header line");
  if (header.length > MAX_RISK_COLUMNS) throw tooManyColumns();
  if (records.length > MAX_RISK_ROWS) throw tooManyRows();
  return { header, records, errors };
}

/**
 * POST /api/agenda/risk: the import's columns without status, as JSON `{appointments: [...]}` or
 * CSV → `{external_id, no_show_prob, reasons}` per appointment from the tenant's current model.
 * Rows that don't parse are listed with their line (JSON: position from 1), the rest are scored.
 */
scheduling.post(
  "/api/agenda/risk",
  doc({
    permission: "scheduling:read",
    summary: "No-show probability and reasons for a batch of upcoming appointments (JSON or CSV)",
    responses: {
      200: { description: "`{model, results: [{line, external_id, no_show_prob, reasons, risk_factors, fallback}], errors}`: reasons in pt-BR, risk_factors as `{code, params}`" },
    },
    errors: {
      400: `\`empty_csv\` / \`invalid_csv\` / \`invalid_columns\` / \`too_many_columns\`: more than ${MAX_RISK_COLUMNS}`,
      413: `\`too_many_rows\`: more than ${MAX_RISK_ROWS}`,
    },
  }),
  jsonBody(RiskBody, { alsoAccepts: CSV_TYPES }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    // A CSV body passed the validator unread (alsoAccepts): it is streamed here.
    const batch = CSV_TYPES.includes(mediaType(c)) ? await csvBatch(c.req.raw.body ?? new Blob([]).stream()) : jsonBatch(c.req.valid("json").appointments);
    const header = readHeader(
      batch.header.map((h) => h.trim()),
      { requireStatus: false },
    );
    if (!header.ok)
      throw new AppError(400, "invalid_columns", "Each appointment needs external_id, contact, booked_at, starts_at, ends_at", {
        missing: header.missing,
        duplicate: header.duplicate,
      });
    const errors = [...batch.errors];
    const rows: ImportRow[] = [];
    for (const rec of batch.records) {
      const parsed = parseRow(header.columns, rec, { timeZone: company.timeZone, requireStatus: false });
      if (parsed.ok) rows.push(parsed.row);
      else errors.push({ line: parsed.line, reason: parsed.reason });
    }
    const now = Date.now();
    const model = await currentModel(store, company, now);
    // A phone we know brings its contact's history; an unknown phone (or id) is a first visit.
    const known = await store.contacts.many(company.id, {
      ids: rows.flatMap((r) => ("contactId" in r.contact ? [r.contact.contactId] : [])),
      phones: rows.flatMap((r) => ("phone" in r.contact ? [r.contact.phone] : [])),
    });
    const ids = new Set(known.map((k) => k.id));
    const byPhone = new Map(known.map((k) => [k.phone, k.id]));
    const contactIds = rows.map((r) => ("contactId" in r.contact ? (ids.has(r.contact.contactId) ? r.contact.contactId : null) : (byPhone.get(r.contact.phone) ?? null)));
    const predictions = await scoreMany(
      store,
      company,
      model,
      rows.map((r, i) => ({ contactId: contactIds[i] ?? null, input: { ...r, contact: "" } })),
      now,
    );
    return c.json({
      model: {
        kind: model.kind,
        trained_at: iso(model.trainedAt),
        fallback_reason: model.fallbackReason ?? null,
        fallback_factor: model.kind === "prior" ? priorFactor(model) : null,
      },
      results: rows.map((r, i) => ({
        line: r.line,
        external_id: r.externalId,
        no_show_prob: round(predictions[i]?.noShowProb ?? model.prior),
        reasons: predictions[i]?.reasons ?? [],
        risk_factors: predictions[i]?.factors ?? [],
        fallback: predictions[i]?.fallback ?? true,
      })),
      errors,
    });
  },
);

const round = (x: number) => Math.round(x * 10_000) / 10_000;

const evaluationView = (m: RiskModel) =>
  m.evaluation && {
    auc: m.evaluation.auc,
    brier: m.evaluation.brier,
    brier_uncalibrated: m.evaluation.brierUncalibrated,
    log_loss: m.evaluation.logLoss,
    base_rate: m.evaluation.baseRate,
    base_rate_brier: m.evaluation.baseRateBrier,
    heuristic_auc: m.evaluation.heuristicAuc,
    heuristic_brier: m.evaluation.heuristicBrier,
    calibration: m.evaluation.calibration,
    chosen: m.evaluation.chosen ?? null,
    candidates: m.evaluation.candidates?.map((c) => ({ kind: c.kind, auc: c.auc, brier: c.brier })) ?? null,
    rows: m.evaluation.rows,
    train_rows: m.evaluation.trainRows,
    calibration_rows: m.evaluation.calibrationRows,
    holdout_rows: m.evaluation.holdoutRows,
    holdout_from: iso(m.evaluation.holdoutFrom),
    trained_at: iso(m.evaluation.trainedAt),
    bands: m.evaluation.bands?.map((b) => ({ rows: b.rows, no_shows: b.noShows })) ?? null,
  };

/** GET /api/agenda/insights: the last analysis (slots, the three suggested, recommendations) and the model's evaluation. */
scheduling.get(
  "/api/agenda/insights",
  doc({ summary: "Slot analysis, suggested slots, recommendations and the model's evaluation", responses: { 200: { description: "The last analysis" } } }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const [slots, stored, run] = await Promise.all([store.scheduling.insights(company.id), store.scheduling.latestModel(company.id), store.scheduling.lastRun(company.id, "done")]);
    const model = stored ? RiskModel.safeParse(stored.model) : null;
    const summary = run?.detail as OptimizationSummary | undefined;
    const slotView = slots.map((s) => ({
      weekday: WEEKDAY_KEYS[s.weekday] ?? null,
      weekday_index: s.weekday,
      hour: s.hour,
      label: s.label,
      volume: s.volume,
      resolved: s.resolved,
      attendance_rate: round(s.attendanceRate),
      no_show_prob: round(s.noShowProb),
      confirmation_rate: round(s.confirmationRate),
      score: round(s.score),
      suggested_slot: s.suggestedSlot,
    }));
    return c.json({
      time_zone: company.timeZone,
      window_days: INSIGHTS_WINDOW_DAYS,
      updated_at: iso(slots[0]?.updatedAt ?? null),
      last_run: run ? { id: run.id, trigger: run.trigger, started_at: iso(run.startedAt), finished_at: iso(run.finishedAt) } : null,
      mean_no_show_rate: summary ? round(summary.insights.meanNoShowRate) : null,
      recommendations: summary?.insights.recommendations ?? [],
      // Codes for the panel; null for a run stored before they existed (the panel then asks for a new analysis).
      recommendation_factors: summary ? (summary.insights.recommendationFactors ?? null) : [],
      // The three the score picked, best first by what each line shows (the estimated attendance), then by score.
      suggested: slotView.filter((s) => s.suggested_slot).sort((a, b) => b.attendance_rate - a.attendance_rate || b.score - a.score),
      slots: slotView,
      model: model?.success
        ? {
            kind: model.data.kind,
            trained_at: iso(model.data.trainedAt),
            fallback_reason: model.data.fallbackReason ?? null,
            fallback_factor: model.data.kind === "prior" ? priorFactor(model.data) : null,
            evaluation: evaluationView(model.data),
          }
        : null,
    });
  },
);

/** POST /api/agenda/optimize: run the daily analysis + training now (the panel's "analyse now"; no 23 h guard). */
scheduling.post(
  "/api/agenda/optimize",
  doc({ summary: "Run the analysis and training now", responses: { 200: { description: "The run's summary" } }, errors: { 409: "`already_running`" } }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const result = await runOptimization(c.env, c.get("store"), company, "manual");
    if ("skipped" in result) throw new AppError(409, "already_running", "An analysis is already running for this tenant");
    return c.json({
      run_id: result.runId,
      rows: result.rows,
      slots: result.insights.slots,
      suggested: result.insights.suggested,
      recommendations: result.insights.recommendations,
      recommendation_factors: result.insights.recommendationFactors ?? [],
      model: {
        kind: result.model.kind,
        fallback_reason: result.model.fallbackReason ?? null,
        fallback_factor: result.model.fallbackFactor ?? null,
        auc: result.model.evaluation?.auc ?? null,
        brier: result.model.evaluation?.brier ?? null,
      },
      scored: result.scored,
      high_risk: result.highRisk,
    });
  },
);

const caseView = (r: RiskCase) => ({
  appointment_id: r.appointmentId,
  contact: r.contact,
  starts_at: r.startsAt,
  no_show_prob: round(r.noShowProb),
  reasons: r.reasons,
  risk_factors: r.factors,
  why: r.why,
  action: r.action,
  ...(r.detail ? { detail: r.detail } : {}),
  ...(r.detailCode ? { detail_code: r.detailCode } : {}),
  ...(r.options ? { options: r.options } : {}),
  ...(r.message !== undefined ? { message: r.message } : {}),
  ...(r.messageId !== undefined ? { message_id: r.messageId } : {}),
});

/** `dry_run: true` is the panel's preview: the same answer, with nothing sent, flagged or remembered. */
const AutoRescheduleBody = z.strictObject({ dry_run: z.boolean().default(false) }).default({ dry_run: false });

/** POST /api/agenda/auto-reschedule: the panel button — contacts the high-risk appointments ahead, each once, and says who and why. */
scheduling.post(
  "/api/agenda/auto-reschedule",
  doc({
    summary: "Offer better slots to the high-risk appointments ahead (or, with `dry_run`, preview who and the message)",
    responses: { 200: { description: "`{dry_run, threshold, scanned, contacted, skipped}`: who, why and the message text" } },
  }),
  jsonBody(AutoRescheduleBody, { optional: true }),
  async (c) => {
    const { dry_run } = c.req.valid("json");
    const ctx = await agendaCtx(c.env, c.get("store"), callerCompany(c.get("caller")));
    const result = await autoReschedule(ctx, Date.now(), dry_run);
    return c.json({
      dry_run,
      threshold: result.threshold,
      scanned: result.scanned,
      contacted: result.contacted.map(caseView),
      skipped: result.skipped.map(caseView),
    });
  },
);
