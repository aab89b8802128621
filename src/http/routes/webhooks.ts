import { Hono } from "hono";
import { MetaWebhook, parseMetaWebhook } from "../../channels/meta";
import { accepted, channelCredentials, type Opened } from "../../channels/credentials";
import { EvolutionWebhook, parseEvolutionWebhook } from "../../channels/evolution";
import { parseWhaticketWebhook, verifyWhaticketSignature, WhaticketWebhook } from "../../channels/whaticket";
import type { ChannelName, InboundBatch } from "../../channels/types";
import { CalcomWebhook, parseCalcomWebhook, verifyCalcomSignature, type CalcomEvent } from "../../agenda/calcom-events";
import { applyCalcomEvent } from "../../agenda/calcom-webhook";
import { agendaCtx } from "../../agenda/service";
import { sha256Hex } from "../../lib/crypto";
import { openSecret } from "../../lib/secret-box";
import { AppError } from "../../lib/errors";
import { companyByEvolutionInstance, companyByMetaPhoneNumberId, companyByWhaticketTokenHash } from "../../tenants/lookup-cache";
import { recordMetrics } from "../../tenants/stubs";
import type { Company } from "../../store/types";
import { afterResponse, enqueueParts, parseWith, reject, SUSPENDED_BODY, suspendedAck, webhookBodyLimit as limit, type AckPart } from "../ack";
import { hostAllows } from "../host-tenant";
import { parseJson } from "../errors";
import { describer } from "../openapi/meta";
import type { AppEnv } from "../types";
import { checkMetaSignature, matchesAny, verifyTokenMatches } from "../webhook-auth";

export const webhooks = new Hono<AppEnv>();
const doc = describer({ tag: "Webhooks", auth: "public" });
const ACK = { 200: { description: '`{ok: true, ...}`: verified, parsed, bounded and queued; a suspended tenant\'s: `ignored: "tenant_suspended"`, nothing stored' } };
/** A provider's body is checked by its parser once the signature over the raw bytes holds, so it is documented here, not validated by middleware. */
const ACK_ERRORS = { 413: "`payload_too_large`: over 1 MiB", 429: "`rate_limited`: too many requests from this address" };

const NONE: Opened = { current: null, previous: null };
/** Whether any of a secret's accepted values verifies the body (the previous one during a rotation). */
async function verifiedWithAny(secrets: string[], verify: (secret: string) => Promise<boolean>): Promise<boolean> {
  for (const s of secrets) if (await verify(s)) return true;
  return false;
}

/** One decoder for every request: a whole-buffer decode keeps no state between calls. */
const utf8 = new TextDecoder();

/** Verified, but the tenant is suspended or closed: 200 and nothing stored (ack.ts). */
const suspended = async (c: Parameters<typeof enqueueParts>[0], channel: ChannelName | "calcom", company: Company) => {
  await suspendedAck(c, channel, [company]);
  return c.json(SUSPENDED_BODY);
};

const ack = async (c: Parameters<typeof enqueueParts>[0], channel: ChannelName, parts: AckPart[], started: number) =>
  c.json({ ok: true, ...(await enqueueParts(c, channel, parts, started)) });

// Meta's subscription handshake.
webhooks.get(
  "/webhooks/whatsapp",
  doc({
    summary: "Meta's subscription handshake",
    queryParams: { "hub.mode": "`subscribe`", "hub.verify_token": "The tenant's verify token (GET /api/channel), or META_VERIFY_TOKEN", "hub.challenge": "Echoed back" },
    responses: { 200: { description: "The challenge, as text", mediaType: "text/plain" } },
    errors: { 403: "`verification_failed`" },
  }),
  async (c) => {
    const mode = c.req.query("hub.mode");
    const token = c.req.query("hub.verify_token") ?? "";
    const challenge = c.req.query("hub.challenge") ?? "";
    if (mode === "subscribe" && (await verifyTokenMatches(c.env, c.get("store"), token))) return c.text(challenge);
    throw new AppError(403, "verification_failed", "hub.mode or hub.verify_token does not match");
  },
);

