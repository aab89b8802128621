import type { Subscriber } from "../events/subscriber";
import type { AnyBusinessEvent } from "../events/types";
import { sendAll } from "../lib/queue-send";
import type { Company, WebhookDelivery } from "../store/types";
import { loadTenant } from "../tenants/tenant-cache";
import type { WebhookDeliveryJob } from "./delivery-job";

/** The JSON a receiver gets: `{id, type, created_at, company, data}`. */
export function webhookPayload(e: Pick<AnyBusinessEvent, "id" | "type" | "at" | "data">, company: Pick<Company, "id" | "slug" | "name">) {
  return { id: e.id, type: e.type, created_at: new Date(e.at).toISOString(), company: { id: company.id, slug: company.slug, name: company.name }, data: e.data };
}

export const deliveryJob = (d: Pick<WebhookDelivery, "companyId" | "id">, generation = 0): WebhookDeliveryJob => ({
  kind: "webhook_delivery",
  companyId: d.companyId,
  deliveryId: d.id,
  generation,
});

/**
 * Outgoing webhooks: each event becomes one delivery row per active endpoint that takes its type, and
 * one jobs-queue message each. The types any endpoint takes sit in the tenant's cached profile: an
 * event nobody takes costs no statement and no send (the message path publishes every message).
 */
export const webhookSubscriber: Subscriber = {
  name: "webhooks",
  async handle(env, store, events) {
    const companyId = events[0]?.companyId;
    if (companyId === undefined) return;
    const tenant = await loadTenant(store, companyId);
    const taken = new Set(tenant?.profile.webhooks.events ?? []);
    const wanted = events.filter((e) => taken.has(e.type));
    if (!tenant || wanted.length === 0) return;
    const endpoints = await store.webhookEndpoints.list(companyId, { activeOnly: true });
    const rows = wanted.flatMap((e) =>
      endpoints.filter((ep) => ep.events.includes(e.type)).map((ep) => ({ endpointId: ep.id, event: e.type, eventId: e.id, payload: webhookPayload(e, tenant.company) })),
    );
    if (rows.length === 0) return;
    const inserted = await store.webhookDeliveries.enqueue(companyId, rows, Date.now());
    if (inserted.length === 0) return;
    try {
      await sendAll(
        env.JOBS_QUEUE,
        inserted.map((d) => deliveryJob(d)),
      );
    } catch (error) {
      // The rows exist and a republished event will not queue them again: mark them so the log shows them, redeliverable.
      const at = Date.now();
      await Promise.all(
        inserted.map((d) =>
          store.webhookDeliveries.recordAttempt(companyId, d.id, { status: "failed", responseStatus: null, error: "not queued (queue send failed): redeliver it", at }),
        ),
      );
      throw error;
    }
  },
};
