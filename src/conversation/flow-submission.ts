/**
 * WhatsApp Flow submissions (nfm_reply) reach the flow that sent them, named by the flow_token the
 * business gave the Flow when it sent it (a template's Flow button, configured in Meta's manager):
 * - a booking flow (token `agenda-…` or `booking-…`, answers `data`/`date` YYYY-MM-DD and
 *   `horario`/`time` HH:MM, optional `servico`/`service`) books that time, as the chat would; a time
 *   that is taken or answers that name no time get the free slots offered instead;
 * - any other flow (no token, a token we did not give) is stored with its answers (the message body)
 *   and acknowledged with a fixed text: no guess by the assistant over a form it does not know.
 */
import { commaName, say } from "../agenda/messages";
import { bookAppointment, label, localeOf, slotOf, type AgendaCtx } from "../agenda/service";
import type { TurnMessage } from "../inbound/messages";
import { zonedTimeToUtc } from "../lib/time-zone";
import type { Contact } from "../store/types";
import type { AgendaState } from "../tenants/state";
import { agendaTurn, type AgendaReply, type AgendaStateWriter } from "./agenda-flow";

export const BOOKING_FLOW_TOKEN = /^(agenda|booking)[-:_.]/i;

export type FlowKind = "booking" | "unknown";
export const flowKind = (flow: NonNullable<TurnMessage["flow"]>): FlowKind => (flow.token && BOOKING_FLOW_TOKEN.test(flow.token) ? "booking" : "unknown");

/** The answers as an object of strings (a Flow's answers are JSON text, bounded at the webhook). */
function answersOf(flow: NonNullable<TurnMessage["flow"]>): Record<string, string> {
  try {
    const parsed = JSON.parse(flow.response) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).flatMap(([k, v]) => (typeof v === "string" || typeof v === "number" ? [[k, String(v)]] : [])));
  } catch {
    return {};
  }
}

/** The instant a booking flow asked for, in the tenant's zone; null when the answers name no valid time. */
export function requestedStart(answers: Record<string, string>, timeZone: string): Date | null {
  const date = answers.data ?? answers.date;
  const time = answers.horario ?? answers.hora ?? answers.time;
  if (!date || !time || !/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{1,2}:\d{2}$/.test(time)) return null;
  try {
    return zonedTimeToUtc(date, time.padStart(5, "0"), timeZone);
  } catch {
    return null; // 2024-02-30, 25:00: not a time
  }
}

export interface FlowAnswer {
  kind: FlowKind;
  /** What came of it, counted as the turn's intent (`secretaria_turns_total{intent="flow_booked"}`…). */
  outcome: "acknowledged" | "booked" | "slot_taken" | "offered";
  replies: AgendaReply[];
}

export async function answerFlow(
  ctx: AgendaCtx,
  tenant: AgendaStateWriter,
  p: { contact: Contact; phone: string; flow: NonNullable<TurnMessage["flow"]>; turnId: string; index: number; state: AgendaState | null },
): Promise<FlowAnswer> {
  const locale = localeOf(ctx);
  const kind = flowKind(p.flow);
  if (kind === "unknown") return { kind, outcome: "acknowledged", replies: [say(locale, "flowReceived")] };

  const answers = answersOf(p.flow);
  const start = requestedStart(answers, ctx.company.timeZone);
  if (start) {
    // The turn id (and the submission's place in it) makes a retried turn find its booking, never book twice.
    const booked = await bookAppointment(
      ctx,
      p.contact,
      { start: start.toISOString() },
      { source: "whatsapp", idempotencyKey: `${p.turnId}:flow${p.index}`, service: answers.servico ?? answers.service },
    );
    if (booked.ok) return { kind, outcome: "booked", replies: [say(locale, "booked", { name: commaName(p.contact.name), slot: label(ctx, slotOf(booked.value)) })] };
  }
  // Taken, outside the hours, or no time named: the chat's own offer of free slots (its state kept in the DO).
  const offer = await agendaTurn(ctx, tenant, { contact: p.contact, phone: p.phone, text: "", intent: "appointment_request", turnId: p.turnId, state: p.state });
  const replies = offer.handled ? offer.replies : [];
  return { kind, outcome: start ? "slot_taken" : "offered", replies: start ? [say(locale, "slotTaken"), ...replies] : replies };
}
