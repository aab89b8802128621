/**
 * Acting on risk (the seeds' auto_reschedule_service): upcoming appointments whose no-show
 * probability reaches the tenant's threshold (0.8), or whose reminder went unanswered, are marked
 * high risk and their contact is offered better slots — the tenant's suggested weekday × hour
 * windows first — with "1" answering at once (agenda state in the TenantDO) and MANTER keeping
 * the current time. Each appointment is flagged once and offered once.
 */
import { type OutboundPayload, payloadText } from "../channels/types";
import { queueOutbound } from "../outbox/queue";
import type { AgendaState } from "../tenants/state";
import { CalendarSettings } from "../agenda/calendar";
import { commaName, fill, numbered, say, slotList } from "../agenda/messages";
import { pickVariant, recordSent } from "../experiments/send";
import { tenantText } from "../experiments/targets";
import { freeSlots, label, localeOf, slotOf, type AgendaCtx } from "../agenda/service";
import type { Slot } from "../agenda/types";
import type { Appointment, Contact, HistoryRecord, RiskFactor, StoredInsight } from "../store/types";
import { recordMetrics, tenantStub } from "../tenants/stubs";
import { currentModel, scoreMany, scoreUpcoming, toRiskInput } from "./service";
import { HOUR_MS, MINUTE_MS, ZoneClock } from "../lib/time-zone";

export const KEEP_ROW_ID = "slot:keep";

/** Why an at-risk appointment got no offer, as a code (the panel translates it) and the API's English text. */
export const SKIPS = {
  calendar_unavailable: "the calendar did not answer",
  no_better_slot: "no better free slot",
  already_offered: "already offered",
  opted_out: "the contact opted out of messages",
  confirmed: "confirmed by the contact",
} as const;
export type SkipCode = keyof typeof SKIPS;

export type RiskWhy = "risk" | "unanswered_reminder";

export interface RiskCase {
  appointmentId: number;
  contact: { id: number; phone: string; name: string | null } | null;
  startsAt: string;
  noShowProb: number;
  reasons: string[];
  factors: RiskFactor[];
  why: RiskWhy[];
  action: "offered" | "skipped";
  /** Why it was skipped (already offered, confirmed, no free slot, opted out), in English for logs and integrations. */
  detail?: string;
  detailCode?: SkipCode;
  options?: (Slot & { label: string })[];
  /** The offer's text as the contact reads it (outside the 24 h window it goes as the `reschedule` template). */
  message?: string;
  messageId?: number | null;
}

/** Free slots ordered for an at-risk appointment: suggested windows, then the best-scored, then soonest. */
export function rankSlots(slots: readonly Slot[], insights: readonly StoredInsight[], timeZone: string, currentStart: number): Slot[] {
  const zone = new ZoneClock(timeZone);
  const bySlot = new Map(insights.map((i) => [i.weekday * 24 + i.hour, i]));
  const current = bySlot.get(zone.slotOf(currentStart));
  const info = (s: Slot) => bySlot.get(zone.slotOf(Date.parse(s.start)));
  return (
    slots
      .filter((s) => Date.parse(s.start) !== currentStart)
      .map((s) => ({ s, i: info(s), t: Date.parse(s.start) }))
      // A window known to be worse than the current one is no offer at all.
      .filter(({ i }) => !current || !i || i.noShowProb < current.noShowProb)
      .sort((a, b) => Number(b.i?.suggestedSlot ?? false) - Number(a.i?.suggestedSlot ?? false) || (b.i?.score ?? -1) - (a.i?.score ?? -1) || a.t - b.t)
      .map(({ s }) => s)
  );
}

/** The offer as an interactive list (text on channels without lists): options plus "keep my time". */
function offerPayload(ctx: AgendaCtx, contact: Contact, appointment: { startsAt: number; endsAt: number }, options: Slot[], variant: string | null): ListPayload {
  const locale = localeOf(ctx);
  const labels = options.map((o) => label(ctx, o));
  const vars = { name: commaName(contact.name), business: ctx.company.name, current: label(ctx, slotOf(appointment)), options: numbered(labels) };
  const body = variant === null ? tenantText(ctx.profile, "riskOffer", locale, vars) : fill(variant, vars);
  return slotList(locale, body, labels, [{ id: KEEP_ROW_ID, title: say(locale, "keepOption").slice(0, 24) }]);
}

type ListPayload = Extract<OutboundPayload, { kind: "list" }>;