webhooks.post(
  "/webhooks/whatsapp",
  doc({
    summary: "Meta Cloud API: messages and statuses",
    headers: { "X-Hub-Signature-256": "sha256=<hex HMAC-SHA256 of the raw body with the tenant's app secret, else META_APP_SECRET>" },
    body: { schema: MetaWebhook, description: "Meta's webhook body, checked once the signature holds" },
    responses: ACK,
    errors: { ...ACK_ERRORS, 401: "`invalid_signature`", 404: "`unknown_tenant`: no tenant owns the phone_number_id" },
  }),
  limit("meta"),
  async (c) => {
    const started = Date.now();
    const raw = await c.req.arrayBuffer();
    const store = c.get("store");
    let json: unknown = null;
    let jsonError: AppError | null = null;
    try {
      json = parseJson(utf8.decode(raw));
    } catch (err) {
      jsonError = err instanceof AppError ? err : new AppError(400, "invalid_json", String(err));
    }
    const signature = await checkMetaSignature(c.env, store, raw, c.req.header("x-hub-signature-256"), json);
    const forged = () => reject(c, "meta", "unauthorized", null, new AppError(401, "invalid_signature", "X-Hub-Signature-256 does not match the body"));
    if (!signature.any) return forged();
    let batches: InboundBatch[];
    try {
      if (jsonError) throw jsonError;
      batches = parseWith(parseMetaWebhook, json);
    } catch (err) {
      return reject(c, "meta", "bad_request", null, err instanceof AppError ? err : new AppError(400, "invalid_body", String(err)));
    }
    const parts: AckPart[] = [];
    const suspended: Company[] = [];
    let unknown = 0;
    let unsigned = 0;
    for (const batch of batches) {
      const company = await companyByMetaPhoneNumberId(store, batch.routeKey);
      if (!company || !hostAllows(c, company)) unknown++;
      else if (!signature.verifiedFor(company)) unsigned++;
      else if (company.status !== "active") suspended.push(company);
      else parts.push({ company, batch });
    }
    if (parts.length === 0 && unsigned > 0) return forged();
    await suspendedAck(c, "meta", suspended);
    if (parts.length === 0 && suspended.length > 0) return c.json(SUSPENDED_BODY);
    if (parts.length === 0 && unknown > 0) return reject(c, "meta", "unknown_tenant", null, new AppError(404, "unknown_tenant", "No tenant owns this phone_number_id"));
    // Entries for numbers we do not serve are counted but do not fail the ones we do (Meta would retry all).
    if (unknown > 0)
      await afterResponse(c, recordMetrics(c.env, null, [{ metric: "secretaria_webhook_requests_total", labels: { channel: "meta", outcome: "unknown_tenant" }, inc: unknown }]));
    return ack(c, "meta", parts, started);
  },
);

webhooks.post(
  "/webhooks/evolution/:instance",
  doc({
    summary: "Evolution API: messages.upsert and messages.update",
    headers: { apikey: "The instance's key (or `apikey` in the body)" },
    body: { schema: EvolutionWebhook, description: "Evolution's event, checked once the instance key holds" },
    responses: ACK,
    errors: { ...ACK_ERRORS, 401: "`invalid_apikey`", 404: "`unknown_tenant`: no tenant owns the instance" },
  }),
  limit("evolution"),
  async (c) => {
    const started = Date.now();
    const store = c.get("store");
    const found = await companyByEvolutionInstance(store, c.req.param("instance"));
    const company = found && hostAllows(c, found) ? found : null;
    if (!company) return reject(c, "evolution", "unknown_tenant", null, new AppError(404, "unknown_tenant", "No tenant owns this Evolution instance"));
    let body: unknown;
    try {
      body = parseJson(await c.req.text());
    } catch (err) {
      return reject(c, "evolution", "bad_request", company, err instanceof AppError ? err : new AppError(400, "invalid_json", String(err)));
    }
    // Evolution puts the instance key in the body (and optionally in a header); check it before the shape.
    const bodyKey = typeof body === "object" && body !== null && "apikey" in body && typeof body.apikey === "string" ? body.apikey : undefined;
    const apikey = c.req.header("apikey") ?? bodyKey;
    const expected = accepted((await channelCredentials(c.env, company)).evolution?.apikey ?? NONE);
    if (!apikey || !(await matchesAny(apikey, expected)))
      return reject(c, "evolution", "unauthorized", company, new AppError(401, "invalid_apikey", "apikey does not match this instance"));
    let parsed: ReturnType<typeof parseEvolutionWebhook>;
    try {
      parsed = parseWith(parseEvolutionWebhook, body);
    } catch (err) {
      return reject(c, "evolution", "bad_request", company, err instanceof AppError ? err : new AppError(400, "invalid_body", String(err)));
    }
    if (company.status !== "active") return suspended(c, "evolution", company);
    return ack(c, "evolution", [{ company, batch: parsed.batch }], started);
  },
);

