import type { OutboundPayload } from "../channels/types";
import { recordConsent } from "../compliance/consent";
import type { TurnMessage } from "../inbound/messages";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { OutboundJob } from "../outbox/job";
import type { RecordedTurn, TurnRecord } from "../store/batch-types";
import type { Company, NewOutboundMessage, Store } from "../store/types";
import type { CompanyProfile } from "../tenants/profile";
import type { AgendaState, ClaimedTurn, ContextEntry, TurnDone } from "../tenants/state";
import { tenantStub } from "../tenants/stubs";
import { agendaTurn, type AgendaStateWriter } from "./agenda-flow";
import { burstIntents, turnIntent } from "./burst";
import { summarize } from "./context";
import { answerFlow } from "./flow-submission";
import { handoffSummary, handoffTrigger, startHandoff, withBackAt } from "./handoff";
import type { Intent } from "./intents";
import { generateReply, type EngineDeps } from "./reply-engine";
import { quickReplyEvents } from "./quick-replies";
import { detectSentiment } from "./sentiment";
import { splitForWhatsApp } from "./split";
import { renderReply, resolveLocale } from "./templates";

const SUMMARY_EVERY_TURNS = 3;

/** Notices that are stored and never answered: WhatsApp's own system events. (Flow submissions are answered by their flow.) */
const NOT_ANSWERED: Partial<Record<TurnMessage["type"], string>> = { system: "system_notice" };
const isFlow = (m: TurnMessage): m is TurnMessage & { flow: NonNullable<TurnMessage["flow"]> } => m.type === "flow" && m.flow !== undefined;

export interface TurnTenant {
  company: Company;
  profile: CompanyProfile;
}

/** A turn's result: what to leave in the DO, the replies to store and the outbound jobs to send with the batch. */
export interface TurnOutcome {
  done: TurnDone;
  jobs: OutboundJob[];
  outgoing: NewOutboundMessage[];
  /** When the turn's first message reached us (the reply latency histogram). */
  receivedAt?: number;
}

/** Why a message is stored but not answered, if it is not: the sender's limit, a notice. */
export function unansweredReason(m: TurnMessage): string | null {
  if (m.unanswered) return m.unanswered;
  const notice = NOT_ANSWERED[m.type];
  if (notice) return notice;
  // Unsupported and ephemeral notices arrive as "unknown" with nothing to read.
  return m.type === "unknown" && !m.text ? "unsupported" : null;
}

/** How a turn is stored (with the rest of its batch) before it is answered. */
export function turnRecord(turn: ClaimedTurn): TurnRecord {
  const last = turn.messages[turn.messages.length - 1];
  return {
    phone: turn.contact,
    userId: turn.messages.find((m) => m.userId)?.userId,
    newPhone: turn.messages.findLast((m) => m.system?.newPhone)?.system?.newPhone,
    newUserId: turn.messages.findLast((m) => m.system?.newUserId)?.system?.newUserId,
    waId: turn.messages.find((m) => m.waId)?.waId,
    lid: turn.messages.find((m) => m.lid)?.lid,
    name: turn.messages.find((m) => m.contactName)?.contactName,
    at: last?.receivedAt ?? Date.now(),
    messages: turn.messages.map((m) => ({
      providerMessageId: m.providerMessageId,
      channel: turn.channel,
      type: m.type,
      body: m.flow ? m.flow.response : m.text,
      unanswered: unansweredReason(m),
      correlationId: m.correlationId,
      providerTimestamp: m.timestamp,
    })),
  };
}

/** Buffers the flow's booking-state change; the turn hands it to the DO with `finish`, no extra call. */
class AgendaBuffer implements AgendaStateWriter {
  change: TurnDone["agenda"];
  async setAgendaState(_contact: string, state: AgendaState | null, ttlMs?: number): Promise<void> {
    this.change = { state, ttlMs };
  }
}

/**
 * Answers one contact's turn, already stored with its batch (turnRecord): decides (opt-out, a person's conversation, a
 * handoff, the booking flow) and generates the reply (LLM or templates), returned for the batch to
 * store and send. Every step is idempotent, so a retried turn (lease expiry, a failed batch, a
 * dead-letter reprocess) never sends a second reply. Throws when it could not finish; the caller
 * reports the failure to the DO, which retries the turn with backoff.
 */
