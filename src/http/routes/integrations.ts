import { Hono } from "hono";
import * as z from "../../lib/zod";
import { EVENT_TYPES } from "../../events/types";
import { createEndpoint, redeliver, removeEndpoint, rotateSecret, testSend, updateEndpoint } from "../../integrations/endpoints";
import { AppError } from "../../lib/errors";
import type { WebhookDelivery, WebhookEndpoint } from "../../store/types";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, pathId, queryParams } from "../openapi/validate";
import type { AppEnv } from "../types";

/**
 * Outgoing event webhooks (n8n, Zapier, the tenant's systems): endpoints with the events they take,
 * signed deliveries with retries (integrations/deliver.ts), the delivery log, redelivery and a test send.
 */
export const integrations = new Hono<AppEnv>();
integrations.use("/api/webhooks/*", requireCaller);
const doc = describer({ tag: "Integrations", auth: "admin", resource: "integrations" });

const ENDPOINT_VIEW = "{id, url, description, events, active, created_at, updated_at}";
const DELIVERY_VIEW = "{id, endpoint_id, event, event_id, status, attempts, response_status, error, created_at, last_attempt_at, delivered_at, payload}";
const NOT_FOUND = "`endpoint_not_found`: no such endpoint in the caller's tenant";
const notFound = () => new AppError(404, "endpoint_not_found", "No such webhook endpoint in this tenant");
const endpointId = pathId("Webhook endpoint");
const deliveryId = pathId("Webhook delivery");

const endpointView = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: e.events,
  active: e.active,
  created_at: new Date(e.createdAt).toISOString(),
  updated_at: e.updatedAt ? new Date(e.updatedAt).toISOString() : null,
});
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const deliveryView = (d: WebhookDelivery) => ({
  id: d.id,
  endpoint_id: d.endpointId,
  event: d.event,
  event_id: d.eventId,
  status: d.status,
  attempts: d.attempts,
  response_status: d.responseStatus,
  error: d.error,
  created_at: iso(d.createdAt),
  last_attempt_at: iso(d.lastAttemptAt),
  delivered_at: iso(d.deliveredAt),
  payload: d.payload,
});

const Events = z
  .array(z.enum(EVENT_TYPES))
  .min(1)
  .max(EVENT_TYPES.length)
  .transform((list) => [...new Set(list)]);
const Url = z.string().trim().min(1).max(2_000);
const Description = z.string().trim().max(300).nullable();
const EndpointBody = z.strictObject({ url: Url, events: Events, description: Description.default(null), active: z.boolean().default(true) });
const EndpointPatch = z.strictObject({ url: Url.optional(), events: Events.optional(), description: Description.optional(), active: z.boolean().optional() });

integrations.get(
  "/api/webhooks/endpoints",
  doc({ summary: "The tenant's webhook endpoints and the event types one may take", responses: { 200: { description: `\`{endpoints: [${ENDPOINT_VIEW}], event_types}\`` } } }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const list = await c.get("store").webhookEndpoints.list(company.id);
    return c.json({ endpoints: list.map(endpointView), event_types: EVENT_TYPES });
  },
);

integrations.post(
  "/api/webhooks/endpoints",
  doc({
    summary: "Creates an endpoint; its signing secret is in this answer only",
    description: "The URL must be https and not a private, loopback or link-local host (422 `https_required`, `private_host`, `invalid_url`, `credentials_in_url`).",
    responses: { 201: { description: `\`{endpoint: ${ENDPOINT_VIEW}, secret}\`: keep the secret, it is never shown again (rotate makes a new one)` } },
    errors: { 409: "`too_many_endpoints`", 422: "the URL is refused" },
  }),
  jsonBody(EndpointBody),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const b = c.req.valid("json");
    const { endpoint, secret } = await createEndpoint(c.env, c.get("store"), company.id, b);
    await audit(c, company.id, {
      action: "webhook_endpoint.create",
      target: `webhook_endpoint:${endpoint.id}`,
      detail: { host: new URL(endpoint.url).host, events: endpoint.events },
    });
    return c.json({ endpoint: endpointView(endpoint), secret }, 201);
  },
);

