/**
 * The scheduling intelligence inside the Worker: loads a tenant's history from the store, trains and
 * keeps its no-show model, rewrites its slot insights, scores upcoming appointments. The daily cron,
 * the import and the panel's "analyse now" all come through `runOptimization`.
 */
import { resolveLocale } from "../conversation/templates";
import { readProfile } from "../tenants/profile";
import { recordMetrics } from "../tenants/stubs";
import type { Appointment, Company, HistoryRecord, Store } from "../store/types";
import type { HistoryRow, RiskInput } from "./history";
import { type HistoryColumns, historyColumns } from "./columns";
import { slotInsights } from "./insights";
import { predictMany, RiskModel, trainRiskModel, type RiskPrediction } from "./model";
import { reasonText, type RiskFactor } from "./reasons";
import { HOUR_MS, WEEKDAYS as WEEKDAY_KEYS } from "../lib/time-zone";

/** Training reads at most the newest 100k appointments: ~40 MB of rows, well inside a 128 MB isolate. */
export const HISTORY_LIMIT = 100_000;
/** The seeds' guard: the daily run never runs twice within 23 h for a tenant. */
export const DAILY_GUARD_MS = 23 * HOUR_MS;
/** How far ahead the daily run scores upcoming appointments (listings score on the fly anyway). */
const SCORE_AHEAD_MS = 14 * 24 * HOUR_MS;

const contactKey = (contactId: number) => `contact:${contactId}`;

export function toHistoryRow(r: HistoryRecord): HistoryRow {
  return {
    externalId: r.externalId ?? `appointment:${r.id}`,
    contact: contactKey(r.contactId),
    bookedAt: r.bookedAt,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    status: r.status,
    reminderSent: r.reminderSent,
    reminderAnswered: r.reminderAnswered,
    confirmed: r.confirmed,
    lastContactAt: r.lastContactAt ?? undefined,
    attrs: r.attrs,
  };
}

/** An upcoming appointment as the model scores it: its outcome is never read. */
export function toRiskInput(r: HistoryRecord): RiskInput {
  const { status: _status, ...rest } = toHistoryRow(r);
  return rest;
}

async function loadHistory(store: Store, companyId: number, now: number): Promise<HistoryRow[]> {
  return (await store.scheduling.history(companyId, { to: now, limit: HISTORY_LIMIT })).map(toHistoryRow);
}

async function trainAndStore(store: Store, company: Company, rows: readonly HistoryRow[] | HistoryColumns, now: number) {
  const result = trainRiskModel(rows, { now, timeZone: company.timeZone });
  await store.scheduling.saveModel(company.id, { kind: result.model.kind, trainedAt: result.model.trainedAt, model: result.model });
  return result;
}

// Validating a stored model (a 40 kB forest) costs ~7 ms of CPU, and a chat offer reads it on every turn:
// per isolate, the last parse per tenant is reused while the stored row is the same one (its training
// instant, kind and small evaluation block; a new training changes them). Parsed models are never mutated.
const PARSED_MAX = 64;
const parsedModels = new Map<number, { key: string; model: RiskModel }>();

function parseStored(companyId: number, stored: { kind: string; trainedAt: number; model: unknown }): RiskModel | null {
  const key = `${stored.trainedAt}|${stored.kind}|${JSON.stringify((stored.model as { evaluation?: unknown } | null)?.evaluation ?? null)}`;
  const cached = parsedModels.get(companyId);
  if (cached?.key === key) return cached.model;
  const parsed = RiskModel.safeParse(stored.model);
  if (!parsed.success) return null;
  parsedModels.delete(companyId);
  if (parsedModels.size >= PARSED_MAX) parsedModels.delete(parsedModels.keys().next().value ?? companyId);
  parsedModels.set(companyId, { key, model: parsed.data });
  return parsed.data;
}

/**
 * The tenant's latest model. Without one yet: `train` (the risk API, the auto-reschedule button)
 * trains it on the spot; reads and the chat (no training on a GET or in a turn) get the prior, saying so.
 */
