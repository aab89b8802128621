/**
 * The "clinic" shape of the synthetic generator (`generateSyntheticHistory({ shape: "clinic" })`):
 * rows shaped like the public Brazilian clinic no-show export (~110k appointments, ~20 % no-shows),
 * the data on which the logistic model fell short. Same seed and options → the same rows.
 *
 * What sets it apart from the default shape: appointment times are dates only (every appointment at
 * 08:00 local, booked at local midnight of the scheduling day) unless `dateOnly: false`; the effects
 * are non-linear (lead time saturates, age is a hump); reminders go only to bookings ≥ 3 days ahead,
 * so "reminder sent" rides on lead time; a neighbourhood category with 85 levels, many rare; most
 * patients come once; no message history and confirmations almost never recorded.
 *
 * | effect                  | on the logit                                          | how it is drawn                               |
 * |-------------------------|-------------------------------------------------------|-----------------------------------------------|
 * | intercept               | −1.55                                                 |                                               |
 * | same-day (lead 0 d)     | −1.60 (≈ 5 % no-shows)                                | 35 % of rows                                  |
 * | lead L ≥ 1 d, saturating| +0.95 × (1 − e^(−(L−1)/7)) × age factor               | log-normal, median 8 d, σ 1.0, 1–180 whole d  |
 * | age factor (interaction)| × 0.6 under 12, × 2.0 for 12–30, × 1 for 31–59,      | lead time hurts the young most, children and  |
 * |                         | × 0.3 from 60 on                                      | the elderly little                            |
 * | attr age (hump)         | +0.45·e^(−((age−19)/10)²) − 0.012 × max(0, age − 35)  | per patient: 18 % 0–11 y, else 12–100 y,      |
 * |                         | (19 y → +0.45, 50 y → −0.16, 80 y → −0.54)            | thinning past 60 (a fifth as many at 100)     |
 * | individual tendency     | u ~ N(0, 0.3²), fixed per patient                     |                                               |
 * | reminder ("sms")        | −0.10                                                 | only when lead ≥ 3 d, then 65 %               |
 * | confirmed               | −0.50                                                 | 2 % of rows                                   |
 * | attr neighbourhood      | own effect per level ~ N(0, 0.3²)                     | per patient, 85 levels "bairro-NN", Zipf-like |
 * |                         |                                                       | (top ≈ 7 %), 15 levels ≈ 0.01 % each          |
 * | attr scholarship (1/0)  | +0.15, +0.30 more in every third level (interaction)  | 10 % (25 % in those levels)                   |
 * | attr hypertension       | −0.10                                                 | 5 % under 40 y, 35 % from 60 y, 18 % between  |
 * | attr diabetes           | −0.05                                                 | 7 %                                           |
 * | attr alcoholism         | +0.20                                                 | 3 %                                           |
 * | attr handicap           | +0.05                                                 | 2 %                                           |
 * | attr gender F/M         | 0                                                     | F 65 %                                        |
 * | noise                   | N(0, 0.20²) per appointment                           |                                               |
 *
 * The result (seed 3, 100k rows over 365 days): 20 % no-shows; lead 0 d 4.4 %, 1–3 d 21 %, 14–30 d
 * 34 %, 31–60 d 35 %; ages 12–25 35 %, 0–5 18 %, 66+ 10 %; reminder rows 28 % against 14 % without
 * (the lead confound; among lead ≥ 3 d it is 28 % vs 30 %); truth AUC 0.79, lead time alone 0.71.
 *
 * Visits per patient: 60 % one, 20 % two, 10 % three, 10 % 4–20 (geometric); as many patients are
 * created as the rows need (`contacts` is not used by this shape). Appointments fall mon–fri,
 * uniformly over the days. No cancellations unless `cancelRate` says so. `now` works as in the
 * default shape.
 */
import type { HistoryRow } from "./history";
import { HOUR_MS, MINUTE_MS, ZoneClock, weekdayOfDay } from "../lib/time-zone";

