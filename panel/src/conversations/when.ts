/** Times as the inbox shows them: a clock time today, a date before; a wait as "12 min" or "2 h 5 min". */
import { currentLocale, displayTimeZone, t } from "../i18n";

export function shortWhen(iso: string | null, now = new Date()): string {
  if (!iso) return t("common.none");
  const d = new Date(iso);
  const timeZone = displayTimeZone();
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const today = day.format(d) === day.format(now);
  return new Intl.DateTimeFormat(currentLocale(), today ? { timeStyle: "short", timeZone } : { dateStyle: "short", timeZone }).format(d);
}

const unit = (n: number, u: "minute" | "hour" | "day") => new Intl.NumberFormat(currentLocale(), { style: "unit", unit: u, unitDisplay: "short" }).format(n);

/** How long since `iso`, rounded down to whole minutes (hours and days when long). */
export function elapsed(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (minutes < 60) return unit(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${unit(hours, "hour")} ${unit(minutes % 60, "minute")}` : unit(hours, "hour");
  return unit(Math.floor(hours / 24), "day");
}

/** "aguardando há 12 min" (or "atrasada · aguardando há 40 min" past the SLA). */
export function waitingText(c: { waiting_since: string | null; sla: { overdue: boolean } | null }, now = Date.now()): string | null {
  if (!c.waiting_since) return null;
  const justNow = now - Date.parse(c.waiting_since) < 60_000;
  const waiting = justNow ? t("conversations.waitingJustNow") : t("conversations.waiting", { time: elapsed(c.waiting_since, now) });
  return c.sla?.overdue ? `${t("conversations.overdue")} · ${waiting}` : waiting;
}
