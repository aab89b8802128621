/**
 * Queueing an outbound message: stored first (idempotent by clientRef), then handed to the outbound
 * queue while it is still "queued". A duplicate job is harmless: the send is claimed. The outbox is a
 * leaf: conversation, agenda and scheduling depend on it, never the reverse.
 */
import type { OutboundPayload } from "../channels/types";
import type { Company, Contact, Conversation, Store } from "../store/types";
import { sendAll } from "../lib/queue-send";
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
  /** The signed-in person who wrote it (human replies). */
  authorUserId?: number | null;
}

/** Sends jobs in as few calls as the queue allows. */
export const sendJobs = (env: Env, jobs: OutboundJob[]) => sendAll(env.OUTBOUND_QUEUE, jobs);

/** One message, stored and queued now (reminders, risk offers, operator replies). */
export async function queueOutbound(env: Env, store: Store, m: NewOutbound): Promise<number> {
  const { message } = await store.messages.insertOutbound(m.company.id, {
    conversationId: m.conversation.id,
    contactId: m.contact.id,
    channel: m.company.channel,
    clientRef: m.clientRef,
    payload: m.payload,
    correlationId: m.correlationId,
    author: m.author,
    purpose: m.purpose,
    authorUserId: m.authorUserId ?? null,
  });
  // Already sent (or being sent) by an earlier call with the same clientRef: nothing to queue again.
  if (message.status === "queued")
    await sendJobs(env, [{ kind: "send", companyId: m.company.id, messageId: message.id, correlationId: m.correlationId, receivedAt: m.receivedAt, generation: 0 }]);
  return message.id;
}
