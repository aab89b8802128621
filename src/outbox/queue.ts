/**
 * Queueing an outbound message: stored first (idempotent by clientRef), then handed to the outbound
 * queue while it is still "queued". A duplicate job is harmless: the send is claimed. The outbox is a
 * leaf: conversation, agenda and scheduling depend on it, never the reverse.
 */
import type { OutboundPayload } from "../channels/types";
import type { Company, Contact, Conversation, Store } from "../store/types";
import type { OutboundJob } from "./job";

export interface NewOutbound {
  company: Company;
  contact: Contact;
  conversation: Conversation;
  clientRef: string;
  payload: OutboundPayload;
  correlationId: string;
  author: "bot" | "human" | "system";
  purpose: string;
  receivedAt?: number;
}

/** Stores the message; returns its id and the job to send, or null when it was queued already and left the queue. */
export async function storeOutbound(store: Store, m: NewOutbound): Promise<{ id: number; job: OutboundJob | null }> {
  const { message } = await store.messages.insertOutbound(m.company.id, {
    conversationId: m.conversation.id,
    contactId: m.contact.id,
    channel: m.company.channel,
    clientRef: m.clientRef,
    payload: m.payload,
    correlationId: m.correlationId,
    author: m.author,
    purpose: m.purpose,
  });
  const job: OutboundJob | null =
    message.status === "queued" ? { kind: "send", companyId: m.company.id, messageId: message.id, correlationId: m.correlationId, receivedAt: m.receivedAt, generation: 0 } : null;
  return { id: message.id, job };
}

/** Sends jobs in as few calls as the queue allows (100 per sendBatch). */
export async function sendJobs(env: Env, jobs: OutboundJob[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 100) {
    const chunk = jobs.slice(i, i + 100);
    if (chunk.length === 1 && chunk[0]) await env.OUTBOUND_QUEUE.send(chunk[0], { contentType: "json" });
    else await env.OUTBOUND_QUEUE.sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
  }
}

/** One message, stored and queued now (reminders, risk offers, operator replies). */
export async function queueOutbound(env: Env, store: Store, m: NewOutbound): Promise<number> {
  const { id, job } = await storeOutbound(store, m);
  if (job) await sendJobs(env, [job]);
  return id;
}
