import type { Company, Store } from "../store/types";
import type { JobDef } from "./table";

/** What a job's handler is given: one run of one job, for one tenant (tenant jobs) or for everyone (company null). */
export interface JobRun {
  env: Env;
  store: Store;
  job: JobDef;
  /** The instant the table named (ms): the run's identity, and "now" for what the run decides. */
  scheduledFor: number;
  /** The tenant of a tenant job (active); null for a platform job. */
  company: Company | null;
  /** Tenants a platform job must leave alone: paused for its category or for everything. */
  pausedTenants: ReadonlySet<number>;
}

export interface JobResult {
  /** What it handled (messages sent, tenants checked, rows purged…); 0 when there was nothing to do. */
  items: number;
  /** "skipped": it decided not to run (quiet hours, nothing configured); the note says why. */
  status?: "succeeded" | "skipped";
  note?: string;
}

/** A job's work. Throwing marks the run failed (with the error) and the queue retries it. It must be idempotent. */
export type JobHandler = (run: JobRun) => Promise<JobResult>;
