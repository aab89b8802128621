/**
 * Slot insights (the seeds' v2.3 analysis): for the last 180 days, per weekday × hour in the tenant's
 * time zone, how many appointments there were, how many came, how many confirmed, and which slots to
 * offer first.
 *
 * - volume: appointments that started in the window and were not cancelled; resolved: those of them
 *   with a recorded outcome (attended or no_show).
 * - noShowProb: Bayesian smoothing toward the tenant's mean m over the window —
 *   (no-shows + K·m) / (resolved + K) with K = 10 pseudo-appointments. A slot with 2 appointments
 *   moves at most 2/12 of the way to 0 % or 100 %; one with 200 is 95 % its own data.
 *   attendanceRate = 1 − noShowProb (the share of resolved appointments attended, same smoothing).
 * - confirmationRate: confirmed share of volume, smoothed the same way toward the tenant's share.
 * - score (0–1): 0.7 × (posterior attendance − one posterior sd) + 0.3 × confirmationRate. Subtracting
 *   the sd prefers stable slots: a well-attended slot seen 200 times beats one seen 5 times at the
 *   same rate. The three best scores are `suggested`.
 * - recommendations: the contiguous window (1–4 hours of one weekday, every hour with data) whose
 *   pooled smoothed no-show rate is furthest below the mean in standard errors (z ≥ 2, at least 10 %
 *   fewer no-shows): "Segundas entre 14h–17h têm 30% menos faltas"; then, likewise, the worst window
 *   ("… têm 40% mais faltas"). Nothing is said when no window clears the bar (empty list).
 */
import type { RiskFactor } from "../store/types";
import type { HistoryRow } from "./history";
import { asColumns, ATTENDED, CANCELLED, type HistoryColumns, NO_SHOW } from "./columns";
import { tenantRate } from "./features";
import { DAY_MS, type Weekday, WEEKDAYS as WEEKDAY_KEYS, WEEK_SLOTS, ZoneClock } from "../lib/time-zone";

export type InsightLocale = "pt-BR" | "en" | "es";

/** Pseudo-appointments at the tenant mean added to every slot (and window). */
export const INSIGHTS_PRIOR_STRENGTH = 10;
export const INSIGHTS_WINDOW_DAYS = 180;
const MAX_WINDOW_HOURS = 4;
const MIN_Z = 2;
const MIN_RELATIVE = 0.1;

export interface SlotInsight {
  weekday: Weekday;
  hour: number;
  volume: number;
  resolved: number;
  noShows: number;
  attendanceRate: number;
  noShowProb: number;
  confirmationRate: number;
  score: number;
  suggested: boolean;
  /** "Segunda · 14h-15h" / "Monday · 2pm-3pm" / "Lunes · 14h-15h". */
  label: string;
}

export interface SlotInsights {
  /** Slots with any volume, Monday first, by hour. */
  slots: SlotInsight[];
  recommendations: string[];
  /** The same as codes: `window_fewer` / `window_more` with {weekday (0 = Monday), from_hour, to_hour, percent}. */
  recommendationFactors: RiskFactor[];
  /** The tenant's mean no-show rate over the window (smoothed toward 20 % when thin). */
  meanNoShowRate: number;
  resolved: number;
  /** The window: [from, to). */
  from: number;
  to: number;
}

export interface InsightOptions {
  now: number;
  timeZone: string;
  locale?: InsightLocale;
  /** Default 180. */
  days?: number;
}

const NAMES: Record<InsightLocale, readonly string[]> = {
  "pt-BR": ["Segunda", "Terça", "Quarta", "Quinta", "Sexta", "Sábado", "Domingo"],
  en: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
  es: ["Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"],
};
const PLURALS: Record<InsightLocale, readonly string[]> = {
  "pt-BR": ["Segundas", "Terças", "Quartas", "Quintas", "Sextas", "Sábados", "Domingos"],
  en: ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"],
  es: ["lunes", "martes", "miércoles", "jueves", "viernes", "sábados", "domingos"],
};

function hourText(hour: number, locale: InsightLocale): string {
  const h = ((hour % 24) + 24) % 24;
  if (locale !== "en") return `${h}h`;
  return `${h % 12 === 0 ? 12 : h % 12}${h < 12 ? "am" : "pm"}`;
}

/**
 * "Segunda · 14h-15h" for weekday index 0 (Monday) and hour 14.
 * @example slotLabel(0, 14, "en") // "Monday · 2pm-3pm"
 */
export function slotLabel(weekday: number, hour: number, locale: InsightLocale): string {
  return `${NAMES[locale][weekday] ?? ""} · ${hourText(hour, locale)}-${hourText(hour + 1, locale)}`;
}

function sentence(weekday: number, first: number, endHour: number, percent: number, better: boolean, locale: InsightLocale): string {
  const range = `${hourText(first, locale)}–${hourText(endHour, locale)}`;
  const who = PLURALS[locale][weekday] ?? "";
  switch (locale) {
    case "en":
      return `${who} between ${range} have ${percent}% ${better ? "fewer" : "more"} no-shows`;
    case "es":
      return `Los ${who} entre ${range} tienen ${percent}% ${better ? "menos" : "más"} ausencias`;
    default:
      return `${who} entre ${range} têm ${percent}% ${better ? "menos" : "mais"} faltas`;
  }
}

/**
 * Weekday × hour insights over the last `days` (180) days before `now`.
 * @example slotInsights(rows, { now: Date.now(), timeZone: "America/Sao_Paulo", locale: "pt-BR" }).recommendations
 *   // ["Quartas entre 14h–17h têm 31% menos faltas", "Sábados entre 8h–12h têm 25% mais faltas"]
 */
