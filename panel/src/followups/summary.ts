/** The Pós-Atendimento summary: the last 30 days' response rate and how satisfied the answers were. */
import { el } from "../dom";
import { formatNumber, formatPercent, t, tn } from "../i18n";

export interface FollowupSummary {
  days: number;
  sent: number;
  answered: number;
  failed: number;
  response_rate: number | null;
  positive: number;
  neutral: number;
  negative: number;
  average_score: number | null;
}

const SENTIMENTS = ["positive", "neutral", "negative"] as const;

export function summaryCards(s: FollowupSummary): HTMLElement {
  const rate = el(
    "section",
    { class: "card", id: "followups-rate" },
    el("h2", {}, t("followups.summary.rate")),
    s.response_rate === null ? el("p", { class: "muted" }, t("followups.summary.rateNone")) : el("p", { class: "big-number" }, formatPercent(s.response_rate)),
    el("p", { class: "muted" }, t("followups.summary.counts", { answered: formatNumber(s.answered), sent: formatNumber(s.sent) })),
    s.failed ? el("p", { class: "error" }, tn("followups.summary.failed", s.failed)) : "",
  );
  const answers = s.positive + s.neutral + s.negative;
  const satisfaction = el(
    "section",
    { class: "card", id: "followups-satisfaction" },
    el("h2", {}, t("followups.summary.satisfaction")),
    answers === 0
      ? el("p", { class: "muted" }, t("followups.summary.noAnswers"))
      : el(
          "div",
          {},
          // The bar repeats the list below it in colour; the list is what screen readers and colour-blind readers get.
          el("div", { class: "sentiment-bar", "aria-hidden": "true" }, ...SENTIMENTS.map((k) => grow(el("span", { class: `sentiment-${k}` }), s[k]))),
          el(
            "ul",
            { class: "sentiment-list" },
            ...SENTIMENTS.map((k) =>
              el(
                "li",
                {},
                el("span", { class: `dot sentiment-${k}`, "aria-hidden": "true" }),
                t("followups.summary.share", { label: t(`followups.summary.${k}`), pct: formatPercent(s[k] / answers), n: formatNumber(s[k]) }),
              ),
            ),
          ),
          s.average_score === null ? "" : el("p", { class: "muted" }, t("followups.summary.score", { score: formatNumber(s.average_score, 2) })),
        ),
  );
  return el("div", { class: "grid", id: "followups-summary", "aria-label": t("followups.summary.title", { days: s.days }) }, rate, satisfaction);
}

/** Sets the bar's share through CSSOM: a style="" attribute is inline style, which the CSP refuses. */
function grow(node: HTMLElement, share: number): HTMLElement {
  node.style.flexGrow = String(share);
  return node;
}
