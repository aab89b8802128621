import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TenantDO } from "../../durable-objects/tenant";
import { housekeeping } from "../../durable-objects/tenant/housekeeping";
import { Lanes, MAX_TURN_ATTEMPTS, MAX_TURN_BYTES } from "../../durable-objects/tenant/lanes";
import { migrate, SCHEMA } from "../../durable-objects/tenant/schema";
import { ALARM_BATCH, type Scheduler } from "../../durable-objects/tenant/scheduler";
import type { IngressItem } from "../../src/inbound/messages";
import type { AdmitEnvelope } from "../../src/tenants/state";
import { readSettings } from "../../src/tenants/settings";

/** A fresh tenant object per test (storage is isolated per test file, names keep tests apart). */
const fresh = () => env.TENANT.get(env.TENANT.idFromName(`do-test:${crypto.randomUUID()}`));
// The company id is one no tenant has: alarms may hand turns to the real queue, whose consumer then drops them.
const COMPANY = 987_654;
const settings = (over: object = {}) => readSettings({ debounceMs: 0, maxTurnWaitMs: 0, ...over });

const item = (from: string, text: string, id = `wamid.${crypto.randomUUID()}`): IngressItem => ({
  providerMessageId: id,
  from,
  phone: from,
  type: "text",
  text,
  timestamp: Date.now(),
});
const envelope = (messages: IngressItem[]): AdmitEnvelope => ({
  channel: "sandbox",
  receivedAt: Date.now(),
  ackedAt: Date.now(),
  correlationId: "req",
  messages,
  countRequest: true,
  statuses: 0,
  rejected: [],
  clamped: [],
});
const internals = (instance: TenantDO) => instance as unknown as { lanes: Lanes; scheduler: Scheduler; sql: SqlStorage };

