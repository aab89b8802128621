/**
 * Empresas (platform only): every tenant with its status, plan, subscription, this month's usage
 * against the plan's quotas and its users; suspend, resume and close (close asks for the slug typed),
 * and "Nova empresa" (wizard.ts).
 */
import { call } from "../api";
import { el } from "../dom";
import { formatNumber, type Key, lookup, t } from "../i18n";
import { confirmAction } from "../ui/confirm";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";
import { platform } from "./session";
import { showWizard } from "./wizard";

export interface Tenant {
  id: number;
  slug: string;
  name: string;
  status: "active" | "suspended" | "closed";
  status_reason: string | null;
  plan: { code: string; name: string; messages_per_month: number | null; llm_tokens_per_month: number | null } | null;
  subscription: { status: string } | null;
  usage: { messages: number; llm_tokens: number };
  users: number;
}

export function renderTenants(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("tenants.title"), () => buildTenants(ctx), soft);
}

/** A usage bar: used against the quota (a <meter>, so its value is read out), "no limit", or just the count (no plan yet). */
function usage(label: Key, used: number, quota: number | null | undefined): HTMLElement {
  const text =
    quota === undefined
      ? formatNumber(used)
      : quota === null
        ? t("tenants.usage.unlimited", { used: formatNumber(used) })
        : t("tenants.usage.of", { used: formatNumber(used), quota: formatNumber(quota) });
  const meter =
    quota === undefined || quota === null ? null : el("meter", { min: "0", max: String(quota), value: String(Math.min(used, quota)), high: String(quota * 0.8), optimum: "0" });
  return el("div", { class: "usage" }, el("span", { class: "muted" }, `${t(label)}: ${text}`), ...(meter ? [meter] : []));
}

async function buildTenants(ctx: ViewContext): Promise<Node[]> {
  const { tenants } = await call<{ tenants: Tenant[] }>(platform(ctx), "/api/tenants");
  const error = el("div", { id: "tenants-error" });
  const create = el("button", { type: "button", id: "tenant-new" }, t("tenants.new"));
  create.addEventListener("click", () => showWizard(ctx, () => void renderTenants(ctx, true)));
  const cols: Key[] = ["tenants.col.tenant", "tenants.col.status", "tenants.col.plan", "tenants.col.usage", "tenants.col.users", "tenants.col.actions"];
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(cols[i] ?? "common.none") }, el("div", {}, ...children));
  const table = el(
    "table",
    { id: "tenants", class: "cards-narrow" },
    el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
    el(
      "tbody",
      {},
      ...tenants.map((tn) =>
        el(
          "tr",
          { "data-slug": tn.slug },
          cell(0, el("strong", {}, tn.name), el("br"), el("span", { class: "muted" }, tn.slug)),
          cell(
            1,
            el("span", { class: `badge status-${tn.status}`, "data-status": tn.status }, lookup("tenants.status", tn.status, "tenants.status.other")),
            ...(tn.status_reason ? [el("br"), el("span", { class: "muted" }, tn.status_reason)] : []),
          ),
          cell(
            2,
            tn.plan ? tn.plan.name : t("common.none"),
            el("br"),
            el("span", { class: "muted" }, tn.subscription ? lookup("tenants.subscription", tn.subscription.status, "tenants.status.other") : ""),
          ),
          cell(
            3,
            usage("tenants.usage.messages", tn.usage.messages, tn.plan ? tn.plan.messages_per_month : undefined),
            usage("tenants.usage.llm", tn.usage.llm_tokens, tn.plan ? tn.plan.llm_tokens_per_month : undefined),
          ),
          cell(4, formatNumber(tn.users)),
          cell(5, actions(ctx, tn, error)),
        ),
      ),
    ),
  );
  return [
    el("p", { class: "muted" }, t("tenants.intro")),
    el("div", { class: "actions" }, create),
    error,
    el("section", { class: "card" }, tenants.length ? table : emptyState(t("tenants.empty"), "tenants-empty")),
  ];
}

function actions(ctx: ViewContext, tn: Tenant, error: HTMLElement): HTMLElement {
  const box = el("div", { class: "row-actions" });
  const act = (label: Key, kind: "suspend" | "resume" | "close", danger: boolean) => {
    const button = el("button", { type: "button", class: danger ? "danger" : "secondary", "data-action": kind, "data-slug": tn.slug }, t(label));
    button.addEventListener("click", () => busy(button, () => lifecycle(ctx, tn, kind), error));
    box.append(button);
  };
  if (tn.status === "active") act("tenants.suspend", "suspend", true);
  if (tn.status === "suspended") act("tenants.resume", "resume", false);
  if (tn.status !== "closed") act("tenants.close", "close", true);
  return box;
}

async function lifecycle(ctx: ViewContext, tn: Tenant, kind: "suspend" | "resume" | "close"): Promise<void> {
  const path = `/api/tenants/${tn.id}/${kind}`;
  if (kind === "resume") {
    await call(platform(ctx), path, { method: "POST" });
    return renderTenants(ctx, true);
  }
  if (kind === "suspend") {
    const ok = await confirmAction({ title: t("tenants.suspend.title", { name: tn.name }), body: t("tenants.suspend.body"), confirm: t("tenants.suspend") });
    if (!ok) return;
    await call(platform(ctx), path, { method: "POST", body: JSON.stringify({ reason: t("tenants.suspend.reason") }) });
    return renderTenants(ctx, true);
  }
  const typed = await confirmSlug(tn);
  if (typed === null) return;
  await call(platform(ctx), path, { method: "POST", body: JSON.stringify({ confirm: typed }) });
  return renderTenants(ctx, true);
}

/** Closing is final: the operator types the slug (the API checks it too). Null when cancelled. */
function confirmSlug(tn: Tenant): Promise<string | null> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const input = el("input", { id: "close-confirm", autocomplete: "off", autocapitalize: "off", spellcheck: "false" });
  const cancel = el("button", { type: "button", class: "secondary", id: "close-cancel" }, t("confirm.cancel"));
  const ok = el("button", { type: "submit", class: "danger", id: "close-ok", disabled: "" }, t("tenants.close"));
  const form = el(
    "form",
    { method: "dialog" },
    el("h2", { id: "close-title" }, t("tenants.close.title", { name: tn.name })),
    el("p", {}, t("tenants.close.body")),
    el("label", { class: "field" }, el("span", {}, t("tenants.close.type", { slug: tn.slug })), input),
    el("div", { class: "actions" }, cancel, ok),
  );
  const dialog = el("dialog", { class: "confirm", "aria-labelledby": "close-title" }, form);
  document.body.append(dialog);
  input.addEventListener("input", () => {
    ok.disabled = input.value.trim() !== tn.slug;
  });
  return new Promise((resolve) => {
    const done = (value: string | null) => {
      dialog.close();
      dialog.remove();
      opener?.focus();
      resolve(value);
    };
    cancel.addEventListener("click", () => done(null));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (input.value.trim() === tn.slug) done(input.value.trim());
    });
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      done(null);
    });
    dialog.showModal();
    input.focus();
  });
}
