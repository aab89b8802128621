/** Tom de voz: formality, empathy, humor, reply length and opening phrases (what the live preview shows). */
import type { Session } from "../api";
import { el } from "../dom";
import { formatPercent, t } from "../i18n";
import { field, input, linesArea, linesOf, putSection, section, select } from "./fields";
import type { Config, Tone } from "./types";

/** A 0–1 slider with its value shown as a percentage beside it. */
function slider(id: string, value: number): { node: HTMLElement; control: HTMLInputElement } {
  const control = input({ id, type: "range", min: "0", max: "1", step: "0.1" }, value);
  const shown = el("output", { for: id }, formatPercent(value));
  control.addEventListener("input", () => {
    shown.textContent = formatPercent(Number(control.value));
  });
  return { node: el("span", { class: "slider" }, control, shown), control };
}

export function toneSection(session: Session, config: Config): { form: HTMLFormElement; read: () => Tone } {
  const tone = config.tone;
  const formality = select(
    { id: "tone-formality" },
    [
      ["formal", t("settings.tone.formal")],
      ["neutral", t("settings.tone.neutral")],
      ["casual", t("settings.tone.casual")],
    ],
    tone.formality,
  );
  const empathy = slider("tone-empathy", tone.empathy);
  const humor = slider("tone-humor", tone.humor);
  const length = input({ id: "tone-length", type: "number", min: "80", max: "4096", step: "1", inputmode: "numeric", required: "" }, tone.maxReplyChars);
  const openings = linesArea({ id: "tone-openings", rows: "3" }, tone.openingPhrases);
  // aiEnabled lives in the tone section on the server but is switched in the AI card: kept as stored.
  const read = (): Tone => ({
    formality: formality.value as Tone["formality"],
    empathy: Number(empathy.control.value),
    humor: Number(humor.control.value),
    maxReplyChars: Number(length.value),
    openingPhrases: linesOf(openings).slice(0, 10),
    aiEnabled: config.tone.aiEnabled,
  });
  const form = section({
    id: "tone",
    title: "settings.tone.title",
    intro: "settings.tone.intro",
    fields: [
      field(t("settings.tone.formality"), formality),
      field(t("settings.tone.empathy"), empathy.node),
      field(t("settings.tone.humor"), humor.node),
      field(t("settings.tone.length"), length, t("settings.tone.lengthHint")),
      field(t("settings.tone.openings"), openings, t("settings.onePerLine")),
    ],
    save: async () => {
      config.tone = (await putSection<Config>(session, "tone", read())).tone;
    },
  });
  return { form, read };
}
