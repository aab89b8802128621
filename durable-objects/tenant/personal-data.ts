/** What the tenant DO holds about one contact address (phone or BSUID): read for an export, deleted for an erasure. */
import type { ContactState, ContactStateErased } from "../../src/tenants/contact-state";

export function contactState(sql: SqlStorage, address: string): ContactState {
  const one = <T extends Record<string, SqlStorageValue>>(q: string, ...args: SqlStorageValue[]) => sql.exec<T>(q, ...args).toArray();
  const lane = one<{ turn_id: string | null; turn_started_at: number | null; attempts: number; last_error: string | null }>(
    `SELECT turn_id, turn_started_at, attempts, last_error FROM lanes WHERE contact = ?`,
    address,
  )[0];
  const agenda = one<{ state: string; expires_at: number }>(`SELECT state, expires_at FROM agenda_state WHERE contact = ?`, address)[0];
  return {
    address,
    context: one<{ role: string; text: string; at: number; meta: string | null }>(`SELECT role, text, at, meta FROM context WHERE contact = ? ORDER BY id`, address),
    lane: lane ?? null,
    pending: one<{ channel: string; body: string; received_at: number }>(`SELECT channel, body, received_at FROM pending WHERE contact = ? ORDER BY seq`, address),
    agenda: agenda ?? null,
    rateLimited: one(`SELECT 1 FROM rate WHERE key = ?`, `num:${address}`).length > 0,
  };
}

/**
 * Deletes every row keyed by the addresses. The dedup table (seen) is kept: it holds provider ids
 * only, for Meta's 7-day retry window, and is purged after it (housekeeping).
 */
export function eraseContactState(sql: SqlStorage, addresses: string[]): ContactStateErased {
  const list = JSON.stringify([...new Set(addresses)]);
  const del = (q: string, arg: string) => sql.exec(q, arg).rowsWritten;
  const keys = JSON.stringify(addresses.flatMap((a) => [`dispatch:${a}`, `lease:${a}`]));
  return {
    context: del(`DELETE FROM context WHERE contact IN (SELECT value FROM json_each(?))`, list),
    lanes: del(`DELETE FROM lanes WHERE contact IN (SELECT value FROM json_each(?))`, list),
    pending: del(`DELETE FROM pending WHERE contact IN (SELECT value FROM json_each(?))`, list),
    agenda: del(`DELETE FROM agenda_state WHERE contact IN (SELECT value FROM json_each(?))`, list),
    rate: del(`DELETE FROM rate WHERE key IN (SELECT 'num:' || value FROM json_each(?))`, list),
    schedule: del(`DELETE FROM schedule WHERE key IN (SELECT value FROM json_each(?))`, keys),
  };
}
