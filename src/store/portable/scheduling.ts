import { and, desc, eq, isNull, notInArray } from "drizzle-orm";
import type * as schema from "../schema";
import type { ImportJob, Store } from "../types";
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

/** The analysis's reads and single-row writes; the bulk statements are each engine's (store/d1/scheduling.ts, store/postgres/scheduling.ts). */
export function scheduling({ db, schema: s }: PortableCtx): Omit<Store["scheduling"], EngineSpecific["scheduling"]> {
  return {
    // flagHighRisk and markOffered are conditional UPDATEs (IS NULL in the WHERE): one winner on both engines.
    async flagHighRisk(companyId, id, at) {
      const r = await db
        .update(s.appointments)
        .set({ riskFlaggedAt: at })
        .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id), isNull(s.appointments.riskFlaggedAt)))
        .returning({ id: s.appointments.id });
      return r.length > 0;
    },
    async markOffered(companyId, id, at) {
      const r = await db
        .update(s.appointments)
        .set({ rescheduleOfferedAt: at })
        .where(and(eq(s.appointments.companyId, companyId), eq(s.appointments.id, id), isNull(s.appointments.rescheduleOfferedAt)))
        .returning({ id: s.appointments.id });
      return r.length > 0;
    },
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
