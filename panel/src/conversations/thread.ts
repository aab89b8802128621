/**
 * The open conversation: its messages as bubbles (who wrote, when, what became of it), the reply box
 * (a person answering takes the conversation over) and take over / give back. `update` repaints the
 * messages and the status in place on a live refresh, so the typed reply and the scroll stay.
 */
import { call, type Session } from "../api";
import { el } from "../dom";
import { formatDateTime, lookup, t } from "../i18n";
import { contactNode } from "../phone";
import { busy } from "../ui/view";
import { type Assignee, assigneeText, reassignControl } from "./assignment";
import type { Message, OpenConversation } from "./types";
import { waitingText } from "./when";
import { scheduleLink } from "../outreach/link";

const statusText = (s: string) => lookup("status.conversation", s, "status.unknown");

function bubble(m: Message): Node {
  // A human message names the person who wrote it, when a signed-in person did.
  const who = m.author === "human" && m.author_user?.name ? m.author_user.name : lookup("author", m.author, "author.other");
  const meta = [who, formatDateTime(m.created_at)];
  if (m.direction === "out") meta.push(lookup("status.message", m.status, "status.unknown"));
  return el("li", { class: m.direction, "data-id": String(m.id) }, el("span", {}, m.text ?? ""), el("small", {}, meta.join(" · ")));
}

function statusLine(c: OpenConversation): string {
  const parts = [statusText(c.status)];
  if (c.handoff) {
    const reason = c.handoff.reason ? ` (${lookup("handoff.reason", c.handoff.reason, "handoff.reason.other")})` : "";
    parts.push(`${t("conversations.lastHandoff", { date: formatDateTime(c.handoff.at) })}${reason}`);
  }
  const waiting = waitingText(c);
  if (waiting) parts.push(waiting);
  return parts.join(" · ");
}

export interface Thread {
  nodes: Node[];
  /** Repaints messages, status and the take-over button from fresh data; keeps the reply box and the scroll. */
  update(c: OpenConversation): void;
  /** Scrolls to the newest message (once the thread is on the page). */
  scrollToEnd(): void;
}

/**
 * `team`: who it may be given to (or why that list could not be read); `reloadTeam` reads it again.
 * `mayWrite` (conversations:write): without it the thread is read only, with no reply box or buttons.
 */
export function thread(
  session: Session,
  first: OpenConversation,
  backHref: string,
  refresh: () => Promise<void>,
  team: { get: () => Assignee[] | Error; reload: () => void },
  mayWrite: boolean,
): Thread {
  let current = first;
  const text = el("textarea", { id: "reply-text", rows: "3", placeholder: t("conversations.replyPlaceholder"), "aria-label": t("conversations.replyLabel") });
  const send = el("button", { id: "reply-send", type: "button" }, t("conversations.send"));
  const error = el("div", { id: "reply-error" });
  const status = el("p", { class: "muted", id: "conversation-status" });
  const messages = el("ol", { class: "messages", id: "messages", tabindex: "0", "aria-label": t("conversations.messagesLabel") });
  const controls = el("div", { class: "actions" });
  const assign = el("div", { id: "assign-holder" });
  let assignKey = "";
  // One key per typed reply: a double click or a retried request sends it once.
  let key = crypto.randomUUID();
  send.addEventListener("click", () => {
    if (!text.value.trim()) return;
    void busy(
      send,
      async () => {
        await call(session, `/api/conversations/${current.id}/messages`, { method: "POST", body: JSON.stringify({ text: text.value }), headers: { "idempotency-key": key } });
        key = crypto.randomUUID();
        text.value = "";
        error.replaceChildren();
        await refresh();
        scrollToEnd();
      },
      error,
    );
  });
  const toggleButton = () => {
    const human = current.status === "human";
    const b = el("button", { id: human ? "release" : "handoff", type: "button", class: "secondary" }, t(human ? "conversations.release" : "conversations.handoff"));
    b.addEventListener("click", () =>
      busy(
        b,
        async () => {
          await call(session, `/api/conversations/${current.id}/${human ? "release" : "handoff"}`, { method: "POST", body: "{}" });
          await refresh();
        },
        error,
      ),
    );
    return b;
  };
  const scrollToEnd = () => {
    messages.scrollTop = messages.scrollHeight;
  };
  const update = (c: OpenConversation) => {
    const atEnd = messages.scrollTop + messages.clientHeight >= messages.scrollHeight - 8;
    const known = messages.lastElementChild?.getAttribute("data-id");
    current = c;
    status.textContent = statusLine(c);
    messages.replaceChildren(...c.messages.map(bubble));
    if (c.messages.length === 0) messages.append(el("li", { class: "muted empty" }, t("conversations.noMessages")));
    controls.replaceChildren(...(mayWrite ? [send, toggleButton(), scheduleLink(c.contact)] : []));
    // Only a conversation with a person is assigned. Repainted only when something it shows changed,
    // so a live refresh never resets a choice being made in the select.
    const people = team.get();
    const key = `${c.status}|${c.assignee?.id ?? ""}|${people instanceof Error ? "error" : people.map((p) => `${p.id}:${p.available}`).join(",")}`;
    const holder = assigneeText(c);
    if (key !== assignKey)
      assign.replaceChildren(
        ...(holder
          ? [el("p", { id: "conversation-assignee", class: "assignee-line" }, holder), ...(mayWrite ? [reassignControl(session, c, people, refresh, team.reload)] : [])]
          : []),
      );
    assignKey = key;
    // A new message scrolls into view only for someone already at the end (never yanks a reader up the thread).
    if (atEnd && known !== String(c.messages.at(-1)?.id)) scrollToEnd();
  };
  update(first);
  return {
    nodes: [
      el("a", { class: "back-link", id: "conversation-back", href: backHref }, t("conversations.back")),
      el("h2", {}, contactNode(first.contact)),
      status,
      assign,
      messages,
      ...(mayWrite ? [text] : []),
      controls,
      error,
    ],
    update,
    scrollToEnd,
  };
}
