import type { ContextEntry } from "../../durable-objects/tenant";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Company, Contact, Store } from "../store/types";
import { tenantStub } from "../tenants/stubs";
import { detectIntent, type Intent } from "./intents";
import type { InboundTurn, OutboundJob, TurnMessage } from "./queue-messages";
import { templateEngine, type ReplyEngine } from "./reply-engine";

/** An error retrying cannot fix: the consumer dead-letters the work at once. */
export class PermanentError extends Error {}

const MEDIA_TYPES = new Set(["image", "audio", "video", "document", "sticker"]);

/** Opt-out and opt-in are whole-message commands, so they are looked for message by message. */
export function turnIntent(messages: TurnMessage[]): Intent {
  for (const m of messages) {
    const { intent } = detectIntent(m.text);
    if (intent === "opt_out" || intent === "opt_in") return intent;
  }
  const text = messages.map((m) => m.text).filter(Boolean).join("\n");
  if (!text && messages.some((m) => MEDIA_TYPES.has(m.type))) return "media";
  return detectIntent(text).intent;
}

type Decision = { reply: false; why: string } | { reply: true; intent: Intent; optOut?: boolean; optIn?: boolean };

/** Whether this turn gets an answer: opted-out contacts get nothing but the opt-out confirmation. */
function decide(contact: Contact, intent: Intent): Decision {
  if (intent === "opt_out") return { reply: true, intent, optOut: true };
  if (contact.optedOut) return intent === "opt_in" ? { reply: true, intent, optIn: true } : { reply: false, why: "opted_out" };
  return { reply: true, intent };
}

/**
 * Answers one contact's turn: stores its messages, decides and renders the reply, stores it and hands
 * it to the outbound queue, then releases the contact's lane. Every step is idempotent, so a retried
 * turn (queue redelivery, lease expiry, dead-letter reprocess) never sends a second reply.
 */
export async function processTurn(env: Env, store: Store, turn: InboundTurn, engine: ReplyEngine = templateEngine): Promise<void> {
  const company: Company | null = await store.companies.byId(turn.companyId);
  if (!company) throw new PermanentError(`company ${turn.companyId} no longer exists`);
  const last = turn.messages[turn.messages.length - 1];
  const named = turn.messages.find((m) => m.contactName);
  const contact = await store.contacts.upsertInbound(company.id, {
    phone: turn.phone,
    waId: turn.messages.find((m) => m.waId)?.waId,
    lid: turn.messages.find((m) => m.lid)?.lid,
    name: named?.contactName,
    at: last?.receivedAt ?? Date.now(),
  });
  const conversation = await store.conversations.open(company.id, contact.id, last?.receivedAt ?? Date.now());
  for (const m of turn.messages) {
    await store.messages.insertInbound(company.id, {
      conversationId: conversation.id,
      contactId: contact.id,
      channel: turn.channel,
      providerMessageId: m.providerMessageId,
      type: m.type,
      body: m.text,
      unanswered: m.unanswered ?? (contact.optedOut ? "opted_out" : null),
      correlationId: m.correlationId,
      providerTimestamp: m.timestamp,
    });
  }

  const stub = tenantStub(env, company.id);
  const answerable = turn.messages.filter((m) => !m.unanswered);
  const metrics: MetricEvent[] = [];
  const context: ContextEntry[] = answerable.map((m) => ({ role: "contact", text: m.text, at: m.receivedAt }));
  const decision: Decision = answerable.length === 0 ? { reply: false, why: "rate_limited" } : decide(contact, turnIntent(answerable));

  if (decision.reply) {
    if (decision.optOut && !contact.optedOut) {
      await store.contacts.setOptedOut(company.id, contact.id, true);
      metrics.push({ metric: "secretaria_opt_outs_total", labels: {}, inc: 1 });
    }
    if (decision.optIn) await store.contacts.setOptedOut(company.id, contact.id, false);
    const reply = await engine.reply({
      businessName: company.name,
      locale: company.locale,
      contactName: contact.name ?? undefined,
      text: answerable.map((m) => m.text).join("\n"),
      intent: decision.intent,
      context: await stub.context(turn.phone),
    });
    const { message } = await store.messages.insertOutbound(company.id, {
      conversationId: conversation.id,
      contactId: contact.id,
      channel: company.channel,
      clientRef: `turn:${turn.turnId}`,
      payload: { kind: "text", text: reply.text },
      correlationId: last?.correlationId ?? turn.turnId,
    });
    // Still "queued" means no consumer has taken it: (re)queue it. A duplicate job is harmless, the send is claimed.
    if (message.status === "queued") {
      const job: OutboundJob = { kind: "send", companyId: company.id, messageId: message.id, correlationId: message.correlationId ?? turn.turnId, receivedAt: turn.messages[0]?.receivedAt, generation: 0 };
      await env.OUTBOUND_QUEUE.send(job, { contentType: "json" });
    }
    context.push({ role: "assistant", text: reply.text, at: Date.now() });
    metrics.push({ metric: "secretaria_turns_total", labels: { intent: decision.intent }, inc: 1 });
  } else {
    metrics.push({ metric: "secretaria_turns_total", labels: { intent: `unanswered_${decision.why}` }, inc: 1 });
  }
  await stub.finishTurn(turn.phone, turn.turnId, { context, metrics });
}
