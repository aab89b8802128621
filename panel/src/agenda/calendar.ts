/**
 * The day and week calendar: per day, the tenant's opening hours cut into slots (slot length +
 * buffer, as the server's slot engine does), the appointments placed on their slot and the free
 * slots as buttons that open "Novo agendamento". A week is seven columns on a laptop and a list of
 * days on a phone (styles.css), so the page never scrolls sideways.
 */
import { el } from "../dom";
import { lookup, t } from "../i18n";
import { contactLabel } from "../phone";
import { can } from "../ui/can";
import { openBooking } from "./booking";
import { openDetails } from "./details";
import { isRisky } from "./risk";
import type { Data, Screen } from "./screen";
import { addDays, formatDay, formatTime, hhmm, instantOf, minutesOf, today, weekdayOf, zoned } from "./time";
import type { Appointment, Slot } from "./types";

interface Entry {
  minute: number;
  appointments: Appointment[];
  free: Slot | null;
}

export function calendarView(s: Screen, from: string, count: number, data: Data): HTMLElement {
  const days = Array.from({ length: count }, (_, i) => addDays(from, i));
  return el("div", { id: "agenda-calendar", class: `cal ${count === 1 ? "cal-day" : "cal-week"}` }, ...days.map((d) => dayColumn(s, d, data, count === 1)));
}

function dayColumn(s: Screen, date: string, data: Data, wide: boolean): HTMLElement {
  const cal = s.settings.calendar;
  const closed = cal.closedDates.includes(date);
  const intervals = closed ? [] : (cal.weeklyHours[weekdayOf(date)] ?? []);
  const entries = new Map<number, Entry>();
  const at = (minute: number) => {
    let e = entries.get(minute);
    if (!e) entries.set(minute, (e = { minute, appointments: [], free: null }));
    return e;
  };
  const grid: number[] = [];
  for (const i of intervals)
    for (let m = minutesOf(i.start); m + cal.slotMinutes <= minutesOf(i.end); m += cal.slotMinutes + cal.bufferMinutes) {
      grid.push(m);
      at(m);
    }
  // An appointment sits on the slot it starts in; one outside the hours still shows, at its own time.
  for (const a of data.appointments) {
    const z = zoned(Date.parse(a.starts_at), s.tz);
    if (z.date !== date || a.status === "cancelled") continue;
    at(grid.find((m) => m <= z.minute && z.minute < m + cal.slotMinutes) ?? z.minute).appointments.push(a);
  }
  for (const slot of data.slots) {
    const z = zoned(Date.parse(slot.start), s.tz);
    if (z.date === date) at(z.minute).free = slot;
  }
  const hours = closed ? t("agenda.cal.closedDate") : intervals.length ? intervals.map((i) => `${i.start}–${i.end}`).join(" · ") : t("agenda.cal.closed");
  const isToday = date === today(s.tz);
  // A slot already gone with nothing in it says nothing: the past only shows what happened in it.
  const now = Date.now();
  const list = [...entries.values()].filter((e) => e.appointments.length || e.free || instantOf(date, e.minute, s.tz) >= now).sort((a, b) => a.minute - b.minute);
  return el(
    "section",
    { class: `cal-col${isToday ? " today" : ""}`, "data-date": date, "aria-label": formatDay(date, { weekday: "long", day: "numeric", month: "long" }) },
    el("h3", {}, formatDay(date), isToday ? el("span", { class: "badge" }, t("agenda.today")) : ""),
    el("p", { class: "muted cal-hours" }, hours),
    list.length ? el("ul", { class: "cal-slots" }, ...list.map((e) => slotItem(s, e, wide))) : el("p", { class: "muted cal-empty" }, t("agenda.cal.nothing")),
  );
}

function slotItem(s: Screen, e: Entry, wide: boolean): HTMLElement {
  const time = hhmm(e.minute);
  const li = el("li", { class: e.appointments.length ? "busy" : e.free ? "free" : "past" });
  li.append(el("span", { class: "cal-time" }, time));
  const box = el("div", { class: "cal-items" });
  for (const a of e.appointments) {
    const risky = isRisky(a, s.settings.risk.threshold);
    const b = el(
      "button",
      { type: "button", class: `cal-appt st-${a.status}${risky ? " risky" : ""}`, "data-id": String(a.id), "data-key": `appt-${a.id}` },
      // A week's column is narrow: the name alone (the phone when there is none); the day shows both.
      el("span", { class: "who" }, wide || !a.contact?.name ? contactLabel(a.contact) : a.contact.name),
      el(
        "small",
        {},
        // Start–end: a service longer than one slot shows the time it really holds.
        [`${formatTime(a.starts_at, s.tz)}–${formatTime(a.ends_at, s.tz)}`, lookup("status.appointment", a.status, "status.unknown"), risky ? t("agenda.cal.risky") : ""]
          .filter(Boolean)
          .join(" · "),
      ),
      ...(a.service ? [el("small", { class: "cal-service" }, a.service)] : []),
    );
    b.addEventListener("click", () => openDetails(s, a));
    box.append(b);
  }
  const slot = e.free;
  // A role that may not book (viewer) still sees which times are free, as text.
  if (slot && !can(s.ctx, "agenda:write")) box.append(el("span", { class: "muted" }, t("agenda.cal.free")));
  else if (slot) {
    const b = el(
      "button",
      { type: "button", class: "cal-free", "data-start": slot.start, "data-key": `free-${slot.start}`, "aria-label": t("agenda.cal.freeAria", { time }) },
      t("agenda.cal.free"),
    );
    b.addEventListener("click", () => openBooking(s, slot));
    box.append(b);
  } else if (!e.appointments.length) box.append(el("span", { class: "muted" }, t("agenda.cal.unavailable")));
  li.append(box);
  return li;
}
