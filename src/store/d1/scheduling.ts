import type { EngineSpecific } from "../portable/context";
import type { ImportScreen } from "../portable/scheduling";
import type { Appointment, HistoryRecord, Store } from "../types";
import type { D1Ctx } from "./db";

/** The columns the risk model reads; a live row's last contact is its last inbound message before the start. */
const HISTORY_SELECT = `SELECT a.id, a.contact_id, a.external_id, a.booked_at, a.starts_at, a.ends_at, a.status, a.reminder_sent, a.reminder_answered,
  (a.confirmed_at IS NOT NULL OR a.status = 'confirmed') AS confirmed, a.attrs,
  COALESCE(a.last_contact_at, (SELECT max(m.created_at) FROM messages m WHERE m.company_id = a.company_id AND m.contact_id = a.contact_id AND m.direction = 'in' AND m.created_at < a.starts_at)) AS last_contact_at
  FROM appointments a`;

interface HistorySqlRow {
  id: number;
  contact_id: number;
  external_id: string | null;
  booked_at: number;
  starts_at: number;
  ends_at: number;
  status: Appointment["status"];
  reminder_sent: number;
  reminder_answered: number;
  confirmed: number;
  attrs: string | null;
  last_contact_at: number | null;
}

const toHistory = (r: HistorySqlRow): HistoryRecord => ({
  id: r.id,
  contactId: r.contact_id,
  externalId: r.external_id,
  bookedAt: r.booked_at,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  status: r.status,
  reminderSent: r.reminder_sent === 1,
  reminderAnswered: r.reminder_answered === 1,
  confirmed: r.confirmed === 1,
  lastContactAt: r.last_contact_at,
  attrs: r.attrs ? (JSON.parse(r.attrs) as Record<string, string | number>) : {},
});

/** The analysis's bulk statements, in this engine's SQL. */
/**
 * An imported row that comes again unchanged is left alone: SQLite rewrites the index entries of every
 * column an UPDATE assigns, changed or not, so re-importing a file rewrote every row and three indexes
 * (starts_at in file order lands all over them): re-import ran at a third of the first import's rate.
 */
const CHANGED = `(appointments.contact_id, appointments.starts_at, appointments.ends_at, appointments.status, appointments.booked_at,
  appointments.confirmed_at, appointments.attended_at, appointments.reminder_sent, appointments.reminder_answered, appointments.last_contact_at, appointments.attrs)
  IS NOT (excluded.contact_id, excluded.starts_at, excluded.ends_at, excluded.status, excluded.booked_at,
  excluded.confirmed_at, excluded.attended_at, excluded.reminder_sent, excluded.reminder_answered, excluded.last_contact_at, excluded.attrs)`;

