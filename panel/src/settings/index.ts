/**
 * Configuração: everything the assistant knows and how it behaves, one card per section of
 * /api/config (each saved on its own), with the live reply preview beside the knowledge and tone.
 */
import { call } from "../api";
import { el } from "../dom";
import { t } from "../i18n";
import { onLeave, showView, type ViewContext } from "../ui/view";
import { aiSection } from "./ai";
import { businessHoursSection } from "./business-hours";
import { handoffSection } from "./handoff";
import { knowledgeSection } from "./knowledge";
import { previewCard } from "./preview";
import { templatesSection } from "./templates";
import { toneSection } from "./tone";
import type { Config } from "./types";

export function renderSettings(ctx: ViewContext): Promise<void> {
  return showView(ctx.root, t("settings.title"), async () => {
    const config = await call<Config>(ctx.session, "/api/config");
    const knowledge = knowledgeSection(ctx.session, config);
    const tone = toneSection(ctx.session, config);
    const preview = previewCard(ctx.session, () => ({ knowledge: knowledge.read(), tone: tone.read() }));
    for (const form of [knowledge.form, tone.form]) {
      form.addEventListener("input", preview.refresh);
      form.addEventListener("change", preview.refresh);
    }
    // Leaving with unsaved edits asks the browser's own question (a reload or closing the tab).
    const dirty = new Set<HTMLFormElement>();
    const others = [
      aiSection(ctx.session, config, preview.refresh),
      templatesSection(ctx.session, config),
      handoffSection(ctx.session, config),
      businessHoursSection(ctx.session, config),
    ];
    for (const form of [knowledge.form, tone.form, ...others]) {
      form.addEventListener("input", () => dirty.add(form));
      form.addEventListener("submit", () => dirty.delete(form));
    }
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (dirty.size > 0) e.preventDefault();
    };
    window.addEventListener("beforeunload", beforeUnload);
    onLeave(() => window.removeEventListener("beforeunload", beforeUnload));
    return [el("p", { class: "muted" }, t("settings.intro")), el("div", { class: "settings-layout" }, knowledge.form, tone.form, preview.node, ...others)];
  });
}
