/**
 * A verified billing event applied to its tenant: subscription status, period and plan kept in step
 * with Stripe, each event once (a replay changes nothing), the status' consequences run (status.ts).
 * Events for a tenant we cannot find are ignored (200, logged): Stripe retrying them cannot help.
 */
import { log } from "../lib/log";
import type { Company, Store, Subscription, SubscriptionStatus } from "../store/types";
import { tenantStub } from "../tenants/stubs";
import { GRACE_MS, statusChanged } from "./status";
import {
  INVOICE_EVENTS,
  invoiceCompanySlug,
  invoiceSubscriptionId,
  periodOfSubscription,
  planCodeOf,
  type StripeEvent,
  StripeInvoice,
  StripeSubscription,
  statusOf,
  SUBSCRIPTION_EVENTS,
} from "./stripe";

export type Applied = { outcome: "applied" | "duplicate" | "ignored"; companyId: number | null; why?: string };

/** Thrown for an event of a type we handle whose object does not have Stripe's shape: a 400. */
export class MalformedEvent extends Error {}

export async function applyBillingEvent(env: Env, store: Store, event: StripeEvent, now: number): Promise<Applied> {
  const isSubscription = (SUBSCRIPTION_EVENTS as readonly string[]).includes(event.type);
  const isInvoice = (INVOICE_EVENTS as readonly string[]).includes(event.type);
  if (!isSubscription && !isInvoice) return { outcome: "ignored", companyId: null, why: `event type ${event.type} is not handled` };
  const parsed = isSubscription ? StripeSubscription.safeParse(event.data.object) : StripeInvoice.safeParse(event.data.object);
  if (!parsed.success)
    throw new MalformedEvent(
      parsed.error.issues
        .slice(0, 3)
        .map((i) => `data.object.${i.path.join(".")}: ${i.message}`)
        .join("; "),
    );

  const obj = parsed.data;
  const subscriptionId = obj.object === "subscription" ? obj.id : invoiceSubscriptionId(obj);
  const slug = obj.object === "subscription" ? (obj.metadata?.company_slug ?? null) : invoiceCompanySlug(obj);
  const company = await tenantOf(store, slug, subscriptionId);
  if (!company) {
    log.warn("billing event for no known tenant ignored", { event_id: event.id, type: event.type, subscription: subscriptionId });
    return { outcome: "ignored", companyId: null, why: "no tenant has this subscription or company_slug" };
  }
  if (await store.billingOps.seen(event.id)) return { outcome: "duplicate", companyId: company.id };
  const current = await store.subscriptions.get(company.id);
  if (obj.object === "subscription") await applySubscription(env, store, company, current?.subscription ?? null, obj, event, now);
  else await applyInvoice(env, store, company, current?.subscription ?? null, event, now);
  // Recorded after applying: a crash in between makes Stripe's retry apply it again, and applying is idempotent.
  await store.billingEvents.record(event.id, event.type, company.id, now);
  return { outcome: "applied", companyId: company.id };
}

async function tenantOf(store: Store, slug: string | null, subscriptionId: string | null): Promise<Company | null> {
  if (slug) {
    const c = await store.companies.bySlug(slug);
    if (c) return c;
  }
  if (!subscriptionId) return null;
  const sub = await store.subscriptions.byExternalId(subscriptionId);
  return sub ? store.companies.byId(sub.companyId) : null;
}

async function applySubscription(env: Env, store: Store, company: Company, current: Subscription | null, s: StripeSubscription, event: StripeEvent, now: number): Promise<void> {
  const status: SubscriptionStatus | null = event.type === "customer.subscription.deleted" ? "canceled" : statusOf(s.status);
  if (!status) throw new MalformedEvent(`data.object.status: unknown subscription status "${s.status}"`);
  const code = planCodeOf(s);
  const plan = code ? await store.plans.byCode(code) : null;
  const period = periodOfSubscription(s);
  // A second "canceled" keeps the first grace: redeliveries and later updates never extend it.
  const graceUntil = status === "canceled" ? (current?.status === "canceled" && current.graceUntil !== null ? current.graceUntil : now + GRACE_MS) : null;
  const patch = {
    status,
    graceUntil,
    externalId: s.id,
    externalCustomer: s.customer ?? current?.externalCustomer ?? null,
    ...(period ? { currentPeriodStart: period.start, currentPeriodEnd: period.end } : {}),
    ...(plan ? { planId: plan.id } : {}),
    updatedAt: now,
  };
  if (current) await store.subscriptions.update(company.id, patch);
  else {
    const fallback = plan ?? (await store.plans.byCode("trial"));
    if (!fallback) throw new Error("the trial plan is missing (migration 0009 seeds it)");
    await store.subscriptions.create({
      ...patch,
      companyId: company.id,
      planId: fallback.id,
      currentPeriodStart: period?.start ?? now,
      currentPeriodEnd: period?.end ?? now + 30 * 86_400_000,
    });
    await store.subscriptions.update(company.id, { graceUntil });
  }
  await statusChanged(env, store, company, { before: current?.status ?? null, after: status, graceUntil, eventId: event.id }, now);
  // A new plan has new quotas: the DO re-evaluates its switches now (and releases what a pause held).
  if (plan && plan.id !== current?.planId) await tenantStub(env, company.id).flushUsage();
}

async function applyInvoice(env: Env, store: Store, company: Company, current: Subscription | null, event: StripeEvent, now: number): Promise<void> {
  if (!current) return;
  let after: SubscriptionStatus = current.status;
  // Paid: a failed payment is settled. A canceled subscription stays canceled (a final invoice paid does not renew it).
  if (event.type === "invoice.paid" && current.status === "past_due") after = "active";
  if (event.type === "invoice.payment_failed" && (current.status === "active" || current.status === "trialing")) after = "past_due";
  if (after !== current.status) await store.subscriptions.update(company.id, { status: after, graceUntil: null, updatedAt: now });
  await statusChanged(env, store, company, { before: current.status, after, graceUntil: null, eventId: event.id }, now);
}
