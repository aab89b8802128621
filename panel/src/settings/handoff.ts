/** Atendimento humano: the words that call a person, where each handoff is announced, and the SLA. */
import type { Session } from "../api";
import { t } from "../i18n";
import { field, input, linesArea, linesOf, putSection, section } from "./fields";
import type { Config, Handoff } from "./types";

export function handoffSection(session: Session, config: Config): HTMLFormElement {
  const h = config.handoff;
  const keywords = linesArea({ id: "handoff-keywords", rows: "3" }, h.keywords);
  const url = input({ id: "handoff-url", type: "url", placeholder: "https://hooks.slack.com/…", autocomplete: "off" }, h.notifyUrl);
  const sla = input({ id: "handoff-sla", type: "number", min: "1", max: "10080", step: "1", inputmode: "numeric", required: "" }, h.slaMinutes);
  const negative = input({ id: "handoff-negative", type: "number", min: "1", max: "10", step: "1", required: "" }, h.negativeTurns);
  const unhandled = input({ id: "handoff-unhandled", type: "number", min: "1", max: "10", step: "1", required: "" }, h.unhandledTurns);
  return section({
    id: "handoff",
    title: "settings.handoff.title",
    intro: "settings.handoff.intro",
    fields: [
      field(t("settings.handoff.keywords"), keywords, t("settings.onePerLine")),
      field(t("settings.handoff.url"), url, t("settings.handoff.urlHint")),
      field(t("settings.handoff.sla"), sla),
      field(t("settings.handoff.negative"), negative),
      field(t("settings.handoff.unhandled"), unhandled),
    ],
    save: async () => {
      const body: Handoff = {
        keywords: linesOf(keywords).filter((k) => k.length >= 2),
        slaMinutes: Number(sla.value),
        negativeTurns: Number(negative.value),
        unhandledTurns: Number(unhandled.value),
      };
      if (url.value.trim()) body.notifyUrl = url.value.trim();
      config.handoff = (await putSection<Config>(session, "handoff", body)).handoff;
    },
  });
}
