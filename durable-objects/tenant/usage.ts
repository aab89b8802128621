/**
 * The tenant's billable usage, counted where the message path is already exactly-once and flushed to
 * the store in one batch a minute (src/billing/flush.ts): a message costs no store statement.
 *
 * Counted from the metric events the DO already records: `secretaria_messages_inbound_total` comes
 * from admission after the provider-id dedup, `secretaria_messages_outbound_total` from the outbox
 * after its claim (a redelivered job claims nothing), `secretaria_llm_tokens_total` from the reply
 * engine's recorded LLM call. Buckets are UTC minutes, so the flush can file each one under the
 * tenant's local month (every zone's offset is a whole number of minutes).
 */
import type { QuotaState } from "../../src/billing/quota";
import type { MetricEvent } from "../../src/metrics/sql-metrics";
import type { UsageMetric } from "../../src/store/types";
import type { Kv } from "./kv";
import type { Scheduler } from "./scheduler";

export const USAGE_FLUSH_KEY = "usage";
/** A new period (or the end of an over-quota state) re-evaluates the switches even with nothing to flush. */
export const USAGE_RESET_KEY = "usage_reset";
/** How long usage may wait in the DO: also how late an over-quota switch can flip. */
export const USAGE_FLUSH_MS = 60_000;

const BILLABLE: Record<string, UsageMetric> = {
  secretaria_messages_inbound_total: "messages",
  secretaria_messages_outbound_total: "messages",
  secretaria_llm_tokens_total: "llm_tokens",
};

export const USAGE_SCHEMA = [`CREATE TABLE usage_pending (minute INTEGER NOT NULL, metric TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (minute, metric))`];

export type PendingUsage = { minute: number; metric: UsageMetric; value: number };

export class UsageCounter {
  constructor(
    private readonly sql: SqlStorage,
    private readonly kv: Kv,
    private readonly scheduler: Scheduler,
  ) {}

  /** Adds what these events bill; plans a flush (never postponed by more traffic). True when something counted. */
  count(events: MetricEvent[], now: number): boolean {
    const sums = new Map<UsageMetric, number>();
    for (const e of events) {
      const metric = BILLABLE[e.metric];
      if (metric && "inc" in e && e.inc > 0) sums.set(metric, (sums.get(metric) ?? 0) + e.inc);
    }
    if (sums.size === 0) return false;
    // One statement for every metric of the batch (the message path counts SQLite statements too).
    this.sql.exec(
      `INSERT INTO usage_pending (minute, metric, value) SELECT ?, value ->> '$[0]', value ->> '$[1]' FROM json_each(?) WHERE true
       ON CONFLICT (minute, metric) DO UPDATE SET value = value + excluded.value`,
      Math.floor(now / 60_000),
      JSON.stringify([...sums]),
    );
    this.scheduler.ensure(USAGE_FLUSH_KEY, "usage", now + USAGE_FLUSH_MS);
    return true;
  }

  pending(): PendingUsage[] {
    return this.sql.exec<PendingUsage>(`SELECT minute, metric, value FROM usage_pending ORDER BY minute`).toArray();
  }

  /** Takes off what the store now holds; what was counted during the flush's await stays for the next one. */
  flushed(rows: PendingUsage[], now: number): void {
    for (const r of rows) this.sql.exec(`UPDATE usage_pending SET value = value - ? WHERE minute = ? AND metric = ?`, r.value, r.minute, r.metric);
    this.sql.exec(`DELETE FROM usage_pending WHERE value <= 0`);
    if (this.pending().length) this.scheduler.ensure(USAGE_FLUSH_KEY, "usage", now + USAGE_FLUSH_MS);
  }

  /** The switches for the current period; none once the period they were computed for is over. */
  state(period: string | null): QuotaState | null {
    const s = this.kv.json<QuotaState>("quota");
    return s && (period === null || s.period === period) ? s : null;
  }

  setState(state: QuotaState, timeZone: string, resetAt: number | null): void {
    this.kv.set("quota", JSON.stringify(state));
    this.kv.set("time_zone", timeZone);
    if (resetAt === null) this.scheduler.remove([USAGE_RESET_KEY]);
    else this.scheduler.put(USAGE_RESET_KEY, "usage", resetAt);
  }

  timeZone(): string | null {
    return this.kv.get("time_zone");
  }
}
