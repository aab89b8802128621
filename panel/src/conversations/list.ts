/** The inbox's rows: who, when, the last message, the unread count and, for a customer waiting on a person, the SLA timer. */
import { el } from "../dom";
import { lookup, t, tn } from "../i18n";
import { contactNode } from "../phone";
import { emptyState } from "../ui/view";
import { assigneeText, type Scope } from "./assignment";
import type { Conversation, Filter } from "./types";
import { shortWhen, waitingText } from "./when";

const statusText = (s: string) => lookup("status.conversation", s, "status.unknown");

/** The link to a conversation, keeping the list's filters. */
export const conversationHref = (id: number, filter: Filter, scope: Scope = "") =>
  `#conversas?${new URLSearchParams({ ...(filter ? { status: filter } : {}), ...(scope ? { assignee: scope } : {}), id: String(id) })}`;

function previewLine(c: Conversation): Node {
  const m = c.last_message;
  if (!m) return el("span", { class: "preview muted" }, t("conversations.noMessages"));
  // Our side's messages say who wrote them; the customer's stand alone, as in WhatsApp.
  const who = m.direction === "out" ? `${lookup("author", m.author, "author.other")}: ` : "";
  return el("span", { class: "preview" }, who, m.text);
}

export function inboxList(conversations: Conversation[], opts: { openId: number | undefined; filter: Filter; scope: Scope; q: string; now: number }): Node {
  if (conversations.length === 0) {
    const text = opts.q.trim() ? t("conversations.noMatch", { q: opts.q.trim() }) : opts.filter || opts.scope ? t("conversations.emptyFilter") : t("conversations.empty");
    return emptyState(text, "conversations-empty");
  }
  return el(
    "ul",
    { class: "inbox", id: "conversation-list", "aria-label": t("conversations.listLabel") },
    ...conversations.map((c) => {
      const open = c.id === opts.openId;
      // The open conversation is being read right now (its mark moves as it shows): no badge for it.
      const unread = open ? 0 : c.unread;
      const waiting = waitingText(c, opts.now);
      const holder = assigneeText(c);
      return el(
        "li",
        { "data-id": String(c.id), class: [open ? "open" : "", unread ? "unread" : "", c.sla?.overdue ? "overdue" : ""].filter(Boolean).join(" ") },
        el(
          "a",
          { href: conversationHref(c.id, opts.filter, opts.scope), ...(open ? { "aria-current": "true" } : {}) },
          el("span", { class: "who" }, c.contact ? contactNode(c.contact) : `#${c.id}`),
          el("span", { class: "when muted" }, shortWhen(c.last_message?.at ?? c.last_message_at)),
          previewLine(c),
          unread ? el("span", { class: "unread-count", "aria-label": tn("conversations.unread", unread) }, String(unread)) : el("span", {}),
          el(
            "span",
            { class: "tags" },
            el("span", { class: `badge ${c.status}` }, statusText(c.status)),
            ...(waiting ? [el("span", { class: c.sla?.overdue ? "sla overdue" : "sla" }, waiting)] : []),
            ...(holder ? [el("span", { class: c.assignee ? "assignee" : "assignee queue" }, holder)] : []),
          ),
        ),
      );
    }),
  );
}
