import type { OutboundJob } from "../conversation/queue-messages";
import { backoffSeconds } from "../lib/backoff";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Store } from "../store/types";
import { recordMetrics } from "../tenants/stubs";
import { senderFor } from "./senders";
import type { ChannelSender } from "./types";

/** A claim older than this belongs to a consumer that died mid-send; the next delivery takes over. */
const CLAIM_STALE_MS = 60_000;

export type SendOutcome = { ack: true } | { ack: false; retryAfterSeconds: number };

/**
 * Sends one queued reply through the tenant's channel. The claim makes concurrent or repeated
 * deliveries of the same job send at most once; transient failures ask the queue to retry with
 * backoff (after max_retries the job reaches the DLQ); hopeless ones become a dead letter at once.
 */
export async function deliver(env: Env, store: Store, job: OutboundJob, attempt: number, pickSender: typeof senderFor = senderFor): Promise<SendOutcome> {
  const now = Date.now();
  const message = await store.messages.claimOutbound(job.companyId, job.messageId, now, CLAIM_STALE_MS);
  if (!message) return { ack: true }; // already sent, dead, or being sent by another delivery
  const company = await store.companies.byId(job.companyId);
  const contact = company ? await store.contacts.byId(company.id, message.contactId) : null;
  if (!company || !contact || !message.payload) {
    await deadLetter(env, store, job, message.attempts, "the message's tenant, contact or payload no longer exists");
    return { ack: true };
  }
  const channel = company.channel;
  const sender: ChannelSender = pickSender(env, company);
  const result = await sender.send({ to: contact.phone, payload: message.payload });
  const events: MetricEvent[] = [{ metric: "secretaria_send_attempts_total", labels: { channel, result: result.ok ? "ok" : result.kind }, inc: 1 }];

  if (result.ok) {
    await store.messages.markAccepted(company.id, message.id, result.providerMessageId, Date.now());
    await store.deliveryLogs.append(company.id, message.id, "accepted", null);
    events.push({ metric: "secretaria_messages_outbound_total", labels: { channel, kind: message.payload.kind }, inc: 1 });
    if (job.receivedAt) events.push({ metric: "secretaria_reply_latency_seconds", labels: { channel }, observe: (Date.now() - job.receivedAt) / 1000 });
    await recordMetrics(env, company.id, events);
    return { ack: true };
  }

  const reason = `${result.code}: ${result.reason}`;
  if (result.kind === "retry") {
    await store.messages.markRetrying(company.id, message.id, reason, Date.now());
    await store.deliveryLogs.append(company.id, message.id, "retry", reason);
    await recordMetrics(env, company.id, events);
    const base = Number(env.OUTBOUND_RETRY_BASE_SECONDS);
    return { ack: false, retryAfterSeconds: Math.max(result.retryAfterSeconds ?? 0, backoffSeconds(attempt, Number.isFinite(base) ? base : 5)) };
  }
  // window_closed becomes a template send once tenants configure templates (the 24 h window issue).
  await store.deliveryLogs.append(company.id, message.id, result.kind, reason);
  await recordMetrics(env, company.id, events);
  await deadLetter(env, store, job, message.attempts, reason);
  return { ack: true };
}

/** Records a dead outbound message: the row is marked dead and one dead_letters row keeps the job. */
export async function deadLetter(env: Env, store: Store, job: OutboundJob, attempts: number, reason: string): Promise<void> {
  await store.messages.markDead(job.companyId, job.messageId, reason, Date.now());
  await store.deadLetters.insert(job.companyId, { queue: "outbound", payload: job, reason, attempts, dedupKey: `outbound:${job.messageId}:g${job.generation}` });
  await recordMetrics(env, job.companyId, [{ metric: "secretaria_dead_letters_total", labels: { queue: "outbound" }, inc: 1 }]);
}
