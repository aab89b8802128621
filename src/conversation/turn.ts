import type { ContextEntry } from "../../durable-objects/tenant";
import { generateReply, type EngineDeps } from "../ai/engine";
import type { OutboundPayload } from "../channels/types";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Company, Contact, Conversation, Store } from "../store/types";
import { readProfile } from "../tenants/profile";
import { tenantStub } from "../tenants/stubs";
import { agendaTurn } from "../agenda/flow";
import { summarize } from "./context";
import { handoffSummary, handoffTrigger, startHandoff } from "./handoff";
import { detectIntent, type Intent } from "./intents";
import type { InboundTurn, OutboundJob, TurnMessage } from "./queue-messages";
import { detectSentiment } from "./sentiment";
import { splitForWhatsApp } from "./split";
import { renderReply, resolveLocale } from "./templates";

/** An error retrying cannot fix: the consumer dead-letters the work at once. */
export class PermanentError extends Error {}

const MEDIA_TYPES = new Set(["image", "audio", "video", "document", "sticker"]);
const SUMMARY_EVERY_TURNS = 3;

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

/**
 * Queues one outbound message: stored first (idempotent by clientRef), then handed to the outbound
 * queue while it is still "queued". A duplicate job is harmless: the send is claimed.
 */
export async function queueOutbound(
  env: Env,
  store: Store,
  m: { company: Company; contact: Contact; conversation: Conversation; clientRef: string; payload: OutboundPayload; correlationId: string; author: "bot" | "human" | "system"; purpose: string; receivedAt?: number },
): Promise<number> {
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
  if (message.status === "queued") {
    const job: OutboundJob = { kind: "send", companyId: m.company.id, messageId: message.id, correlationId: m.correlationId, receivedAt: m.receivedAt, generation: 0 };
    await env.OUTBOUND_QUEUE.send(job, { contentType: "json" });
  }
  return message.id;
}

/**
 * Answers one contact's turn: stores its messages, decides (opt-out, a person's conversation, a
 * handoff) and generates the reply (LLM or templates), stores it and hands it to the outbound queue,
 * then releases the contact's lane. Every step is idempotent, so a retried turn (queue redelivery,
 * lease expiry, dead-letter reprocess) never sends a second reply.
 */
