/**
 * Analytics e Consumo: the tenant's figures over a chosen period (7, 30, 90 days or custom; by day or
 * ISO week), headline cards against the period before, Chart.js series, LLM cost by provider and
 * model, CSV/PDF exports through the API, and a recompute for those who may write.
 */
import { call } from "../api";
import { el } from "../dom";
import { formatNumber, formatPercent, type Key, t, tn } from "../i18n";
import { navigate } from "../ui/router";
import { busy, emptyState, onLeave, showView, type ViewContext } from "../ui/view";
import { drawChart } from "./chart";
import { download } from "../ui/download";
import { change, type Totals, totalsOf } from "./figures";
import { canWrite, type History } from "./types";

const PRESETS = ["7", "30", "90"] as const;
const DAY_MS = 86_400_000;
const isDay = (s: string | null): s is string => s !== null && /^\d{4}-\d{2}-\d{2}$/.test(s);
const shift = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const span = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;

/** Yesterday on the tenant's clock (the last day a report can be complete for). */
function yesterdayIn(tz: string): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  return shift(today, -1);
}

interface Choice {
  preset: string;
  from: string;
  to: string;
  granularity: "day" | "week";
}

function choiceOf(ctx: ViewContext): Choice {
  const p = ctx.params;
  const granularity = p.get("g") === "week" ? "week" : "day";
  const from = p.get("from");
  const to = p.get("to");
  if (p.get("p") === "custom" && isDay(from) && isDay(to)) return { preset: "custom", from, to, granularity };
  const preset = PRESETS.find((x) => x === p.get("p")) ?? "30";
  const end = yesterdayIn(ctx.company.time_zone);
  return { preset, from: shift(end, -(Number(preset) - 1)), to: end, granularity };
}

export function renderAnalytics(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("analytics.title"), () => build(ctx), soft);
}

const query = (c: { from: string; to: string; granularity: string }) => `from=${c.from}&to=${c.to}&granularity=${c.granularity}`;

async function build(ctx: ViewContext): Promise<Node[]> {
  const choice = choiceOf(ctx);
  const days = span(choice.from, choice.to);
  const before = { from: shift(choice.from, -days), to: shift(choice.from, -1), granularity: "day" };
  const [now, prev] = await Promise.all([
    call<History>(ctx.session, `/api/analytics/history?${query(choice)}`),
    call<History>(ctx.session, `/api/analytics/history?${query(before)}`),
  ]);
  const totals = totalsOf(now.periods.map((p) => p.metrics));
  const previous = totalsOf(prev.periods.map((p) => p.metrics));
  const status = el("p", { id: "analytics-status", role: "status", class: "muted" });
  const nodes: Node[] = [el("p", { class: "muted" }, t("analytics.intro")), controls(ctx, choice, status), status];
  if (now.missing.length > 0) nodes.push(el("p", { class: "muted", id: "analytics-missing" }, tn("analytics.missing", now.missing.length)));
  if (now.periods.length === 0) {
    nodes.push(el("section", { class: "card" }, emptyState(t("analytics.empty"), "analytics-empty")));
    return nodes;
  }
  nodes.push(cards(totals, previous), ...(await charts(now)), costTable(totals));
  return nodes;
}

