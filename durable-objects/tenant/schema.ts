import { SqlMetrics } from "../../src/metrics/sql-metrics";
import { USAGE_SCHEMA } from "./usage";

/**
 * The tenant DO's SQLite schema, as steps applied in order once per object (cloudflare/agents'
 * `_ensureSchema` pattern). Never edit a shipped step: add one. test/durable-objects/schema.test.ts
 * migrates an object from the oldest shipped schema with data in it.
 */
export const SCHEMA: string[][] = [
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
  // v4 (issue 9): lanes keyed by the contact's address (a phone or a BSUID), turns sized by bytes and
  // looked up by turn id, attempts counted on lanes and schedule rows, purges by index; the 24 h
  // window lives in D1 (contacts.last_inbound_at), the only place that reads it.
  [
    `ALTER TABLE lanes RENAME COLUMN phone TO contact`,
    `ALTER TABLE lanes ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE pending RENAME COLUMN phone TO contact`,
    `ALTER TABLE pending ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0`,
    `UPDATE pending SET bytes = length(body)`,
    `CREATE INDEX pending_turn_idx ON pending (turn_id, seq)`,
    `ALTER TABLE context RENAME COLUMN phone TO contact`,
    `CREATE INDEX context_at_idx ON context (at)`,
    `ALTER TABLE agenda_state RENAME COLUMN phone TO contact`,
    `ALTER TABLE schedule ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE schedule ADD COLUMN last_error TEXT`,
    `CREATE INDEX rate_tat_idx ON rate (tat)`,
    `DROP TABLE window`,
  ],
  // v5 (issue 10): change numbers on metric series, so the metrics push ships only what changed.
  SqlMetrics.pushSchema,
  // v6 (issue 12): billable usage counted per UTC minute until the next flush to the store.
  USAGE_SCHEMA,
];

/** Applies the steps this object has not seen yet, in one transaction. */
export function migrate(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  sql.exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`);
  const current = sql.exec<{ version: number }>(`SELECT version FROM schema_version`).toArray()[0]?.version ?? 0;
  if (current >= SCHEMA.length) return;
  storage.transactionSync(() => {
    for (const step of SCHEMA.slice(current)) for (const stmt of step) sql.exec(stmt);
    sql.exec(`DELETE FROM schema_version`);
    sql.exec(`INSERT INTO schema_version (version) VALUES (?)`, SCHEMA.length);
  });
}
