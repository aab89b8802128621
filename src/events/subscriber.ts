import type { Store } from "../store/types";
import type { AnyBusinessEvent } from "./types";

/** One reaction to business events (events/subscribers.ts lists them). */
export interface Subscriber {
  name: string;
  /**
   * Called with every batch of events of one tenant. It must cost nothing (no statement, no queue send)
   * when the tenant has nothing that listens to those types: publish runs on the message path.
   */
  handle(env: Env, store: Store, events: readonly AnyBusinessEvent[]): Promise<void>;
}