describe("TenantDO admission", () => {
  it("drops provider retries within one batch and across batches, with one statement for the whole batch", async () => {
    const stub = fresh();
    const dup = item("5511987650001", "Oi", "wamid.SAME");
    const first = await stub.admit({ companyId: COMPANY, settings: settings(), envelopes: [envelope([dup]), envelope([{ ...dup }])] });
    expect(first).toMatchObject({ accepted: 1, duplicates: 1 });
    const again = await stub.admit({ companyId: COMPANY, settings: settings(), envelopes: [envelope([{ ...dup }])] });
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, ready: [] });
  });

  it("stores a number over its limit but marks it unanswered", async () => {
    const stub = fresh();
    const s = settings({ debounceMs: 5_000, maxTurnWaitMs: 5_000, rateLimit: { perNumberPerMinute: 1, perNumberBurst: 1 } });
    const r = await stub.admit({ companyId: COMPANY, settings: s, envelopes: [envelope([item("5511987650002", "1"), item("5511987650002", "2")])] });
    expect(r).toMatchObject({ accepted: 1, rateLimited: 1 });
    await runInDurableObject(stub, (instance) => {
      const bodies = internals(instance)
        .sql.exec<{ body: string }>(`SELECT body FROM pending ORDER BY seq`)
        .toArray()
        .map((row) => JSON.parse(row.body) as { text: string; unanswered: string | null });
      expect(bodies.map((b) => [b.text, b.unanswered])).toEqual([
        ["1", null],
        ["2", "rate_limited"],
      ]);
    });
  });

  it("debounces a burst into one turn handed out by the alarm, in arrival order", async () => {
    const stub = fresh();
    const s = settings({ debounceMs: 60_000, maxTurnWaitMs: 60_000 });
    const r = await stub.admit({ companyId: COMPANY, settings: s, envelopes: [envelope([item("5511987650003", "Oi")]), envelope([item("5511987650003", "quero marcar")])] });
    expect(r.ready).toEqual([]);
    expect(await stub.lane("5511987650003")).toBeNull();
    // Bring the dispatch forward, then let the alarm run (no sleeping for the debounce).
    await runInDurableObject(stub, (instance) => internals(instance).sql.exec(`UPDATE schedule SET due_at = 0 WHERE kind = 'dispatch'`));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const lane = await stub.lane("5511987650003");
    expect(lane?.turn_id).toBeTruthy();
    const { turns } = await stub.claim([{ contact: "5511987650003", turnId: lane!.turn_id! }]);
    expect(turns[0]?.messages.map((m) => m.text)).toEqual(["Oi", "quero marcar"]);
    expect(turns[0]?.attempts).toBe(1);
  });

  it("sizes a turn by bytes: twenty long accented messages never make one oversized turn, and all are answered in order", async () => {
    const stub = fresh();
    const long = (i: number) => `${i}: ${"ação é já à noite, ótimo; ".repeat(160)}`.slice(0, 4096);
    const messages = Array.from({ length: 20 }, (_, i) => item("5511987650004", long(i)));
    const r = await stub.admit({ companyId: COMPANY, settings: settings(), envelopes: [envelope(messages)] });
    const seen: string[] = [];
    let turn = r.ready[0];
    for (let round = 0; turn && round < 20; round++) {
      const bytes = new TextEncoder().encode(JSON.stringify(turn.messages)).length;
      expect(bytes).toBeLessThanOrEqual(MAX_TURN_BYTES + 1024);
      seen.push(...turn.messages.map((m) => m.text.slice(0, 3)));
      await stub.finish({ done: [{ contact: turn.contact, turnId: turn.turnId, context: [], metrics: [] }], failed: [], metrics: [] });
      await runInDurableObject(stub, (instance) => internals(instance).sql.exec(`UPDATE schedule SET due_at = 0 WHERE kind = 'dispatch'`));
      await runDurableObjectAlarm(stub);
      const lane = await stub.lane("5511987650004");
      turn = lane?.turn_id ? (await stub.claim([{ contact: "5511987650004", turnId: lane.turn_id }])).turns[0] : undefined;
    }
    expect(seen).toEqual(messages.map((m) => m.text.slice(0, 3)));
    expect(seen.length).toBe(20);
  });

  it("leases every due lane in a constant number of statements: each free lane its own turn, a lane in flight left alone", async () => {
    const stub = fresh();
    const s = settings({ debounceMs: 60_000, maxTurnWaitMs: 60_000 });
    const contacts = Array.from({ length: 30 }, (_, i) => `55119876511${String(i).padStart(2, "0")}`);
    await stub.admit({ companyId: COMPANY, settings: s, envelopes: [envelope(contacts.flatMap((c) => [item(c, `${c} 1`), item(c, `${c} 2`)]))] });
    await runInDurableObject(stub, (instance) => {
      const { sql, scheduler } = internals(instance);
      sql.exec(`INSERT INTO lanes (contact, turn_id, turn_started_at, attempts) VALUES (?, 'turn-in-flight', 0, 1)`, contacts[0]);
      let statements = 0;
      const counted = new Proxy(sql, {
        get(target, prop) {
          const value = Reflect.get(target, prop) as unknown;
          if (prop === "exec")
            return (...args: Parameters<SqlStorage["exec"]>) => {
              statements++;
              return target.exec(...args);
            };
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      const leased = new Lanes(counted, scheduler).lease(contacts, Date.now());
      expect(statements).toBeLessThanOrEqual(5);
      expect(leased.map((l) => l.contact)).toEqual(contacts.slice(1));
      expect(new Set(leased.map((l) => l.turnId)).size).toBe(contacts.length - 1);
      // Both of a contact's messages ride in its turn; the lane in flight keeps its messages waiting.
      const rows = sql.exec<{ contact: string; turn_id: string | null }>(`SELECT contact, turn_id FROM pending ORDER BY seq`).toArray();
      const turnOf = new Map(leased.map((l) => [l.contact, l.turnId]));
      for (const row of rows) expect(row.turn_id).toBe(turnOf.get(row.contact) ?? null);
      expect(rows.filter((r) => r.contact === contacts[0] && r.turn_id === null)).toHaveLength(2);
    });
  });

  it("hands out at most 200 tiny messages per turn, oldest first, and the rest in the next turn", async () => {
    const stub = fresh();
    const contact = "5511987650099";
    const messages = Array.from({ length: 250 }, (_, i) => item(contact, String(i)));
    const r = await stub.admit({ companyId: COMPANY, settings: settings(), envelopes: [envelope(messages)] });
    const first = r.ready[0]!;
    expect(first.messages.map((m) => m.text)).toEqual(messages.slice(0, 200).map((m) => m.text));
    await stub.finish({ done: [{ contact, turnId: first.turnId, context: [], metrics: [] }], failed: [], metrics: [] });
    await runInDurableObject(stub, (instance) => internals(instance).sql.exec(`UPDATE schedule SET due_at = 0 WHERE kind = 'dispatch'`));
    await runDurableObjectAlarm(stub);
    const lane = await stub.lane(contact);
    const next = (await stub.claim([{ contact, turnId: lane!.turn_id! }])).turns[0];
    expect(next?.messages.map((m) => m.text)).toEqual(messages.slice(200).map((m) => m.text));
  });

  it("retries a failed turn with its attempts counted, and gives it up with its messages after MAX_TURN_ATTEMPTS", async () => {
    const stub = fresh();
    const r = await stub.admit({ companyId: COMPANY, settings: settings(), envelopes: [envelope([item("5511987650005", "Oi")])] });
    const turn = r.ready[0]!;
    for (let attempt = 1; attempt < MAX_TURN_ATTEMPTS; attempt++) {
      const { abandoned } = await stub.finish({ done: [], failed: [{ contact: turn.contact, turnId: turn.turnId, error: `boom ${attempt}`, permanent: false }], metrics: [] });
      expect(abandoned).toEqual([]);
      const due = await runInDurableObject(
        stub,
        (instance) => internals(instance).sql.exec<{ due_at: number }>(`SELECT due_at FROM schedule WHERE key = ?`, `lease:${turn.contact}`).one().due_at,
      );
      expect(due).toBeGreaterThan(Date.now()); // backs off instead of spinning
      await runInDurableObject(stub, (instance) => internals(instance).lanes.redispatch([turn.contact], Date.now()));
      expect((await stub.lane(turn.contact))?.attempts).toBe(attempt + 1);
    }
    const { abandoned } = await stub.finish({ done: [], failed: [{ contact: turn.contact, turnId: turn.turnId, error: "boom last", permanent: false }], metrics: [] });
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]).toMatchObject({ attempts: MAX_TURN_ATTEMPTS, lastError: "boom last" });
    expect(abandoned[0]?.messages.map((m) => m.text)).toEqual(["Oi"]);
    // The lane is free: the contact's next message is a new turn at once.
    expect((await stub.lane(turn.contact))?.turn_id).toBeNull();
    const next = await stub.admit({ companyId: COMPANY, settings: settings(), envelopes: [envelope([item("5511987650005", "Oi de novo")])] });
    expect(next.ready[0]?.messages.map((m) => m.text)).toEqual(["Oi de novo"]);
  });

  it("finishes a turn only once: a second finish of the same turn id changes nothing", async () => {
    const stub = fresh();
    const r = await stub.admit({ companyId: COMPANY, settings: settings(), envelopes: [envelope([item("5511987650006", "Oi")])] });
    const t = r.ready[0]!;
    const done = { contact: t.contact, turnId: t.turnId, context: [{ role: "contact" as const, text: "Oi", at: Date.now() }], metrics: [] };
    await stub.finish({ done: [done], failed: [], metrics: [] });
    await stub.finish({ done: [done], failed: [], metrics: [] });
    expect(await stub.context("5511987650006")).toHaveLength(1);
  });
});

