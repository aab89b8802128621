import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ZodError } from "zod";
import { ingestBatch, type IngestResult } from "../../channels/ingest";
import { parseMetaWebhook, verifyMetaSignature } from "../../channels/meta";
import { parseEvolutionWebhook } from "../../channels/evolution";
import { parseWhaticketWebhook, verifyWhaticketSignature } from "../../channels/whaticket";
import type { ChannelName, InboundBatch } from "../../channels/types";
import { parseCalcomWebhook, verifyCalcomSignature, type CalcomEvent } from "../../agenda/calcom-events";
import { applyCalcomEvent } from "../../agenda/calcom-webhook";
import { agendaCtx } from "../../agenda/service";
import { safeEqual, sha256Hex } from "../../lib/crypto";
import { openSecret } from "../../lib/secret-box";
import { AppError } from "../../lib/errors";
import type { WebhookOutcome } from "../../metrics/catalogue";
import type { Company } from "../../store/types";
import { companyByEvolutionInstance, companyByMetaPhoneNumberId, companyByWhaticketTokenHash } from "../../tenants/lookup-cache";
import { readSettings } from "../../tenants/settings";
import { recordMetrics } from "../../tenants/stubs";
import { parseJson } from "../errors";
import type { AppEnv } from "../types";

/** Meta's payloads are a few KB; anything near 1 MB is abuse or a mistake. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export const webhooks = new Hono<AppEnv>();

/** Rejections are counted before the error goes out, against the tenant when it is known. */
async function reject(c: Context<AppEnv>, channel: ChannelName | "calcom", outcome: WebhookOutcome, company: Company | null, err: AppError): Promise<never> {
  await recordMetrics(c.env, company?.id ?? null, [{ metric: "secretaria_webhook_requests_total", labels: { channel, outcome }, inc: 1 }]);
  throw err;
}

const limit = (channel: ChannelName | "calcom") =>
  bodyLimit({
    maxSize: MAX_WEBHOOK_BYTES,
    onError: (c) => reject(c, channel, "too_large", null, new AppError(413, "payload_too_large", `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`)),
  });

function parseWith<T>(parse: (body: unknown) => T, body: unknown): T {
  try {
    return parse(body);
  } catch (err) {
    if (err instanceof ZodError) throw new AppError(400, "invalid_body", "The webhook body does not have the expected shape", err.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message })));
    throw err;
  }
}

function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? "local";
}

/** Sums what the tenants admitted; 429 when the IP was over a tenant's limit. */
function finish(c: Context<AppEnv>, runs: { company: Company; result: IngestResult }[]) {
  if (runs.some((r) => r.result.ipLimited)) throw new AppError(429, "rate_limited", "Too many requests from this address");
  const total = runs.reduce(
    (t, { result: r }) => ({ accepted: t.accepted + r.accepted, duplicates: t.duplicates + r.duplicates, rate_limited: t.rate_limited + r.rateLimited, statuses: t.statuses + r.statuses }),
    { accepted: 0, duplicates: 0, rate_limited: 0, statuses: 0 },
  );
  return c.json({ ok: true, ...total });
}

// Meta's subscription handshake.
webhooks.get("/webhooks/whatsapp", async (c) => {
  const mode = c.req.query("hub.mode");
  const token = c.req.query("hub.verify_token") ?? "";
  const challenge = c.req.query("hub.challenge") ?? "";
  if (mode === "subscribe" && c.env.META_VERIFY_TOKEN && (await safeEqual(token, c.env.META_VERIFY_TOKEN))) return c.text(challenge);
  throw new AppError(403, "verification_failed", "hub.mode or hub.verify_token does not match");
});

webhooks.post("/webhooks/whatsapp", limit("meta"), async (c) => {
  const started = Date.now();
  const raw = await c.req.arrayBuffer();
  if (!c.env.META_APP_SECRET || !(await verifyMetaSignature(raw, c.req.header("x-hub-signature-256"), c.env.META_APP_SECRET)))
    return reject(c, "meta", "unauthorized", null, new AppError(401, "invalid_signature", "X-Hub-Signature-256 does not match the body"));
  let batches: InboundBatch[];
  try {
    batches = parseWith(parseMetaWebhook, parseJson(new TextDecoder().decode(raw)));
  } catch (err) {
    return reject(c, "meta", "bad_request", null, err instanceof AppError ? err : new AppError(400, "invalid_body", String(err)));
  }
  const store = c.get("store");
  const runs: { company: Company; result: IngestResult }[] = [];
  let unknown = 0;
  for (const batch of batches) {
    const company = await companyByMetaPhoneNumberId(store, batch.routeKey);
    if (!company || company.status !== "active") {
      unknown++;
      continue;
    }
    runs.push({ company, result: await ingestBatch(c.env, store, company, "meta", batch, { ip: clientIp(c), correlationId: c.get("requestId"), receivedAt: started }) });
  }
  if (runs.length === 0 && unknown > 0)
    return reject(c, "meta", "unknown_tenant", null, new AppError(404, "unknown_tenant", "No tenant owns this phone_number_id"));
  // Entries for numbers we do not serve are counted but do not fail the ones we do (Meta would retry all).
  if (unknown > 0) await recordMetrics(c.env, null, [{ metric: "secretaria_webhook_requests_total", labels: { channel: "meta", outcome: "unknown_tenant" }, inc: unknown }]);
  return finish(c, runs);
});

