/**
 * Per-contact lanes: admission of new messages (dedup by provider id, per-number limits, debounce)
 * and turns (a contact's burst, leased to one consumer at a time, retried with backoff, abandoned
 * after MAX_TURN_ATTEMPTS). Every method is synchronous SQLite and runs inside the DO's
 * transaction, so two callers never interleave halfway; statements are per batch, not per message.
 */
import type { ChannelName } from "../../src/channels/types";
import type { TurnMessage } from "../../src/inbound/messages";
import { gcra } from "../../src/lib/gcra";
import type { MetricEvent } from "../../src/metrics/sql-metrics";
import { type AbandonedTurn, type AdmitRequest, type ClaimedTurn, MAX_TURN_ATTEMPTS, type TurnFailed } from "../../src/tenants/state";
import type { AdmitSettings } from "../../src/tenants/settings";
import type { Scheduler } from "./scheduler";

/** Meta retries a webhook for up to 7 days: remember provider ids a little longer than that. */
export const DEDUP_RETENTION_MS = 8 * 24 * 3_600_000;
/** A handed-out turn not finished by then is handed out again (same turn id, so never answered twice). */
export const TURN_LEASE_MS = 10 * 60_000;
/** A turn is sized by bytes, far under the 128 KB queue limit and the consumer's memory; the rest waits for the next turn. */
export const MAX_TURN_BYTES = 64 * 1024;
/** And by count: a burst of tiny messages is still answered a bounded piece at a time. */
const MAX_TURN_MESSAGES = 200;
export { MAX_TURN_ATTEMPTS };
const RETRY_BASE_MS = 2_000;

export interface Admitted {
  /** Per envelope, in order: how its messages fared. */
  perEnvelope: { accepted: number; duplicates: number; rateLimited: number }[];
  accepted: number;
  duplicates: number;
  rateLimited: number;
  events: MetricEvent[];
  /** Lanes whose debounce already passed (due now). */
  dueNow: string[];
}

export interface Leased {
  contact: string;
  turnId: string;
}

type LaneRow = { contact: string; turn_id: string | null; attempts: number; last_error: string | null };

export class Lanes {
  constructor(
    private readonly sql: SqlStorage,
    private readonly scheduler: Scheduler,
  ) {}

  admit(req: AdmitRequest, now: number): Admitted {
    const { rateLimit } = req.settings;
    const perEnvelope = req.envelopes.map(() => ({ accepted: 0, duplicates: 0, rateLimited: 0 }));
    const all = req.envelopes.flatMap((env, i) => env.messages.map((m) => ({ env, m, tally: perEnvelope[i] ?? { accepted: 0, duplicates: 0, rateLimited: 0 } })));
    // Dedup: one statement for the whole batch; what it inserted is what is new.
    const ids = [...new Set(all.map(({ m }) => m.providerMessageId))];
    const fresh = new Set(
      ids.length
        ? this.sql
            .exec<{ provider_id: string }>(
              `INSERT OR IGNORE INTO seen (provider_id, seen_at) SELECT value, ? FROM json_each(?) WHERE true RETURNING provider_id`,
              now,
              JSON.stringify(ids),
            )
            .toArray()
            .map((r) => r.provider_id)
        : [],
    );
    const events: MetricEvent[] = [];
    let accepted = 0;
    let duplicates = 0;
    let rateLimited = 0;
    const keep: { env: AdmitRequest["envelopes"][number]; m: TurnMessage; contact: string }[] = [];
    const taken = new Set<string>();
    // Per-number GCRA: read every key once, decide in order, write back once.
    const contacts = [...new Set(all.map(({ m }) => m.from))];
    const tats = this.readRates(contacts.map((c) => `num:${c}`));
    for (const { env, m, tally } of all) {
      if (!fresh.has(m.providerMessageId) || taken.has(m.providerMessageId)) {
        duplicates++;
        tally.duplicates++;
        continue;
      }
      taken.add(m.providerMessageId);
      const contact = m.from;
      const key = `num:${contact}`;
      const r = gcra(tats.get(key), now, rateLimit.perNumberPerMinute, rateLimit.perNumberBurst);
      if (r.allowed) tats.set(key, r.tat);
      // The debounce counts from when the webhook arrived, not from when the queue delivered it.
      const receivedAt = Math.min(now, Number.isFinite(env.receivedAt) ? env.receivedAt : now);
      const message: TurnMessage = { ...m, receivedAt, unanswered: r.allowed ? null : "rate_limited", correlationId: env.correlationId };
      keep.push({ env, m: message, contact });
      if (r.allowed) {
        accepted++;
        tally.accepted++;
      } else {
        rateLimited++;
        tally.rateLimited++;
      }
      events.push({ metric: "secretaria_messages_inbound_total", labels: { channel: env.channel, type: m.type }, inc: 1 });
    }
    this.writeRates(tats);
    if (keep.length) {
      this.sql.exec(
        `INSERT INTO pending (contact, channel, body, received_at, bytes)
         SELECT value ->> '$.c', value ->> '$.ch', value ->> '$.b', value ->> '$.r', value ->> '$.n' FROM json_each(?) WHERE true`,
        JSON.stringify(
          keep.map((k) => {
            const body = JSON.stringify(k.m);
            return { c: k.contact, ch: k.env.channel, b: body, r: k.m.receivedAt, n: utf8Bytes(body) };
          }),
        ),
      );
    }
    const dueNow = this.scheduleLanes([...new Set(keep.map((k) => k.contact))], now, req.settings);
    return { perEnvelope, accepted, duplicates, rateLimited, events, dueNow };
  }

