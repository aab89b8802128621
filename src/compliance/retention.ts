import type { JobRun } from "../jobs/types";
import type { Store } from "../store/types";
import type { RetentionSettings } from "./retention-settings";

const DAY = 86_400_000;
/** Messages a night run touches per tenant: bounded, so one run never holds the database long; the rest waits for the next night. */
export const RETENTION_BATCH = 500;

export interface RetentionPreview {
  /** null: the policy keeps everything. */
  cutoff: number | null;
  mode: RetentionSettings["mode"];
  messages: number;
  deliveryLogs: number;
  /** What one night run would handle of it. */
  nextRun: number;
}

/** The dry run: what the next night run would touch now (counts only, nothing changed). */
export async function previewRetention(store: Store, companyId: number, policy: RetentionSettings, now: number): Promise<RetentionPreview> {
  if (policy.messagesDays === null) return { cutoff: null, mode: policy.mode, messages: 0, deliveryLogs: 0, nextRun: 0 };
  const cutoff = now - policy.messagesDays * DAY;
  const counts = await store.compliance.retentionPreview(companyId, cutoff, policy.mode);
  return { cutoff, mode: policy.mode, ...counts, nextRun: Math.min(counts.messages, RETENTION_BATCH) };
}

/** The night maintenance job's retention step: at most RETENTION_BATCH messages, oldest first. */
export async function applyRetention(run: Pick<JobRun, "store" | "scheduledFor">, companyId: number, policy: RetentionSettings): Promise<{ items: number; note: string }> {
  if (policy.messagesDays === null) return { items: 0, note: "retention: messages kept (no policy)" };
  const cutoff = run.scheduledFor - policy.messagesDays * DAY;
  const done = await run.store.compliance.applyRetention(companyId, cutoff, policy.mode, RETENTION_BATCH);
  const verb = policy.mode === "purge" ? "purged" : "anonymised";
  const more = done.messages === RETENTION_BATCH ? ", more left for the next run" : "";
  return { items: done.messages, note: `retention: ${done.messages} messages older than ${policy.messagesDays} d ${verb} (${done.deliveryLogs} delivery logs)${more}` };
}
