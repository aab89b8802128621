/** The short context (recent turns) and the booking state of each contact, read and written per batch. */
import type { AgendaState, ContextEntry } from "../../src/tenants/state";

type ContextRow = { contact: string; role: "contact" | "assistant"; text: string; at: number; meta: string | null };

export class ConversationState {
  constructor(private readonly sql: SqlStorage) {}

  /** Each contact's recent entries within the TTL, oldest first. */
  contexts(contacts: string[], now: number, ttlMs: number): Map<string, ContextEntry[]> {
    const out = new Map<string, ContextEntry[]>(contacts.map((c) => [c, []]));
    if (contacts.length === 0) return out;
    const rows = this.sql
      .exec<ContextRow>(
        `SELECT contact, role, text, at, meta FROM context WHERE contact IN (SELECT value FROM json_each(?)) AND at >= ? ORDER BY id`,
        JSON.stringify(contacts),
        now - ttlMs,
      )
      .toArray();
    for (const { contact, meta, ...e } of rows) {
      out.get(contact)?.push(meta ? { ...e, ...(JSON.parse(meta) as Pick<ContextEntry, "sentiment" | "handled" | "intent">) } : e);
    }
    return out;
  }

  /** Appends entries and keeps each contact's newest `maxEntries`. */
  append(entries: { contact: string; entry: ContextEntry }[], maxEntries: number): void {
    if (entries.length === 0) return;
    this.sql.exec(
      `INSERT INTO context (contact, role, text, at, meta)
       SELECT value ->> '$.c', value ->> '$.r', value ->> '$.t', value ->> '$.a', value ->> '$.m' FROM json_each(?) WHERE true`,
      JSON.stringify(
        entries.map(({ contact, entry: e }) => ({
          c: contact,
          r: e.role,
          t: e.text,
          a: e.at,
          m: e.sentiment || e.handled !== undefined || e.intent ? JSON.stringify({ sentiment: e.sentiment, handled: e.handled, intent: e.intent }) : null,
        })),
      ),
    );
    this.sql.exec(
      `DELETE FROM context WHERE id IN (
         SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY contact ORDER BY id DESC) AS n FROM context WHERE contact IN (SELECT value FROM json_each(?)))
         WHERE n > ?)`,
      JSON.stringify([...new Set(entries.map((e) => e.contact))]),
      maxEntries,
    );
  }

  agendaStates(contacts: string[], now: number): Map<string, AgendaState> {
    if (contacts.length === 0) return new Map();
    const rows = this.sql
      .exec<{ contact: string; state: string }>(
        `SELECT contact, state FROM agenda_state WHERE contact IN (SELECT value FROM json_each(?)) AND expires_at >= ?`,
        JSON.stringify(contacts),
        now,
      )
      .toArray();
    return new Map(rows.map((r) => [r.contact, JSON.parse(r.state) as AgendaState]));
  }

  setAgendaState(contact: string, state: AgendaState | null, now: number, ttlMs = 24 * 3_600_000): void {
    if (!state) this.sql.exec(`DELETE FROM agenda_state WHERE contact = ?`, contact);
    else
      this.sql.exec(
        `INSERT INTO agenda_state (contact, state, expires_at) VALUES (?, ?, ?) ON CONFLICT (contact) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at`,
        contact,
        JSON.stringify(state),
        now + ttlMs,
      );
  }
}
