/**
 * The live reply preview beside the form: a sample question answered by the real engine
 * (POST /api/config/preview) with the knowledge and tone as they are on screen, saved or not.
 */
import { call, type Session } from "../api";
import { el } from "../dom";
import { errorMessage, lookup, t } from "../i18n";
import type { Knowledge, Tone } from "./types";

interface PreviewAnswer {
  reply: string;
  source: "llm" | "template";
  reason: string;
}

export function previewCard(session: Session, unsaved: () => { knowledge: Knowledge; tone: Tone }): { node: HTMLElement; refresh: () => void } {
  const question = el("input", { id: "preview-question", autocomplete: "off" });
  question.value = t("settings.preview.sample");
  const name = el("input", { id: "preview-name", autocomplete: "off" });
  name.value = t("settings.preview.sampleName");
  const reply = el("p", { class: "bubble", id: "preview-reply" });
  const meta = el("p", { class: "muted", id: "preview-source" });
  const hint = el("p", { class: "hint", id: "preview-hint" });
  const box = el("div", { class: "preview-answer", "aria-live": "polite", "aria-busy": "false" }, reply, meta, hint);
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const run = async () => {
    const mine = ++seq;
    box.setAttribute("aria-busy", "true");
    try {
      const text = question.value.trim() || t("settings.preview.sample");
      const answer = await call<PreviewAnswer>(session, "/api/config/preview", {
        method: "POST",
        body: JSON.stringify({ text, contact_name: name.value.trim() || undefined, ...unsaved() }),
      });
      if (mine !== seq) return;
      reply.textContent = answer.reply;
      reply.classList.remove("error");
      meta.textContent = `${t(answer.source === "llm" ? "settings.preview.fromAi" : "settings.preview.fromTemplate")} · ${lookup("settings.preview.reason", answer.reason, "settings.preview.reason.other")}`;
      hint.textContent = answer.source === "template" ? t("settings.preview.templateHint") : "";
    } catch (err) {
      if (mine !== seq) return;
      reply.textContent = errorMessage(err);
      reply.classList.add("error");
      meta.textContent = "";
      hint.textContent = "";
    } finally {
      if (mine === seq) box.setAttribute("aria-busy", "false");
    }
  };
  // Typing in the form asks again once the typing pauses, not on every key.
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), 400);
  };
  question.addEventListener("input", refresh);
  name.addEventListener("input", refresh);
  const node = el(
    "aside",
    { class: "card preview", id: "preview", "aria-labelledby": "preview-title" },
    el("h2", { id: "preview-title" }, t("settings.preview.title")),
    el("p", { class: "muted" }, t("settings.preview.intro")),
    el("label", { class: "field" }, el("span", {}, t("settings.preview.question")), question),
    el("label", { class: "field" }, el("span", {}, t("settings.preview.name")), name),
    box,
  );
  void run();
  return { node, refresh };
}
