import { and, count, eq, isNotNull, lt, sql } from "drizzle-orm";
import type * as schema from "../schema";
import type { AlertMetric, Plan, Store, Subscription, UsageMetric } from "../types";
import type { PortableCtx } from "./context";

const toPlan = (r: typeof schema.plans.$inferSelect): Plan => ({
  id: r.id,
  code: r.code,
  name: r.name,
  priceCents: r.priceCents,
  currency: r.currency,
  messagesPerMonth: r.messagesPerMonth,
  llmTokensPerMonth: r.llmTokensPerMonth,
  maxContacts: r.maxContacts,
  maxUsers: r.maxUsers,
  overQuota: r.overQuota,
});

const toSubscription = (r: typeof schema.subscriptions.$inferSelect): Subscription => ({
  companyId: r.companyId,
  planId: r.planId,
  status: r.status,
  currentPeriodStart: r.currentPeriodStart,
  currentPeriodEnd: r.currentPeriodEnd,
  externalId: r.externalId,
  externalCustomer: r.externalCustomer,
  graceUntil: r.graceUntil,
  updatedAt: r.updatedAt,
});

const METRICS: readonly UsageMetric[] = ["messages", "llm_tokens"];

export function plans({ db, schema: s }: PortableCtx): Store["plans"] {
  return {
    async list() {
      return (await db.select().from(s.plans).orderBy(s.plans.priceCents, s.plans.id)).map(toPlan);
    },
    async byCode(code) {
      const [row] = await db.select().from(s.plans).where(eq(s.plans.code, code)).limit(1);
      return row ? toPlan(row) : null;
    },
    async byId(id) {
      const [row] = await db.select().from(s.plans).where(eq(s.plans.id, id)).limit(1);
      return row ? toPlan(row) : null;
    },
  };
}

export function subscriptions({ db, schema: s, dialect }: PortableCtx): Store["subscriptions"] {
  return {
    async create(x) {
      const rows = await db
        .insert(s.subscriptions)
        .values({ ...x, externalId: x.externalId ?? null, externalCustomer: x.externalCustomer ?? null })
        .onConflictDoNothing()
        .returning({ companyId: s.subscriptions.companyId });
      return rows.length > 0;
    },
    async get(companyId) {
      const [row] = await db
        .select({ subscription: s.subscriptions, plan: s.plans })
        .from(s.subscriptions)
        .innerJoin(s.plans, eq(s.plans.id, s.subscriptions.planId))
        .where(eq(s.subscriptions.companyId, companyId))
        .limit(1);
      return row ? { subscription: toSubscription(row.subscription), plan: toPlan(row.plan) } : null;
    },
    async getMany(companyIds) {
      const out = new Map<number, { subscription: Subscription; plan: Plan }>();
      if (companyIds.length === 0) return out;
      const rows = await db
        .select({ subscription: s.subscriptions, plan: s.plans })
        .from(s.subscriptions)
        .innerJoin(s.plans, eq(s.plans.id, s.subscriptions.planId))
        .where(dialect.inList(s.subscriptions.companyId, companyIds));
      for (const r of rows) out.set(r.subscription.companyId, { subscription: toSubscription(r.subscription), plan: toPlan(r.plan) });
      return out;
    },
    async byExternalId(externalId) {
      const [row] = await db.select().from(s.subscriptions).where(eq(s.subscriptions.externalId, externalId)).limit(1);
      return row ? toSubscription(row) : null;
    },
    async update(companyId, patch) {
      if (Object.keys(patch).length === 0) return;
      await db.update(s.subscriptions).set(patch).where(eq(s.subscriptions.companyId, companyId));
    },
    async graceEnded(at) {
      const rows = await db
        .select()
        .from(s.subscriptions)
        .where(and(eq(s.subscriptions.status, "canceled"), isNotNull(s.subscriptions.graceUntil), lt(s.subscriptions.graceUntil, at)));
      return rows.map(toSubscription);
    },
  };
}