describe("TenantDO schedule and alarm", () => {
  it("runs at most ALARM_BATCH due rows per alarm and re-arms for the rest", async () => {
    const stub = fresh();
    await runInDurableObject(stub, async (instance, state) => {
      const { scheduler } = internals(instance);
      scheduler.putMany(
        "housekeeping",
        Array.from({ length: ALARM_BATCH + 100 }, (_, i) => ({ key: `h${i}`, dueAt: i, payload: null })),
      );
      expect(scheduler.due(Date.now())).toHaveLength(ALARM_BATCH);
      await scheduler.arm();
      // Overdue: armed for now, not for a time in the past.
      expect(await state.storage.getAlarm()).toBeLessThanOrEqual(Date.now());
    });
  });

  it("an idle tenant stops waking up: with nothing stored, housekeeping plans no next run and the alarm is cleared", async () => {
    const stub = fresh();
    await runInDurableObject(stub, async (instance, state) => {
      const { sql, scheduler } = internals(instance);
      scheduler.put("housekeeping", "housekeeping", Date.now() + 1000);
      await scheduler.arm();
      expect(await state.storage.getAlarm()).not.toBeNull();
      housekeeping(sql, scheduler, Date.now(), 24 * 3_600_000);
      await scheduler.arm();
      expect(await state.storage.getAlarm()).toBeNull();
    });
  });

  it("a task whose queue send fails comes back later with its attempt counted", async () => {
    const stub = fresh();
    await runInDurableObject(stub, (instance) => {
      const { scheduler, sql } = internals(instance);
      scheduler.put("task:1", "task", 0, JSON.stringify({ taskId: 1 }));
      scheduler.failed(["task:1"], 1_000, "queue down");
      scheduler.failed(["task:1"], 1_000, "queue down again");
      const row = sql.exec<{ attempts: number; due_at: number; last_error: string }>(`SELECT attempts, due_at, last_error FROM schedule WHERE key = 'task:1'`).one();
      expect(row.attempts).toBe(2);
      expect(row.due_at).toBe(1_000 + 4_000);
      expect(row.last_error).toBe("queue down again");
    });
  });
});

