/**
 * The scheduling intelligence's words in the reader's language. The API sends each reason,
 * recommendation and skip as a code with its numbers (`risk_factors`, `recommendation_factors`,
 * `detail_code`) next to its pt-BR text; the panel words the codes itself and never shows that text
 * in en/es. Times are formatted with Intl in the tenant's time zone.
 */
import { currentLocale, formatNumber, formatPercent, type Key, t, tn } from "./i18n";

export interface RiskFactor {
  code: string;
  params: Record<string, string | number | null>;
}

const num = (f: RiskFactor, k: string) => Number(f.params[k] ?? 0);
const capital = (s: string) => s.charAt(0).toLocaleUpperCase(currentLocale()) + s.slice(1);

/** Weekday name, 0 = Monday (the API's weekday_index), in the panel's language. */
export function weekdayName(index: number, style: "long" | "plural" = "long"): string {
  const name = new Intl.DateTimeFormat(currentLocale(), { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + (((index % 7) + 7) % 7))));
  if (style === "long") return capital(name);
  // Plurals for "Mondays between…": pt-BR and en add -s ("segunda-feira" → "Segundas"); Spanish weekdays keep their form.
  const locale = currentLocale();
  if (locale === "pt-BR") return `${capital(name.replace(/-feira$/, ""))}s`;
  if (locale === "en") return `${capital(name)}s`;
  return name;
}

/** An hour of the day as people read it here: "14h" / "2 PM". */
export function hourText(hour: number): string {
  const h = ((hour % 24) + 24) % 24;
  if (currentLocale() === "en") return new Intl.DateTimeFormat("en", { hour: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1, h)));
  return `${h}h`;
}

/** A weekday × hour slot: "Segunda · 14h-15h" / "Monday · 2 PM-3 PM" (pt-BR says the weekday without "-feira", as people do). */
export const slotText = (weekday: number, hour: number) => t("sched.slot", { day: weekdayName(weekday).replace(/-feira$/, ""), from: hourText(hour), to: hourText(hour + 1) });

/** One reason in the panel's language; `legacy` is the stored pt-BR text of a row scored before codes. */
export function factorText(f: RiskFactor): string {
  const pct = formatPercent(num(f, "rate"));
  switch (f.code) {
    case "lead_hours":
      return t("sched.reason.lead_hours", { hours: formatNumber(num(f, "hours")) });
    case "lead_days":
      return t("sched.reason.lead_days", { days: formatNumber(num(f, "days")) });
    case "slot_no_shows":
      return t("sched.reason.slot_no_shows", { slot: t("sched.slotAt", { day: weekdayName(num(f, "weekday")), hour: hourText(num(f, "hour")) }), pct });
    case "contact_no_shows":
      return t("sched.reason.contact_no_shows", { no_shows: formatNumber(num(f, "no_shows")), resolved: formatNumber(num(f, "resolved")) });
    case "silence_days":
      return tn("sched.reason.silence_days", num(f, "days"));
    case "attribute":
      return t("sched.reason.attribute", {
        name: String(f.params.name ?? ""),
        value: f.params.value === null || f.params.value === undefined ? t("sched.reason.attributeMissing") : String(f.params.value),
      });
    case "prior_few_rows":
      return t("sched.reason.prior_few_rows", { rows: formatNumber(num(f, "rows")), min: formatNumber(num(f, "min")), pct });
    case "prior_one_outcome":
      return t(f.params.missing === "no_shows" ? "sched.reason.prior_one_outcome.no_shows" : "sched.reason.prior_one_outcome.attendances", {
        rows: formatNumber(num(f, "rows")),
        pct,
      });
    case "prior_train_one_class":
      return t("sched.reason.prior_train_one_class", { rows: formatNumber(num(f, "rows")), pct });
    case "legacy_text":
      // Its text is Portuguese: shown as it is in pt-BR, said generically in the other languages.
      return currentLocale() === "pt-BR" && typeof f.params.text === "string" ? f.params.text : t("sched.reason.legacy");
    default: {
      const key = `sched.reason.${f.code}`;
      return key in KNOWN ? t(key as Key, { pct }) : t("sched.reason.other");
    }
  }
}

