import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { AppointmentTask, FeedbackEvent, Store } from "../types";
import type { PortableCtx } from "./context";

const toTask = (r: typeof schema.appointmentTasks.$inferSelect): AppointmentTask => ({
  id: r.id,
  companyId: r.companyId,
  appointmentId: r.appointmentId,
  kind: r.kind,
  offsetMinutes: r.offsetMinutes,
  dueAt: r.dueAt,
  status: r.status,
  doneAt: r.doneAt,
  messageId: r.messageId,
});

export function appointmentTasks({ db, schema: s }: PortableCtx): Store["appointmentTasks"] {
  const pending = async (companyId: number, appointmentId: number) => {
    const rows = await db
      .select()
      .from(s.appointmentTasks)
      .where(and(eq(s.appointmentTasks.companyId, companyId), eq(s.appointmentTasks.appointmentId, appointmentId), eq(s.appointmentTasks.status, "pending")));
    return rows.map(toTask);
  };
  return {
    // Idempotent by the unique (company, appointment, kind, offset) index with ON CONFLICT DO UPDATE: portable as is.
    async ensure(companyId, appointmentId, tasks) {
      for (const t of tasks) {
        await db
          .insert(s.appointmentTasks)
          .values({ companyId, appointmentId, kind: t.kind, offsetMinutes: t.offsetMinutes, dueAt: t.dueAt })
          .onConflictDoUpdate({
            target: [s.appointmentTasks.companyId, s.appointmentTasks.appointmentId, s.appointmentTasks.kind, s.appointmentTasks.offsetMinutes],
            // A moved appointment moves its pending tasks (and revives cancelled ones); done ones stay done.
            set: { dueAt: t.dueAt, status: sql`CASE WHEN ${s.appointmentTasks.status} IN ('pending','cancelled') THEN 'pending' ELSE ${s.appointmentTasks.status} END` },
          });
      }
      return pending(companyId, appointmentId);
    },
    async byId(companyId, id) {
      const [row] = await db
        .select()
        .from(s.appointmentTasks)
        .where(and(eq(s.appointmentTasks.companyId, companyId), eq(s.appointmentTasks.id, id)))
        .limit(1);
      return row ? toTask(row) : null;
    },
    // pending → done is a conditional UPDATE: exactly one run wins on both engines.
    async complete(companyId, id, at, outcome) {
      const rows = await db
        .update(s.appointmentTasks)
        .set({ status: outcome.status, doneAt: at, messageId: outcome.messageId ?? null, detail: outcome.detail ?? null })
        .where(and(eq(s.appointmentTasks.companyId, companyId), eq(s.appointmentTasks.id, id), eq(s.appointmentTasks.status, "pending")))
        .returning({ id: s.appointmentTasks.id });
      return rows.length > 0;
    },
    async cancelPending(companyId, appointmentId, kinds) {
      const rows = await db
        .update(s.appointmentTasks)
        .set({ status: "cancelled" })
        .where(
          and(
            eq(s.appointmentTasks.companyId, companyId),
            eq(s.appointmentTasks.appointmentId, appointmentId),
            eq(s.appointmentTasks.status, "pending"),
            kinds?.length ? inArray(s.appointmentTasks.kind, kinds) : undefined,
          ),
        )
        .returning({ id: s.appointmentTasks.id });
      return rows.map((r) => r.id);
    },
    async list(companyId, appointmentId) {
      const rows = await db
        .select()
        .from(s.appointmentTasks)
        .where(and(eq(s.appointmentTasks.companyId, companyId), eq(s.appointmentTasks.appointmentId, appointmentId)))
        .orderBy(s.appointmentTasks.dueAt);
      return rows.map(toTask);
    },
    async followupDetails(companyId, opts) {
      const t = s.appointmentTasks;
      const rows = await db
        .select({ task: t, startsAt: s.appointments.startsAt, contactId: s.appointments.contactId, messageStatus: s.messages.status })
        .from(t)
        .innerJoin(s.appointments, and(eq(s.appointments.companyId, t.companyId), eq(s.appointments.id, t.appointmentId)))
        // The message row of another tenant can't match: the join repeats the company.
        .leftJoin(s.messages, and(eq(s.messages.companyId, t.companyId), eq(s.messages.id, t.messageId)))
        .where(and(eq(t.companyId, companyId), eq(t.kind, "followup"), opts.since !== undefined ? gte(t.dueAt, opts.since) : undefined))
        .orderBy(desc(t.dueAt), desc(t.id))
        .limit(opts.limit);
      return rows.map((r) => ({ ...toTask(r.task), startsAt: r.startsAt, contactId: r.contactId, messageStatus: r.messageStatus ?? null }));
    },
    async followups(companyId, limit) {
      const rows = await db
        .select()
        .from(s.appointmentTasks)
        .where(and(eq(s.appointmentTasks.companyId, companyId), eq(s.appointmentTasks.kind, "followup")))
        .orderBy(desc(s.appointmentTasks.dueAt))
        .limit(limit);
      return rows.map(toTask);
    },
  };
}

export function feedback({ db, schema: s, dialect }: PortableCtx): Store["feedback"] {
  return {
    async add(companyId, f) {
      await db.insert(s.feedbackEvents).values({ companyId, ...f });
    },
    async list(companyId, opts) {
      const rows = await db
        .select()
        .from(s.feedbackEvents)
        .where(
          and(
            eq(s.feedbackEvents.companyId, companyId),
            opts.appointmentId !== undefined ? eq(s.feedbackEvents.appointmentId, opts.appointmentId) : undefined,
            opts.appointmentIds ? (opts.appointmentIds.length ? dialect.inList(s.feedbackEvents.appointmentId, opts.appointmentIds) : sql`0 = 1`) : undefined,
          ),
        )
        .orderBy(desc(s.feedbackEvents.id))
        .limit(opts.limit);
      return rows.map(toFeedback);
    },
  };
}

export const toFeedback = (r: typeof schema.feedbackEvents.$inferSelect): FeedbackEvent => ({
  id: r.id,
  appointmentId: r.appointmentId,
  contactId: r.contactId,
  kind: r.kind,
  score: r.score,
  text: r.text,
  source: r.source,
  nps: r.nps,
  externalId: r.externalId,
  createdAt: r.createdAt,
});
