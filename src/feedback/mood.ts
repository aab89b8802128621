import type { Subscriber } from "../events/subscriber";
import type { Contact, Store } from "../store/types";

/**
 * The contact's latest satisfaction signal, kept on the contact row (attributes._satisfaction) that
 * every turn already reads: the tone rule costs no statement per turn. Written where the feedback
 * arrives (POST /api/feedback/ingest, a follow-up answer), never on an ordinary message.
 */
export const MOOD_KEY = "_satisfaction";
/** How long a complaint keeps the assistant more careful (the seeds: "mais empatia após reclamação"). */
export const COMPLAINT_WINDOW_MS = 30 * 86_400_000;

export interface Mood {
  at: number;
  negative: boolean;
  source: string;
}

export function moodOf(contact: Pick<Contact, "attributes">): Mood | null {
  const m = contact.attributes[MOOD_KEY];
  if (typeof m !== "object" || m === null) return null;
  const { at, negative, source } = m as Record<string, unknown>;
  return typeof at === "number" && typeof negative === "boolean" ? { at, negative, source: typeof source === "string" ? source : "" } : null;
}

/** True when the contact's latest feedback was negative and is recent. */
export function recentComplaint(contact: Pick<Contact, "attributes">, now: number): boolean {
  const m = moodOf(contact);
  return m?.negative === true && now - m.at < COMPLAINT_WINDOW_MS;
}

/** The attributes with this signal, when it is newer than the one held (a back-dated import never overrides a newer answer). */
export function withMood(contact: Pick<Contact, "attributes">, mood: Mood): Record<string, unknown> | null {
  const held = moodOf(contact);
  if (held && held.at >= mood.at) return null;
  return { ...contact.attributes, [MOOD_KEY]: mood };
}

/** Saves the signal on the contact (one statement when it changes anything). */
export async function recordMood(store: Store, companyId: number, contact: Contact, mood: Mood): Promise<void> {
  const attributes = withMood(contact, mood);
  if (attributes) await store.contacts.update(companyId, contact.id, { attributes });
}

/** A follow-up answer sets the contact's mood; every other event costs nothing here. */
export const moodSubscriber: Subscriber = {
  name: "satisfaction-mood",
  async handle(_env, store, events) {
    for (const e of events) {
      if (e.type !== "followup.answered") continue;
      const contact = await store.contacts.byId(e.companyId, e.data.contact_id);
      if (contact) await recordMood(store, e.companyId, contact, { at: e.at, negative: e.data.kind === "followup_negative", source: "followup" });
    }
  },
};
