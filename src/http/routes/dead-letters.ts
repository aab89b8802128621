import { Hono } from "hono";
import * as z from "../../lib/zod";
import { DeadTurn, IngressMessage } from "../../inbound/messages";
import { OutboundJob } from "../../outbox/job";
import { tenantStub } from "../../tenants/stubs";
import { JobMessage } from "../../jobs/messages";
import { AppError } from "../../lib/errors";
import { describer } from "../openapi/meta";
import { pathId, queryParams } from "../openapi/validate";
import { callerCompany, requireCaller, audit } from "../auth";
import type { AppEnv } from "../types";

export const deadLetters = new Hono<AppEnv>();
deadLetters.use("/api/dead-letters/*", requireCaller);
deadLetters.use("/api/dead-letters", requireCaller);
const doc = describer({ tag: "Dead letters", auth: "admin", resource: "dead_letters" });

const ListQuery = z.object({
  status: z.enum(["pending", "all"]).default("pending"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

deadLetters.get(
  "/api/dead-letters",
  doc({ summary: "Failed work with its reason, attempts and payload", responses: { 200: { description: "`{dead_letters: [...]}`" } } }),
  queryParams(ListQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const q = c.req.valid("query");
    const rows = await c.get("store").deadLetters.list(company.id, { pendingOnly: q.status === "pending", limit: q.limit });
    return c.json({
      dead_letters: rows.map((d) => ({
        id: d.id,
        queue: d.queue,
        reason: d.reason,
        attempts: d.attempts,
        payload: d.payload,
        created_at: new Date(d.createdAt).toISOString(),
        reprocessed_at: d.reprocessedAt ? new Date(d.reprocessedAt).toISOString() : null,
      })),
    });
  },
);

/** Puts the failed unit of work back on its queue, once; the consumers' idempotency keeps it from doubling. */
deadLetters.post(
  "/api/dead-letters/:id/reprocess",
  doc({
    summary: "Put a dead letter back on its queue, once",
    responses: { 202: { description: '`{id, queue, status: "requeued"}`' } },
    errors: { 404: "`not_found`: no such dead letter for this tenant", 409: "`already_reprocessed`", 422: "`not_reprocessable`: its queue has no way back" },
  }),
  pathId("Dead letter"),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const { id } = c.req.valid("param");
    const store = c.get("store");
    const dl = await store.deadLetters.byId(company.id, id);
    if (!dl) throw new AppError(404, "not_found", "No such dead letter for this tenant");
    if (!(await store.deadLetters.markReprocessed(company.id, dl.id, Date.now()))) throw new AppError(409, "already_reprocessed", "This dead letter was already reprocessed");
    try {
      if (dl.queue === "outbound") {
        const job = OutboundJob.parse(dl.payload);
        await store.messages.requeueDead(company.id, job.messageId, Date.now());
        await c.env.OUTBOUND_QUEUE.send({ ...job, generation: job.generation + 1 } satisfies OutboundJob, { contentType: "json" });
      } else if (dl.queue === "inbound") {
        // A dead turn goes back on its contact's lane (a new turn, so a second failure is a new dead letter);
        // a webhook whose admission failed is enqueued again (its messages are deduplicated).
        const turn = DeadTurn.safeParse(dl.payload);
        if (turn.success) await tenantStub(c.env, company.id).readmit(turn.data.contact, turn.data.channel, turn.data.messages);
        else await c.env.INBOUND_QUEUE.send({ ...IngressMessage.parse(dl.payload), companyId: company.id } satisfies IngressMessage, { contentType: "json" });
      } else if (dl.queue === "jobs") {
        const job = JobMessage.parse(dl.payload);
        await c.env.JOBS_QUEUE.send({ ...job, generation: job.generation + 1 } satisfies JobMessage, { contentType: "json" });
      } else {
        throw new AppError(422, "not_reprocessable", `Dead letters of queue "${dl.queue}" cannot be reprocessed`);
      }
    } catch (err) {
      await store.deadLetters.unmarkReprocessed(company.id, dl.id);
      throw err;
    }
    await audit(c, company.id, { action: "dead_letter.reprocess", target: String(dl.id) });
    return c.json({ id: dl.id, queue: dl.queue, status: "requeued" }, 202);
  },
);
