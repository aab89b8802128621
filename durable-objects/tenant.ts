// size: the tenant DO's RPC surface must be methods of one class (Workers RPC); each method delegates to tenant/*.ts, and splitting the class further would only move the delegation around.
import { DurableObject } from "cloudflare:workers";
import type { Acquired, BreakerConfig, BreakerState } from "../src/ai/breaker";
import { type FlushResult, flushUsage } from "../src/billing/flush";
import { periodOf } from "../src/billing/period";
import type { QuotaState } from "../src/billing/quota";
import type { AgendaTaskJob } from "../src/jobs/agenda-task";
import type { TurnRef, TurnMessage } from "../src/inbound/messages";
import type { ChannelName } from "../src/channels/types";
import { costs, metered, metering, meterSql, resetCosts, type Costs } from "../src/lib/cost-meter";
import { log } from "../src/lib/log";
import { metricsStub } from "../src/metrics/push";
import { sendAll } from "../src/lib/queue-send";
import { SqlMetrics, type MetricEvent } from "../src/metrics/sql-metrics";
import type { MetricSnapshot } from "../src/metrics/snapshot";
import type { AdmitSettings } from "../src/tenants/settings";
import type { AdmitRequest, AdmitResult, AgendaState, ClaimedTurn, ClaimResult, FinishRequest, FinishResult } from "../src/tenants/state";
import type { HeldWork } from "../src/tenants/state";
import type { ContactState, ContactStateErased } from "../src/tenants/contact-state";
import { Breakers } from "./tenant/breakers";
import { hold, heldCount, releaseAll, released } from "./tenant/held";
import { ConversationState } from "./tenant/conversation-state";
import { contactState, eraseContactState } from "./tenant/personal-data";
import { housekeeping } from "./tenant/housekeeping";
import { Kv } from "./tenant/kv";
import { Lanes, type Leased } from "./tenant/lanes";
import { buildPush, planAfterPush, planPush, PUSH_KEY, tenantGauges } from "./tenant/metrics-push";
import { migrate } from "./tenant/schema";
import { Scheduler, type ScheduleRow } from "./tenant/scheduler";
import { USAGE_FLUSH_KEY, USAGE_RESET_KEY, UsageCounter } from "./tenant/usage";
import { openStore } from "../src/store";

const DEFAULT_SETTINGS: AdmitSettings = {
  debounceMs: 2_000,
  maxTurnWaitMs: 8_000,
  rateLimit: { perNumberPerMinute: 20, perNumberBurst: 10, perIpPerMinute: 1_200, perIpBurst: 300 },
  context: { ttlMs: 24 * 3_600_000, maxEntries: 20 },
};
const FIRST_HOUSEKEEPING_MS = 3_600_000;

/**
 * One per tenant: the hot, per-contact state of the message path, behind a thin RPC facade. Each
 * method is one synchronous SQLite transaction over the modules in ./tenant/, so two calls for the
 * same tenant never interleave halfway; the consumers call it a constant number of times per batch.
 */
