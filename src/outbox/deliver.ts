import type { OutboundJob } from "./job";
import { backoffSeconds } from "../lib/backoff";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Company, Contact, MessageRow, Store } from "../store/types";
import { loadTenant } from "../tenants/tenant-cache";
import type { CompanyProfile, MessagePurpose } from "../tenants/profile";
import { recordMetrics, tenantStub } from "../tenants/stubs";
import { QUOTA_HOLD_REASON, REPLY_PURPOSES } from "./pause";
import { senderFor } from "../channels/senders";
import { unusableReason } from "../channels/templates-status";
import { payloadText, type ChannelSender, type OutboundPayload } from "../channels/types";

/** A claim older than this belongs to a consumer that died mid-send; the next delivery takes over. */
const CLAIM_STALE_MS = 60_000;

export type SendOutcome = { ack: true } | { ack: false; retryAfterSeconds: number };

/** One claimed message's send: the queue's verdict, its metrics, and the acceptance to record with the batch. */
export interface SentOne {
  outcome: SendOutcome;
  events: MetricEvent[];
  accepted?: { id: number; providerMessageId: string };
}

/**
 * Sends a batch of queued replies: one statement claims them all (concurrent or repeated deliveries
 * of the same job send at most once; a claim older than CLAIM_STALE_MS can be taken over), they go
 * out concurrently, and one round trip records what the channels accepted. Transient failures ask
 * the queue to retry with backoff (after max_retries the job reaches the DLQ); hopeless ones become
 * a dead letter at once.
 */
export async function deliverBatch(
  env: Env,
  store: Store,
  companyId: number,
  jobs: { job: OutboundJob; attempt: number }[],
  pickSender: typeof senderFor = senderFor,
): Promise<SendOutcome[]> {
  const now = Date.now();
  // Read before the claim: a suspended tenant's messages stay queued and unclaimed, so they go out on resume.
  const tenant = await loadTenant(store, companyId);
  if (tenant && tenant.company.status !== "active") return holdWhileSuspended(env, tenant.company, jobs);
  const claimed = await store.outbox.claimMany(
    companyId,
    jobs.map((j) => j.job.messageId),
    now,
    CLAIM_STALE_MS,
  );
  const byId = new Map(claimed.map((c) => [c.message.id, c]));
  // Replies never ask: only a batch with a system send (reminder, follow-up, campaign…) pays one DO call.
  const paused = claimed.some((c) => !REPLY_PURPOSES.has(c.message.purpose)) && (await tenantStub(env, companyId).quota())?.outboundPaused === true;
  // One sender for the batch: choosing it reads (parses) the tenant's channel settings.
  const sender = tenant ? pickSender(env, tenant.company) : null;
  const results = await Promise.all(
    jobs.map(async ({ job, attempt }): Promise<SentOne> => {
      const c = byId.get(job.messageId);
      if (!c) return { outcome: { ack: true }, events: [] }; // already sent, dead, or being sent by another delivery
      if (!tenant || !sender || !c.contact || !c.message.payload) {
        await deadLetter(env, store, job, c.message.attempts, "the message's tenant, contact or payload no longer exists");
        return { outcome: { ack: true }, events: [] };
      }
      if (paused && !REPLY_PURPOSES.has(c.message.purpose)) return hold(store, companyId, c.message.id, c.message.purpose, QUOTA_HOLD_REASON);
      return sendClaimed(env, store, tenant, c.message, c.contact, job, attempt, sender);
    }),
  );
  await store.outbox.markAcceptedMany(
    companyId,
    results.flatMap((r) => (r.accepted ? [r.accepted] : [])),
    Date.now(),
  );
  await recordMetrics(
    env,
    companyId,
    results.flatMap((r) => r.events),
  );
  return results.map((r) => r.outcome);
}

