/** The inbox's wire types (GET /api/conversations, POST …/search, GET /api/contacts/:id) and its calls. */
import { call, type Session } from "../api";

export interface Preview {
  text: string;
  direction: "in" | "out";
  author: string;
  at: string | null;
}
export interface Conversation {
  id: number;
  status: "bot" | "human" | "closed";
  contact: { id: number; phone: string; name: string | null; opted_out: boolean } | null;
  last_message_at: string | null;
  handoff: { at: string; reason: string | null; first_human_reply_at: string | null } | null;
  last_message: Preview | null;
  unread: number;
  waiting_since: string | null;
  sla: { minutes: number; due_at: string; overdue: boolean } | null;
  /** Who holds it (null: the team queue, or with the bot). */
  assignee: { id: number; name: string | null } | null;
}
export interface Message {
  id: number;
  direction: "in" | "out";
  author: string;
  /** The person who wrote a human message, when one signed in wrote it. */
  author_user: { id: number; name: string | null } | null;
  text: string | null;
  status: string;
  created_at: string;
}
export type OpenConversation = Conversation & { messages: Message[] };
export interface Appointment {
  id: number;
  status: string;
  service: string | null;
  starts_at: string;
}
export interface ContactCard {
  contact: { id: number; phone: string; name: string | null; opted_out: boolean; attributes: Record<string, unknown>; created_at: string; conversations: number };
  appointments: { recent: Appointment[]; upcoming: Appointment[] };
  /** The habits the chat's offers follow (usual weekday, period, service); absent from an older API. */
  preferences?: { weekday: string | null; period: string | null; service: string | null; visits: number };
}

/** The list's filters: a status, or a queue of conversations waiting for a person ("" is all). */
export const FILTERS = ["", "human", "bot", "waiting", "overdue"] as const;
export type Filter = (typeof FILTERS)[number];
export const asFilter = (raw: string | null): Filter => ((FILTERS as readonly string[]).includes(raw ?? "") ? ((raw ?? "") as Filter) : "");

/** One screenful of the inbox; "Mostrar mais" adds another, up to the API's largest page. */
export const PAGE = 50;
export const MAX_SHOWN = 200;

/**
 * The newest `limit` conversations for the filter (and search): what the list shows and each refresh
 * re-reads. A search goes in a POST body (a phone typed in the box never lands in a logged URL).
 */
export async function fetchInbox(session: Session, filter: Filter, q: string, limit = PAGE, assignee = ""): Promise<Conversation[]> {
  const narrowing: Record<string, string> = filter === "waiting" || filter === "overdue" ? { queue: filter } : filter ? { status: filter } : {};
  if (assignee) narrowing.assignee = assignee;
  if (q.trim()) {
    const body = JSON.stringify({ q: q.trim(), limit, ...narrowing });
    return (await call<{ conversations: Conversation[] }>(session, "/api/conversations/search", { method: "POST", body })).conversations;
  }
  return (await call<{ conversations: Conversation[] }>(session, `/api/conversations?${new URLSearchParams({ limit: String(limit), ...narrowing })}`)).conversations;
}