/** What one auto-reschedule run looks up once: free slots, insights, and the slots already offered. */
interface OfferCache {
  slots?: Slot[] | null;
  insights?: StoredInsight[];
  promised?: Map<string, number>;
}

/**
 * Builds the better-slot offer for one appointment, remembers it in the contact's agenda state,
 * hands it to `deliver` (if given) and only then marks the appointment offered, so a failed send
 * leaves it to be offered again (the send itself is idempotent by its client ref).
 * `dryRun` builds the same offer and stops there: nothing remembered, sent, marked or counted.
 */
export async function prepareOffer(
  ctx: AgendaCtx,
  contact: Contact,
  appointment: { id: number; startsAt: number; endsAt: number },
  cache: OfferCache = {},
  deliver?: (payload: ListPayload) => Promise<number | null>,
  dryRun = false,
): Promise<{ options: Slot[]; payload: ListPayload; messageId: number | null } | { skipped: SkipCode }> {
  if (cache.slots === undefined) {
    const found = await freeSlots(ctx);
    cache.slots = found.ok ? found.value : null;
  }
  if (!cache.slots) return { skipped: "calendar_unavailable" };
  cache.insights ??= await ctx.store.scheduling.insights(ctx.company.id);
  // One run never promises a slot to more contacts than it has places (Cal.com: one).
  const places = ctx.profile.agenda.provider === "calcom" ? 1 : CalendarSettings.parse(ctx.profile.agenda.calendar).capacity;
  const promised = (cache.promised ??= new Map());
  const options = rankSlots(cache.slots, cache.insights, ctx.company.timeZone, appointment.startsAt)
    .filter((o) => (promised.get(o.start) ?? 0) < places)
    .slice(0, ctx.profile.agenda.offerCount);
  if (options.length === 0) return { skipped: "no_better_slot" };
  // A preview shows the tenant's text; a real offer goes through a running A/B test, if any.
  const pick = dryRun ? null : await pickVariant(ctx.store, ctx.company.id, ctx.profile, "purpose:reschedule_offer", contact.id);
  const payload = offerPayload(ctx, contact, appointment, options, pick?.text ?? null);
  if (dryRun) {
    for (const o of options) promised.set(o.start, (promised.get(o.start) ?? 0) + 1);
    return { options, payload, messageId: null };
  }
  const state: AgendaState = { stage: "choosing", purpose: "reschedule", options, appointmentId: appointment.id, offer: "risk" };
  await tenantStub(ctx.env, ctx.company.id).setAgendaState(contact.phone, state, Math.max(HOUR_MS, appointment.startsAt - Date.now()));
  const messageId = deliver ? await deliver(payload) : null;
  if (!(await ctx.store.scheduling.markOffered(ctx.company.id, appointment.id, Date.now()))) return { skipped: "already_offered" };
  if (pick) await recordSent(ctx.env, ctx.store, ctx.company.id, pick, contact.id, `riskoffer:${appointment.id}`);
  for (const o of options) promised.set(o.start, (promised.get(o.start) ?? 0) + 1);
  await recordMetrics(ctx.env, ctx.company.id, [{ metric: "secretaria_appointments_auto_rescheduled_total", labels: {}, inc: 1 }]);
  return { options, payload, messageId };
}

/** Marks the appointment high risk; only the first time counts in the metric. */
async function flagHighRisk(ctx: AgendaCtx, appointmentId: number, reason: RiskWhy, now: number): Promise<void> {
  if (await ctx.store.scheduling.flagHighRisk(ctx.company.id, appointmentId, now)) {
    await recordMetrics(ctx.env, ctx.company.id, [{ metric: "secretaria_appointments_risk_high_total", labels: { reason }, inc: 1 }]);
  }
}

/** True when the appointment's latest reminder went out long enough ago and got no answer. */
async function reminderUnanswered(ctx: AgendaCtx, a: HistoryRecord, now: number): Promise<boolean> {
  if (!a.reminderSent || a.reminderAnswered || a.status !== "scheduled") return false;
  const tasks = await ctx.store.appointmentTasks.list(ctx.company.id, a.id);
  const sentAt = Math.max(0, ...tasks.filter((t) => t.kind === "reminder" && t.status === "done").map((t) => t.doneAt ?? 0));
  return sentAt > 0 && sentAt <= now - ctx.profile.agenda.risk.unansweredReminderMinutes * MINUTE_MS;
}

