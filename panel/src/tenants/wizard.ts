/**
 * Nova empresa, in steps: company → plan → owner → review → result. The result shows the integration
 * token and the invitation link (or says the password was set) exactly once, with copy buttons and a
 * warning: the API stores them hashed and never shows them again.
 */
import { call } from "../api";
import { el } from "../dom";
import { type Key, t } from "../i18n";
import { busy, type ViewContext } from "../ui/view";
import { platform } from "./session";

/** The plans store.plans ships (migration 0009); their quotas show in the list once a tenant has one. */
const PLANS = ["trial", "starter", "pro", "enterprise"] as const;
const LOCALES = ["pt-BR", "en", "es"] as const;
const STEPS: Key[] = ["tenants.step.company", "tenants.step.plan", "tenants.step.owner", "tenants.step.review", "tenants.step.result"];

interface Draft {
  slug: string;
  name: string;
  time_zone: string;
  locale: string;
  plan: string;
  owner: { email: string; name: string; password: string };
}

interface ProvisionResult {
  created: boolean;
  tenant: { slug: string; name: string };
  integration_token?: { token: string };
  invitation?: { url: string; expires_at: string } | null;
}

/** Replaces the view's content with the wizard; `done` goes back to the list. */
export function showWizard(ctx: ViewContext, done: () => void): void {
  const draft: Draft = { slug: "", name: "", time_zone: "America/Sao_Paulo", locale: "pt-BR", plan: "trial", owner: { email: "", name: "", password: "" } };
  const box = el("section", { class: "card wizard", id: "tenant-wizard", "aria-live": "polite" });
  ctx.root.replaceChildren(el("h1", {}, t("tenants.new")), box);
  step(box, ctx, draft, 0, done);
}

const input = (id: string, value: string, attrs: Record<string, string> = {}) => {
  const i = el("input", { id, ...attrs });
  i.value = value;
  return i;
};
const field = (label: Key, control: HTMLElement, hint?: Key) =>
  el("label", { class: "field" }, el("span", {}, t(label)), control, ...(hint ? [el("span", { class: "muted" }, t(hint))] : []));

function select(id: string, options: readonly string[], value: string, label: (o: string) => string): HTMLSelectElement {
  const s = el("select", { id });
  for (const o of options) {
    const opt = el("option", { value: o }, label(o));
    opt.selected = o === value;
    s.append(opt);
  }
  return s;
}

