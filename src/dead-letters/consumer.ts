import { deadLetter } from "../channels/outbound";
import { InboundTurn, OutboundJob } from "../conversation/queue-messages";
import { JobMessage, jobDedupKey } from "../jobs/messages";
import { describeBody } from "../lib/log";
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
    const what = job.data.kind === "notify" ? "notification" : job.data.kind === "agenda_task" ? `appointment task ${job.data.taskId}` : "scheduling analysis";
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
  const turn = InboundTurn.safeParse(body);
  if (!turn.success) return logUnreadable(queue, body);
  const t = turn.data;
  const lastError = await tenantStub(env, t.companyId).abandonTurn(t.phone, t.turnId);
  await store.deadLetters.insert(t.companyId, {
    queue: "inbound",
    payload: t,
    reason: `turn failed after ${attempts} attempts; last error: ${lastError ?? "unknown"}`,
    attempts,
    dedupKey: `inbound:${t.turnId}:g${t.generation}`,
  });
  await recordMetrics(env, t.companyId, [{ metric: "secretaria_dead_letters_total", labels: { queue: "inbound" }, inc: 1 }]);
}

/** A body no schema can read has no tenant to file it under: the logs get its shape (never phone numbers or texts). */
function logUnreadable(queue: string, body: unknown): void {
  console.error(JSON.stringify({ msg: "unreadable dead letter", queue, body_shape: describeBody(body) }));
}
