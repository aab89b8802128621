import * as z from "../lib/zod";

/** One webhook delivery's attempt, on the jobs queue; `generation` grows with each redelivery from the log. */
export const WebhookDeliveryJob = z.object({
  kind: z.literal("webhook_delivery"),
  companyId: z.number().int(),
  deliveryId: z.number().int(),
  generation: z.number().int().default(0),
});
export type WebhookDeliveryJob = z.infer<typeof WebhookDeliveryJob>;

/**
 * Attempts per delivery (the first and five retries, about 30 s, 1, 2, 4 and 8 min apart): the jobs
 * queue's own budget (QUEUE_MAX_ATTEMPTS.jobs, a test keeps them equal), so the delivery gives up and
 * files its own dead letter, with the receiver's last answer, before the queue would.
 */
export const WEBHOOK_MAX_ATTEMPTS = 6;
