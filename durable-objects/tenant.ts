import { DurableObject } from "cloudflare:workers";
import type { ChannelName, InboundMessage } from "../src/channels/types";
import type { InboundTurn, TurnMessage } from "../src/conversation/queue-messages";
import { acquire, breakerGauge, closedBreaker, DEFAULT_BREAKER, record as recordOutcome, type Acquired, type BreakerConfig, type BreakerState } from "../src/ai/breaker";
import { gcra } from "../src/lib/gcra";
import { SqlMetrics, type MetricEvent } from "../src/metrics/sql-metrics";
import type { MetricSnapshot } from "../src/metrics/snapshot";
import type { AdmitSettings } from "../src/tenants/settings";
import type { AgendaTaskJob } from "../src/jobs/agenda-task";

/** Meta retries a webhook for up to 7 days: remember provider ids a little longer than that. */
const DEDUP_RETENTION_MS = 8 * 24 * 3_600_000;
/** A dispatched turn not finished by then is sent again (same turn id, so never answered twice). */
const TURN_LEASE_MS = 10 * 60_000;
const RESEND_AFTER_FAILURE_MS = 5_000;
const HOUSEKEEPING_EVERY_MS = 3_600_000;
/** Keeps a turn well under the 128 KB queue message limit; the rest waits for the next turn. */
const MAX_MESSAGES_PER_TURN = 20;

export type AdmitOutcome = "accepted" | "duplicate" | "rate_limited";

export interface AdmitRequest {
  companyId: number;
  channel: ChannelName;
  ip: string;
  correlationId: string;
  /** When the Worker received the webhook: the duration histogram runs from here to the commit. */
  receivedAt: number;
  settings: AdmitSettings;
  messages: InboundMessage[];
}

export interface AdmitResult {
  ipLimited: boolean;
  outcomes: AdmitOutcome[];
}

export interface ContextEntry {
  role: "contact" | "assistant";
  text: string;
  at: number;
  /** Contact turns: the detected sentiment, and whether the assistant could handle it (handoff streaks). */
  sentiment?: "positive" | "neutral" | "negative";
  handled?: boolean;
  intent?: string;
}

/** Schema versions, applied in order once per object; never edit a shipped step, add one. */
const SCHEMA: string[][] = [
  [
    `CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE seen (provider_id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL)`,
    `CREATE INDEX seen_at_idx ON seen (seen_at)`,
    `CREATE TABLE rate (key TEXT PRIMARY KEY, tat REAL NOT NULL)`,
    `CREATE TABLE window (phone TEXT PRIMARY KEY, last_inbound_at INTEGER NOT NULL)`,
    `CREATE TABLE pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, phone TEXT NOT NULL, channel TEXT NOT NULL, body TEXT NOT NULL, received_at INTEGER NOT NULL, turn_id TEXT)`,
    `CREATE INDEX pending_phone_idx ON pending (phone, turn_id, seq)`,
    `CREATE TABLE lanes (phone TEXT PRIMARY KEY, turn_id TEXT, turn_started_at INTEGER, last_error TEXT)`,
    `CREATE TABLE schedule (key TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at INTEGER NOT NULL, payload TEXT)`,
    `CREATE INDEX schedule_due_idx ON schedule (due_at)`,
    `CREATE TABLE context (id INTEGER PRIMARY KEY AUTOINCREMENT, phone TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL)`,
    `CREATE INDEX context_phone_idx ON context (phone, id)`,
    ...SqlMetrics.schema,
  ],
  [`ALTER TABLE context ADD COLUMN meta TEXT`, `CREATE TABLE breakers (provider TEXT PRIMARY KEY, state TEXT NOT NULL)`],
  [`CREATE TABLE agenda_state (phone TEXT PRIMARY KEY, state TEXT NOT NULL, expires_at INTEGER NOT NULL)`],
];

/** Where a contact is in a booking conversation, so an answer like "1" resolves at once. */
export type AgendaState =
  /** offer "risk": better slots proposed for a high-risk appointment; "keep" confirms the current one. */
  | { stage: "choosing"; purpose: "book" | "reschedule"; options: { start: string; end: string }[]; appointmentId?: number; offer?: "risk" }
  | { stage: "reminded"; appointmentId: number }
  | { stage: "awaiting_followup"; appointmentId: number };