export async function currentModel(store: Store, company: Company, now = Date.now(), opts: { train: boolean } = { train: true }): Promise<RiskModel> {
  const stored = await store.scheduling.latestModel(company.id);
  const parsed = stored ? parseStored(company.id, stored) : null;
  if (parsed) return parsed;
  if (!opts.train) {
    const prior = trainRiskModel([], { now, timeZone: company.timeZone }).model;
    const fallbackFactor = { code: "prior_untrained", params: { rate: prior.prior } };
    return { ...prior, fallbackFactor, fallbackReason: reasonText(fallbackFactor) };
  }
  return (await trainAndStore(store, company, await loadHistory(store, company.id, now), now)).model;
}

/** Contacts per history query: a 10k-row risk batch is then ≤ 5 queries of ≤ 20k rows each (one page). */
export const CONTACT_CHUNK = 2000;

/**
 * The past appointments of `ids`, CONTACT_CHUNK contacts per query. Each chunk may read its share of
 * HISTORY_LIMIT (the newest rows of its contacts), so the whole stays within the isolate's memory
 * however many contacts a batch names, and no chunk starves the others.
 */
async function contactsHistory(store: Store, companyId: number, ids: readonly number[], now: number): Promise<HistoryRow[]> {
  const out: HistoryRow[] = [];
  for (let from = 0; from < ids.length; from += CONTACT_CHUNK) {
    const chunk = ids.slice(from, from + CONTACT_CHUNK);
    const limit = Math.max(1, Math.floor((HISTORY_LIMIT * chunk.length) / ids.length));
    for (const r of await store.scheduling.history(companyId, { to: now, limit, contactIds: chunk })) out.push(toHistoryRow(r));
  }
  return out;
}

/**
 * Scores appointments with the tenant's model. Each target names its contact (our contact id, or
 * none for a phone we have never seen); the contacts' own past appointments are loaded once, unless
 * the caller already holds the tenant's history (`loaded`, as the daily run does).
 */
export async function scoreMany(
  store: Store,
  company: Company,
  model: RiskModel,
  targets: { contactId: number | null; input: RiskInput }[],
  now = Date.now(),
  loaded?: readonly HistoryRow[],
): Promise<RiskPrediction[]> {
  if (targets.length === 0) return [];
  const ids = [...new Set(targets.flatMap((t) => (t.contactId === null ? [] : [t.contactId])))];
  const history = loaded ?? (await contactsHistory(store, company.id, ids, now));
  const inputs = targets.map((t, i) => ({ ...t.input, contact: t.contactId === null ? `unknown:${i}` : contactKey(t.contactId) }));
  return predictMany(model, inputs, { history, now });
}

/** Upcoming appointments (live, not imported) scored now, with their stored rows. */
export async function scoreUpcoming(store: Store, company: Company, model: RiskModel, from: number, to: number, now = Date.now(), loaded?: readonly HistoryRow[]) {
  const upcoming = (await store.scheduling.upcoming(company.id, from, to, 1000)).filter((a) => a.provider !== "import");
  const scores = await scoreMany(
    store,
    company,
    model,
    upcoming.map((a) => ({ contactId: a.contactId, input: toRiskInput(a) })),
    now,
    loaded,
  );
  const scored = upcoming.map((a, i) => ({ appointment: a, prediction: scores[i] as RiskPrediction }));
  await store.scheduling.setRisk(
    company.id,
    scored.map((s) => ({ id: s.appointment.id, prob: s.prediction.noShowProb, reasons: s.prediction.factors })),
    now,
  );
  return scored;
}

export type RunTrigger = "cron" | "manual" | "import";

export interface OptimizationSummary {
  runId: number;
  trigger: RunTrigger;
  rows: number;
  insights: { slots: number; suggested: string[]; recommendations: string[]; recommendationFactors?: RiskFactor[]; meanNoShowRate: number };
  model: { kind: RiskModel["kind"]; fallbackReason?: string; fallbackFactor?: RiskFactor; evaluation: RiskModel["evaluation"] };
  scored: number;
  highRisk: number;
}

/**
 * One analysis + training run for a tenant. A cron run is skipped when another run started within
 * 23 h (claimed in one statement, so two cron deliveries can't both run); manual and import runs
 * always run. The run row records what happened, failures included.
 */
