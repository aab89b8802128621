/**
 * Channel health (the channel_health job, every 5 min): the Meta phone number's status and quality,
 * or the Evolution instance's connection state. The platform job lists the tenants in one query and
 * fans them out through the jobs queue in batches (channel_health_batch); each batch checks its
 * tenants with a small concurrency cap. The verdict is written to the channel settings only when it
 * changes; a change to unhealthy opens a "channel_down" alert (notified once), back to healthy resolves it.
 */
import * as z from "../lib/zod";
import { requestJson } from "../lib/http";
import { log } from "../lib/log";
import { sendAll } from "../lib/queue-send";
import { utcToZoned } from "../lib/time-zone";
import type { JobHandler } from "../jobs/types";
import type { NotifyJob } from "../jobs/notify";
import type { Company, Store } from "../store/types";
import { settingsOf } from "../tenants/lookup-cache";
import { readProfile } from "../tenants/profile";
import { recordMetrics } from "../tenants/stubs";
import { channelCredentials } from "./credentials";
import { probeChannel } from "./probe";
import { cleanReason, defaultFetch, type FetchFn } from "./send-http";

/** Tenants per queue message: 1,000 tenants are 20 messages, each well inside a consumer's time. */
export const HEALTH_BATCH_SIZE = 50;
/** Provider calls in flight at once within a batch. */
const CONCURRENCY = 8;
const TIMEOUT_MS = 8_000;
const ALERT_KIND = "channel_down";

export const ChannelHealthBatchJob = z.object({
  kind: z.literal("channel_health_batch"),
  /** The job run's instant: one batch of one run is one unit of work (its dead letter key). */
  scheduledFor: z.number().int(),
  companyIds: z.array(z.number().int()).min(1).max(HEALTH_BATCH_SIZE),
  generation: z.number().int().default(0),
});
export type ChannelHealthBatchJob = z.infer<typeof ChannelHealthBatchJob>;

export interface Health {
  ok: boolean;
  /** Meta's status (CONNECTED, FLAGGED, RESTRICTED…), Evolution's state (open, close, connecting), or invalid_token / unknown_instance. */
  status: string;
  quality?: string;
  detail?: string;
}

/** Meta statuses under which the number still sends; FLAGGED is a quality warning, not an outage. */
const META_SENDING = new Set(["CONNECTED", "FLAGGED"]);
const META_FIELDS = "status,quality_rating,messaging_limit_tier,name_status,code_verification_status,display_phone_number";
const MetaNumber = z.looseObject({
  status: z.string().optional(),
  quality_rating: z.string().optional(),
  messaging_limit_tier: z.string().optional(),
  name_status: z.string().optional(),
  display_phone_number: z.string().optional(),
});
const MetaError = z.looseObject({ error: z.looseObject({ code: z.number().optional(), message: z.string().optional() }) });

/** One tenant's health; null when the provider could not be asked (timeout, network, 5xx): the last verdict stands. */
export async function checkHealth(env: Env, company: Company, doFetch: FetchFn = defaultFetch): Promise<Health | null> {
  const creds = await channelCredentials(env, company);
  if (company.channel === "meta") {
    const token = creds.meta?.accessToken.current;
    if (!creds.meta || !token) return { ok: false, status: "not_configured", detail: "No Meta access token" };
    const url = `${env.META_GRAPH_URL.replace(/\/+$/, "")}/${env.META_API_VERSION}/${encodeURIComponent(creds.meta.phoneNumberId)}?fields=${META_FIELDS}`;
    const out = await requestJson(doFetch, "GET", url, { authorization: `Bearer ${token}` }, undefined, TIMEOUT_MS);
    if (out.kind !== "response" || out.status >= 500 || out.status === 429) return null;
    const err = MetaError.safeParse(out.body);
    if (out.status === 401 || (err.success && err.data.error.code === 190))
      return { ok: false, status: "invalid_token", detail: cleanReason(`Meta refused the access token ${err.success ? (err.data.error.message ?? "") : ""}`, [token]) };
    if (out.status < 200 || out.status >= 300)
      return { ok: false, status: `http_${out.status}`, detail: cleanReason(`Meta answered HTTP ${out.status} ${err.success ? (err.data.error.message ?? "") : ""}`, [token]) };
    const n = MetaNumber.safeParse(out.body);
    if (!n.success || !n.data.status) return null;
    const d = n.data;
    const status = d.status?.toUpperCase() ?? "";
    const detail = [d.display_phone_number, d.messaging_limit_tier && `limit ${d.messaging_limit_tier}`, d.name_status && `name ${d.name_status}`].filter(Boolean).join(" · ");
    return { ok: META_SENDING.has(status), status, ...(d.quality_rating ? { quality: d.quality_rating.toUpperCase() } : {}), ...(detail ? { detail } : {}) };
  }
  if (company.channel === "evolution") {
    const apikey = creds.evolution?.apikey.current;
    if (!creds.evolution || !apikey) return { ok: false, status: "not_configured", detail: "No Evolution API key" };
    const r = await probeChannel(
      { provider: "evolution", baseUrl: creds.evolution.baseUrl, instance: creds.evolution.instance, apikey },
      { fetch: doFetch, timeoutMs: TIMEOUT_MS },
    );
    if (r.ok) return { ok: true, status: "open", detail: r.detail };
    if (r.state) return { ok: false, status: r.state, detail: r.detail };
    if (r.code === "evolution_invalid_apikey") return { ok: false, status: "invalid_apikey", detail: r.detail };
    if (r.code === "evolution_unknown_instance") return { ok: false, status: "unknown_instance", detail: r.detail };
    return null;
  }
  return null;
}

