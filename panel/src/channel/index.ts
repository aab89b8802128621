/**
 * Canal: connect the tenant's WhatsApp (Meta Cloud API, Evolution, Whaticket or the simulator), see
 * what to paste at the provider, and test the connection. Secrets are password fields that only say
 * whether one is stored ("guardado"): left empty, the stored one is kept.
 */
import { call, type Session } from "../api";
import { el } from "../dom";
import { formatDateTime, type Key, lookup, t } from "../i18n";
import { field, input, select } from "../settings/fields";
import { confirmAction } from "../ui/confirm";
import { busy, showView, type ViewContext } from "../ui/view";
import { PROVIDERS, type ChannelView, type Provider, type TestResult } from "./types";
import { webhookCard } from "./webhook";

export function renderChannel(ctx: ViewContext): Promise<void> {
  const draw = (soft = false): Promise<void> =>
    showView(
      ctx.root,
      t("channel.title"),
      async () => {
        const view = await call<ChannelView>(ctx.session, "/api/channel");
        return [
          el("p", { class: "muted" }, t("channel.intro")),
          el("div", { class: "settings-layout channel-layout" }, connectForm(ctx.session, view, draw), webhookCard(view), testCard(ctx.session, view)),
        ];
      },
      soft,
    );
  return draw();
}

/** A password input for a write-only secret: empty keeps the stored one. */
function secretInput(id: string, stored: boolean | undefined): HTMLInputElement {
  const node = input({ id, type: "password", minlength: "8", maxlength: "2000", autocomplete: "off", spellcheck: "false" });
  node.placeholder = t(stored ? "channel.secretStored" : "channel.secretNone");
  return node;
}

function connectForm(session: Session, view: ChannelView, redraw: (soft?: boolean) => Promise<void>): HTMLFormElement {
  const provider = select(
    { id: "channel-provider" },
    PROVIDERS.map((p) => [p, t(`channel.provider.${p}` as Key)]),
    view.provider,
  );
  const m = view.meta;
  const f = {
    pnid: input({ id: "meta-phone-number-id", inputmode: "numeric", pattern: "\\d{5,30}", autocomplete: "off" }, m?.phone_number_id),
    waba: input({ id: "meta-waba-id", inputmode: "numeric", pattern: "\\d{5,30}", autocomplete: "off" }, m?.waba_id ?? ""),
    accessToken: secretInput("meta-access-token", m?.has_access_token),
    appSecret: secretInput("meta-app-secret", m?.has_app_secret),
    evoUrl: input({ id: "evolution-base-url", type: "url", placeholder: "https://evolution.example.com" }, view.evolution?.base_url ?? ""),
    evoInstance: input({ id: "evolution-instance", pattern: "[A-Za-z0-9_.\\-]{1,100}", autocomplete: "off" }, view.evolution?.instance ?? ""),
    apikey: secretInput("evolution-apikey", view.evolution?.has_apikey),
    whtUrl: input({ id: "whaticket-base-url", type: "url", placeholder: "https://api.whaticket.example.com" }, view.whaticket?.base_url ?? ""),
    whtToken: secretInput("whaticket-token", view.whaticket?.has_token),
    whtSecret: secretInput("whaticket-webhook-secret", view.whaticket?.has_webhook_secret),
    sandboxPnid: input(
      { id: "sandbox-phone-number-id", inputmode: "numeric", pattern: "\\d{5,30}", autocomplete: "off" },
      view.provider === "sandbox" ? (m?.phone_number_id ?? "") : "",
    ),
  };
  const groups: Record<Provider, HTMLElement> = {
    sandbox: el(
      "fieldset",
      { "data-provider": "sandbox" },
      el("legend", {}, t("channel.provider.sandbox")),
      el("p", { class: "muted" }, t("channel.sandbox.intro")),
      field(t("channel.sandbox.pnid"), f.sandboxPnid, t("channel.sandbox.pnidHint")),
    ),
    meta: el(
      "fieldset",
      { "data-provider": "meta" },
      el("legend", {}, t("channel.provider.meta")),
      field(t("channel.meta.pnid"), f.pnid),
      field(t("channel.meta.waba"), f.waba),
      field(t("channel.meta.accessToken"), f.accessToken, t("channel.secretHint")),
      field(t("channel.meta.appSecret"), f.appSecret, t("channel.meta.appSecretHint")),
    ),
    evolution: el(
      "fieldset",
      { "data-provider": "evolution" },
      el("legend", {}, t("channel.provider.evolution")),
      field(t("channel.baseUrl"), f.evoUrl),
      field(t("channel.evolution.instance"), f.evoInstance),
      field(t("channel.evolution.apikey"), f.apikey, t("channel.secretHint")),
    ),
    whaticket: el(
      "fieldset",
      { "data-provider": "whaticket" },
      el("legend", {}, t("channel.provider.whaticket")),
      field(t("channel.baseUrl"), f.whtUrl),
      field(t("channel.whaticket.token"), f.whtToken, t("channel.secretHint")),
      field(t("channel.whaticket.webhookSecret"), f.whtSecret, t("channel.whaticket.webhookSecretHint")),
    ),
  };
  // Only the chosen provider's fields are shown and checked (hidden ones are disabled, so not validated).
  const show = () => {
    for (const [p, g] of Object.entries(groups)) {
      g.hidden = p !== provider.value;
      for (const i of g.querySelectorAll("input")) i.disabled = g.hidden;
    }
    const required = provider.value === "meta" ? [f.pnid] : provider.value === "evolution" ? [f.evoUrl, f.evoInstance] : provider.value === "whaticket" ? [f.whtUrl] : [];
    for (const i of Object.values(f)) i.required = required.includes(i);
    if (provider.value === "meta") f.accessToken.required = !m?.has_access_token;
    if (provider.value === "evolution") f.apikey.required = !view.evolution?.has_apikey;
    if (provider.value === "whaticket") f.whtToken.required = !view.whaticket?.has_token;
  };
  provider.addEventListener("change", show);
  show();

  const body = (): Record<string, string> => {
    const p = provider.value as Provider;
    const set = (o: Record<string, string>, k: string, v: HTMLInputElement) => {
      if (v.value.trim()) o[k] = v.value.trim();
      return o;
    };
    if (p === "meta") return set(set(set(set({ provider: p }, "phone_number_id", f.pnid), "waba_id", f.waba), "access_token", f.accessToken), "app_secret", f.appSecret);
    if (p === "evolution") return set(set(set({ provider: p }, "base_url", f.evoUrl), "instance", f.evoInstance), "apikey", f.apikey);
    if (p === "whaticket") return set(set(set({ provider: p }, "base_url", f.whtUrl), "token", f.whtToken), "webhook_secret", f.whtSecret);
    return set({ provider: p }, "phone_number_id", f.sandboxPnid);
  };

  const save = el("button", { type: "submit", id: "channel-save" }, t("common.save"));
  const status = el("div", { id: "channel-status", role: "status" });
  const form = el(
    "form",
    { class: "card settings", id: "channel-form", novalidate: "" },
    el("h2", {}, t("channel.connect.title")),
    field(t("channel.providerLabel"), provider),
    ...Object.values(groups),
    el("div", { class: "actions" }, save),
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.replaceChildren();
    if (!form.checkValidity()) {
      status.replaceChildren(el("p", { class: "error" }, t("settings.invalid")));
      form.querySelector<HTMLElement>(":invalid")?.focus();
      return;
    }
    // Switching away from a connected provider stops its webhooks from reaching this tenant.
    if (provider.value !== view.provider && view.provider !== "sandbox") {
      const ok = await confirmAction({
        title: t("channel.switch.title"),
        body: t("channel.switch.body", { from: t(`channel.provider.${view.provider}` as Key), to: t(`channel.provider.${provider.value as Provider}` as Key) }),
        confirm: t("channel.switch.confirm"),
      });
      if (!ok) return;
    }
    await busy(
      save,
      async () => {
        const saved = await call<ChannelView>(session, "/api/channel", { method: "PUT", body: JSON.stringify(body()) });
        await redraw(true);
        const secret = saved.generated?.webhook_secret;
        if (secret) document.querySelector("#channel-webhook")?.append(oneTimeSecret(secret));
        document.querySelector("#channel-status")?.replaceChildren(el("p", { class: "muted" }, t("common.saved")));
      },
      status,
    );
  });
  return form;
}

