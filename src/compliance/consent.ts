import { publish } from "../events/publish";
import type { Subscriber } from "../events/subscriber";
import { businessEvent } from "../events/types";
import type { ConsentChange, ConsentEvent, Store } from "../store/types";

/**
 * Records an opt-out or opt-in (flag, history and consent_changed_at in one round trip) and, when it
 * changed something, publishes contact.opted_out / contact.opted_in with the consent event's id.
 * @example await recordConsent(env, store, company.id, contact.id, true, { source: "keyword", actor: "contact" });
 */
export async function recordConsent(
  env: Env,
  store: Store,
  companyId: number,
  contactId: number,
  optedOut: boolean,
  change: ConsentChange,
  subscribers?: readonly Subscriber[],
): Promise<ConsentEvent | null> {
  const event = await store.contacts.setOptedOut(companyId, contactId, optedOut, change);
  if (event) {
    const data = { contact_id: contactId, source: change.source };
    await publish(
      env,
      store,
      [optedOut ? businessEvent("contact.opted_out", companyId, event.id, data, event.createdAt) : businessEvent("contact.opted_in", companyId, event.id, data, event.createdAt)],
      subscribers,
    );
  }
  return event;
}
