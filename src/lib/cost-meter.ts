import type { EventEmitter } from "node:events";

/**
 * What a message costs, counted for bench/ only (COST_METER=true): Durable Object RPCs, SQLite
 * statements inside the DO, D1 statements and round trips, Postgres statements, round trips and
 * connections, queue sends. Off in production — the wrappers are not even installed — and the
 * counts live in the isolate, which is enough for one local wrangler dev (bench/webhook.mjs reads
 * them through GET /__bench/costs).
 */

export interface Costs {
  doRpc: number;
  sqlite: number;
  d1Statements: number;
  d1RoundTrips: number;
  /** Statements sent to Postgres (Execute or simple Query messages: BEGIN and COMMIT included). */
  pgStatements: number;
  /** Times a Postgres connection sent something after it had heard back: pipelined messages share one. */
  pgRoundTrips: number;
  /** Postgres connections opened (each one a TCP connect and a startup exchange). */
  pgConnections: number;
  queueSendCalls: number;
  queueMessages: number;
}

export const costs: Costs = {
  doRpc: 0,
  sqlite: 0,
  d1Statements: 0,
  d1RoundTrips: 0,
  pgStatements: 0,
  pgRoundTrips: 0,
  pgConnections: 0,
  queueSendCalls: 0,
  queueMessages: 0,
};

export function resetCosts(): void {
  for (const k of Object.keys(costs) as (keyof Costs)[]) costs[k] = 0;
}

export const metering = (env: { COST_METER?: string }) => env.COST_METER === "true";

const wrapped = new WeakMap<object, Env>();

// Postgres clients are built from a connection string, not from env: once a metered env has been
// seen in this isolate, meterPgSocket counts their sockets too.
let pgMetering = false;

/** The same env with its bindings counted, when metering is on; the env itself otherwise. */
export function metered(env: Env): Env {
  if (!metering(env)) return env;
  pgMetering = true;
  const hit = wrapped.get(env);
  if (hit) return hit;
  const out = Object.create(env) as Env;
  Object.assign(out, {
    DB: meterD1(env.DB),
    TENANT: meterNamespace(env.TENANT),
    METRICS: meterNamespace(env.METRICS),
    INBOUND_QUEUE: meterQueue(env.INBOUND_QUEUE),
    OUTBOUND_QUEUE: meterQueue(env.OUTBOUND_QUEUE),
    JOBS_QUEUE: meterQueue(env.JOBS_QUEUE),
  });
  wrapped.set(env, out);
  return out;
}

/** Counts every statement the DO runs (its `sql.exec`). */
export function meterSql(sql: SqlStorage): SqlStorage {
  return new Proxy(sql, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === "exec" && typeof value === "function")
        return (...args: unknown[]) => {
          costs.sqlite++;
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        };
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function meterQueue(queue: Queue): Queue {
  return {
    send: (body: unknown, opts?: QueueSendOptions) => {
      costs.queueSendCalls++;
      costs.queueMessages++;
      return queue.send(body, opts);
    },
    sendBatch: (messages: Iterable<MessageSendRequest>, opts?: QueueSendBatchOptions) => {
      const list = [...messages];
      costs.queueSendCalls++;
      costs.queueMessages += list.length;
      return queue.sendBatch(list, opts);
    },
  } as Queue;
}

function meterNamespace<T extends object>(ns: T): T {
  return new Proxy(ns, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === "get" && typeof value === "function")
        return (...args: unknown[]) => {
          const stub = Reflect.apply(value as (...a: unknown[]) => object, target, args);
          return new Proxy(stub, {
            get(s, method) {
              const fn = Reflect.get(s, method) as unknown;
              if (typeof fn !== "function" || typeof method !== "string" || method === "then") return fn;
              return (...a: unknown[]) => {
                costs.doRpc++;
                return Reflect.apply(fn as (...x: unknown[]) => unknown, s, a);
              };
            },
          });
        };
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function meterD1(db: D1Database): D1Database {
  const originals = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== "function") return value;
        if (prop === "bind") return (...args: unknown[]) => wrap(Reflect.apply(value as (...a: unknown[]) => D1PreparedStatement, target, args));
        if (prop === "run" || prop === "all" || prop === "first" || prop === "raw")
          return (...args: unknown[]) => {
            costs.d1Statements++;
            costs.d1RoundTrips++;
            return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
          };
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
    originals.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      if (prop === "prepare") return (q: string) => wrap(target.prepare(q));
      if (prop === "batch")
        return (stmts: D1PreparedStatement[]) => {
          costs.d1Statements += stmts.length;
          costs.d1RoundTrips++;
          return target.batch(stmts.map((s) => originals.get(s) ?? s));
        };
      if (prop === "exec")
        return (q: string) => {
          costs.d1Statements++;
          costs.d1RoundTrips++;
          return target.exec(q);
        };
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

/** A socket as Postgres.js uses it: an emitter of "data" with a `write`. */
type PgSocket = EventEmitter & { write(data: Uint8Array, cb?: () => void): boolean };

/**
 * Postgres.js's `socket` option, counted: statements, round trips and connections (see Costs), read
 * off the frontend messages it writes (type byte + int32 length; the first one, the startup
 * message, has no type byte). The factory itself when no metered env was seen in this isolate.
 */
export function meterPgSocket<O, S extends EventEmitter>(open: (options: O) => Promise<S>): (options: O) => Promise<S> {
  if (!pgMetering) return open;
  return async (options) => {
    const opened = await open(options);
    const socket = opened as S & PgSocket;
    costs.pgConnections++;
    let awaitingAnswer = false;
    const readTypes = frontendTypes();
    socket.on("data", () => {
      awaitingAnswer = false;
    });
    const write = socket.write.bind(socket);
    socket.write = (data, cb) => {
      const types = readTypes(data);
      costs.pgStatements += types.filter((t) => t === EXECUTE || t === QUERY).length;
      // Terminate expects no answer: closing a connection is not a round trip.
      const expectsAnswer = types.length === 0 || types.some((t) => t !== TERMINATE);
      if (expectsAnswer && !awaitingAnswer) costs.pgRoundTrips++;
      if (expectsAnswer) awaitingAnswer = true;
      return write(data, cb);
    };
    return opened;
  };
}

const EXECUTE = 0x45; // 'E'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** The message types in each chunk a connection writes, with messages allowed to span chunks. */
function frontendTypes(): (chunk: Uint8Array) => number[] {
  const header = new Uint8Array(5);
  let have = 0;
  let skip = 0;
  let startup = true;
  return (chunk) => {
    const types: number[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      header[have++] = chunk[i++] as number;
      const size = startup ? 4 : 5;
      if (have < size) continue;
      const length = new DataView(header.buffer).getInt32(startup ? 0 : 1);
      if (!startup) types.push(header[0] as number);
      skip = length - 4;
      have = 0;
      startup = false;
    }
    return types;
  };
}
