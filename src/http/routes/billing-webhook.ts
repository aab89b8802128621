/**
 * POST /webhook/billing: the billing provider's events (Stripe's shapes and signature). Public; the
 * signature over the raw body is the authentication, read once under a size limit.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { verifyStripeSignature } from "../../billing/signature";
import { StripeEvent } from "../../billing/stripe";
import { applyBillingEvent, MalformedEvent } from "../../billing/webhook";
import { AppError } from "../../lib/errors";
import { log } from "../../lib/log";
import type { BillingWebhookOutcome } from "../../metrics/catalogue";
import { recordMetrics } from "../../tenants/stubs";
import { afterResponse } from "../ack";
import { parseJson, zodDetails } from "../errors";
import { describer } from "../openapi/meta";
import type { AppEnv } from "../types";

export const billingWebhook = new Hono<AppEnv>();
const doc = describer({ tag: "Webhooks", auth: "public" });
/** Stripe's events are a few KB; a subscription with many items stays well under this. */
export const MAX_BILLING_BYTES = 256 * 1024;
const utf8 = new TextDecoder();

const count = (c: Context<AppEnv>, outcome: BillingWebhookOutcome, companyId: number | null) =>
  afterResponse(c, recordMetrics(c.env, companyId, [{ metric: "secretaria_billing_webhooks_total", labels: { outcome }, inc: 1 }]));

async function refuse(c: Context<AppEnv>, outcome: BillingWebhookOutcome, err: AppError): Promise<never> {
  await count(c, outcome, null);
  throw err;
}

billingWebhook.post(
  "/webhook/billing",
  doc({
    summary: "Billing provider events (Stripe): subscription created/updated/deleted, invoice paid/payment failed",
    headers: { "Stripe-Signature": '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" with BILLING_WEBHOOK_SECRET>` (more v1 values allowed; any valid one is enough)' },
    body: { schema: StripeEvent, description: "Stripe's event, checked once the signature holds" },
    responses: { 200: { description: "`{ok: true, applied: true}`, `{ok: true, duplicate: true}` (event id seen before) or `{ok: true, ignored: true, reason}`" } },
    errors: {
      400: "`invalid_json` / `invalid_body`: not a Stripe event",
      401: "`invalid_signature`: missing, malformed, outside 300 s or not matching",
      413: `\`payload_too_large\`: over ${MAX_BILLING_BYTES} bytes`,
      503: "`not_configured`: BILLING_WEBHOOK_SECRET is not set",
    },
  }),
  bodyLimit({
    maxSize: MAX_BILLING_BYTES,
    onError: (c) => refuse(c, "too_large", new AppError(413, "payload_too_large", `Billing webhook bodies are limited to ${MAX_BILLING_BYTES} bytes`)),
  }),
  async (c) => {
    const secret = c.env.BILLING_WEBHOOK_SECRET;
    if (!secret) return refuse(c, "unauthorized", new AppError(503, "not_configured", "BILLING_WEBHOOK_SECRET is not configured"));
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const now = Date.now();
    const check = await verifyStripeSignature(raw, c.req.header("stripe-signature"), secret, now);
    if (!check.ok) {
      log.warn("billing webhook signature refused", { correlation_id: c.get("requestId"), reason: check.reason });
      return refuse(c, "unauthorized", new AppError(401, "invalid_signature", `Stripe-Signature refused: ${check.reason}`));
    }
    let event: StripeEvent;
    try {
      const parsed = StripeEvent.safeParse(parseJson(utf8.decode(raw)));
      if (!parsed.success) throw new AppError(400, "invalid_body", "The body is not a Stripe event", zodDetails(parsed.error));
      event = parsed.data;
    } catch (err) {
      return refuse(c, "bad_request", err instanceof AppError ? err : new AppError(400, "invalid_body", String(err)));
    }
    try {
      const applied = await applyBillingEvent(c.env, c.get("store"), event, now);
      await count(c, applied.outcome, applied.companyId);
      if (applied.outcome === "duplicate") return c.json({ ok: true, duplicate: true });
      if (applied.outcome === "ignored") return c.json({ ok: true, ignored: true, reason: applied.why });
      return c.json({ ok: true, applied: true });
    } catch (err) {
      if (err instanceof MalformedEvent) return refuse(c, "bad_request", new AppError(400, "invalid_body", err.message));
      throw err;
    }
  },
);