  /**
   * Leases the next turn of each lane that is free and has waiting messages; returns the new turns.
   * Three statements for any number of lanes: the waiting messages of the free lanes (oldest first,
   * bounded by bytes, always at least one), then their turn ids and their lanes, each in one write.
   */
  lease(contacts: string[], now: number): Leased[] {
    if (contacts.length === 0) return [];
    // A lane in flight is skipped: finish schedules what arrived meanwhile.
    const rows = this.sql
      .exec<{ contact: string; seq: number; total: number }>(
        `SELECT contact, seq, total FROM (
           SELECT p.contact AS contact, p.seq AS seq,
             sum(p.bytes) OVER (PARTITION BY p.contact ORDER BY p.seq ROWS UNBOUNDED PRECEDING) AS total,
             row_number() OVER (PARTITION BY p.contact ORDER BY p.seq) AS n
           FROM pending p WHERE p.contact IN (SELECT value FROM json_each(?1)) AND p.turn_id IS NULL
             AND NOT EXISTS (SELECT 1 FROM lanes l WHERE l.contact = p.contact AND l.turn_id IS NOT NULL))
         WHERE n = 1 OR (n <= ?2 AND total <= ?3) ORDER BY contact, seq`,
        JSON.stringify([...new Set(contacts)]),
        MAX_TURN_MESSAGES,
        MAX_TURN_BYTES,
      )
      .toArray();
    // The running total only grows, so the rows kept are each lane's oldest messages up to its last seq.
    const last = new Map<string, number>();
    for (const r of rows) last.set(r.contact, r.seq);
    const out = [...new Set(contacts)].flatMap((contact) => {
      const lastSeq = last.get(contact);
      return lastSeq === undefined ? [] : [{ contact, turnId: crypto.randomUUID(), lastSeq }];
    });
    if (out.length) {
      const turns = JSON.stringify(out.map((l) => ({ c: l.contact, t: l.turnId, s: l.lastSeq })));
      this.sql.exec(
        `UPDATE pending SET turn_id = j.value ->> '$.t' FROM json_each(?) j
         WHERE pending.contact = j.value ->> '$.c' AND pending.turn_id IS NULL AND pending.seq <= j.value ->> '$.s'`,
        turns,
      );
      this.sql.exec(
        `INSERT INTO lanes (contact, turn_id, turn_started_at, attempts, last_error)
         SELECT value ->> '$.c', value ->> '$.t', ?, 1, NULL FROM json_each(?) WHERE true
         ON CONFLICT (contact) DO UPDATE SET turn_id = excluded.turn_id, turn_started_at = excluded.turn_started_at, attempts = 1, last_error = NULL`,
        now,
        turns,
      );
    }
    this.scheduler.putMany(
      "lease",
      out.map((l) => ({ key: `lease:${l.contact}`, dueAt: now + TURN_LEASE_MS, payload: l.contact })),
    );
    this.scheduler.remove(out.map((l) => `dispatch:${l.contact}`));
    return out.map(({ contact, turnId }) => ({ contact, turnId }));
  }

