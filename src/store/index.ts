import { createD1Store } from "./d1";
import type { Store } from "./types";

/**
 * The one way the Worker, the queues and the cron open a store, so choosing an engine happens here
 * only: D1 today; the Postgres (Hyperdrive) engine will be picked here from the bindings.
 * @example const store = openStore(env); await store.companies.bySlug("demo");
 */
export function openStore(env: Env): Store {
  return createD1Store(env.DB);
}

export type { Store } from "./types";
