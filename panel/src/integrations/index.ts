/**
 * Integrações: the tenant's outgoing event webhooks (create with the events it takes, the signing
 * secret shown once with a copy button, rotate, deactivate, delete, send a test event and see the
 * answer) and the delivery log (deliveries.ts). Write controls only for integrations:write.
 */
import { call } from "../api";
import { el } from "../dom";
import { type Key, lookup, t } from "../i18n";
import { confirmAction } from "../ui/confirm";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";
import { deliveryLog } from "./deliveries";

export interface Endpoint {
  id: number;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  created_at: string;
}
interface Revealed {
  endpoint: Endpoint;
  secret: string;
}
interface TestAnswer {
  ok: boolean;
  status: number;
  body: string;
  error: string | null;
  duration_ms: number;
}

const canWrite = (ctx: ViewContext) => ctx.permissions.includes("integrations:write");
const eventName = (type: string) => lookup("integrations.event", type.replace(".", "_"), "integrations.event.other");

export function renderIntegrations(ctx: ViewContext, soft = false, revealed?: Revealed): Promise<void> {
  return showView(ctx.root, t("integrations.title"), () => build(ctx, revealed), soft);
}

async function build(ctx: ViewContext, revealed?: Revealed): Promise<Node[]> {
  const [{ endpoints, event_types }, log] = await Promise.all([
    call<{ endpoints: Endpoint[]; event_types: string[] }>(ctx.session, "/api/webhooks/endpoints"),
    deliveryLog(ctx, () => renderIntegrations(ctx, true)),
  ]);
  const error = el("div", { id: "webhooks-error" });
  const answer = el("div", { id: "webhook-test-result", role: "status" });
  return [
    el("p", { class: "muted" }, t("integrations.intro")),
    ...(revealed ? [secretCard(revealed)] : []),
    ...(canWrite(ctx) ? [createForm(ctx, event_types, error)] : []),
    error,
    el(
      "section",
      { class: "card" },
      el("h2", {}, t("integrations.endpoints")),
      endpoints.length ? endpointTable(ctx, endpoints, error, answer) : emptyState(t("integrations.empty"), "webhooks-empty"),
      answer,
    ),
    log,
  ];
}

function secretCard({ endpoint, secret }: Revealed): HTMLElement {
  const field = el("input", { id: "webhook-secret", readonly: "", value: secret, "aria-label": t("integrations.secretLabel"), spellcheck: "false" });
  const copied = el("span", { class: "muted", role: "status", id: "webhook-copied" });
  const copy = el("button", { type: "button", id: "webhook-copy" }, t("integrations.copy"));
  copy.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(secret);
      copied.textContent = t("integrations.copied");
    } catch {
      copied.textContent = t("integrations.copyManually");
    }
  });
  return el(
    "section",
    { class: "card", id: "webhook-revealed", role: "alert" },
    el("h2", {}, t("integrations.revealedTitle", { url: endpoint.url })),
    el("p", { class: "error" }, t("integrations.onceWarning")),
    el("div", { class: "filter-fields" }, el("span", { class: "grow" }, field), copy, copied),
  );
}

function createForm(ctx: ViewContext, types: string[], error: HTMLElement): HTMLElement {
  const url = el("input", { id: "webhook-url", type: "url", required: "", maxlength: "2000", placeholder: "https://n8n.example.com/webhook/…", autocomplete: "off" });
  const description = el("input", { id: "webhook-description", maxlength: "300", autocomplete: "off" });
  const boxes = types.map((type) => el("input", { type: "checkbox", value: type, "data-event": type }));
  const submit = el("button", { type: "submit", id: "webhook-create" }, t("integrations.create"));
  const form = el(
    "form",
    { class: "card settings", id: "webhook-form" },
    el("h2", {}, t("integrations.newTitle")),
    el("label", { class: "field" }, el("span", {}, t("integrations.url")), url),
    el("p", { class: "muted" }, t("integrations.urlHint")),
    el("label", { class: "field" }, el("span", {}, t("integrations.description")), description),
    el(
      "fieldset",
      {},
      el("legend", {}, t("integrations.events")),
      el("div", { class: "event-boxes" }, ...boxes.map((b) => el("label", { class: "check" }, b, eventName(b.value)))),
    ),
    el("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const events = boxes.filter((b) => b.checked).map((b) => b.value);
    error.replaceChildren();
    if (!events.length) {
      error.replaceChildren(el("p", { class: "error", role: "alert" }, t("integrations.pickEvent")));
      return;
    }
    void busy(
      submit,
      async () => {
        const body = { url: url.value.trim(), events, description: description.value.trim() || null };
        const created = await call<Revealed>(ctx.session, "/api/webhooks/endpoints", { method: "POST", body: JSON.stringify(body) });
        await renderIntegrations(ctx, true, created);
        document.querySelector<HTMLInputElement>("#webhook-secret")?.focus();
      },
      error,
    );
  });
  return form;
}

