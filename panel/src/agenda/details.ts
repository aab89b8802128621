/** One appointment opened from the calendar: who, when, what, its risk and its actions. */
import { el } from "../dom";
import { formatPercent, lookup, t } from "../i18n";
import { contactLabel } from "../phone";
import { can } from "../ui/can";
import { actionButtons } from "./actions";
import { openModal } from "./modal";
import { reasonsText } from "./risk";
import type { Screen } from "./screen";
import { formatWhen } from "./time";
import type { Appointment } from "./types";

export function openDetails(s: Screen, a: Appointment): void {
  const error = el("div", { id: "details-error", role: "alert" });
  const reasons = reasonsText(a);
  const row = (label: string, value: string) => [el("dt", {}, label), el("dd", {}, value)];
  const list = el(
    "dl",
    { id: "details-list" },
    ...row(t("agenda.col.when"), formatWhen(a.starts_at, s.tz)),
    ...row(t("agenda.col.status"), lookup("status.appointment", a.status, "status.unknown")),
    ...(a.service ? row(t("agenda.book.service"), a.service) : []),
    ...(a.notes ? row(t("agenda.book.notes"), a.notes) : []),
    ...row(t("agenda.col.risk"), a.no_show_prob === null ? t("common.none") : formatPercent(a.no_show_prob)),
    ...(reasons ? row(t("agenda.reasons"), reasons) : []),
  );
  const modal = openModal("details-dialog", contactLabel(a.contact), list, error);
  if (can(s.ctx, "agenda:write")) modal.body.append(actionButtons(s, a, error, () => modal.close()));
}