const same = (a: Health, b: Health | undefined) => b !== undefined && a.ok === b.ok && a.status === b.status && a.quality === b.quality;

/** Records a verdict: nothing is written when it did not change; a change to unhealthy alerts once, back to healthy resolves. */
export async function applyHealth(env: Env, store: Store, company: Company, h: Health, now: number): Promise<"unchanged" | "changed" | "down" | "up"> {
  const prev = settingsOf(company).lastHealth;
  if (same(h, prev)) return "unchanged";
  const lastHealth = { ok: h.ok, status: h.status, ...(h.quality ? { quality: h.quality } : {}), ...(h.detail ? { detail: h.detail.slice(0, 300) } : {}), at: now };
  await store.companyChannel.saveSettings(company.id, { ...(company.channelSettings as Record<string, unknown>), lastHealth });
  await recordMetrics(env, company.id, [{ metric: "secretaria_channel_health_changes_total", labels: { status: h.status }, inc: 1 }]);
  const wasOk = prev?.ok ?? true;
  if (h.ok) {
    // A first verdict may follow a provider switch (the old verdict dropped): an alert left open by it ends too.
    const resolved = !wasOk || prev === undefined ? await store.alerts.resolveOpen(company.id, ALERT_KIND, now) : 0;
    return !wasOk || resolved > 0 ? "up" : "changed";
  }
  if (!wasOk) return "changed";
  // One alert a local day: a channel that flaps all day is one row, reopened (and notified) each time it goes down.
  const key = utcToZoned(now, company.timeZone).date;
  const fired = (await store.alerts.fire(company.id, { kind: ALERT_KIND, key, detail: { ...lastHealth, channel: company.channel } }, now)) !== null;
  const url = fired ? readProfile(await store.profiles.get(company.id)).handoff.notifyUrl : undefined;
  if (url) {
    const job: NotifyJob = {
      kind: "notify",
      companyId: company.id,
      url,
      dedupKey: `channel_down:${company.id}:${now}`,
      generation: 0,
      body: {
        text: `🚨 ${company.name}: o canal WhatsApp (${company.channel}) está fora do ar: ${h.status}${h.detail ? ` — ${h.detail}` : ""}. As mensagens não saem até ele voltar.`,
        secretaria: { event: "channel.down", company: company.slug, channel: company.channel, status: h.status, quality: h.quality ?? null },
      },
    };
    await env.JOBS_QUEUE.send(job, { contentType: "json" });
  }
  return "down";
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function capped<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** One batch of the fan-out: its tenants' rows in one query, then each checked (capped) and recorded. */
export async function runChannelHealthBatch(env: Env, store: Store, job: ChannelHealthBatchJob, doFetch: FetchFn = defaultFetch): Promise<Record<string, number>> {
  const companies = (await store.channelHealth.companies(job.companyIds)).filter((c) => c.status === "active" && (c.channel === "meta" || c.channel === "evolution"));
  const counts: Record<string, number> = { checked: 0, unknown: 0, unchanged: 0, changed: 0, down: 0, up: 0 };
  await capped(companies, CONCURRENCY, async (company) => {
    counts.checked = (counts.checked ?? 0) + 1;
    try {
      const h = await checkHealth(env, company, doFetch);
      const verdict = h ? await applyHealth(env, store, company, h, Date.now()) : "unknown";
      counts[verdict] = (counts[verdict] ?? 0) + 1;
    } catch (err) {
      // One tenant's failure (a broken row, a store hiccup) does not cost the batch's others their check.
      counts.failed = (counts.failed ?? 0) + 1;
      log.error("channel health check failed", { company_id: company.id, error: err });
    }
  });
  return counts;
}

/** The platform job: the tenants to check (one query), minus the paused ones, queued in batches. */
export const channelHealthHandler: JobHandler = async (run) => {
  const targets = (await run.store.channelHealth.targets()).filter((t) => !run.pausedTenants.has(t.id));
  const jobs: ChannelHealthBatchJob[] = [];
  for (let i = 0; i < targets.length; i += HEALTH_BATCH_SIZE) {
    jobs.push({ kind: "channel_health_batch", scheduledFor: run.scheduledFor, companyIds: targets.slice(i, i + HEALTH_BATCH_SIZE).map((t) => t.id), generation: 0 });
  }
  if (jobs.length > 0) await sendAll(run.env.JOBS_QUEUE, jobs);
  return { items: targets.length, note: `${targets.length} channels queued in ${jobs.length} batch(es)` };
};
