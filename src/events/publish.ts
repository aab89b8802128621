import { log } from "../lib/log";
import type { Store } from "../store/types";
import { SUBSCRIBERS } from "./subscribers";
import type { Subscriber } from "./subscriber";
import type { AnyBusinessEvent } from "./types";

/**
 * Hands events to every subscriber. What already happened (a booking, a message) stands whatever a
 * subscriber does: its failure is logged, never thrown back into the step that published.
 * @example await publish(env, store, [businessEvent("appointment.booked", companyId, a.id, appointmentData(a))]);
 */
export async function publish(env: Env, store: Store, events: readonly AnyBusinessEvent[], subscribers: readonly Subscriber[] = SUBSCRIBERS): Promise<void> {
  if (events.length === 0) return;
  await Promise.all(
    subscribers.map(async (s) => {
      try {
        await s.handle(env, store, events);
      } catch (error) {
        log.error("event subscriber failed", { subscriber: s.name, company_id: events[0]?.companyId, events: events.map((e) => e.id), error });
      }
    }),
  );
}