integrations.patch(
  "/api/webhooks/endpoints/:id",
  doc({
    summary: "Changes an endpoint's URL, events, description or active flag",
    responses: { 200: { description: `\`{endpoint: ${ENDPOINT_VIEW}}\`` } },
    errors: { 404: NOT_FOUND, 422: "the URL is refused" },
  }),
  endpointId,
  jsonBody(EndpointPatch),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const id = c.req.valid("param").id;
    const updated = await updateEndpoint(c.env, c.get("store"), company.id, id, c.req.valid("json"));
    if (!updated) throw notFound();
    await audit(c, company.id, { action: "webhook_endpoint.update", target: `webhook_endpoint:${id}`, detail: { active: updated.active, events: updated.events } });
    return c.json({ endpoint: endpointView(updated) });
  },
);

integrations.delete(
  "/api/webhooks/endpoints/:id",
  doc({ summary: "Deletes an endpoint and its delivery log", responses: { 204: { description: "Deleted" } }, errors: { 404: NOT_FOUND } }),
  endpointId,
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const id = c.req.valid("param").id;
    if (!(await removeEndpoint(c.env, c.get("store"), company.id, id))) throw notFound();
    await audit(c, company.id, { action: "webhook_endpoint.delete", target: `webhook_endpoint:${id}` });
    return c.body(null, 204);
  },
);

integrations.post(
  "/api/webhooks/endpoints/:id/rotate",
  doc({
    summary: "Replaces the signing secret (the old one stops at once); the new one is in this answer only",
    responses: { 200: { description: `\`{endpoint: ${ENDPOINT_VIEW}, secret}\`` } },
    errors: { 404: NOT_FOUND },
  }),
  endpointId,
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const id = c.req.valid("param").id;
    const rotated = await rotateSecret(c.env, c.get("store"), company.id, id);
    if (!rotated) throw notFound();
    await audit(c, company.id, { action: "webhook_endpoint.rotate_secret", target: `webhook_endpoint:${id}` });
    return c.json({ endpoint: endpointView(rotated.endpoint), secret: rotated.secret });
  },
);

integrations.post(
  "/api/webhooks/endpoints/:id/test",
  doc({
    summary: "Sends a signed `webhook.test` event to the endpoint now and shows its answer",
    responses: { 200: { description: "`{id, ok, status, body, error, duration_ms}`: status 0 when it did not answer (see error); body is its first 1,000 characters" } },
    errors: { 404: NOT_FOUND },
  }),
  endpointId,
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const endpoint = await c.get("store").webhookEndpoints.byId(company.id, c.req.valid("param").id);
    if (!endpoint) throw notFound();
    const r = await testSend(c.env, company, endpoint);
    return c.json({ id: r.id, ok: r.ok, status: r.status, body: r.body, error: r.error, duration_ms: r.durationMs });
  },
);

const DeliveryQuery = z.object({
  endpoint_id: z.coerce.number().int().positive().optional(),
  status: z.enum(["pending", "delivered", "failed", "dead"]).optional(),
  before_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

integrations.get(
  "/api/webhooks/deliveries",
  doc({
    summary: "The delivery log, newest first (filter by endpoint and status; page with before_id)",
    responses: { 200: { description: `\`{deliveries: [${DELIVERY_VIEW}]}\`` } },
  }),
  queryParams(DeliveryQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const q = c.req.valid("query");
    const list = await c.get("store").webhookDeliveries.list(company.id, { endpointId: q.endpoint_id, status: q.status, beforeId: q.before_id, limit: q.limit });
    return c.json({ deliveries: list.map(deliveryView) });
  },
);

integrations.post(
  "/api/webhooks/deliveries/:id/redeliver",
  doc({
    summary: "Queues a delivery again (any status), with a fresh budget of attempts",
    responses: { 202: { description: `\`{delivery: ${DELIVERY_VIEW}}\`` } },
    errors: { 404: "`delivery_not_found`" },
  }),
  deliveryId,
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const id = c.req.valid("param").id;
    const reopened = await redeliver(c.env, c.get("store"), company.id, id);
    if (!reopened) throw new AppError(404, "delivery_not_found", "No such webhook delivery in this tenant");
    await audit(c, company.id, { action: "webhook_delivery.redeliver", target: `webhook_delivery:${id}` });
    return c.json({ delivery: deliveryView(reopened) }, 202);
  },
);
