/**
 * Conversas: the inbox a person works from. Conversations newest first with their last message,
 * unread count and, when a customer waits for a person, the SLA timer; filters (all, with a person,
 * with the assistant, waiting, overdue), a search by name or phone, and the open conversation
 * (#conversas?id=…) with its messages, the reply box, take over / give back and the contact beside it.
 * It refreshes itself every 15 s while the page is visible, in place (the open thread, the typed reply
 * and the scroll stay), and marks what it shows as read.
 */
import { ApiError, call } from "../api";
import { el } from "../dom";
import { errorMessage, t } from "../i18n";
import { can } from "../ui/can";
import { navigate } from "../ui/router";
import { onLeave, showView, type ViewContext } from "../ui/view";
import { type Assignee, asScope, availabilityToggle, loadAssignees, loadMe, scopeTabs } from "./assignment";
import { contactPanel } from "./contact-panel";
import { inboxList } from "./list";
import { thread } from "./thread";
import { asFilter, type ContactCard, FILTERS, type Filter, fetchInbox, MAX_SHOWN, type OpenConversation, PAGE } from "./types";

const REFRESH_MS = 15_000;
const SEARCH_DEBOUNCE_MS = 300;
const FILTER_LABEL = {
  "": "conversations.filter.all",
  human: "conversations.filter.human",
  bot: "conversations.filter.bot",
  waiting: "conversations.filter.waiting",
  overdue: "conversations.filter.overdue",
} as const satisfies Record<Filter, string>;

// The search survives opening a conversation (a new route), and is never put in the address.
let search = "";
// How many rows the list shows ("Mostrar mais" grows it); back to one page when the filter changes.
let shown = PAGE;
let shownFor: Filter | undefined;
let poller: ReturnType<typeof setInterval> | undefined;

export function renderConversations(ctx: ViewContext): Promise<void> {
  return showView(ctx.root, t("conversations.title"), () => buildInbox(ctx));
}

