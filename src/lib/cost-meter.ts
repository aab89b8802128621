/**
 * What a message costs, counted for bench/ only (COST_METER=true): Durable Object RPCs, SQLite
 * statements inside the DO, D1 statements and round trips, queue sends. Off in production — the
 * wrappers are not even installed — and the counts live in the isolate, which is enough for one
 * local wrangler dev (bench/webhook.mjs reads them through GET /__bench/costs).
 */

export interface Costs {
  doRpc: number;
  sqlite: number;
  d1Statements: number;
  d1RoundTrips: number;
  queueSendCalls: number;
  queueMessages: number;
}

export const costs: Costs = { doRpc: 0, sqlite: 0, d1Statements: 0, d1RoundTrips: 0, queueSendCalls: 0, queueMessages: 0 };

export function resetCosts(): void {
  for (const k of Object.keys(costs) as (keyof Costs)[]) costs[k] = 0;
}

export const metering = (env: { COST_METER?: string }) => env.COST_METER === "true";

const wrapped = new WeakMap<object, Env>();

/** The same env with its bindings counted, when metering is on; the env itself otherwise. */
export function metered(env: Env): Env {
  if (!metering(env)) return env;
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
