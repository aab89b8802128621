/**
 * "Insights de Agenda" for a business owner: the recommendation first, attendance by weekday × hour
 * (insights-heatmap.ts), the upcoming appointments most likely to be missed and why, the model's
 * quality in plain words (the numbers under "detalhes"), then the actions (insights-reschedule.ts:
 * a preview before any message goes out) and the history import (insights-import.ts).
 */
import { call } from "./api";
import { el } from "./dom";
import { currentLocale, formatNumber, formatPercent, lookup, t } from "./i18n";
import { type HeatSlot, heatmapCard } from "./insights-heatmap";
import { importCard } from "./insights-import";
import { rescheduleCard } from "./insights-reschedule";
import { contactLabel } from "./phone";
import { factorText, formatInZone, precisionText, reasonTexts, recommendationTexts, type RiskFactor, slotText } from "./scheduling-text";
import { can } from "./ui/can";
import { showView, type ViewContext } from "./ui/view";

interface Evaluation {
  auc: number | null;
  heuristic_auc: number | null;
  brier: number | null;
  base_rate_brier: number | null;
  base_rate: number | null;
  rows: number;
  holdout_rows: number;
  calibration?: "platt" | "isotonic" | "none";
  /** The candidate chosen on the validation slice, and each candidate's validation figures (null for older models). */
  chosen?: "logistic" | "gbdt" | null;
  candidates?: { kind: "logistic" | "gbdt"; auc: number | null; brier: number | null }[] | null;
  /** Holdout rows and no-shows per tenth of predicted risk (null for models trained before). */
  bands?: { rows: number; no_shows: number }[] | null;
}
interface Insights {
  time_zone: string;
  last_run: { trigger: string; finished_at: string | null } | null;
  recommendations: string[];
  recommendation_factors?: RiskFactor[] | null;
  suggested: HeatSlot[];
  slots: HeatSlot[];
  model: { kind: "logistic" | "gbdt" | "prior"; trained_at: string; fallback_reason: string | null; fallback_factor?: RiskFactor | null; evaluation: Evaluation | null } | null;
}
interface Upcoming {
  id: number;
  status: string;
  starts_at: string;
  contact: { phone: string; name: string | null } | null;
  no_show_prob: number | null;
  risk_reasons: string[];
  risk_factors?: RiskFactor[];
  high_risk: boolean;
}

/** How far ahead and how many of the riskiest appointments the card lists. */
const UPCOMING_DAYS = 7;
const UPCOMING_SHOWN = 5;

export function renderInsights(ctx: ViewContext, soft = false): Promise<void> {
  return showView(
    ctx.root,
    t("insights.title"),
    async () => {
      const [data, settings, upcoming] = await Promise.all([
        call<Insights>(ctx.session, "/api/agenda/insights"),
        call<{ risk: { threshold: number } }>(ctx.session, "/api/agenda/settings"),
        loadUpcoming(ctx),
      ]);
      const threshold = settings.risk.threshold;
      const zone = data.time_zone;
      let risk = riskCard(upcoming, threshold, zone);
      // After messages went out, the risk list shows who was offered (flags changed) without losing the result.
      const refreshRisk = async () => {
        // The threshold too: it may have changed on another screen since this one loaded.
        const [now, list] = await Promise.all([call<{ risk: { threshold: number } }>(ctx.session, "/api/agenda/settings"), loadUpcoming(ctx)]);
        const next = riskCard(list, now.risk.threshold, zone);
        risk.replaceWith(next);
        risk = next;
      };
      return [
        recommendationCard(data),
        heatmapCard(data.slots, zone),
        el("div", { class: "grid" }, risk, modelCard(data, threshold)),
        // Re-analysing, messaging patients and importing history are scheduling:write (owner, admin).
        ...(can(ctx, "scheduling:write") ? [rescheduleCard(ctx.session, zone, () => reanalyse(ctx), refreshRisk), importCard(ctx.session)] : []),
      ];
    },
    soft,
  );
}

async function loadUpcoming(ctx: ViewContext): Promise<Upcoming[]> {
  const now = Date.now();
  const query = new URLSearchParams({
    from: new Date(now).toISOString(),
    to: new Date(now + UPCOMING_DAYS * 86_400_000).toISOString(),
    status: "scheduled,confirmed",
    limit: "500",
  });
  return (await call<{ appointments: Upcoming[] }>(ctx.session, `/api/agenda/appointments?${query}`)).appointments;
}

async function reanalyse(ctx: ViewContext): Promise<void> {
  await call(ctx.session, "/api/agenda/optimize", { method: "POST" });
  await renderInsights(ctx, true);
}

function recommendationCard(d: Insights): HTMLElement {
  const recommendations = recommendationTexts(d.recommendations, d.recommendation_factors);
  const last = d.last_run
    ? t("insights.lastRun", { date: formatInZone(d.last_run.finished_at, d.time_zone), trigger: lookup("insights.trigger", d.last_run.trigger, "insights.trigger.other") })
    : t("insights.never");
  return el(
    "section",
    { class: "card", id: "insights-card" },
    el("h2", {}, t("insights.recommendation")),
    recommendations.length
      ? el("ul", { id: "insights-recommendations", class: "recommendations" }, ...recommendations.map((r) => el("li", {}, r)))
      : el("p", { class: "muted", id: "insights-recommendations" }, t("insights.noDifference")),
    el("h3", {}, t("insights.suggested")),
    d.suggested.length
      ? el(
          "ol",
          { id: "insights-suggested" },
          ...d.suggested.map((s) => el("li", {}, t("insights.suggestedItem", { label: slotText(s.weekday_index, s.hour), pct: formatPercent(s.attendance_rate) }))),
        )
      : el("p", { class: "muted", id: "insights-suggested" }, t("insights.suggestedNone")),
    el("p", { class: "muted", id: "insights-last-run" }, last),
  );
}

