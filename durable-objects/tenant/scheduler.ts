/**
 * The tenant DO's one alarm, driven by a schedule table and re-armed to the earliest due row
 * (cloudflare/agents' `_scheduleNextAlarmBody`); deleted when nothing is due, so an idle tenant
 * never wakes up.
 */

/**
 * dispatch: a lane's debounce ended; lease: re-send a turn nobody finished; task: an appointment task;
 * housekeeping: purges; metrics: push changed series to the metrics aggregate (tenant/metrics-push.ts);
 * held: work postponed while the tenant is suspended (tenant/held.ts).
 */
export type ScheduleKind = "dispatch" | "lease" | "task" | "housekeeping" | "metrics" | "held" | "usage";

export interface ScheduleRow {
  key: string;
  kind: ScheduleKind;
  dueAt: number;
  payload: string | null;
  attempts: number;
}

/** How many due rows one alarm run takes; the rest run right after (the alarm is re-armed to now). */
export const ALARM_BATCH = 500;
const RETRY_BASE_MS = 2_000;
const RETRY_CAP_MS = 10 * 60_000;

export class Scheduler {
  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: DurableObjectStorage,
  ) {}

  put(key: string, kind: ScheduleKind, dueAt: number, payload: string | null = null): void {
    this.sql.exec(
      `INSERT INTO schedule (key, kind, due_at, payload, attempts) VALUES (?, ?, ?, ?, 0)
       ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload, attempts = 0, last_error = NULL`,
      key,
      kind,
      dueAt,
      payload,
    );
  }

  /** Many rows of one kind in one statement. */
  putMany(kind: ScheduleKind, rows: { key: string; dueAt: number; payload: string | null }[]): void {
    if (rows.length === 0) return;
    this.sql.exec(
      `INSERT INTO schedule (key, kind, due_at, payload, attempts)
       SELECT value ->> '$.k', ?, value ->> '$.d', value ->> '$.p', 0 FROM json_each(?) WHERE true
       ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload, attempts = 0, last_error = NULL`,
      kind,
      JSON.stringify(rows.map((r) => ({ k: r.key, d: r.dueAt, p: r.payload }))),
    );
  }

  /** Moves existing rows to a new time, keeping their attempts and last error. */
  postpone(keys: string[], dueAt: number): void {
    if (keys.length === 0) return;
    this.sql.exec(`UPDATE schedule SET due_at = ? WHERE key IN (SELECT value FROM json_each(?))`, dueAt, JSON.stringify(keys));
  }

  /** Adds the row only when there is none (a sooner or later one already planned stays). */
  ensure(key: string, kind: ScheduleKind, dueAt: number): void {
    this.sql.exec(`INSERT OR IGNORE INTO schedule (key, kind, due_at) VALUES (?, ?, ?)`, key, kind, dueAt);
  }

  /** The row at `dueAt`, or sooner if it already is (retry counts kept). */
  atMost(key: string, kind: ScheduleKind, dueAt: number): void {
    this.sql.exec(`INSERT INTO schedule (key, kind, due_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET due_at = min(due_at, excluded.due_at)`, key, kind, dueAt);
  }

  remove(keys: string[]): void {
    if (keys.length === 0) return;
    this.sql.exec(`DELETE FROM schedule WHERE key IN (SELECT value FROM json_each(?))`, JSON.stringify(keys));
  }

  /** The earliest due rows, at most ALARM_BATCH. */
  due(now: number): ScheduleRow[] {
    return this.sql
      .exec<{ key: string; kind: ScheduleKind; due_at: number; payload: string | null; attempts: number }>(
        `SELECT key, kind, due_at, payload, attempts FROM schedule WHERE due_at <= ? ORDER BY due_at LIMIT ?`,
        now,
        ALARM_BATCH,
      )
      .toArray()
      .map((r) => ({ key: r.key, kind: r.kind, dueAt: r.due_at, payload: r.payload, attempts: r.attempts }));
  }

  /** A row whose work failed comes back later, further apart each time, with the attempt counted. */
  failed(keys: string[], now: number, error: string): void {
    if (keys.length === 0) return;
    const attempts =
      this.sql.exec<{ attempts: number }>(`SELECT max(attempts) AS attempts FROM schedule WHERE key IN (SELECT value FROM json_each(?))`, JSON.stringify(keys)).toArray()[0]
        ?.attempts ?? 0;
    const delay = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempts);
    this.sql.exec(
      `UPDATE schedule SET attempts = attempts + 1, last_error = ?, due_at = ? WHERE key IN (SELECT value FROM json_each(?))`,
      error.slice(0, 500),
      now + delay,
      JSON.stringify(keys),
    );
  }

  /** Points the alarm at the earliest row, or clears it when there is none. */
  async arm(): Promise<void> {
    const next = this.sql.exec<{ due: number | null }>(`SELECT min(due_at) AS due FROM schedule`).toArray()[0]?.due ?? null;
    const current = await this.storage.getAlarm();
    if (next === null) {
      if (current !== null) await this.storage.deleteAlarm();
      return;
    }
    // Overdue rows run now (setAlarm refuses a time in the past); an alarm set earlier than needed only wakes early and re-arms.
    const target = Math.max(next, Date.now());
    if (current === null || current > target || current < Date.now() - 60_000) await this.storage.setAlarm(target);
  }
}