  /** A lease ran out (or a retry came due): the same turn is handed out again, its attempt counted. */
  redispatch(contacts: string[], now: number): Leased[] {
    const lanes = this.lanesOf(contacts);
    const out: Leased[] = [];
    for (const contact of contacts) {
      const lane = lanes.get(contact);
      if (!lane?.turn_id) continue;
      out.push({ contact, turnId: lane.turn_id });
    }
    if (out.length) {
      this.sql.exec(
        `UPDATE lanes SET attempts = attempts + 1 WHERE contact IN (SELECT value FROM json_each(?)) AND turn_id IS NOT NULL`,
        JSON.stringify(out.map((l) => l.contact)),
      );
    }
    // The rows keep their attempt count: a hand-out the queue keeps refusing backs off further each time.
    this.scheduler.postpone(
      out.map((l) => `lease:${l.contact}`),
      now + TURN_LEASE_MS,
    );
    const gone = contacts.filter((c) => !out.some((l) => l.contact === c));
    this.scheduler.remove(gone.map((c) => `lease:${c}`));
    return out;
  }

  /** The messages of turns still held by their lane (a turn already finished is simply absent). */
  claim(refs: Leased[]): Omit<ClaimedTurn, "context" | "agenda">[] {
    if (refs.length === 0) return [];
    const lanes = this.lanesOf(refs.map((r) => r.contact));
    const live = refs.filter((r) => lanes.get(r.contact)?.turn_id === r.turnId);
    if (live.length === 0) return [];
    const rows = this.sql
      .exec<{ turn_id: string; channel: string; body: string }>(
        `SELECT turn_id, channel, body FROM pending WHERE turn_id IN (SELECT value FROM json_each(?)) ORDER BY seq`,
        JSON.stringify(live.map((r) => r.turnId)),
      )
      .toArray();
    return live.flatMap((r) => {
      const mine = rows.filter((row) => row.turn_id === r.turnId);
      const first = mine[0];
      const lane = lanes.get(r.contact);
      if (!first || !lane) return [];
      return [
        {
          contact: r.contact,
          turnId: r.turnId,
          channel: first.channel as ChannelName,
          messages: mine.map((m) => JSON.parse(m.body) as TurnMessage),
          attempts: lane.attempts,
          lastError: lane.last_error,
        },
      ];
    });
  }

  /** Frees the lanes of finished turns (only if they still hold that turn) and plans their next turns. */
  release(done: Leased[], now: number, settings: AdmitSettings): Leased[] {
    const lanes = this.lanesOf(done.map((d) => d.contact));
    const mine = done.filter((d) => lanes.get(d.contact)?.turn_id === d.turnId);
    if (mine.length === 0) return [];
    this.sql.exec(`DELETE FROM pending WHERE turn_id IN (SELECT value FROM json_each(?))`, JSON.stringify(mine.map((d) => d.turnId)));
    this.sql.exec(
      `UPDATE lanes SET turn_id = NULL, turn_started_at = NULL, attempts = 0, last_error = NULL WHERE contact IN (SELECT value FROM json_each(?))`,
      JSON.stringify(mine.map((d) => d.contact)),
    );
    this.scheduler.remove(mine.map((d) => `lease:${d.contact}`));
    this.scheduleLanes(
      mine.map((d) => d.contact),
      now,
      settings,
    );
    return mine;
  }

  /** A failed turn comes back after a backoff, or, out of attempts (or hopeless), is given up with its messages. */
  fail(failed: TurnFailed[], now: number, settings: AdmitSettings): AbandonedTurn[] {
    const lanes = this.lanesOf(failed.map((f) => f.contact));
    const abandoned: AbandonedTurn[] = [];
    for (const f of failed) {
      const lane = lanes.get(f.contact);
      if (lane?.turn_id !== f.turnId) continue;
      const error = f.error.slice(0, 500);
      if (f.permanent || lane.attempts >= MAX_TURN_ATTEMPTS) {
        const [turn] = this.claim([{ contact: f.contact, turnId: f.turnId }]);
        if (turn)
          abandoned.push({
            contact: f.contact,
            turnId: f.turnId,
            channel: turn.channel,
            messages: turn.messages,
            attempts: Math.max(lane.attempts, f.attempts ?? 0),
            lastError: error,
          });
        this.release([{ contact: f.contact, turnId: f.turnId }], now, settings);
        continue;
      }
      this.sql.exec(`UPDATE lanes SET last_error = ? WHERE contact = ?`, error, f.contact);
      const delay = Math.min(TURN_LEASE_MS, RETRY_BASE_MS * 2 ** (lane.attempts - 1));
      this.scheduler.put(`lease:${f.contact}`, "lease", now + Math.round(delay / 2 + Math.random() * (delay / 2)), f.contact);
    }
    return abandoned;
  }