export async function runOptimization(
  env: Env,
  store: Store,
  company: Company,
  trigger: RunTrigger,
  now = Date.now(),
): Promise<OptimizationSummary | { skipped: true; lastRunAt: number | null }> {
  const runId = await store.scheduling.claimRun(company.id, trigger, now, trigger === "cron" ? DAILY_GUARD_MS : 0);
  if (runId === null) return { skipped: true, lastRunAt: (await store.scheduling.lastRun(company.id))?.startedAt ?? null };
  try {
    const rows = await loadHistory(store, company.id, now);
    const locale = resolveLocale(company.locale);
    // Columns once for the analysis and the training (the rows stay for scoring the upcoming ones).
    const columns = historyColumns(rows);
    const analysis = slotInsights(columns, { now, timeZone: company.timeZone, locale });
    await store.scheduling.saveInsights(
      company.id,
      analysis.slots.map((s) => ({
        weekday: WEEKDAY_KEYS.indexOf(s.weekday),
        hour: s.hour,
        volume: s.volume,
        resolved: s.resolved,
        attendanceRate: s.attendanceRate,
        noShowProb: s.noShowProb,
        confirmationRate: s.confirmationRate,
        score: s.score,
        suggestedSlot: s.suggested,
        label: s.label,
      })),
      now,
    );
    const { model } = await trainAndStore(store, company, columns, now);
    const { threshold } = readProfile(await store.profiles.get(company.id)).agenda.risk;
    const scored = await scoreUpcoming(store, company, model, now, now + SCORE_AHEAD_MS, now, rows);
    const summary: OptimizationSummary = {
      runId,
      trigger,
      rows: rows.length,
      insights: {
        slots: analysis.slots.length,
        // Best first, as GET /api/agenda/insights lists them.
        suggested: analysis.slots
          .filter((s) => s.suggested)
          .sort((a, b) => b.attendanceRate - a.attendanceRate || b.score - a.score)
          .map((s) => s.label),
        recommendations: analysis.recommendations,
        recommendationFactors: analysis.recommendationFactors,
        meanNoShowRate: analysis.meanNoShowRate,
      },
      model: { kind: model.kind, fallbackReason: model.fallbackReason, fallbackFactor: model.fallbackFactor, evaluation: model.evaluation },
      scored: scored.length,
      highRisk: scored.filter((s) => s.prediction.noShowProb >= threshold).length,
    };
    await store.scheduling.finishRun(company.id, runId, "done", summary, Date.now());
    await recordMetrics(env, company.id, [{ metric: "secretaria_agenda_optimization_runs_total", labels: { trigger }, inc: 1 }]);
    return summary;
  } catch (err) {
    await store.scheduling.finishRun(company.id, runId, "failed", { error: err instanceof Error ? err.message : String(err) }, Date.now());
    throw err;
  }
}

/**
 * Fresh scores for the upcoming live appointments among `list` (listings: reminder, confirmation and
 * last message as they are now); past, cancelled and imported ones are left out.
 */
export async function riskOf(store: Store, company: Company, list: readonly Appointment[], now = Date.now()): Promise<Map<number, RiskPrediction>> {
  const live = list.filter((a) => (a.status === "scheduled" || a.status === "confirmed") && a.endsAt > now && a.provider !== "import");
  if (live.length === 0) return new Map();
  const ids = new Set(live.map((a) => a.id));
  const starts = live.map((a) => a.startsAt);
  const records = (
    await store.scheduling.history(company.id, { from: Math.min(...starts), to: Math.max(...starts) + 1, limit: 10_000, contactIds: [...new Set(live.map((a) => a.contactId))] })
  ).filter((r) => ids.has(r.id));
  const model = await currentModel(store, company, now, { train: false });
  const predictions = await scoreMany(
    store,
    company,
    model,
    records.map((r) => ({ contactId: r.contactId, input: toRiskInput(r) })),
    now,
  );
  return new Map(records.map((r, i) => [r.id, predictions[i] as RiskPrediction]));
}
