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

export const pgCtx = (client: postgres.Sql): PgCtx => ({ db: drizzle(preparing(client), { schema: s }) });

type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * The client as drizzle sees it, with every statement that has parameters sent as a named prepared
 * statement. drizzle asks Postgres.js for unnamed ones (`prepare: false` unless a query is named),
 * and Postgres.js sends each of those with a describe round trip first, every time; a named one is
 * described once per connection, then runs in one round trip (Bind + Execute). Hyperdrive supports
 * named prepared statements (Postgres.js's default). Statements without parameters stay unnamed:
 * they already take one round trip, and their text (inlined values) seldom repeats.
 */
function preparing<T extends Sql>(client: T): T {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      if (prop === "unsafe")
        return (query: string, params?: unknown[], opts?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, params as postgres.ParameterOrJSON<never>[], { ...opts, prepare: (params?.length ?? 0) > 0 });
      // A transaction's (and a savepoint's) statements go through the sql handed to its callback.
      if (prop === "begin" || prop === "savepoint")
        return (...args: unknown[]) => {
          const body = args.pop() as (tx: postgres.TransactionSql) => unknown;
          return (value as (...a: unknown[]) => unknown).apply(target, [...args, (tx: postgres.TransactionSql) => body(preparing(tx))]);
        };
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
