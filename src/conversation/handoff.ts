import type { ContextEntry } from "../tenants/state";
import { publish } from "../events/publish";
import { businessEvent } from "../events/types";
import type { NotifyJob } from "../jobs/notify";
import { maskPhone } from "../lib/phone";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Company, Contact, Conversation, Store, User } from "../store/types";
import type { CompanyProfile } from "../tenants/profile";
import { foldText, type Intent } from "./intents";
import { dayDiff, zonedParts } from "../lib/time-zone";
import { type BusinessHours, isOpenAt, nextOpeningAt } from "../tenants/business-hours";
import type { Locale } from "./templates";

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
  await publish(env, store, [
    businessEvent("handoff.started", p.company.id, `${p.conversation.id}:${at}`, {
      conversation_id: p.conversation.id,
      contact_id: p.contact.id,
      trigger: p.trigger,
      assignee_id: assignee?.id ?? null,
    }),
  ]);
  const url = p.profile.handoff.notifyUrl;
  if (url) {
    const hours = p.profile.businessHours;
    const backAt = isOpenAt(hours, p.company.timeZone, at) ? null : nextOpeningAt(hours, p.company.timeZone, at);
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
          // Out of business hours: when the team is back (the SLA clock starts then).
          back_at: backAt === null ? null : new Date(backAt).toISOString(),
        },
      },
    };
    await env.JOBS_QUEUE.send(job, { contentType: "json" });
  }
  return { changed, events: [{ metric: "secretaria_handoffs_total", labels: { trigger: p.trigger }, inc: 1 }], assignee };
}

/** "Nossa equipe volta {when}." per locale: today, tomorrow, a weekday within the week, else the date. */
const BACK_AT: Record<Locale, { sentence: string; today: string; tomorrow: string; weekday: readonly string[]; date: string }> = {
  "pt-BR": {
    sentence: "Nossa equipe volta {when}.",
    today: "hoje às {time}",
    tomorrow: "amanhã às {time}",
    weekday: ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"].map((d) => `${d} às {time}`),
    date: "no dia {dd}/{mm} às {time}",
  },
  en: {
    sentence: "Our team is back {when}.",
    today: "today at {time}",
    tomorrow: "tomorrow at {time}",
    weekday: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].map((d) => `on ${d} at {time}`),
    date: "on {month} {d} at {time}",
  },
  es: {
    sentence: "Nuestro equipo vuelve {when}.",
    today: "hoy a las {time}",
    tomorrow: "mañana a las {time}",
    weekday: ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"].map((d) => `el ${d} a las {time}`),
    date: "el {dd}/{mm} a las {time}",
  },
};
const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAY_INDEX = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 } as const;

/**
 * What a handoff outside business hours adds to its reply: when a person is back, on the tenant's wall
 * clock and in its locale ("Nossa equipe volta amanhã às 08:00."); null while open (or never open).
 * @example backAtNote(hours, "America/Sao_Paulo", "pt-BR", fridayEvening) // "Nossa equipe volta segunda-feira às 08:00."
 */
export function backAtNote(hours: BusinessHours, timeZone: string, locale: Locale, now: number): string | null {
  if (isOpenAt(hours, timeZone, now)) return null;
  const back = nextOpeningAt(hours, timeZone, now);
  if (back === null || back <= now) return null;
  const local = zonedParts(back, timeZone);
  const days = dayDiff(zonedParts(now, timeZone).date, local.date);
  const t = BACK_AT[locale];
  const [, mm = "", dd = ""] = local.date.split("-");
  const when = days === 0 ? t.today : days === 1 ? t.tomorrow : days < 7 ? (t.weekday[WEEKDAY_INDEX[local.weekday]] ?? t.date) : t.date;
  const filled = when
    .replace("{time}", local.time)
    .replace("{dd}", dd)
    .replace("{mm}", mm)
    .replace("{d}", String(Number(dd)))
    .replace("{month}", MONTHS_EN[Number(mm) - 1] ?? mm);
  return t.sentence.replace("{when}", filled);
}

/** A handoff's reply to the contact, with when the team is back when it is out of hours (template and LLM paths alike). */
export function withBackAt(text: string, p: { company: Company; profile: CompanyProfile; locale: Locale; now: number }): string {
  const note = backAtNote(p.profile.businessHours, p.company.timeZone, p.locale, p.now);
  return note ? `${text} ${note}` : text;
}
