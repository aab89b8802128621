import type { AgendaState } from "../tenants/state";
import { publish } from "../events/publish";
import { businessEvent } from "../events/types";
import { detectIntent, type Intent } from "./intents";
import { detectSentiment } from "./sentiment";
import type { OutboundPayload } from "../channels/types";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Appointment, Contact } from "../store/types";
import { commaName, numbered, say, slotList } from "../agenda/messages";
import { bookAppointment, cancelAppointment, confirmAppointment, freeSlots, label, localeOf, rescheduleAppointment, slotOf, type AgendaCtx } from "../agenda/service";
import { isSlotRefusal, type Slot } from "../agenda/types";
import { matchSlots, parseChoice, parseWhen } from "../agenda/when";
import { describeWhen, isRangeQuery } from "../agenda/when-describe";
import { searchWindow } from "../agenda/when-window";
import { spreadOverDays } from "../agenda/offer-spread";
import { calendarSettings } from "../agenda/builtin";
import { serviceNamed } from "./knowledge-match";
import { KEEP_ROW_ID, offerBeforeConfirming } from "../scheduling/auto-reschedule";
import { contactHistory } from "../scheduling/preferences";
import { rankForContact } from "../scheduling/slot-ranking";

/** "manter", "keep", "mantener": stay with the current time when better slots were offered. */
const KEEP = /\b(mant(er|enho|ém|em|ener|engo)|keep)\b/i;

/** Where the flow leaves the contact's booking state: the turn hands it to the DO when it finishes. */
export interface AgendaStateWriter {
  setAgendaState(contact: string, state: AgendaState | null, ttlMs?: number): Promise<void>;
}

/** A reply of the agenda: text, or the slot offer as an interactive list (text on channels without lists). */
export type AgendaReply = string | Extract<OutboundPayload, { kind: "list" }>;

export type AgendaTurn = { handled: false } | { handled: true; replies: AgendaReply[]; events: MetricEvent[]; handoff?: "followup_negative" };

const replies = (...texts: AgendaReply[]): AgendaTurn => ({ handled: true, replies: texts, events: [] });

/**
 * The booking conversation. Its state (offered options, a pending reminder, an awaited follow-up)
 * lives in the tenant's Durable Object, so "1" resolves at once; anything the agenda does not
 * understand falls through to the normal reply (the state stays until it expires).
 */
