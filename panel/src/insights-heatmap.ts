/**
 * Attendance by weekday × hour as a table: every cell says its rate in text (no hover needed), its
 * colour only repeats it, and the suggested windows carry a star. On a phone the table scrolls inside
 * its own box (focusable, so the keyboard scrolls it too), never the page.
 */
import { el } from "./dom";
import { currentLocale, formatPercent, t, tn } from "./i18n";
import { hourText, slotText } from "./scheduling-text";

export interface HeatSlot {
  weekday_index: number;
  hour: number;
  label: string;
  volume: number;
  attendance_rate: number;
  no_show_prob: number;
  suggested_slot: boolean;
}

/** Weekday names in the panel's language, Monday first (the API's weekday_index: 0 = Monday). */
const weekdayNames = () =>
  Array.from({ length: 7 }, (_, i) => {
    const name = new Intl.DateTimeFormat(currentLocale(), { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + i)));
    // "segunda-feira" → "Segunda-feira" (CSS capitalize would give "Segunda-Feira").
    return name.charAt(0).toLocaleUpperCase(currentLocale()) + name.slice(1);
  });

/** Five bands of attendance, so colour-blind readers still have the number in the cell. */
const band = (rate: number) => (rate >= 0.9 ? 4 : rate >= 0.8 ? 3 : rate >= 0.7 ? 2 : rate >= 0.6 ? 1 : 0);

export function heatmapCard(slots: readonly HeatSlot[], timeZone: string): HTMLElement {
  const title = el("h2", { id: "heatmap-title" }, t("insights.heatmap.title"));
  if (slots.length === 0) return el("section", { class: "card" }, title, el("p", { class: "muted state empty" }, t("insights.chart.empty")));
  const hours = slots.map((s) => s.hour);
  const first = Math.min(...hours);
  const last = Math.max(...hours);
  const columns = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const bySlot = new Map(slots.map((s) => [s.weekday_index * 24 + s.hour, s]));
  const names = weekdayNames();
  const head = el("tr", {}, el("td", {}), ...columns.map((h) => el("th", { scope: "col" }, hourText(h))));
  const rows = names.map((name, day) =>
    el(
      "tr",
      {},
      el("th", { scope: "row" }, name),
      ...columns.map((hour) => {
        const s = bySlot.get(day * 24 + hour);
        if (!s) return el("td", { class: "heat-none", title: t("insights.heatmap.noData") }, el("span", { "aria-label": t("insights.heatmap.noData") }, "—"));
        const detail = t("insights.heatmap.cell", {
          slot: slotText(s.weekday_index, s.hour),
          attendance: formatPercent(s.attendance_rate),
          noShow: formatPercent(s.no_show_prob),
          volume: tn("insights.chart.volume", s.volume),
        });
        const text = formatPercent(s.attendance_rate);
        return el(
          "td",
          { class: `heat-${band(s.attendance_rate)}${s.suggested_slot ? " heat-suggested" : ""}`, title: detail },
          el("span", { "aria-hidden": "true" }, s.suggested_slot ? `★ ${text}` : text),
          el("span", { class: "visually-hidden" }, s.suggested_slot ? `${detail} ${t("insights.chart.suggested")}` : detail),
        );
      }),
    ),
  );
  return el(
    "section",
    { class: "card", id: "insights-heatmap-card" },
    title,
    el("p", { class: "muted" }, t("insights.heatmap.hint", { tz: timeZone })),
    el(
      "div",
      { class: "heatmap-scroll", role: "region", "aria-labelledby": "heatmap-title", tabindex: "0" },
      el(
        "table",
        { class: "heatmap", id: "insights-heatmap" },
        el("caption", { class: "visually-hidden" }, t("insights.heatmap.title")),
        el("thead", {}, head),
        el("tbody", {}, ...rows),
      ),
    ),
    el(
      "p",
      { class: "heat-legend muted", "aria-hidden": "true" },
      ...[0, 1, 2, 3, 4].map((b) => el("span", { class: `heat-${b}` }, t(`insights.heatmap.band${b}` as "insights.heatmap.band0"))),
      el("span", { class: "heat-suggested" }, `★ ${t("insights.chart.suggested")}`),
    ),
  );
}
