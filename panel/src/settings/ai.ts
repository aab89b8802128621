/**
 * Inteligência artificial: on/off, provider, model, the monthly token limit and the tenant's own key.
 * The key is write-only: the API only says whether one is stored; an empty field keeps it.
 */
import type { Session } from "../api";
import { el } from "../dom";
import { errorMessage, t } from "../i18n";
import { confirmAction } from "../ui/confirm";
import { field, input, putSection, section, select } from "./fields";
import { type Config, PROVIDERS } from "./types";

export function aiSection(session: Session, config: Config, changed: () => void): HTMLFormElement {
  const enabled = el("input", { id: "ai-enabled", type: "checkbox" });
  enabled.checked = config.tone.aiEnabled;
  const provider = select(
    { id: "ai-provider" },
    PROVIDERS.map((p) => [p, t(`settings.ai.provider.${p}`)]),
    config.ai.provider,
  );
  const model = input({ id: "ai-model", maxlength: "120", required: "", autocomplete: "off", spellcheck: "false" }, config.ai.model);
  const limit = input({ id: "ai-limit", type: "number", min: "0", step: "1", inputmode: "numeric", required: "" }, config.ai.monthlyTokenLimit);
  const key = input({ id: "ai-key", type: "password", minlength: "8", maxlength: "500", autocomplete: "off", spellcheck: "false" });
  const keyState = el("small", { class: "muted", id: "ai-key-state" });
  const remove = el("button", { type: "button", class: "link danger-link", id: "ai-key-remove" }, t("settings.ai.removeKey"));
  const showKeyState = () => {
    keyState.textContent = t(config.ai.hasApiKey ? "settings.ai.keyStored" : "settings.ai.keyNone");
    key.placeholder = t(config.ai.hasApiKey ? "settings.ai.keyKeep" : "settings.ai.keyPlaceholder");
    remove.hidden = !config.ai.hasApiKey;
  };
  showKeyState();
  remove.addEventListener("click", async () => {
    if (!(await confirmAction({ title: t("settings.ai.removeTitle"), body: t("settings.ai.removeBody"), confirm: t("settings.ai.removeKey") }))) return;
    try {
      config.ai = (await putSection<Config>(session, "ai", { apiKey: null })).ai;
      showKeyState();
      changed();
    } catch (err) {
      keyState.textContent = errorMessage(err);
    }
  });
  return section({
    id: "ai",
    title: "settings.ai.title",
    intro: "settings.ai.intro",
    fields: [
      el("label", { class: "check" }, enabled, t("settings.ai.enabled")),
      field(t("settings.ai.providerLabel"), provider),
      field(t("settings.ai.model"), model),
      field(t("settings.ai.limit"), limit, t("settings.ai.limitHint")),
      field(t("settings.ai.key"), key, t("settings.ai.keyHint")),
      el("div", { class: "actions" }, keyState, remove),
    ],
    save: async () => {
      if (enabled.checked !== config.tone.aiEnabled) config.tone = (await putSection<Config>(session, "tone", { ...config.tone, aiEnabled: enabled.checked })).tone;
      const body: Record<string, unknown> = { provider: provider.value, model: model.value.trim(), monthlyTokenLimit: Number(limit.value) };
      if (key.value.trim()) body.apiKey = key.value.trim();
      config.ai = (await putSection<Config>(session, "ai", body)).ai;
      key.value = "";
      showKeyState();
      changed();
    },
  });
}
