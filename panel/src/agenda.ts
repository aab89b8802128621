/**
 * Agenda: the appointments of the next days with their no-show risk (fresh from the tenant's model),
 * the lifecycle buttons a receptionist needs, and the risk settings that drive auto-reschedule.
 */
import { call, type Session } from "./api";
import { el, formatDate, pct } from "./dom";

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

const STATUS: Record<string, string> = { scheduled: "agendado", confirmed: "confirmado", cancelled: "cancelado", attended: "compareceu", no_show: "faltou" };
const ACTIONS: [string, string][] = [
  ["confirm", "Confirmar"],
  ["attended", "Compareceu"],
  ["no-show", "Faltou"],
  ["cancel", "Cancelar"],
];

export async function renderAgenda(root: HTMLElement, session: Session): Promise<void> {
  const from = new Date(Date.now() - 12 * 3_600_000).toISOString();
  const [{ appointments }, settings] = await Promise.all([
    call<{ appointments: Appointment[] }>(session, `/api/agenda/appointments?from=${encodeURIComponent(from)}&status=scheduled,confirmed&limit=200`),
    call<{ risk: RiskSettings }>(session, "/api/agenda/settings"),
  ]);
  const threshold = settings.risk.threshold;
  const rows = appointments.map((a) => {
    const risk = a.no_show_prob ?? 0;
    const actions = el("div", { class: "row-actions" });
    for (const [action, label] of ACTIONS.filter(([action]) => action !== "confirm" || a.status === "scheduled")) {
      const b = el("button", { class: "secondary small", "data-action": action }, label);
      b.addEventListener("click", async () => {
        b.disabled = true;
        await call(session, `/api/agenda/appointments/${a.id}/${action}`, { method: "POST", body: "{}" }).catch((err: unknown) =>
          alert(err instanceof Error ? err.message : String(err)),
        );
        await renderAgenda(root, session);
      });
      actions.append(b);
    }
    return el(
      "tr",
      { "data-id": String(a.id), class: risk >= threshold || a.high_risk ? "risky" : "" },
      el("td", {}, formatDate(a.starts_at)),
      el("td", {}, a.contact ? `${a.contact.name ?? ""} ${a.contact.phone}`.trim() : "—"),
      el("td", {}, STATUS[a.status] ?? a.status),
      el(
        "td",
        { class: "risk", title: a.risk_reasons.join("\n") },
        a.no_show_prob === null ? "—" : pct(risk),
        a.reschedule_offered_at ? el("small", {}, " · novas opções enviadas") : "",
      ),
      el("td", {}, actions),
    );
  });
  root.replaceChildren(
    el("h1", {}, "Agenda"),
    el(
      "section",
      { class: "card" },
      el("h2", {}, "Próximos atendimentos"),
      appointments.length
        ? el(
            "table",
            { id: "appointments" },
            el("thead", {}, el("tr", {}, ...["Quando", "Contato", "Situação", "Risco de falta", ""].map((h) => el("th", {}, h)))),
            el("tbody", {}, ...rows),
          )
        : el("p", { class: "muted" }, "Nenhum atendimento agendado."),
      el("p", { class: "muted" }, `Em destaque: risco a partir de ${pct(threshold)}. Passe o mouse sobre o risco para ver os motivos.`),
    ),
    riskForm(root, session, settings.risk),
  );
}

function riskForm(root: HTMLElement, session: Session, risk: RiskSettings): HTMLElement {
  const threshold = el("input", { id: "risk-threshold", type: "number", min: "1", max: "100", step: "1", value: String(Math.round(risk.threshold * 100)) });
  const horizon = el("input", { id: "risk-horizon", type: "number", min: "1", max: "336", value: String(risk.horizonHours) });
  const unanswered = el("input", { id: "risk-unanswered", type: "number", min: "15", max: "1440", value: String(risk.unansweredReminderMinutes) });
  const daily = el("input", { id: "risk-daily", type: "checkbox" });
  daily.checked = risk.autoRescheduleDaily;
  const save = el("button", { id: "risk-save", type: "submit" }, "Salvar");
  const status = el("p", { class: "muted", id: "risk-status" });
  const form = el(
    "form",
    { class: "card settings" },
    el("h2", {}, "Reagendamento automático"),
    el("label", {}, "Risco alto a partir de (%) ", threshold),
    el("label", {}, "Olhar as próximas (horas) ", horizon),
    el("label", {}, "Lembrete sem resposta após (min) ", unanswered),
    el("label", {}, daily, " Enviar as ofertas também na análise diária"),
    save,
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await call(session, "/api/agenda/settings", {
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
      await renderAgenda(root, session);
      root.querySelector("#risk-status")?.replaceChildren("Salvo.");
    } catch (err) {
      status.textContent = err instanceof Error ? err.message : String(err);
      status.className = "error";
    }
  });
  return form;
}
