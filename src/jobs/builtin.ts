import { runAppointmentTask } from "../agenda/service";
import { applyRetention } from "../compliance/retention";
import { readProfile } from "../tenants/profile";
import { runAgendaOptimizeJob } from "./agenda-optimize";
import type { JobHandler } from "./types";

const DAY = 86_400_000;
/** How long job runs and resolved alerts are kept (the maintenance window purges older ones). */
export const EXECUTION_RETENTION_MS = 30 * DAY;
export const RESOLVED_ALERT_RETENTION_MS = 90 * DAY;

/**
 * The scheduling analysis at 02:00 in the tenant's zone (it was one 06:00 UTC cron for everyone). The
 * analysis still claims the tenant for 23 h, so a retry or an override moved later the same day does nothing.
 */
export const schedulingAnalysis: JobHandler = async ({ env, store, company }) => {
  if (!company) return { items: 0, status: "skipped", note: "tenant job run without a tenant" };
  const result = await runAgendaOptimizeJob(env, store, { kind: "agenda_optimize", companyId: company.id, trigger: "cron", queuedAt: 0, generation: 0 });
  if (!result || "skipped" in result) return { items: 0, status: "skipped", note: "analysed within the last 23 h" };
  return { items: result.scored, note: `${result.rows} appointments analysed, ${result.scored} upcoming scored` };
};

/**
 * A follow-up window's sweep: every follow-up task already due and still pending. Each task is also on
 * its Durable Object's alarm at that same window; both go through runAppointmentTask, whose pending
 * check, clientRef and one-time completion make the second one do nothing.
 */
export const followupWindow: JobHandler = async ({ env, store, company, scheduledFor }) => {
  if (!company) return { items: 0, status: "skipped", note: "tenant job run without a tenant" };
  const due = (await store.appointmentTasks.followups(company.id, 500)).filter((t) => t.status === "pending" && t.dueAt <= scheduledFor);
  for (const task of due) await runAppointmentTask(env, store, company.id, task.id);
  return { items: due.length, note: due.length ? `${due.length} due follow-ups run` : "no follow-up left pending" };
};

/** Night maintenance: this tenant's old job runs and old resolved alerts, and its message retention policy. */
export const maintenance: JobHandler = async ({ store, company, scheduledFor }) => {
  if (!company) return { items: 0, status: "skipped", note: "tenant job run without a tenant" };
  const runs = await store.jobs.purge(company.id, scheduledFor - EXECUTION_RETENTION_MS);
  const alerts = await store.jobs.purgeResolvedAlerts(company.id, scheduledFor - RESOLVED_ALERT_RETENTION_MS);
  const retention = await applyRetention({ store, scheduledFor }, company.id, readProfile(await store.profiles.get(company.id)).retention);
  return {
    items: runs + alerts + retention.items,
    note: `${runs} job runs (>30 d) and ${alerts} resolved alerts (>90 d) purged; ${retention.note}; dedup ids and conversation context are purged by the tenant's Durable Object on its own alarm`,
  };
};