/**
 * One per tenant: the hot, per-contact state of the message path. Everything here is synchronous
 * SQLite inside one method call, so two webhooks for the same tenant never interleave halfway.
 */
export class TenantDO extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly metrics: SqlMetrics;
  /** What kv holds for settings/company, so an unchanged value costs no write on the hot path. */
  private readonly kvCache = new Map<string, string>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.metrics = new SqlMetrics(this.sql);
    void ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  private migrate(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`);
    const current = this.sql.exec<{ version: number }>(`SELECT version FROM schema_version`).toArray()[0]?.version ?? 0;
    if (current >= SCHEMA.length) return;
    this.ctx.storage.transactionSync(() => {
      for (const step of SCHEMA.slice(current)) for (const stmt of step) this.sql.exec(stmt);
      this.sql.exec(`DELETE FROM schema_version`);
      this.sql.exec(`INSERT INTO schema_version (version) VALUES (?)`, SCHEMA.length);
    });
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  /**
   * Takes in one webhook's messages for this tenant: drops provider retries, applies the per-IP and
   * per-number limits, opens the 24 h window and queues each new message on its contact's lane.
   */
  async admit(req: AdmitRequest): Promise<AdmitResult> {
    const now = Date.now();
    const { rateLimit } = req.settings;
    const result = this.ctx.storage.transactionSync((): AdmitResult => {
      this.kvSetIfChanged("settings", JSON.stringify(req.settings));
      this.kvSetIfChanged("company_id", String(req.companyId));
      if (!this.take(`ip:${req.ip}`, now, rateLimit.perIpPerMinute, rateLimit.perIpBurst)) {
        this.metrics.record([{ metric: "secretaria_webhook_requests_total", labels: { channel: req.channel, outcome: "ip_limited" }, inc: 1 }]);
        return { ipLimited: true, outcomes: [] };
      }
      const outcomes = req.messages.map((m) => this.admitOne(req, m, now));
      const outcome = outcomes.includes("accepted") ? "accepted" : outcomes.includes("rate_limited") ? "rate_limited" : outcomes.length ? "duplicate" : "ignored";
      const events: MetricEvent[] = [
        { metric: "secretaria_webhook_requests_total", labels: { channel: req.channel, outcome }, inc: 1 },
        { metric: "secretaria_webhook_duration_seconds", labels: { channel: req.channel }, observe: (Date.now() - req.receivedAt) / 1000 },
      ];
      req.messages.forEach((m, i) => {
        if (outcomes[i] !== "duplicate") events.push({ metric: "secretaria_messages_inbound_total", labels: { channel: req.channel, type: m.type }, inc: 1 });
      });
      this.metrics.record(events);
      return { ipLimited: false, outcomes };
    });
    await this.armAlarm();
    return result;
  }

  private admitOne(req: AdmitRequest, m: InboundMessage, now: number): AdmitOutcome {
    const fresh = this.sql.exec(`INSERT OR IGNORE INTO seen (provider_id, seen_at) VALUES (?, ?)`, m.providerMessageId, now).rowsWritten > 0;
    if (!fresh) return "duplicate";
    const { rateLimit } = req.settings;
    const allowed = this.take(`num:${m.from}`, now, rateLimit.perNumberPerMinute, rateLimit.perNumberBurst);
    this.sql.exec(
      `INSERT INTO window (phone, last_inbound_at) VALUES (?, ?)
       ON CONFLICT (phone) DO UPDATE SET last_inbound_at = max(last_inbound_at, excluded.last_inbound_at)`,
      m.from,
      now,
    );
    const body: TurnMessage = {
      providerMessageId: m.providerMessageId,
      type: m.type,
      text: m.text,
      replyId: m.replyId,
      mediaId: m.mediaId,
      waId: m.waId,
      lid: m.lid,
      contactName: m.contactName,
      timestamp: m.timestamp,
      receivedAt: now,
      unanswered: allowed ? null : "rate_limited",
      correlationId: req.correlationId,
    };
    this.sql.exec(`INSERT INTO pending (phone, channel, body, received_at) VALUES (?, ?, ?, ?)`, m.from, req.channel, JSON.stringify(body), now);
    this.scheduleLane(m.from, now);
    return allowed ? "accepted" : "rate_limited";
  }

  /** GCRA per key; returns whether one more event is allowed now. */
  private take(key: string, now: number, perMinute: number, burst: number): boolean {
    const tat = this.sql.exec<{ tat: number }>(`SELECT tat FROM rate WHERE key = ?`, key).toArray()[0]?.tat;
    const r = gcra(tat, now, perMinute, burst);
    if (r.allowed) this.sql.exec(`INSERT INTO rate (key, tat) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat`, key, r.tat);
    return r.allowed;
  }

  /** Debounce: the lane is due `debounceMs` after its newest message, but never later than `maxTurnWaitMs` after its oldest. */
  private scheduleLane(phone: string, now: number): void {
    const lane = this.sql.exec<{ turn_id: string | null }>(`SELECT turn_id FROM lanes WHERE phone = ?`, phone).toArray()[0];
    if (lane?.turn_id) return; // a turn is in flight; finishTurn schedules what arrived meanwhile
    const span = this.sql
      .exec<{ first: number | null; last: number | null }>(`SELECT min(received_at) AS first, max(received_at) AS last FROM pending WHERE phone = ? AND turn_id IS NULL`, phone)
      .toArray()[0];
    if (span?.first == null || span.last == null) return;
    const { debounceMs, maxTurnWaitMs } = this.settings();
    const due = Math.max(now, Math.min(span.last + debounceMs, span.first + maxTurnWaitMs));
    this.sql.exec(`INSERT INTO schedule (key, kind, due_at, payload) VALUES (?, 'dispatch', ?, ?) ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at`, `dispatch:${phone}`, due, phone);
  }

  private settings(): Pick<AdmitSettings, "debounceMs" | "maxTurnWaitMs" | "context"> {
    const raw = this.kvGet("settings");
    const parsed = raw ? (JSON.parse(raw) as AdmitSettings) : null;
    return {
      debounceMs: parsed?.debounceMs ?? 2_000,
      maxTurnWaitMs: parsed?.maxTurnWaitMs ?? 8_000,
      context: parsed?.context ?? { ttlMs: 24 * 3_600_000, maxEntries: 20 },
    };
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const due = this.sql.exec<{ key: string; kind: string; payload: string | null }>(`SELECT key, kind, payload FROM schedule WHERE due_at <= ? ORDER BY due_at`, now).toArray();
    for (const row of due) {
      try {
        if (row.kind === "dispatch" && row.payload) await this.dispatchLane(row.payload, now);
        else if (row.kind === "task" && row.payload) await this.dispatchTask(row.key, row.payload);
        else if (row.kind === "lease" && row.payload) await this.resendTurn(row.payload, now);
        else if (row.kind === "housekeeping") this.housekeeping(now);
        else this.sql.exec(`DELETE FROM schedule WHERE key = ?`, row.key);
      } catch (err) {
        // One bad lane must not hold up the others: retry it shortly, carry on with the rest.
        console.error(JSON.stringify({ msg: "tenant alarm step failed", kind: row.kind, error: String(err) }));
        this.sql.exec(`UPDATE schedule SET due_at = ? WHERE key = ?`, now + RESEND_AFTER_FAILURE_MS, row.key);
      }
    }
    await this.armAlarm();
  }

  private async dispatchLane(phone: string, now: number): Promise<void> {
    this.sql.exec(`DELETE FROM schedule WHERE key = ?`, `dispatch:${phone}`);
    const lane = this.sql.exec<{ turn_id: string | null }>(`SELECT turn_id FROM lanes WHERE phone = ?`, phone).toArray()[0];
    if (lane?.turn_id) return;
    const rows = this.sql
      .exec<{ seq: number }>(`SELECT seq FROM pending WHERE phone = ? AND turn_id IS NULL ORDER BY seq LIMIT ?`, phone, MAX_MESSAGES_PER_TURN)
      .toArray();
    if (rows.length === 0) return;
    const turnId = crypto.randomUUID();
    this.ctx.storage.transactionSync(() => {
      for (const r of rows) this.sql.exec(`UPDATE pending SET turn_id = ? WHERE seq = ?`, turnId, r.seq);
      this.sql.exec(
        `INSERT INTO lanes (phone, turn_id, turn_started_at) VALUES (?, ?, ?)
         ON CONFLICT (phone) DO UPDATE SET turn_id = excluded.turn_id, turn_started_at = excluded.turn_started_at, last_error = NULL`,
        phone,
        turnId,
        now,
      );
      this.setLease(phone, now + TURN_LEASE_MS);
    });
    await this.sendTurn(phone, turnId, now);
  }

  private async resendTurn(phone: string, now: number): Promise<void> {
    const lane = this.sql.exec<{ turn_id: string | null }>(`SELECT turn_id FROM lanes WHERE phone = ?`, phone).toArray()[0];
    if (!lane?.turn_id) {
      this.sql.exec(`DELETE FROM schedule WHERE key = ?`, `lease:${phone}`);
      return;
    }
    this.setLease(phone, now + TURN_LEASE_MS);
    await this.sendTurn(phone, lane.turn_id, now);
  }

  private async sendTurn(phone: string, turnId: string, now: number): Promise<void> {
    const rows = this.sql
      .exec<{ channel: string; body: string }>(`SELECT channel, body FROM pending WHERE turn_id = ? ORDER BY seq`, turnId)
      .toArray();
    const first = rows[0];
    if (!first) return;
    const turn: InboundTurn = {
      kind: "turn",
      companyId: Number(this.kvGet("company_id")),
      channel: first.channel as ChannelName,
      phone,
      turnId,
      messages: rows.map((r) => JSON.parse(r.body) as TurnMessage),
      generation: 0,
    };
    try {
      await this.env.INBOUND_QUEUE.send(turn, { contentType: "json" });
    } catch (err) {
      // The lease row stays; make it come back soon instead of in ten minutes.
      this.setLease(phone, now + RESEND_AFTER_FAILURE_MS);
      throw err;
    }
  }

  /** An appointment task is due: hand it to the jobs queue (the task row there makes it run once). */
  private async dispatchTask(key: string, payload: string): Promise<void> {
    const { taskId } = JSON.parse(payload) as { taskId: number };
    await this.env.JOBS_QUEUE.send({ kind: "agenda_task", companyId: Number(this.kvGet("company_id")), taskId, generation: 0 } satisfies AgendaTaskJob, { contentType: "json" });
    this.sql.exec(`DELETE FROM schedule WHERE key = ?`, key);
  }

  /** (Re)schedules appointment tasks by id: a moved appointment's tasks move with it. */
  async scheduleTasks(companyId: number, tasks: { taskId: number; dueAt: number }[]): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      this.kvSetIfChanged("company_id", String(companyId));
      for (const t of tasks) {
        this.sql.exec(
          `INSERT INTO schedule (key, kind, due_at, payload) VALUES (?, 'task', ?, ?) ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at`,
          `task:${t.taskId}`,
          t.dueAt,
          JSON.stringify({ taskId: t.taskId }),
        );
      }
    });
    await this.armAlarm();
  }

  async unscheduleTasks(taskIds: number[]): Promise<void> {
    for (const id of taskIds) this.sql.exec(`DELETE FROM schedule WHERE key = ?`, `task:${id}`);
    await this.armAlarm();
  }

  /** What a turn needs from here in one call: the short context and the contact's agenda state. */
  async turnState(phone: string): Promise<{ context: ContextEntry[]; agenda: AgendaState | null }> {
    return { context: await this.context(phone), agenda: await this.agendaState(phone) };
  }

  async agendaState(phone: string): Promise<AgendaState | null> {
    const row = this.sql.exec<{ state: string; expires_at: number }>(`SELECT state, expires_at FROM agenda_state WHERE phone = ?`, phone).toArray()[0];
    if (!row || row.expires_at < Date.now()) return null;
    return JSON.parse(row.state) as AgendaState;
  }

  async setAgendaState(phone: string, state: AgendaState | null, ttlMs = 24 * 3_600_000): Promise<void> {
    if (!state) this.sql.exec(`DELETE FROM agenda_state WHERE phone = ?`, phone);
    else
      this.sql.exec(
        `INSERT INTO agenda_state (phone, state, expires_at) VALUES (?, ?, ?) ON CONFLICT (phone) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at`,
        phone,
        JSON.stringify(state),
        Date.now() + ttlMs,
      );
  }

  private setLease(phone: string, due: number): void {
    this.sql.exec(`INSERT INTO schedule (key, kind, due_at, payload) VALUES (?, 'lease', ?, ?) ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at`, `lease:${phone}`, due, phone);
  }

  /**
   * Called by the inbound consumer once a turn's reply is safely queued: releases the contact's lane,
   * keeps the context, records the turn's metrics — all only the first time for a given turn id.
   */
  async finishTurn(phone: string, turnId: string, done: { context: ContextEntry[]; metrics: MetricEvent[] }): Promise<boolean> {
    const released = this.ctx.storage.transactionSync(() => {
      if (!this.release(phone, turnId)) return false;
      const { context } = this.settings();
      for (const e of done.context) {
        const meta = e.sentiment || e.handled !== undefined || e.intent ? JSON.stringify({ sentiment: e.sentiment, handled: e.handled, intent: e.intent }) : null;
        this.sql.exec(`INSERT INTO context (phone, role, text, at, meta) VALUES (?, ?, ?, ?, ?)`, phone, e.role, e.text, e.at, meta);
      }
      this.sql.exec(
        `DELETE FROM context WHERE phone = ? AND id NOT IN (SELECT id FROM context WHERE phone = ? ORDER BY id DESC LIMIT ?)`,
        phone,
        phone,
        context.maxEntries,
      );
      this.metrics.record(done.metrics);
      return true;
    });
    await this.armAlarm();
    return released;
  }

  /** Keeps the last error of a turn so its dead letter can say why it died. */
  async noteTurnError(phone: string, turnId: string, error: string): Promise<void> {
    this.sql.exec(`UPDATE lanes SET last_error = ? WHERE phone = ? AND turn_id = ?`, error.slice(0, 500), phone, turnId);
  }

  /** The turn went to the dead-letter queue: free the contact's lane and return its last error. */
  async abandonTurn(phone: string, turnId: string): Promise<string | null> {
    const lastError = this.sql.exec<{ last_error: string | null }>(`SELECT last_error FROM lanes WHERE phone = ? AND turn_id = ?`, phone, turnId).toArray()[0]?.last_error ?? null;
    this.ctx.storage.transactionSync(() => this.release(phone, turnId));
    await this.armAlarm();
    return lastError;
  }

  private release(phone: string, turnId: string): boolean {
    const lane = this.sql.exec<{ turn_id: string | null }>(`SELECT turn_id FROM lanes WHERE phone = ?`, phone).toArray()[0];
    if (lane?.turn_id !== turnId) return false;
    this.sql.exec(`DELETE FROM pending WHERE turn_id = ?`, turnId);
    this.sql.exec(`UPDATE lanes SET turn_id = NULL, turn_started_at = NULL, last_error = NULL WHERE phone = ?`, phone);
    this.sql.exec(`DELETE FROM schedule WHERE key = ?`, `lease:${phone}`);
    this.scheduleLane(phone, Date.now());
    return true;
  }

  /** Recent turns of this contact still within the tenant's context TTL, oldest first. */
  async context(phone: string): Promise<ContextEntry[]> {
    const { context } = this.settings();
    return this.sql
      .exec<{ role: "contact" | "assistant"; text: string; at: number; meta: string | null }>(
        `SELECT role, text, at, meta FROM context WHERE phone = ? AND at >= ? ORDER BY id`,
        phone,
        Date.now() - context.ttlMs,
      )
      .toArray()
      .map(({ meta, ...e }) => (meta ? { ...e, ...(JSON.parse(meta) as Pick<ContextEntry, "sentiment" | "handled" | "intent">) } : e));
  }

  /** May this tenant call `provider` now? (Circuit breaker; the state lives here for every isolate.) */
  async llmAcquire(provider: string, cfg: Partial<BreakerConfig> = {}): Promise<Acquired> {
    return this.ctx.storage.transactionSync(() => {
      const before = this.breaker(provider);
      const got = acquire(before, Date.now(), this.breakerConfig(cfg));
      if (got.state !== before) this.saveBreaker(provider, before, got.state);
      return got;
    });
  }

  /** Reports how a call went; returns the breaker state after it. */
  async llmRecord(provider: string, ok: boolean, events: MetricEvent[] = [], cfg: Partial<BreakerConfig> = {}): Promise<BreakerState["state"]> {
    return this.ctx.storage.transactionSync(() => {
      const before = this.breaker(provider);
      const after = recordOutcome(before, ok, Date.now(), this.breakerConfig(cfg));
      this.saveBreaker(provider, before, after);
      this.metrics.record(events);
      return after.state;
    });
  }

  /** The tenant's timings, remembered for the gauge (which has no caller to pass them). */
  private breakerConfig(cfg: Partial<BreakerConfig>): BreakerConfig {
    const merged = { ...DEFAULT_BREAKER, ...cfg };
    this.kvSetIfChanged("breaker_config", JSON.stringify(merged));
    return merged;
  }

  private breaker(provider: string): BreakerState {
    const raw = this.sql.exec<{ state: string }>(`SELECT state FROM breakers WHERE provider = ?`, provider).toArray()[0]?.state;
    return raw ? (JSON.parse(raw) as BreakerState) : closedBreaker();
  }

  private saveBreaker(provider: string, before: BreakerState, after: BreakerState): void {
    this.sql.exec(`INSERT INTO breakers (provider, state) VALUES (?, ?) ON CONFLICT (provider) DO UPDATE SET state = excluded.state`, provider, JSON.stringify(after));
    if (before.state !== after.state) this.metrics.record([{ metric: "secretaria_llm_breaker_transitions_total", labels: { provider, to: after.state }, inc: 1 }]);
  }

  /** When the contact last wrote to us (the start of the 24 h customer-service window), or null. */
  async lastInboundAt(phone: string): Promise<number | null> {
    return this.sql.exec<{ last_inbound_at: number }>(`SELECT last_inbound_at FROM window WHERE phone = ?`, phone).toArray()[0]?.last_inbound_at ?? null;
  }

  async record(events: MetricEvent[]): Promise<void> {
    this.metrics.record(events);
  }

  async metricsSnapshot(): Promise<MetricSnapshot> {
    const snap = this.metrics.snapshot();
    for (const row of this.sql.exec<{ provider: string; state: string }>(`SELECT provider, state FROM breakers`).toArray()) {
      // An open breaker past its reset timeout is reported as it will act on the next call.
      const cfg = this.kvGet("breaker_config");
      const state = acquire(JSON.parse(row.state) as BreakerState, Date.now(), cfg ? (JSON.parse(cfg) as BreakerConfig) : DEFAULT_BREAKER).state.state;
      snap.counters.push({ metric: "secretaria_llm_breaker_state", labels: { provider: row.provider }, value: breakerGauge(state) });
    }
    return snap;
  }

  private housekeeping(now: number): void {
    this.sql.exec(`DELETE FROM seen WHERE seen_at < ?`, now - DEDUP_RETENTION_MS);
    this.sql.exec(`DELETE FROM context WHERE at < ?`, now - this.settings().context.ttlMs);
    this.sql.exec(`DELETE FROM window WHERE last_inbound_at < ?`, now - DEDUP_RETENTION_MS);
    this.sql.exec(`UPDATE schedule SET due_at = ? WHERE key = 'housekeeping'`, now + HOUSEKEEPING_EVERY_MS);
  }

  /** One alarm for everything: the earliest due schedule row (a housekeeping row always exists). */
  private async armAlarm(): Promise<void> {
    this.sql.exec(`INSERT OR IGNORE INTO schedule (key, kind, due_at) VALUES ('housekeeping', 'housekeeping', ?)`, Date.now() + HOUSEKEEPING_EVERY_MS);
    const next = this.sql.exec<{ due: number }>(`SELECT min(due_at) AS due FROM schedule`).toArray()[0]?.due;
    if (next == null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next || current < Date.now() - 60_000) await this.ctx.storage.setAlarm(next);
  }

  private kvGet(key: string): string | null {
    return this.sql.exec<{ value: string }>(`SELECT value FROM kv WHERE key = ?`, key).toArray()[0]?.value ?? null;
  }

  private kvSetIfChanged(key: string, value: string): void {
    if (this.kvCache.get(key) === value) return;
    this.kvSet(key, value);
  }

  private kvSet(key: string, value: string): void {
    this.kvCache.set(key, value);
    this.sql.exec(`INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value);
  }
}
