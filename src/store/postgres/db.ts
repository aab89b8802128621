import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { meterPgSocket } from "../../lib/cost-meter";
import * as s from "./schema";
import { workerSocket } from "./socket";

/** What every Postgres repository is built from: one drizzle handle over one Postgres.js client. */
export interface PgCtx {
  db: PostgresJsDatabase<typeof s>;
}

/**
 * One client per store (openStore builds a store per request, queue batch or cron run): workerd does
 * not let a request use a socket another request opened, and Hyperdrive pools the real connections,
 * so a client per request costs a local handshake, not a database one. `max: 5` stays under the
 * Worker's 6 simultaneous connections; `fetch_types: false` skips a catalog round trip per client
 * (the engine uses no custom types). The socket is ours (socket.ts), so closing one is quiet; bench/
 * counts what goes through it (COST_METER=true only: otherwise meterPgSocket returns it unchanged).
 */
export function pgClient(connectionString: string, opts: { max?: number } = {}) {
  // `socket` is a documented Postgres.js option its type declarations leave out.
  const options: postgres.Options<Record<string, never>> & { socket: typeof workerSocket } = {
    max: opts.max ?? 5,
    fetch_types: false,
    // Idle connections close after 2 s: a request's queries come in bursts, and Hyperdrive keeps the real ones warm.
    idle_timeout: 2,
    socket: meterPgSocket(workerSocket),
    onnotice: () => {},
  };
  return postgres(connectionString, options);
}

export const pgCtx = (client: postgres.Sql): PgCtx => ({ db: drizzle(client, { schema: s }) });