  /** A dead turn being reprocessed goes back on its lane, after whatever is waiting there (no dedup, no limits). */
  readmit(contact: string, channel: ChannelName, messages: TurnMessage[], now: number, settings: AdmitSettings): string[] {
    this.sql.exec(
      `INSERT INTO pending (contact, channel, body, received_at, bytes)
       SELECT ?, ?, value ->> '$.b', ?, value ->> '$.n' FROM json_each(?) WHERE true`,
      contact,
      channel,
      now,
      JSON.stringify(
        messages.map((m) => {
          const body = JSON.stringify({ ...m, unanswered: null });
          return { b: body, n: utf8Bytes(body) };
        }),
      ),
    );
    return this.scheduleLanes([contact], now, settings);
  }

  /** Last turn error of a lane (for tests and the dead letter). */
  lane(contact: string): LaneRow | null {
    return this.lanesOf([contact]).get(contact) ?? null;
  }

  /**
   * Debounce: a lane is due `debounceMs` after its newest waiting message, never later than
   * `maxTurnWaitMs` after its oldest. Returns the lanes already due (also planned, for the alarm).
   */
  private scheduleLanes(contacts: string[], now: number, settings: AdmitSettings): string[] {
    if (contacts.length === 0) return [];
    const spans = this.sql
      .exec<{ contact: string; first: number; last: number; busy: number }>(
        `SELECT p.contact AS contact, min(p.received_at) AS first, max(p.received_at) AS last,
           EXISTS (SELECT 1 FROM lanes l WHERE l.contact = p.contact AND l.turn_id IS NOT NULL) AS busy
         FROM pending p WHERE p.contact IN (SELECT value FROM json_each(?)) AND p.turn_id IS NULL GROUP BY p.contact`,
        JSON.stringify(contacts),
      )
      .toArray();
    const rows: { key: string; dueAt: number; payload: string }[] = [];
    const dueNow: string[] = [];
    for (const s of spans) {
      if (s.busy) continue;
      const due = Math.max(now, Math.min(s.last + settings.debounceMs, s.first + settings.maxTurnWaitMs));
      if (due <= now) dueNow.push(s.contact);
      // Planned even when due now: a caller that does not lease it at once leaves it to the alarm.
      rows.push({ key: `dispatch:${s.contact}`, dueAt: due, payload: s.contact });
    }
    this.scheduler.putMany("dispatch", rows);
    return dueNow;
  }

  private lanesOf(contacts: string[]): Map<string, LaneRow> {
    if (contacts.length === 0) return new Map();
    const rows = this.sql
      .exec<LaneRow>(`SELECT contact, turn_id, attempts, last_error FROM lanes WHERE contact IN (SELECT value FROM json_each(?))`, JSON.stringify([...new Set(contacts)]))
      .toArray();
    return new Map(rows.map((r) => [r.contact, r]));
  }

  private readRates(keys: string[]): Map<string, number> {
    if (keys.length === 0) return new Map();
    const rows = this.sql.exec<{ key: string; tat: number }>(`SELECT key, tat FROM rate WHERE key IN (SELECT value FROM json_each(?))`, JSON.stringify(keys)).toArray();
    return new Map(rows.map((r) => [r.key, r.tat]));
  }

  private writeRates(tats: Map<string, number>): void {
    if (tats.size === 0) return;
    this.sql.exec(
      `INSERT INTO rate (key, tat) SELECT value ->> '$.k', value ->> '$.t' FROM json_each(?) WHERE true ON CONFLICT (key) DO UPDATE SET tat = excluded.tat`,
      JSON.stringify([...tats].map(([k, t]) => ({ k, t }))),
    );
  }
}

const encoder = new TextEncoder();
const utf8Bytes = (s: string) => encoder.encode(s).length;
