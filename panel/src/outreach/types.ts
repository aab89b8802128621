/** Mensagens agendadas' wire types (GET/POST/PATCH/DELETE /api/scheduled-messages) and the contact search. */
import { call, type Session } from "../api";

export interface Scheduled {
  id: number;
  contact: { id: number; name: string | null; phone: string | null };
  text: string;
  purpose: string;
  status: "pending" | "sending" | "sent" | "cancelled" | "failed";
  send_at: string;
  /** "YYYY-MM-DDTHH:MM" on the tenant's clock: what a datetime-local input takes. */
  send_at_local: string;
  error: string | null;
}

export interface PickedContact {
  id: number;
  name: string | null;
  phone: string;
}

export const STATUSES = ["pending", "sent", "failed", "cancelled"] as const;

export const listScheduled = async (session: Session, status: string) =>
  (await call<{ scheduled_messages: Scheduled[] }>(session, `/api/scheduled-messages?${new URLSearchParams({ limit: "200", ...(status ? { status } : {}) })}`)).scheduled_messages;

/**
 * Contacts whose name or phone matches, as Conversas finds them (POST /api/conversations/search: a phone
 * typed in the box never lands in a logged URL), one per contact.
 */
export async function searchContacts(session: Session, q: string): Promise<PickedContact[]> {
  const { conversations } = await call<{ conversations: { contact: PickedContact | null }[] }>(session, "/api/conversations/search", {
    method: "POST",
    body: JSON.stringify({ q, limit: 20 }),
  });
  const seen = new Map<number, PickedContact>();
  for (const c of conversations) if (c.contact && !seen.has(c.contact.id)) seen.set(c.contact.id, c.contact);
  return [...seen.values()];
}
