/**
 * The calendar's rules: weekly hours per weekday ("08:00-12:00, 13:00-18:00", empty = closed), slot
 * length, buffer, capacity, closed dates, minimum notice, horizon, reminders, no-show grace and the
 * follow-up. Saved with PUT /api/agenda/settings (the calendar replaced whole, the rest field by field).
 */
import { call } from "../api";
import { el } from "../dom";
import { errorMessage, t } from "../i18n";
import type { Screen } from "./screen";
import { addDays, formatDay } from "./time";
import { type CalendarSettings, type Interval, WEEKDAYS } from "./types";

const INTERVALS = /^\s*(\d{2}:\d{2})\s*[-–]\s*(\d{2}:\d{2})\s*$/;

/** "08:00-12:00, 13:00-18:00" → intervals; null when a part is not a time range. */
export function parseHours(text: string): Interval[] | null {
  const parts = text.split(/[,;]/).filter((p) => p.trim());
  const out: Interval[] = [];
  for (const p of parts) {
    const m = INTERVALS.exec(p);
    if (!m?.[1] || !m[2] || m[1] >= m[2]) return null;
    out.push({ start: m[1], end: m[2] });
  }
  return out;
}

const list = (text: string) => text.split(/[\s,;]+/).filter(Boolean);

export function calendarForm(s: Screen): HTMLElement {
  const cal = s.settings.calendar;
  const num = (id: string, value: number, min: number, max: number) =>
    el("input", { id, type: "number", min: String(min), max: String(max), step: "1", value: String(value), required: "" });
  // 2024-01-01 was a Monday: the weekday names come from Intl in the panel's language.
  const hours = WEEKDAYS.map((d, i) => {
    const input = el("input", {
      id: `hours-${d}`,
      value: (cal.weeklyHours[d] ?? []).map((x) => `${x.start}-${x.end}`).join(", "),
      placeholder: t("agenda.settings.closedPlaceholder"),
      autocomplete: "off",
    });
    return { day: d, input, label: el("label", { class: "field" }, el("span", {}, formatDay(addDays("2024-01-01", i), { weekday: "long" })), input) };
  });
  const slot = num("cal-slot", cal.slotMinutes, 5, 480);
  const buffer = num("cal-buffer", cal.bufferMinutes, 0, 480);
  const capacity = num("cal-capacity", cal.capacity, 1, 1000);
  const notice = num("cal-notice", cal.minNoticeMinutes, 0, 525_600);
  const horizon = num("cal-horizon", cal.horizonDays, 0, 730);
  const closed = el("textarea", { id: "cal-closed", rows: "2", placeholder: "2026-12-25" });
  closed.value = cal.closedDates.join("\n");
  const reminders = el("input", { id: "cal-reminders", value: s.settings.reminderOffsetsMinutes.join(", "), autocomplete: "off" });
  const grace = num("cal-grace", s.settings.noShowGraceMinutes, 0, 1440);
  const followup = el("input", { id: "cal-followup", type: "checkbox" });
  followup.checked = s.settings.followupEnabled;
  const followupDelay = num("cal-followup-delay", s.settings.followupDelayMinutes, 0, 20_160);
  const rebook = el("input", { id: "cal-rebook", type: "checkbox" });
  rebook.checked = s.settings.rebookOnNoShow;
  const save = el("button", { id: "cal-save", type: "submit" }, t("common.save"));
  const status = el("p", { class: "muted", id: "cal-status", role: "status" });
  const field = (label: string, input: HTMLElement) => el("label", { class: "field" }, el("span", {}, label), input);
  const form = el(
    "form",
    { class: "settings", id: "calendar-form", novalidate: "" },
    s.settings.provider === "calcom" ? el("p", { class: "hint" }, t("agenda.settings.calcom")) : "",
    el(
      "fieldset",
      {},
      el("legend", {}, t("agenda.settings.hours")),
      el("div", { class: "hours-grid" }, ...hours.map((h) => h.label)),
      el("small", { class: "muted" }, t("agenda.settings.hoursHint")),
    ),
    el(
      "div",
      { class: "hours-grid" },
      field(t("agenda.settings.slot"), slot),
      field(t("agenda.settings.buffer"), buffer),
      field(t("agenda.settings.capacity"), capacity),
      field(t("agenda.settings.notice"), notice),
      field(t("agenda.settings.horizon"), horizon),
      field(t("agenda.settings.grace"), grace),
    ),
    field(t("agenda.settings.closedDates"), closed),
    field(t("agenda.settings.reminders"), reminders),
    el("label", { class: "check" }, followup, t("agenda.settings.followup")),
    field(t("agenda.settings.followupDelay"), followupDelay),
    el("label", { class: "check" }, rebook, t("agenda.settings.rebook")),
    save,
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.className = "muted";
    const weeklyHours: CalendarSettings["weeklyHours"] = {};
    let bad = false;
    for (const h of hours) {
      const parsed = parseHours(h.input.value);
      h.input.setAttribute("aria-invalid", String(parsed === null));
      if (parsed === null) bad = true;
      else if (parsed.length) weeklyHours[h.day] = parsed;
    }
    const offsets = list(reminders.value).map(Number);
    const dates = list(closed.value);
    const badOffsets = offsets.some((n) => !Number.isInteger(n) || n < 5 || n > 20_160) || offsets.length > 5;
    const badDates = dates.some((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d));
    reminders.setAttribute("aria-invalid", String(badOffsets));
    closed.setAttribute("aria-invalid", String(badDates));
    const numbers = [slot, buffer, capacity, notice, horizon, grace, followupDelay];
    for (const n of numbers) n.setAttribute("aria-invalid", String(!n.checkValidity()));
    if (bad || badOffsets || badDates || numbers.some((n) => !n.checkValidity())) {
      status.textContent = t("agenda.settings.invalid");
      status.className = "error";
      return;
    }
    const calendar: CalendarSettings = {
      weeklyHours,
      slotMinutes: Number(slot.value),
      bufferMinutes: Number(buffer.value),
      capacity: Number(capacity.value),
      closedDates: dates,
      minNoticeMinutes: Number(notice.value),
      horizonDays: Number(horizon.value),
    };
    const rest = {
      reminderOffsetsMinutes: offsets,
      noShowGraceMinutes: Number(grace.value),
      followupEnabled: followup.checked,
      followupDelayMinutes: Number(followupDelay.value),
      rebookOnNoShow: rebook.checked,
    };
    save.disabled = true;
    try {
      await call(s.ctx.session, "/api/agenda/settings", { method: "PUT", body: JSON.stringify({ calendar, ...rest }) });
      Object.assign(s.settings, rest, { calendar });
      await s.refresh();
      status.textContent = t("common.saved");
    } catch (err) {
      status.textContent = errorMessage(err);
      status.className = "error";
    } finally {
      save.disabled = false;
    }
  });
  return el("details", { class: "card", id: "calendar-settings" }, el("summary", {}, t("agenda.settings.title")), form);
}
