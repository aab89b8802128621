import { eq, sql } from "drizzle-orm";
import type { EngineSpecific } from "../portable/context";
import type { ImportScreen } from "../portable/scheduling";
import type { Appointment, HistoryRecord, Store } from "../types";
import type { PgCtx } from "./db";
import * as s from "./schema";

/** Advisory lock key space for the analysis run claim: (RUN_LOCK, company id). */
const RUN_LOCK = 3;
/** (INSIGHTS_LOCK, company id): two analyses saving at once would each delete only the rows they saw, then collide inserting. */
const INSIGHTS_LOCK = 4;

/** The columns the risk model reads; a live row's last contact is its last inbound message before the start. */
const HISTORY_SELECT = `SELECT a.id, a.contact_id, a.external_id, a.booked_at, a.starts_at, a.ends_at, a.status, a.reminder_sent, a.reminder_answered,
  (a.confirmed_at IS NOT NULL OR a.status = 'confirmed') AS confirmed, a.attrs,
  COALESCE(a.last_contact_at, (SELECT max(m.created_at) FROM messages m WHERE m.company_id = a.company_id AND m.contact_id = a.contact_id AND m.direction = 'in' AND m.created_at < a.starts_at)) AS last_contact_at
  FROM appointments a`;

// Postgres.js returns bigint as strings and booleans as booleans: the mapper converts both.
interface HistorySqlRow extends Record<string, unknown> {
  id: number;
  contact_id: number;
  external_id: string | null;
  booked_at: string | number;
  starts_at: string | number;
  ends_at: string | number;
  status: Appointment["status"];
  reminder_sent: boolean;
  reminder_answered: boolean;
  confirmed: boolean;
  attrs: Record<string, string | number> | null;
  last_contact_at: string | number | null;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

const toHistory = (r: HistorySqlRow): HistoryRecord => ({
  id: Number(r.id),
  contactId: Number(r.contact_id),
  externalId: r.external_id,
  bookedAt: Number(r.booked_at),
  startsAt: Number(r.starts_at),
  endsAt: Number(r.ends_at),
  status: r.status,
  reminderSent: r.reminder_sent,
  reminderAnswered: r.reminder_answered,
  confirmed: r.confirmed,
  lastContactAt: num(r.last_contact_at),
  attrs: r.attrs ?? {},
});

/** A JSON array parameter unpacked by jsonb_to_recordset / jsonb_array_elements: one bound value for any number of rows. */
const jsonParam = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

/** An imported row that comes again unchanged is not rewritten (as on D1): no new row version, no index entries, no WAL. */
const CHANGED = `ROW(appointments.contact_id, appointments.starts_at, appointments.ends_at, appointments.status, appointments.booked_at,
  appointments.confirmed_at, appointments.attended_at, appointments.reminder_sent, appointments.reminder_answered, appointments.last_contact_at, appointments.attrs)
  IS DISTINCT FROM ROW(excluded.contact_id, excluded.starts_at, excluded.ends_at, excluded.status, excluded.booked_at,
  excluded.confirmed_at, excluded.attended_at, excluded.reminder_sent, excluded.reminder_answered, excluded.last_contact_at, excluded.attrs)`;

/** The analysis's bulk statements, in this engine's SQL. */
export function schedulingBulk({ db }: PgCtx, screen: ImportScreen): Pick<Store["scheduling"], EngineSpecific["scheduling"]> {
  return {
    /**
     * Idempotent by the unique (company_id, external_id) index with ON CONFLICT DO UPDATE … WHERE
     * source = 'import', so a concurrent booking's row is never overwritten. One statement per table
     * through jsonb_to_recordset, in one transaction; a row repeated in the chunk keeps its last copy
     * (ON CONFLICT DO UPDATE may not touch one row twice in a statement).
     */
    async importRows(companyId, rows, at) {
      const { good, errors } = await screen(companyId, rows);
      if (good.length === 0) return errors;
      const last = [...new Map(good.map((r) => [r.externalId, r])).values()];
      const phones = [...new Set(last.flatMap((r) => ("phone" in r.contact ? [r.contact.phone] : [])))];
      const packed = last.map((r) => ({
        e: r.externalId,
        c: "contactId" in r.contact ? r.contact.contactId : null,
        p: "phone" in r.contact ? r.contact.phone : null,
        b: r.bookedAt,
        s: r.startsAt,
        n: r.endsAt,
        st: r.status,
        cf: r.confirmed || r.status === "confirmed",
        rs: r.reminderSent,
        ra: r.reminderAnswered,
        lc: r.lastContactAt,
        a: r.attrs,
      }));
      await db.transaction(async (tx) => {
        if (phones.length)
          await tx.execute(
            sql`INSERT INTO contacts (company_id, phone) SELECT ${companyId}::int, p FROM jsonb_array_elements_text(${jsonParam(phones)}) AS p ON CONFLICT (company_id, phone) DO NOTHING`,
          );
        await tx.execute(sql`
          INSERT INTO appointments (company_id, contact_id, provider, booking_uid, external_id, starts_at, ends_at, status, source, booked_at,
            confirmed_at, attended_at, reminder_sent, reminder_answered, last_contact_at, attrs, updated_at)
          SELECT ${companyId}::int, COALESCE(v.c, (SELECT id FROM contacts WHERE company_id = ${companyId}::int AND phone = v.p)), 'import', 'import:' || v.e, v.e,
            v.s, v.n, v.st, 'import', v.b, CASE WHEN v.cf THEN v.b END, CASE WHEN v.st = 'attended' THEN v.n END,
            v.rs, v.ra, v.lc, v.a, ${at}::bigint
          FROM jsonb_to_recordset(${jsonParam(packed)}) AS v(e text, c int, p text, b bigint, s bigint, n bigint, st text, cf boolean, rs boolean, ra boolean, lc bigint, a jsonb)
          ON CONFLICT (company_id, external_id) DO UPDATE SET
            contact_id = excluded.contact_id, starts_at = excluded.starts_at, ends_at = excluded.ends_at, status = excluded.status,
            booked_at = excluded.booked_at, confirmed_at = excluded.confirmed_at, attended_at = excluded.attended_at,
            reminder_sent = excluded.reminder_sent, reminder_answered = excluded.reminder_answered,
            last_contact_at = excluded.last_contact_at, attrs = excluded.attrs, updated_at = excluded.updated_at
          WHERE appointments.source = 'import' AND ${sql.raw(CHANGED)}`);
      });
      return errors;
    },
    // Autovacuum analyses a table once 10 % of it changed: a new tenant's 100k rows in a large shared
    // table may not be that, and until then the tenant's rows are planned as if they were few.
    async analyzeImported() {
      await db.execute(sql`ANALYZE appointments, contacts`);
    },
    async history(companyId, q) {
      // Newest first in pages (keyset on starts_at, id), so a 100k-row history never is one huge result.
      const contacts = q.contactIds ? sql`AND a.contact_id IN (SELECT jsonb_array_elements_text(${jsonParam(q.contactIds)})::int)` : sql``;
      return db.transaction(async (tx) => {
        // Once the tenant's rows are in the statistics, a page's estimated cost passes jit_above_cost and
        // Postgres compiles it: ~100 ms of a 20k-row page's 300, for a plan that runs once (bench/README.md).
        await tx.execute(sql`SET LOCAL jit = off`);
        const out: HistoryRecord[] = [];
        let before: [number, number] = [q.to, 0];
        while (out.length < q.limit) {
          const page = Math.min(20_000, q.limit - out.length);
          const results = await tx.execute<HistorySqlRow>(sql`${sql.raw(HISTORY_SELECT)}
            WHERE a.company_id = ${companyId} AND a.starts_at >= ${q.from ?? 0} AND (a.starts_at < ${before[0]} OR (a.starts_at = ${before[0]} AND a.id < ${before[1]})) ${contacts}
            ORDER BY a.starts_at DESC, a.id DESC LIMIT ${page}`);
          out.push(...results.map(toHistory));
          const last = results[results.length - 1];
          if (!last || results.length < page) break;
          before = [Number(last.starts_at), Number(last.id)];
        }
        return out.reverse();
      });
    },
    async upcoming(companyId, from, to, limit) {
      const results = await db.execute<HistorySqlRow & { provider: Appointment["provider"]; risk_flagged_at: string | null; reschedule_offered_at: string | null }>(sql`
        ${sql.raw(HISTORY_SELECT.replace("SELECT", "SELECT a.provider, a.risk_flagged_at, a.reschedule_offered_at,"))}
        WHERE a.company_id = ${companyId} AND a.status IN ('scheduled', 'confirmed') AND a.starts_at >= ${from} AND a.starts_at < ${to}
        ORDER BY a.starts_at, a.id LIMIT ${limit}`);
      return results.map((r) => ({ ...toHistory(r), provider: r.provider, riskFlaggedAt: num(r.risk_flagged_at), rescheduleOfferedAt: num(r.reschedule_offered_at) }));
    },
    async setRisk(companyId, scores, at) {
      if (scores.length === 0) return;
      await db.execute(sql`
        UPDATE appointments SET no_show_prob = j.p, risk_reasons = j.r, risk_scored_at = ${at}::bigint
        FROM jsonb_to_recordset(${jsonParam(scores.map((x) => ({ id: x.id, p: x.prob, r: x.reasons })))}) AS j(id int, p float8, r jsonb)
        WHERE appointments.company_id = ${companyId} AND appointments.id = j.id`);
    },
    // Replace = DELETE + INSERT in one transaction: a reader sees the old rows or the new ones.
    async saveInsights(companyId, rows, at) {
      await db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${INSIGHTS_LOCK}::int, ${companyId}::int)`);
        await tx.delete(s.schedulingInsights).where(eq(s.schedulingInsights.companyId, companyId));
        if (rows.length) await tx.insert(s.schedulingInsights).values(rows.map((r) => ({ ...r, companyId, updatedAt: at })));
      });
    },
    /**
     * INSERT … WHERE NOT EXISTS (a recent run) under the tenant's run lock (pg_advisory_xact_lock, to
     * the end of the transaction): READ COMMITTED can't see another claimer's uncommitted insert, and a
     * unique index can't say "within guardMs", so the lock makes two crons take turns.
     */
    async claimRun(companyId, trigger, at, guardMs) {
      return db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${RUN_LOCK}::int, ${companyId}::int)`);
        const [row] = await tx.execute<{ id: number }>(sql`
          INSERT INTO agenda_optimization_runs (company_id, trigger, status, started_at)
          SELECT ${companyId}::int, ${trigger}::text, 'running', ${at}::bigint WHERE NOT EXISTS (
            SELECT 1 FROM agenda_optimization_runs WHERE company_id = ${companyId} AND trigger = ${trigger} AND started_at > ${at - guardMs} AND status != 'failed')
          RETURNING id`);
        return row ? Number(row.id) : null;
      });
    },
  };
}
