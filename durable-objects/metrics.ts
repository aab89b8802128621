import { DurableObject } from "cloudflare:workers";
import type { AggregateSnapshot, MetricsPush } from "../src/metrics/push";

const SCHEMA = [
  // One row per (owner, series): counters and gauges fill `value`, histograms `counts`/`sum`/`count`.
  `CREATE TABLE IF NOT EXISTS series (owner TEXT NOT NULL, metric TEXT NOT NULL, labels TEXT NOT NULL, value REAL, counts TEXT, sum REAL, count INTEGER, seq INTEGER NOT NULL, PRIMARY KEY (owner, metric, labels)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS pushes (owner TEXT PRIMARY KEY, seq INTEGER NOT NULL, pushed_at INTEGER NOT NULL, idle INTEGER NOT NULL)`,
];

/**
 * The metrics aggregate, one for the deployment: every tenant DO pushes its changed series here
 * (src/metrics/push.ts) and GET /metrics reads them back in two queries, whatever the tenant count.
 * Values are absolute and each row keeps the change number that wrote it, so a push retried, doubled
 * or finishing after a newer one never moves a series back. A push is one statement per table.
 */
export class MetricsDO extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => {
      for (const stmt of SCHEMA) this.sql.exec(stmt);
    });
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  async push(p: MetricsPush): Promise<void> {
    const rows = [
      ...p.counters.map((c) => ({ m: c.metric, l: c.labels, v: c.value, q: c.seq })),
      ...p.gauges.map((g) => ({ m: g.metric, l: g.labels, v: g.value, q: p.seq })),
      ...p.histograms.map((h) => ({ m: h.metric, l: h.labels, c: h.counts, s: h.sum, n: h.count, q: h.seq })),
    ];
    this.ctx.storage.transactionSync(() => {
      if (rows.length > 0)
        this.sql.exec(
          `INSERT INTO series (owner, metric, labels, value, counts, sum, count, seq)
           SELECT ?1, v ->> '$.m', v ->> '$.l', v ->> '$.v', v ->> '$.c', v ->> '$.s', v ->> '$.n', v ->> '$.q' FROM (SELECT value AS v FROM json_each(?2)) WHERE true
           ON CONFLICT (owner, metric, labels) DO UPDATE SET value = excluded.value, counts = excluded.counts, sum = excluded.sum, count = excluded.count, seq = excluded.seq
           WHERE excluded.seq >= series.seq`,
          p.owner,
          JSON.stringify(rows),
        );
      this.sql.exec(
        `INSERT INTO pushes (owner, seq, pushed_at, idle) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (owner) DO UPDATE SET pushed_at = excluded.pushed_at,
           idle = CASE WHEN excluded.seq >= pushes.seq THEN excluded.idle ELSE pushes.idle END, seq = max(pushes.seq, excluded.seq)`,
        p.owner,
        p.seq,
        Date.now(),
        p.idle ? 1 : 0,
      );
    });
  }

  async snapshot(): Promise<AggregateSnapshot> {
    // One JSON string built by SQLite instead of a row object per series: at 1,000 tenants that is 50k
    // objects fewer to copy over RPC (the Worker parses it with one JSON.parse).
    const series =
      this.sql.exec<{ rows: string | null }>(`SELECT json_group_array(json_array(owner, metric, labels, value, counts, sum, count)) AS rows FROM series`).toArray()[0]?.rows ??
      "[]";
    const pushes = this.sql
      .exec<{ owner: string; pushed_at: number; idle: number }>(`SELECT owner, pushed_at, idle FROM pushes`)
      .toArray()
      .map((r) => ({ owner: r.owner, pushedAt: r.pushed_at, idle: r.idle === 1 }));
    return { series, pushes };
  }
}
