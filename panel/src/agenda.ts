/**
 * Agenda: the appointments of the next days with their no-show risk (fresh from the tenant's model),
 * the lifecycle buttons a receptionist needs, and the risk settings that drive auto-reschedule.
 */
import { call } from "./api";
import { el } from "./dom";
import { errorMessage, formatDateTime, formatPercent, type Key, lookup, t } from "./i18n";
import { contactLabel, contactNode } from "./phone";
import { confirmAction } from "./ui/confirm";
import { busy, emptyState, showView, type ViewContext } from "./ui/view";

interface Appointment {
  id: number;
  status: string;
  starts_at: string;
  contact: { phone: string; name: string | null } | null;
  no_show_prob: number | null;
  risk_reasons: string[];
  high_risk: boolean;
  reschedule_offered_at: string | null;
}
interface RiskSettings {
  threshold: number;
  unansweredReminderMinutes: number;
  horizonHours: number;
  autoRescheduleDaily: boolean;
}

// Outcomes and cancelling change what the patient and the no-show model see: they ask first.
const ACTIONS: { action: string; label: Key; confirm?: { title: Key; body: Key } }[] = [
  { action: "confirm", label: "agenda.action.confirm" },
  { action: "attended", label: "agenda.action.attended", confirm: { title: "agenda.confirmAttended.title", body: "agenda.confirmAttended.body" } },
  { action: "no-show", label: "agenda.action.noShow", confirm: { title: "agenda.confirmNoShow.title", body: "agenda.confirmNoShow.body" } },
  { action: "cancel", label: "agenda.action.cancel", confirm: { title: "agenda.confirmCancel.title", body: "agenda.confirmCancel.body" } },
];

export function renderAgenda(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("agenda.title"), () => buildAgenda(ctx), soft);
}

async function buildAgenda(ctx: ViewContext): Promise<Node[]> {
  const { session } = ctx;
  const from = new Date(Date.now() - 12 * 3_600_000).toISOString();
  const [{ appointments }, settings] = await Promise.all([
    call<{ appointments: Appointment[] }>(session, `/api/agenda/appointments?from=${encodeURIComponent(from)}&status=scheduled,confirmed&limit=200`),
    call<{ risk: RiskSettings }>(session, "/api/agenda/settings"),
  ]);
  const threshold = settings.risk.threshold;
  const error = el("div", { id: "agenda-error" });
  const cols: Key[] = ["agenda.col.when", "agenda.col.contact", "agenda.col.status", "agenda.col.risk", "agenda.col.actions"];
  // One box per cell: on a phone the row becomes a card, each cell a label and its content.
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(cols[i] ?? "common.none") }, el("div", {}, ...children));
  const rows = appointments.map((a) => {
    const risk = a.no_show_prob ?? 0;
    const actions = el("div", { class: "row-actions" });
    for (const spec of ACTIONS.filter((s) => s.action !== "confirm" || a.status === "scheduled")) {
      const b = el("button", { type: "button", class: "secondary small", "data-action": spec.action }, t(spec.label));
      b.addEventListener("click", async () => {
        const who = contactLabel(a.contact);
        if (
          spec.confirm &&
          !(await confirmAction({ title: t(spec.confirm.title), body: t(spec.confirm.body, { who, when: formatDateTime(a.starts_at) }), confirm: t(spec.label) }))
        )
          return;
        await busy(
          b,
          async () => {
            await call(session, `/api/agenda/appointments/${a.id}/${spec.action}`, { method: "POST", body: "{}" });
            await renderAgenda(ctx, true);
          },
          error,
        );
      });
      actions.append(b);
    }
    const reasons = a.risk_reasons.join("; ");
    return el(
      "tr",
      { "data-id": String(a.id), class: risk >= threshold || a.high_risk ? "risky" : "" },
      cell(0, formatDateTime(a.starts_at)),
      cell(1, contactNode(a.contact)),
      cell(2, lookup("status.appointment", a.status, "status.unknown")),
      cell(
        3,
        el("span", { class: "risk", title: reasons }, a.no_show_prob === null ? t("common.none") : formatPercent(risk)),
        a.reschedule_offered_at ? el("small", {}, ` · ${t("agenda.offered")}`) : "",
        reasons ? el("small", { class: "reasons" }, reasons) : "",
      ),
      cell(4, actions),
    );
  });
  return [
    el(
      "section",
      { class: "card" },
      el("h2", {}, t("agenda.upcoming")),
      error,
      appointments.length
        ? el("table", { id: "appointments", class: "cards-narrow" }, el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))), el("tbody", {}, ...rows))
        : emptyState(t("agenda.empty"), "appointments-empty"),
      el("p", { class: "muted" }, t("agenda.highlight", { pct: formatPercent(threshold) })),
    ),
    riskForm(ctx, settings.risk),
  ];
}

function riskForm(ctx: ViewContext, risk: RiskSettings): HTMLElement {
  const threshold = el("input", { id: "risk-threshold", type: "number", min: "1", max: "100", step: "1", value: String(Math.round(risk.threshold * 100)) });
  const horizon = el("input", { id: "risk-horizon", type: "number", min: "1", max: "336", value: String(risk.horizonHours) });
  const unanswered = el("input", { id: "risk-unanswered", type: "number", min: "15", max: "1440", value: String(risk.unansweredReminderMinutes) });
  const daily = el("input", { id: "risk-daily", type: "checkbox" });
  daily.checked = risk.autoRescheduleDaily;
  const save = el("button", { id: "risk-save", type: "submit" }, t("common.save"));
  const status = el("p", { class: "muted", id: "risk-status", role: "status" });
  const form = el(
    "form",
    { class: "card settings" },
    el("h2", {}, t("agenda.risk.title")),
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
    try {
      await call(ctx.session, "/api/agenda/settings", {
        method: "PUT",
        body: JSON.stringify({
          risk: {
            threshold: Number(threshold.value) / 100,
            horizonHours: Number(horizon.value),
            unansweredReminderMinutes: Number(unanswered.value),
            autoRescheduleDaily: daily.checked,
          },
        }),
      });
      await renderAgenda(ctx, true);
      ctx.root.querySelector("#risk-status")?.replaceChildren(t("common.saved"));
    } catch (err) {
      status.textContent = errorMessage(err);
      status.className = "error";
      save.disabled = false;
    }
  });
  return form;
}
