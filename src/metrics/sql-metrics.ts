import { familyByName } from "./catalogue";
import { bucketIndex, type MetricSnapshot } from "./snapshot";

/** A counter increment or a histogram observation, as recorded by any part of the Worker. */
export type MetricEvent = { metric: string; labels: Record<string, string>; inc: number } | { metric: string; labels: Record<string, string>; observe: number };

const labelKey = (labels: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))));

/**
 * Counters and histograms kept in a Durable Object's SQLite storage, so counts are exact across
 * isolates and survive restarts (prom-client style per-isolate globals would not be).
 */
export class SqlMetrics {
  constructor(private readonly sql: SqlStorage) {}

  static readonly schema = [
    `CREATE TABLE IF NOT EXISTS metric_counters (metric TEXT NOT NULL, labels TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (metric, labels))`,
    `CREATE TABLE IF NOT EXISTS metric_histograms (metric TEXT NOT NULL, labels TEXT NOT NULL, counts TEXT NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (metric, labels))`,
  ];

  /** Events of a whole batch: summed per series first, so one statement per series, not per event. */
  record(events: readonly MetricEvent[]): void {
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
    for (const c of counters.values()) {
      this.sql.exec(
        `INSERT INTO metric_counters (metric, labels, value) VALUES (?, ?, ?)
         ON CONFLICT (metric, labels) DO UPDATE SET value = value + excluded.value`,
        c.metric,
        c.key,
        c.inc,
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
        `INSERT INTO metric_histograms (metric, labels, counts, sum, count) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (metric, labels) DO UPDATE SET counts = excluded.counts, sum = sum + excluded.sum, count = count + excluded.count`,
        h.metric,
        h.key,
        JSON.stringify(counts),
        sum,
        h.values.length,
      );
    }
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
