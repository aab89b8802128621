import { DurableObject } from "cloudflare:workers";
import { log } from "../src/lib/log";
import { ChunkCache } from "../src/metrics/chunk-cache";
import { CHUNK_FORMAT, LAST_PUSH_FAMILY, lastPushBlocks, renderChunks, type StoredSeries } from "../src/metrics/chunks";
import { GzipMemo, packMembers } from "../src/metrics/gzip";
import type { AggregateExposition, AggregateGzipExposition, MetricsPush } from "../src/metrics/push";
import { ROW_COUNTS_EVERY_MS, ROW_FAMILIES, type StoreGaugePush } from "../src/metrics/store-gauges";

const SCHEMA = [
  // One row per (owner, series): counters and gauges fill `value`, histograms `counts`/`sum`/`count`.
  `CREATE TABLE IF NOT EXISTS series (owner TEXT NOT NULL, metric TEXT NOT NULL, labels TEXT NOT NULL, value REAL, counts TEXT, sum REAL, count INTEGER, seq INTEGER NOT NULL, PRIMARY KEY (owner, metric, labels)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS pushes (owner TEXT PRIMARY KEY, seq INTEGER NOT NULL, pushed_at INTEGER NOT NULL, idle INTEGER NOT NULL)`,
  // Per (family, owner): that owner's sample lines, company label left as COMPANY_SLOT (src/metrics/chunks.ts).
  `CREATE TABLE IF NOT EXISTS chunks (metric TEXT NOT NULL, owner TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (owner, metric)) WITHOUT ROWID`,
  // The gauges from stored rows, replaced per family by the minute cron (src/metrics/store-gauges.ts).
  `CREATE TABLE IF NOT EXISTS store_series (owner TEXT NOT NULL, metric TEXT NOT NULL, labels TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (owner, metric, labels)) WITHOUT ROWID`,
  // Owner → escaped company label, as the minute cron last pushed them: a scrape labels its lines with these.
  `CREATE TABLE IF NOT EXISTS owner_labels (owner TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID`,
  // `format`: the CHUNK_FORMAT the chunks were rendered with; `rows_counted_at`: the last row counts' refresh.
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
];

const SERIES_COLUMNS = "metric, labels, value, counts, sum, count";
/** An owner's series of both sources: the tenant's pushes and the store's gauges (distinct families, or distinct labels). */
const OWNER_SERIES = `SELECT ${SERIES_COLUMNS} FROM series WHERE owner = ?1 AND metric IN (SELECT value FROM json_each(?2))
  UNION ALL SELECT metric, labels, value, NULL, NULL, NULL FROM store_series WHERE owner = ?1 AND metric IN (SELECT value FROM json_each(?2))`;
