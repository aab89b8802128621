/**
 * Satisfação: NPS (promoters − detractors) and the follow-up answers' satisfaction for a period, per
 * day, week or month; the recent comments; and how an external system sends NPS and comments in.
 */
import { call } from "../api";
import { el } from "../dom";
import { formatDateTime, formatNumber, type Key, lookup, t } from "../i18n";
import { showView, emptyState, type ViewContext } from "../ui/view";

interface Figures {
  nps: { responses: number; promoters: number; passives: number; detractors: number; score: number | null };
  followups: { answers: number; positive: number; negative: number; neutral: number; satisfaction: number | null };
  comments: number;
  average_score: number | null;
}
interface Summary {
  from: string;
  to: string;
  granularity: "day" | "week" | "month";
  truncated: boolean;
  total: Figures;
  periods: ({ period_start: string } & Figures)[];
  recent_comments: { id: number; kind: string; source: string; nps: number | null; score: number; text: string | null; created_at: string }[];
}

const GRANULARITIES = ["day", "week", "month"] as const;
const score = (n: number | null, suffix = "") => (n === null ? t("common.none") : `${formatNumber(n, 1)}${suffix}`);

export function renderSatisfaction(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("satisfaction.title"), () => build(ctx), soft);
}

async function build(ctx: ViewContext): Promise<Node[]> {
  const q = new URLSearchParams();
  for (const k of ["from", "to", "granularity"]) {
    const v = ctx.params.get(k);
    if (v) q.set(k, v);
  }
  const s = await call<Summary>(ctx.session, `/api/feedback/summary?${q}`);
  return [el("p", { class: "muted" }, t("satisfaction.intro")), picker(s), totals(s), periodsTable(s), comments(s), howTo(ctx)];
}

function picker(s: Summary): HTMLElement {
  const from = el("input", { type: "date", id: "sat-from", value: s.from, required: "" });
  const to = el("input", { type: "date", id: "sat-to", value: s.to, required: "" });
  const g = el("select", { id: "sat-granularity" }, ...GRANULARITIES.map((x) => el("option", { value: x }, t(`satisfaction.g.${x}` as Key))));
  g.value = s.granularity;
  const apply = el("button", { type: "submit", id: "sat-apply" }, t("satisfaction.apply"));
  const form = el(
    "form",
    { class: "card filter-fields", id: "sat-period" },
    el("label", { class: "field" }, el("span", {}, t("satisfaction.from")), from),
    el("label", { class: "field" }, el("span", {}, t("satisfaction.to")), to),
    el("label", { class: "field" }, el("span", {}, t("satisfaction.granularity")), g),
    apply,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = `#satisfacao?${new URLSearchParams({ from: from.value, to: to.value, granularity: g.value })}`;
  });
  return form;
}

function totals(s: Summary): HTMLElement {
  const { nps, followups } = s.total;
  const card = (id: string, label: Key, value: string, detail = "") =>
    el("div", { class: "campaign-result", id }, el("span", { class: "muted" }, t(label)), el("strong", {}, value), detail ? el("span", { class: "muted" }, detail) : "");
  return el(
    "div",
    { class: "campaign-results", id: "sat-totals" },
    card("sat-nps", "satisfaction.nps", score(nps.score), t("satisfaction.npsResponses", { n: nps.responses })),
    card("sat-promoters", "satisfaction.promoters", formatNumber(nps.promoters)),
    card("sat-passives", "satisfaction.passives", formatNumber(nps.passives)),
    card("sat-detractors", "satisfaction.detractors", formatNumber(nps.detractors)),
    card("sat-followups", "satisfaction.followupSatisfaction", score(followups.satisfaction, " %"), t("satisfaction.answers", { n: followups.answers })),
    card("sat-comments", "satisfaction.comments", formatNumber(s.total.comments)),
  );
}

function periodsTable(s: Summary): HTMLElement {
  const cols: Key[] = ["satisfaction.col.period", "satisfaction.nps", "satisfaction.col.responses", "satisfaction.followupSatisfaction", "satisfaction.col.answers"];
  const cell = (i: number, v: string) => el("td", { "data-label": t(cols[i] ?? "common.none") }, el("div", {}, v));
  return el(
    "section",
    { class: "card" },
    el("h2", {}, t("satisfaction.perPeriod")),
    s.periods.length
      ? el(
          "table",
          { id: "sat-periods", class: "cards-narrow" },
          el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
          el(
            "tbody",
            {},
            ...s.periods.map((p) =>
              el(
                "tr",
                { "data-period": p.period_start },
                cell(0, p.period_start),
                cell(1, score(p.nps.score)),
                cell(2, formatNumber(p.nps.responses)),
                cell(3, score(p.followups.satisfaction, " %")),
                cell(4, formatNumber(p.followups.answers)),
              ),
            ),
          ),
        )
      : emptyState(t("satisfaction.empty"), "sat-empty"),
    s.truncated ? el("p", { class: "muted" }, t("satisfaction.truncated")) : "",
  );
}

function comments(s: Summary): HTMLElement {
  return el(
    "section",
    { class: "card", id: "sat-comments-list" },
    el("h2", {}, t("satisfaction.recent")),
    s.recent_comments.length
      ? el(
          "ul",
          { class: "plain" },
          ...s.recent_comments.map((c) =>
            el(
              "li",
              { "data-kind": c.kind },
              el("blockquote", { class: "message-preview" }, c.text ?? ""),
              el(
                "span",
                { class: "muted" },
                `${lookup("satisfaction.kind", c.kind, "satisfaction.kind.other")} · ${c.source}${c.nps === null ? "" : ` · NPS ${c.nps}`} · ${formatDateTime(c.created_at)}`,
              ),
            ),
          ),
        )
      : emptyState(t("satisfaction.noComments"), "sat-no-comments"),
  );
}

function howTo(ctx: ViewContext): HTMLElement {
  const curl = [
    `curl -X POST ${location.origin}/api/feedback/ingest \\`,
    `  -H "Authorization: Bearer <token feedback:write>" -H "content-type: application/json" \\`,
    `  -d '{"items":[{"external_id":"resp-123","source":"typeform","phone":"+5511987654321","nps":9,"comment":"Ótimo atendimento","created_at":"2026-12-01T14:00:00-03:00"}]}'`,
  ].join("\n");
  return el(
    "section",
    { class: "card", id: "sat-howto" },
    el("h2", {}, t("satisfaction.howTo")),
    el("p", {}, t("satisfaction.howToBody", { slug: ctx.company.slug })),
    el("pre", { class: "answer" }, curl),
    el("p", { class: "muted" }, t("satisfaction.howToIdempotent")),
  );
}
