import { EVENT_TYPES } from "../events/types";
import { AppError } from "../lib/errors";
import { sendAll } from "../lib/queue-send";
import { sealSecret } from "../lib/secret-box";
import type { Company, NewWebhookEndpoint, Store, WebhookDelivery, WebhookEndpoint } from "../store/types";
import { readProfile } from "../tenants/profile";
import { configChanged } from "../tenants/tenant-cache";
import { type PostResult, signedPost } from "./deliver";
import { newSigningSecret } from "./signature";
import { deliveryJob } from "./subscriber";
import { allowLocalWebhooks, checkWebhookUrl } from "./url-guard";

/** A tenant's endpoints, at most: each event fans out to every one of them. */
export const MAX_ENDPOINTS = 20;

const REFUSALS = {
  invalid_url: "The URL is not a valid absolute URL",
  https_required: "Webhook URLs must use https",
  private_host: "Webhook URLs may not point at a private, loopback or link-local host",
  credentials_in_url: "Put no user or password in the URL (the signature authenticates us)",
} as const;

/** Refuses a URL no webhook may go to, as a 422 with the reason's own code. */
export function assertWebhookUrl(env: Env, url: string): void {
  const refused = checkWebhookUrl(url, allowLocalWebhooks(env));
  if (refused) throw new AppError(422, refused, REFUSALS[refused]);
}

/**
 * Keeps the types any active endpoint takes in the tenant's profile and tells every isolate, so the
 * subscriber (integrations/subscriber.ts) knows without a statement whether an event goes anywhere.
 */
export async function syncSubscriptions(env: Env, store: Store, companyId: number): Promise<string[]> {
  const active = await store.webhookEndpoints.list(companyId, { activeOnly: true });
  const events = EVENT_TYPES.filter((t) => active.some((e) => e.events.includes(t)));
  const profile = readProfile(await store.profiles.get(companyId));
  const before = profile.webhooks.events;
  if (before.length !== events.length || before.some((t, i) => t !== events[i])) {
    await store.profiles.put(companyId, { ...profile, webhooks: { events } }, Date.now());
    await configChanged(env, companyId);
  }
  return events;
}

/** Creates an endpoint with a new signing secret; the secret is returned here only (stored sealed). */
export async function createEndpoint(env: Env, store: Store, companyId: number, e: Omit<NewWebhookEndpoint, "secret">): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  assertWebhookUrl(env, e.url);
  if ((await store.webhookEndpoints.list(companyId)).length >= MAX_ENDPOINTS)
    throw new AppError(409, "too_many_endpoints", `A tenant may have at most ${MAX_ENDPOINTS} webhook endpoints`);
  const secret = newSigningSecret();
  const endpoint = await store.webhookEndpoints.create(companyId, { ...e, secret: await sealSecret(env.SECRETS_KEY, secret) }, Date.now());
  await syncSubscriptions(env, store, companyId);
  return { endpoint, secret };
}

export async function updateEndpoint(env: Env, store: Store, companyId: number, id: number, patch: Partial<Omit<NewWebhookEndpoint, "secret">>): Promise<WebhookEndpoint | null> {
  if (patch.url !== undefined) assertWebhookUrl(env, patch.url);
  const updated = await store.webhookEndpoints.update(companyId, id, patch, Date.now());
  if (updated) await syncSubscriptions(env, store, companyId);
  return updated;
}

/** A new secret replaces the old at once (the receiver must switch); returned this once. */
export async function rotateSecret(env: Env, store: Store, companyId: number, id: number): Promise<{ endpoint: WebhookEndpoint; secret: string } | null> {
  const secret = newSigningSecret();
  const endpoint = await store.webhookEndpoints.update(companyId, id, { secret: await sealSecret(env.SECRETS_KEY, secret) }, Date.now());
  return endpoint ? { endpoint, secret } : null;
}

export async function removeEndpoint(env: Env, store: Store, companyId: number, id: number): Promise<boolean> {
  const gone = await store.webhookEndpoints.remove(companyId, id);
  if (gone) await syncSubscriptions(env, store, companyId);
  return gone;
}

/** Sends a delivery again from the log: back to pending, a new queue message (a new generation, its own dead letter). */
export async function redeliver(env: Env, store: Store, companyId: number, id: number): Promise<WebhookDelivery | null> {
  const reopened = await store.webhookDeliveries.reopen(companyId, id);
  if (reopened) await sendAll(env.JOBS_QUEUE, [deliveryJob(reopened, reopened.attempts)]);
  return reopened;
}

/** Sends a signed `webhook.test` event to the endpoint now and returns the receiver's answer (not logged). */
export async function testSend(env: Env, company: Company, endpoint: WebhookEndpoint, fetchFn: typeof fetch = fetch): Promise<PostResult & { id: string }> {
  const id = `webhook.test:${crypto.randomUUID()}`;
  const body = JSON.stringify({
    id,
    type: "webhook.test",
    created_at: new Date().toISOString(),
    company: { id: company.id, slug: company.slug, name: company.name },
    data: { endpoint_id: endpoint.id, message: "Secretaria test event: your endpoint is reachable and can verify the signature." },
  });
  return { id, ...(await signedPost(env, endpoint, "webhook.test", id, body, fetchFn)) };
}
