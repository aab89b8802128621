/**
 * Alerts (every 30 min, platform job): per active tenant with something wrong, found by grouped
 * queries (store.alerts.signals, two statements for every tenant at once, plus the escalation's
 * indexed read for the handoff backlog), never a query per tenant. Each alert fires once per
 * (kind, key) through tenant_alerts' unique index (insert-or-ignore), and notifies the tenant's
 * notify URL (profile.handoff.notifyUrl) when it fired.
 */
import { zonedParts } from "../lib/time-zone";
import { readProfile } from "../tenants/profile";
import { recordMetrics } from "../tenants/stubs";
import type { Company } from "../store/types";
import { activeTenants, overdueHandoffs } from "./escalation";
import type { NotifyJob } from "./notify";
import type { JobHandler } from "./types";

export const ALERT_KINDS = ["dead_letters", "send_failures", "held_messages", "handoff_backlog"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

const MIN = 60_000;
/** The thresholds: what the issue asked for. */
export const ALERT_RULES = {
  windowMs: 30 * MIN,
  deadLetters: 1,
  sendFailureRate: 0.2,
  sendFailureMinSends: 10,
  heldWindowMs: 1_440 * MIN,
  held: 20,
  handoffBacklog: 3,
} as const;

interface Firing {
  kind: AlertKind;
  key: string;
  detail: Record<string, unknown>;
  text: string;
}

const TEXT: Record<AlertKind, (d: Record<string, unknown>) => string> = {
  dead_letters: (d) => `${d.count} mensagem(ns) foram para a fila de falhas nos últimos 30 min (Falhas no painel).`,
  send_failures: (d) => `${d.failed} de ${d.total} envios falharam nos últimos 30 min.`,
  held_messages: (d) => `${d.count} mensagens retidas nas últimas 24 h (janela de 24 h fechada e sem modelo aprovado).`,
  handoff_backlog: (d) => `${d.count} conversas aguardam atendimento humano além do SLA.`,
};

export const alertsJob: JobHandler = async (run) => {
  const now = run.scheduledFor;
  const companies = await activeTenants(run.store, run.pausedTenants);
  const byId = new Map(companies.map((c) => [c.id, c]));
  const [signals, backlog] = await Promise.all([
    run.store.alerts.signals({ deadLetters: now - ALERT_RULES.windowMs, sends: now - ALERT_RULES.windowMs, held: now - ALERT_RULES.heldWindowMs }),
    overdueHandoffs(run.store, companies, now),
  ]);
  const firings = new Map<number, Firing[]>();
  const add = (companyId: number, kind: AlertKind, detail: Record<string, unknown>, period: "hour" | "day") => {
    const company = byId.get(companyId);
    if (!company) return; // inactive or paused: left alone
    const local = zonedParts(now, company.timeZone);
    const key = period === "day" ? local.date : `${local.date}T${local.time.slice(0, 2)}`;
    firings.set(companyId, [...(firings.get(companyId) ?? []), { kind, key, detail, text: TEXT[kind](detail) }]);
  };
  for (const r of signals.deadLetters) if (r.n >= ALERT_RULES.deadLetters) add(r.companyId, "dead_letters", { count: r.n }, "hour");
  for (const r of signals.sends) {
    if (r.total >= ALERT_RULES.sendFailureMinSends && r.failed / r.total > ALERT_RULES.sendFailureRate)
      add(r.companyId, "send_failures", { failed: r.failed, total: r.total }, "hour");
  }
  for (const r of signals.held) if (r.n >= ALERT_RULES.held) add(r.companyId, "held_messages", { count: r.n }, "day");
  for (const t of backlog) {
    if (t.overdue.length >= ALERT_RULES.handoffBacklog)
      add(t.company.id, "handoff_backlog", { count: t.overdue.length, conversation_ids: t.overdue.map((h) => h.conversationId).slice(0, 20) }, "hour");
  }

  let fired = 0;
  for (const [companyId, list] of firings) {
    const company = byId.get(companyId) as Company;
    const fresh = [];
    for (const f of list) if (await run.store.alerts.fire(companyId, { kind: f.kind, key: f.key, detail: f.detail }, now)) fresh.push(f);
    if (fresh.length === 0) continue;
    fired += fresh.length;
    await recordMetrics(
      run.env,
      companyId,
      fresh.map((f) => ({ metric: "secretaria_tenant_alerts_total", labels: { kind: f.kind }, inc: 1 })),
    );
    const url = readProfile(await run.store.profiles.get(companyId)).handoff.notifyUrl;
    if (!url) continue;
    for (const f of fresh) {
      const job: NotifyJob = {
        kind: "notify",
        companyId,
        url,
        dedupKey: `alert:${f.kind}:${f.key}`,
        generation: 0,
        body: { text: `⚠️ ${company.name}: ${f.text}`, secretaria: { event: "tenant.alert", company: company.slug, kind: f.kind, key: f.key, detail: f.detail } },
      };
      await run.env.JOBS_QUEUE.send(job, { contentType: "json" });
    }
  }
  return { items: fired, note: `${firings.size} tenant(s) with something wrong` };
};
