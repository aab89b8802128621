/**
 * Tokens de integração: the tenant's API tokens for its integrations. A new token (or a rotated one)
 * is shown once, with a copy button; the list shows only its prefix. Revoking asks first; rotating
 * too, since the old token then stops after a day.
 */
import { call } from "../api";
import { el } from "../dom";
import { formatDateTime, lookup, t } from "../i18n";
import { confirmAction } from "../ui/confirm";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";

interface Token {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  status: "active" | "expired" | "revoked";
  expires_at: string | null;
  last_used_at: string | null;
}
interface Minted {
  token: Token;
  secret: string;
}

/** The resources a tenant's token may reach (src/tenants/roles.ts without the platform's "tenants"). */
const RESOURCES = [
  "conversations",
  "contacts",
  "agenda",
  "scheduling",
  "config",
  "channel",
  "sandbox",
  "dead_letters",
  "users",
  "tokens",
  "billing",
  "audit",
  "jobs",
  "campaigns",
  "analytics",
  "experiments",
  "feedback",
  "integrations",
  "compliance",
] as const;
const EXPIRIES = ["", "30", "90", "365"] as const;

export function renderTokens(ctx: ViewContext, soft = false, revealed?: Minted): Promise<void> {
  return showView(ctx.root, t("tokens.title"), () => buildTokens(ctx, revealed), soft);
}

async function buildTokens(ctx: ViewContext, revealed?: Minted): Promise<Node[]> {
  const { tokens } = await call<{ tokens: Token[] }>(ctx.session, "/api/tokens");
  const error = el("div", { id: "tokens-error" });
  return [
    el("p", { class: "muted" }, t("tokens.intro")),
    ...(revealed ? [secretCard(revealed)] : []),
    createForm(ctx, error),
    error,
    el("section", { class: "card" }, el("h2", {}, t("tokens.listTitle")), tokens.length ? tokenTable(ctx, tokens, error) : emptyState(t("tokens.empty"), "tokens-empty")),
  ];
}

/** The token itself, this once: a read-only field to select, a copy button and the warning. */
function secretCard({ token, secret }: Minted): HTMLElement {
  const field = el("input", { id: "token-secret", readonly: "", value: secret, "aria-label": t("tokens.secretLabel", { name: token.name }), spellcheck: "false" });
  const copied = el("span", { class: "muted", role: "status", id: "token-copied" });
  const copy = el("button", { type: "button", id: "token-copy" }, t("tokens.copy"));
  copy.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(secret);
      copied.textContent = t("tokens.copied");
    } catch {
      copied.textContent = t("tokens.copyManually");
    }
  });
  return el(
    "section",
    { class: "card", id: "token-revealed", role: "alert" },
    el("h2", {}, t("tokens.revealedTitle", { name: token.name })),
    el("p", { class: "error" }, t("tokens.onceWarning")),
    el("div", { class: "filter-fields" }, el("span", { class: "grow" }, field), copy, copied),
  );
}

function createForm(ctx: ViewContext, error: HTMLElement): HTMLElement {
  const name = el("input", { id: "token-name", required: "", maxlength: "80", autocomplete: "off" });
  const everything = el("input", { type: "checkbox", value: "*", id: "scope-all" });
  const boxes = RESOURCES.flatMap((r) => (["read", "write"] as const).map((a) => el("input", { type: "checkbox", value: `${r}:${a}`, "data-scope": `${r}:${a}` })));
  // "Everything" makes the single boxes moot: they are disabled while it is on.
  everything.addEventListener("change", () => {
    for (const b of boxes) b.disabled = everything.checked;
  });
  const expiry = el("select", { id: "token-expiry" }, ...EXPIRIES.map((d) => el("option", { value: d }, d ? t("tokens.expiryDays", { n: d }) : t("tokens.expiryNever"))));
  const rows = RESOURCES.map((r) =>
    el(
      "tr",
      {},
      el("th", { scope: "row" }, lookup("tokens.resource", r, "tokens.resource.other")),
      ...(["read", "write"] as const).map((a) => el("td", {}, el("label", { class: "check" }, boxes.find((b) => b.value === `${r}:${a}`) ?? "", t(`tokens.access.${a}`)))),
    ),
  );
  const submit = el("button", { type: "submit", id: "token-create" }, t("tokens.create"));
  const form = el(
    "form",
    { class: "card settings", id: "token-form" },
    el("h2", {}, t("tokens.newTitle")),
    el("label", { class: "field" }, el("span", {}, t("tokens.name")), name),
    el(
      "fieldset",
      {},
      el("legend", {}, t("tokens.scopes")),
      el("label", { class: "check" }, everything, t("tokens.scopeAll")),
      el("table", { class: "scopes" }, el("tbody", {}, ...rows)),
      el("p", { class: "muted" }, t("tokens.scopeHint")),
    ),
    el("label", { class: "field" }, el("span", {}, t("tokens.expiry")), expiry),
    el("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const scopes = everything.checked ? ["*"] : boxes.filter((b) => b.checked).map((b) => b.value);
    error.replaceChildren();
    if (!scopes.length) {
      error.replaceChildren(el("p", { class: "error", role: "alert" }, t("tokens.pickScope")));
      return;
    }
    void busy(
      submit,
      async () => {
        const body = { name: name.value.trim(), scopes, ...(expiry.value ? { expires_in_days: Number(expiry.value) } : {}) };
        const minted = await call<Minted>(ctx.session, "/api/tokens", { method: "POST", body: JSON.stringify(body) });
        await renderTokens(ctx, true, minted);
        document.querySelector<HTMLInputElement>("#token-secret")?.focus();
      },
      error,
    );
  });
  return form;
}

