import { and, desc, eq, isNull, ne, notInArray } from "drizzle-orm";
import type * as schema from "../schema";
import type { ImportJob, ImportRecord, Store } from "../types";
import type { EngineSpecific, PortableCtx } from "./context";

const toImportJob = (r: typeof schema.importJobs.$inferSelect): ImportJob => ({
  id: r.id,
  status: r.status,
  rowsRead: r.rowsRead,
  rowsImported: r.rowsImported,
  rowsFailed: r.rowsFailed,
  errors: r.errors,
  ignoredColumns: r.ignoredColumns,
  startedAt: r.startedAt,
  updatedAt: r.updatedAt,
  finishedAt: r.finishedAt,
});

/** An import chunk's rows split into those it may store and the lines it must report. */
export type ImportScreen = (companyId: number, rows: ImportRecord[]) => Promise<{ good: ImportRecord[]; errors: { line: number; reason: string }[] }>;

/**
 * The check both engines' importRows start with: a row naming a contact id the tenant does not have,
 * or the external id of an appointment booked here (not imported), is reported, never written.
 */
export function importScreen({ db, schema: s, dialect }: PortableCtx): ImportScreen {
  return async (companyId, rows) => {
    if (rows.length === 0) return { good: [], errors: [] };
    const ids = [...new Set(rows.flatMap((r) => ("contactId" in r.contact ? [r.contact.contactId] : [])))];
    const known = new Set(
      ids.length
        ? (
            await db
              .select({ id: s.contacts.id })
              .from(s.contacts)
              .where(and(eq(s.contacts.companyId, companyId), dialect.inList(s.contacts.id, ids)))
          ).map((r) => r.id)
        : [],
    );
    const live = new Set(
      (
        await db
          .select({ externalId: s.appointments.externalId })
          .from(s.appointments)
          .where(
            and(
              eq(s.appointments.companyId, companyId),
              ne(s.appointments.source, "import"),
              dialect.inList(
                s.appointments.externalId,
                rows.map((r) => r.externalId),
              ),
            ),
          )
      ).map((r) => r.externalId),
    );
    const errors: { line: number; reason: string }[] = [];
    const good = rows.filter((r) => {
      if ("contactId" in r.contact && !known.has(r.contact.contactId)) errors.push({ line: r.line, reason: `contact: no contact with id ${r.contact.contactId} in this tenant` });
      else if (live.has(r.externalId)) errors.push({ line: r.line, reason: `external_id: "${r.externalId}" belongs to an appointment booked here, not an import` });
      else return true;
      return false;
    });
    return { good, errors };
  };
}

/** The analysis's reads and single-row writes; the bulk statements are each engine's (store/d1/scheduling.ts, store/postgres/scheduling.ts). */
export function scheduling({ db, schema: s }: PortableCtx): Omit<Store["scheduling"], EngineSpecific["scheduling"]> {
  const stampOnce = async (companyId: number, id: number, column: "riskFlaggedAt" | "rescheduleOfferedAt", at: number) => {
    const r = await db
      .update(s.appointments)
      .set({ [column]: at })
      .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id), isNull(s.appointments[column])))
      .returning({ id: s.appointments.id });
    return r.length > 0;
  };
  return {
    // flagHighRisk and markOffered set their stamp once: a conditional UPDATE (IS NULL in the WHERE), one winner on both engines.
    flagHighRisk: (companyId, id, at) => stampOnce(companyId, id, "riskFlaggedAt", at),
    markOffered: (companyId, id, at) => stampOnce(companyId, id, "rescheduleOfferedAt", at),
    async noteReminder(companyId, id, what) {
      await db
        .update(s.appointments)
        .set(what === "sent" ? { reminderSent: true } : { reminderAnswered: true })
        .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id)));
    },
    async saveModel(companyId, m) {
      await db.insert(s.riskModels).values({ companyId, kind: m.kind, trainedAt: m.trainedAt, model: m.model });
      // Keep the last 10 per tenant: enough to compare evaluations over time.
      const newest = db
        .select({ id: s.riskModels.id })
        .from(s.riskModels)
        .where(eq(s.riskModels.companyId, companyId))
        .orderBy(desc(s.riskModels.trainedAt), desc(s.riskModels.id))
        .limit(10);
      await db.delete(s.riskModels).where(and(eq(s.riskModels.companyId, companyId), notInArray(s.riskModels.id, newest)));
    },
    async latestModel(companyId) {
      const [row] = await db.select().from(s.riskModels).where(eq(s.riskModels.companyId, companyId)).orderBy(desc(s.riskModels.trainedAt), desc(s.riskModels.id)).limit(1);
      return row ? { kind: row.kind, trainedAt: row.trainedAt, model: row.model } : null;
    },
    async insights(companyId) {
      const rows = await db
        .select()
        .from(s.schedulingInsights)
        .where(eq(s.schedulingInsights.companyId, companyId))
        .orderBy(s.schedulingInsights.weekday, s.schedulingInsights.hour);
      return rows.map(({ companyId: _, ...r }) => r);
    },
    async finishRun(companyId, id, status, detail, at) {
      await db
        .update(s.optimizationRuns)
        .set({ status, detail, finishedAt: at })
        .where(and(eq(s.optimizationRuns.companyId, companyId), eq(s.optimizationRuns.id, id)));
    },
    async lastRun(companyId, status) {
      const [row] = await db
        .select()
        .from(s.optimizationRuns)
        .where(and(eq(s.optimizationRuns.companyId, companyId), status ? eq(s.optimizationRuns.status, status) : undefined))
        .orderBy(desc(s.optimizationRuns.startedAt), desc(s.optimizationRuns.id))
        .limit(1);
      return row ? { id: row.id, trigger: row.trigger, status: row.status, startedAt: row.startedAt, finishedAt: row.finishedAt, detail: row.detail } : null;
    },
  };
}

export function importJobs({ db, schema: s }: PortableCtx): Store["importJobs"] {
  return {
    async create(companyId, id, at) {
      await db.insert(s.importJobs).values({ id, companyId, startedAt: at, updatedAt: at });
    },
    async progress(companyId, id, p, at) {
      await db
        .update(s.importJobs)
        .set({ rowsRead: p.rowsRead, rowsImported: p.rowsImported, rowsFailed: p.rowsFailed, errors: p.errors, updatedAt: at })
        .where(and(eq(s.importJobs.companyId, companyId), eq(s.importJobs.id, id)));
    },
    async finish(companyId, id, status, at, ignoredColumns) {
      await db
        .update(s.importJobs)
        .set({ status, finishedAt: at, updatedAt: at, ...(ignoredColumns ? { ignoredColumns } : {}) })
        .where(and(eq(s.importJobs.companyId, companyId), eq(s.importJobs.id, id)));
    },
    async byId(companyId, id) {
      const [row] = await db
        .select()
        .from(s.importJobs)
        .where(and(eq(s.importJobs.companyId, companyId), eq(s.importJobs.id, id)))
        .limit(1);
      return row ? toImportJob(row) : null;
    },
    async list(companyId, limit) {
      const rows = await db.select().from(s.importJobs).where(eq(s.importJobs.companyId, companyId)).orderBy(desc(s.importJobs.startedAt)).limit(limit);
      return rows.map(toImportJob);
    },
  };
}