export async function answerTurn(
  env: Env,
  store: Store,
  tenant: TurnTenant,
  turn: ClaimedTurn,
  recorded: RecordedTurn,
  deps: Partial<Pick<EngineDeps, "fetch">> = {},
): Promise<TurnOutcome> {
  const { company, profile } = tenant;
  const jobs: OutboundJob[] = [];
  const outgoing: TurnOutcome["outgoing"] = [];
  const metrics: MetricEvent[] = [];
  const context: ContextEntry[] = [];
  const agendaState = new AgendaBuffer();
  const done = (): TurnOutcome => ({
    done: { contact: turn.contact, turnId: turn.turnId, context, metrics, agenda: agendaState.change },
    jobs,
    outgoing,
    receivedAt: turn.messages[0]?.receivedAt,
  });

  const last = turn.messages[turn.messages.length - 1];
  const at = last?.receivedAt ?? Date.now();
  const correlationId = last?.correlationId ?? turn.turnId;
  const { contact, conversation } = recorded;
  for (const id of recorded.heldIds) jobs.push({ kind: "send", companyId: company.id, messageId: id, correlationId, generation: 0 });

  const flows = turn.messages.filter((m) => !m.unanswered).filter(isFlow);
  const answerable = turn.messages.filter((m) => !m.unanswered && !NOT_ANSWERED[m.type] && !isFlow(m) && !(m.type === "unknown" && !m.text));
  const text = answerable.map((m) => m.text).join("\n");
  metrics.push(...quickReplyEvents(answerable));
  if (answerable.length === 0 && flows.length === 0) {
    const why = turn.messages.some((m) => m.unanswered) ? "unanswered_rate_limited" : "unanswered_notice";
    metrics.push({ metric: "secretaria_turns_total", labels: { intent: why }, inc: 1 });
    return done();
  }
  // A first contact opening the chat (Meta's request_welcome) gets the tenant's welcome.
  const intent: Intent = answerable.every((m) => m.type === "request_welcome") ? "greeting" : turnIntent(answerable);
  const sentiment = detectSentiment(text).label;
  // Replies are stored with the whole batch's (one round trip), idempotent by the turn id.
  // Parts are numbered across the turn (a Flow's answer, then the messages'), in an order a retry repeats.
  const reply = async (parts: (string | OutboundPayload)[], source?: "llm") => {
    for (const p of parts) {
      const i = outgoing.length;
      const payload: OutboundPayload = typeof p === "string" ? { kind: "text", text: p, ...(source ? { source } : {}) } : p;
      outgoing.push({
        conversationId: conversation.id,
        contactId: contact.id,
        channel: company.channel,
        clientRef: `turn:${turn.turnId}:${i}`,
        payload,
        correlationId,
        author: "bot",
        purpose: "reply",
      });
    }
  };
  const template = (as: Intent) => renderReply(as, resolveLocale(company.locale), { businessName: company.name, contactName: contact.name ?? undefined });

  // Opt-out first: after SAIR nothing more is sent but the confirmation.
  if (intent === "opt_out" || (contact.optedOut && intent === "opt_in")) {
    const optOut = intent === "opt_out";
    if (optOut !== contact.optedOut) await recordConsent(env, store, company.id, contact.id, optOut, { source: "keyword", actor: "contact", detail: text.slice(0, 40), at });
    if (optOut && !contact.optedOut) metrics.push({ metric: "secretaria_opt_outs_total", labels: {}, inc: 1 });
    await reply([template(intent)]);
    metrics.push({ metric: "secretaria_turns_total", labels: { intent }, inc: 1 });
    return done();
  }
  if (contact.optedOut || conversation.status === "human") {
    metrics.push({ metric: "secretaria_turns_total", labels: { intent: contact.optedOut ? "unanswered_opted_out" : "unanswered_with_human" }, inc: 1 });
    context.push({ role: "contact", text, at, sentiment });
    return done();
  }

  // Flow submissions go to the flow that sent them (flow-submission.ts), never to the assistant.
  for (const [index, m] of flows.entries()) {
    const answer = await answerFlow({ env, store, company, profile, fetch: deps.fetch }, agendaState, {
      contact,
      phone: turn.contact,
      flow: m.flow,
      turnId: turn.turnId,
      index,
      state: agendaState.change ? agendaState.change.state : turn.agenda,
    });
    await reply(answer.replies.flatMap((r): (string | OutboundPayload)[] => (typeof r === "string" ? splitForWhatsApp(r) : [r])));
    context.push(
      { role: "contact", text: `[flow ${answer.kind}] ${m.flow.response}`.slice(0, 500), at, handled: true, intent: `flow_${answer.outcome}` },
      ...answer.replies.map((r) => ({ role: "assistant" as const, text: typeof r === "string" ? r : r.body, at: Date.now() })),
    );
    // A turn of Flow submissions only is counted by what came of them; with messages beside them, by the messages' intent.
    if (answerable.length === 0) metrics.push({ metric: "secretaria_turns_total", labels: { intent: `flow_${answer.outcome}` }, inc: 1 });
  }
  if (answerable.length === 0) return done();

  const shortContext = turn.context;
  const handoff = async (trigger: Parameters<typeof startHandoff>[2]["trigger"]) => {
    const started = await startHandoff(env, store, { company, profile, contact, conversation, trigger, summary: handoffSummary(shortContext, text) });
    metrics.push(...started.events);
    const confirmation = withBackAt(template("human_request"), { company, profile, locale: resolveLocale(company.locale), now: Date.now() });
    await reply([confirmation]);
    context.push({ role: "contact", text, at, sentiment, handled: true, intent }, { role: "assistant", text: confirmation, at: Date.now() });
  };

  // The booking conversation comes before the assistant: "1" after a list of slots is an answer, not small talk.
  const agenda =
    intent === "human_request"
      ? { handled: false as const }
      : await agendaTurn({ env, store, company, profile, fetch: deps.fetch }, agendaState, {
          contact,
          phone: turn.contact,
          text,
          intent,
          turnId: turn.turnId,
          replyIds: answerable.flatMap((m) => (m.replyId ? [m.replyId] : [])),
          state: turn.agenda,
        });
  const trigger = agenda.handled ? null : handoffTrigger({ intent, text, sentiment, context: shortContext, profile });
  if (agenda.handled) {
    metrics.push(...agenda.events);
    if (agenda.handoff) {
      const started = await startHandoff(env, store, { company, profile, contact, conversation, trigger: agenda.handoff, summary: handoffSummary(shortContext, text) });
      metrics.push(...started.events);
      // The complaint goes to a person: out of hours, the contact is told when they are back.
      const last = agenda.replies.length - 1;
      const lastReply = agenda.replies[last];
      if (started.changed && typeof lastReply === "string")
        agenda.replies[last] = withBackAt(lastReply, { company, profile, locale: resolveLocale(company.locale), now: Date.now() });
    }
    await reply(agenda.replies.flatMap((r): (string | OutboundPayload)[] => (typeof r === "string" ? splitForWhatsApp(r) : [r])));
    context.push(
      { role: "contact", text, at, sentiment, handled: true, intent },
      ...agenda.replies.map((r) => ({ role: "assistant" as const, text: typeof r === "string" ? r : r.body, at: Date.now() })),
    );
  } else if (trigger) {
    await handoff(trigger);
  } else {
    const intents = burstIntents(answerable, intent);
    const answer = await generateReply(
      { env, store, tenant: tenantStub(env, company.id), fetch: deps.fetch },
      { company, profile, contact, conversation, intent, intents, text, context: shortContext },
    );
    metrics.push(...answer.events);
    if (answer.handoff) {
      await handoff("assistant_cannot_help");
    } else {
      await reply(splitForWhatsApp(answer.text), answer.source === "llm" ? "llm" : undefined);
      const handled = answer.source === "llm" || answer.fromKnowledge === true || intent !== "unknown";
      context.push({ role: "contact", text, at, sentiment, handled, intent }, { role: "assistant", text: answer.text, at: Date.now() });
    }
  }
  // Long context: every few turns the conversation's summary is refreshed from the short context.
  const all = [...shortContext, ...context];
  const contactTurns = all.filter((e) => e.role === "contact");
  if (contactTurns.length % SUMMARY_EVERY_TURNS === 0) {
    await store.conversations.setSummary(
      company.id,
      conversation.id,
      summarize(
        all,
        contactTurns.map((e) => e.intent ?? ""),
        contact.name,
      ),
    );
  }
  metrics.push({ metric: "secretaria_turns_total", labels: { intent }, inc: 1 });
  return done();
}
