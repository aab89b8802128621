import { createD1Store } from "./d1";
import { createPostgresStore } from "./postgres";
import type { Store } from "./types";

/** The engine bindings: optional, so a D1-only deployment (the default) has neither. */
interface EngineEnv {
  HYPERDRIVE?: Hyperdrive;
  /** "postgres" or "d1"; unset means Postgres when a HYPERDRIVE binding exists, else D1. */
  STORE_ENGINE?: string;
}

/** Which engine this deployment stores in. */
export function storeEngine(env: Env): "postgres" | "d1" {
  const e = env as Env & EngineEnv;
  const engine = e.STORE_ENGINE || (e.HYPERDRIVE ? "postgres" : "d1");
  if (engine !== "postgres" && engine !== "d1") throw new Error(`STORE_ENGINE must be "postgres" or "d1", not "${engine}"`);
  if (engine === "postgres" && !e.HYPERDRIVE) throw new Error("STORE_ENGINE=postgres needs a HYPERDRIVE binding");
  return engine;
}

/**
 * The one way the Worker, the queues and the cron open a store, so choosing an engine happens here
 * only: D1 by default, Postgres through Hyperdrive when the deployment binds one (see storeEngine).
 * @example const store = openStore(env); await store.companies.bySlug("demo");
 */
export function openStore(env: Env): Store {
  if (storeEngine(env) === "postgres") {
    // A new client each time: callers open one store per request, batch or cron run, and workerd
    // forbids a request to use a socket another request opened (Hyperdrive does the pooling).
    return createPostgresStore((env as Env & EngineEnv).HYPERDRIVE?.connectionString ?? "");
  }
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