/** A secret the server generated, shown once: it is not shown again after the page changes. */
function oneTimeSecret(secret: string): HTMLElement {
  const value = input({ id: "channel-generated-secret", readonly: "" }, secret);
  return el("div", { class: "hint", id: "channel-generated" }, el("p", {}, t("channel.whaticket.generated")), value);
}

function testCard(session: Session, view: ChannelView): HTMLElement {
  const button = el("button", { type: "button", class: "secondary", id: "channel-test" }, t("channel.test.button"));
  const result = el("div", { id: "channel-test-result", role: "status", "aria-live": "polite" });
  const show = (r: TestResult | null) => {
    if (!r) return result.replaceChildren(el("p", { class: "muted" }, t("channel.test.never")));
    const headline = r.ok ? t("channel.test.ok") : lookup("channel.test.code", r.code, "channel.test.failed");
    result.replaceChildren(
      el("p", { class: r.ok ? "ok-text" : "error", "data-ok": String(r.ok) }, headline),
      ...(r.detail ? [el("p", { class: "muted" }, r.detail)] : []),
      el("small", { class: "muted" }, t("channel.test.at", { at: formatDateTime(r.at) })),
    );
  };
  show(view.last_test);
  button.addEventListener("click", () => busy(button, async () => show(await call<TestResult>(session, "/api/channel/test", { method: "POST" })), result));
  return el(
    "section",
    { class: "card settings", id: "channel-test-card" },
    el("h2", {}, t("channel.test.title")),
    el("p", { class: "muted" }, t("channel.test.intro")),
    el("div", { class: "actions" }, button),
    result,
    healthLine(view),
  );
}

/** The channel_health job's last verdict, in one line. */
function healthLine(view: ChannelView): HTMLElement {
  const h = view.last_health;
  if (!h) return el("p", { class: "muted", id: "channel-health" }, t("templates.health.never"));
  const vars = { status: h.status, quality: h.quality ? t("templates.health.quality", { quality: h.quality }) : "", since: formatDateTime(h.since) };
  return el("p", { class: h.ok ? "ok-text" : "error", id: "channel-health", "data-ok": String(h.ok) }, t(h.ok ? "templates.health.ok" : "templates.health.down", vars));
}
