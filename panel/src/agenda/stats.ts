/** The period's numbers: how many appointments per status, and the attendance rate among those with an outcome. */
import { el } from "../dom";
import { formatNumber, formatPercent, lookup, t } from "../i18n";
import { type Appointment, STATUSES } from "./types";

export function attendance(appointments: Appointment[]): { attended: number; noShow: number; rate: number | null } {
  const attended = appointments.filter((a) => a.status === "attended").length;
  const noShow = appointments.filter((a) => a.status === "no_show").length;
  return { attended, noShow, rate: attended + noShow ? attended / (attended + noShow) : null };
}

export function statsView(appointments: Appointment[]): HTMLElement {
  const { attended, noShow, rate } = attendance(appointments);
  return el(
    "div",
    { id: "agenda-stats", class: "agenda-stats" },
    el(
      "p",
      { id: "agenda-attendance" },
      el("strong", {}, t("agenda.stats.attendance")),
      " ",
      rate === null ? t("agenda.stats.noOutcome") : t("agenda.stats.rate", { pct: formatPercent(rate), attended: formatNumber(attended), total: formatNumber(attended + noShow) }),
    ),
    el(
      "ul",
      { class: "status-counts", "aria-label": t("agenda.stats.counts") },
      ...STATUSES.map((st) =>
        el(
          "li",
          { "data-status": st },
          el("span", {}, lookup("status.appointment", st, "status.unknown")),
          " ",
          el("strong", {}, formatNumber(appointments.filter((a) => a.status === st).length)),
        ),
      ),
    ),
  );
}
