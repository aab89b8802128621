/**
 * "Insights de Agenda" (the seeds' v2.3 card): the recommendation, when the last analysis ran, the
 * slots by estimated attendance (Chart.js; the tooltip gives the no-show %), the model's holdout
 * evaluation, and the two actions — analyse now, offer better slots to the high-risk appointments.
 * Plus the history import (insights-import.ts).
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { call } from "./api";
import { el } from "./dom";
import { formatDateTime, formatNumber, formatPercent, lookup, t, tn } from "./i18n";
import { importCard } from "./insights-import";
import { contactLabel } from "./phone";
import { confirmAction } from "./ui/confirm";
import { busy, showView, type ViewContext } from "./ui/view";

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

const CHART_SLOTS = 16;

export function renderInsights(ctx: ViewContext, soft = false): Promise<void> {
  return showView(
    ctx.root,
    t("insights.title"),
    async () => {
      const data = await call<Insights>(ctx.session, "/api/agenda/insights");
      const chart = chartCard(data);
      // Chart.js measures its box: it draws once the card is in the page.
      requestAnimationFrame(() => drawChart(chart, data));
      return [el("div", { class: "grid" }, recommendationCard(data), modelCard(data)), chart, actionsCard(ctx), importCard(ctx.session)];
    },
    soft,
  );
}

function recommendationCard(d: Insights): HTMLElement {
  const last = d.last_run
    ? t("insights.lastRun", { date: formatDateTime(d.last_run.finished_at), trigger: lookup("insights.trigger", d.last_run.trigger, "insights.trigger.other") })
    : t("insights.never");
  return el(
    "section",
    { class: "card", id: "insights-card" },
    el("h2", {}, t("insights.recommendation")),
    d.recommendations.length
      ? el("ul", { id: "insights-recommendations" }, ...d.recommendations.map((r) => el("li", {}, r)))
      : el("p", { class: "muted", id: "insights-recommendations" }, t("insights.noDifference")),
    el("h3", {}, t("insights.suggested")),
    el("ol", { id: "insights-suggested" }, ...d.suggested.map((s) => el("li", {}, t("insights.suggestedItem", { label: s.label, pct: formatPercent(s.attendance_rate) })))),
    el("p", { class: "muted", id: "insights-last-run" }, last),
  );
}

function modelCard(d: Insights): HTMLElement {
  const m = d.model;
  const ev = m?.evaluation;
  const num = (x: number | null | undefined, digits: number) => (x === null || x === undefined ? t("common.none") : formatNumber(x, digits));
  const body = !m
    ? [el("p", { class: "muted" }, t("insights.model.untrained"))]
    : m.kind === "prior" || !ev
      ? [el("p", {}, t("insights.model.prior"))]
      : [
          el(
            "dl",
            {},
            el("dt", {}, t("insights.model.auc")),
            el("dd", { id: "model-auc" }, t("insights.model.aucValue", { auc: num(ev.auc, 3), heuristic: num(ev.heuristic_auc, 3) })),
            el("dt", {}, t("insights.model.brier")),
            el("dd", {}, t("insights.model.brierValue", { brier: num(ev.brier, 4), base: num(ev.base_rate_brier, 4) })),
            el("dt", {}, t("insights.model.holdoutRate")),
            el("dd", {}, ev.base_rate === null ? t("common.none") : formatPercent(ev.base_rate)),
            el("dt", {}, t("insights.model.rows")),
            el("dd", {}, t("insights.model.rowsValue", { rows: formatNumber(ev.rows), holdout: formatNumber(ev.holdout_rows) })),
          ),
        ];
  return el(
    "section",
    { class: "card", id: "insights-model" },
    el("h2", {}, t("insights.model.title")),
    ...body,
    el("p", { class: "muted" }, m ? t("insights.model.trained", { date: formatDateTime(m.trained_at) }) : ""),
  );
}

function chartCard(d: Insights): HTMLElement {
  return el(
    "section",
    { class: "card" },
    el("h2", {}, t("insights.chart.title")),
    d.slots.length
      ? el("div", { class: "chart" }, el("canvas", { id: "insights-chart", role: "img", "aria-label": t("insights.chart.title") }))
      : el("p", { class: "muted state empty" }, t("insights.chart.empty")),
    el("p", { class: "muted" }, t("insights.chart.hint", { tz: d.time_zone })),
  );
}

function drawChart(card: HTMLElement, d: Insights): void {
  const canvas = card.querySelector<HTMLCanvasElement>("#insights-chart");
  if (!canvas?.isConnected) return;
  const slots = [...d.slots].sort((a, b) => b.score - a.score).slice(0, CHART_SLOTS);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: slots.map((s) => s.label),
      datasets: [
        {
          label: t("insights.chart.series"),
          data: slots.map((s) => Math.round(s.attendance_rate * 1000) / 10),
          backgroundColor: slots.map((s) => (s.suggested_slot ? "#0f9d58" : "#9bbfae")),
        },
      ],
    },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { min: 0, max: 100, ticks: { callback: (v) => formatPercent(Number(v) / 100) } } },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) => {
              const s = slots[item.dataIndex];
              if (!s) return "";
              const volume = tn("insights.chart.volume", s.volume);
              return [
                t("insights.chart.tooltip", { attendance: formatPercent(s.attendance_rate), noShow: formatPercent(s.no_show_prob) }),
                s.suggested_slot ? `${volume} · ${t("insights.chart.suggested")}` : volume,
              ];
            },
          },
        },
      },
    },
  });
}

function actionsCard(ctx: ViewContext): HTMLElement {
  const { session } = ctx;
  const result = el("div", { id: "auto-reschedule-result", role: "status" });
  const optimize = el("button", { id: "btn-optimize", type: "button", class: "secondary" }, t("insights.act.optimize"));
  const reschedule = el("button", { id: "btn-auto-reschedule", type: "button" }, t("insights.act.reschedule"));
  optimize.addEventListener("click", () =>
    busy(
      optimize,
      async () => {
        await call(session, "/api/agenda/optimize", { method: "POST" });
        await renderInsights(ctx, true);
      },
      result,
    ),
  );
  reschedule.addEventListener("click", async () => {
    // It messages patients on WhatsApp: asked first.
    if (!(await confirmAction({ title: t("insights.act.confirmTitle"), body: t("insights.act.confirmBody"), confirm: t("insights.act.confirmOk") }))) return;
    await busy(
      reschedule,
      async () => {
        const r = await call<{ threshold: number; scanned: number; contacted: RiskCase[]; skipped: RiskCase[] }>(session, "/api/agenda/auto-reschedule", { method: "POST" });
        const who = (c: RiskCase) => (c.contact ? contactLabel(c.contact) : t("insights.act.appointment", { id: c.appointment_id }));
        result.replaceChildren(
          el(
            "p",
            { id: "auto-reschedule-summary" },
            [tn("insights.act.contacted", r.contacted.length), tn("insights.act.scanned", r.scanned), t("insights.act.threshold", { pct: formatPercent(r.threshold) })].join(" · "),
          ),
          el(
            "ul",
            { id: "auto-reschedule-contacted" },
            ...r.contacted.map((c) =>
              el(
                "li",
                {},
                t("insights.act.contactedItem", {
                  who: who(c),
                  when: formatDateTime(c.starts_at),
                  pct: formatPercent(c.no_show_prob),
                  why: c.why.map((w) => lookup("insights.why", w, "insights.why.other")).join(", "),
                  reasons: c.reasons.join("; "),
                  options: (c.options ?? []).map((o) => o.label).join(" · "),
                }),
              ),
            ),
          ),
          ...(r.skipped.length
            ? [
                el(
                  "ul",
                  { class: "muted" },
                  ...r.skipped.map((c) => el("li", {}, t("insights.act.skipped", { who: who(c) }), " ", el("code", { class: "detail" }, c.detail ?? ""))),
                ),
              ]
            : []),
        );
      },
      result,
    );
  });
  return el(
    "section",
    { class: "card" },
    el("h2", {}, t("insights.act.title")),
    el("p", { class: "muted" }, t("insights.act.intro")),
    el("div", { class: "actions" }, reschedule, optimize),
    result,
  );
}
