/**
 * Synthetic appointment history with known no-show mechanics, for tests and the benchmark. Same seed
 * and options → the same rows, byte for byte (a mulberry32 PRNG; no Math.random, no clock).
 *
 * Each appointment's no-show probability is σ(logit), the logit a sum of the effects below
 * (defaults; every one can be overridden through `effects`). The sizes follow the published
 * picture: lead time and the person's own record dominate; reminders, confirmation and slot matter
 * less; the base no-show rate lands near 20 % (realistic range 10–30 %).
 *
 * | effect                    | on the logit                                   | how it is drawn                           |
 * |---------------------------|------------------------------------------------|-------------------------------------------|
 * | intercept                 | −1.55                                          |                                           |
 * | lead time                 | +0.45 × ln(1 + lead days)  (7 d → +0.94)       | 12 % same-day (0.5–6 h), else log-normal, |
 * |                           |                                                | median 6 d, σ 0.9, clipped to 1–120 d     |
 * | same-day booking          | −0.30 more (booked on the local start date)    |                                           |
 * | individual tendency       | u ~ N(0, 1.0²), fixed per contact              | also lowers reminder answers/confirmations|
 * | reminder sent             | −0.50                                          | only when lead ≥ 24 h, then 85 %          |
 * | reminder answered         | −0.60 more                                     | σ(0.3 − 0.8u) of those sent               |
 * | confirmed                 | −0.60                                          | 85 % if answered, else σ(−1.2 − 0.6u);    |
 * |                           |                                                | same-day: 60 %                            |
 * | weekday                   | mon +0.30, wed −0.10, fri +0.20, sat +0.35     | mon–fri, sat at 40 % of a weekday's load  |
 * | hour (local)              | 7h +0.40, 8h +0.30, 9h +0.05, 12h +0.15,       | 7h–18h mon–fri (7h, 12h, 18h at 60 %),    |
 * |                           | 14h/15h −0.30, 16h −0.25, 17h +0.10, 18h +0.25 | 8h–11h sat; :00 or :30; 30 or 60 min      |
 * | last message ≤ 2 days     | −0.30                                          | 45 % ≤ 2 d, 40 % exp(mean 15 d),          |
 * | last message > 60 d/never | +0.30                                          | 15 % 60–240 d; never for 10 % of rows     |
 * | attr age                  | −0.02 × (age − 40)  (25 y → +0.30)             | per contact, uniform 18–80; 3 % missing   |
 * | attr insurance            | particular −0.30, sus +0.45, amil +0.05,       | per contact: unimed 30 %, particular 25 %,|
 * |                           | unimed/bradesco 0, rare ones 0                 | sus 25 %, bradesco 12 %, amil 7.5 %, five |
 * |                           |                                                | rare plans 0.1 % each (to test pooling)   |
 * | noise                     | N(0, 0.35²) per appointment                    |                                           |
 *
 * Then 6 % of appointments are cancelled (independently: their outcome is never seen) and the rest
 * draw no_show with probability σ(logit), attended otherwise. Contacts book with log-normal
 * activity (σ 1), so a few come often and many once or twice. With `now`, rows booked after it are
 * dropped and rows ending after it stay "scheduled"/"confirmed" with reminders not yet sent if the
 * 24 h mark is still ahead. Rows come out sorted by `startsAt`.
 *
 * `dateOnly: true` keeps these mechanics but shows times as a date-only export would: every row
 * starts at 08:00 local on its day (same duration), is booked at local midnight of its booking day,
 * and its last message is at local midnight of that day; the hour effects then act unseen.
 * `shape: "clinic"` is another generator altogether (synthetic-clinic.ts, its own effects table).
 */
import type { HistoryRow } from "./history";
import { DAY_MS, HOUR_MS, MINUTE_MS, ZoneClock } from "../lib/time-zone";
import { DATE_ONLY_HOUR, generateClinicHistory } from "./synthetic-clinic";

export interface SyntheticEffects {
  intercept: number;
  leadPerLogDay: number;
  sameDay: number;
  tendencySd: number;
  reminderSent: number;
  reminderAnswered: number;
  confirmed: number;
  /** Index 0 = Monday … 6 = Sunday. */
  weekday: readonly number[];
  /** Index = local hour 0–23. */
  hour: readonly number[];
  recentContact: number;
  longSilence: number;
  agePerYear: number;
  insurance: Readonly<Record<string, number>>;
  noiseSd: number;
}

export const DEFAULT_EFFECTS: SyntheticEffects = {
  intercept: -1.55,
  leadPerLogDay: 0.45,
  sameDay: -0.3,
  tendencySd: 1.0,
  reminderSent: -0.5,
  reminderAnswered: -0.6,
  confirmed: -0.6,
  weekday: [0.3, 0, -0.1, 0, 0.2, 0.35, 0],
  hour: [0, 0, 0, 0, 0, 0, 0, 0.4, 0.3, 0.05, 0, 0, 0.15, 0, -0.3, -0.3, -0.25, 0.1, 0.25, 0, 0, 0, 0, 0],
  recentContact: -0.3,
  longSilence: 0.3,
  agePerYear: -0.02,
  insurance: { particular: -0.3, sus: 0.45, amil: 0.05, unimed: 0, bradesco: 0 },
  noiseSd: 0.35,
};