export function schedulingBulk({ d1 }: D1Ctx, screen: ImportScreen): Pick<Store["scheduling"], EngineSpecific["scheduling"]> {
  return {
    /**
     * Idempotent by the unique (company_id, external_id) index with ON CONFLICT DO UPDATE … WHERE
     * source = 'import', so a concurrent booking's row is never overwritten (as on Postgres). The
     * json_each unpacking is SQLite's; store/postgres/scheduling.ts uses jsonb_to_recordset.
     */
    async importRows(companyId, rows, at) {
      const { good, errors } = await screen(companyId, rows);
      if (good.length === 0) return errors;
      const phones = [...new Set(good.flatMap((r) => ("phone" in r.contact ? [r.contact.phone] : [])))];
      const packed = good.map((r) => ({
        e: r.externalId,
        c: "contactId" in r.contact ? r.contact.contactId : null,
        p: "phone" in r.contact ? r.contact.phone : null,
        b: r.bookedAt,
        s: r.startsAt,
        n: r.endsAt,
        st: r.status,
        cf: r.confirmed || r.status === "confirmed" ? 1 : 0,
        rs: r.reminderSent ? 1 : 0,
        ra: r.reminderAnswered ? 1 : 0,
        lc: r.lastContactAt,
        a: r.attrs,
      }));
      // One statement per chunk through json_each: D1 allows 100 bound parameters, not 100 rows × 12.
      await d1.batch([
        d1
          .prepare(`INSERT INTO contacts (company_id, phone) SELECT ?1, value FROM json_each(?2) WHERE true ON CONFLICT (company_id, phone) DO NOTHING`)
          .bind(companyId, JSON.stringify(phones)),
        d1
          .prepare(
            `INSERT INTO appointments (company_id, contact_id, provider, booking_uid, external_id, starts_at, ends_at, status, source, booked_at,
               confirmed_at, attended_at, reminder_sent, reminder_answered, last_contact_at, attrs, updated_at)
             SELECT ?1, COALESCE(v ->> '$.c', (SELECT id FROM contacts WHERE company_id = ?1 AND phone = v ->> '$.p')), 'import', 'import:' || (v ->> '$.e'), v ->> '$.e',
               v ->> '$.s', v ->> '$.n', v ->> '$.st', 'import', v ->> '$.b',
               CASE WHEN v ->> '$.cf' = 1 THEN v ->> '$.b' END, CASE WHEN v ->> '$.st' = 'attended' THEN v ->> '$.n' END,
               v ->> '$.rs', v ->> '$.ra', v ->> '$.lc', v -> '$.a', ?3
             FROM (SELECT value AS v FROM json_each(?2)) WHERE true
             ON CONFLICT (company_id, external_id) DO UPDATE SET
               contact_id = excluded.contact_id, starts_at = excluded.starts_at, ends_at = excluded.ends_at, status = excluded.status,
               booked_at = excluded.booked_at, confirmed_at = excluded.confirmed_at, attended_at = excluded.attended_at,
               reminder_sent = excluded.reminder_sent, reminder_answered = excluded.reminder_answered,
               last_contact_at = excluded.last_contact_at, attrs = excluded.attrs, updated_at = excluded.updated_at
             WHERE appointments.source = 'import' AND ${CHANGED}`,
          )
          .bind(companyId, JSON.stringify(packed), at),
      ]);
      return errors;
    },
    // Nothing on D1: SQLite plans from the schema's indexes and keeps no statistics unless ANALYZE
    // ever ran, so there are none to go stale.
    async analyzeImported() {},
    async history(companyId, q) {
      // Newest first in pages (keyset on starts_at, id), so a 100k-row history never is one huge result.
      const out: HistoryRecord[] = [];
      let before: [number, number] = [q.to, 0];
      const contacts = q.contactIds ? JSON.stringify(q.contactIds) : null;
      while (out.length < q.limit) {
        const page = Math.min(20_000, q.limit - out.length);
        const { results } = await d1
          .prepare(
            `${HISTORY_SELECT} WHERE a.company_id = ?1 AND a.starts_at >= ?2 AND (a.starts_at < ?3 OR (a.starts_at = ?3 AND a.id < ?4))
               AND (?5 IS NULL OR a.contact_id IN (SELECT value FROM json_each(?5)))
             ORDER BY a.starts_at DESC, a.id DESC LIMIT ?6`,
          )
          .bind(companyId, q.from ?? 0, before[0], before[1], contacts, page)
          .all<HistorySqlRow>();
        out.push(...results.map(toHistory));
        const last = results[results.length - 1];
        if (!last || results.length < page) break;
        before = [last.starts_at, last.id];
      }
      return out.reverse();
    },
    async upcoming(companyId, from, to, limit) {
      const { results } = await d1
        .prepare(
          `${HISTORY_SELECT.replace("SELECT", "SELECT a.provider, a.risk_flagged_at, a.reschedule_offered_at,")}
           WHERE a.company_id = ?1 AND a.status IN ('scheduled', 'confirmed') AND a.starts_at >= ?2 AND a.starts_at < ?3
           ORDER BY a.starts_at, a.id LIMIT ?4`,
        )
        .bind(companyId, from, to, limit)
        .all<HistorySqlRow & { provider: Appointment["provider"]; risk_flagged_at: number | null; reschedule_offered_at: number | null }>();
      return results.map((r) => ({ ...toHistory(r), provider: r.provider, riskFlaggedAt: r.risk_flagged_at, rescheduleOfferedAt: r.reschedule_offered_at }));
    },
    async setRisk(companyId, scores, at) {
      if (scores.length === 0) return;
      await d1
        .prepare(
          `UPDATE appointments SET no_show_prob = j.value ->> '$.p', risk_reasons = j.value -> '$.r', risk_scored_at = ?3
           FROM json_each(?2) AS j WHERE appointments.company_id = ?1 AND appointments.id = j.value ->> '$.id'`,
        )
        .bind(companyId, JSON.stringify(scores.map((x) => ({ id: x.id, p: x.prob, r: x.reasons }))), at)
        .run();
    },
    // Replace = DELETE + INSERT in one batch (a D1 transaction): a reader sees the old rows or the new ones.
    async saveInsights(companyId, rows, at) {
      await d1.batch([
        d1.prepare(`DELETE FROM scheduling_insights WHERE company_id = ?1`).bind(companyId),
        d1
          .prepare(
            `INSERT INTO scheduling_insights (company_id, weekday, hour, volume, resolved, attendance_rate, no_show_prob, confirmation_rate, score, suggested_slot, label, updated_at)
             SELECT ?1, v ->> '$.weekday', v ->> '$.hour', v ->> '$.volume', v ->> '$.resolved', v ->> '$.attendanceRate', v ->> '$.noShowProb',
               v ->> '$.confirmationRate', v ->> '$.score', v ->> '$.suggestedSlot', v ->> '$.label', ?3
             FROM (SELECT value AS v FROM json_each(?2))`,
          )
          .bind(companyId, JSON.stringify(rows.map((r) => ({ ...r, suggestedSlot: r.suggestedSlot ? 1 : 0 }))), at),
      ]);
    },
    /**
     * Single writer: INSERT … WHERE NOT EXISTS (a recent run) is one statement, and D1 runs one at a
     * time, so two crons can't both start. (Postgres can't see the other's uncommitted insert, and a
     * unique index can't say "within guardMs": store/postgres/scheduling.ts takes a per-tenant lock.)
     */
    async claimRun(companyId, trigger, at, guardMs) {
      const row = await d1
        .prepare(
          `INSERT INTO agenda_optimization_runs (company_id, trigger, status, started_at)
           SELECT ?1, ?2, 'running', ?3 WHERE NOT EXISTS (
             SELECT 1 FROM agenda_optimization_runs WHERE company_id = ?1 AND trigger = ?2 AND started_at > ?4 AND status != 'failed')
           RETURNING id`,
        )
        .bind(companyId, trigger, at, at - guardMs)
        .first<{ id: number }>();
      return row?.id ?? null;
    },
  };
}
