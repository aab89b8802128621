import { exports } from "cloudflare:workers";
import { hmacSha256Hex } from "../../src/lib/hmac";
import { store } from "../support/helpers";

export const SECRET = "whsec_test_billing";

/** A recorded Stripe event made this test's own: a fresh event id, our tenant's slug and subscription id. */
export function eventFrom<T extends { id: string; data: { object: Record<string, unknown> } }>(fixture: T, o: { slug?: string | null; subscription: string; id?: string }): T {
  const e = structuredClone(fixture);
  e.id = o.id ?? `evt_${crypto.randomUUID().replaceAll("-", "")}`;
  const obj = e.data.object as Record<string, unknown> & {
    metadata?: Record<string, string>;
    parent?: { subscription_details?: { metadata?: Record<string, string>; subscription?: string } };
    subscription_details?: { metadata?: Record<string, string> };
  };
  if (obj.object === "subscription") obj.id = o.subscription;
  else {
    if (obj.parent?.subscription_details) obj.parent.subscription_details.subscription = o.subscription;
    else obj.subscription = o.subscription;
  }
  for (const m of [obj.metadata, obj.parent?.subscription_details?.metadata, obj.subscription_details?.metadata]) {
    if (!m) continue;
    if (o.slug === null) delete m.company_slug;
    else if (o.slug !== undefined || m.company_slug) m.company_slug = o.slug ?? "no-such-tenant";
  }
  return e;
}

export async function signature(body: string, opts: { secret?: string; t?: number } = {}) {
  const t = opts.t ?? Math.floor(Date.now() / 1000);
  return `t=${t},v1=${await hmacSha256Hex(opts.secret ?? SECRET, `${t}.${body}`)}`;
}

/** POSTs a body to the billing webhook, signed as Stripe signs it unless `header` says otherwise (null: no header). */
export async function postBilling(body: unknown, opts: { raw?: string; header?: string | null; secret?: string; t?: number } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const header = opts.header === undefined ? await signature(raw, opts) : opts.header;
  return exports.default.fetch("http://localhost/webhook/billing", {
    method: "POST",
    headers: { "content-type": "application/json", ...(header === null ? {} : { "stripe-signature": header }) },
    body: raw,
  });
}

/** A tenant on `plan` with an active subscription known to the provider as `externalId`. */
export async function subscribed(companyId: number, plan: string, externalId: string | null = null, status: "active" | "trialing" | "past_due" | "canceled" = "active") {
  const p = await store().plans.byCode(plan);
  if (!p) throw new Error(`no plan ${plan}`);
  const now = Date.now();
  await store().subscriptions.create({ companyId, planId: p.id, status, currentPeriodStart: now, currentPeriodEnd: now + 30 * 86_400_000, updatedAt: now, externalId });
  return p;
}
