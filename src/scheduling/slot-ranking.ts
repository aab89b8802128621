/**
 * The order of a chat offer. It only reorders the slots that matched what the contact asked, so an
 * explicit "sexta de manhã" is never overridden:
 * - the contact's usual weekday and period first (weekday outranks period), otherwise as found;
 * - for a contact whose next booking the model scores at or above the tenant's risk threshold, the
 *   better-attended weekday × hour windows first (what the seeds' suggested slots are for), habits next.
 * Attendance is the model's own slot statistics (smoothed as its slot feature), not the insight rows:
 * they come with the model the risk needs anyway, so the whole offer costs one more statement.
 */
import type { AgendaCtx } from "../agenda/service";
import type { Slot } from "../agenda/types";
import { matchSlots } from "../agenda/when";
import { WEEK_SLOTS, ZoneClock } from "../lib/time-zone";
import type { Appointment, Contact } from "../store/types";
import { smoothedSlotRate, tenantRate } from "./features";
import type { RiskModel } from "./model";
import type { ContactHistory, Preferences } from "./preferences";
import { currentModel, scoreMany, toHistoryRow } from "./service";
import type { RiskInput } from "./history";

/** Attendance of each weekday × hour (Monday 0 h = 0) as the model sees it: thin windows lean to the tenant's mean. */
export function slotAttendance(model: RiskModel): Float64Array {
  const { resolved, noShows, totalResolved, totalNoShows } = model.stats.slots;
  const mean = tenantRate(totalNoShows, totalResolved);
  const out = new Float64Array(WEEK_SLOTS);
  for (let s = 0; s < WEEK_SLOTS; s++) out[s] = 1 - smoothedSlotRate(noShows[s] ?? 0, resolved[s] ?? 0, mean);
  return out;
}

/**
 * Slots reordered: by attendance (when given: a high-risk contact), then by habit, then as they came.
 * Pure; `attendance` is indexed by the tenant-zone weekday × hour.
 */
export function orderOffer<T extends Slot>(slots: readonly T[], p: { preferences: Preferences; timeZone: string; attendance?: Float64Array }): T[] {
  const { weekday, period } = p.preferences;
  const onDay = new Set(weekday ? matchSlots([...slots], { weekday }, p.timeZone).map((s) => s.start) : []);
  const inPeriod = new Set(period ? matchSlots([...slots], { period }, p.timeZone).map((s) => s.start) : []);
  const zone = new ZoneClock(p.timeZone);
  const attendance = p.attendance;
  return slots
    .map((s, i) => ({
      s,
      i,
      habit: (onDay.has(s.start) ? 2 : 0) + (inPeriod.has(s.start) ? 1 : 0),
      attended: attendance ? (attendance[zone.slotOf(Date.parse(s.start))] ?? 0) : 0,
    }))
    .sort((a, b) => b.attended - a.attended || b.habit - a.habit || a.i - b.i)
    .map(({ s }) => s);
}

/** A past or booked appointment as the model's history row (a live booking has no attrs; its last message is not needed for history). */
const asHistoryRow = (a: Appointment) => toHistoryRow({ ...a, confirmed: a.confirmedAt !== null || a.status === "confirmed", lastContactAt: null, attrs: {} });

/** The booking this offer would make first, as the chat would score it right after booking: now, no reminder yet, the contact just wrote. */
function nextBooking(slot: Slot, now: number): RiskInput {
  const startsAt = Date.parse(slot.start);
  return { externalId: "offer", contact: "", bookedAt: now, startsAt, endsAt: Date.parse(slot.end), reminderSent: false, confirmed: false, lastContactAt: now, attrs: {} };
}

export interface RankedOffer<T> {
  slots: T[];
  /** The model's no-show probability for the first matched slot; null when nothing was scored (no history, nothing to reorder). */
  risk: number | null;
  highRisk: boolean;
}

/**
 * The offer's order for this contact. A contact with no history, or fewer than two slots, costs
 * nothing and keeps today's order; otherwise one statement (the tenant's model) scores their risk.
 */
export async function rankForContact<T extends Slot>(ctx: AgendaCtx, contact: Contact, history: ContactHistory | null, slots: T[], now = Date.now()): Promise<RankedOffer<T>> {
  const first = slots[0];
  if (!history || !first || slots.length < 2) return { slots, risk: null, highRisk: false };
  const model = await currentModel(ctx.store, ctx.company, now, { train: false });
  const [prediction] = await scoreMany(ctx.store, ctx.company, model, [{ contactId: contact.id, input: nextBooking(first, now) }], now, history.appointments.map(asHistoryRow));
  const risk = prediction?.noShowProb ?? null;
  const highRisk = risk !== null && risk >= ctx.profile.agenda.risk.threshold;
  const ordered = orderOffer(slots, { preferences: history.preferences, timeZone: ctx.company.timeZone, ...(highRisk ? { attendance: slotAttendance(model) } : {}) });
  return { slots: ordered, risk, highRisk };
}
