/** The risk settings that drive auto-reschedule (moved here from the old agenda.ts). */
import { call } from "../api";
import { el } from "../dom";
import { errorMessage, formatPercent, t } from "../i18n";
import type { Screen } from "./screen";

export function riskForm(s: Screen): HTMLElement {
  const risk = s.settings.risk;
  const threshold = el("input", { id: "risk-threshold", type: "number", min: "1", max: "100", step: "1", value: String(Math.round(risk.threshold * 100)) });
  const horizon = el("input", { id: "risk-horizon", type: "number", min: "1", max: "336", value: String(risk.horizonHours) });
  const unanswered = el("input", { id: "risk-unanswered", type: "number", min: "15", max: "1440", value: String(risk.unansweredReminderMinutes) });
  const daily = el("input", { id: "risk-daily", type: "checkbox" });
  daily.checked = risk.autoRescheduleDaily;
  const save = el("button", { id: "risk-save", type: "submit" }, t("common.save"));
  const status = el("p", { class: "muted", id: "risk-status", role: "status" });
  const form = el(
    "form",
    { class: "card settings", id: "risk-form" },
    el("h2", {}, t("agenda.risk.title")),
    el("p", { class: "muted" }, t("agenda.highlight", { pct: formatPercent(risk.threshold) })),
    el("label", {}, t("agenda.risk.threshold"), threshold),
    el("label", {}, t("agenda.risk.horizon"), horizon),
    el("label", {}, t("agenda.risk.unanswered"), unanswered),
    el("label", { class: "check" }, daily, t("agenda.risk.daily")),
    save,
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    save.disabled = true;
    status.className = "muted";
    try {
      const next = {
        threshold: Number(threshold.value) / 100,
        horizonHours: Number(horizon.value),
        unansweredReminderMinutes: Number(unanswered.value),
        autoRescheduleDaily: daily.checked,
      };
      await call(s.ctx.session, "/api/agenda/settings", { method: "PUT", body: JSON.stringify({ risk: next }) });
      s.settings.risk = next;
      await s.refresh();
      status.textContent = t("common.saved");
    } catch (err) {
      status.textContent = errorMessage(err);
      status.className = "error";
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
