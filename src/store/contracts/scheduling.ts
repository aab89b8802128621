import type { Appointment, AppointmentStatus, RiskFactor } from "./agenda";

/** What the scheduling intelligence knows of an appointment, stored or imported. */
export interface AppointmentFacts {
  bookedAt: number;
  startsAt: number;
  endsAt: number;
  status: AppointmentStatus;
  reminderSent: boolean;
  reminderAnswered: boolean;
  confirmed: boolean;
  lastContactAt: number | null;
  attrs: Record<string, string | number>;
}

/** One appointment as the scheduling intelligence reads it (its facts plus its identity). */
export interface HistoryRecord extends AppointmentFacts {
  id: number;
  contactId: number;
  externalId: string | null;
}

/** A validated CSV row ready to store; the contact is a phone (created if new) or an existing contact id. */
export interface ImportRecord extends AppointmentFacts {
  line: number;
  externalId: string;
  contact: { phone: string } | { contactId: number };
}

export interface ImportJob {
  id: string;
  status: "running" | "done" | "failed";
  rowsRead: number;
  rowsImported: number;
  rowsFailed: number;
  errors: { line: number; reason: string }[];
  ignoredColumns: string[];
  startedAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface StoredInsight {
  weekday: number;
  hour: number;
  volume: number;
  resolved: number;
  attendanceRate: number;
  noShowProb: number;
  confirmationRate: number;
  score: number;
  suggestedSlot: boolean;
  label: string;
  updatedAt: number;
}

export interface OptimizationRun {
  id: number;
  trigger: "cron" | "manual" | "import";
  status: "running" | "done" | "failed";
  startedAt: number;
  finishedAt: number | null;
  detail: unknown;
}

export interface SchedulingStore {
  scheduling: {
    /**
     * Upserts imported rows by (company, external_id); rows of other sources are never overwritten.
     * Returns the rows it could not store (unknown contact id, id used by a live appointment).
     */
    importRows(companyId: number, rows: ImportRecord[], at: number): Promise<{ line: number; reason: string }[]>;
    /**
     * After a large import: brings the planner's statistics of the imported tables up to date, so
     * the first analysis after it does not plan against statistics from before the rows were there.
     */
    analyzeImported(): Promise<void>;
    /** Appointments starting in [from, to), oldest first, at most `limit` (the newest ones when more exist). */
    history(companyId: number, q: { from?: number; to: number; limit: number; contactIds?: number[] }): Promise<HistoryRecord[]>;
    /** Appointments still on (scheduled, confirmed) starting in [from, to), with their calendar provider. */
    upcoming(
      companyId: number,
      from: number,
      to: number,
      limit: number,
    ): Promise<(HistoryRecord & { provider: Appointment["provider"]; riskFlaggedAt: number | null; rescheduleOfferedAt: number | null })[]>;
    setRisk(companyId: number, scores: { id: number; prob: number; reasons: RiskFactor[] }[], at: number): Promise<void>;
    /** Sets the flag once; true only for the call that set it. */
    flagHighRisk(companyId: number, id: number, at: number): Promise<boolean>;
    markOffered(companyId: number, id: number, at: number): Promise<boolean>;
    noteReminder(companyId: number, id: number, what: "sent" | "answered"): Promise<void>;
    saveModel(companyId: number, m: { kind: "logistic" | "gbdt" | "prior"; trainedAt: number; model: unknown }): Promise<void>;
    latestModel(companyId: number): Promise<{ kind: "logistic" | "gbdt" | "prior"; trainedAt: number; model: unknown } | null>;
    /** Replaces the tenant's insight rows with these. */
    saveInsights(companyId: number, rows: Omit<StoredInsight, "updatedAt">[], at: number): Promise<void>;
    insights(companyId: number): Promise<StoredInsight[]>;
    /** Starts a run unless one of the same trigger started within `guardMs` and did not fail (then null): one statement, so two crons can't both start. */
    claimRun(companyId: number, trigger: OptimizationRun["trigger"], at: number, guardMs: number): Promise<number | null>;
    finishRun(companyId: number, id: number, status: "done" | "failed", detail: unknown, at: number): Promise<void>;
    lastRun(companyId: number, status?: OptimizationRun["status"]): Promise<OptimizationRun | null>;
  };
  importJobs: {
    create(companyId: number, id: string, at: number): Promise<void>;
    /** The job's counters so far and its first errors (the caller keeps at most 1000). */
    progress(companyId: number, id: string, p: Pick<ImportJob, "rowsRead" | "rowsImported" | "rowsFailed" | "errors">, at: number): Promise<void>;
    finish(companyId: number, id: string, status: "done" | "failed", at: number, ignoredColumns?: string[]): Promise<void>;
    byId(companyId: number, id: string): Promise<ImportJob | null>;
    list(companyId: number, limit: number): Promise<ImportJob[]>;
  };
}
