import * as z from "../lib/zod";
import { agendaCtx } from "../agenda/service";
import { autoReschedule } from "../scheduling/auto-reschedule";
import { runOptimization } from "../scheduling/service";
import type { Store } from "../store/types";

/** A tenant's scheduling analysis + training, queued after an import (and run by the job table's scheduling_analysis window, src/jobs/builtin.ts). */
export const AgendaOptimizeJob = z.object({
  kind: z.literal("agenda_optimize"),
  companyId: z.number().int(),
  trigger: z.enum(["cron", "import"]),
  /** When it was queued (ms): one failed run is one dead letter, however often the DLQ delivers it. */
  queuedAt: z.number().int().default(0),
  generation: z.number().int().default(0),
});
export type AgendaOptimizeJob = z.infer<typeof AgendaOptimizeJob>;

/** Runs the analysis (a cron run at most once per 23 h); tenants who opted in also get the proactive offers. */
export async function runAgendaOptimizeJob(env: Env, store: Store, job: AgendaOptimizeJob) {
  const company = await store.companies.byId(job.companyId);
  if (company?.status !== "active") return null;
  const result = await runOptimization(env, store, company, job.trigger);
  if ("skipped" in result || job.trigger !== "cron") return result;
  const ctx = await agendaCtx(env, store, company);
  if (ctx.profile.agenda.risk.autoRescheduleDaily) await autoReschedule(ctx);
  return result;
}