async function buildInbox(ctx: ViewContext): Promise<Node[]> {
  const { session } = ctx;
  const filter = asFilter(ctx.params.get("status"));
  const scope = asScope(ctx.params.get("assignee"));
  const openId = Number(ctx.params.get("id")) || undefined;
  // A viewer reads the inbox: no reply, take-over, assignment, availability, read mark or contact edits.
  const mayWrite = can(ctx, "conversations:write");
  const mayEditContact = can(ctx, "contacts:write");
  if (shownFor !== filter) shown = PAGE;
  shownFor = filter;
  const getOpen = (id: number) => call<OpenConversation>(session, `/api/conversations/${id}`);
  const getCard = (id: number) => call<ContactCard>(session, `/api/contacts/${id}`);
  // An address naming a conversation that is gone (or another business's) keeps the inbox and says so.
  const openOrGone = (id: number) => getOpen(id).catch((err: unknown) => (err instanceof ApiError && err.status === 404 ? null : Promise.reject(err)));
  const [conversations, open, me] = await Promise.all([fetchInbox(session, filter, search, shown, scope), openId ? openOrGone(openId) : Promise.resolve(null), loadMe(session)]);
  // Who a conversation may be given to: read with the open conversation; a failure shows beside the select, with a retry.
  let team: Assignee[] | Error = open ? await loadAssignees(session).catch((err: unknown) => new Error(errorMessage(err))) : [];
  const card = open?.contact ? await getCard(open.contact.id) : null;

  const listHolder = el("section", { class: "card inbox-card" });
  const refreshError = el("p", { class: "error", id: "inbox-refresh-error", role: "status" });
  const more = el("button", { type: "button", class: "secondary", id: "inbox-more" }, t("conversations.more"));
  // A full page may have more behind it; the refresh re-reads all that is shown, so rows never go stale.
  const paintList = (rows: typeof conversations) =>
    listHolder.replaceChildren(inboxList(rows, { openId, filter, scope, q: search, now: Date.now() }), ...(rows.length >= shown && shown < MAX_SHOWN ? [more] : []));
  paintList(conversations);

  // What the operator has on screen is read: the mark moves to the newest message shown (a POST, never the GET).
  let marked = 0;
  const markRead = (c: OpenConversation) => {
    const newest = c.messages.at(-1)?.id ?? 0;
    if (!mayWrite || newest <= marked) return;
    marked = newest;
    void call(session, `/api/conversations/${c.id}/read`, { method: "POST", body: JSON.stringify({ message_id: newest }) }).catch(() => undefined);
  };

  more.addEventListener("click", () => {
    shown = Math.min(shown + PAGE, MAX_SHOWN);
    more.disabled = true;
    refresh()
      .catch((err: unknown) => refreshError.replaceChildren(errorMessage(err)))
      .finally(() => {
        more.disabled = false;
      });
  });

  const sideHolder = el("div", { class: "contact-holder" });
  // Only the newest refresh paints: a slow answer for "bru" must not replace the one for "bruno".
  let asked = 0;
  const refresh = async () => {
    const mine = ++asked;
    const [rows, fresh] = await Promise.all([fetchInbox(session, filter, search, shown, scope), open ? getOpen(open.id) : Promise.resolve(null)]);
    if (mine !== asked) return;
    paintList(rows);
    if (fresh) {
      view?.update(fresh);
      markRead(fresh);
    }
    refreshError.replaceChildren();
  };
  // After an opt-out / opt-in: the new card stays unfolded (on a phone too) and keeps the keyboard on its switch.
  const refreshCard = async () => {
    if (!open?.contact) return;
    const wasOpen = sideHolder.querySelector("details")?.open ?? false;
    const next = contactPanel(session, await getCard(open.contact.id), refreshCard, mayEditContact);
    if (wasOpen) next.open = true;
    sideHolder.replaceChildren(next);
    next.querySelector<HTMLButtonElement>("#contact-opt")?.focus();
  };
  const backQuery = new URLSearchParams({ ...(filter ? { status: filter } : {}), ...(scope ? { assignee: scope } : {}) }).toString();
  const backHref = `#conversas${backQuery ? `?${backQuery}` : ""}`;
  const reloadTeam = () => {
    loadAssignees(session)
      .then((people) => {
        team = people;
      })
      .catch((err: unknown) => {
        team = new Error(errorMessage(err));
      })
      .finally(() => {
        // The refresh repaints the thread, and with it the select (or the error again).
        refresh().catch((err: unknown) => refreshError.replaceChildren(errorMessage(err)));
      });
  };
  const view = open ? thread(session, open, backHref, refresh, { get: () => team, reload: reloadTeam }, mayWrite) : null;
  if (open) markRead(open);
  if (card) sideHolder.replaceChildren(contactPanel(session, card, refreshCard, mayEditContact));

  if (poller !== undefined) clearInterval(poller);
  const tick = () => {
    if (document.visibilityState !== "visible") return;
    refresh().catch((err: unknown) => refreshError.replaceChildren(t("conversations.refreshFailed", { reason: errorMessage(err) })));
  };
  poller = setInterval(tick, REFRESH_MS);
  const onVisible = () => document.visibilityState === "visible" && tick();
  document.addEventListener("visibilitychange", onVisible);
  onLeave(() => {
    clearInterval(poller);
    poller = undefined;
    document.removeEventListener("visibilitychange", onVisible);
  });

  const tabs = el(
    "div",
    { class: "actions filters", role: "group", "aria-label": t("conversations.filterLabel") },
    ...FILTERS.map((value) => {
      const b = el(
        "button",
        { type: "button", class: value === filter ? "" : "secondary", "data-filter": value, "aria-pressed": String(value === filter) },
        t(FILTER_LABEL[value]),
      );
      b.addEventListener("click", () => navigate("conversas", { status: value, assignee: scope }));
      return b;
    }),
  );
  const box = el("input", {
    type: "search",
    id: "inbox-search",
    placeholder: t("conversations.searchPlaceholder"),
    "aria-label": t("conversations.searchLabel"),
    autocomplete: "off",
  });
  box.value = search;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  box.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      search = box.value;
      refresh().catch((err: unknown) => refreshError.replaceChildren(errorMessage(err)));
    }, SEARCH_DEBOUNCE_MS);
  });
  const detail = el(
    "section",
    { class: "card thread", id: "conversation" },
    ...(view ? view.nodes : [el("p", { class: "muted" }, t(conversations.length ? "conversations.pick" : "conversations.pickNone"))]),
  );
  if (view) requestAnimationFrame(() => view.scrollToEnd());
  // On a phone an open conversation takes the screen; its back link returns to the list.
  return [
    el(
      "div",
      { id: "inbox-shell", class: open ? "split inbox-split has-open" : "split inbox-split" },
      el(
        "div",
        { class: "inbox-column" },
        el(
          "div",
          { class: "inbox-tools" },
          box,
          scopeTabs(scope, me, (value) => navigate("conversas", { status: filter, assignee: value })),
          tabs,
          ...(me && mayWrite ? [availabilityToggle(session, me)] : []),
        ),
        refreshError,
        openId && !open ? el("p", { class: "error", id: "conversation-gone", role: "status" }, t("conversations.gone")) : "",
        listHolder,
      ),
      detail,
      ...(open ? [sideHolder] : []),
    ),
  ];
}
