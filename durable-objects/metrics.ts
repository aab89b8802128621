import { DurableObject } from "cloudflare:workers";
import { log } from "../src/lib/log";
import { ChunkCache } from "../src/metrics/chunk-cache";
import { CHUNK_FORMAT, LAST_PUSH_FAMILY, lastPushBlocks, renderChunks, type StoredSeries } from "../src/metrics/chunks";
import { GzipMemo, packMembers } from "../src/metrics/gzip";
import type { AggregateExposition, AggregateGzipExposition, MetricsPush } from "../src/metrics/push";

const SCHEMA = [
  // One row per (owner, series): counters and gauges fill `value`, histograms `counts`/`sum`/`count`.
  `CREATE TABLE IF NOT EXISTS series (owner TEXT NOT NULL, metric TEXT NOT NULL, labels TEXT NOT NULL, value REAL, counts TEXT, sum REAL, count INTEGER, seq INTEGER NOT NULL, PRIMARY KEY (owner, metric, labels)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS pushes (owner TEXT PRIMARY KEY, seq INTEGER NOT NULL, pushed_at INTEGER NOT NULL, idle INTEGER NOT NULL)`,
  // Per (family, owner): that owner's sample lines, company label left as COMPANY_SLOT (src/metrics/chunks.ts).
  `CREATE TABLE IF NOT EXISTS chunks (metric TEXT NOT NULL, owner TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (owner, metric)) WITHOUT ROWID`,
  // `format`: the CHUNK_FORMAT the chunks were rendered with.
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
];

const SERIES_COLUMNS = "metric, labels, value, counts, sum, count";
const onDrop = (metric: string, reason: string) => log.warn("metrics sample dropped", { metric, reason });

/**
 * The metrics aggregate, one for the deployment: every tenant DO pushes its changed series here
 * (src/metrics/push.ts) and GET /metrics reads them back in one call, whatever the tenant count.
 * Values are absolute and each row keeps the change number that wrote it, so a push retried, doubled
 * or finishing after a newer one never moves a series back. A push also re-renders the owner's
 * lines of the families it touched, from the stored rows (so a stale push renders the same text):
 * a scrape then concatenates text (kept in memory too), or the gzip members of that text compressed
 * when it last changed, instead of parsing, rendering and compressing every series.
 */
export class MetricsDO extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** The chunks table in memory: what a scrape reads (src/metrics/chunks.ts). */
  private readonly cache = new ChunkCache();
  /** The last-push gauge's members per block: it is rendered per scrape, compressed only when it changed. */
  private readonly lastPushMembers = new GzipMemo();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => this.start());
  }

  /** The schema, the chunks re-rendered if this deploy renders them differently, and the cache filled. */
  private start(): void {
    for (const stmt of SCHEMA) this.sql.exec(stmt);
    const format = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'format'`).toArray()[0]?.value;
    if (format !== CHUNK_FORMAT) this.rerenderAll();
    for (const r of this.sql.exec<{ metric: string; owner: string; text: string }>(`SELECT metric, owner, text FROM chunks`)) this.cache.set(r.metric, r.owner, r.text);
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
    const chunks = this.ctx.storage.transactionSync(() => {
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
      return this.rerender(p.owner, [...new Set(rows.map((r) => r.m))]);
    });
    // Only once committed: the cache never shows what storage does not hold.
    for (const [metric, text] of chunks) this.cache.set(metric, p.owner, text);
  }

  /**
   * Every family's lines for the owners named in `labels` (owner → escaped company label), from the
   * chunks in memory with the labels put in, plus the last-push timestamps of the owners that are
   * not idle. Owners not named (deleted tenants) are left out.
   */
  async exposition(labels: Record<string, string>): Promise<AggregateExposition> {
    const out = this.cache.exposition(labels);
    const last = lastPushBlocks(this.activePushes(), labels)
      .map(([, text]) => text)
      .join("");
    if (last !== "") out[LAST_PUSH_FAMILY] = last;
    return out;
  }

  /** The same lines as `exposition`, as gzip members compressed when their text last changed (src/metrics/gzip.ts). */
  async gzipExposition(labels: Record<string, string>): Promise<AggregateGzipExposition> {
    const out = this.cache.gzipExposition(labels);
    const last = lastPushBlocks(this.activePushes(), labels).map(([block, text]) => this.lastPushMembers.member(String(block), text));
    this.lastPushMembers.endRound();
    if (last.length > 0) out[LAST_PUSH_FAMILY] = last;
    return packMembers(out);
  }

  /** Absent while a tenant is idle (it said so in its last push): only tenants expected to push go stale. */
  private activePushes(): { owner: string; pushed_at: number }[] {
    return this.sql.exec<{ owner: string; pushed_at: number }>(`SELECT owner, pushed_at FROM pushes WHERE idle = 0 ORDER BY owner`).toArray();
  }

  /**
   * The owner's chunks of `metrics` rendered again from its stored series (none left: the chunk
   * goes). Only those whose text changed are written: a heartbeat, or a gauge that stayed put, costs
   * no row write.
   */
  private rerender(owner: string, metrics: string[]): [metric: string, text: string | undefined][] {
    if (metrics.length === 0) return [];
    const rows = this.sql
      .exec<StoredSeries>(`SELECT ${SERIES_COLUMNS} FROM series WHERE owner = ?1 AND metric IN (SELECT value FROM json_each(?2))`, owner, JSON.stringify(metrics))
      .toArray();
    const chunks = renderChunks(rows, onDrop);
    const changed: [metric: string, text: string | undefined][] = [];
    for (const metric of metrics) {
      const text = chunks.get(metric);
      if (text === this.cache.get(metric, owner)) continue;
      if (text === undefined) this.sql.exec(`DELETE FROM chunks WHERE owner = ? AND metric = ?`, owner, metric);
      else this.sql.exec(`INSERT OR REPLACE INTO chunks (owner, metric, text) VALUES (?, ?, ?)`, owner, metric, text);
      changed.push([metric, text]);
    }
    return changed;
  }

  /** Every chunk again: on first start after a deploy that changed the catalogue or the line format. */
  private rerenderAll(): void {
    const owners = this.ctx.storage.transactionSync(() => {
      this.sql.exec(`DELETE FROM chunks`);
      const byOwner = new Map<string, StoredSeries[]>();
      for (const r of this.sql.exec<StoredSeries & { owner: string }>(`SELECT owner, ${SERIES_COLUMNS} FROM series`)) {
        const list = byOwner.get(r.owner) ?? [];
        list.push(r);
        byOwner.set(r.owner, list);
      }
      for (const [owner, rows] of byOwner)
        for (const [metric, text] of renderChunks(rows, onDrop)) this.sql.exec(`INSERT INTO chunks (owner, metric, text) VALUES (?, ?, ?)`, owner, metric, text);
      this.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('format', ?)`, CHUNK_FORMAT);
      return byOwner.size;
    });
    if (owners > 0) log.info("metrics chunks re-rendered for a new catalogue or line format", { owners });
  }
}
