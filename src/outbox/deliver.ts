import type { OutboundJob } from "./job";
import { backoffSeconds } from "../lib/backoff";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Company, Contact, Store } from "../store/types";
import { readProfile, type MessagePurpose } from "../tenants/profile";
import { recordMetrics } from "../tenants/stubs";
import { senderFor } from "../channels/senders";
import { payloadText, type ChannelSender, type OutboundPayload } from "../channels/types";

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
  let payload = message.payload;
  if (payload.kind !== "template" && enforcesWindow(channel) && !windowOpen(contact, now)) {
    const template = await asTemplate(store, company, contact, message.purpose, payloadText(payload));
    if (!template) return hold(env, store, company.id, message.id, message.purpose);
    payload = template;
    await store.messages.setPayload(company.id, message.id, template, describeTemplate(template));
    await store.deliveryLogs.append(company.id, message.id, "template", `24 h window closed: sent as template ${template.name}`);
    await recordMetrics(env, company.id, [{ metric: "secretaria_template_sends_total", labels: { purpose: message.purpose }, inc: 1 }]);
  }
  const sender: ChannelSender = pickSender(env, company);
  const result = await sender.send({ to: contact.phone, payload });
  const events: MetricEvent[] = [{ metric: "secretaria_send_attempts_total", labels: { channel, result: result.ok ? "ok" : result.kind }, inc: 1 }];

  if (result.ok) {
    await store.messages.markAccepted(company.id, message.id, result.providerMessageId, Date.now());
    await store.deliveryLogs.append(company.id, message.id, "accepted", null);
    events.push({ metric: "secretaria_messages_outbound_total", labels: { channel, kind: payload.kind }, inc: 1 });
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
  if (result.kind === "window_closed" && payload.kind !== "template") {
    // Meta says the window is closed (its clock wins over ours): retry at once as a template, or hold.
    await store.deliveryLogs.append(company.id, message.id, result.kind, reason);
    await recordMetrics(env, company.id, events);
    const template = await asTemplate(store, company, contact, message.purpose, payloadText(payload));
    if (!template) return hold(env, store, company.id, message.id, message.purpose);
    await store.messages.setPayload(company.id, message.id, template, describeTemplate(template));
    await store.messages.markRetrying(company.id, message.id, reason, Date.now());
    await recordMetrics(env, company.id, [{ metric: "secretaria_template_sends_total", labels: { purpose: message.purpose }, inc: 1 }]);
    return { ack: false, retryAfterSeconds: 0 };
  }
  await store.deliveryLogs.append(company.id, message.id, result.kind, reason);
  await recordMetrics(env, company.id, events);
  await deadLetter(env, store, job, message.attempts, reason);
  return { ack: true };
}

const WINDOW_MS = 24 * 3_600_000;
/** Meta enforces the 24 h customer-service window; the sandbox simulates Meta. Evolution and Whaticket (WhatsApp Web) have none. */
const enforcesWindow = (channel: string) => channel === "meta" || channel === "sandbox";
const windowOpen = (contact: Contact, now: number) => contact.lastInboundAt !== null && now - contact.lastInboundAt < WINDOW_MS;
const describeTemplate = (t: Extract<OutboundPayload, { kind: "template" }>) => `[template ${t.name}] ${t.parameters.join(" | ")}`;

/** The tenant's approved template for this purpose, filled in; null when it has none. */
async function asTemplate(store: Store, company: Company, contact: Contact, purpose: string, text: string): Promise<Extract<OutboundPayload, { kind: "template" }> | null> {
  const profile = readProfile(await store.profiles.get(company.id));
  const ref = profile.templates[purpose as MessagePurpose];
  if (!ref) return null;
  const firstName = contact.name?.trim().split(/\s+/)[0] ?? "";
  const fill = (p: string) => p.replaceAll("{text}", text).replaceAll("{contact_name}", firstName).replaceAll("{business_name}", company.name);
  return { kind: "template", name: ref.name, language: ref.language, parameters: ref.parameters.map(fill) };
}

/** Free text may not go out and there is no template: park it with the reason; the contact's next message releases it. */
async function hold(env: Env, store: Store, companyId: number, messageId: number, purpose: string): Promise<SendOutcome> {
  const reason = `24 h customer-service window closed and no approved template for purpose "${purpose}"; held until the contact writes again`;
  await store.messages.markHeld(companyId, messageId, reason, Date.now());
  await store.deliveryLogs.append(companyId, messageId, "held", reason);
  await recordMetrics(env, companyId, [{ metric: "secretaria_messages_held_total", labels: { purpose }, inc: 1 }]);
  return { ack: true };
}

/** Records a dead outbound message: the row is marked dead and one dead_letters row keeps the job. */
export async function deadLetter(env: Env, store: Store, job: OutboundJob, attempts: number, reason: string): Promise<void> {
  await store.messages.markDead(job.companyId, job.messageId, reason, Date.now());
  await store.deadLetters.insert(job.companyId, { queue: "outbound", payload: job, reason, attempts, dedupKey: `outbound:${job.messageId}:g${job.generation}` });
  await recordMetrics(env, job.companyId, [{ metric: "secretaria_dead_letters_total", labels: { queue: "outbound" }, inc: 1 }]);
}
