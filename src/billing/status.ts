/**
 * What a subscription's status means for the tenant (seeds v1.1: past_due warns, canceled suspends
 * after a grace period, paying again resumes). Shared by the webhook and the grace job.
 */
import type { Company, Store, SubscriptionStatus } from "../store/types";
import { moveStatus } from "../tenants/lifecycle";
import { loadTenant } from "../tenants/tenant-cache";
import { notifyBilling } from "./notify";

/** The status_reason of a suspension billing made (and the only one it lifts). */
export const BILLING_REASON = "billing";

/** How long a canceled subscription keeps the service running. */
export const GRACE_MS = 7 * 86_400_000;

const day = (ms: number, tz: string) => new Intl.DateTimeFormat("pt-BR", { timeZone: tz, dateStyle: "short" }).format(ms);

/** Runs the consequences of moving from `before` to `after` (nothing when the status did not change). */
export async function statusChanged(
  env: Env,
  store: Store,
  company: Company,
  change: { before: SubscriptionStatus | null; after: SubscriptionStatus; graceUntil: number | null; eventId: string },
  now: number,
): Promise<void> {
  const { before, after } = change;
  const tenant = await loadTenant(store, company.id);
  const profile = tenant?.profile;
  const audit = (action: string, detail: unknown) => store.auditLogs.append(company.id, { actor: "billing", action, target: `company:${company.id}`, detail });
  if (after === "active" || after === "trialing") {
    // Only billing's own suspension is lifted (an operator's stays); held sends and tasks go out again.
    if (await moveStatus(env, store, company.id, "resume", null, { at: now, whenReason: BILLING_REASON })) {
      await audit("billing.resumed", { status: after, event: change.eventId });
      if (profile)
        await notifyBilling(env, company, profile, `billing:${change.eventId}`, "✅ pagamento regularizado: o atendimento foi retomado.", {
          event: "billing.resumed",
          status: after,
        });
    }
    return;
  }
  if (before === after) return;
  if (after === "past_due") {
    await audit("billing.past_due", { event: change.eventId });
    if (profile)
      await notifyBilling(env, company, profile, `billing:${change.eventId}`, "⚠️ o pagamento da assinatura falhou. Atualize a forma de pagamento para evitar a suspensão.", {
        event: "billing.past_due",
      });
    return;
  }
  await audit("billing.canceled", { event: change.eventId, grace_until: change.graceUntil });
  const until = change.graceUntil === null ? "" : ` em ${day(change.graceUntil, company.timeZone)}`;
  if (profile)
    await notifyBilling(env, company, profile, `billing:${change.eventId}`, `⛔ a assinatura foi cancelada: o atendimento será suspenso${until} se não for renovada.`, {
      event: "billing.canceled",
      grace_until: change.graceUntil === null ? null : new Date(change.graceUntil).toISOString(),
    });
}

/**
 * The grace job: tenants whose canceled subscription's grace ended are suspended with reason
 * "billing" (an operator's suspension is never touched, and a resumed payment lifts only ours).
 */
export async function suspendAfterGrace(env: Env, store: Store, now: number): Promise<number[]> {
  const suspended: number[] = [];
  for (const sub of await store.subscriptions.graceEnded(now)) {
    if (!(await moveStatus(env, store, sub.companyId, "suspend", BILLING_REASON, { at: now }))) continue;
    suspended.push(sub.companyId);
    await store.auditLogs.append(sub.companyId, { actor: "billing", action: "billing.suspended", target: `company:${sub.companyId}`, detail: { grace_until: sub.graceUntil } });
    const tenant = await loadTenant(store, sub.companyId);
    if (tenant)
      await notifyBilling(
        env,
        tenant.company,
        tenant.profile,
        `billing:suspended:${sub.companyId}:${sub.graceUntil}`,
        "⛔ o período de carência terminou: o atendimento está suspenso até a assinatura ser renovada.",
        { event: "billing.suspended" },
      );
  }
  return suspended;
}
