/**
 * "Insights de Agenda" (the seeds' v2.3 card): the recommendation, when the last analysis ran, the
 * slots by estimated attendance (Chart.js; the tooltip gives the no-show %), the model's holdout
 * evaluation, and the two actions — analyse now, offer better slots to the high-risk appointments.
 * Plus the history import, with its progress while the file uploads.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { call, type Session } from "./api";
import { el, formatDate, pct } from "./dom";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

interface Slot {
  label: string;
  volume: number;
  attendance_rate: number;
  no_show_prob: number;
  score: number;
  suggested_slot: boolean;
}
interface Evaluation {
  auc: number | null;
  heuristic_auc: number | null;
  brier: number | null;
  base_rate_brier: number | null;
  base_rate: number | null;
  rows: number;
  holdout_rows: number;
}
interface Insights {
  time_zone: string;
  last_run: { trigger: string; finished_at: string | null } | null;
  mean_no_show_rate: number | null;
  recommendations: string[];
  suggested: Slot[];
  slots: Slot[];
  model: { kind: "logistic" | "prior"; trained_at: string; fallback_reason: string | null; evaluation: Evaluation | null } | null;
}
interface RiskCase {
  appointment_id: number;
  contact: { phone: string; name: string | null } | null;
  starts_at: string;
  no_show_prob: number;
  reasons: string[];
  why: string[];
  detail?: string;
  options?: { label: string }[];
}
interface ImportJob {
  id: string;
  status: string;
  rows_read: number;
  rows_imported: number;
  rows_failed: number;
  errors: { line: number; reason: string }[];
}

const WHY: Record<string, string> = { risk: "risco alto de falta", unanswered_reminder: "lembrete sem resposta" };
const TRIGGER: Record<string, string> = { cron: "análise diária", manual: "análise manual", import: "após importação" };
const CHART_SLOTS = 16;

export async function renderInsights(root: HTMLElement, session: Session): Promise<void> {
  const data = await call<Insights>(session, "/api/agenda/insights");
  root.replaceChildren(
    el("h1", {}, "Insights de Agenda"),
    el("div", { class: "grid" }, recommendationCard(data), modelCard(data)),
    chartCard(data),
    actionsCard(root, session),
    importCard(session),
  );
  drawChart(root, data);
}

function recommendationCard(d: Insights): HTMLElement {
  const last = d.last_run
    ? `Última análise: ${formatDate(d.last_run.finished_at)} (${TRIGGER[d.last_run.trigger] ?? d.last_run.trigger})`
    : "Nenhuma análise ainda: importe o histórico ou clique em “Analisar agora”.";
  return el(
    "section",
    { class: "card", id: "insights-card" },
    el("h2", {}, "Recomendação"),
    d.recommendations.length
      ? el("ul", { id: "insights-recommendations" }, ...d.recommendations.map((r) => el("li", {}, r)))
      : el("p", { class: "muted", id: "insights-recommendations" }, "Ainda sem diferença clara entre os horários."),
    el("h3", {}, "Horários sugeridos"),
    el("ol", { id: "insights-suggested" }, ...d.suggested.map((s) => el("li", {}, `${s.label} — presença estimada ${pct(s.attendance_rate)}`))),
    el("p", { class: "muted", id: "insights-last-run" }, last),
  );
}

function modelCard(d: Insights): HTMLElement {
  const m = d.model;
  const ev = m?.evaluation;
  const body = !m
    ? [el("p", { class: "muted" }, "O modelo é treinado na primeira análise.")]
    : m.kind === "prior" || !ev
      ? [el("p", {}, m.fallback_reason ?? "Histórico insuficiente: usando a taxa média de faltas.")]
      : [
          el(
            "dl",
            {},
            el("dt", {}, "AUC (teste)"),
            el("dd", { id: "model-auc" }, `${ev.auc?.toFixed(3) ?? "—"}  (só dia/hora: ${ev.heuristic_auc?.toFixed(3) ?? "—"})`),
            el("dt", {}, "Brier"),
            el("dd", {}, `${ev.brier?.toFixed(4) ?? "—"}  (taxa média: ${ev.base_rate_brier?.toFixed(4) ?? "—"})`),
            el("dt", {}, "Faltas no teste"),
            el("dd", {}, ev.base_rate === null ? "—" : pct(ev.base_rate)),
            el("dt", {}, "Atendimentos"),
            el("dd", {}, `${ev.rows.toLocaleString("pt-BR")} (teste: ${ev.holdout_rows.toLocaleString("pt-BR")}, os mais recentes)`),
          ),
        ];
  return el(
    "section",
    { class: "card", id: "insights-model" },
    el("h2", {}, "Modelo de faltas"),
    ...body,
    el("p", { class: "muted" }, m ? `Treinado em ${formatDate(m.trained_at)}` : ""),
  );
}

function chartCard(d: Insights): HTMLElement {
  return el(
    "section",
    { class: "card" },
    el("h2", {}, "Presença estimada por horário"),
    d.slots.length ? el("div", { class: "chart" }, el("canvas", { id: "insights-chart" })) : el("p", { class: "muted" }, "Sem atendimentos nos últimos 180 dias."),
    el("p", { class: "muted" }, `Horários no fuso ${d.time_zone}; em destaque os sugeridos. Passe o mouse para ver a taxa de faltas.`),
  );
}

function drawChart(root: HTMLElement, d: Insights): void {
  const canvas = root.querySelector<HTMLCanvasElement>("#insights-chart");
  if (!canvas) return;
  const slots = [...d.slots].sort((a, b) => b.score - a.score).slice(0, CHART_SLOTS);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: slots.map((s) => s.label),
      datasets: [
        {
          label: "Presença estimada",
          data: slots.map((s) => Math.round(s.attendance_rate * 1000) / 10),
          backgroundColor: slots.map((s) => (s.suggested_slot ? "#0f9d58" : "#9bbfae")),
        },
      ],
    },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
      plugins: {
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const s = slots[ctx.dataIndex];
              return s ? [`Presença ${pct(s.attendance_rate)} · faltas ${pct(s.no_show_prob)}`, `${s.volume} atendimentos${s.suggested_slot ? " · sugerido" : ""}`] : "";
            },
          },
        },
      },
    },
  });
}

function actionsCard(root: HTMLElement, session: Session): HTMLElement {
  const result = el("div", { id: "auto-reschedule-result" });
  const optimize = el("button", { id: "btn-optimize", class: "secondary" }, "Analisar agora");
  const reschedule = el("button", { id: "btn-auto-reschedule" }, "Reagendar automaticamente faltas");
  optimize.addEventListener("click", () =>
    busy(optimize, async () => {
      await call(session, "/api/agenda/optimize", { method: "POST" });
      await renderInsights(root, session);
    }),
  );
  reschedule.addEventListener("click", () =>
    busy(
      reschedule,
      async () => {
        const r = await call<{ threshold: number; scanned: number; contacted: RiskCase[]; skipped: RiskCase[] }>(session, "/api/agenda/auto-reschedule", { method: "POST" });
        const who = (c: RiskCase) => (c.contact ? `${c.contact.name ?? "Contato"} (${c.contact.phone})` : `Agendamento ${c.appointment_id}`);
        result.replaceChildren(
          el(
            "p",
            { id: "auto-reschedule-summary" },
            `${r.contacted.length} contato(s) receberam novas opções · ${r.scanned} agendamento(s) analisados · limiar ${pct(r.threshold)}`,
          ),
          el(
            "ul",
            { id: "auto-reschedule-contacted" },
            ...r.contacted.map((c) =>
              el(
                "li",
                {},
                `${who(c)} — ${formatDate(c.starts_at)}: ${pct(c.no_show_prob)} de risco (${c.why.map((w) => WHY[w] ?? w).join(", ")}). ${c.reasons.join("; ")}. Opções: ${(c.options ?? []).map((o) => o.label).join(" · ")}`,
              ),
            ),
          ),
          ...(r.skipped.length ? [el("ul", { class: "muted" }, ...r.skipped.map((c) => el("li", {}, `${who(c)} — não contatado: ${c.detail ?? ""}`)))] : []),
        );
      },
      result,
    ),
  );
  return el(
    "section",
    { class: "card" },
    el("h2", {}, "Agir sobre o risco"),
    el(
      "p",
      { class: "muted" },
      "Agendamentos das próximas horas com risco acima do limiar, ou com lembrete sem resposta, recebem no WhatsApp horários com mais presença; “1” confirma na hora.",
    ),
    el("div", { class: "actions" }, reschedule, optimize),
    result,
  );
}

function importCard(session: Session): HTMLElement {
  const file = el("input", { type: "file", accept: ".csv,text/csv", id: "import-file" });
  const submit = el("button", { id: "import-submit", class: "secondary" }, "Importar histórico");
  const status = el("div", { id: "import-status", class: "muted" });
  submit.addEventListener("click", () =>
    busy(
      submit,
      async () => {
        const chosen = file.files?.[0];
        if (!chosen) throw new Error("Escolha um arquivo CSV.");
        const started = Date.now();
        // The upload answers when the whole file is in; meanwhile the job's progress is polled.
        const poll = setInterval(async () => {
          const { imports } = await call<{ imports: (ImportJob & { started_at: string })[] }>(session, "/api/agenda/imports").catch(() => ({ imports: [] }));
          const running = imports.find((j) => j.status === "running" && Date.parse(j.started_at) >= started - 5_000);
          if (running) status.textContent = `Importando… ${running.rows_read.toLocaleString("pt-BR")} linhas lidas`;
        }, 700);
        try {
          const job = await call<ImportJob>(session, "/api/agenda/appointments/import", { method: "POST", body: chosen, headers: { "content-type": "text/csv" } });
          status.replaceChildren(
            el(
              "p",
              { id: "import-result" },
              `${job.rows_imported.toLocaleString("pt-BR")} importados, ${job.rows_failed.toLocaleString("pt-BR")} com erro. A análise roda em seguida.`,
            ),
            ...(job.errors.length ? [el("ul", {}, ...job.errors.slice(0, 20).map((e) => el("li", {}, `Linha ${e.line}: ${e.reason}`)))] : []),
          );
        } finally {
          clearInterval(poll);
        }
      },
      status,
    ),
  );
  return el(
    "section",
    { class: "card" },
    el("h2", {}, "Importar histórico (CSV)"),
    el(
      "p",
      { class: "muted" },
      "Colunas: external_id, contact, booked_at, starts_at, ends_at, status, reminder_sent, confirmed e quantas attr_<nome> quiser. Reenviar o mesmo arquivo atualiza, não duplica.",
    ),
    el("div", { class: "actions" }, file, submit),
    status,
  );
}

/** Disables the button while `work` runs; a failure is shown where the result would be. */
async function busy(button: HTMLButtonElement, work: () => Promise<void>, errorTarget?: HTMLElement): Promise<void> {
  button.disabled = true;
  try {
    await work();
  } catch (err) {
    (errorTarget ?? button.parentElement)?.replaceChildren(el("p", { class: "error" }, err instanceof Error ? err.message : String(err)));
  } finally {
    button.disabled = false;
  }
}