/** Codes worded by a catalogue entry of their own name with at most {pct}. */
const KNOWN: Record<string, true> = Object.fromEntries(
  [
    "same_day",
    "first_visit",
    "reminder_unanswered",
    "reminder_not_sent",
    "not_confirmed",
    "no_messages",
    "wrote_recently",
    "prior_no_history",
    "prior_not_better",
    "prior_untrained",
    "prior",
  ].map((c) => [`sched.reason.${c}`, true]),
);

/**
 * An appointment's reasons to show: from the codes when the API sent them; without codes (an older
 * server) the pt-BR texts only in pt-BR, else one generic line per reason.
 * @example reasonTexts(a.risk_reasons, a.risk_factors) // ["Missed 2 of 3 previous appointments", …]
 */
export function reasonTexts(reasons: readonly string[], factors?: readonly RiskFactor[] | null): string[] {
  if (factors) return factors.map(factorText);
  return currentLocale() === "pt-BR" ? [...reasons] : reasons.map(() => t("sched.reason.legacy"));
}

/** The insights' recommendations; null factors (a run stored before codes) → the pt-BR text in pt-BR, else a hint to re-run. */
export function recommendationTexts(texts: readonly string[], factors: readonly RiskFactor[] | null | undefined): string[] {
  if (!factors) return currentLocale() === "pt-BR" ? [...texts] : texts.length ? [t("sched.recommendationOld")] : [];
  return factors.map((f) =>
    t(f.code === "window_more" ? "sched.window_more" : "sched.window_fewer", {
      days: weekdayName(num(f, "weekday"), "plural"),
      from: hourText(num(f, "from_hour")),
      to: hourText(num(f, "to_hour")),
      pct: formatPercent(num(f, "percent") / 100),
    }),
  );
}

/** Why an at-risk appointment was not contacted. */
export const skipText = (code: string | undefined) => {
  const key = `sched.skip.${code ?? "other"}`;
  return Object.hasOwn(SKIPS, key) ? t(key as Key) : t("sched.skip.other");
};
const SKIPS: Record<string, true> = Object.fromEntries(
  ["calendar_unavailable", "no_better_slot", "already_offered", "opted_out", "confirmed"].map((c) => [`sched.skip.${c}`, true]),
);

/** A date and time in the tenant's time zone (the business's clock, wherever the operator is). */
export function formatInZone(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return t("common.none");
  try {
    return new Intl.DateTimeFormat(currentLocale(), { dateStyle: "short", timeStyle: "short", timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(currentLocale(), { dateStyle: "short", timeStyle: "short" }).format(new Date(iso));
  }
}

/** A free slot's start as the tenant's clock shows it: "seg., 02/12, 14:00". */
export function slotStartText(iso: string, timeZone: string): string {
  const opts: Intl.DateTimeFormatOptions = { weekday: "short", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", timeZone };
  try {
    return new Intl.DateTimeFormat(currentLocale(), opts).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(currentLocale(), { ...opts, timeZone: undefined }).format(new Date(iso));
  }
}

/**
 * The model's precision at the tenant's threshold in plain words, from the holdout's probability bands:
 * "Of those it would flag (80 % or more), 6 in every 10 were missed". Null without bands (older models).
 */
export function precisionText(bands: readonly { rows: number; no_shows: number }[] | null | undefined, threshold: number): string | null {
  if (bands?.length !== 10) return null;
  const from = Math.min(9, Math.max(0, Math.floor(threshold * 10 + 1e-9)));
  let flagged = 0;
  let missed = 0;
  for (const b of bands.slice(from)) {
    flagged += b.rows;
    missed += b.no_shows;
  }
  const pct = formatPercent(from / 10);
  if (flagged === 0) return t("sched.precisionNone", { pct });
  return t("sched.precision", { pct, n: formatNumber(Math.round((missed / flagged) * 10)), missed: formatNumber(missed), flagged: formatNumber(flagged) });
}
