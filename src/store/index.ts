import { createD1Store } from "./d1";
import type { Store } from "./types";

/**
 * The one way the Worker, the queues and the cron open a store, so choosing an engine happens here
 * only: D1 today; the Postgres (Hyperdrive) engine will be picked here from the bindings.
 * @example const store = openStore(env); await store.companies.bySlug("demo");
 */
export function openStore(env: Env): Store {
  // One per binding and isolate: building drizzle's query builder on every request is measurable on the ack.
  let store = stores.get(env.DB);
  if (!store) {
    store = createD1Store(env.DB);
    stores.set(env.DB, store);
  }
  return store;
}

const stores = new WeakMap<D1Database, Store>();

export type { Store } from "./types";
