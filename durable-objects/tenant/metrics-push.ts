/**
 * The tenant side of the metrics push (src/metrics/push.ts): what to send and when to send next. A
 * change plans a push PUSH_DELAY_MS later; an active tenant also sends a heartbeat; a tenant idle for
 * a day sends one last push flagged idle and no longer wakes up for metrics.
 */
import { labelKey, type SqlMetrics } from "../../src/metrics/sql-metrics";
import { HEARTBEAT_MS, IDLE_AFTER_MS, type MetricsPush, OPEN_BREAKER_PUSH_MS, PUSH_DELAY_MS } from "../../src/metrics/push";
import type { Scheduler } from "./scheduler";

export const PUSH_KEY = "metrics";

type Gauge = { metric: string; labels: Record<string, string>; value: number };

/** Plans a push soon, unless one is already planned sooner (a steady stream of changes never postpones it). */
export function planPush(scheduler: Scheduler, now: number): void {
  scheduler.atMost(PUSH_KEY, "metrics", now + PUSH_DELAY_MS);
}

/** Gauges the tenant DO itself knows: its breakers and the turns waiting on its lanes. */
export function tenantGauges(sql: SqlStorage, breakers: Gauge[]): Gauge[] {
  const waiting = sql.exec<{ n: number }>(`SELECT count(DISTINCT contact) AS n FROM pending`).one().n;
  return [...breakers, { metric: "secretaria_queue_backlog", labels: { queue: "inbound" }, value: waiting }];
}

/** Everything changed since the last successful push (everything with `full`), plus all gauges. */
export function buildPush(owner: string, metrics: SqlMetrics, gauges: Gauge[], now: number, full: boolean): MetricsPush {
  const state = metrics.state();
  const changed = metrics.changedSince(full ? 0 : state.pushedSeq);
  return {
    owner,
    seq: changed.seq,
    counters: changed.counters,
    histograms: changed.histograms,
    gauges: gauges.map((g) => ({ metric: g.metric, labels: labelKey(g.labels), value: g.value })),
    idle: isIdle(state.changedAt, gauges, now),
  };
}

const isIdle = (changedAt: number, gauges: Gauge[], now: number) => now - changedAt >= IDLE_AFTER_MS && gauges.every((g) => g.value === 0);

/** After a push: the next one soon if something changed meanwhile, else a heartbeat, else none (idle). */
export function planAfterPush(scheduler: Scheduler, metrics: SqlMetrics, sent: MetricsPush, gauges: Gauge[], now: number): void {
  const state = metrics.state();
  if (state.seq > sent.seq) scheduler.put(PUSH_KEY, "metrics", now + PUSH_DELAY_MS);
  else if (gauges.some((g) => g.metric === "secretaria_llm_breaker_state" && g.value === 2)) scheduler.put(PUSH_KEY, "metrics", now + OPEN_BREAKER_PUSH_MS);
  else if (!sent.idle) scheduler.put(PUSH_KEY, "metrics", now + HEARTBEAT_MS);
  else scheduler.remove([PUSH_KEY]);
}