export interface ClinicOptions {
  seed: number;
  rows: number;
  start: number;
  days: number;
  timeZone?: string;
  now?: number;
  cancelRate?: number;
  /** Default true: every appointment at 08:00 local, booked at local midnight. */
  dateOnly?: boolean;
}

export interface ClinicHistory {
  rows: HistoryRow[];
  noShowProb: Float64Array;
}

/** Hour (local) that date-only rows start at; the clinic export has dates, no times. */
export const DATE_ONLY_HOUR = 8;
const NEIGHBOURHOODS = 85;
const RARE_NEIGHBOURHOODS = 15;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Non-linear age effect: a hump for teens and young adults, lower for the elderly. */
const clinicAgeEffect = (age: number): number => 0.45 * Math.exp(-(((age - 19) / 10) ** 2)) - 0.012 * Math.max(0, age - 35);

/** Saturating lead-time effect (whole days), scaled by the patient's age group. */
function clinicLeadEffect(leadDays: number, age: number): number {
  if (leadDays < 1) return -1.6;
  const ageFactor = age < 12 ? 0.6 : age <= 30 ? 2.0 : age >= 60 ? 0.3 : 1;
  return 0.95 * (1 - Math.exp(-(leadDays - 1) / 7)) * ageFactor;
}

function visitsOf(u: number, rnd: () => number): number {
  if (u < 0.6) return 1;
  if (u < 0.8) return 2;
  if (u < 0.9) return 3;
  let k = 4;
  while (k < 20 && rnd() < 0.75) k++;
  return k;
}

function ageOf(rnd: () => number): number {
  if (rnd() < 0.18) return Math.floor(rnd() * 12);
  for (;;) {
    const a = 12 + Math.floor(rnd() * 89);
    // Fewer patients past 60, down to a fifth at 100.
    if (a < 60 || rnd() < 1 - ((a - 60) / 40) * 0.8) return a;
  }
}

