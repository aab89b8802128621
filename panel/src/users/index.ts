/**
 * Usuários e papéis: the tenant's people, their roles and status; invite someone (the one-time link is
 * shown once, with a copy button), change a role, disable or enable, make a reset link.
 */
import { call } from "../api";
import { el } from "../dom";
import { errorMessage, formatDateTime, type Key, lookup, t } from "../i18n";
import { can } from "../ui/can";
import { confirmAction } from "../ui/confirm";
import { busy, emptyState, showView, type ViewContext } from "../ui/view";

interface UserRow {
  id: number;
  email: string;
  name: string;
  role: string;
  status: "invited" | "active" | "disabled";
  locked: boolean;
  last_login_at: string | null;
}
interface Link {
  url: string;
  expires_at: string;
  notified: boolean;
}

const ROLES = ["owner", "admin", "agent", "viewer"] as const;
const roleSelect = (id: string, value: string) => {
  const select = el("select", { id });
  for (const r of ROLES) select.append(el("option", { value: r }, t(`users.role.${r}` as Key)));
  select.value = value;
  return select;
};

export function renderUsers(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("users.title"), () => buildUsers(ctx), soft);
}

/** A link shown once: the URL selectable, a copy button, and where else it went. */
function linkBox(link: Link, what: Key): HTMLElement {
  const field = el("input", { id: "user-link", readonly: "", value: link.url, "aria-label": t(what) });
  const copy = el("button", { type: "button", id: "user-link-copy", class: "secondary" }, t("users.copy"));
  const copied = el("span", { class: "muted", role: "status" });
  copy.addEventListener("click", async () => {
    field.select();
    await navigator.clipboard?.writeText(link.url).catch(() => undefined);
    copied.textContent = t("users.copied");
  });
  return el(
    "div",
    { class: "card user-link", id: "user-link-box" },
    el("strong", {}, t(what)),
    el("p", { class: "muted" }, t("users.linkOnce", { date: formatDateTime(link.expires_at) })),
    el("div", { class: "actions" }, field, copy, copied),
    ...(link.notified ? [el("p", { class: "muted" }, t("users.linkNotified"))] : []),
  );
}

async function buildUsers(ctx: ViewContext): Promise<Node[]> {
  const { users } = await call<{ users: UserRow[] }>(ctx.session, "/api/users");
  const canWrite = can(ctx, "users:write");
  const error = el("div", { id: "users-error" });
  const shown = el("div", { id: "users-link" });
  const refresh = () => renderUsers(ctx, true);
  const patch = (u: UserRow, body: Record<string, string>) => call(ctx.session, `/api/users/${u.id}`, { method: "PATCH", body: JSON.stringify(body) });

  const cols: Key[] = ["users.col.name", "users.col.email", "users.col.role", "users.col.status", "users.col.lastLogin", "users.col.actions"];
  const cell = (i: number, ...children: (Node | string)[]) => el("td", { "data-label": t(cols[i] ?? "common.none") }, el("div", {}, ...children));
  const rows = users.map((u) => {
    let role: Node = el("span", {}, t(`users.role.${u.role}` as Key));
    const actions: HTMLElement[] = [];
    if (canWrite) {
      const select = roleSelect(`user-role-${u.id}`, u.role);
      select.setAttribute("aria-label", t("users.changeRole", { name: u.name }));
      select.addEventListener("change", async () => {
        select.disabled = true;
        try {
          await patch(u, { role: select.value });
          await refresh();
        } catch (err) {
          select.value = u.role;
          error.replaceChildren(el("p", { class: "error", role: "alert" }, errorMessage(err)));
        } finally {
          select.disabled = false;
        }
      });
      role = select;
      const toggle = el(
        "button",
        { type: "button", class: u.status === "disabled" ? "secondary" : "danger", "data-toggle": String(u.id) },
        t(u.status === "disabled" ? "users.enable" : "users.disable"),
      );
      toggle.addEventListener("click", async () => {
        const disabling = u.status !== "disabled";
        if (disabling && !(await confirmAction({ title: t("users.disableTitle", { name: u.name }), body: t("users.disableBody"), confirm: t("users.disable") }))) return;
        await busy(
          toggle,
          async () => {
            await patch(u, { status: disabling ? "disabled" : "active" });
            await refresh();
          },
          error,
        );
      });
      actions.push(toggle);
      if (u.status !== "disabled") {
        const reset = el("button", { type: "button", class: "secondary", "data-reset": String(u.id) }, t(u.status === "invited" ? "users.newInvite" : "users.reset"));
        reset.addEventListener("click", () =>
          busy(
            reset,
            async () => {
              const { reset: link } = await call<{ reset: Link }>(ctx.session, `/api/users/${u.id}/reset`, { method: "POST" });
              shown.replaceChildren(linkBox(link, u.status === "invited" ? "users.inviteLink" : "users.resetLink"));
            },
            error,
          ),
        );
        actions.push(reset);
      }
    }
    const status = lookup("users.status", u.locked ? "locked" : u.status, "users.status.active");
    return el(
      "tr",
      { "data-id": String(u.id), "data-email": u.email },
      cell(0, u.name),
      cell(1, u.email),
      cell(2, role),
      cell(3, status),
      cell(4, u.last_login_at ? formatDateTime(u.last_login_at) : t("users.never")),
      cell(5, el("div", { class: "actions" }, ...actions)),
    );
  });
  const table = el("table", { id: "users", class: "cards-narrow" }, el("thead", {}, el("tr", {}, ...cols.map((h) => el("th", { scope: "col" }, t(h))))), el("tbody", {}, ...rows));
  return [
    el("p", { class: "muted" }, t("users.intro")),
    ...(canWrite ? [inviteForm(ctx, error)] : []),
    shown,
    error,
    el("section", { class: "card" }, users.length ? table : emptyState(t("users.empty"), "users-empty")),
  ];
}

function inviteForm(ctx: ViewContext, error: HTMLElement): HTMLElement {
  const email = el("input", { id: "invite-email", type: "email", required: "", placeholder: " ", autocapitalize: "off", spellcheck: "false" });
  const name = el("input", { id: "invite-name", required: "", placeholder: " ", maxlength: "120" });
  const role = roleSelect("invite-role", "agent");
  const submit = el("button", { type: "submit", id: "invite-submit" }, t("users.invite"));
  const form = el(
    "form",
    { class: "card invite", id: "invite" },
    el("h2", {}, t("users.inviteTitle")),
    el("label", {}, t("users.col.email"), email),
    el("label", {}, t("users.col.name"), name),
    el("label", {}, t("users.col.role"), role),
    el("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void busy(
      submit,
      async () => {
        const { invitation } = await call<{ invitation: Link }>(ctx.session, "/api/users", {
          method: "POST",
          body: JSON.stringify({ email: email.value.trim(), name: name.value.trim(), role: role.value }),
        });
        error.replaceChildren();
        await renderUsers(ctx, true);
        // After the list is redrawn: the link goes in the new page's slot, shown this once.
        ctx.root.querySelector("#users-link")?.replaceChildren(linkBox(invitation, "users.inviteLink"));
      },
      error,
    );
  });
  return form;
}
