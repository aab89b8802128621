import type { ContextEntry } from "../tenants/state";
import type { NotifyJob } from "../jobs/notify";
import { maskPhone } from "../lib/phone";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Company, Contact, Conversation, Store, User } from "../store/types";
import type { CompanyProfile } from "../tenants/profile";
import { foldText, type Intent } from "./intents";

export type HandoffTrigger = "human_request" | "keyword" | "negative_sentiment" | "assistant_cannot_help" | "operator" | "agent_reply" | "followup_negative";

export const HANDOFF_REASONS: Record<HandoffTrigger, string> = {
  human_request: "o cliente pediu para falar com uma pessoa",
  keyword: "mensagem com palavra-chave de atendimento humano",
  negative_sentiment: "insatisfação repetida do cliente",
  assistant_cannot_help: "a assistente não conseguiu ajudar",
  operator: "um atendente assumiu a conversa",
  agent_reply: "um atendente respondeu pela conversa",
  followup_negative: "avaliação negativa após o atendimento",
};

/** Trailing run of contact turns in the short context that match `pred` (assistant turns in between are skipped). */
function streak(context: ContextEntry[], pred: (e: ContextEntry) => boolean): number {
  let n = 0;
  for (let i = context.length - 1; i >= 0; i--) {
    const e = context[i];
    if (e?.role !== "contact") continue;
    if (!pred(e)) break;
    n++;
  }
  return n;
}

/**
 * Whether this turn hands the conversation to a person, before any reply is generated: the contact
 * asked for one, used one of the tenant's keywords, has been unhappy for several turns, or the
 * assistant has failed to understand them several turns in a row.
 */
export function handoffTrigger(p: {
  intent: Intent;
  text: string;
  sentiment: "positive" | "neutral" | "negative";
  context: ContextEntry[];
  profile: CompanyProfile;
}): HandoffTrigger | null {
  if (p.intent === "human_request") return "human_request";
  const folded = ` ${foldText(p.text)} `;
  if (p.profile.handoff.keywords.some((k) => folded.includes(` ${foldText(k)} `) || folded.includes(foldText(k)))) return "keyword";
  if (p.sentiment === "negative" && streak(p.context, (e) => e.sentiment === "negative") + 1 >= p.profile.handoff.negativeTurns) return "negative_sentiment";
  if (p.intent === "unknown" && streak(p.context, (e) => e.handled === false) + 1 >= p.profile.handoff.unhandledTurns) return "assistant_cannot_help";
  return null;
}

/** A short, number-masked summary for the notification: the last things the contact said. */
export function handoffSummary(context: ContextEntry[], turnText: string): string {
  const said = [...context.filter((e) => e.role === "contact").map((e) => e.text), turnText].slice(-3);
  return said.map((t) => `• ${t.length > 140 ? `${t.slice(0, 139)}…` : t}`).join("\n");
}

/**
 * Switches the conversation to a person (once), assigns it, counts it, and queues the tenant's
 * notification. Returns false when it already was with a person.
 * The assignee is `assignTo` (a signed-in person who replied) or the next available person of the
 * tenant, claimed before the status flips so that the flip writes both in one UPDATE; nobody
 * available leaves it in the team queue. Cost: 2 statements for the claim (uncontended) + the
 * UPDATE + the audit row, on handoffs only; an ordinary turn pays nothing.
 */
export async function startHandoff(
  env: Env,
  store: Store,
  p: { company: Company; profile: CompanyProfile; contact: Contact; conversation: Conversation; trigger: HandoffTrigger; summary: string; assignTo?: number },
): Promise<{ changed: boolean; events: MetricEvent[]; assignee: User | null }> {
  const at = Date.now();
  // Read as "bot" but handed over meanwhile: the claim is wasted (that person waits one turn more), never doubled.
  const assignee = p.conversation.status !== "bot" ? null : p.assignTo !== undefined ? await store.users.byId(p.assignTo) : await store.assignment.claimNext(p.company.id, at);
  const changed = await store.conversations.handoff(p.company.id, p.conversation.id, p.trigger, at, assignee?.id ?? null);
  if (!changed) return { changed, events: [], assignee: null };
  await store.auditLogs.append(p.company.id, {
    actor: "bot",
    action: "conversation.handoff",
    target: `conversation:${p.conversation.id}`,
    detail: { trigger: p.trigger, assigned_user_id: assignee?.id ?? null },
  });
  const url = p.profile.handoff.notifyUrl;
  if (url) {
    const who = p.contact.name ? `${p.contact.name} (${maskPhone(p.contact.phone)})` : maskPhone(p.contact.phone);
    const job: NotifyJob = {
      kind: "notify",
      companyId: p.company.id,
      url,
      dedupKey: `handoff:${p.conversation.id}:${at}`,
      generation: 0,
      body: {
        text: `🔔 ${p.company.name}: a conversa com ${who} passou para atendimento humano (${HANDOFF_REASONS[p.trigger]}); ${assignee ? `atendente: ${assignee.name}` : "na fila da equipe"}.\n${p.summary}`,
        secretaria: {
          event: "conversation.handoff",
          company: p.company.slug,
          conversation_id: p.conversation.id,
          trigger: p.trigger,
          sla_minutes: p.profile.handoff.slaMinutes,
          assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
        },
      },
    };
    await env.JOBS_QUEUE.send(job, { contentType: "json" });
  }
  return { changed, events: [{ metric: "secretaria_handoffs_total", labels: { trigger: p.trigger }, inc: 1 }], assignee };
}
