/**
 * The steps a receptionist takes on one appointment. Outcomes (attended / no-show) only exist once
 * the appointment has started: before that the buttons are there, disabled, with the reason shown.
 */
import { call } from "../api";
import { el } from "../dom";
import { type Key, t } from "../i18n";
import { contactLabel } from "../phone";
import { confirmAction } from "../ui/confirm";
import { busy } from "../ui/view";
import { openReschedule } from "./booking";
import type { Screen } from "./screen";
import { formatTime, formatWhen } from "./time";
import type { Appointment } from "./types";

interface Step {
  action: string;
  label: Key;
  when: (a: Appointment) => boolean;
  confirm?: { title: Key; body: Key };
  /** Shown in the status line once done. */
  done?: Key;
  outcome?: boolean;
}
const open = (a: Appointment) => a.status === "scheduled" || a.status === "confirmed";
const STEPS: Step[] = [
  { action: "confirm", label: "agenda.action.confirm", when: (a) => a.status === "scheduled", done: "agenda.done.confirm" },
  { action: "remind", label: "agenda.action.remind", when: (a) => open(a) && Date.parse(a.starts_at) > Date.now(), done: "agenda.done.remind" },
  { action: "attended", label: "agenda.action.attended", when: open, outcome: true, confirm: { title: "agenda.confirmAttended.title", body: "agenda.confirmAttended.body" } },
  { action: "no-show", label: "agenda.action.noShow", when: open, outcome: true, confirm: { title: "agenda.confirmNoShow.title", body: "agenda.confirmNoShow.body" } },
  { action: "cancel", label: "agenda.action.cancel", when: open, confirm: { title: "agenda.confirmCancel.title", body: "agenda.confirmCancel.body" } },
];

/** The buttons for `a`; `errorTarget` shows a failure (translated), `after` runs once a step is done. */
export function actionButtons(s: Screen, a: Appointment, errorTarget: HTMLElement, after: () => void = () => undefined): HTMLElement {
  const box = el("div", { class: "row-actions" });
  const started = Date.parse(a.starts_at) <= Date.now();
  const noteId = `not-started-${a.id}-${Math.random().toString(36).slice(2, 8)}`;
  if (open(a)) {
    const move = el("button", { type: "button", class: "secondary small", "data-action": "reschedule", "data-key": `reschedule-${a.id}` }, t("agenda.action.reschedule"));
    move.addEventListener("click", () => openReschedule(s, a, after));
    box.append(move);
  }
  for (const step of STEPS.filter((x) => x.when(a))) {
    const b = el(
      "button",
      { type: "button", class: `${step.action === "cancel" ? "danger-link link" : "secondary"} small`, "data-action": step.action, "data-key": `${step.action}-${a.id}` },
      t(step.label),
    );
    if (step.outcome && !started) {
      b.disabled = true;
      b.setAttribute("aria-describedby", noteId);
    }
    b.addEventListener("click", async () => {
      const who = contactLabel(a.contact);
      const when = formatWhen(a.starts_at, s.tz);
      if (step.confirm && !(await confirmAction({ title: t(step.confirm.title), body: t(step.confirm.body, { who, when }), confirm: t(step.label) }))) return;
      await busy(
        b,
        async () => {
          await call(s.ctx.session, `/api/agenda/appointments/${a.id}/${step.action}`, { method: "POST", body: "{}" });
          after();
          s.say(t(step.done ?? "agenda.done.saved"));
          await s.refresh();
        },
        errorTarget,
      );
    });
    box.append(b);
  }
  if (open(a) && !started) box.append(el("small", { class: "muted not-started", id: noteId }, t("agenda.notStarted", { time: formatTime(a.starts_at, s.tz) })));
  return box;
}
