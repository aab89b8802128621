/**
 * A view's life: "loading" while its data comes, then its content, or an error with a retry, never a
 * blank page. A view that was left (another route started) never paints over the new one.
 */
import { ApiError, type Session } from "../api";
import { el } from "../dom";
import { errorMessage, t } from "../i18n";

let generation = 0;
let onUnauthorized: () => void = () => undefined;

/** Called when the API says the session is gone (401): back to the sign-in screen. */
export const whenUnauthorized = (fn: () => void) => {
  onUnauthorized = fn;
};

/** What a view holds until it is left (a poller, a timer). */
export interface ViewContext {
  root: HTMLElement;
  session: Session;
  params: URLSearchParams;
  company: Company;
  /** What the caller may do (GET /api/me): a view hides the actions that would be refused. */
  permissions: readonly string[];
}
export interface Company {
  slug: string;
  name: string;
  channel: string;
  time_zone: string;
}

let leaving: (() => void)[] = [];
/** Runs `fn` when the current view is left. */
export const onLeave = (fn: () => void) => leaving.push(fn);

/** A new route started: whatever the previous view still awaits is dropped, its timers stopped. */
export function leaveView(): void {
  generation++;
  for (const fn of leaving) fn();
  leaving = [];
}

/**
 * Shows `title` with a loading state, then what `build` returns. `soft` keeps the current content
 * while refreshing (after an action), so the page does not jump.
 */
export async function showView(root: HTMLElement, title: string, build: () => Promise<Node[]>, soft = false): Promise<void> {
  const mine = generation;
  const heading = el("h1", {}, title);
  root.setAttribute("aria-busy", "true");
  if (!soft) root.replaceChildren(heading, el("p", { class: "state loading", role: "status" }, t("state.loading")));
  try {
    const nodes = await build();
    if (mine !== generation) return;
    root.replaceChildren(heading, ...nodes);
  } catch (err) {
    if (mine !== generation) return;
    if (err instanceof ApiError && err.status === 401) return onUnauthorized();
    const retry = el("button", { type: "button", class: "secondary", id: "view-retry" }, t("state.retry"));
    retry.addEventListener("click", () => void showView(root, title, build));
    root.replaceChildren(
      heading,
      el("div", { class: "card state error-state", role: "alert" }, el("p", {}, t("state.error")), el("p", { class: "error" }, errorMessage(err)), retry),
    );
  } finally {
    if (mine === generation) root.removeAttribute("aria-busy");
  }
}

/** An empty list's message, in the same place the list would be. */
export const emptyState = (text: string, id?: string) => el("p", { class: "muted state empty", ...(id ? { id } : {}) }, text);

/** Runs an action from a button: disabled meanwhile; a failure is shown (translated) in `errorTarget`. */
export async function busy(button: HTMLButtonElement, work: () => Promise<void>, errorTarget: HTMLElement): Promise<void> {
  button.disabled = true;
  try {
    await work();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return onUnauthorized();
    errorTarget.replaceChildren(el("p", { class: "error", role: "alert" }, errorMessage(err)));
  } finally {
    button.disabled = false;
  }
}
