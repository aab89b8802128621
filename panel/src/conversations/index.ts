/**
 * Conversas: the inbox a person works from. Conversations newest first (all, with a person, with the
 * bot), one opened with its messages (#conversas?id=…), a reply box (the person takes the
 * conversation over), and the handoff / give-back-to-the-bot buttons.
 */
import { call } from "./api";
import { el } from "./dom";
import { formatDateTime, type Key, lookup, t } from "./i18n";
import { contactNode } from "./phone";
import { navigate } from "./ui/router";
import { busy, emptyState, showView, type ViewContext } from "./ui/view";

interface Conversation {
  id: number;
  status: "bot" | "human" | "closed";
  contact: { phone: string; name: string | null } | null;
  last_message_at: string | null;
  handoff: { at: string; reason: string | null; first_human_reply_at: string | null } | null;
}
interface Message {
  id: number;
  direction: "in" | "out";
  author: string;
  text: string | null;
  status: string;
  created_at: string;
}

const FILTERS: [string, Key][] = [
  ["", "conversations.filter.all"],
  ["human", "conversations.filter.human"],
  ["bot", "conversations.filter.bot"],
];

const statusText = (s: string) => lookup("status.conversation", s, "status.unknown");

export function renderConversations(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("conversations.title"), () => buildInbox(ctx), soft);
}

async function buildInbox(ctx: ViewContext): Promise<Node[]> {
  const filter = ctx.params.get("status") ?? "";
  const openId = Number(ctx.params.get("id")) || undefined;
  const [{ conversations }, open] = await Promise.all([
    call<{ conversations: Conversation[] }>(ctx.session, `/api/conversations?limit=50${filter ? `&status=${encodeURIComponent(filter)}` : ""}`),
    openId ? call<Conversation & { messages: Message[] }>(ctx.session, `/api/conversations/${openId}`) : Promise.resolve(null),
  ]);
  const list = el(
    "ul",
    { class: "inbox", id: "conversation-list", "aria-label": t("conversations.listLabel") },
    ...conversations.map((c) =>
      el(
        "li",
        { "data-id": String(c.id), class: c.id === openId ? "open" : "" },
        el(
          "a",
          { href: `#conversas?${new URLSearchParams({ ...(filter ? { status: filter } : {}), id: String(c.id) })}`, ...(c.id === openId ? { "aria-current": "true" } : {}) },
          el("strong", {}, c.contact ? contactNode(c.contact) : `#${c.id}`),
          el("span", { class: `badge ${c.status}` }, statusText(c.status)),
          el("span", { class: "muted" }, formatDateTime(c.last_message_at)),
        ),
      ),
    ),
  );
  const tabs = el(
    "div",
    { class: "actions", role: "group", "aria-label": t("conversations.filterLabel") },
    ...FILTERS.map(([value, text]) => {
      const b = el("button", { type: "button", class: value === filter ? "" : "secondary", "data-filter": value, "aria-pressed": String(value === filter) }, t(text));
      b.addEventListener("click", () => navigate("conversas", { status: value }));
      return b;
    }),
  );
  const detail = el(
    "section",
    { class: "card thread", id: "conversation" },
    ...(open ? thread(ctx, open) : [el("p", { class: "muted" }, t(conversations.length ? "conversations.pick" : "conversations.pickNone"))]),
  );
  // On a phone an open conversation takes the screen; its back link returns to the list.
  return [
    tabs,
    el(
      "div",
      { class: open ? "split has-open" : "split" },
      el("section", { class: "card inbox-card" }, conversations.length ? list : emptyState(t("conversations.empty"), "conversations-empty")),
      detail,
    ),
  ];
}

function thread(ctx: ViewContext, c: Conversation & { messages: Message[] }): Node[] {
  const { session } = ctx;
  const text = el("textarea", { id: "reply-text", rows: "3", placeholder: t("conversations.replyPlaceholder"), "aria-label": t("conversations.replyLabel") });
  const send = el("button", { id: "reply-send", type: "button" }, t("conversations.send"));
  const toggle =
    c.status === "human"
      ? el("button", { id: "release", type: "button", class: "secondary" }, t("conversations.release"))
      : el("button", { id: "handoff", type: "button", class: "secondary" }, t("conversations.handoff"));
  const error = el("div", { id: "reply-error" });
  // One key per typed reply: a double click or a retried request sends it once.
  let key = crypto.randomUUID();
  send.addEventListener("click", () => {
    if (!text.value.trim()) return;
    void busy(
      send,
      async () => {
        await call(session, `/api/conversations/${c.id}/messages`, { method: "POST", body: JSON.stringify({ text: text.value }), headers: { "idempotency-key": key } });
        key = crypto.randomUUID();
        await renderConversations(ctx, true);
      },
      error,
    );
  });
  toggle.addEventListener("click", () =>
    busy(
      toggle,
      async () => {
        await call(session, `/api/conversations/${c.id}/${c.status === "human" ? "release" : "handoff"}`, { method: "POST", body: "{}" });
        await renderConversations(ctx, true);
      },
      error,
    ),
  );
  const handoff = c.handoff
    ? ` · ${t("conversations.lastHandoff", { date: formatDateTime(c.handoff.at) })}${c.handoff.reason ? ` (${lookup("handoff.reason", c.handoff.reason, "handoff.reason.other")})` : ""}`
    : "";
  const filter = ctx.params.get("status");
  return [
    el("a", { class: "back-link", id: "conversation-back", href: `#conversas${filter ? `?status=${encodeURIComponent(filter)}` : ""}` }, t("conversations.back")),
    el("h2", {}, contactNode(c.contact)),
    el("p", { class: "muted", id: "conversation-status" }, `${statusText(c.status)}${handoff}`),
    el(
      "ol",
      { class: "messages", id: "messages" },
      ...c.messages.map((m) =>
        el(
          "li",
          { class: m.direction },
          el("span", {}, m.text ?? ""),
          el("small", {}, [lookup("author", m.author, "author.other"), formatDateTime(m.created_at), lookup("status.message", m.status, "status.unknown")].join(" · ")),
        ),
      ),
    ),
    text,
    el("div", { class: "actions" }, send, toggle),
    error,
  ];
}
