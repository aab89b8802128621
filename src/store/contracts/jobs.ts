/** The job dispatcher's rows (src/jobs/): executions of the job table, pause switches and overrides. */

export type JobExecutionStatus = "queued" | "running" | "succeeded" | "failed" | "skipped";

export interface JobExecution {
  id: number;
  /** 0: the platform (a run for everyone). */
  companyId: number;
  job: string;
  category: string;
  scheduledFor: number;
  status: JobExecutionStatus;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  items: number;
  error: string | null;
  note: string | null;
  createdAt: number;
}

/** A pause switch or an override: company 0 applies to every tenant; target "*", a category or a job. */
export interface JobControl {
  companyId: number;
  target: string;
  paused: boolean;
  cron: string | null;
  updatedAt: number;
  updatedBy: number | null;
}

/** Runs due at one instant for one job: one row per tenant (or [0] for a platform job). */
export interface DueGroup {
  job: string;
  category: string;
  scheduledFor: number;
  companyIds: readonly number[];
}

export interface ExecutionFilter {
  job?: string;
  category?: string;
  status?: JobExecutionStatus;
  /** Only the tenant's own runs, or only the platform's; both when absent. */
  scope?: "tenant" | "platform";
  /** scheduled_for in [from, to). */
  from?: number;
  to?: number;
  /** Keyset: rows with an id below this one (the previous page's last id). */
  beforeId?: number;
  limit: number;
}

export interface JobsStore {
  jobs: {
    /**
     * The tick's guard: inserts the dispatcher's own row (company 0, job "dispatch") for this minute.
     * null when it was already there (a doubled trigger); else the previous tick's instant (the cursor),
     * or null-cursor on the very first tick.
     */
    beginTick(tick: number): Promise<{ cursor: number | null } | null>;
    /** Removes a tick's guard row (the tick failed): the next tick's cursor goes back past it. */
    releaseTick(tick: number): Promise<void>;
    /** Records what the tick did on its own row (written "succeeded" by beginTick). */
    endTick(tick: number, items: number, note: string): Promise<void>;
    /** Insert-or-ignore every due run in one statement; returns only the rows this call inserted. */
    insertDue(groups: readonly DueGroup[]): Promise<JobExecution[]>;
    /**
     * Compare-and-set: queued, or failed with attempts below `maxAttempts`, → running (attempts + 1,
     * started_at). null when another consumer has it or it is finished.
     */
    claim(id: number, now: number, maxAttempts: number): Promise<JobExecution | null>;
    /** Writes the outcome of a running execution. */
    finish(id: number, outcome: { status: "succeeded" | "skipped" | "failed"; items: number; note?: string | null; error?: string | null }, now: number): Promise<void>;
    /** Runs queued or running since before `before` (started_at, or created_at when never started). */
    stuck(before: number, limit: number): Promise<JobExecution[]>;
    /** A stuck run back to queued (only if it is still as `seen`): true when this call moved it. */
    requeue(id: number, seenAttempts: number, now: number): Promise<boolean>;
    /** A stuck run given up: failed with `error`. */
    giveUp(id: number, seenAttempts: number, error: string, now: number): Promise<boolean>;
    byId(id: number): Promise<JobExecution | null>;
    /** A tenant's own runs plus the platform's (company 0, except the dispatcher's ticks), newest first. */
    list(companyId: number, filter: ExecutionFilter): Promise<JobExecution[]>;
    /** Deletes a company's runs scheduled before `before`; returns how many. */
    purge(companyId: number, before: number): Promise<number>;
    /** Deletes a company's resolved alerts fired before `before`; returns how many. */
    purgeResolvedAlerts(companyId: number, before: number): Promise<number>;
    /** The distinct IANA zones of active tenants (one grouped read). */
    activeZones(): Promise<string[]>;
    /** Active tenants in these zones. */
    activeInZones(zones: readonly string[]): Promise<{ id: number; timeZone: string }[]>;
  };
  jobControls: {
    /** The controls of these companies (include 0 for the global ones). */
    list(companyIds: readonly number[]): Promise<JobControl[]>;
    /** Every pause switch on one of these targets, any company (what a platform run must leave alone). */
    pausedOn(targets: readonly string[]): Promise<JobControl[]>;
    /** Every per-tenant cron override of an active tenant, with its zone (few rows; the dispatcher caches them). */
    overrides(): Promise<(JobControl & { timeZone: string })[]>;
    /** Upsert of one switch: `paused` and/or `cron` (undefined leaves it as it is). */
    set(companyId: number, target: string, change: { paused?: boolean; cron?: string | null }, by: number | null, now: number): Promise<JobControl>;
  };
}