/**
 * The panel button and the daily run: finds high-risk appointments ahead and contacts each once.
 * `dryRun` (the panel's preview) answers who would be contacted and with what text, and changes nothing.
 */
export async function autoReschedule(
  ctx: AgendaCtx,
  now = Date.now(),
  dryRun = false,
): Promise<{ threshold: number; scanned: number; contacted: RiskCase[]; skipped: RiskCase[] }> {
  const settings = ctx.profile.agenda.risk;
  const model = await currentModel(ctx.store, ctx.company, now);
  const scored = await scoreUpcoming(ctx.store, ctx.company, model, now, now + settings.horizonHours * HOUR_MS, now);
  const contacted: RiskCase[] = [];
  const skipped: RiskCase[] = [];
  const cache: OfferCache = {};
  for (const { appointment: a, prediction } of scored) {
    const why: RiskWhy[] = [];
    if (prediction.noShowProb >= settings.threshold) why.push("risk");
    if (await reminderUnanswered(ctx, a, now)) why.push("unanswered_reminder");
    if (why.length === 0) continue;
    if (!dryRun) await flagHighRisk(ctx, a.id, why[0] ?? "risk", now);
    const contact = await ctx.store.contacts.byId(ctx.company.id, a.contactId);
    const base: RiskCase = {
      appointmentId: a.id,
      contact: contact ? { id: contact.id, phone: contact.phone, name: contact.name } : null,
      startsAt: new Date(a.startsAt).toISOString(),
      noShowProb: prediction.noShowProb,
      reasons: prediction.reasons,
      factors: prediction.factors,
      why,
      action: "skipped",
    };
    const skip = (code: SkipCode) => skipped.push({ ...base, detail: SKIPS[code], detailCode: code });
    if (!contact || contact.optedOut) {
      skip("opted_out");
      continue;
    }
    // A contact who confirmed has said they are coming: no nudge to move.
    if (a.status === "confirmed") {
      skip("confirmed");
      continue;
    }
    if (a.rescheduleOfferedAt !== null) {
      skip("already_offered");
      continue;
    }
    const clientRef = `riskoffer:${a.id}`;
    const offer = await prepareOffer(
      ctx,
      contact,
      a,
      cache,
      async (payload) => {
        const conversation = await ctx.store.conversations.open(ctx.company.id, contact.id, now);
        return queueOutbound(ctx.env, ctx.store, {
          company: ctx.company,
          contact,
          conversation,
          clientRef,
          payload,
          correlationId: clientRef,
          author: "system",
          purpose: "reschedule",
        });
      },
      dryRun,
    );
    if ("skipped" in offer) {
      skip(offer.skipped);
      continue;
    }
    contacted.push({
      ...base,
      action: "offered",
      options: offer.options.map((o) => ({ ...o, label: label(ctx, o) })),
      message: payloadText(offer.payload),
      ...(dryRun ? {} : { messageId: offer.messageId }),
    });
  }
  return { threshold: settings.threshold, scanned: scored.length, contacted, skipped };
}

/**
 * In the chat (the seeds' `_handle_agenda_flow`): a contact about to confirm a high-risk appointment
 * is first offered the better slots, once. Null when the appointment is not high risk (or was offered).
 */
export async function offerBeforeConfirming(ctx: AgendaCtx, contact: Contact, a: Appointment): Promise<ListPayload | null> {
  if (a.status !== "scheduled" || a.rescheduleOfferedAt !== null || a.provider === "import") return null;
  const now = Date.now();
  const [record] = (await ctx.store.scheduling.history(ctx.company.id, { from: a.startsAt, to: a.startsAt + 1, limit: 50, contactIds: [a.contactId] })).filter(
    (r) => r.id === a.id,
  );
  if (!record) return null;
  const model = await currentModel(ctx.store, ctx.company, now, { train: false });
  const [prediction] = await scoreMany(ctx.store, ctx.company, model, [{ contactId: a.contactId, input: toRiskInput(record) }], now);
  if (!prediction || prediction.noShowProb < ctx.profile.agenda.risk.threshold) return null;
  await ctx.store.scheduling.setRisk(ctx.company.id, [{ id: a.id, prob: prediction.noShowProb, reasons: prediction.factors }], now);
  await flagHighRisk(ctx, a.id, "risk", now);
  const offer = await prepareOffer(ctx, contact, a);
  return "skipped" in offer ? null : offer.payload;
}