export interface SyntheticOptions {
  seed: number;
  rows: number;
  contacts: number;
  /** First instant of the period; rows start on local days from the one containing it. */
  start: number;
  days: number;
  /** IANA zone whose wall clock the opening hours and weekday/hour effects follow. */
  timeZone?: string;
  /** When set: rows booked after it are dropped, rows ending after it have no outcome yet. */
  now?: number;
  cancelRate?: number;
  /** Default effects (the table above; `effects` applies) or the clinic export's shape (`contacts` unused). */
  shape?: "default" | "clinic";
  /** Dates only, every row at 08:00 local: default false, true for the clinic shape. */
  dateOnly?: boolean;
  effects?: Partial<SyntheticEffects>;
}

export interface SyntheticHistory {
  rows: HistoryRow[];
  /** The true no-show probability of each row (same order), noise included: the best any model can do. */
  noShowProb: Float64Array;
}

/** Small, fast, seedable PRNG (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

const INSURANCE: readonly [string, number][] = [
  ["unimed", 0.3],
  ["particular", 0.25],
  ["sus", 0.25],
  ["bradesco", 0.12],
  ["amil", 0.075],
  ["cassi", 0.001],
  ["geap", 0.001],
  ["postal-saude", 0.001],
  ["capesesp", 0.001],
  ["fusex", 0.001],
];

// Relative booking weight of each local hour, mon–fri and saturday.
const WEEKDAY_HOURS: readonly [number, number][] = [
  [7, 0.6],
  [8, 1],
  [9, 1],
  [10, 1],
  [11, 1],
  [12, 0.6],
  [13, 1],
  [14, 1],
  [15, 1],
  [16, 1],
  [17, 1],
  [18, 0.6],
];
const SATURDAY_HOURS: readonly [number, number][] = [
  [8, 1],
  [9, 1],
  [10, 1],
  [11, 1],
];

/** A sampler over weighted items: u in [0, 1) → item (a linear scan; lists here are short). */
function weighted<T>(items: readonly (readonly [T, number])[]): (u: number) => T {
  let total = 0;
  for (const [, w] of items) total += w;
  const last = items[items.length - 1];
  if (!last) throw new RangeError("empty choice");
  return (u) => {
    let x = u * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    return last[0];
  };
}

const pickInsurance = weighted(INSURANCE);
const pickWeekdayHour = weighted(WEEKDAY_HOURS);
const pickSaturdayHour = weighted(SATURDAY_HOURS);

/**
 * Rows of a synthetic tenant; deterministic for a seed.
 * @example generateHistory({ seed: 7, rows: 20_000, contacts: 2_000, start: Date.UTC(2024, 0, 1), days: 540 })
 */
export function generateHistory(options: SyntheticOptions): HistoryRow[] {
  return generateSyntheticHistory(options).rows;
}