function endpointTable(ctx: ViewContext, endpoints: Endpoint[], error: HTMLElement, answer: HTMLElement): HTMLElement {
  const cols: Key[] = ["integrations.col.url", "integrations.col.events", "integrations.col.status", "integrations.col.actions"];
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(cols[i] ?? "common.none") }, el("div", {}, ...children));
  return el(
    "table",
    { id: "webhooks", class: "cards-narrow" },
    el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
    el(
      "tbody",
      {},
      ...endpoints.map((ep) =>
        el(
          "tr",
          { "data-id": String(ep.id), "data-active": String(ep.active) },
          cell(0, el("code", { class: "wrap" }, ep.url), ep.description ? el("div", { class: "muted" }, ep.description) : ""),
          cell(1, ep.events.map(eventName).join(", ")),
          cell(2, el("span", { class: `badge ${ep.active ? "state-answered" : "state-unanswered"}` }, t(ep.active ? "integrations.active" : "integrations.inactive"))),
          cell(3, el("div", { class: "actions" }, ...actions(ctx, ep, error, answer))),
        ),
      ),
    ),
  );
}

function actions(ctx: ViewContext, ep: Endpoint, error: HTMLElement, answer: HTMLElement): HTMLButtonElement[] {
  const button = (action: string, label: Key, cls = "secondary") => el("button", { type: "button", class: cls, "data-action": action }, t(label));
  const test = button("test", "integrations.test");
  test.addEventListener("click", () =>
    busy(
      test,
      async () => {
        answer.replaceChildren(el("p", { class: "muted" }, t("integrations.testing")));
        const r = await call<TestAnswer>(ctx.session, `/api/webhooks/endpoints/${ep.id}/test`, { method: "POST" });
        answer.replaceChildren(testResult(ep, r));
      },
      error,
    ),
  );
  if (!canWrite(ctx)) return [];
  const rotate = button("rotate", "integrations.rotate");
  rotate.addEventListener("click", async () => {
    if (!(await confirmAction({ title: t("integrations.confirmRotate.title"), body: t("integrations.confirmRotate.body", { url: ep.url }), confirm: t("integrations.rotate") })))
      return;
    await busy(
      rotate,
      async () => {
        const rotated = await call<Revealed>(ctx.session, `/api/webhooks/endpoints/${ep.id}/rotate`, { method: "POST" });
        await renderIntegrations(ctx, true, rotated);
      },
      error,
    );
  });
  const toggle = button("toggle", ep.active ? "integrations.deactivate" : "integrations.activate");
  toggle.addEventListener("click", () =>
    busy(
      toggle,
      async () => {
        await call(ctx.session, `/api/webhooks/endpoints/${ep.id}`, { method: "PATCH", body: JSON.stringify({ active: !ep.active }) });
        await renderIntegrations(ctx, true);
      },
      error,
    ),
  );
  const remove = button("delete", "integrations.delete", "danger");
  remove.addEventListener("click", async () => {
    if (!(await confirmAction({ title: t("integrations.confirmDelete.title"), body: t("integrations.confirmDelete.body", { url: ep.url }), confirm: t("integrations.delete") })))
      return;
    await busy(
      remove,
      async () => {
        await call(ctx.session, `/api/webhooks/endpoints/${ep.id}`, { method: "DELETE" });
        await renderIntegrations(ctx, true);
      },
      error,
    );
  });
  return [test, rotate, toggle, remove];
}

function testResult(ep: Endpoint, r: TestAnswer): HTMLElement {
  const head = r.status
    ? t(r.ok ? "integrations.testOk" : "integrations.testFailed", { status: r.status, ms: r.duration_ms })
    : t("integrations.testNoAnswer", { error: r.error ?? "" });
  return el(
    "div",
    { class: `card ${r.ok ? "" : "error-state"}`, "data-ok": String(r.ok) },
    el("p", {}, el("strong", {}, head), " ", el("span", { class: "muted" }, ep.url)),
    r.body ? el("pre", { class: "answer" }, r.body) : "",
  );
}