async function sendClaimed(
  env: Env,
  store: Store,
  tenant: { company: Company; profile: CompanyProfile },
  message: MessageRow,
  contact: Contact,
  job: OutboundJob,
  attempt: number,
  sender: ChannelSender,
): Promise<SentOne> {
  const { company, profile } = tenant;
  const now = Date.now();
  const channel = company.channel;
  const events: MetricEvent[] = [];
  let payload = message.payload as OutboundPayload;
  if (payload.kind !== "template" && enforcesWindow(channel) && !windowOpen(contact, now)) {
    const template = asTemplate(profile, company, contact, message.purpose, payloadText(payload));
    if (!template) return hold(store, company.id, message.id, message.purpose, templateProblem(profile, message.purpose));
    payload = template;
    await store.messages.setPayload(company.id, message.id, template, describeTemplate(template));
    await store.deliveryLogs.append(company.id, message.id, "template", `24 h window closed: sent as template ${template.name}`);
    events.push({ metric: "secretaria_template_sends_total", labels: { purpose: message.purpose }, inc: 1 });
  }
  const result = await sender.send({ to: contact.phone, payload });
  events.push({ metric: "secretaria_send_attempts_total", labels: { channel, result: result.ok ? "ok" : result.kind }, inc: 1 });

  if (result.ok) {
    events.push({ metric: "secretaria_messages_outbound_total", labels: { channel, kind: payload.kind }, inc: 1 });
    if (job.receivedAt) events.push({ metric: "secretaria_reply_latency_seconds", labels: { channel }, observe: (Date.now() - job.receivedAt) / 1000 });
    return { outcome: { ack: true }, events, accepted: { id: message.id, providerMessageId: result.providerMessageId } };
  }

  const reason = `${result.code}: ${result.reason}`;
  if (result.kind === "retry") {
    await store.messages.markRetrying(company.id, message.id, reason, Date.now());
    await store.deliveryLogs.append(company.id, message.id, "retry", reason);
    const base = Number(env.OUTBOUND_RETRY_BASE_SECONDS);
    return { outcome: { ack: false, retryAfterSeconds: Math.max(result.retryAfterSeconds ?? 0, backoffSeconds(attempt, Number.isFinite(base) ? base : 5)) }, events };
  }
  if (result.kind === "window_closed" && payload.kind !== "template") {
    // Meta says the window is closed (its clock wins over ours): retry at once as a template, or hold.
    await store.deliveryLogs.append(company.id, message.id, result.kind, reason);
    const template = asTemplate(profile, company, contact, message.purpose, payloadText(payload));
    if (!template) {
      const held = await hold(store, company.id, message.id, message.purpose, templateProblem(profile, message.purpose));
      return { ...held, events: [...events, ...held.events] };
    }
    await store.messages.setPayload(company.id, message.id, template, describeTemplate(template));
    await store.messages.markRetrying(company.id, message.id, reason, Date.now());
    events.push({ metric: "secretaria_template_sends_total", labels: { purpose: message.purpose }, inc: 1 });
    return { outcome: { ack: false, retryAfterSeconds: 0 }, events };
  }
  await store.deliveryLogs.append(company.id, message.id, result.kind, reason);
  await deadLetter(env, store, job, message.attempts, reason);
  return { outcome: { ack: true }, events };
}

/**
 * A suspended tenant sends nothing: its jobs are handed to its DO, which queues them again on resume
 * (durable-objects/tenant/held.ts); the rows stay "queued". A closed tenant's are acked and stay
 * queued in the store with its other data (closing is final; nothing will send them).
 */
async function holdWhileSuspended(env: Env, company: Company, jobs: { job: OutboundJob }[]): Promise<SendOutcome[]> {
  if (company.status === "suspended") {
    await tenantStub(env, company.id).hold(jobs.map(({ job }) => ({ kind: "send" as const, job })));
    await recordMetrics(env, company.id, [{ metric: "secretaria_work_held_total", labels: { kind: "send" }, inc: jobs.length }]);
  }
  return jobs.map(() => ({ ack: true }));
}

const WINDOW_MS = 24 * 3_600_000;
/** Meta enforces the 24 h customer-service window; the sandbox simulates Meta. Evolution and Whaticket (WhatsApp Web) have none. */
const enforcesWindow = (channel: string) => channel === "meta" || channel === "sandbox";
const windowOpen = (contact: Contact, now: number) => contact.lastInboundAt !== null && now - contact.lastInboundAt < WINDOW_MS;
const describeTemplate = (t: Extract<OutboundPayload, { kind: "template" }>) => `[template ${t.name}] ${t.parameters.join(" | ")}`;

/** The tenant's approved template for this purpose, filled in; null when it has none. */
function asTemplate(profile: CompanyProfile, company: Company, contact: Contact, purpose: string, text: string): Extract<OutboundPayload, { kind: "template" }> | null {
  const ref = profile.templates[purpose as MessagePurpose];
  // Known not approved (the template sync wrote its status into the profile): never sent to Meta to fail.
  if (!ref || unusableReason(purpose, ref)) return null;
  const firstName = contact.name?.trim().split(/\s+/)[0] ?? "";
  const fill = (p: string) => p.replaceAll("{text}", text).replaceAll("{contact_name}", firstName).replaceAll("{business_name}", company.name);
  return { kind: "template", name: ref.name, language: ref.language, parameters: ref.parameters.map(fill) };
}

/** Why a closed-window message cannot go as its purpose's template, when the template is known unusable. */
function templateProblem(profile: CompanyProfile, purpose: string): string | undefined {
  const ref = profile.templates[purpose as MessagePurpose];
  const why = ref && unusableReason(purpose, ref);
  return why ? `24 h customer-service window closed and ${why}` : undefined;
}

/** Free text may not go out and there is no template: park it with the reason; the contact's next message releases it. */
async function hold(store: Store, companyId: number, messageId: number, purpose: string, why?: string): Promise<SentOne> {
  const reason = why ?? `24 h customer-service window closed and no approved template for purpose "${purpose}"; held until the contact writes again`;
  await store.messages.markHeld(companyId, messageId, reason, Date.now());
  await store.deliveryLogs.append(companyId, messageId, "held", reason);
  return { outcome: { ack: true }, events: [{ metric: "secretaria_messages_held_total", labels: { purpose }, inc: 1 }] };
}

/** Records a dead outbound message: the row is marked dead and one dead_letters row keeps the job. */
export async function deadLetter(env: Env, store: Store, job: OutboundJob, attempts: number, reason: string): Promise<void> {
  await store.messages.markDead(job.companyId, job.messageId, reason, Date.now());
  await store.deadLetters.insert(job.companyId, { queue: "outbound", payload: job, reason, attempts, dedupKey: `outbound:${job.messageId}:g${job.generation}` });
  await recordMetrics(env, job.companyId, [{ metric: "secretaria_dead_letters_total", labels: { queue: "outbound" }, inc: 1 }]);
}
