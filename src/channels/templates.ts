/**
 * Template sync (the template_sync job every 6 h, and POST /api/templates/sync): the WABA's templates
 * into wa_templates, and the status of each template a purpose uses into the profile, where the send
 * path already looks (profile.templates[purpose].status, cached with the tenant: no query per message).
 * A mapped template that becomes unusable fires a "template_unusable" alert, notified once.
 */
import type { JobHandler } from "../jobs/types";
import type { NotifyJob } from "../jobs/notify";
import type { Company, Store } from "../store/types";
import { readProfile, type CompanyProfile, type MessagePurpose, type TemplateRef } from "../tenants/profile";
import { configChanged } from "../tenants/tenant-cache";
import { channelCredentials } from "./credentials";
import { fetchTemplates } from "./templates-graph";
import { isUsableStatus, statusText, syncedStatus } from "./templates-status";
import type { FetchFn } from "./send-http";

export interface SyncOutcome {
  ok: boolean;
  /** "ok", or why not: no_templates_on_channel, no_waba_id, no_access_token, meta_invalid_token, meta_rate_limited… */
  code: string;
  detail: string;
  /** Templates listed (0 when it did not sync). */
  count: number;
  /** Rows newly marked DELETED. */
  deleted: number;
  /** The sync did not run because the channel cannot have templates or lacks what it needs. */
  skipped: boolean;
  /** A failure worth retrying (rate limit, Meta down). */
  retry: boolean;
  retryAfterSeconds?: number;
}

const ALERT_KIND = "template_unusable";

const skip = (code: string, detail: string): SyncOutcome => ({ ok: false, code, detail, count: 0, deleted: 0, skipped: true, retry: false });

/** Syncs one tenant's templates. Never throws for Meta's answers: the outcome says what happened, and is kept with the channel. */
export async function syncTemplates(env: Env, store: Store, company: Company, opts: { fetch?: FetchFn; now?: number } = {}): Promise<SyncOutcome> {
  if (company.channel !== "meta") {
    return skip("no_templates_on_channel", `The ${company.channel} channel has no WhatsApp templates: only the Meta Cloud API has them`);
  }
  const creds = await channelCredentials(env, company);
  const token = creds.meta?.accessToken.current;
  if (!creds.meta?.wabaId) return skip("no_waba_id", "No WhatsApp Business Account id: connect the channel with its waba_id to sync templates");
  if (!token) return skip("no_access_token", "The Meta channel has no access token");
  const now = opts.now ?? Date.now();
  const listed = await fetchTemplates({ graphUrl: env.META_GRAPH_URL, apiVersion: env.META_API_VERSION, wabaId: creds.meta.wabaId, accessToken: token, fetch: opts.fetch });
  let outcome: SyncOutcome;
  if (!listed.ok) {
    // The rows of the last good sync stay as they were: a failed read says nothing about the account.
    outcome = { ok: false, code: listed.code, detail: listed.detail, count: 0, deleted: 0, skipped: false, retry: listed.retry, retryAfterSeconds: listed.retryAfterSeconds };
  } else {
    const { deleted } = await store.waTemplates.sync(company.id, listed.templates, now);
    await reconcilePurposes(env, store, company, listed.templates, now);
    const note = listed.skipped > 0 ? `; ${listed.skipped} unreadable entries ignored` : "";
    outcome = {
      ok: true,
      code: "ok",
      detail: `${listed.templates.length} templates in ${listed.pages} page(s)${note}`,
      count: listed.templates.length,
      deleted,
      skipped: false,
      retry: false,
    };
  }
  await saveSyncResult(store, company, outcome, now);
  return outcome;
}

/** The outcome kept with the channel settings (read back by GET /api/templates), like the connection test's. */
async function saveSyncResult(store: Store, company: Company, o: SyncOutcome, at: number): Promise<void> {
  const fresh = (await store.companies.byId(company.id)) ?? company;
  const raw = { ...(fresh.channelSettings as Record<string, unknown>), templateSync: { ok: o.ok, code: o.code, detail: o.detail.slice(0, 300), count: o.count, at } };
  await store.companyChannel.saveSettings(company.id, raw);
}

/**
 * Writes the synced status of each purpose's template into the profile (only when one changed, then
 * every isolate's cache is told), fires the alert of each that is not usable, resolves the others.
 */
async function reconcilePurposes(env: Env, store: Store, company: Company, rows: Parameters<typeof syncedStatus>[1], now: number): Promise<void> {
  const profile = readProfile(await store.profiles.get(company.id));
  const entries = Object.entries(profile.templates) as [MessagePurpose, TemplateRef][];
  const moved = new Set<MessagePurpose>();
  const next: CompanyProfile["templates"] = {};
  for (const [purpose, ref] of entries) {
    const { status, statusReason } = syncedStatus(ref, rows);
    if (status !== ref.status || statusReason !== ref.statusReason) moved.add(purpose);
    const { statusReason: _old, ...rest } = ref;
    next[purpose] = statusReason ? { ...rest, status, statusReason } : { ...rest, status };
  }
  if (moved.size > 0) {
    await store.profiles.put(company.id, { ...profile, templates: next }, now);
    await configChanged(env, company.id);
  }
  for (const [purpose, ref] of Object.entries(next) as [MessagePurpose, TemplateRef][]) {
    const key = `${purpose}:${ref.name}`;
    if (isUsableStatus(ref.status)) {
      await store.alerts.resolveOpen(company.id, ALERT_KIND, now, key);
      continue;
    }
    // Fired on the change only: a template still rejected at the next sync is not news.
    if (!moved.has(purpose)) continue;
    const detail = { purpose, template: ref.name, language: ref.language, status: ref.status, reason: ref.statusReason ?? null };
    const fired = (await store.alerts.fire(company.id, { kind: ALERT_KIND, key, detail }, now)) !== null;
    const url = profile.handoff.notifyUrl;
    if (fired && url) {
      const job: NotifyJob = {
        kind: "notify",
        companyId: company.id,
        url,
        dedupKey: `template_unusable:${company.id}:${key}:${now}`,
        generation: 0,
        body: {
          text: `⚠️ ${company.name}: o modelo "${ref.name}" (${ref.language}) usado para "${purpose}" não pode ser enviado: ${statusText(ref.status ?? "", ref.statusReason)}. Mensagens fora da janela de 24 h com esse propósito ficam retidas até ele voltar a ser aprovado ou outro modelo ser escolhido em Modelos.`,
          secretaria: { event: "template.unusable", company: company.slug, ...detail },
        },
      };
      await env.JOBS_QUEUE.send(job, { contentType: "json" });
    }
  }
}

/** The template_sync job: a rate limit or Meta being down throws (the queue retries); what the tenant must fix is a note. */
export const templateSyncHandler: JobHandler = async (run) => {
  if (!run.company) return { items: 0, status: "skipped", note: "template_sync is a tenant job" };
  const o = await syncTemplates(run.env, run.store, run.company);
  if (o.ok) return { items: o.count, note: o.detail };
  if (o.retry) throw new Error(`template sync failed: ${o.code}: ${o.detail}`);
  return { items: 0, status: "skipped", note: `${o.code}: ${o.detail}` };
};