/** `generateHistory` plus each row's true no-show probability (for oracle comparisons). */
export function generateSyntheticHistory(options: SyntheticOptions): SyntheticHistory {
  if (options.shape === "clinic") return generateClinicHistory(options, mulberry32(options.seed));
  const fx: SyntheticEffects = { ...DEFAULT_EFFECTS, ...options.effects };
  const rnd = mulberry32(options.seed);
  const gauss = () => {
    // Box–Muller; 1 − u keeps log away from 0.
    const u = 1 - rnd();
    const v = rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const zone = new ZoneClock(options.timeZone ?? "America/Sao_Paulo");
  const cancelRate = options.cancelRate ?? 0.06;
  const nContacts = Math.max(1, Math.floor(options.contacts));
  const nRows = Math.max(0, Math.floor(options.rows));
  const days = Math.max(1, Math.floor(options.days));
  const dateOnly = options.dateOnly === true;
  const localMidnight = (t: number) => zone.toUtc(zone.dayOf(t), 0);

  // Contacts: persistent tendency, attributes, booking activity.
  // One string per contact, shared by its rows (as a database driver would hand them out; a fresh
  // string per row would make every Map lookup hash it again).
  const contactIds = Array.from({ length: nContacts }, (_, c) => `contact-${String(c).padStart(6, "0")}`);
  const tendency = new Float64Array(nContacts);
  const age: (number | null)[] = new Array<number | null>(nContacts);
  const insurance: string[] = new Array<string>(nContacts);
  const cumulative = new Float64Array(nContacts);
  let total = 0;
  for (let c = 0; c < nContacts; c++) {
    tendency[c] = gauss() * fx.tendencySd;
    age[c] = rnd() < 0.03 ? null : 18 + Math.floor(rnd() * 63);
    insurance[c] = pickInsurance(rnd());
    total += Math.exp(gauss());
    cumulative[c] = total;
  }
  const pickContact = (u: number): number => {
    const x = u * total;
    let lo = 0;
    let hi = nContacts - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  // Start times first, so rows can be built in time order without sorting objects.
  const firstDay = zone.local(options.start).day;
  const starts = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    let day: number;
    let weekday: number;
    for (;;) {
      day = firstDay + Math.floor(rnd() * days);
      weekday = (((day + 3) % 7) + 7) % 7;
      if (weekday === 6) continue; // closed on Sundays
      if (weekday === 5 && rnd() >= 0.4) continue;
      break;
    }
    const hour = weekday === 5 ? pickSaturdayHour(rnd()) : pickWeekdayHour(rnd());
    const minute = rnd() < 0.5 ? 0 : 30;
    starts[i] = zone.toUtc(day, hour * 60 + minute);
  }
  starts.sort();

  const rows: HistoryRow[] = [];
  const probs: number[] = [];
  for (let i = 0; i < nRows; i++) {
    const startsAt = starts[i] ?? 0;
    const endsAt = startsAt + (rnd() < 0.7 ? 30 : 60) * MINUTE_MS;
    const c = pickContact(rnd());
    const u = tendency[c] ?? 0;

    const sameDayDraw = rnd() < 0.12;
    const leadMs = sameDayDraw ? (0.5 + rnd() * 5.5) * HOUR_MS : Math.min(120, Math.max(1, Math.exp(Math.log(6) + 0.9 * gauss()))) * DAY_MS;
    const bookedAt = startsAt - Math.round(leadMs / MINUTE_MS) * MINUTE_MS;
    const leadDays = (startsAt - bookedAt) / DAY_MS;
    const slot = zone.slotOf(startsAt);
    const sameDay = zone.dayOf(bookedAt) === zone.dayOf(startsAt);

    const reminderSent = startsAt - bookedAt >= 24 * HOUR_MS && rnd() < 0.85;
    const reminderAnswered = reminderSent && rnd() < sigmoid(0.3 - 0.8 * u);
    const confirmed = sameDay ? rnd() < 0.6 : reminderAnswered ? rnd() < 0.85 : rnd() < sigmoid(-1.2 - 0.6 * u);

    let lastContactAt: number | undefined;
    let silenceEffect = 0;
    const s = rnd();
    if (s < 0.1) {
      silenceEffect = fx.longSilence;
    } else {
      const kind = rnd();
      const silenceDays = kind < 0.45 ? rnd() * 2 : kind < 0.85 ? -Math.log(1 - rnd()) * 15 : 60 + rnd() * 180;
      lastContactAt = startsAt - Math.round((silenceDays * DAY_MS) / MINUTE_MS) * MINUTE_MS;
      if (silenceDays <= 2) silenceEffect = fx.recentContact;
      else if (silenceDays > 60) silenceEffect = fx.longSilence;
    }

    const a = age[c] ?? null;
    const ins = insurance[c] ?? "unimed";
    const attrs: Record<string, string | number> = { insurance: ins };
    if (a !== null) attrs.age = a;

    const logit =
      fx.intercept +
      fx.leadPerLogDay * Math.log1p(leadDays) +
      (sameDay ? fx.sameDay : 0) +
      u +
      (reminderSent ? fx.reminderSent : 0) +
      (reminderAnswered ? fx.reminderAnswered : 0) +
      (confirmed ? fx.confirmed : 0) +
      (fx.weekday[Math.floor(slot / 24)] ?? 0) +
      (fx.hour[slot % 24] ?? 0) +
      silenceEffect +
      (a === null ? 0 : fx.agePerYear * (a - 40)) +
      (fx.insurance[ins] ?? 0) +
      fx.noiseSd * gauss();
    const p = sigmoid(logit);
    const cancelled = rnd() < cancelRate;
    const noShow = rnd() < p;

    let status: HistoryRow["status"] = cancelled ? "cancelled" : noShow ? "no_show" : "attended";
    let row: HistoryRow = {
      externalId: `syn-${options.seed}-${i}`,
      contact: contactIds[c] ?? "contact-?",
      bookedAt,
      startsAt,
      endsAt,
      status,
      reminderSent,
      reminderAnswered,
      confirmed,
      lastContactAt,
      attrs,
    };
    if (dateOnly) {
      const shownStart = zone.toUtc(zone.dayOf(startsAt), DATE_ONLY_HOUR * 60);
      row = {
        ...row,
        bookedAt: localMidnight(bookedAt),
        startsAt: shownStart,
        endsAt: shownStart + (endsAt - startsAt),
        lastContactAt: lastContactAt === undefined ? undefined : localMidnight(lastContactAt),
      };
    }
    if (options.now !== undefined) {
      const now = options.now;
      if (row.bookedAt > now) continue;
      if (row.endsAt > now) {
        if (!cancelled) status = confirmed ? "confirmed" : "scheduled";
        const reminderDue = row.startsAt - 24 * HOUR_MS <= now;
        row = {
          ...row,
          status,
          reminderSent: reminderDue && reminderSent,
          reminderAnswered: reminderDue && reminderAnswered,
          lastContactAt: row.lastContactAt !== undefined && row.lastContactAt <= now ? row.lastContactAt : undefined,
        };
      }
    }
    rows.push(row);
    probs.push(p);
  }
  return { rows, noShowProb: Float64Array.from(probs) };
}
