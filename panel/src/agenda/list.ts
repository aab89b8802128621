/**
 * The list of appointments with its filters: a date range, a contact (a name filters what is
 * loaded; a phone is looked up by POST /api/contacts/lookup and the list asks by contact_id, so no
 * phone goes in a URL), a status, and quick filters for what a receptionist asks most.
 */
import { el } from "../dom";
import { formatPercent, type Key, lookup, t } from "../i18n";
import { contactLabel, contactNode } from "../phone";
import { can } from "../ui/can";
import { emptyState } from "../ui/view";
import { actionButtons } from "./actions";
import { isRisky, reasonsText } from "./risk";
import type { Screen } from "./screen";
import { addDays, formatWhen, today, weekStart } from "./time";
import { type Appointment, STATUSES } from "./types";

const QUICK: { id: string; label: Key }[] = [
  { id: "today", label: "agenda.quick.today" },
  { id: "tomorrow", label: "agenda.quick.tomorrow" },
  { id: "week", label: "agenda.quick.week" },
  { id: "risk", label: "agenda.quick.risk" },
  { id: "unconfirmed", label: "agenda.quick.unconfirmed" },
];

/** Built once per visit: what is typed in it survives the 30 s refresh. */
export function filtersForm(s: Screen): HTMLElement {
  const f = s.state.filters;
  const from = el("input", { id: "filter-from", type: "date", value: f.from, required: "" });
  const to = el("input", { id: "filter-to", type: "date", value: f.to, required: "" });
  const contact = el("input", { id: "filter-contact", type: "search", value: f.contact, autocomplete: "off", placeholder: t("agenda.filter.contactPlaceholder") });
  const status = el(
    "select",
    { id: "filter-status" },
    el("option", { value: "" }, t("agenda.filter.anyStatus")),
    ...STATUSES.map((x) => el("option", { value: x }, lookup("status.appointment", x, "status.unknown"))),
  );
  status.value = f.status;
  const risk = el("input", { id: "filter-risk", type: "checkbox" });
  risk.checked = f.highRisk;
  const apply = () => {
    Object.assign(f, {
      from: from.value || f.from,
      to: to.value && to.value >= (from.value || f.from) ? to.value : from.value || f.from,
      contact: contact.value.trim(),
      status: status.value,
      highRisk: risk.checked,
    });
    to.value = f.to;
    syncQuick();
    void s.refresh();
  };
  const quick = el("div", { class: "quick", role: "group", "aria-label": t("agenda.quick.label") });
  const syncQuick = () => {
    const day = today(s.tz);
    const on: Record<string, boolean> = {
      today: f.from === day && f.to === day,
      tomorrow: f.from === addDays(day, 1) && f.to === addDays(day, 1),
      week: f.from === weekStart(day) && f.to === addDays(weekStart(day), 6),
      risk: f.highRisk,
      unconfirmed: f.status === "scheduled",
    };
    for (const b of quick.querySelectorAll("button")) b.setAttribute("aria-pressed", String(Boolean(on[b.dataset.quick ?? ""])));
  };
  for (const q of QUICK) {
    const b = el("button", { type: "button", class: "chip", "data-quick": q.id }, t(q.label));
    b.addEventListener("click", () => {
      const day = today(s.tz);
      const pressed = b.getAttribute("aria-pressed") === "true";
      if (q.id === "today") [from.value, to.value] = [day, day];
      if (q.id === "tomorrow") [from.value, to.value] = [addDays(day, 1), addDays(day, 1)];
      if (q.id === "week") [from.value, to.value] = [weekStart(day), addDays(weekStart(day), 6)];
      if (q.id === "risk") risk.checked = !pressed;
      if (q.id === "unconfirmed") status.value = pressed ? "" : "scheduled";
      apply();
    });
    quick.append(b);
  }
  syncQuick();
  const form = el(
    "form",
    { id: "agenda-filters", class: "agenda-filters", role: "search" },
    quick,
    el(
      "div",
      { class: "filter-fields" },
      el("label", { class: "field" }, el("span", {}, t("agenda.filter.from")), from),
      el("label", { class: "field" }, el("span", {}, t("agenda.filter.to")), to),
      el("label", { class: "field grow" }, el("span", {}, t("agenda.filter.contact")), contact),
      el("label", { class: "field" }, el("span", {}, t("agenda.filter.status")), status),
      el("label", { class: "check" }, risk, t("agenda.quick.risk")),
      el("button", { type: "submit", id: "filter-apply", class: "secondary" }, t("agenda.filter.apply")),
    ),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    apply();
  });
  // The range also moves with Anterior / Próximo: the inputs follow.
  form.addEventListener("agenda:sync", () => {
    from.value = f.from;
    to.value = f.to;
    syncQuick();
  });
  return form;
}

const COLS: Key[] = ["agenda.col.when", "agenda.col.contact", "agenda.col.status", "agenda.col.risk", "agenda.col.actions"];

export function listView(s: Screen, appointments: Appointment[]): HTMLElement {
  if (!appointments.length) return emptyState(t("agenda.list.empty"), "appointments-empty");
  const threshold = s.settings.risk.threshold;
  // A role that may not act on appointments (viewer) gets no "Ações" column at all.
  const acts = can(s.ctx, "agenda:write");
  const cols = acts ? COLS : COLS.slice(0, -1);
  // One box per cell: on a phone the row becomes a card, each cell a label and its content.
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(COLS[i] ?? "common.none") }, el("div", {}, ...children));
  const rows = appointments.map((a) => {
    const reasons = reasonsText(a);
    return el(
      "tr",
      { "data-id": String(a.id), class: isRisky(a, threshold) ? "risky" : "" },
      cell(0, formatWhen(a.starts_at, s.tz), a.service ? el("small", { class: "reasons" }, a.service) : ""),
      cell(1, contactNode(a.contact)),
      cell(2, lookup("status.appointment", a.status, "status.unknown")),
      cell(
        3,
        el("span", { class: "risk", title: reasons }, a.no_show_prob === null ? t("common.none") : formatPercent(a.no_show_prob)),
        a.reschedule_offered_at ? el("small", {}, ` · ${t("agenda.offered")}`) : "",
        reasons ? el("small", { class: "reasons" }, reasons) : "",
      ),
      ...(acts ? [cell(4, actionButtons(s, a, s.errorBox))] : []),
    );
  });
  return el(
    "table",
    { id: "appointments", class: "cards-narrow" },
    el("caption", { class: "visually-hidden" }, t("agenda.list.caption")),
    el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
    el("tbody", {}, ...rows),
  );
}

/** A name typed in "Contato" narrows what was loaded (accents and case ignored). */
export function byName(appointments: Appointment[], typed: string): Appointment[] {
  const norm = (x: string) => x.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const q = norm(typed);
  return q ? appointments.filter((a) => norm(contactLabel(a.contact)).includes(q)) : appointments;
}

/** What "Contato" holds is a phone (looked up), not a name. */
export const looksLikePhone = (x: string) => /^\+?[\d\s().-]{8,}$/.test(x) && x.replace(/\D/g, "").length >= 8;