export async function processTurn(env: Env, store: Store, turn: InboundTurn, deps: Partial<Pick<EngineDeps, "fetch">> = {}): Promise<void> {
  const company = await store.companies.byId(turn.companyId);
  if (!company) throw new PermanentError(`company ${turn.companyId} no longer exists`);
  const last = turn.messages[turn.messages.length - 1];
  const at = last?.receivedAt ?? Date.now();
  const contact = await store.contacts.upsertInbound(company.id, {
    phone: turn.phone,
    waId: turn.messages.find((m) => m.waId)?.waId,
    lid: turn.messages.find((m) => m.lid)?.lid,
    name: turn.messages.find((m) => m.contactName)?.contactName,
    at,
  });
  const conversation = await store.conversations.open(company.id, contact.id, at);
  for (const m of turn.messages) {
    await store.messages.insertInbound(company.id, {
      conversationId: conversation.id,
      contactId: contact.id,
      channel: turn.channel,
      providerMessageId: m.providerMessageId,
      type: m.type,
      body: m.text,
      unanswered: m.unanswered ?? (contact.optedOut ? "opted_out" : conversation.status === "human" ? "with_human" : null),
      correlationId: m.correlationId,
      providerTimestamp: m.timestamp,
    });
  }
  // The contact wrote: the 24 h window is open again, so messages held for it can go now.
  for (const id of await store.messages.requeueHeld(company.id, contact.id, Date.now())) {
    await env.OUTBOUND_QUEUE.send({ kind: "send", companyId: company.id, messageId: id, correlationId: last?.correlationId ?? turn.turnId, generation: 0 } satisfies OutboundJob, { contentType: "json" });
  }

  const tenant = tenantStub(env, company.id);
  const answerable = turn.messages.filter((m) => !m.unanswered);
  const text = answerable.map((m) => m.text).join("\n");
  const metrics: MetricEvent[] = [];
  const context: ContextEntry[] = [];
  const finish = () => tenant.finishTurn(turn.phone, turn.turnId, { context, metrics });

  if (answerable.length === 0) {
    metrics.push({ metric: "secretaria_turns_total", labels: { intent: "unanswered_rate_limited" }, inc: 1 });
    return void (await finish());
  }
  const intent = turnIntent(answerable);
  const sentiment = detectSentiment(text).label;
  const profile = readProfile(await store.profiles.get(company.id));
  const reply = (clientRef: string, parts: (string | OutboundPayload)[], author: "bot" = "bot") =>
    Promise.all(
      parts.map((p, i) =>
        queueOutbound(env, store, { company, contact, conversation, clientRef: `${clientRef}:${i}`, payload: typeof p === "string" ? { kind: "text", text: p } : p, correlationId: last?.correlationId ?? turn.turnId, author, purpose: "reply", receivedAt: turn.messages[0]?.receivedAt }),
      ),
    );
  const template = (as: Intent) => renderReply(as, resolveLocale(company.locale), { businessName: company.name, contactName: contact.name ?? undefined });

  // Opt-out first: after SAIR nothing more is sent but the confirmation.
  if (intent === "opt_out" || (contact.optedOut && intent === "opt_in")) {
    const optOut = intent === "opt_out";
    if (optOut !== contact.optedOut) await store.contacts.setOptedOut(company.id, contact.id, optOut);
    if (optOut && !contact.optedOut) metrics.push({ metric: "secretaria_opt_outs_total", labels: {}, inc: 1 });
    await reply(`turn:${turn.turnId}`, [template(intent)]);
    metrics.push({ metric: "secretaria_turns_total", labels: { intent }, inc: 1 });
    return void (await finish());
  }
  if (contact.optedOut || conversation.status === "human") {
    metrics.push({ metric: "secretaria_turns_total", labels: { intent: contact.optedOut ? "unanswered_opted_out" : "unanswered_with_human" }, inc: 1 });
    context.push({ role: "contact", text, at, sentiment });
    return void (await finish());
  }

  const { context: shortContext, agenda: agendaState } = await tenant.turnState(turn.phone);
  const handoff = async (trigger: Parameters<typeof startHandoff>[2]["trigger"]) => {
    const started = await startHandoff(env, store, { company, profile, contact, conversation, trigger, summary: handoffSummary(shortContext, text) });
    metrics.push(...started.events);
    const confirmation = template("human_request");
    await reply(`turn:${turn.turnId}`, [confirmation]);
    context.push({ role: "contact", text, at, sentiment, handled: true, intent }, { role: "assistant", text: confirmation, at: Date.now() });
  };

  // The booking conversation comes before the assistant: "1" after a list of slots is an answer, not small talk.
  const agenda = intent === "human_request" ? { handled: false as const } : await agendaTurn({ env, store, company, profile, fetch: deps.fetch }, tenant, { contact, phone: turn.phone, text, intent, turnId: turn.turnId, replyIds: answerable.flatMap((m) => (m.replyId ? [m.replyId] : [])), state: agendaState });
  const trigger = agenda.handled ? null : handoffTrigger({ intent, text, sentiment, context: shortContext, profile });
  if (agenda.handled) {
    metrics.push(...agenda.events);
    if (agenda.handoff) {
      const started = await startHandoff(env, store, { company, profile, contact, conversation, trigger: agenda.handoff, summary: handoffSummary(shortContext, text) });
      metrics.push(...started.events);
    }
    await reply(`turn:${turn.turnId}`, agenda.replies.flatMap((r): (string | OutboundPayload)[] => (typeof r === "string" ? splitForWhatsApp(r) : [r])));
    context.push({ role: "contact", text, at, sentiment, handled: true, intent }, ...agenda.replies.map((r) => ({ role: "assistant" as const, text: typeof r === "string" ? r : r.body, at: Date.now() })));
  } else if (trigger) {
    await handoff(trigger);
  } else {
    const answer = await generateReply({ env, store, tenant, fetch: deps.fetch }, { company, profile, contact, conversation, intent, text, context: shortContext });
    metrics.push(...answer.events);
    if (answer.handoff) {
      await handoff("assistant_cannot_help");
    } else {
      await reply(`turn:${turn.turnId}`, splitForWhatsApp(answer.text));
      const handled = answer.source === "llm" || intent !== "unknown";
      context.push({ role: "contact", text, at, sentiment, handled, intent }, { role: "assistant", text: answer.text, at: Date.now() });
    }
  }
  // Long context: every few turns the conversation's summary is refreshed from the short context.
  const all = [...shortContext, ...context];
  const contactTurns = all.filter((e) => e.role === "contact");
  if (contactTurns.length % SUMMARY_EVERY_TURNS === 0) {
    await store.conversations.setSummary(company.id, conversation.id, summarize(all, contactTurns.map((e) => e.intent ?? ""), contact.name));
  }
  metrics.push({ metric: "secretaria_turns_total", labels: { intent }, inc: 1 });
  await finish();
}

