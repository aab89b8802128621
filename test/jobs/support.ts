import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { forgetZones } from "../../src/jobs/dispatcher";
import { sqlRows } from "../support/sql";

/** The minute Cron Trigger as Cloudflare fires it, at an instant of our choosing. */
export async function tick(at: string | number): Promise<void> {
  const scheduledTime = typeof at === "number" ? at : Date.parse(at);
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env);
}

/** A tick one minute before `at` (so `at`'s cursor is known), with the isolate's zone cache forgotten. */
export async function primeBefore(at: string): Promise<void> {
  forgetZones();
  await tick(Date.parse(at) - 60_000);
}

export interface ExecRow extends Record<string, unknown> {
  id: number;
  company_id: number;
  job: string;
  status: string;
  attempts: number;
  items: number;
  error: string | null;
  note: string | null;
  scheduled_for: number;
}

/** The job names dispatched for a company at exactly one instant, sorted. */
export async function jobsAt(companyId: number, at: string): Promise<string[]> {
  const rows = await sqlRows<{ job: string }>("SELECT job FROM job_executions WHERE company_id = ? AND scheduled_for = ? ORDER BY job", companyId, Date.parse(at));
  return rows.map((r) => r.job);
}

export async function runsOf(companyId: number, job: string, from: number, to: number): Promise<ExecRow[]> {
  return sqlRows<ExecRow>(
    "SELECT * FROM job_executions WHERE company_id = ? AND job = ? AND scheduled_for > ? AND scheduled_for <= ? ORDER BY scheduled_for",
    companyId,
    job,
    from,
    to,
  );
}