function tokenTable(ctx: ViewContext, tokens: Token[], error: HTMLElement): HTMLElement {
  const cols = ["tokens.col.name", "tokens.col.prefix", "tokens.col.scopes", "tokens.col.status", "tokens.col.lastUsed", "tokens.col.expires", "tokens.col.actions"] as const;
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(cols[i] ?? "tokens.col.name") }, el("div", {}, ...children));
  return el(
    "table",
    { id: "tokens", class: "cards-narrow" },
    el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))),
    el(
      "tbody",
      {},
      ...tokens.map((k) =>
        el(
          "tr",
          { "data-id": String(k.id), "data-status": k.status },
          cell(0, k.name),
          cell(1, k.prefix ? el("code", {}, `${k.prefix}…`) : t("common.none")),
          cell(2, k.scopes.map(scopeLabel).join(", ")),
          cell(3, lookup("tokens.status", k.status, "tokens.status.active")),
          cell(4, k.last_used_at ? formatDateTime(k.last_used_at) : t("tokens.never")),
          cell(5, k.expires_at ? formatDateTime(k.expires_at) : t("tokens.noExpiry")),
          cell(6, k.status === "active" ? actions(ctx, k, error) : el("span", { class: "muted" }, t("common.none"))),
        ),
      ),
    ),
  );
}

/** A scope in words: "Agenda (escrita)", "Tudo", "Nenhum acesso". */
function scopeLabel(scope: string): string {
  if (scope === "*") return t("tokens.scopeAll");
  if (scope === "webhooks:none") return t("tokens.scopeNone");
  const [resource = "", access = ""] = scope.split(":");
  return `${lookup("tokens.resource", resource, "tokens.resource.other")} (${lookup("tokens.access", access === "*" ? "write" : access, "tokens.access.read")})`;
}

function actions(ctx: ViewContext, k: Token, error: HTMLElement): HTMLElement {
  const rotate = el("button", { type: "button", class: "secondary small", "data-rotate": String(k.id) }, t("tokens.rotate"));
  const revoke = el("button", { type: "button", class: "danger small", "data-revoke": String(k.id) }, t("tokens.revoke"));
  rotate.addEventListener("click", async () => {
    if (!(await confirmAction({ title: t("tokens.rotateTitle", { name: k.name }), body: t("tokens.rotateBody"), confirm: t("tokens.rotate") }))) return;
    await busy(
      rotate,
      async () => {
        const minted = await call<Minted>(ctx.session, `/api/tokens/${k.id}/rotate`, { method: "POST", body: "{}" });
        await renderTokens(ctx, true, minted);
      },
      error,
    );
  });
  revoke.addEventListener("click", async () => {
    if (!(await confirmAction({ title: t("tokens.revokeTitle", { name: k.name }), body: t("tokens.revokeBody"), confirm: t("tokens.revoke") }))) return;
    await busy(
      revoke,
      async () => {
        await call(ctx.session, `/api/tokens/${k.id}`, { method: "DELETE" });
        await renderTokens(ctx, true);
      },
      error,
    );
  });
  return el("div", { class: "row-actions" }, rotate, revoke);
}
