/**
 * Booking from a free slot ("Novo agendamento") and rescheduling by picking another free slot. The
 * contact's phone goes in the request body, never in a URL; a retried booking carries one
 * Idempotency-Key so it books once.
 */
import { call } from "../api";
import { el } from "../dom";
import { errorMessage, t } from "../i18n";
import { contactLabel } from "../phone";
import { busy } from "../ui/view";
import { openModal } from "./modal";
import type { Screen } from "./screen";
import { formatDay, formatTime, formatWhen, zoned } from "./time";
import type { Appointment, Slot } from "./types";

const field = (label: string, input: HTMLElement, hint?: string) =>
  el("label", { class: "field" }, el("span", {}, label), input, ...(hint ? [el("small", { class: "muted" }, hint)] : []));

export function openBooking(s: Screen, slot: Slot): void {
  const phone = el("input", { id: "book-phone", type: "tel", autocomplete: "off", required: "", minlength: "8", inputmode: "tel", placeholder: t("agenda.book.phonePlaceholder") });
  const name = el("input", { id: "book-name", autocomplete: "off", maxlength: "128" });
  const service = el("select", { id: "book-service" }, el("option", { value: "" }, t("common.none")), ...s.services.map((n) => el("option", { value: n }, n)));
  const notes = el("textarea", { id: "book-notes", rows: "2", maxlength: "1000" });
  const error = el("div", { id: "book-error", role: "alert" });
  const submit = el("button", { type: "submit", id: "book-submit" }, t("agenda.book.submit"));
  const key = crypto.randomUUID();
  const form = el(
    "form",
    { class: "settings", id: "book-form" },
    el("p", { class: "slot-when", id: "book-when" }, formatWhen(slot.start, s.tz)),
    field(t("agenda.book.phone"), phone),
    field(t("agenda.book.name"), name),
    ...(s.services.length ? [field(t("agenda.book.service"), service)] : []),
    field(t("agenda.book.notes"), notes),
    error,
    submit,
  );
  const modal = openModal("book-dialog", t("agenda.book.title"), form);
  phone.focus();
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    error.replaceChildren();
    const body = {
      contact: phone.value.trim(),
      start: slot.start,
      ...(name.value.trim() ? { name: name.value.trim() } : {}),
      ...(service.value ? { service: service.value } : {}),
      ...(notes.value.trim() ? { notes: notes.value.trim() } : {}),
    };
    void busy(
      submit,
      async () => {
        try {
          await call(s.ctx.session, "/api/agenda/appointments", { method: "POST", body: JSON.stringify(body), headers: { "idempotency-key": key } });
        } catch (err) {
          // The slot may have gone meanwhile: what is behind the dialog catches up.
          void s.refresh();
          throw err;
        }
        modal.close();
        s.say(t("agenda.done.booked", { when: formatWhen(slot.start, s.tz) }));
        await s.refresh();
      },
      error,
    );
  });
}

/** Free slots of the next two weeks, one day at a time; picking one moves the appointment there. */
export function openReschedule(s: Screen, a: Appointment, after: () => void): void {
  const error = el("div", { id: "reschedule-error", role: "alert" });
  const days = el("select", { id: "reschedule-day", "aria-label": t("agenda.reschedule.day") });
  const times = el("div", { class: "slot-picker", id: "reschedule-slots", role: "group", "aria-label": t("agenda.reschedule.times") });
  const status = el("p", { class: "state loading", role: "status" }, t("state.loading"));
  const modal = openModal(
    "reschedule-dialog",
    t("agenda.reschedule.title"),
    el("p", {}, t("agenda.reschedule.current", { who: contactLabel(a.contact), when: formatWhen(a.starts_at, s.tz) })),
    status,
    field(t("agenda.reschedule.day"), days),
    times,
    error,
  );
  const byDay = new Map<string, Slot[]>();
  const show = () => {
    times.replaceChildren(
      ...(byDay.get(days.value) ?? []).map((slot) => {
        const b = el("button", { type: "button", class: "secondary small", "data-start": slot.start }, formatTime(slot.start, s.tz));
        b.addEventListener("click", () =>
          busy(
            b,
            async () => {
              await call(s.ctx.session, `/api/agenda/appointments/${a.id}/reschedule`, { method: "POST", body: JSON.stringify({ start: slot.start }) });
              modal.close();
              after();
              s.say(t("agenda.done.rescheduled", { when: formatWhen(slot.start, s.tz) }));
              await s.refresh();
            },
            error,
          ),
        );
        return b;
      }),
    );
  };
  days.addEventListener("change", show);
  call<{ slots: Slot[] }>(s.ctx.session, "/api/agenda/availability?days=14")
    .then(({ slots }) => {
      for (const slot of slots) {
        const d = zoned(Date.parse(slot.start), s.tz).date;
        byDay.set(d, [...(byDay.get(d) ?? []), slot]);
      }
      days.replaceChildren(...[...byDay.keys()].map((d) => el("option", { value: d }, formatDay(d, { weekday: "long", day: "2-digit", month: "2-digit" }))));
      status.replaceWith(byDay.size ? "" : el("p", { class: "muted state empty" }, t("agenda.reschedule.none")));
      show();
    })
    .catch((err) => {
      status.className = "error";
      status.textContent = errorMessage(err);
    });
}
