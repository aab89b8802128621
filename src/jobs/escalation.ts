/**
 * Handoff escalation (every 15 min, platform job): handoffs still waiting for a first human reply past
 * their tenant's SLA, counted in business hours, are notified once each. One indexed read finds the
 * candidates of every active tenant (conversations_company_status_idx, company_id IN the active
 * tenants); only tenants with candidates cost more (their profile, contacts and users). escalated_at
 * is set by compare-and-set before notifying, so two runs notify once (at most once: a crash between
 * the two loses that notification rather than doubling it); a new handoff clears it.
 */
import { firstName } from "../conversation/templates";
import { maskPhone } from "../lib/phone";
import { recordMetrics } from "../tenants/stubs";
import { BusinessCalendar } from "../tenants/business-hours";
import { type CompanyProfile, readProfile } from "../tenants/profile";
import type { Company, EscalationCandidate, Store } from "../store/types";
import type { NotifyJob } from "./notify";
import type { JobHandler } from "./types";

/** The smallest SLA a tenant may set (profile.handoff.slaMinutes ≥ 1): nothing younger can be late. */
export const MIN_SLA_MS = 60_000;
/** Candidates read per run, oldest first; more wait for the next run. */
export const ESCALATION_BATCH = 500;

export interface OverdueHandoff extends EscalationCandidate {
  /** Business time waited so far (ms). */
  waitedMs: number;
}

export interface TenantHandoffs {
  company: Company;
  profile: CompanyProfile;
  overdue: OverdueHandoff[];
}

/** The active tenants a platform job may touch: not paused for it. */
export async function activeTenants(store: Store, paused: ReadonlySet<number>): Promise<Company[]> {
  return (await store.companies.list({ status: "active" })).filter((c) => !paused.has(c.id));
}

/** Waiting handoffs past their tenant's SLA in business hours, per tenant (one read + one profile per tenant with candidates). */
export async function overdueHandoffs(store: Store, companies: readonly Company[], now: number): Promise<TenantHandoffs[]> {
  const byId = new Map(companies.map((c) => [c.id, c]));
  const candidates = await store.escalations.candidates([...byId.keys()], now - MIN_SLA_MS, ESCALATION_BATCH);
  const grouped = new Map<number, EscalationCandidate[]>();
  for (const c of candidates) grouped.set(c.companyId, [...(grouped.get(c.companyId) ?? []), c]);
  const out: TenantHandoffs[] = [];
  for (const [companyId, list] of grouped) {
    const company = byId.get(companyId);
    if (!company) continue;
    const profile = readProfile(await store.profiles.get(companyId));
    const calendar = new BusinessCalendar(profile.businessHours, company.timeZone);
    const sla = profile.handoff.slaMinutes * 60_000;
    const overdue = list.map((c) => ({ ...c, waitedMs: calendar.millisBetween(c.handoffAt, now) })).filter((c) => c.waitedMs > sla);
    if (overdue.length > 0) out.push({ company, profile, overdue });
  }
  return out;
}

/** "47 min", "2 h 05 min". */
export function minutesText(ms: number): string {
  const total = Math.floor(ms / 60_000);
  return total < 60 ? `${total} min` : `${Math.floor(total / 60)} h ${String(total % 60).padStart(2, "0")} min`;
}

export const handoffEscalation: JobHandler = async (run) => {
  const now = run.scheduledFor;
  const tenants = await overdueHandoffs(run.store, await activeTenants(run.store, run.pausedTenants), now);
  let notified = 0;
  for (const { company, profile, overdue } of tenants) {
    const escalated: OverdueHandoff[] = [];
    for (const h of overdue) if (await run.store.escalations.markEscalated(company.id, h.conversationId, h.handoffAt, now)) escalated.push(h);
    if (escalated.length === 0) continue;
    notified += escalated.length;
    await recordMetrics(run.env, company.id, [{ metric: "secretaria_handoff_escalations_total", labels: {}, inc: escalated.length }]);
    const url = profile.handoff.notifyUrl;
    if (!url) continue;
    const [contacts, users] = await Promise.all([
      run.store.contacts.many(company.id, { ids: [...new Set(escalated.map((h) => h.contactId))] }),
      escalated.some((h) => h.assignedUserId !== null) ? run.store.users.list(company.id) : Promise.resolve([]),
    ]);
    const contactById = new Map(contacts.map((k) => [k.id, k]));
    const userById = new Map(users.map((u) => [u.id, u]));
    for (const h of escalated) {
      const contact = contactById.get(h.contactId);
      const masked = contact ? maskPhone(contact.phone) : `#${h.contactId}`;
      const name = contact?.name ? firstName(contact.name) : "";
      const who = name ? `${name} (${masked})` : masked;
      const assignee = h.assignedUserId === null ? null : (userById.get(h.assignedUserId) ?? null);
      const inHours = profile.businessHours.enabled ? " em horário de atendimento" : "";
      const job: NotifyJob = {
        kind: "notify",
        companyId: company.id,
        url,
        dedupKey: `escalation:${h.conversationId}:${h.handoffAt}`,
        generation: 0,
        body: {
          text: `⏰ ${company.name}: conversa aguardando há ${minutesText(h.waitedMs)}${inHours} (SLA ${profile.handoff.slaMinutes} min) — ${who}; ${assignee ? `atendente: ${assignee.name}` : "na fila da equipe"}.`,
          secretaria: {
            event: "conversation.escalated",
            company: company.slug,
            conversation_id: h.conversationId,
            handoff_at: new Date(h.handoffAt).toISOString(),
            waited_business_minutes: Math.floor(h.waitedMs / 60_000),
            sla_minutes: profile.handoff.slaMinutes,
            assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
          },
        },
      };
      await run.env.JOBS_QUEUE.send(job, { contentType: "json" });
    }
  }
  return { items: notified, note: `${tenants.length} tenant(s) with handoffs past SLA` };
};
