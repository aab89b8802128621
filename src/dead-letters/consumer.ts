import { fileDeadTurns } from "../inbound/consumer";
import { InboundQueueMessage } from "../inbound/messages";
import { deadLetter } from "../outbox/deliver";
import { OutboundJob } from "../outbox/job";
import { JobMessage, jobDedupKey } from "../jobs/messages";
import { describeBody, log } from "../lib/log";
import type { Store } from "../store/types";
import { recordMetrics, tenantStub } from "../tenants/stubs";

/**
 * Consumes a dead-letter queue: every message becomes one dead_letters row (idempotent by its unit of
 * work), with the last error we know of as the reason, so an operator can read and reprocess it.
 */
export async function recordDeadLetter(env: Env, store: Store, queue: "inbound" | "outbound" | "jobs", body: unknown, attempts: number, knownReason?: string): Promise<void> {
  if (queue === "jobs") {
    const job = JobMessage.safeParse(body);
    if (!job.success) return logUnreadable(queue, body);
    // A health check spans tenants and is redone in 5 minutes: nothing worth filing or reprocessing.
    if (job.data.kind === "channel_health_batch") return log.warn("channel health batch dropped", { companies: job.data.companyIds.length, attempts });
    // The job table's runs are their own record: job_executions shows them failed, with their error.
    if (job.data.kind === "job_run") return log.warn("job runs dead-lettered; see job_executions", { execution_ids: job.data.executionIds });
    const what =
      job.data.kind === "notify"
        ? "notification"
        : job.data.kind === "agenda_task"
          ? `appointment task ${job.data.taskId}`
          : job.data.kind === "webhook_delivery"
            ? `webhook delivery ${job.data.deliveryId}`
            : "scheduling analysis";
    const reason = knownReason ?? `${what} failed after ${attempts} attempts`;
    await store.deadLetters.insert(job.data.companyId, { queue: "jobs", payload: job.data, reason, attempts, dedupKey: jobDedupKey(job.data) });
    await recordMetrics(env, job.data.companyId, [{ metric: "secretaria_dead_letters_total", labels: { queue: "jobs" }, inc: 1 }]);
    return;
  }
  if (queue === "outbound") {
    const job = OutboundJob.safeParse(body);
    if (!job.success) return logUnreadable(queue, body);
    const message = await store.messages.byId(job.data.companyId, job.data.messageId);
    const reason = `retries exhausted after ${attempts} attempts; last error: ${message?.error ?? "unknown"}`;
    await deadLetter(env, store, job.data, message?.attempts ?? attempts, reason);
    return;
  }
  const parsed = InboundQueueMessage.safeParse(body);
  if (!parsed.success) return logUnreadable(queue, body);
  const m = parsed.data;
  if (m.kind === "turn") {
    // The consumer itself kept failing on this turn: give it up (its lane is freed) and file it with its messages.
    const { abandoned } = await tenantStub(env, m.companyId).finish({
      done: [],
      failed: [{ contact: m.contact, turnId: m.turnId, error: `the inbound consumer failed ${attempts} times on this turn`, permanent: true, attempts }],
      metrics: [],
    });
    await fileDeadTurns(env, store, m.companyId, abandoned);
    return;
  }
  // Admission itself kept failing: the webhook's messages are kept whole; a reprocess enqueues them again (dedup makes that safe).
  await store.deadLetters.insert(m.companyId, {
    queue: "inbound",
    payload: m,
    reason: `admission failed after ${attempts} attempts (${m.messages.length} messages, ${m.statuses.length} statuses)`,
    attempts,
    dedupKey: `inbound:ingress:${m.correlationId}:${m.part}`,
  });
  await recordMetrics(env, m.companyId, [{ metric: "secretaria_dead_letters_total", labels: { queue: "inbound" }, inc: 1 }]);
}

/** A body no schema can read has no tenant to file it under: the logs get its shape (never phone numbers or texts). */
function logUnreadable(queue: string, body: unknown): void {
  log.error("unreadable dead letter", { queue, body_shape: describeBody(body) });
}
