import { familyByName } from "./catalogue";
import { bucketIndex, type MetricSnapshot } from "./snapshot";

/** A counter increment or a histogram observation, as recorded by any part of the Worker. */
export type MetricEvent = { metric: string; labels: Record<string, string>; inc: number } | { metric: string; labels: Record<string, string>; observe: number };

/** A label set as stored and pushed: JSON with sorted keys, so key order never splits a series. */
export const labelKey = (labels: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))));

/** Series changed since a push: absolute values, each with the change number that last touched it. */
export interface ChangedSeries {
  counters: { metric: string; labels: string; value: number; seq: number }[];
  histograms: { metric: string; labels: string; counts: string; sum: number; count: number; seq: number }[];
  /** The highest change number included: pass it to `pushed` once the aggregate has them. */
  seq: number;
}

/**
 * Counters and histograms kept in a Durable Object's SQLite storage, so counts are exact across
 * isolates and survive restarts (prom-client style per-isolate globals would not be). Each write
 * stamps its series with a change number, so a push ships only what changed since the last one
 * (absolute values: a retried or duplicated push changes nothing).
 */
export class SqlMetrics {
  constructor(private readonly sql: SqlStorage) {}

  static readonly schema = [
    `CREATE TABLE IF NOT EXISTS metric_counters (metric TEXT NOT NULL, labels TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (metric, labels))`,
    `CREATE TABLE IF NOT EXISTS metric_histograms (metric TEXT NOT NULL, labels TEXT NOT NULL, counts TEXT NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (metric, labels))`,
  ];

  /** Added to the tenant DO's schema (v5): the change numbers behind the metrics push. */
  static readonly pushSchema = [
    `ALTER TABLE metric_counters ADD COLUMN seq INTEGER NOT NULL DEFAULT 1`,
    `ALTER TABLE metric_histograms ADD COLUMN seq INTEGER NOT NULL DEFAULT 1`,
    `CREATE TABLE metric_push (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, pushed_seq INTEGER NOT NULL, changed_at INTEGER NOT NULL)`,
    // Existing series (seq 1) count as not yet pushed.
    `INSERT INTO metric_push (id, seq, pushed_seq, changed_at) VALUES (1, 1, 0, 0)`,
  ];

  /**
   * Events of a whole batch: summed per series first, so one statement per series, not per event.
   * Returns whether anything changed (the caller then plans a push).
   */
  record(events: readonly MetricEvent[], now = Date.now()): boolean {
    const counters = new Map<string, { metric: string; key: string; inc: number }>();
    const observed = new Map<string, { metric: string; key: string; buckets: readonly number[]; values: number[] }>();
    for (const e of events) {
      const family = familyByName(e.metric);
      if (!family) continue; // an undeclared metric is a programming error; never let it break a request
      const key = labelKey(e.labels);
      const id = `${e.metric}\u0000${key}`;
      if ("inc" in e) {
        if (!(e.inc > 0)) continue;
        const c = counters.get(id) ?? { metric: e.metric, key, inc: 0 };
        c.inc += e.inc;
        counters.set(id, c);
      } else {
        const h = observed.get(id) ?? { metric: e.metric, key, buckets: family.buckets ?? [], values: [] };
        h.values.push(Number.isFinite(e.observe) ? Math.max(0, e.observe) : 0);
        observed.set(id, h);
      }
    }
    if (counters.size === 0 && observed.size === 0) return false;
    const seq = this.nextSeq(now);
    for (const c of counters.values()) {
      this.sql.exec(
        `INSERT INTO metric_counters (metric, labels, value, seq) VALUES (?, ?, ?, ?)
         ON CONFLICT (metric, labels) DO UPDATE SET value = value + excluded.value, seq = excluded.seq`,
        c.metric,
        c.key,
        c.inc,
        seq,
      );
    }
    for (const h of observed.values()) {
      const row = this.sql
        .exec<{ counts: string; sum: number; count: number }>(`SELECT counts, sum, count FROM metric_histograms WHERE metric = ? AND labels = ?`, h.metric, h.key)
        .toArray()[0];
      const counts: number[] = row ? (JSON.parse(row.counts) as number[]) : new Array<number>(h.buckets.length + 1).fill(0);
      for (const v of h.values) {
        const i = bucketIndex(h.buckets, v);
        counts[i] = (counts[i] ?? 0) + 1;
      }
      const sum = h.values.reduce((a, b) => a + b, 0);
      this.sql.exec(
        `INSERT INTO metric_histograms (metric, labels, counts, sum, count, seq) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (metric, labels) DO UPDATE SET counts = excluded.counts, sum = sum + excluded.sum, count = count + excluded.count, seq = excluded.seq`,
        h.metric,
        h.key,
        JSON.stringify(counts),
        sum,
        h.values.length,
        seq,
      );
    }
    return true;
  }

  /** Series written after change `since` (all of them with 0), with their absolute values. */
  changedSince(since: number): ChangedSeries {
    const seq = this.state().seq;
    const counters = this.sql
      .exec<{ metric: string; labels: string; value: number; seq: number }>(`SELECT metric, labels, value, seq FROM metric_counters WHERE seq > ?`, since)
      .toArray();
    const histograms = this.sql
      .exec<{ metric: string; labels: string; counts: string; sum: number; count: number; seq: number }>(
        `SELECT metric, labels, counts, sum, count, seq FROM metric_histograms WHERE seq > ?`,
        since,
      )
      .toArray();
    return { counters, histograms, seq };
  }

  /** What the push needs to know: the last change number, the last one the aggregate has, and when it last changed. */
  state(): { seq: number; pushedSeq: number; changedAt: number } {
    const row = this.sql.exec<{ seq: number; pushed_seq: number; changed_at: number }>(`SELECT seq, pushed_seq, changed_at FROM metric_push WHERE id = 1`).toArray()[0];
    return { seq: row?.seq ?? 0, pushedSeq: row?.pushed_seq ?? 0, changedAt: row?.changed_at ?? 0 };
  }

  /** The aggregate holds everything up to change `seq` (never moves back: pushes may finish out of order). */
  pushed(seq: number): void {
    this.sql.exec(`UPDATE metric_push SET pushed_seq = max(pushed_seq, ?) WHERE id = 1`, seq);
  }

  private nextSeq(now: number): number {
    return this.sql
      .exec<{ seq: number }>(
        `INSERT INTO metric_push (id, seq, pushed_seq, changed_at) VALUES (1, 1, 0, ?1)
         ON CONFLICT (id) DO UPDATE SET seq = seq + 1, changed_at = ?1 RETURNING seq`,
        now,
      )
      .one().seq;
  }

  snapshot(): MetricSnapshot {
    const counters = this.sql
      .exec<{ metric: string; labels: string; value: number }>(`SELECT metric, labels, value FROM metric_counters`)
      .toArray()
      .map((r) => ({ metric: r.metric, labels: JSON.parse(r.labels) as Record<string, string>, value: r.value }));
    const histograms = this.sql
      .exec<{ metric: string; labels: string; counts: string; sum: number; count: number }>(`SELECT metric, labels, counts, sum, count FROM metric_histograms`)
      .toArray()
      .map((r) => ({
        metric: r.metric,
        labels: JSON.parse(r.labels) as Record<string, string>,
        bucketCounts: JSON.parse(r.counts) as number[],
        sum: r.sum,
        count: r.count,
      }));
    return { counters, histograms };
  }
}