export function usage({ db, schema: s, dialect }: PortableCtx): Store["usage"] {
  return {
    // One INSERT … ON CONFLICT DO UPDATE adding to the stored value: atomic per row on both engines.
    async add(companyId, period, deltas, at) {
      const values = METRICS.filter((m) => (deltas[m] ?? 0) !== 0).map((metric) => ({ companyId, period, metric, value: deltas[metric] ?? 0, updatedAt: at }));
      if (values.length === 0) return;
      await db
        .insert(s.usageCounters)
        .values(values)
        .onConflictDoUpdate({
          target: [s.usageCounters.companyId, s.usageCounters.period, s.usageCounters.metric],
          set: { value: sql`${s.usageCounters.value} + excluded.value`, updatedAt: sql`excluded.updated_at` },
        });
    },
    async get(companyId, period) {
      const rows = await db
        .select({ metric: s.usageCounters.metric, value: s.usageCounters.value })
        .from(s.usageCounters)
        .where(and(eq(s.usageCounters.companyId, companyId), eq(s.usageCounters.period, period)));
      const out: Record<UsageMetric, number> = { messages: 0, llm_tokens: 0 };
      for (const r of rows) if ((METRICS as readonly string[]).includes(r.metric)) out[r.metric as UsageMetric] = Number(r.value);
      return out;
    },
    async getMany(periods) {
      const want = new Map(periods.map((p) => [p.companyId, p.period]));
      const out = new Map<number, Record<UsageMetric, number>>(periods.map((p) => [p.companyId, { messages: 0, llm_tokens: 0 }]));
      if (want.size === 0) return out;
      const rows = await db
        .select({ companyId: s.usageCounters.companyId, period: s.usageCounters.period, metric: s.usageCounters.metric, value: s.usageCounters.value })
        .from(s.usageCounters)
        .where(and(dialect.inList(s.usageCounters.companyId, [...want.keys()]), dialect.inList(s.usageCounters.period, [...new Set(want.values())])));
      for (const r of rows) {
        const counters = out.get(r.companyId);
        if (counters && want.get(r.companyId) === r.period && (METRICS as readonly string[]).includes(r.metric)) counters[r.metric as UsageMetric] = Number(r.value);
      }
      return out;
    },
    async fireAlert(companyId, a) {
      const rows = await db
        .insert(s.usageAlerts)
        .values({ companyId, period: a.period, metric: a.metric, threshold: a.threshold, value: a.value, quota: a.quota, firedAt: a.at })
        .onConflictDoNothing()
        .returning({ threshold: s.usageAlerts.threshold });
      return rows.length > 0;
    },
    async alerts(companyId, period) {
      const rows = await db
        .select()
        .from(s.usageAlerts)
        .where(and(eq(s.usageAlerts.companyId, companyId), eq(s.usageAlerts.period, period)))
        .orderBy(s.usageAlerts.firedAt);
      return rows.map((r) => ({ metric: r.metric as AlertMetric, threshold: r.threshold, value: Number(r.value), quota: Number(r.quota), firedAt: r.firedAt }));
    },
  };
}

export function billingEvents({ db, schema: s }: PortableCtx): Store["billingEvents"] {
  return {
    async record(id, type, companyId, at) {
      const rows = await db.insert(s.billingEvents).values({ id, type, companyId, receivedAt: at }).onConflictDoNothing().returning({ id: s.billingEvents.id });
      return rows.length > 0;
    },
  };
}

export function billingOps({ db, schema: s }: PortableCtx): Store["billingOps"] {
  return {
    async seen(id) {
      const [row] = await db.select({ id: s.billingEvents.id }).from(s.billingEvents).where(eq(s.billingEvents.id, id)).limit(1);
      return row !== undefined;
    },
    async contacts(companyId) {
      const [row] = await db.select({ n: count() }).from(s.contacts).where(eq(s.contacts.companyId, companyId));
      return Number(row?.n ?? 0);
    },
    async releaseHeld(companyId, reason, now) {
      return db
        .update(s.messages)
        .set({ status: "queued", attempts: 0, claimedAt: null, error: null, updatedAt: now })
        .where(and(eq(s.messages.companyId, companyId), eq(s.messages.direction, "out"), eq(s.messages.status, "held"), eq(s.messages.error, reason)))
        .returning({ id: s.messages.id, correlationId: s.messages.correlationId });
    },
  };
}
