import { deliver } from "./channels/outbound";
import { InboundTurn, OutboundJob } from "./conversation/queue-messages";
import { PermanentError, processTurn } from "./conversation/turn";
import { recordDeadLetter } from "./dead-letters/consumer";
import { runAppointmentTask } from "./agenda/service";
import { runAgendaOptimizeJob } from "./jobs/agenda-optimize";
import { JobMessage } from "./jobs/messages";
import { deliverNotification } from "./jobs/notify";
import { backoffSeconds } from "./lib/backoff";
import { describeBody } from "./lib/log";
import { openStore } from "./store";
import type { Store } from "./store/types";
import { recordMetrics, tenantStub } from "./tenants/stubs";

/** Queue names may carry an environment suffix in production; the role is the name's ending. */
type Role = "inbound" | "outbound" | "jobs" | "inbound-dlq" | "outbound-dlq" | "jobs-dlq";
const ROLES: Role[] = ["inbound-dlq", "outbound-dlq", "jobs-dlq", "inbound", "outbound", "jobs"];
const roleOf = (queue: string): Role | undefined => ROLES.find((r) => queue.endsWith(r));

/** Every message is acked or retried on its own; nothing is acked in a catch without being recorded. */
export async function queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const store = openStore(env);
  const role = roleOf(batch.queue);
  for (const msg of batch.messages) {
    try {
      await handle(role, msg, env, store);
    } catch (err) {
      console.error(JSON.stringify({ msg: "queue message failed", queue: batch.queue, id: msg.id, attempts: msg.attempts, correlation_id: correlationOf(msg.body), error: String(err) }));
      msg.retry({ delaySeconds: backoffSeconds(msg.attempts, 2, 300) });
    }
  }
}

async function handle(role: Role | undefined, msg: Message<unknown>, env: Env, store: Store): Promise<void> {
  switch (role) {
    case "inbound": {
      const turn = InboundTurn.safeParse(msg.body);
      if (!turn.success) return unreadable(env, msg, "inbound");
      try {
        await processTurn(env, store, turn.data);
        msg.ack();
      } catch (err) {
        await tenantStub(env, turn.data.companyId).noteTurnError(turn.data.phone, turn.data.turnId, String(err));
        if (err instanceof PermanentError) {
          await recordDeadLetter(env, store, "inbound", turn.data, msg.attempts);
          msg.ack();
          return;
        }
        throw err;
      }
      return;
    }
    case "outbound": {
      const job = OutboundJob.safeParse(msg.body);
      if (!job.success) return unreadable(env, msg, "outbound");
      const outcome = await deliver(env, store, job.data, msg.attempts);
      if (outcome.ack) msg.ack();
      else msg.retry({ delaySeconds: outcome.retryAfterSeconds });
      return;
    }
    case "jobs": {
      const parsed = JobMessage.safeParse(msg.body);
      if (!parsed.success) return unreadable(env, msg, "jobs");
      const job = parsed.data;
      if (job.kind === "agenda_task") await runAppointmentTask(env, store, job.companyId, job.taskId);
      else if (job.kind === "agenda_optimize") await runAgendaOptimizeJob(env, store, job);
      else {
        const sent = await deliverNotification(job);
        if (!sent.ok && sent.retry) return msg.retry({ delaySeconds: backoffSeconds(msg.attempts, 10, 900) });
        if (!sent.ok) await recordDeadLetter(env, store, "jobs", job, msg.attempts, sent.reason);
      }
      return msg.ack();
    }
    case "inbound-dlq":
    case "outbound-dlq":
    case "jobs-dlq":
      await recordDeadLetter(env, store, role === "inbound-dlq" ? "inbound" : role === "outbound-dlq" ? "outbound" : "jobs", msg.body, msg.attempts);
      msg.ack();
      return;
    case undefined:
      console.warn(JSON.stringify({ msg: "no handler for queue message", role, id: msg.id, body_shape: describeBody(msg.body) }));
      msg.ack();
      return;
  }
}

function correlationOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  if ("correlationId" in body && typeof body.correlationId === "string") return body.correlationId;
  if ("turnId" in body && typeof body.turnId === "string") return `turn:${body.turnId}`;
  return undefined;
}

/** A body that no longer parses will never parse: log it whole and count it instead of retrying forever. */
async function unreadable(env: Env, msg: Message<unknown>, queue: string): Promise<void> {
  console.error(JSON.stringify({ msg: "unreadable queue message", queue, id: msg.id, body_shape: describeBody(msg.body) }));
  await recordMetrics(env, null, [{ metric: "secretaria_dead_letters_total", labels: { queue }, inc: 1 }]);
  msg.ack();
}
