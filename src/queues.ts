import { runAppointmentTask } from "./agenda/service";
import { runChannelHealthBatch } from "./channels/health";
import { runCampaignBatch } from "./campaigns/send";
import { recordDeadLetter } from "./dead-letters/consumer";
import { consumeInbound } from "./inbound/consumer";
import { runWebhookDelivery } from "./integrations/deliver";
import { runAgendaOptimizeJob } from "./jobs/agenda-optimize";
import { JobMessage } from "./jobs/messages";
import { deliverNotification } from "./jobs/notify";
import { runExecutions } from "./jobs/run";
import { backoffSeconds } from "./lib/backoff";
import { describeBody, log } from "./lib/log";
import { deliverBatch } from "./outbox/deliver";
import { OutboundJob } from "./outbox/job";
import { openStore } from "./store";
import type { Store } from "./store/types";
import { recordMetrics } from "./tenants/stubs";

/** Queue names may carry an environment suffix in production; the role is the name's ending. */
type Role = "inbound" | "outbound" | "jobs" | "inbound-dlq" | "outbound-dlq" | "jobs-dlq";
const ROLES: Role[] = ["inbound-dlq", "outbound-dlq", "jobs-dlq", "inbound", "outbound", "jobs"];
const roleOf = (queue: string): Role | undefined => ROLES.find((r) => queue.endsWith(r));

/**
 * Deliveries before a queue moves a message to its DLQ (max_retries + 1, as in wrangler.toml; a
 * test keeps the two equal): what a dead letter reports as its attempts when the DLQ files it.
 */
export const QUEUE_MAX_ATTEMPTS = { inbound: 6, outbound: 7, jobs: 6 } as const;

export async function queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const store = openStore(env);
  const role = roleOf(batch.queue);
  // The inbound path works per batch (a constant number of DO calls per tenant, turns in parallel).
  if (role === "inbound") return consumeInbound(batch, env, store);
  if (role === "outbound") return consumeOutbound(batch, env, store);
  // The others ack or retry each message on its own; nothing is acked in a catch without being recorded.
  await Promise.all(
    batch.messages.map(async (msg) => {
      try {
        await handle(role, msg, env, store);
      } catch (err) {
        log.error("queue message failed", { correlation_id: msg.id, queue: batch.queue, attempts: msg.attempts, error: err });
        msg.retry({ delaySeconds: backoffSeconds(msg.attempts, 2, 300) });
      }
    }),
  );
}

async function handle(role: Role | undefined, msg: Message<unknown>, env: Env, store: Store): Promise<void> {
  switch (role) {
    case "jobs": {
      const parsed = JobMessage.safeParse(msg.body);
      if (!parsed.success) return unreadable(env, msg, "jobs");
      const job = parsed.data;
      if (job.kind === "agenda_task") await runAppointmentTask(env, store, job.companyId, job.taskId);
      else if (job.kind === "agenda_optimize") await runAgendaOptimizeJob(env, store, job);
      else if (job.kind === "channel_health_batch") await runChannelHealthBatch(env, store, job);
      else if (job.kind === "campaign_batch") await runCampaignBatch(env, store, job);
      else if (job.kind === "webhook_delivery") {
        const outcome = await runWebhookDelivery(env, store, job, msg.attempts);
        if (!outcome.ack) return msg.retry({ delaySeconds: outcome.retryAfterSeconds });
      } else if (job.kind === "job_run") {
        const { failed } = await runExecutions(env, store, job.executionIds);
        if (failed > 0) return msg.retry({ delaySeconds: backoffSeconds(msg.attempts, 5, 900) });
      } else {
        const sent = await deliverNotification(job);
        if (!sent.ok && sent.retry) return msg.retry({ delaySeconds: backoffSeconds(msg.attempts, 10, 900) });
        if (!sent.ok) await recordDeadLetter(env, store, "jobs", job, msg.attempts, sent.reason);
      }
      return msg.ack();
    }
    case "inbound-dlq":
    case "outbound-dlq":
    case "jobs-dlq": {
      const queue = role === "inbound-dlq" ? "inbound" : role === "outbound-dlq" ? "outbound" : "jobs";
      await recordDeadLetter(env, store, queue, msg.body, QUEUE_MAX_ATTEMPTS[queue]);
      msg.ack();
      return;
    }
    case "inbound":
    case "outbound":
    case undefined:
      log.warn("no handler for queue message", { correlation_id: msg.id, role, body_shape: describeBody(msg.body) });
      msg.ack();
      return;
  }
}

/** Outbound, per batch and per tenant: one claim, concurrent sends, one round trip for what went out. */
async function consumeOutbound(batch: MessageBatch<unknown>, env: Env, store: Store): Promise<void> {
  const byTenant = new Map<number, { msg: Message<unknown>; job: OutboundJob }[]>();
  for (const msg of batch.messages) {
    const job = OutboundJob.safeParse(msg.body);
    if (!job.success) {
      await unreadable(env, msg, "outbound");
      continue;
    }
    const list = byTenant.get(job.data.companyId) ?? [];
    list.push({ msg, job: job.data });
    byTenant.set(job.data.companyId, list);
  }
  await Promise.all(
    [...byTenant].map(async ([companyId, items]) => {
      try {
        const outcomes = await deliverBatch(
          env,
          store,
          companyId,
          items.map((i) => ({ job: i.job, attempt: i.msg.attempts })),
        );
        items.forEach((item, i) => {
          const o = outcomes[i];
          if (!o || o.ack) item.msg.ack();
          else item.msg.retry({ delaySeconds: o.retryAfterSeconds });
        });
      } catch (err) {
        log.error("outbound batch failed", { company_id: companyId, correlation_ids: items.map((i) => i.msg.id), error: err });
        for (const { msg } of items) msg.retry({ delaySeconds: backoffSeconds(msg.attempts, 2, 300) });
      }
    }),
  );
}

/** A body that no longer parses will never parse: log its shape and count it instead of retrying forever. */
async function unreadable(env: Env, msg: Message<unknown>, queue: string): Promise<void> {
  log.error("unreadable queue message", { correlation_id: msg.id, queue, body_shape: describeBody(msg.body) });
  await recordMetrics(env, null, [{ metric: "secretaria_dead_letters_total", labels: { queue }, inc: 1 }]);
  msg.ack();
}
