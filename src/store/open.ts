import { createD1Store } from "./d1";
import type { Store } from "./types";

const stores = new WeakMap<D1Database, Store>();

/**
 * The deployment's store: D1 today (the next engine, Postgres through Hyperdrive, plugs in here).
 * One per binding and isolate: building drizzle's query builder on every request is measurable on the ack.
 */
export function openStore(env: Env): Store {
  let store = stores.get(env.DB);
  if (!store) {
    store = createD1Store(env.DB);
    stores.set(env.DB, store);
  }
  return store;
}