/** Whaticket-style: the webhook token names the tenant, the HMAC proves the body. */
webhooks.post(
  "/webhook/whaticket",
  doc({
    summary: "Whaticket-style webhook: the token names the tenant, the HMAC proves the body",
    headers: { "X-Webhook-Token": "The tenant's webhook token", "X-Signature": "Hex HMAC-SHA256 of the raw body with the tenant's webhook secret" },
    body: { schema: WhaticketWebhook, description: "The message, checked once the signature holds" },
    responses: ACK,
    errors: { ...ACK_ERRORS, 401: "`invalid_token` / `invalid_signature`" },
  }),
  limit("whaticket"),
  async (c) => {
    const started = Date.now();
    const store = c.get("store");
    const token = c.req.header("x-webhook-token");
    const found = token ? await companyByWhaticketTokenHash(store, await sha256Hex(token)) : null;
    const company = found && hostAllows(c, found) ? found : null;
    if (!company) return reject(c, "whaticket", "unauthorized", null, new AppError(401, "invalid_token", "X-Webhook-Token is missing or unknown"));
    const raw = await c.req.arrayBuffer();
    const secrets = accepted((await channelCredentials(c.env, company)).whaticket?.webhookSecret ?? NONE);
    if (!(await verifiedWithAny(secrets, (s) => verifyWhaticketSignature(raw, c.req.header("x-signature"), s))))
      return reject(c, "whaticket", "unauthorized", company, new AppError(401, "invalid_signature", "X-Signature does not match the body"));
    let batch: InboundBatch;
    try {
      batch = parseWith(parseWhaticketWebhook, parseJson(utf8.decode(raw)));
    } catch (err) {
      return reject(c, "whaticket", "bad_request", company, err instanceof AppError ? err : new AppError(400, "invalid_body", String(err)));
    }
    if (company.status !== "active") return suspended(c, "whaticket", company);
    return ack(c, "whaticket", [{ company, batch }], started);
  },
);

/** Cal.com: `X-Cal-Signature-256` is the hex HMAC-SHA256 of the raw body with the tenant's webhook secret. */
webhooks.post(
  "/webhooks/calcom/:tenant",
  doc({
    summary: "Cal.com booking events",
    headers: { "X-Cal-Signature-256": "Hex HMAC-SHA256 of the raw body with the tenant's Cal.com webhook secret" },
    body: { schema: CalcomWebhook, description: "Cal.com's event, checked once the signature holds" },
    responses: { 200: { description: "`{ok: true, event, applied, appointment_id, note}`" } },
    errors: { 401: "`invalid_signature`", 404: "`unknown_tenant`", 413: ACK_ERRORS[413] },
  }),
  limit("calcom"),
  async (c) => {
    const store = c.get("store");
    const found = await store.companies.bySlug(c.req.param("tenant"));
    const company = found && hostAllows(c, found) ? found : null;
    if (!company) return reject(c, "calcom", "unknown_tenant", null, new AppError(404, "unknown_tenant", "No such tenant"));
    const raw = await c.req.arrayBuffer();
    const ctx = await agendaCtx(c.env, store, company);
    const sealed = ctx.profile.agenda.calcom?.webhookSecretCipher;
    const secret = sealed && c.env.SECRETS_KEY ? await openSecret(c.env.SECRETS_KEY, sealed) : null;
    if (!secret || !(await verifyCalcomSignature(raw, c.req.header("x-cal-signature-256"), secret)))
      return reject(c, "calcom", "unauthorized", company, new AppError(401, "invalid_signature", "X-Cal-Signature-256 does not match the body"));
    let event: CalcomEvent;
    try {
      event = parseWith(parseCalcomWebhook, parseJson(utf8.decode(raw)));
    } catch (err) {
      return reject(c, "calcom", "bad_request", company, err instanceof AppError ? err : new AppError(400, "invalid_body", String(err)));
    }
    if (company.status !== "active") return suspended(c, "calcom", company);
    const result = await applyCalcomEvent(ctx, event);
    await recordMetrics(c.env, company.id, [
      { metric: "secretaria_webhook_requests_total", labels: { channel: "calcom", outcome: result.applied ? "accepted" : "ignored" }, inc: 1 },
    ]);
    return c.json({ ok: true, event: event.kind, applied: result.applied, appointment_id: result.appointmentId ?? null, note: result.note });
  },
);