export function slotInsights(history: readonly HistoryRow[] | HistoryColumns, options: InsightOptions): SlotInsights {
  const c = asColumns(history);
  const locale = options.locale ?? "pt-BR";
  const to = options.now;
  const from = to - (options.days ?? INSIGHTS_WINDOW_DAYS) * DAY_MS;
  const zone = new ZoneClock(options.timeZone);
  const K = INSIGHTS_PRIOR_STRENGTH;

  const volume = new Float64Array(WEEK_SLOTS);
  const resolved = new Float64Array(WEEK_SLOTS);
  const noShows = new Float64Array(WEEK_SLOTS);
  const confirmed = new Float64Array(WEEK_SLOTS);
  for (let j = 0; j < c.length; j++) {
    const start = c.startsAt[j] as number;
    const status = c.status[j] as number;
    if (start < from || start >= to || status === CANCELLED) continue;
    const s = zone.slotOf(start);
    volume[s] = (volume[s] ?? 0) + 1;
    if (c.confirmed[j] === 1) confirmed[s] = (confirmed[s] ?? 0) + 1;
    if ((status === ATTENDED || status === NO_SHOW) && (c.endsAt[j] as number) <= to) {
      resolved[s] = (resolved[s] ?? 0) + 1;
      if (status === NO_SHOW) noShows[s] = (noShows[s] ?? 0) + 1;
    }
  }
  const totalResolved = sumOf(resolved);
  const totalVolume = sumOf(volume);
  const m = tenantRate(sumOf(noShows), totalResolved);
  const mc = totalVolume > 0 ? sumOf(confirmed) / totalVolume : 0;

  const slots: SlotInsight[] = [];
  for (let s = 0; s < WEEK_SLOTS; s++) {
    const v = volume[s] ?? 0;
    if (v === 0) continue;
    const n = resolved[s] ?? 0;
    const ns = noShows[s] ?? 0;
    const alpha = n - ns + K * (1 - m);
    const beta = ns + K * m;
    const attendance = alpha / (alpha + beta);
    const sd = Math.sqrt((alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1)));
    const confirmationRate = ((confirmed[s] ?? 0) + K * mc) / (v + K);
    const weekday = Math.floor(s / 24);
    slots.push({
      weekday: WEEKDAY_KEYS[weekday] ?? "mon",
      hour: s % 24,
      volume: v,
      resolved: n,
      noShows: ns,
      attendanceRate: attendance,
      noShowProb: 1 - attendance,
      confirmationRate,
      score: 0.7 * Math.max(0, attendance - sd) + 0.3 * confirmationRate,
      suggested: false,
      label: slotLabel(weekday, s % 24, locale),
    });
  }
  const ranked = [...slots].sort((a, b) => b.score - a.score || b.volume - a.volume || WEEKDAY_KEYS.indexOf(a.weekday) - WEEKDAY_KEYS.indexOf(b.weekday) || a.hour - b.hour);
  for (const s of ranked.slice(0, 3)) s.suggested = true;

  const factors = recommend(resolved, noShows, m);
  return {
    slots,
    recommendations: factors.map((f) => recommendationText(f, locale)),
    recommendationFactors: factors,
    meanNoShowRate: m,
    resolved: totalResolved,
    from,
    to,
  };
}

function sumOf(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

interface Window {
  weekday: number;
  first: number;
  end: number;
  rate: number;
  z: number;
}

/** One recommendation in the tenant's language (the API's `recommendations`). */
export function recommendationText(f: RiskFactor, locale: InsightLocale): string {
  const n = (k: string) => Number(f.params[k] ?? 0);
  return sentence(n("weekday"), n("from_hour"), n("to_hour"), n("percent"), f.code === "window_fewer", locale);
}

function recommend(resolved: Float64Array, noShows: Float64Array, m: number): RiskFactor[] {
  const K = INSIGHTS_PRIOR_STRENGTH;
  let best: Window | null = null;
  let worst: Window | null = null;
  const se = Math.sqrt(m * (1 - m));
  if (!(se > 0)) return [];
  for (let wd = 0; wd < 7; wd++) {
    for (let first = 0; first < 24; first++) {
      let n = 0;
      let ns = 0;
      for (let len = 1; len <= MAX_WINDOW_HOURS && first + len <= 24; len++) {
        const s = wd * 24 + first + len - 1;
        const r = resolved[s] ?? 0;
        if (r === 0) break; // windows are contiguous hours that all have data
        n += r;
        ns += noShows[s] ?? 0;
        const rate = (ns + K * m) / (n + K);
        const z = (m - rate) / (se / Math.sqrt(n));
        const w = { weekday: wd, first, end: first + len, rate, z };
        if (!best || z > best.z) best = w;
        if (!worst || z < worst.z) worst = w;
      }
    }
  }
  const out: RiskFactor[] = [];
  const factor = (code: string, w: Window, percent: number): RiskFactor => ({ code, params: { weekday: w.weekday, from_hour: w.first, to_hour: w.end, percent } });
  if (best && best.z >= MIN_Z && (m - best.rate) / m >= MIN_RELATIVE) out.push(factor("window_fewer", best, Math.round(((m - best.rate) / m) * 100)));
  if (worst && -worst.z >= MIN_Z && (worst.rate - m) / m >= MIN_RELATIVE) out.push(factor("window_more", worst, Math.round(((worst.rate - m) / m) * 100)));
  return out;
}
