/**
 * Conversas: the inbox a person works from. Conversations newest first (all, with a person, with the
 * bot), one opened with its messages, a reply box (the person takes the conversation over), and the
 * handoff / give-back-to-the-bot buttons.
 */
import { call, type Session } from "./api";
import { el, formatDate } from "./dom";

interface Conversation {
  id: number;
  status: "bot" | "human" | "closed";
  contact: { phone: string; name: string | null } | null;
  summary: string | null;
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

const STATUS: Record<Conversation["status"], string> = { bot: "assistente", human: "com pessoa", closed: "encerrada" };
const FILTERS: [string, string][] = [
  ["", "Todas"],
  ["human", "Com pessoa"],
  ["bot", "Com a assistente"],
];

export async function renderConversations(root: HTMLElement, session: Session, filter = "", openId?: number): Promise<void> {
  const { conversations } = await call<{ conversations: Conversation[] }>(session, `/api/conversations?limit=50${filter ? `&status=${filter}` : ""}`);
  const detail = el("section", { class: "card thread", id: "conversation" }, el("p", { class: "muted" }, "Escolha uma conversa."));
  const list = el(
    "ul",
    { class: "inbox", id: "conversation-list" },
    ...conversations.map((c) => {
      const item = el(
        "li",
        { "data-id": String(c.id), class: c.id === openId ? "open" : "" },
        el("strong", {}, c.contact?.name ?? c.contact?.phone ?? `#${c.id}`),
        el("span", { class: `badge ${c.status}` }, STATUS[c.status]),
        el("span", { class: "muted" }, formatDate(c.last_message_at)),
      );
      item.addEventListener("click", () => void renderConversations(root, session, filter, c.id));
      return item;
    }),
  );
  const tabs = el(
    "div",
    { class: "actions" },
    ...FILTERS.map(([value, text]) => {
      const b = el("button", { class: value === filter ? "" : "secondary", "data-filter": value }, text);
      b.addEventListener("click", () => void renderConversations(root, session, value));
      return b;
    }),
  );
  root.replaceChildren(
    el("h1", {}, "Conversas"),
    tabs,
    el("div", { class: "split" }, el("section", { class: "card" }, conversations.length ? list : el("p", { class: "muted" }, "Nenhuma conversa.")), detail),
  );
  if (openId) await renderThread(detail, session, openId, () => renderConversations(root, session, filter, openId));
}

async function renderThread(box: HTMLElement, session: Session, id: number, refresh: () => Promise<void>): Promise<void> {
  const c = await call<Conversation & { messages: Message[] }>(session, `/api/conversations/${id}`);
  const text = el("textarea", { id: "reply-text", rows: "3", placeholder: "Responder como pessoa (a assistente para de responder)" });
  const send = el("button", { id: "reply-send" }, "Enviar");
  const toggle =
    c.status === "human" ? el("button", { id: "release", class: "secondary" }, "Devolver à assistente") : el("button", { id: "handoff", class: "secondary" }, "Assumir conversa");
  const error = el("p", { class: "error" });
  // One key per typed reply: a double click or a retried request sends it once.
  let key = crypto.randomUUID();
  send.addEventListener("click", async () => {
    if (!text.value.trim()) return;
    send.disabled = true;
    try {
      await call(session, `/api/conversations/${id}/messages`, { method: "POST", body: JSON.stringify({ text: text.value }), headers: { "idempotency-key": key } });
      key = crypto.randomUUID();
      await refresh();
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err);
      send.disabled = false;
    }
  });
  toggle.addEventListener("click", async () => {
    await call(session, `/api/conversations/${id}/${c.status === "human" ? "release" : "handoff"}`, { method: "POST", body: "{}" });
    await refresh();
  });
  box.replaceChildren(
    el("h2", {}, `${c.contact?.name ?? "Contato"} · ${c.contact?.phone ?? ""}`),
    el(
      "p",
      { class: "muted", id: "conversation-status" },
      `${STATUS[c.status]}${c.handoff ? ` · última entrega a uma pessoa em ${formatDate(c.handoff.at)}${c.handoff.reason ? ` (${c.handoff.reason})` : ""}` : ""}`,
    ),
    ...(c.summary ? [el("p", { class: "muted" }, `Resumo: ${c.summary}`)] : []),
    el(
      "ol",
      { class: "messages", id: "messages" },
      ...c.messages.map((m) => el("li", { class: m.direction }, el("span", {}, m.text ?? ""), el("small", {}, `${m.author} · ${formatDate(m.created_at)} · ${m.status}`))),
    ),
    text,
    el("div", { class: "actions" }, send, toggle),
    error,
  );
}