function riskCard(appointments: Upcoming[], threshold: number, zone: string): HTMLElement {
  const risky = appointments
    .filter((a) => a.high_risk || (a.no_show_prob ?? 0) >= threshold)
    .sort((a, b) => (b.no_show_prob ?? 0) - (a.no_show_prob ?? 0))
    .slice(0, UPCOMING_SHOWN);
  return el(
    "section",
    { class: "card", id: "insights-risk" },
    el("h2", {}, t("insights.risk.title")),
    el("p", { class: "muted" }, t("insights.risk.intro", { days: UPCOMING_DAYS, pct: formatPercent(threshold) })),
    risky.length
      ? el(
          "ul",
          { id: "insights-risk-list", class: "cases" },
          ...risky.map((a) =>
            el(
              "li",
              {},
              el(
                "p",
                {},
                el("strong", {}, contactLabel(a.contact)),
                " — ",
                t("insights.risk.item", { when: formatInZone(a.starts_at, zone), pct: formatPercent(a.no_show_prob ?? 0) }),
              ),
              a.risk_reasons.length ? el("p", { class: "muted reasons" }, reasonTexts(a.risk_reasons, a.risk_factors).join("; ")) : "",
            ),
          ),
        )
      : el("p", { class: "muted state empty", id: "insights-risk-list" }, t("insights.risk.none")),
  );
}

/** "x in every 10", the way the card talks about rates. */
const inTen = (x: number) => formatNumber(Math.round(x * 10));

/** Why the model is the average rate: from its code; a model stored before codes says its text only in pt-BR. */
function priorText(m: NonNullable<Insights["model"]>): string {
  if (m.fallback_factor) return factorText(m.fallback_factor);
  return currentLocale() === "pt-BR" && m.fallback_reason ? m.fallback_reason : t("insights.model.prior");
}

const kindText = (kind: string) => lookup("insights.model.kind", kind, "insights.model.kind.other");

/** Which model serves, what it was chosen against (validation figures) and its calibration. */
function choiceDetails(kind: string, ev: Evaluation, num: (x: number | null | undefined, digits: number) => string): HTMLElement[] {
  const out = [el("dt", {}, t("insights.model.chosen")), el("dd", { id: "model-chosen" }, kindText(kind))];
  if (ev.candidates?.length) {
    out.push(
      el("dt", {}, t("insights.model.candidates")),
      // One line each: the names carry their own commas and parentheses, so a joined line reads as one blur.
      el(
        "dd",
        {},
        el(
          "ul",
          { id: "model-candidates", class: "plain" },
          ...ev.candidates.map((c) => el("li", {}, t("insights.model.candidateValue", { kind: kindText(c.kind), auc: num(c.auc, 3), brier: num(c.brier, 4) }))),
        ),
      ),
    );
  }
  if (ev.calibration)
    out.push(
      el("dt", {}, t("insights.model.calibration")),
      el("dd", { id: "model-calibration" }, lookup("insights.model.calibration", ev.calibration, "insights.model.kind.other")),
    );
  return out;
}

function modelCard(d: Insights, threshold: number): HTMLElement {
  const m = d.model;
  const ev = m?.evaluation;
  const num = (x: number | null | undefined, digits: number) => (x === null || x === undefined ? t("common.none") : formatNumber(x, digits));
  const plain: HTMLElement[] = [];
  if (ev && m && m.kind !== "prior") {
    if (ev.base_rate !== null) plain.push(el("li", {}, t("insights.model.plainRate", { pct: formatPercent(ev.base_rate), n: inTen(ev.base_rate) })));
    const precision = precisionText(ev.bands, threshold);
    if (precision) plain.push(el("li", { id: "model-precision" }, precision));
    if (ev.auc !== null) {
      const heuristic = ev.heuristic_auc === null ? "" : t("insights.model.plainHeuristic", { n: inTen(ev.heuristic_auc) });
      plain.push(el("li", {}, t("insights.model.plainAuc", { n: inTen(ev.auc), heuristic })));
    }
    if (ev.brier !== null && ev.base_rate_brier) {
      const gain = 1 - ev.brier / ev.base_rate_brier;
      plain.push(el("li", {}, gain > 0 ? t("insights.model.plainBrier", { pct: formatPercent(gain) }) : t("insights.model.plainNoGain")));
    }
  }
  const body = !m
    ? [el("p", { class: "muted" }, t("insights.model.untrained"))]
    : m.kind === "prior" || !ev
      ? [el("p", { id: "model-prior" }, priorText(m))]
      : [
          el("ul", { id: "model-plain", class: "plain" }, ...plain),
          el(
            "details",
            { id: "model-details" },
            el("summary", {}, t("insights.model.details")),
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
              ...choiceDetails(m.kind, ev, num),
            ),
          ),
        ];
  return el(
    "section",
    { class: "card", id: "insights-model" },
    el("h2", {}, t("insights.model.title")),
    ...body,
    el("p", { class: "muted" }, m ? t("insights.model.trained", { date: formatInZone(m.trained_at, d.time_zone) }) : ""),
  );
}
