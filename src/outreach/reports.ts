/**
 * Periodic reports (report_morning … report_weekly, tenant jobs): the period's numbers in a handful of
 * grouped statements, as text in the tenant's locale, to its notify URL (a NotifyJob, Slack-compatible
 * `{text}`) and/or WhatsApp to the owner's number (purpose "report", idempotent by clientRef). The period
 * ends at the run's instant and starts at the previous report of that kind, on the tenant's wall clock.
 */
import type { NotifyJob } from "../jobs/notify";
import type { JobHandler } from "../jobs/types";
import { addDays, hhmm, minutesOf, zonedParts, zonedTimeToUtc } from "../lib/time-zone";
import { normalizePhone } from "../lib/phone";
import { queueOutbound } from "../outbox/queue";
import type { Company, Store } from "../store/types";
import { inQuietHours } from "../tenants/business-hours";
import type { CompanyProfile } from "../tenants/profile";
import { loadTenant } from "../tenants/tenant-cache";
import type { ReportKind } from "./report-settings";
import { reportText } from "./report-text";

/** Where each report's period starts, as a local wall time (the previous report of the day's chain). */
const STARTS: Record<Exclude<ReportKind, "weekly">, string> = { morning: "20:00", lunch: "10:00", afternoon: "13:00", end_of_day: "00:00" };

/** The instant of a local wall time; one a DST gap skips moves to the first minute that exists after it. */
function wallToUtc(date: string, time: string, tz: string): number {
  for (let m = minutesOf(time); m < minutesOf(time) + 120 && m < 1440; m += 15) {
    const at = zonedTimeToUtc(date, hhmm(m), tz);
    if (at) return at.getTime();
  }
  throw new RangeError(`no instant for ${date} ${time} in ${tz}`);
}

/** [from, to) of a report ending at `to`: from the latest start wall time before it (weekly: the 7 local days before to's day). */
export function reportPeriod(kind: ReportKind, to: number, tz: string): { from: number; to: number } {
  const today = zonedParts(to, tz).date;
  if (kind === "weekly") return { from: wallToUtc(addDays(today, -7), "00:00", tz), to: wallToUtc(today, "00:00", tz) };
  const start = STARTS[kind];
  const sameDay = wallToUtc(today, start, tz);
  return { from: sameDay < to ? sameDay : wallToUtc(addDays(today, -1), start, tz), to };
}

const label = (ms: number, tz: string) => {
  const p = zonedParts(ms, tz);
  return `${p.date.slice(8, 10)}/${p.date.slice(5, 7)} ${p.time}`;
};

/** The report's text for a period ending at `to` (the job's and the preview's). */
export async function composeReport(store: Store, company: Company, kind: ReportKind, to: number): Promise<{ text: string; from: number; to: number }> {
  const period = reportPeriod(kind, to, company.timeZone);
  const counts = await store.outreachReports.counts(company.id, period.from, period.to);
  // A weekly period ends at midnight: shown as the last minute of the day before, as people read "the week".
  const shownTo = kind === "weekly" ? period.to - 60_000 : period.to;
  const text = reportText(kind, company.name, company.locale, { from: label(period.from, company.timeZone), to: label(shownTo, company.timeZone) }, counts);
  return { text, ...period };
}

/** The owner's number receives the report unless it is quiet hours there; the notify URL (a team channel) always does. */
async function deliver(env: Env, store: Store, company: Company, profile: CompanyProfile, ref: string, text: string, quiet: boolean): Promise<number> {
  const r = profile.reports;
  let sent = 0;
  if (r.notifyUrl) {
    const job: NotifyJob = { kind: "notify", companyId: company.id, url: r.notifyUrl, body: { text }, dedupKey: ref, generation: 0 };
    await env.JOBS_QUEUE.send(job, { contentType: "json" });
    sent++;
  }
  const owner = r.whatsapp ? normalizePhone(r.whatsapp) : null;
  if (owner && !quiet) {
    const contact = await store.contacts.ensure(company.id, owner);
    const conversation = await store.conversations.open(company.id, contact.id, Date.now());
    await queueOutbound(env, store, { company, contact, conversation, clientRef: ref, payload: { kind: "text", text }, correlationId: ref, author: "system", purpose: "report" });
    sent++;
  }
  return sent;
}

export const sendReport: JobHandler = async (run) => {
  const kind = run.job.report;
  if (!kind || !run.company) throw new Error(`${run.job.name} is not a tenant report job`);
  const tenant = await loadTenant(run.store, run.company.id);
  if (!tenant) return { items: 0, status: "skipped", note: "tenant gone" };
  const { company, profile } = tenant;
  const r = profile.reports;
  if (!r.enabled) return { items: 0, status: "skipped", note: "reports off" };
  if (!r.kinds.includes(kind)) return { items: 0, status: "skipped", note: `the ${kind} report is not chosen` };
  if (!r.notifyUrl && !r.whatsapp) return { items: 0, status: "skipped", note: "no destination (notify URL or WhatsApp)" };
  const quiet = inQuietHours(profile.businessHours, company.timeZone, run.scheduledFor);
  if (quiet && !r.notifyUrl) return { items: 0, status: "skipped", note: "quiet hours" };
  const { text } = await composeReport(run.store, company, kind, run.scheduledFor);
  const items = await deliver(run.env, run.store, company, profile, `report:${kind}:${run.scheduledFor}`, text, quiet);
  return { items, note: quiet ? "quiet hours: notify URL only, WhatsApp skipped" : undefined };
};