function step(box: HTMLElement, ctx: ViewContext, draft: Draft, n: number, done: () => void): void {
  const progress = el("p", { class: "muted", id: "wizard-step" }, t("tenants.stepOf", { n: n + 1, total: STEPS.length, name: t(STEPS[n] ?? "common.none") }));
  const error = el("div", { id: "wizard-error" });
  const back = el("button", { type: "button", class: "secondary", id: "wizard-back" }, t(n === 0 ? "confirm.cancel" : "tenants.back"));
  back.addEventListener("click", () => (n === 0 ? done() : step(box, ctx, draft, n - 1, done)));
  const next = el("button", { type: "submit", id: "wizard-next" }, t(n === 3 ? "tenants.create" : "tenants.next"));
  const form = el("form", { class: "settings" });
  const go = (read: () => void) =>
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!form.reportValidity()) return;
      read();
      step(box, ctx, draft, n + 1, done);
    });

  if (n === 0) {
    const slug = input("tenant-slug", draft.slug, { required: "", pattern: "[a-z0-9]([a-z0-9\\-]{0,38}[a-z0-9])?", autocapitalize: "off", spellcheck: "false" });
    const name = input("tenant-name", draft.name, { required: "", maxlength: "120" });
    const zone = input("tenant-zone", draft.time_zone, { required: "" });
    const locale = select("tenant-locale", LOCALES, draft.locale, (l) => t(`lang.${l}` as Key));
    form.append(
      field("tenants.field.name", name),
      field("tenants.field.slug", slug, "tenants.field.slugHint"),
      field("tenants.field.zone", zone),
      field("tenants.field.locale", locale),
    );
    go(() => Object.assign(draft, { slug: slug.value.trim(), name: name.value.trim(), time_zone: zone.value.trim(), locale: locale.value }));
  } else if (n === 1) {
    const plan = select("tenant-plan", PLANS, draft.plan, (p) => t(`tenants.plan.${p}` as Key));
    form.append(field("tenants.field.plan", plan, "tenants.field.planHint"));
    go(() => {
      draft.plan = plan.value;
    });
  } else if (n === 2) {
    const email = input("owner-email", draft.owner.email, { type: "email", required: "", autocomplete: "off" });
    const name = input("owner-name", draft.owner.name, { required: "" });
    const password = input("owner-password", draft.owner.password, { type: "password", minlength: "10", autocomplete: "new-password" });
    form.append(field("tenants.field.ownerName", name), field("tenants.field.ownerEmail", email), field("tenants.field.ownerPassword", password, "tenants.field.passwordHint"));
    go(() => {
      draft.owner = { email: email.value.trim(), name: name.value.trim(), password: password.value };
    });
  } else if (n === 3) {
    const rows: [Key, string][] = [
      ["tenants.field.name", draft.name],
      ["tenants.field.slug", draft.slug],
      ["tenants.field.zone", draft.time_zone],
      ["tenants.field.locale", t(`lang.${draft.locale}` as Key)],
      ["tenants.field.plan", t(`tenants.plan.${draft.plan}` as Key)],
      ["tenants.field.ownerName", draft.owner.name],
      ["tenants.field.ownerEmail", draft.owner.email],
      ["tenants.field.ownerPassword", t(draft.owner.password ? "tenants.review.passwordSet" : "tenants.review.invite")],
    ];
    form.append(el("dl", { class: "review" }, ...rows.flatMap(([k, v]) => [el("dt", {}, t(k)), el("dd", {}, v)])));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void busy(
        next,
        async () => {
          const { password, ...owner } = draft.owner;
          const body = { ...draft, owner: password ? { ...owner, password } : owner };
          const result = await call<ProvisionResult>(platform(ctx), "/api/tenants/provision", { method: "POST", body: JSON.stringify(body) });
          showResult(box, result, done);
        },
        error,
      );
    });
  }
  form.append(el("div", { class: "actions" }, back, next));
  box.replaceChildren(el("h2", {}, t(STEPS[n] ?? "common.none")), progress, form, error);
  box.querySelector<HTMLElement>("input, select, button[type=submit]")?.focus();
}

/** A secret shown once, with a copy button. */
function secret(label: Key, value: string, id: string): HTMLElement {
  const code = el("code", { id, class: "secret" }, value);
  const copied = el("span", { class: "muted", role: "status" });
  const copy = el("button", { type: "button", class: "secondary", "data-copy": id }, t("tenants.copy"));
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(value);
      copied.textContent = t("tenants.copied");
    } catch {
      copied.textContent = t("tenants.copyFailed");
    }
  });
  return el("div", { class: "field" }, el("span", {}, t(label)), code, el("div", { class: "actions" }, copy, copied));
}

function showResult(box: HTMLElement, r: ProvisionResult, done: () => void): void {
  const finish = el("button", { type: "button", id: "wizard-done" }, t("tenants.done"));
  finish.addEventListener("click", done);
  const parts: Node[] = [
    el("h2", {}, t("tenants.step.result")),
    el("p", { id: "wizard-created" }, t(r.created ? "tenants.result.created" : "tenants.result.existing", { name: r.tenant.name })),
  ];
  if (r.integration_token) {
    parts.push(el("p", { class: "error", role: "alert", id: "wizard-warning" }, t("tenants.result.warning")));
    parts.push(secret("tenants.result.token", r.integration_token.token, "result-token"));
    if (r.invitation) parts.push(secret("tenants.result.invitation", r.invitation.url, "result-invitation"));
    else parts.push(el("p", { class: "muted" }, t("tenants.result.passwordSet")));
  }
  parts.push(el("div", { class: "actions" }, finish));
  box.replaceChildren(...parts);
  finish.focus();
}