function controls(ctx: ViewContext, choice: Choice, status: HTMLElement): HTMLElement {
  const period = el("select", { id: "analytics-period", "aria-label": t("analytics.period") });
  for (const p of [...PRESETS, "custom"]) {
    const o = el("option", { value: p }, p === "custom" ? t("analytics.custom") : t("analytics.lastDays", { n: p }));
    o.selected = p === choice.preset;
    period.append(o);
  }
  const from = el("input", { type: "date", id: "analytics-from", value: choice.from, "aria-label": t("analytics.from") });
  const to = el("input", { type: "date", id: "analytics-to", value: choice.to, "aria-label": t("analytics.to") });
  const gran = el("select", { id: "analytics-granularity", "aria-label": t("analytics.granularity") });
  for (const g of ["day", "week"] as const) {
    const o = el("option", { value: g }, t(`analytics.by.${g}`));
    o.selected = g === choice.granularity;
    gran.append(o);
  }
  const custom = el("span", { class: "analytics-custom" }, from, to);
  custom.hidden = choice.preset !== "custom";
  const go = () => {
    const p = period.value;
    navigate("analytics", p === "custom" ? { p, from: from.value, to: to.value, g: gran.value } : { p, g: gran.value });
  };
  period.addEventListener("change", () => {
    custom.hidden = period.value !== "custom";
    if (period.value !== "custom") go();
  });
  for (const x of [from, to, gran]) x.addEventListener("change", go);

  const exporter = (format: "csv" | "pdf") => {
    const b = el("button", { type: "button", class: "secondary", id: `analytics-export-${format}` }, t(`analytics.export.${format}`));
    b.addEventListener("click", () => busy(b, () => download(ctx.session, `/api/analytics/export?format=${format}&${query(choice)}`, { fallback: `analytics.${format}` }), status));
    return b;
  };
  const actions = el("div", { class: "actions" }, exporter("csv"), exporter("pdf"));
  if (canWrite(ctx.permissions)) {
    const again = el("button", { type: "button", class: "secondary", id: "analytics-recompute" }, t("analytics.recompute"));
    again.addEventListener("click", () =>
      busy(
        again,
        async () => {
          // At most 92 days at once (the API's cap): the last 92 of the period.
          const start = span(choice.from, choice.to) > 92 ? shift(choice.to, -91) : choice.from;
          await call(ctx.session, "/api/analytics/recompute", { method: "POST", body: JSON.stringify({ from: start, to: choice.to, granularity: choice.granularity }) });
          await renderAnalytics(ctx, true);
          status.textContent = t("analytics.recomputed");
        },
        status,
      ),
    );
    actions.append(again);
  }
  return el("div", { class: "analytics-controls" }, el("div", { class: "analytics-pickers" }, period, custom, gran), actions);
}

function cards(now: Totals, before: Totals): HTMLElement {
  const ms = (x: number | null, unit: "s" | "min") =>
    x === null ? t("common.none") : unit === "s" ? t("analytics.seconds", { n: formatNumber(x / 1000, 1) }) : t("analytics.minutes", { n: formatNumber(x / 60000, 1) });
  const pct = (x: number | null) => (x === null ? t("common.none") : formatPercent(x));
  const money = (x: number, currency: string) =>
    new Intl.NumberFormat(document.documentElement.lang || "pt-BR", { style: "currency", currency, maximumFractionDigits: 4 }).format(x);
  const list: [Key, string, number | null, number | null, string][] = [
    ["analytics.card.messagesIn", formatNumber(now.messagesIn), now.messagesIn, before.messagesIn, "messages-in"],
    ["analytics.card.messagesOut", formatNumber(now.messagesOut), now.messagesOut, before.messagesOut, "messages-out"],
    ["analytics.card.conversations", formatNumber(now.conversations), now.conversations, before.conversations, "conversations"],
    ["analytics.card.newContacts", formatNumber(now.newContacts), now.newContacts, before.newContacts, "new-contacts"],
    ["analytics.card.llmShare", pct(now.llmShare), now.llmShare, before.llmShare, "llm-share"],
    ["analytics.card.firstResponse", ms(now.avgFirstResponseMs, "s"), now.avgFirstResponseMs, before.avgFirstResponseMs, "first-response"],
    ["analytics.card.handoffs", formatNumber(now.handoffs), now.handoffs, before.handoffs, "handoffs"],
    ["analytics.card.humanWait", ms(now.avgHandoffWaitMs, "min"), now.avgHandoffWaitMs, before.avgHandoffWaitMs, "human-wait"],
    ["analytics.card.bookings", formatNumber(now.bookings), now.bookings, before.bookings, "bookings"],
    ["analytics.card.noShowRate", pct(now.noShowRate), now.noShowRate, before.noShowRate, "no-show-rate"],
    ["analytics.card.followupRate", pct(now.followupResponseRate), now.followupResponseRate, before.followupResponseRate, "followup-rate"],
    ["analytics.card.nps", now.nps === null ? t("common.none") : formatNumber(now.nps, 0), now.nps, before.nps, "nps"],
    ["analytics.card.cost", money(now.cost, now.currency), now.cost, before.cost, "cost"],
  ];
  return el(
    "div",
    { class: "analytics-cards", id: "analytics-cards" },
    ...list.map(([label, shown, a, b, id]) => {
      const c = change(a, b);
      const delta =
        c === null
          ? el("span", { class: "muted" }, t("analytics.noComparison"))
          : el("span", { class: c >= 0 ? "delta up" : "delta down" }, `${c >= 0 ? "▲" : "▼"} ${formatPercent(Math.abs(c))}`);
      return el("div", { class: "campaign-result", "data-card": id }, el("span", { class: "muted" }, t(label)), el("strong", {}, shown), delta);
    }),
  );
}

