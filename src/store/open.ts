import { createD1Store } from "./d1";
import type { Store } from "./types";

/** The deployment's store: D1 today (the next engine, Postgres through Hyperdrive, plugs in here). */
export const openStore = (env: Env): Store => createD1Store(env.DB);
