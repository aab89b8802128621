import { Hono } from "hono";
import * as z from "../../lib/zod";
import { runAppointmentTask } from "../../agenda/service";
import { answerOf, FOLLOWUP_STATES, sentimentOf, stateOf, summarize } from "../../agenda/followups";
import { AppError } from "../../lib/errors";
import { describer } from "../openapi/meta";
import { pathId, queryParams } from "../openapi/validate";
import { callerCompany, requireCaller } from "../auth";
import type { AppEnv } from "../types";
import { iso } from "../../lib/time-zone";

/** Pós-atendimento: the follow-ups sent after attended appointments, their answers, a 30-day summary, resend. */
export const followups = new Hono<AppEnv>();
followups.use("/api/agenda/followups", requireCaller);
followups.use("/api/agenda/followups/*", requireCaller);
const doc = describer({ tag: "Agenda", auth: "admin", resource: "agenda" });

const DAY_MS = 86_400_000;
const SUMMARY_DAYS = 30;
/** The summary reads at most this many follow-ups of the window: months of a busy clinic. */
const SUMMARY_ROWS = 5_000;

const ListQuery = z.object({
  state: z.enum(FOLLOWUP_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

followups.get(
  "/api/agenda/followups",
  doc({
    summary: "Follow-ups with their contact, appointment, state and answer, and the last 30 days in numbers",
    responses: {
      200: {
        description:
          "`{followups: [{id, appointment_id, appointment_starts_at, contact, due_at, status, state, resend, can_resend, message_status, sent_at, answer}], summary: {days, sent, answered, failed, response_rate, positive, neutral, negative, average_score}}`; `state` is scheduled, answered, unanswered, failed, skipped or cancelled",
      },
    },
  }),
  queryParams(ListQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const q = c.req.valid("query");
    const now = Date.now();
    const [recent, windowed] = await Promise.all([
      store.appointmentTasks.followupDetails(company.id, { limit: q.state ? 500 : q.limit }),
      store.appointmentTasks.followupDetails(company.id, { since: now - SUMMARY_DAYS * DAY_MS, limit: SUMMARY_ROWS }),
    ]);
    const ids = [...new Set([...recent, ...windowed].map((t) => t.appointmentId))];
    const [feedback, contacts] = await Promise.all([
      store.feedback.list(company.id, { appointmentIds: ids, limit: 4 * SUMMARY_ROWS }),
      store.contacts.many(company.id, { ids: [...new Set(recent.map((t) => t.contactId))] }),
    ]);
    const byId = new Map(contacts.map((k) => [k.id, k]));
    // An appointment's follow-up is resent once: the original at offset 0, its resend at offset 1.
    const resent = new Set(recent.filter((t) => t.offsetMinutes > 0).map((t) => t.appointmentId));
    const rows = recent
      .map((t) => {
        const answer = answerOf(t, feedback);
        return { t, answer, state: stateOf(t, answer) };
      })
      .filter((r) => !q.state || r.state === q.state)
      .slice(0, q.limit);
    const s = summarize(windowed, feedback, SUMMARY_DAYS);
    return c.json({
      followups: rows.map(({ t, answer, state }) => {
        const contact = byId.get(t.contactId);
        return {
          id: t.id,
          appointment_id: t.appointmentId,
          appointment_starts_at: iso(t.startsAt),
          contact: contact ? { id: contact.id, phone: contact.phone, name: contact.name } : null,
          due_at: iso(t.dueAt),
          status: t.status,
          state,
          /** A resend of an earlier follow-up of the same appointment. */
          resend: t.offsetMinutes > 0,
          can_resend: (state === "unanswered" || state === "failed") && t.offsetMinutes === 0 && !resent.has(t.appointmentId),
          message_status: t.messageStatus,
          sent_at: iso(t.doneAt),
          answer: answer ? { kind: answer.kind, score: answer.score, sentiment: sentimentOf(answer), text: answer.text, at: iso(answer.createdAt) } : null,
        };
      }),
      summary: {
        days: s.days,
        sent: s.sent,
        answered: s.answered,
        failed: s.failed,
        response_rate: s.responseRate,
        positive: s.positive,
        neutral: s.neutral,
        negative: s.negative,
        average_score: s.averageScore,
      },
    });
  },
);

/** Resend: the follow-up goes out again (a new task at offset 1), once per appointment. */
followups.post(
  "/api/agenda/followups/:id/resend",
  doc({
    summary: "Send a follow-up again (once)",
    responses: { 202: { description: "`{id, status}` of the new follow-up" } },
    errors: { 404: "`not_found`: no such follow-up for this tenant", 409: "`already_resent`: it was resent, or is itself a resend" },
  }),
  pathId("Follow-up"),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const { id } = c.req.valid("param");
    const store = c.get("store");
    const task = await store.appointmentTasks.byId(company.id, id);
    if (task?.kind !== "followup") throw new AppError(404, "not_found", "No such follow-up for this tenant");
    if (task.offsetMinutes > 0) throw new AppError(409, "already_resent", "This follow-up is itself a resend");
    const [again] = (await store.appointmentTasks.ensure(company.id, task.appointmentId, [{ kind: "followup", offsetMinutes: task.offsetMinutes + 1, dueAt: Date.now() }])).filter(
      (t) => t.kind === "followup" && t.offsetMinutes === task.offsetMinutes + 1,
    );
    if (!again) throw new AppError(409, "already_resent", "This follow-up was already resent");
    await runAppointmentTask(c.env, store, company.id, again.id);
    const done = await store.appointmentTasks.byId(company.id, again.id);
    return c.json({ id: again.id, status: done?.status ?? "pending" }, 202);
  },
);
