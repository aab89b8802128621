/**
 * The metrics push: each tenant's Durable Object sends the series that changed (absolute values, so a
 * retried or duplicated push is harmless) to one aggregate, the MetricsDO; a scrape reads that one
 * object instead of asking every tenant. The wire types both sides use live here.
 */

/** A tenant DO pushes this long after its first change (later changes ride along, they don't postpone it). */
export const PUSH_DELAY_MS = 5_000;
/** While a tenant is active it also pushes this often with no change, so a stale timestamp means failing pushes. */
export const HEARTBEAT_MS = 15 * 60_000;
/** After this long without a change (and nothing waiting) a tenant pushes once more, flagged idle, and stops waking up. */
export const IDLE_AFTER_MS = 24 * 3_600_000;
/** An open breaker turns half-open with time, not with a call: pushed this often while one is open. */
export const OPEN_BREAKER_PUSH_MS = 30_000;

/** One series; `labels` is the JSON of the label set with sorted keys (sql-metrics' labelKey). */
export interface PushedCounter {
  metric: string;
  labels: string;
  value: number;
  seq: number;
}
export interface PushedHistogram {
  metric: string;
  labels: string;
  /** JSON array: non-cumulative counts per catalogue bucket, +Inf last. */
  counts: string;
  sum: number;
  count: number;
  seq: number;
}

export interface MetricsPush {
  /** The pushing object's name: `company:<id>` or `~unattributed` (tenants/stubs.ts). */
  owner: string;
  /** The tenant's change number this push includes everything up to. */
  seq: number;
  counters: PushedCounter[];
  histograms: PushedHistogram[];
  /** Point-in-time values (breaker state, inbound backlog): all of them, every push. */
  gauges: { metric: string; labels: string; value: number }[];
  /** Nothing changed for IDLE_AFTER_MS and nothing is waiting: no heartbeat follows this push. */
  idle: boolean;
}

/**
 * What a scrape reads from the aggregate: per family, the sample lines of every owner the scrape
 * named, company labels filled in (src/metrics/chunks.ts). Families without samples are absent.
 */
export type AggregateExposition = Record<string, string>;

/**
 * The same lines as gzip members (src/metrics/gzip.ts), all in one buffer so RPC copies one array:
 * per family, where its members start and end in `bytes`.
 */
export interface AggregateGzipExposition {
  bytes: Uint8Array<ArrayBuffer>;
  families: Record<string, { start: number; end: number }>;
}

/** The one aggregate (a singleton: pushes are small and a scrape is one call to it). */
export const metricsStub = (env: Env) => env.METRICS.get(env.METRICS.idFromName("metrics"));