export class TenantDO extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly kv: Kv;
  private readonly metrics: SqlMetrics;
  private readonly scheduler: Scheduler;
  private readonly lanes: Lanes;
  private readonly state: ConversationState;
  private readonly breakers: Breakers;
  private readonly usage: UsageCounter;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, metered(env));
    this.sql = metering(env) ? meterSql(ctx.storage.sql) : ctx.storage.sql;
    this.kv = new Kv(this.sql);
    this.metrics = new SqlMetrics(this.sql);
    this.scheduler = new Scheduler(this.sql, ctx.storage);
    this.lanes = new Lanes(this.sql, this.scheduler);
    this.state = new ConversationState(this.sql);
    this.breakers = new Breakers(this.sql, this.kv, this.metrics);
    this.usage = new UsageCounter(this.sql, this.kv, this.scheduler);
    void ctx.blockConcurrencyWhile(async () => migrate(ctx.storage));
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** Provisioning: the constructor has created the schema by now; this names the object's tenant. */
  async init(companyId: number): Promise<{ companyId: number; schemaVersion: number }> {
    this.kv.set("company_id", String(companyId));
    const schemaVersion = this.sql.exec<{ version: number }>(`SELECT version FROM schema_version`).one().version;
    return { companyId, schemaVersion };
  }

  /** Work that reached a consumer while the tenant was suspended: kept here until `resume` (tenant/held.ts). */
  async hold(work: HeldWork[]): Promise<void> {
    hold(this.scheduler, work, Date.now());
    await this.scheduler.arm();
  }

  /** The tenant is active again: everything held goes back to its queue now. */
  async resume(): Promise<number> {
    const n = releaseAll(this.sql, Date.now());
    await this.scheduler.arm();
    return n;
  }

  /** How many sends and tasks are held (tests and operators). */
  async held(): Promise<number> {
    return heldCount(this.sql);
  }

  /**
   * Takes in a batch of webhooks' messages: drops provider retries, applies the per-number limits and
   * queues each new message on its contact's lane. Lanes already due are leased and returned, so the
   * caller answers them without another round trip.
   */
  async admit(req: AdmitRequest): Promise<AdmitResult> {
    const now = Date.now();
    const result = this.ctx.storage.transactionSync((): AdmitResult => {
      this.kv.set("settings", JSON.stringify(req.settings));
      this.kv.set("company_id", String(req.companyId));
      const admitted = this.lanes.admit(req, now);
      const events = admitted.events;
      req.envelopes.forEach((env, i) => {
        const t = admitted.perEnvelope[i];
        for (const field of env.clamped) events.push({ metric: "secretaria_inbound_values_clamped_total", labels: { channel: env.channel, field }, inc: 1 });
        for (const field of env.rejected) events.push({ metric: "secretaria_inbound_messages_rejected_total", labels: { channel: env.channel, field }, inc: 1 });
        if (!env.countRequest || !t) return;
        const outcome = env.messages.length === 0 ? (env.statuses > 0 ? "status" : "ignored") : t.accepted > 0 ? "accepted" : t.rateLimited > 0 ? "rate_limited" : "duplicate";
        events.push({ metric: "secretaria_webhook_requests_total", labels: { channel: env.channel, outcome }, inc: 1 });
        events.push({ metric: "secretaria_webhook_duration_seconds", labels: { channel: env.channel }, observe: Math.max(0, env.ackedAt - env.receivedAt) / 1000 });
      });
      this.metrics.record(events);
      this.usage.count(events, now);
      planPush(this.scheduler, now); // the inbound backlog changed, whatever the counters did
      this.scheduler.ensure("housekeeping", "housekeeping", now + FIRST_HOUSEKEEPING_MS);
      const leased = this.lanes.lease(admitted.dueNow, now);
      return { accepted: admitted.accepted, duplicates: admitted.duplicates, rateLimited: admitted.rateLimited, ready: this.withState(this.lanes.claim(leased), now) };
    });
    await this.scheduler.arm();
    return result;
  }

  /** The turns behind these references that are still waiting to be answered, with their context. */
  async claim(refs: { contact: string; turnId: string }[]): Promise<ClaimResult> {
    const now = Date.now();
    return { turns: this.withState(this.lanes.claim(refs), now), configVersion: this.configVersion() };
  }

  /**
   * Ends a batch of turns: finished ones free their lane and keep their context, agenda state and
   * metrics (only the first time for a turn id); failed ones come back after a backoff or, out of
   * attempts, are handed back to be filed as dead letters.
   */
  async finish(req: FinishRequest): Promise<FinishResult> {
    const now = Date.now();
    const settings = this.settings();
    const abandoned = this.ctx.storage.transactionSync(() => {
      const released = new Set(this.lanes.release(req.done, now, settings).map((d) => d.turnId));
      const done = req.done.filter((d) => released.has(d.turnId));
      this.state.append(
        done.flatMap((d) => d.context.map((entry) => ({ contact: d.contact, entry }))),
        settings.context.maxEntries,
      );
      for (const d of done) if (d.agenda) this.state.setAgendaState(d.contact, d.agenda.state, now, d.agenda.ttlMs);
      const events = [...req.metrics, ...done.flatMap((d) => d.metrics)];
      this.metrics.record(events);
      this.usage.count(events, now);
      planPush(this.scheduler, now);
      return this.lanes.fail(req.failed, now, settings);
    });
    await this.scheduler.arm();
    return { abandoned };
  }

  /** A dead turn being reprocessed: back on its contact's lane, answered like any other turn. */
  async readmit(contact: string, channel: ChannelName, messages: TurnMessage[]): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      // Planned like any lane: the alarm hands it out when its debounce has passed.
      this.lanes.readmit(contact, channel, messages, Date.now(), this.settings());
      planPush(this.scheduler, Date.now());
    });
    await this.scheduler.arm();
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const due = this.scheduler.due(now);
    const ofKind = (kind: string) => due.filter((r) => r.kind === kind);
    const companyId = Number(this.kv.get("company_id"));
    const refs: Leased[] = this.ctx.storage.transactionSync(() => [
      ...this.lanes.lease(
        ofKind("dispatch").flatMap((r) => (r.payload ? [r.payload] : [])),
        now,
      ),
      ...this.lanes.redispatch(
        ofKind("lease").flatMap((r) => (r.payload ? [r.payload] : [])),
        now,
      ),
    ]);
    // A dispatch row whose lane had nothing left is done with.
    this.scheduler.remove(ofKind("dispatch").map((r) => r.key));
    if (refs.length) {
      try {
        await sendAll(
          this.env.INBOUND_QUEUE,
          refs.map((r): TurnRef => ({ kind: "turn", companyId, contact: r.contact, turnId: r.turnId })),
        );
      } catch (err) {
        // The leases stay; they come back soon instead of in ten minutes, further apart each time.
        this.scheduler.failed(
          refs.map((r) => `lease:${r.contact}`),
          now,
          String(err),
        );
      }
    }
    const tasks = ofKind("task");
    if (tasks.length) {
      const jobs = tasks.map((r): AgendaTaskJob => ({ kind: "agenda_task", companyId, taskId: (JSON.parse(r.payload ?? "{}") as { taskId: number }).taskId, generation: 0 }));
      try {
        await sendAll(this.env.JOBS_QUEUE, jobs);
        this.scheduler.remove(tasks.map((r) => r.key));
      } catch (err) {
        this.scheduler.failed(
          tasks.map((r) => r.key),
          now,
          String(err),
        );
      }
    }
    await this.releaseHeld(ofKind("held"), now);
    if (ofKind("housekeeping").length) housekeeping(this.sql, this.scheduler, now, this.settings().context.ttlMs);
    if (ofKind("metrics").length) await this.pushMetrics(now, false);
    const usage = ofKind("usage");
    if (usage.length) await this.flushUsageNow(usage.map((r) => r.key));
    // Rows of a kind this version does not know are dropped rather than retried forever.
    this.scheduler.remove(due.filter((r) => !["dispatch", "lease", "task", "housekeeping", "metrics", "held", "usage"].includes(r.kind)).map((r) => r.key));
    await this.scheduler.arm();
  }

  /**
   * Held rows go back to their queues; removed before the send (a consumer holding them again while
   * the send is awaited must not lose its row), put back with backoff if the send fails.
   */
  private async releaseHeld(rows: ScheduleRow[], now: number): Promise<void> {
    if (rows.length === 0) return;
    this.scheduler.remove(rows.map((r) => r.key));
    const { sends, tasks } = released(rows);
    try {
      await Promise.all([sendAll(this.env.OUTBOUND_QUEUE, sends), sendAll(this.env.JOBS_QUEUE, tasks)]);
    } catch (err) {
      for (const r of rows) this.scheduler.put(r.key, "held", now, r.payload);
      this.scheduler.failed(
        rows.map((r) => r.key),
        now,
        String(err),
      );
    }
  }

  /** (Re)schedules appointment tasks by id: a moved appointment's tasks move with it. */
  async scheduleTasks(companyId: number, tasks: { taskId: number; dueAt: number }[]): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      this.kv.set("company_id", String(companyId));
      this.scheduler.putMany(
        "task",
        tasks.map((t) => ({ key: `task:${t.taskId}`, dueAt: t.dueAt, payload: JSON.stringify({ taskId: t.taskId }) })),
      );
    });
    await this.scheduler.arm();
  }

  async unscheduleTasks(taskIds: number[]): Promise<void> {
    this.scheduler.remove(taskIds.map((id) => `task:${id}`));
    await this.scheduler.arm();
  }

  /** For flows outside a turn (reminders, follow-ups, risk offers): a turn returns its state change with `finish`. */
  async setAgendaState(contact: string, state: AgendaState | null, ttlMs = 24 * 3_600_000): Promise<void> {
    this.state.setAgendaState(contact, state, Date.now(), ttlMs);
    this.scheduler.ensure("housekeeping", "housekeeping", Date.now() + FIRST_HOUSEKEEPING_MS);
    await this.scheduler.arm();
  }

  async agendaState(contact: string): Promise<AgendaState | null> {
    return this.state.agendaStates([contact], Date.now()).get(contact) ?? null;
  }

  /** Recent turns of this contact still within the tenant's context TTL, oldest first. */
  async context(contact: string) {
    return this.state.contexts([contact], Date.now(), this.settings().context.ttlMs).get(contact) ?? [];
  }

  /** LGPD export: everything this object holds about the contact's addresses (phone, BSUID). */
  async contactState(addresses: string[]): Promise<ContactState[]> {
    return addresses.map((a) => contactState(this.sql, a));
  }

  /** LGPD erasure: the contact's context, lanes, waiting messages, agenda state and rate key, in one transaction. */
  async eraseContact(addresses: string[]): Promise<ContactStateErased> {
    const erased = this.ctx.storage.transactionSync(() => eraseContactState(this.sql, addresses));
    await this.scheduler.arm();
    return erased;
  }

  /** A lane's state, for tests and operators: the turn in flight, its attempts and last error. */
  async lane(contact: string) {
    return this.lanes.lane(contact);
  }

  /** Messages waiting or in flight on any lane: 0 when this tenant's inbound work is all done (tests wait on it, never on a clock). */
  async inFlight(): Promise<number> {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM pending`).one().n;
  }

  /** The tenant's configuration changed: Workers holding a cached copy reload it on their next claim. */
  async configChanged(): Promise<number> {
    const next = this.configVersion() + 1;
    this.kv.set("config_version", String(next));
    return next;
  }

  /** May this tenant call `provider` now? (Circuit breaker; the state lives here for every isolate.) */
  async llmAcquire(provider: string, cfg: Partial<BreakerConfig> = {}): Promise<Acquired> {
    // Over quota the LLM is off for the rest of the period: refused here, on the call the reply engine already makes.
    if (this.quotaState()?.llmOff) return { state: this.breakers.peek(provider), allowed: false, probe: false, overQuota: true };
    const before = this.metrics.state().seq;
    const got = this.ctx.storage.transactionSync(() => this.breakers.acquire(provider, cfg, Date.now()));
    // A breaker that changed state counted a transition: the gauge and the counter go out with the next push.
    if (this.metrics.state().seq !== before) {
      planPush(this.scheduler, Date.now());
      await this.scheduler.arm();
    }
    return got;
  }

  /** Reports how a call went; returns the breaker state after it. */
  async llmRecord(provider: string, ok: boolean, events: MetricEvent[] = [], cfg: Partial<BreakerConfig> = {}): Promise<BreakerState["state"]> {
    const state = this.ctx.storage.transactionSync(() => {
      const state = this.breakers.record(provider, ok, cfg, Date.now());
      this.metrics.record(events);
      this.usage.count(events, Date.now());
      planPush(this.scheduler, Date.now());
      return state;
    });
    await this.scheduler.arm();
    return state;
  }

  async record(events: MetricEvent[]): Promise<void> {
    const counted = this.usage.count(events, Date.now());
    if (this.metrics.record(events) || counted) {
      planPush(this.scheduler, Date.now());
      await this.scheduler.arm();
    }
  }

  /**
   * Pushes to the metrics aggregate now instead of PUSH_DELAY_MS after the change (tests, and an
   * operator after restoring the aggregate: `full` sends every series, not only the changed ones).
   */
  async flushMetrics(full = false): Promise<void> {
    await this.pushMetrics(Date.now(), full);
    await this.scheduler.arm();
  }

  /** The over-quota switches of the current period (null: none known yet, or a new period has begun). */
  async quota(): Promise<QuotaState | null> {
    return this.quotaState();
  }

  /** Usage counted here and not yet in the store, for the current period in `timeZone` (the API adds it to the stored totals). */
  async pendingUsage(timeZone: string): Promise<{ messages: number; llm_tokens: number }> {
    const period = periodOf(Date.now(), timeZone);
    const out = { messages: 0, llm_tokens: 0 };
    for (const p of this.usage.pending()) if (periodOf(p.minute * 60_000, timeZone) === period) out[p.metric] += p.value;
    return out;
  }

  /** Flushes usage and re-evaluates the switches now (a plan change; tests) instead of within USAGE_FLUSH_MS. */
  async flushUsage(): Promise<FlushResult | null> {
    const result = await this.flushUsageNow([USAGE_FLUSH_KEY]);
    await this.scheduler.arm();
    return result;
  }

  private quotaState(): QuotaState | null {
    const tz = this.usage.timeZone();
    return tz ? this.usage.state(periodOf(Date.now(), tz)) : null;
  }

  private async flushUsageNow(keys: string[]): Promise<FlushResult | null> {
    const companyId = Number(/^company:(\d+)$/.exec(this.owner() ?? "")?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(companyId)) {
      this.scheduler.remove([USAGE_FLUSH_KEY, USAGE_RESET_KEY]);
      return null;
    }
    const pending = this.usage.pending();
    try {
      const result = await flushUsage(this.env, openStore(this.env), companyId, pending, this.usage.state(null), Date.now());
      this.ctx.storage.transactionSync(() => {
        this.scheduler.remove([USAGE_FLUSH_KEY]);
        this.usage.flushed(pending, Date.now());
        this.usage.setState(result.state, result.timeZone, result.resetAt);
      });
      return result;
    } catch (err) {
      // Kept and retried with backoff: the counts stay here until the store has them.
      log.warn("usage flush failed", { company_id: companyId, error: err });
      this.scheduler.failed(keys, Date.now(), String(err));
      return null;
    }
  }

  /** This object's name (`company:<id>` / `~unattributed`): what the aggregate files its series under. */
  private owner(): string | null {
    if (this.ctx.id.name) return this.ctx.id.name;
    const companyId = this.kv.get("company_id");
    return companyId ? `company:${companyId}` : null;
  }

  private async pushMetrics(now: number, full: boolean): Promise<void> {
    const owner = this.owner();
    if (!owner) return this.scheduler.remove([PUSH_KEY]);
    const gauges = tenantGauges(this.sql, this.breakers.gauges(now));
    const push = buildPush(owner, this.metrics, gauges, now, full);
    try {
      await metricsStub(this.env).push(push);
    } catch (err) {
      // Retried with backoff; the aggregate's last-push timestamp goes stale meanwhile (that is the alert).
      log.warn("metrics push failed", { owner, error: err });
      this.scheduler.failed([PUSH_KEY], now, String(err));
      return;
    }
    this.metrics.pushed(push.seq);
    planAfterPush(this.scheduler, this.metrics, push, gauges, Date.now());
  }

  async metricsSnapshot(): Promise<MetricSnapshot> {
    const snap = this.metrics.snapshot();
    snap.counters.push(...this.breakers.gauges(Date.now()));
    return snap;
  }

  /** bench/: this object's own counts (the SQLite statements happen here). */
  async costs(): Promise<Costs> {
    return { ...costs };
  }

  async resetCosts(): Promise<void> {
    resetCosts();
  }

  private withState(turns: Omit<ClaimedTurn, "context" | "agenda">[], now: number): ClaimedTurn[] {
    const contacts = turns.map((t) => t.contact);
    const contexts = this.state.contexts(contacts, now, this.settings().context.ttlMs);
    const agenda = this.state.agendaStates(contacts, now);
    return turns.map((t) => ({ ...t, context: contexts.get(t.contact) ?? [], agenda: agenda.get(t.contact) ?? null }));
  }

  private settings(): AdmitSettings {
    return { ...DEFAULT_SETTINGS, ...(this.kv.json<AdmitSettings>("settings") ?? {}) };
  }

  private configVersion(): number {
    return Number(this.kv.get("config_version") ?? 0);
  }
}
