/**
 * Modelos aprovados: per purpose, the WhatsApp template sent instead of free text outside the 24 h
 * window (its approved name, language and parameters). An empty name means none for that purpose.
 */
import type { Session } from "../api";
import { el } from "../dom";
import { type Key, t } from "../i18n";
import { field, input, putSection, section } from "./fields";
import { type Config, PURPOSES, type TemplateRef } from "./types";

export function templatesSection(session: Session, config: Config): HTMLFormElement {
  const rows = PURPOSES.map((purpose) => {
    const ref = config.templates[purpose];
    const name = input(
      { id: `template-${purpose}-name`, pattern: "[a-z0-9_]{1,512}", autocomplete: "off", spellcheck: "false", placeholder: t("settings.templates.namePlaceholder") },
      ref?.name,
    );
    const language = input({ id: `template-${purpose}-language`, minlength: "2", maxlength: "15", autocomplete: "off" }, ref?.language ?? "pt_BR");
    const parameters = input({ id: `template-${purpose}-parameters`, autocomplete: "off", spellcheck: "false" }, (ref?.parameters ?? ["{text}"]).join(", "));
    const read = (): TemplateRef | null =>
      name.value.trim()
        ? {
            name: name.value.trim(),
            language: language.value.trim() || "pt_BR",
            parameters: parameters.value
              .split(",")
              .map((p) => p.trim())
              .filter(Boolean),
          }
        : null;
    // Collapsed unless set: seven purposes open at once make a very long page on a phone.
    const current = el("span", { class: "muted" }, ref?.name ?? t("settings.templates.none"));
    name.addEventListener("input", () => {
      current.textContent = name.value.trim() || t("settings.templates.none");
    });
    const summary = el("summary", {}, t(`settings.templates.purpose.${purpose}` as Key), " ", current);
    const node = el(
      "details",
      { class: "template", id: `template-${purpose}`, ...(ref ? { open: "" } : {}) },
      summary,
      el(
        "div",
        { class: "row-fields template" },
        field(t("settings.templates.name"), name),
        field(t("settings.templates.language"), language),
        field(t("settings.templates.parameters"), parameters),
      ),
    );
    return { purpose, node, read };
  });
  return section({
    id: "templates",
    title: "settings.templates.title",
    intro: "settings.templates.intro",
    fields: [
      el(
        "p",
        { class: "muted" },
        t("settings.templates.placeholders"),
        " ",
        ...["{text}", "{contact_name}", "{business_name}"].flatMap((p, i) => [i ? ", " : "", el("code", {}, p)]),
      ),
      ...rows.map((r) => r.node),
    ],
    save: async () => {
      const body: Record<string, TemplateRef> = {};
      for (const r of rows) {
        const ref = r.read();
        if (ref) body[r.purpose] = ref;
      }
      config.templates = (await putSection<Config>(session, "templates", body)).templates;
    },
  });
}