export async function agendaTurn(
  ctx: AgendaCtx,
  tenant: AgendaStateWriter,
  p: { contact: Contact; phone: string; text: string; intent: Intent; turnId: string; replyIds?: string[]; state: AgendaState | null },
): Promise<AgendaTurn> {
  const { state } = p;
  const locale = localeOf(ctx);

  const offer = async (purpose: "book" | "reschedule", appointment?: Appointment): Promise<AgendaTurn> => {
    // A move keeps the appointment's service; a new booking takes the one the message names (or the one named before, or the usual one).
    const history = await contactHistory(ctx, p.contact);
    const named =
      purpose === "book"
        ? (serviceNamed(p.text, ctx.profile.knowledge.services) ?? (state?.stage === "choosing" ? state.service : undefined) ?? history?.preferences.service)
        : undefined;
    const service = appointment?.service ?? named;
    // The message first: "semana que vem" or "dia 10 de fevereiro" is searched where it lies, not in the next days.
    const nowMs = Date.now();
    const when = parseWhen(p.text, { now: new Date(nowMs).toISOString(), timeZone: ctx.company.timeZone, locale });
    const horizonDays = ctx.profile.agenda.provider === "calcom" ? undefined : calendarSettings(ctx.profile.agenda).horizonDays;
    const window = searchWindow(when, { nowMs, timeZone: ctx.company.timeZone, searchDays: ctx.profile.agenda.searchDays, horizonDays });
    const found = await freeSlots(ctx, window.fromMs, window.days, service ?? undefined);
    if (!found.ok) return replies(say(locale, "noSlots", { when: "" }));
    const wanted = when ? matchSlots(found.value, when, ctx.company.timeZone) : found.value;
    // "o quanto antes" asks for the earliest: habits and risk do not reorder it, nor does spreading over days.
    const ranked = when?.soonest ? wanted : (await rankForContact(ctx, p.contact, history, wanted)).slots;
    const count = ctx.profile.agenda.offerCount;
    // A range without a time ("semana que vem") is answered with different days, not the first morning's three slots.
    const spread = isRangeQuery(when) && when.time === undefined && !when.soonest;
    const options = spread ? spreadOverDays(ranked, count, ctx.company.timeZone) : ranked.slice(0, count);
    const reading = when ? describeWhen(when, locale) : "";
    if (options.length === 0) return replies(say(locale, "noSlots", { when: reading ? ` ${reading}` : "" }));
    await tenant.setAgendaState(p.phone, { stage: "choosing", purpose, options, appointmentId: appointment?.id, ...(named ? { service: named } : {}) });
    const labels = options.map((o) => label(ctx, o));
    const list = numbered(labels);
    // The offer says how it read a range or excluded days; a plain day or time shows in the options themselves.
    const told = isRangeQuery(when);
    const vars = { options: list, When: reading.charAt(0).toLocaleUpperCase() + reading.slice(1) };
    const body = appointment
      ? say(locale, told ? "offerRescheduleFor" : "offerReschedule", { ...vars, current: label(ctx, slotOf(appointment)) })
      : say(locale, told ? "offerFor" : "offer", vars);
    return replies(slotList(locale, body, labels));
  };

  const take = async (s: Extract<AgendaState, { stage: "choosing" }>, slot: Slot): Promise<AgendaTurn> => {
    if (s.purpose === "reschedule" && s.appointmentId) {
      const appt = await ctx.store.appointments.byId(ctx.company.id, s.appointmentId);
      const moved = appt ? await rescheduleAppointment(ctx, appt, slot.start, "whatsapp") : null;
      if (moved?.ok) {
        await tenant.setAgendaState(p.phone, null);
        const events: MetricEvent[] = s.offer === "risk" ? [{ metric: "secretaria_appointments_auto_reschedule_accepted_total", labels: {}, inc: 1 }] : [];
        return { handled: true, replies: [say(locale, "rescheduled", { slot: label(ctx, slotOf(moved.value)) })], events };
      }
      if (moved && !isSlotRefusal(moved.code)) return replies(say(locale, "nothingToChange"));
    } else {
      // The turn id makes a retried turn book the same booking, never a second one.
      const booked = await bookAppointment(ctx, p.contact, slot, { source: "whatsapp", idempotencyKey: `${p.turnId}`, service: s.service });
      if (booked.ok) {
        await tenant.setAgendaState(p.phone, null);
        return replies(say(locale, "booked", { name: commaName(p.contact.name), slot: label(ctx, slotOf(booked.value)) }));
      }
      if (!isSlotRefusal(booked.code)) return replies(say(locale, "noSlots", { when: "" }));
    }
    const again = await offer(s.purpose, undefined);
    return again.handled ? { ...again, replies: [say(locale, "slotTaken"), ...again.replies] } : again;
  };

  // Confirming a high-risk appointment: the better slots come first (once), then the confirmation.
  const confirm = async (appt: Appointment): Promise<AgendaTurn> => {
    const better = await offerBeforeConfirming(ctx, p.contact, appt);
    if (better) return replies(better);
    await confirmAppointment(ctx, appt);
    await tenant.setAgendaState(p.phone, null);
    return replies(say(locale, "confirmed", { slot: label(ctx, slotOf(appt)) }));
  };

  if (state?.stage === "choosing" && state.offer === "risk" && state.appointmentId) {
    const keep = p.replyIds?.includes(KEEP_ROW_ID) || KEEP.test(p.text) || p.intent === "confirm";
    const appt = keep ? await ctx.store.appointments.byId(ctx.company.id, state.appointmentId) : null;
    if (appt && ["scheduled", "confirmed"].includes(appt.status)) {
      await confirmAppointment(ctx, appt);
      await tenant.setAgendaState(p.phone, null);
      return replies(say(locale, "kept", { slot: label(ctx, slotOf(appt)) }));
    }
  }

  if (state?.stage === "choosing") {
    // A tapped list row carries its id; a typed answer is parsed.
    const tapped = p.replyIds?.map((id) => /^slot:(\d+)$/.exec(id)?.[1]).find((n) => n !== undefined);
    const index = tapped !== undefined ? Number(tapped) - 1 : parseChoice(p.text, state.options.length);
    if (index !== null && state.options[index]) return take(state, state.options[index]);
    const when = parseWhen(p.text, { now: new Date().toISOString(), timeZone: ctx.company.timeZone, locale });
    if (when) {
      const matches = matchSlots(state.options, when, ctx.company.timeZone);
      const first = matches[0];
      // One offered slot on the named day/time is that choice; a range ("semana que vem") asks for new options.
      if (matches.length === 1 && first && !isRangeQuery(when)) return take(state, first);
      const appt = state.appointmentId ? await ctx.store.appointments.byId(ctx.company.id, state.appointmentId) : null;
      return offer(state.purpose, appt ?? undefined);
    }
  }

  if (state?.stage === "reminded") {
    // Any message while a reminder is pending answers it (a risk-model feature).
    await ctx.store.scheduling.noteReminder(ctx.company.id, state.appointmentId, "answered");
    const appt = await ctx.store.appointments.byId(ctx.company.id, state.appointmentId);
    if (appt && ["scheduled", "confirmed"].includes(appt.status)) {
      if (p.intent === "confirm" || parseChoice(p.text, 1) === 0) return confirm(appt);
      if (p.intent === "reschedule") return offer("reschedule", appt);
      if (p.intent === "cancel") {
        const done = await cancelAppointment(ctx, appt, "whatsapp");
        await tenant.setAgendaState(p.phone, null);
        return replies(done.ok ? say(locale, "cancelled", { slot: label(ctx, slotOf(appt)) }) : say(locale, "nothingToChange"));
      }
    }
  }

  if (state?.stage === "awaiting_followup") {
    const { intent } = detectIntent(p.text, { awaitingFollowup: true });
    const sentiment = detectSentiment(p.text);
    const kind =
      intent === "followup_positive"
        ? "followup_positive"
        : intent === "followup_negative"
          ? "followup_negative"
          : sentiment.label === "positive"
            ? "followup_positive"
            : sentiment.label === "negative"
              ? "followup_negative"
              : "followup_feedback";
    await ctx.store.feedback.add(ctx.company.id, {
      appointmentId: state.appointmentId,
      contactId: p.contact.id,
      kind,
      score: kind === "followup_feedback" ? sentiment.score : kind === "followup_positive" ? Math.max(0.5, sentiment.score) : Math.min(-0.5, sentiment.score),
      text: p.text,
    });
    await publish(ctx.env, ctx.store, [
      businessEvent("followup.answered", ctx.company.id, `${state.appointmentId}`, {
        appointment_id: state.appointmentId,
        contact_id: p.contact.id,
        kind,
        score: sentiment.score,
        text: p.text,
      }),
    ]);
    await tenant.setAgendaState(p.phone, null);
    if (kind === "followup_positive")
      return { handled: true, replies: [say(locale, "followupPositive")], events: [{ metric: "secretaria_appointments_followups_positive_total", labels: {}, inc: 1 }] };
    if (kind === "followup_negative")
      return {
        handled: true,
        replies: [say(locale, "followupNegative")],
        events: [{ metric: "secretaria_appointments_followups_negative_total", labels: {}, inc: 1 }],
        handoff: "followup_negative",
      };
    return replies(say(locale, "followupFeedback"));
  }

  // No agenda state: the intents that start something.
  if (p.intent === "appointment_request") return offer("book");
  if (p.intent === "reschedule" || p.intent === "cancel" || p.intent === "confirm") {
    const appt = await ctx.store.appointments.nextForContact(ctx.company.id, p.contact.id, Date.now());
    if (!appt) return p.intent === "confirm" ? { handled: false } : replies(say(locale, "nothingToChange"));
    if (p.intent === "reschedule") return offer("reschedule", appt);
    if (p.intent === "cancel") {
      const done = await cancelAppointment(ctx, appt, "whatsapp");
      return replies(done.ok ? say(locale, "cancelled", { slot: label(ctx, slotOf(appt)) }) : say(locale, "nothingToChange"));
    }
    return confirm(appt);
  }
  return { handled: false };
}