webhooks.post("/webhooks/evolution/:instance", limit("evolution"), async (c) => {
  const started = Date.now();
  const store = c.get("store");
  const company = await companyByEvolutionInstance(store, c.req.param("instance"));
  if (!company || company.status !== "active") return reject(c, "evolution", "unknown_tenant", null, new AppError(404, "unknown_tenant", "No tenant owns this Evolution instance"));
  let body: unknown;
  try {
    body = parseJson(await c.req.text());
  } catch (err) {
    return reject(c, "evolution", "bad_request", company, err instanceof AppError ? err : new AppError(400, "invalid_json", String(err)));
  }
  // Evolution puts the instance key in the body (and optionally in a header); check it before the shape.
  const bodyKey = typeof body === "object" && body !== null && "apikey" in body && typeof body.apikey === "string" ? body.apikey : undefined;
  const apikey = c.req.header("apikey") ?? bodyKey;
  const expected = readSettings(company.channelSettings).evolution?.apikey;
  if (!apikey || !expected || !(await safeEqual(apikey, expected))) return reject(c, "evolution", "unauthorized", company, new AppError(401, "invalid_apikey", "apikey does not match this instance"));
  let parsed: ReturnType<typeof parseEvolutionWebhook>;
  try {
    parsed = parseWith(parseEvolutionWebhook, body);
  } catch (err) {
    return reject(c, "evolution", "bad_request", company, err instanceof AppError ? err : new AppError(400, "invalid_body", String(err)));
  }
  const result = await ingestBatch(c.env, store, company, "evolution", parsed.batch, { ip: clientIp(c), correlationId: c.get("requestId"), receivedAt: started });
  return finish(c, [{ company, result }]);
});

/** Whaticket-style: the webhook token names the tenant, the HMAC proves the body. */
webhooks.post("/webhook/whaticket", limit("whaticket"), async (c) => {
  const started = Date.now();
  const store = c.get("store");
  const token = c.req.header("x-webhook-token");
  const company = token ? await companyByWhaticketTokenHash(store, await sha256Hex(token)) : null;
  if (!company || company.status !== "active") return reject(c, "whaticket", "unauthorized", null, new AppError(401, "invalid_token", "X-Webhook-Token is missing or unknown"));
  const raw = await c.req.arrayBuffer();
  const secret = readSettings(company.channelSettings).whaticket?.webhookSecret;
  if (!secret || !(await verifyWhaticketSignature(raw, c.req.header("x-signature"), secret)))
    return reject(c, "whaticket", "unauthorized", company, new AppError(401, "invalid_signature", "X-Signature does not match the body"));
  let batch: InboundBatch;
  try {
    batch = parseWith(parseWhaticketWebhook, parseJson(new TextDecoder().decode(raw)));
  } catch (err) {
    return reject(c, "whaticket", "bad_request", company, err instanceof AppError ? err : new AppError(400, "invalid_body", String(err)));
  }
  const result = await ingestBatch(c.env, store, company, "whaticket", batch, { ip: clientIp(c), correlationId: c.get("requestId"), receivedAt: started });
  return finish(c, [{ company, result }]);
});

/** Cal.com: `X-Cal-Signature-256` is the hex HMAC-SHA256 of the raw body with the tenant's webhook secret. */
webhooks.post("/webhooks/calcom/:tenant", limit("calcom"), async (c) => {
  const store = c.get("store");
  const company = await store.companies.bySlug(c.req.param("tenant"));
  if (!company || company.status !== "active") return reject(c, "calcom", "unknown_tenant", null, new AppError(404, "unknown_tenant", "No such tenant"));
  const raw = await c.req.arrayBuffer();
  const ctx = await agendaCtx(c.env, store, company);
  const sealed = ctx.profile.agenda.calcom?.webhookSecretCipher;
  const secret = sealed && c.env.SECRETS_KEY ? await openSecret(c.env.SECRETS_KEY, sealed) : null;
  if (!secret || !(await verifyCalcomSignature(raw, c.req.header("x-cal-signature-256"), secret)))
    return reject(c, "calcom", "unauthorized", company, new AppError(401, "invalid_signature", "X-Cal-Signature-256 does not match the body"));
  let event: CalcomEvent;
  try {
    event = parseWith(parseCalcomWebhook, parseJson(new TextDecoder().decode(raw)));
  } catch (err) {
    return reject(c, "calcom", "bad_request", company, err instanceof AppError ? err : new AppError(400, "invalid_body", String(err)));
  }
  const result = await applyCalcomEvent(ctx, event);
  await recordMetrics(c.env, company.id, [{ metric: "secretaria_webhook_requests_total", labels: { channel: "calcom", outcome: result.applied ? "accepted" : "ignored" }, inc: 1 }]);
  return c.json({ ok: true, event: event.kind, applied: result.applied, appointment_id: result.appointmentId ?? null, note: result.note });
});
