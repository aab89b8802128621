/** Billing's messages to the tenant's notify URL (the handoff's Slack-compatible webhook), queued with retries. */
import type { NotifyJob } from "../jobs/notify";
import type { Company } from "../store/types";
import type { CompanyProfile } from "../tenants/profile";

/** Queues one notification when the tenant has a notify URL; `dedupKey` names the unit of work (its dead letter is filed once). */
export async function notifyBilling(env: Env, company: Company, profile: CompanyProfile, dedupKey: string, text: string, event: Record<string, unknown>): Promise<boolean> {
  const url = profile.handoff.notifyUrl;
  if (!url) return false;
  const job: NotifyJob = {
    kind: "notify",
    companyId: company.id,
    url,
    dedupKey,
    generation: 0,
    body: { text: `${company.name}: ${text}`, secretaria: { company: company.slug, ...event } },
  };
  await env.JOBS_QUEUE.send(job, { contentType: "json" });
  return true;
}

const LABELS: Record<string, string> = { messages: "mensagens", llm_tokens: "tokens de IA", contacts: "contatos" };

/** The quota alert's text, e.g. "80% da cota de mensagens do plano Essencial (1600 de 2000) em 2026-12". */
export function quotaAlertText(a: { metric: string; threshold: number; value: number; quota: number; period: string; plan: string }): string {
  return `⚠️ ${a.threshold}% da cota de ${LABELS[a.metric] ?? a.metric} do plano ${a.plan} (${a.value} de ${a.quota}) em ${a.period}.`;
}