/** Clinic-shaped rows from a PRNG stream (`rnd`, uniform [0, 1)); rows sorted by `startsAt`. */
export function generateClinicHistory(options: ClinicOptions, rnd: () => number): ClinicHistory {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const zone = new ZoneClock(options.timeZone ?? "America/Sao_Paulo");
  const dateOnly = options.dateOnly ?? true;
  const cancelRate = options.cancelRate ?? 0;
  const nRows = Math.max(0, Math.floor(options.rows));
  const days = Math.max(1, Math.floor(options.days));

  // Neighbourhoods: Zipf-like weights, each with its own effect; the last third of the common ones "poor".
  const hoodWeight = new Float64Array(NEIGHBOURHOODS);
  const hoodEffect = new Float64Array(NEIGHBOURHOODS);
  let hoodTotal = 0;
  for (let k = 0; k < NEIGHBOURHOODS; k++) {
    hoodWeight[k] = k < NEIGHBOURHOODS - RARE_NEIGHBOURHOODS ? (k + 8) ** -1.2 : 0.0001;
    hoodTotal += hoodWeight[k] ?? 0;
    hoodEffect[k] = 0.3 * gauss();
  }
  const pickHood = (u: number) => {
    let x = u * hoodTotal;
    for (let k = 0; k < NEIGHBOURHOODS; k++) {
      x -= hoodWeight[k] ?? 0;
      if (x < 0) return k;
    }
    return NEIGHBOURHOODS - 1;
  };
  const isPoor = (k: number) => k % 3 === 2;

  // Patients and their visit slots, until the rows are covered; then shuffled over the time-ordered rows.
  interface Patient {
    id: string;
    tendency: number;
    hood: number;
    age: number;
    attrs: Record<string, string | number>;
  }
  const patients: Patient[] = [];
  const slots = new Int32Array(nRows);
  for (let filled = 0; filled < nRows; ) {
    const p = patients.length;
    const age = ageOf(rnd);
    const hood = pickHood(rnd());
    const hypertensionRate = age < 40 ? 0.05 : age >= 60 ? 0.35 : 0.18;
    const attrs: Record<string, string | number> = {
      gender: rnd() < 0.65 ? "F" : "M",
      age,
      neighbourhood: `bairro-${String(hood + 1).padStart(2, "0")}`,
      scholarship: rnd() < (isPoor(hood) ? 0.25 : 0.1) ? 1 : 0,
      hypertension: rnd() < hypertensionRate ? 1 : 0,
      diabetes: rnd() < 0.07 ? 1 : 0,
      alcoholism: rnd() < 0.03 ? 1 : 0,
      handicap: rnd() < 0.02 ? 1 : 0,
    };
    patients.push({ id: `patient-${String(p).padStart(6, "0")}`, tendency: 0.3 * gauss(), hood, age, attrs });
    for (let v = visitsOf(rnd(), rnd); v > 0 && filled < nRows; v--) slots[filled++] = p;
  }
  for (let i = nRows - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = slots[i] ?? 0;
    slots[i] = slots[j] ?? 0;
    slots[j] = t;
  }

  // Start days (mon–fri), sorted, so rows come out in time order.
  const firstDay = zone.local(options.start).day;
  const startDays = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    let day: number;
    do day = firstDay + Math.floor(rnd() * days);
    while (weekdayOfDay(day) >= 5);
    startDays[i] = day;
  }
  startDays.sort();

  const rows: HistoryRow[] = [];
  const probs: number[] = [];
  for (let i = 0; i < nRows; i++) {
    const day = startDays[i] ?? firstDay;
    const patient = patients[slots[i] ?? 0] as Patient;
    const lead = rnd() < 0.35 ? 0 : Math.round(Math.min(180, Math.max(1, Math.exp(Math.log(8) + gauss()))));
    const startMinute = dateOnly ? DATE_ONLY_HOUR * 60 : (7 + Math.floor(rnd() * 11)) * 60 + (rnd() < 0.5 ? 0 : 30);
    const startsAt = zone.toUtc(day, startMinute);
    // Booked at local midnight (date only), else during opening hours and before the start on a same-day booking.
    const bookedMinute = dateOnly ? 0 : 7 * 60 + Math.floor(rnd() * ((lead === 0 ? startMinute : 19 * 60) - 7 * 60));
    const bookedAt = Math.min(startsAt, zone.toUtc(day - lead, bookedMinute));
    const endsAt = startsAt + 30 * MINUTE_MS;
    const reminderSent = lead >= 3 && rnd() < 0.65;
    const confirmed = rnd() < 0.02;
    const { attrs, age, hood } = patient;

    const logit =
      -1.55 +
      clinicLeadEffect(lead, age) +
      clinicAgeEffect(age) +
      patient.tendency +
      (reminderSent ? -0.1 : 0) +
      (confirmed ? -0.5 : 0) +
      (hoodEffect[hood] ?? 0) +
      (attrs.scholarship === 1 ? 0.15 + (isPoor(hood) ? 0.3 : 0) : 0) +
      (attrs.hypertension === 1 ? -0.1 : 0) +
      (attrs.diabetes === 1 ? -0.05 : 0) +
      (attrs.alcoholism === 1 ? 0.2 : 0) +
      (attrs.handicap === 1 ? 0.05 : 0) +
      0.2 * gauss();
    const p = sigmoid(logit);
    const cancelled = cancelRate > 0 && rnd() < cancelRate;
    const noShow = rnd() < p;

    let row: HistoryRow = {
      externalId: `clinic-${options.seed}-${i}`,
      contact: patient.id,
      bookedAt,
      startsAt,
      endsAt,
      status: cancelled ? "cancelled" : noShow ? "no_show" : "attended",
      reminderSent,
      confirmed,
      attrs: { ...attrs },
    };
    if (options.now !== undefined) {
      const now = options.now;
      if (bookedAt > now) continue;
      if (endsAt > now) {
        const reminderDue = startsAt - 24 * HOUR_MS <= now;
        row = { ...row, status: cancelled ? "cancelled" : confirmed ? "confirmed" : "scheduled", reminderSent: reminderDue && reminderSent };
      }
    }
    rows.push(row);
    probs.push(p);
  }
  return { rows, noShowProb: Float64Array.from(probs) };
}
