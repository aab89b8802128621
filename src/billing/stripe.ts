/**
 * The Stripe objects this webhook reads, as Stripe sends them (test/fixtures/stripe/ holds recorded
 * shapes). Loose on purpose: Stripe adds fields every API version; only what we use is checked.
 * Period bounds moved from the subscription to its items in API 2025-03-31 ("basil"): both are read.
 */
import * as z from "../lib/zod";
import type { SubscriptionStatus } from "../store/types";

const Id = z.string().min(1).max(255);
const Metadata = z.record(z.string(), z.string()).optional();
const Ref = z.union([Id, z.object({ id: Id })]).transform((v) => (typeof v === "string" ? v : v.id));

export const StripeEvent = z.object({
  id: Id,
  type: z.string().min(1).max(100),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type StripeEvent = z.infer<typeof StripeEvent>;

export const StripeSubscription = z.object({
  id: Id,
  object: z.literal("subscription"),
  customer: Ref.nullish(),
  status: z.string().max(40),
  current_period_start: z.number().int().optional(),
  current_period_end: z.number().int().optional(),
  metadata: Metadata,
  items: z
    .object({
      data: z
        .array(
          z.object({
            current_period_start: z.number().int().optional(),
            current_period_end: z.number().int().optional(),
            price: z.object({ lookup_key: z.string().max(100).nullish(), metadata: Metadata }).optional(),
          }),
        )
        .max(100),
    })
    .optional(),
});
export type StripeSubscription = z.infer<typeof StripeSubscription>;

export const StripeInvoice = z.object({
  id: Id,
  object: z.literal("invoice"),
  customer: Ref.nullish(),
  /** Before API 2025-03-31. */
  subscription: Ref.nullish(),
  /** From API 2025-03-31. */
  parent: z.object({ subscription_details: z.object({ subscription: Ref.nullish(), metadata: Metadata }).nullish() }).nullish(),
  subscription_details: z.object({ metadata: Metadata }).nullish(),
  metadata: Metadata,
});
export type StripeInvoice = z.infer<typeof StripeInvoice>;

export const SUBSCRIPTION_EVENTS = ["customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"] as const;
export const INVOICE_EVENTS = ["invoice.paid", "invoice.payment_failed"] as const;

/**
 * Stripe's eight statuses onto our four: a payment problem (incomplete, unpaid) warns like past_due;
 * an expired first payment or a paused subscription ends service like canceled.
 */
export function statusOf(stripe: string): SubscriptionStatus | null {
  switch (stripe) {
    case "trialing":
    case "active":
    case "past_due":
    case "canceled":
      return stripe;
    case "incomplete":
    case "unpaid":
      return "past_due";
    case "incomplete_expired":
    case "paused":
      return "canceled";
    default:
      return null;
  }
}

/** The period in ms, from the subscription or (newer API versions) its first item. */
export function periodOfSubscription(s: StripeSubscription): { start: number; end: number } | null {
  const item = s.items?.data[0];
  const start = s.current_period_start ?? item?.current_period_start;
  const end = s.current_period_end ?? item?.current_period_end;
  return start !== undefined && end !== undefined ? { start: start * 1000, end: end * 1000 } : null;
}

/** Our plan code: the subscription's metadata.plan, else its price's lookup_key or metadata.plan. */
export function planCodeOf(s: StripeSubscription): string | null {
  const price = s.items?.data[0]?.price;
  return s.metadata?.plan ?? price?.lookup_key ?? price?.metadata?.plan ?? null;
}

export function invoiceSubscriptionId(i: StripeInvoice): string | null {
  return i.parent?.subscription_details?.subscription ?? i.subscription ?? null;
}

export function invoiceCompanySlug(i: StripeInvoice): string | null {
  return i.parent?.subscription_details?.metadata?.company_slug ?? i.subscription_details?.metadata?.company_slug ?? i.metadata?.company_slug ?? null;
}
