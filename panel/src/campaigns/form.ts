/**
 * The create form: name, type (its window), message with variables, the template for contacts outside
 * the 24 h window, start and throttle, and the audience builder with a live preview (count and a
 * sample with masked phones, from the same query that picks the recipients when it starts).
 */
import { call } from "../api";
import { el } from "../dom";
import { errorMessage, formatNumber, type Key, t, tn } from "../i18n";
import { navigate } from "../ui/router";
import { busy, onLeave, type ViewContext } from "../ui/view";
import { TYPES } from "./types";

const input = (attrs: Record<string, string>) => el("input", attrs);
const field = (label: Key, control: HTMLElement, hint?: string) =>
  el("label", { class: "field" }, el("span", {}, t(label)), control, hint ? el("small", { class: "muted" }, hint) : "");
const words = (s: string) =>
  s
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean);

function select(id: string, options: [string, Key][]): HTMLSelectElement {
  const s = el("select", { id });
  for (const [value, label] of options) s.append(el("option", { value }, t(label)));
  return s;
}

export function campaignForm(ctx: ViewContext): HTMLElement {
  const name = input({ id: "campaign-name", required: "", maxlength: "120" });
  const type = select(
    "campaign-type",
    TYPES.map((k) => [k, `campaigns.type.${k}` as Key]),
  );
  const message = el("textarea", { id: "campaign-message", required: "", maxlength: "1000", rows: "4" });
  message.value = t("campaigns.defaultMessage");
  const tplName = input({ id: "campaign-template", pattern: "[a-z0-9_]+", placeholder: "reativacao_clientes" });
  const tplParams = input({ id: "campaign-template-params", placeholder: "{nome}, {empresa}" });
  const startsAt = input({ id: "campaign-starts", type: "datetime-local" });
  const throttle = input({ id: "campaign-throttle", type: "number", min: "1", max: "120", value: "30" });
  const labels = input({ id: "aud-labels", placeholder: "vip, implante" });
  const match = select("aud-match", [
    ["any", "campaigns.aud.any"],
    ["all", "campaigns.aud.all"],
  ]);
  const exclude = input({ id: "aud-exclude" });
  const attrKey = input({ id: "aud-attr-key", pattern: "[A-Za-z0-9_]+", placeholder: "cidade" });
  const attrValue = input({ id: "aud-attr-value", placeholder: "Santos" });
  const last = select("aud-last", [
    ["", "campaigns.aud.anyTime"],
    ["older_than_days", "campaigns.aud.olderThan"],
    ["within_days", "campaigns.aud.within"],
  ]);
  const lastDays = input({ id: "aud-last-days", type: "number", min: "1", max: "3650", value: "60" });
  const history = select("aud-history", [
    ["", "campaigns.aud.anyHistory"],
    ["within_days", "campaigns.aud.hadWithin"],
    ["none_since_days", "campaigns.aud.noneSince"],
    ["no_show_within_days", "campaigns.aud.noShowWithin"],
  ]);
  const historyDays = input({ id: "aud-history-days", type: "number", min: "1", max: "3650", value: "90" });
  const service = input({ id: "aud-service" });
  const schedule = input({ id: "campaign-schedule-now", type: "checkbox" });
  const preview = el("div", { id: "campaign-preview", class: "campaign-preview", "aria-live": "polite" });
  const error = el("div", { id: "campaign-form-error" });

  const audience = () => {
    const days = (x: HTMLInputElement) => Math.max(1, Math.min(3650, Math.trunc(Number(x.value) || 1)));
    const appointments: Record<string, unknown> = {};
    if (history.value) appointments[history.value] = days(historyDays);
    if (service.value.trim()) appointments.service = service.value.trim();
    return {
      labels: words(labels.value),
      label_match: match.value,
      exclude_labels: words(exclude.value),
      attributes: attrKey.value.trim() ? [{ key: attrKey.value.trim(), value: attrValue.value }] : [],
      last_inbound: last.value ? { [last.value]: days(lastDays) } : {},
      appointments,
    };
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++asked;
      try {
        const p = await call<{ count: number; sample: { name: string | null; phone: string }[] }>(ctx.session, "/api/campaigns/preview", {
          method: "POST",
          body: JSON.stringify({ audience: audience() }),
        });
        if (mine !== asked) return;
        preview.replaceChildren(
          el("p", { id: "campaign-preview-count" }, el("strong", {}, tn("campaigns.preview.count", p.count))),
          el("ul", { class: "campaign-sample" }, ...p.sample.map((s) => el("li", {}, s.name ? `${s.name} · ` : "", el("span", { class: "muted" }, s.phone)))),
          p.count > p.sample.length ? el("p", { class: "muted" }, t("campaigns.preview.more", { n: formatNumber(p.count - p.sample.length) })) : "",
        );
      } catch (err) {
        if (mine === asked) preview.replaceChildren(el("p", { class: "error" }, errorMessage(err)));
      }
    }, 350);
  };
  onLeave(() => clearTimeout(timer));

  const submit = el("button", { type: "submit", id: "campaign-create" }, t("campaigns.create"));
  const cancel = el("a", { href: "#campanhas" }, t("campaigns.back"));
  const builder = el(
    "fieldset",
    { class: "campaign-audience" },
    el("legend", {}, t("campaigns.audience")),
    el("div", { class: "campaign-grid" }, field("campaigns.aud.labels", labels), field("campaigns.aud.match", match), field("campaigns.aud.exclude", exclude)),
    el("div", { class: "campaign-grid" }, field("campaigns.aud.attrKey", attrKey), field("campaigns.aud.attrValue", attrValue)),
    el("div", { class: "campaign-grid" }, field("campaigns.aud.last", last), field("campaigns.aud.days", lastDays)),
    el("div", { class: "campaign-grid" }, field("campaigns.aud.history", history), field("campaigns.aud.days", historyDays), field("campaigns.aud.service", service)),
    el("p", { class: "muted" }, t("campaigns.aud.always")),
  );
  const form = el(
    "form",
    { class: "card settings campaign-form", id: "campaign-form" },
    field("campaigns.field.name", name),
    field("campaigns.field.type", type, t("campaigns.typeHint")),
    field("campaigns.field.message", message, t("campaigns.variables")),
    el("div", { class: "campaign-grid" }, field("campaigns.field.template", tplName, t("campaigns.templateHint")), field("campaigns.field.templateParams", tplParams)),
    el(
      "div",
      { class: "campaign-grid" },
      field("campaigns.field.startsAt", startsAt, t("campaigns.startsHint", { tz: ctx.company.time_zone })),
      field("campaigns.field.throttle", throttle, t("campaigns.throttleHint")),
    ),
    el("div", { class: "campaign-layout" }, builder, el("section", { class: "campaign-preview-box" }, el("h3", {}, t("campaigns.preview")), preview)),
    el("label", { class: "check" }, schedule, t("campaigns.scheduleNow")),
    error,
    el("div", { class: "actions" }, submit, cancel),
  );
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void busy(
      submit,
      async () => {
        const body = {
          name: name.value.trim(),
          type: type.value,
          message: message.value.trim(),
          audience: audience(),
          throttle_per_minute: Math.trunc(Number(throttle.value) || 30),
          template: tplName.value.trim() ? { name: tplName.value.trim(), language: "pt_BR", parameters: words(tplParams.value) } : null,
          // The tenant's wall time as typed: the API reads it on the tenant's clock (DST included).
          starts_at: startsAt.value || null,
        };
        const { campaign } = await call<{ campaign: { id: number } }>(ctx.session, "/api/campaigns", { method: "POST", body: JSON.stringify(body) });
        if (schedule.checked) await call(ctx.session, `/api/campaigns/${campaign.id}/schedule`, { method: "POST", body: "{}" });
        navigate("campanhas", { id: String(campaign.id) });
      },
      error,
    );
  });
  refresh();
  return form;
}