async function charts(h: History): Promise<Node[]> {
  const labels = h.periods.map((p) => p.period_start.slice(5));
  const canvas = (id: string) => el("canvas", { id, role: "img" });
  const messages = canvas("analytics-chart-messages");
  const replies = canvas("analytics-chart-replies");
  messages.setAttribute("aria-label", t("analytics.chart.messages"));
  replies.setAttribute("aria-label", t("analytics.chart.replies"));
  const box = (title: Key, c: HTMLCanvasElement) => el("section", { class: "card" }, el("h2", {}, t(title)), el("div", { class: "analytics-chart" }, c));
  const nodes = [el("div", { class: "grid" }, box("analytics.chart.messages", messages), box("analytics.chart.replies", replies))];
  const m = h.periods.map((p) => p.metrics);
  const destroy = await Promise.all([
    drawChart(messages, labels, [
      { label: t("analytics.series.in"), data: m.map((x) => x.messagesIn), color: "#2f6fd0", kind: "bar" },
      { label: t("analytics.series.out"), data: m.map((x) => x.messagesOut), color: "#2e9e6e", kind: "bar" },
    ]),
    drawChart(
      replies,
      labels,
      [
        { label: t("analytics.series.llm"), data: m.map((x) => x.repliesLlm), color: "#7a4fd0", kind: "bar" },
        { label: t("analytics.series.template"), data: m.map((x) => x.repliesTemplate), color: "#c9a227", kind: "bar" },
        { label: t("analytics.series.human"), data: m.map((x) => x.repliesHuman), color: "#d0603f", kind: "bar" },
      ],
      { stacked: true },
    ),
  ]);
  onLeave(() => {
    for (const d of destroy) d();
  });
  return nodes;
}

function costTable(totals: Totals): HTMLElement {
  const cols: Key[] = ["analytics.cost.provider", "analytics.cost.model", "analytics.cost.tokensIn", "analytics.cost.tokensOut", "analytics.cost.requests", "analytics.cost.cost"];
  const cell = (i: number, text: string) => el("td", { "data-label": t(cols[i] ?? "common.none") }, el("div", {}, text));
  const money = (x: number) => `${formatNumber(x, 4)} ${totals.currency}`;
  const body = totals.byModel.length
    ? el(
        "table",
        { id: "analytics-costs", class: "cards-narrow" },
        el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
        el(
          "tbody",
          {},
          ...totals.byModel.map((u) =>
            el(
              "tr",
              {},
              cell(0, u.provider),
              cell(1, u.model),
              cell(2, formatNumber(u.input)),
              cell(3, formatNumber(u.output)),
              cell(4, formatNumber(u.requests)),
              cell(5, money(u.cost)),
            ),
          ),
        ),
      )
    : emptyState(t("analytics.cost.empty"), "analytics-costs-empty");
  return el("section", { class: "card" }, el("h2", {}, t("analytics.cost.title")), el("p", { class: "muted" }, t("analytics.cost.note")), body);
}
