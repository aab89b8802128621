/**
 * Horário de atendimento: when a person is working (a line of intervals per weekday), holidays and
 * quiet hours. Outside them the assistant still answers and books; a handoff says when the team is
 * back and the SLA clock stops. The server checks order and overlaps and answers each problem (422).
 */
import type { Session } from "../api";
import { el } from "../dom";
import { type Key, t } from "../i18n";
import { field, input, linesArea, linesOf, putSection, section } from "./fields";
import type { Config } from "./types";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Day = (typeof DAYS)[number];
interface Interval {
  start: string;
  end: string;
}
export interface BusinessHours {
  enabled: boolean;
  weekly: Partial<Record<Day, Interval[]>>;
  holidays: { date: string; name?: string }[];
  quiet: { start: string; end: string };
}

/** "08:00-12:00, 13:00-18:00" ⇄ intervals; an empty line is a closed day. What does not parse goes to the server as written, to be named in its 422. */
const intervalsText = (list: Interval[] | undefined) => (list ?? []).map((i) => `${i.start}–${i.end}`).join(", ");
function parseIntervals(text: string): Interval[] {
  return text
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [start = "", end = ""] = s.split(/\s*[–—-]\s*|\s+a\s+|\s+to\s+/);
      return { start: start.trim(), end: end.trim() };
    });
}

export function businessHoursSection(session: Session, config: Config & { businessHours?: BusinessHours }): HTMLFormElement {
  const h: BusinessHours = config.businessHours ?? { enabled: false, weekly: {}, holidays: [], quiet: { start: "20:00", end: "08:00" } };
  const enabled = el("input", { type: "checkbox", id: "hours-enabled" });
  enabled.checked = h.enabled;
  const days = DAYS.map((d) => {
    const control = input({ id: `hours-${d}`, placeholder: t("hours.closed"), autocomplete: "off", spellcheck: "false" }, intervalsText(h.weekly[d]));
    return { d, control };
  });
  const holidays = linesArea(
    { id: "hours-holidays", rows: "3", placeholder: "2026-12-25 Natal" },
    h.holidays.map((x) => (x.name ? `${x.date} ${x.name}` : x.date)),
  );
  const quietStart = input({ id: "hours-quiet-start", type: "time", required: "" }, h.quiet.start);
  const quietEnd = input({ id: "hours-quiet-end", type: "time", required: "" }, h.quiet.end);
  return section({
    id: "business-hours",
    title: "hours.title",
    intro: "hours.intro",
    fields: [
      el("label", { class: "check" }, enabled, ` ${t("hours.enabled")}`),
      el(
        "fieldset",
        { class: "hours-week" },
        el("legend", {}, t("hours.weekly")),
        ...days.map(({ d, control }) => field(t(`hours.day.${d}` as Key), control)),
        el("p", { class: "muted small" }, t("hours.weeklyHint")),
      ),
      field(t("hours.holidays"), holidays, t("hours.holidaysHint")),
      el("div", { class: "hours-quiet" }, field(t("hours.quietStart"), quietStart), field(t("hours.quietEnd"), quietEnd)),
      el("p", { class: "muted small" }, t("hours.quietHint")),
    ],
    save: async () => {
      const weekly: Partial<Record<Day, Interval[]>> = {};
      for (const { d, control } of days) {
        const list = parseIntervals(control.value);
        if (list.length > 0) weekly[d] = list;
      }
      const body: BusinessHours = {
        enabled: enabled.checked,
        weekly,
        holidays: linesOf(holidays).map((line) => {
          const [date = "", ...name] = line.split(/\s+/);
          return name.length > 0 ? { date, name: name.join(" ") } : { date };
        }),
        quiet: { start: quietStart.value, end: quietEnd.value },
      };
      config.businessHours = (await putSection<Config & { businessHours: BusinessHours }>(session, "business-hours", body)).businessHours;
    },
  });
}