const ALL_SERIES = `SELECT owner, ${SERIES_COLUMNS} FROM series UNION ALL SELECT owner, metric, labels, value, NULL, NULL, NULL FROM store_series`;
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
  /** Bumped by every committed push: the last-push gauge's lines are rendered again only after one. */
  private pushesVersion = 0;
  private lastPush: { version: number; labels: Readonly<Record<string, string>>; blocks: [block: number, text: string][] } | undefined;
  /** The owner_labels table in memory; undefined until the first refresh pushed any. */
  private labels: Record<string, string> | undefined;

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
    const labels = this.sql.exec<{ owner: string; label: string }>(`SELECT owner, label FROM owner_labels`).toArray();
    if (labels.length > 0) this.labels = Object.fromEntries(labels.map((r) => [r.owner, r.label]));
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
    this.pushesVersion++;
  }

  /**
   * The store's gauges of `p.families`, replaced by `p.series`: only the series whose value changed
   * (or that appeared or went) are written, and only their owners' chunks re-rendered, so a refresh
   * where little moved writes little. Answers how many series were written or removed, and whether
   * the hourly row counts are due.
   */
  async storeGauges(p: StoreGaugePush): Promise<{ written: number; rowCountsDue: boolean }> {
    const series = JSON.stringify(p.series.map((s) => [s.owner, s.metric, s.labels, s.value]));
    const families = JSON.stringify(p.families);
    const { chunks, rowsCountedAt, written } = this.ctx.storage.transactionSync(() => {
      const touched = new Map<string, Set<string>>();
      let written = 0;
      const mark = (r: { owner: string; metric: string }) => {
        written++;
        const metrics = touched.get(r.owner) ?? new Set();
        metrics.add(r.metric);
        touched.set(r.owner, metrics);
      };
      for (const r of this.sql.exec<{ owner: string; metric: string }>(
        `INSERT INTO store_series (owner, metric, labels, value)
         SELECT v ->> '$[0]', v ->> '$[1]', v ->> '$[2]', v ->> '$[3]' FROM (SELECT value AS v FROM json_each(?1)) WHERE true
         ON CONFLICT (owner, metric, labels) DO UPDATE SET value = excluded.value WHERE store_series.value IS NOT excluded.value
         RETURNING owner, metric`,
        series,
      ))
        mark(r);
      for (const r of this.sql.exec<{ owner: string; metric: string }>(
        `DELETE FROM store_series WHERE metric IN (SELECT value FROM json_each(?2))
           AND (owner, metric, labels) NOT IN (SELECT v ->> '$[0]', v ->> '$[1]', v ->> '$[2]' FROM (SELECT value AS v FROM json_each(?1)))
         RETURNING owner, metric`,
        series,
        families,
      ))
        mark(r);
      if (p.labels) this.writeLabels(p.labels);
      if (p.families.some((f) => ROW_FAMILIES.includes(f))) this.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('rows_counted_at', ?)`, String(p.at));
      const last = Number(this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'rows_counted_at'`).toArray()[0]?.value ?? Number.NaN);
      const changed = [...touched].flatMap(([owner, metrics]) => this.rerender(owner, [...metrics]).map(([metric, text]) => ({ owner, metric, text })));
      return { chunks: changed, rowsCountedAt: last, written };
    });
    for (const c of chunks) this.cache.set(c.metric, c.owner, c.text);
    if (p.labels) this.labels = { ...p.labels };
    return { written, rowCountsDue: !(p.at - rowsCountedAt < ROW_COUNTS_EVERY_MS) };
  }

  /** Only the owners whose label changed, appeared or went are written. */
  private writeLabels(next: Readonly<Record<string, string>>): void {
    const known = this.labels ?? {};
    for (const owner of Object.keys(known)) if (!Object.hasOwn(next, owner)) this.sql.exec(`DELETE FROM owner_labels WHERE owner = ?`, owner);
    for (const [owner, label] of Object.entries(next)) if (known[owner] !== label) this.sql.exec(`INSERT OR REPLACE INTO owner_labels (owner, label) VALUES (?, ?)`, owner, label);
  }

  /**
   * Every family's lines for the owners named in `labels` (owner → escaped company label; by
   * default the ones the last refresh pushed), from the chunks in memory with the labels put in,
   * plus the last-push timestamps of the owners that are not idle. Owners not named (deleted
   * tenants) are left out. Null when no labels were given and none were pushed yet.
   */
  async exposition(given?: Record<string, string>): Promise<AggregateExposition | null> {
    const labels = given ?? this.labels;
    if (!labels) return null;
    const out = this.cache.exposition(labels);
    const last = this.lastPushBlocks(labels)
      .map(([, text]) => text)
      .join("");
    if (last !== "") out[LAST_PUSH_FAMILY] = last;
    return out;
  }

  /** The same lines as `exposition`, as gzip members compressed when their text last changed (src/metrics/gzip.ts). */
  async gzipExposition(given?: Record<string, string>): Promise<AggregateGzipExposition | null> {
    const labels = given ?? this.labels;
    if (!labels) return null;
    const out = this.cache.gzipExposition(labels);
    const last = this.lastPushBlocks(labels).map(([block, text]) => this.lastPushMembers.member(String(block), text));
    this.lastPushMembers.endRound();
    if (last.length > 0) out[LAST_PUSH_FAMILY] = last;
    return packMembers(out);
  }

  /**
   * The last-push gauge's lines per block, read and rendered again only after a push or with other
   * labels. Absent while a tenant is idle (it said so in its last push): only tenants expected to
   * push go stale.
   */
  private lastPushBlocks(labels: Readonly<Record<string, string>>): [block: number, text: string][] {
    if (this.lastPush?.version === this.pushesVersion && this.lastPush.labels === labels) return this.lastPush.blocks;
    const pushes = this.sql.exec<{ owner: string; pushed_at: number }>(`SELECT owner, pushed_at FROM pushes WHERE idle = 0 ORDER BY owner`).toArray();
    this.lastPush = { version: this.pushesVersion, labels, blocks: lastPushBlocks(pushes, labels) };
    return this.lastPush.blocks;
  }

  /**
   * The owner's chunks of `metrics` rendered again from its stored series (none left: the chunk
   * goes). Only those whose text changed are written: a heartbeat, or a gauge that stayed put, costs
   * no row write.
   */
  private rerender(owner: string, metrics: string[]): [metric: string, text: string | undefined][] {
    if (metrics.length === 0) return [];
    const rows = this.sql.exec<StoredSeries>(OWNER_SERIES, owner, JSON.stringify(metrics)).toArray();
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
      for (const r of this.sql.exec<StoredSeries & { owner: string }>(ALL_SERIES)) {
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
