/** What to paste at the provider: the webhook URL, Meta's verify token, and where each goes. */
import { el } from "../dom";
import { formatDateTime, type Key, t } from "../i18n";
import { field, input } from "../settings/fields";
import type { ChannelView } from "./types";

/** A read-only value with a Copy button (the clipboard API, else the value selected for Ctrl-C). */
function copyable(id: string, label: string, value: string): HTMLElement {
  const box = input({ id, readonly: "", spellcheck: "false" }, value);
  const button = el("button", { type: "button", class: "secondary small", id: `${id}-copy`, "aria-label": t("channel.copyLabel", { what: label }) }, t("channel.copy"));
  const done = el("small", { class: "muted", role: "status" });
  button.addEventListener("click", async () => {
    box.select();
    try {
      await navigator.clipboard.writeText(value);
      done.textContent = t("channel.copied");
    } catch {
      done.textContent = t("channel.copyManual");
    }
  });
  return field(label, el("div", { class: "copy-row" }, box, button, done));
}

export function webhookCard(view: ChannelView): HTMLElement {
  const card = el("section", { class: "card settings", id: "channel-webhook" }, el("h2", {}, t("channel.webhook.title")));
  if (!view.webhook_url) {
    card.append(el("p", { class: "muted", id: "channel-webhook-none" }, t("channel.webhook.none")));
    return card;
  }
  const meta = view.provider === "meta" || view.provider === "sandbox";
  card.append(copyable("channel-webhook-url", t("channel.webhook.url"), view.webhook_url));
  if (meta && view.verify_token) card.append(copyable("channel-verify-token", t("channel.webhook.verifyToken"), view.verify_token));
  if (view.verify_token_previous_until) card.append(el("p", { class: "muted" }, t("channel.webhook.previousUntil", { until: formatDateTime(view.verify_token_previous_until) })));
  const steps = meta ? "meta" : view.provider;
  card.append(el("h3", {}, t("channel.webhook.how")), el("ol", { class: "steps" }, ...[1, 2, 3].map((n) => el("li", {}, t(`channel.steps.${steps}.${n}` as Key)))));
  return card;
}
