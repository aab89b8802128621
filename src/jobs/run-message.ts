import * as z from "../lib/zod";

/** At most this many executions per queue message: one message for a tenant-job window of 25 tenants. */
export const RUN_BATCH = 25;

/** Executions of the job table (job_executions ids) for the consumer to claim and run. */
export const JobRunJob = z.object({
  kind: z.literal("job_run"),
  executionIds: z.array(z.number().int()).min(1).max(RUN_BATCH),
  generation: z.number().int().default(0),
});
export type JobRunJob = z.infer<typeof JobRunJob>;

export const jobRunMessages = (ids: readonly number[]): JobRunJob[] => {
  const out: JobRunJob[] = [];
  for (let i = 0; i < ids.length; i += RUN_BATCH) out.push({ kind: "job_run", executionIds: ids.slice(i, i + RUN_BATCH), generation: 0 });
  return out;
};
