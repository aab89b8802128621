/**
 * Who holds a conversation, in Conversas: the "Minhas / Fila da equipe / Todas" quick filter, the
 * assignee's name on rows and in the header, the reassign select, and the signed-in person's
 * availability toggle. A token or the platform token is no person: it gets no "Minhas" and no toggle
 * (GET /api/me/availability answers `{me: null}`), but may still reassign.
 */
import { call, type Session } from "../api";
import { el } from "../dom";
import { errorMessage, t } from "../i18n";
import { busy } from "../ui/view";
import type { Conversation } from "./types";

export interface Assignee {
  id: number;
  name: string;
  role: string;
  available: boolean;
}
export interface Me {
  id: number;
  name: string;
  available: boolean;
}

/** The quick filter's values, kept in the address as `assignee` ("" is all). */
export const SCOPES = ["", "me", "none"] as const;
export type Scope = (typeof SCOPES)[number];
export const asScope = (raw: string | null): Scope => ((SCOPES as readonly string[]).includes(raw ?? "") ? ((raw ?? "") as Scope) : "");
const SCOPE_LABEL = { "": "assignment.filter.all", me: "assignment.filter.mine", none: "assignment.filter.queue" } as const satisfies Record<Scope, string>;

/** The signed-in person, or null for a token or the platform token. */
export const loadMe = async (session: Session) => (await call<{ me: Me | null }>(session, "/api/me/availability")).me;
export const loadAssignees = async (session: Session) => (await call<{ assignees: Assignee[] }>(session, "/api/conversations/assignees")).assignees;

/** "Atendente: Ana" / "Fila da equipe" for a conversation with a person; nothing for one with the bot. */
export function assigneeText(c: Pick<Conversation, "status" | "assignee">): string | null {
  if (c.status !== "human") return null;
  if (!c.assignee) return t("assignment.queue");
  return t("assignment.assignee", { name: c.assignee.name ?? t("assignment.someone", { id: String(c.assignee.id) }) });
}

export function scopeTabs(current: Scope, me: Me | null, go: (scope: Scope) => void): Node {
  // "Minhas" means the signed-in person: without one it would always be empty.
  const scopes = SCOPES.filter((s) => s !== "me" || me !== null);
  return el(
    "div",
    { class: "actions filters", role: "group", "aria-label": t("assignment.filterLabel"), id: "assignee-filter" },
    // Visible too: beside the status filters, a second "Todas" needs to say what it is about.
    el("span", { class: "muted filter-caption", "aria-hidden": "true" }, t("assignment.filterCaption")),
    ...scopes.map((value) => {
      const b = el(
        "button",
        { type: "button", class: value === current ? "" : "secondary", "data-scope": value, "aria-pressed": String(value === current) },
        t(SCOPE_LABEL[value]),
      );
      b.addEventListener("click", () => go(value));
      return b;
    }),
  );
}

/** The signed-in person's "Disponível para atendimento" switch (a checkbox: one tap, its state read aloud). */
export function availabilityToggle(session: Session, me: Me): Node {
  const box = el("input", { type: "checkbox", id: "availability", role: "switch" });
  box.checked = me.available;
  const error = el("span", { class: "error", role: "status", id: "availability-error" });
  box.addEventListener("change", () => {
    const wanted = box.checked;
    box.disabled = true;
    call<Me>(session, "/api/me/availability", { method: "PUT", body: JSON.stringify({ available: wanted }) })
      .then((now) => {
        box.checked = now.available;
        error.replaceChildren();
      })
      .catch((err: unknown) => {
        box.checked = !wanted;
        error.replaceChildren(errorMessage(err));
      })
      .finally(() => {
        box.disabled = false;
      });
  });
  return el("label", { class: "availability" }, box, " ", t("assignment.available"), error);
}

/**
 * The header's reassign select: the team queue, then the tenant's people (the available ones say so).
 * Loading failed → the reason and a retry; nobody to assign → says who could be.
 */
export function reassignControl(session: Session, conv: Conversation, team: Assignee[] | Error, done: () => Promise<void>, reload: () => void): Node {
  if (team instanceof Error) {
    const retry = el("button", { type: "button", class: "secondary", id: "assignees-retry" }, t("state.retry"));
    retry.addEventListener("click", reload);
    return el("p", { class: "error", id: "assignees-error", role: "status" }, t("assignment.loadFailed"), " ", retry);
  }
  if (team.length === 0) return el("p", { class: "muted", id: "assignees-empty" }, t("assignment.noneToAssign"));
  const select = el(
    "select",
    { id: "assignee-select", "aria-label": t("assignment.reassignLabel") },
    el("option", { value: "" }, t("assignment.toQueue")),
    ...team.map((p) => el("option", { value: String(p.id) }, p.available ? t("assignment.availableTag", { name: p.name }) : p.name)),
  );
  select.value = conv.assignee ? String(conv.assignee.id) : "";
  const error = el("div", { id: "assign-error" });
  const apply = el("button", { type: "button", class: "secondary", id: "assign-apply" }, t("assignment.apply"));
  apply.addEventListener("click", () =>
    busy(
      apply,
      async () => {
        await call(session, `/api/conversations/${conv.id}/assign`, { method: "POST", body: JSON.stringify({ user_id: select.value ? Number(select.value) : null }) });
        await done();
      },
      error,
    ),
  );
  return el("div", { class: "assign" }, el("div", { class: "actions" }, el("label", { for: "assignee-select" }, t("assignment.reassignLabel")), select, apply), error);
}
