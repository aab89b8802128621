/** The LLM circuit breaker per provider, held here so every isolate of the Worker sees the same state. */
import { acquire, breakerGauge, closedBreaker, DEFAULT_BREAKER, record, type Acquired, type BreakerConfig, type BreakerState } from "../../src/ai/breaker";
import type { SqlMetrics } from "../../src/metrics/sql-metrics";
import type { Kv } from "./kv";

export class Breakers {
  constructor(
    private readonly sql: SqlStorage,
    private readonly kv: Kv,
    private readonly metrics: SqlMetrics,
  ) {}

  acquire(provider: string, cfg: Partial<BreakerConfig>, now: number): Acquired {
    const before = this.load(provider);
    const got = acquire(before, now, this.config(cfg));
    if (got.state !== before) this.save(provider, before, got.state);
    return got;
  }

  /** The provider's breaker as stored, unchanged (an over-quota refusal touches no breaker). */
  peek(provider: string): BreakerState {
    return this.load(provider);
  }

  record(provider: string, ok: boolean, cfg: Partial<BreakerConfig>, now: number): BreakerState["state"] {
    const before = this.load(provider);
    const after = record(before, ok, now, this.config(cfg));
    this.save(provider, before, after);
    return after.state;
  }

  /** The gauge: an open breaker past its reset timeout is reported as it will act on the next call. */
  gauges(now: number): { metric: string; labels: Record<string, string>; value: number }[] {
    const cfg = this.kv.json<BreakerConfig>("breaker_config") ?? DEFAULT_BREAKER;
    return this.sql
      .exec<{ provider: string; state: string }>(`SELECT provider, state FROM breakers`)
      .toArray()
      .map((row) => ({
        metric: "secretaria_llm_breaker_state",
        labels: { provider: row.provider },
        value: breakerGauge(acquire(JSON.parse(row.state) as BreakerState, now, cfg).state.state),
      }));
  }

  /** The tenant's timings, remembered for the gauge (which has no caller to pass them). */
  private config(cfg: Partial<BreakerConfig>): BreakerConfig {
    const merged = { ...DEFAULT_BREAKER, ...cfg };
    this.kv.set("breaker_config", JSON.stringify(merged));
    return merged;
  }

  private load(provider: string): BreakerState {
    const raw = this.sql.exec<{ state: string }>(`SELECT state FROM breakers WHERE provider = ?`, provider).toArray()[0]?.state;
    return raw ? (JSON.parse(raw) as BreakerState) : closedBreaker();
  }

  private save(provider: string, before: BreakerState, after: BreakerState): void {
    this.sql.exec(`INSERT INTO breakers (provider, state) VALUES (?, ?) ON CONFLICT (provider) DO UPDATE SET state = excluded.state`, provider, JSON.stringify(after));
    if (before.state !== after.state) this.metrics.record([{ metric: "secretaria_llm_breaker_transitions_total", labels: { provider, to: after.state }, inc: 1 }]);
  }
}