describe("TenantDO schema", () => {
  it("migrates an object from the oldest shipped schema, keeping its lanes, pending messages and context", async () => {
    const stub = fresh();
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      // Back to version 1 with data in the old layout.
      for (const t of [
        "kv",
        "seen",
        "rate",
        "pending",
        "lanes",
        "schedule",
        "context",
        "breakers",
        "agenda_state",
        "metric_counters",
        "metric_histograms",
        "metric_push",
        "usage_pending",
        "schema_version",
      ])
        sql.exec(`DROP TABLE IF EXISTS ${t}`);
      sql.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL)`);
      for (const stmt of SCHEMA[0] ?? []) sql.exec(stmt);
      sql.exec(`INSERT INTO schema_version (version) VALUES (1)`);
      sql.exec(`INSERT INTO pending (phone, channel, body, received_at, turn_id) VALUES ('5511987650007', 'sandbox', '{"text":"Olá"}', 1, 'turn-old')`);
      sql.exec(`INSERT INTO lanes (phone, turn_id, turn_started_at) VALUES ('5511987650007', 'turn-old', 1)`);
      sql.exec(`INSERT INTO context (phone, role, text, at) VALUES ('5511987650007', 'contact', 'Olá', ?)`, Date.now());
      sql.exec(`INSERT INTO window (phone, last_inbound_at) VALUES ('5511987650007', 1)`);
      sql.exec(`INSERT INTO metric_counters (metric, labels, value) VALUES ('secretaria_turns_total', '{"intent":"greeting"}', 3)`);

      migrate(state.storage);

      expect(sql.exec<{ version: number }>(`SELECT version FROM schema_version`).one().version).toBe(SCHEMA.length);
      expect(sql.exec(`SELECT contact, bytes FROM pending`).toArray()).toEqual([{ contact: "5511987650007", bytes: '{"text":"Olá"}'.length }]);
      expect(sql.exec(`SELECT contact, turn_id, attempts FROM lanes`).toArray()).toEqual([{ contact: "5511987650007", turn_id: "turn-old", attempts: 0 }]);
      expect(sql.exec(`SELECT contact, text FROM context`).toArray()).toEqual([{ contact: "5511987650007", text: "Olá" }]);
      expect(sql.exec(`SELECT name FROM sqlite_master WHERE name = 'window'`).toArray()).toEqual([]);
      // Counts from before the metrics push are still to be pushed (change 1 > pushed 0).
      expect(sql.exec(`SELECT value, seq FROM metric_counters`).toArray()).toEqual([{ value: 3, seq: 1 }]);
      expect(sql.exec(`SELECT seq, pushed_seq FROM metric_push`).toArray()).toEqual([{ seq: 1, pushed_seq: 0 }]);
      // Applying it again is a no-op.
      migrate(state.storage);
      expect(sql.exec<{ version: number }>(`SELECT version FROM schema_version`).one().version).toBe(SCHEMA.length);
    });
  });
});

describe("a reference to a finished turn", () => {
  it("claims nothing, so a queue redelivery after the answer does no work", async () => {
    const stub = fresh();
    const r = await stub.admit({ companyId: COMPANY, settings: settings(), envelopes: [envelope([item("5511987650008", "Oi")])] });
    const t = r.ready[0]!;
    await stub.finish({ done: [{ contact: t.contact, turnId: t.turnId, context: [], metrics: [] }], failed: [], metrics: [] });
    expect((await stub.claim([{ contact: t.contact, turnId: t.turnId }])).turns).toEqual([]);
  });
});
