/**
 * Campaign sending: a window run materialises the recipients and sends the first minute; each batch
 * (one per minute, on the jobs queue) sends at most the throttle's worth and queues the next. Quiet
 * hours, a pause or a cancel end the chain; what is left waits for the next window of its type.
 */
import { publish } from "../events/publish";
import { businessEvent } from "../events/types";
import { sendAll } from "../lib/queue-send";
import { log } from "../lib/log";
import { queueOutbound } from "../outbox/queue";
import type { Campaign, Company, Contact, RecipientOutcome, Store } from "../store/types";
import { inQuietHours } from "../tenants/business-hours";
import { loadTenant } from "../tenants/tenant-cache";
import type { OutboundPayload } from "../channels/types";
import { render, renderTemplate } from "./audience";
import type { CampaignBatchJob } from "./batch-job";

/** A batch covers one minute: it sends what falls due in it, at most the throttle. */
export const BATCH_MS = 60_000;
/** A claim older than this belongs to a batch that died mid-send; a later batch takes it over. */
const CLAIM_STALE_MS = 3 * 60_000;
/** A lease nobody advanced for this long was lost (a batch died before queueing the next): a redelivery may take it. */
const LEASE_STALE_MS = 3 * 60_000;
/** Sends in flight at once inside a batch (each is a few statements and a queue send). */
const CONCURRENCY = 10;
const WINDOW_MS = 24 * 3_600_000;

export interface BatchResult {
  sent: number;
  skipped: number;
  /** Why the batch stopped, when it did not go on. */
  stopped?: "not_running" | "lease_held" | "quiet_hours" | "completed";
}

/** Queues the next batch of a campaign's chain. */
export async function queueBatch(env: Env, companyId: number, campaignId: number, token: number, delaySeconds: number): Promise<void> {
  const job: CampaignBatchJob = { kind: "campaign_batch", companyId, campaignId, token, generation: 0 };
  if (delaySeconds > 0) await env.JOBS_QUEUE.send(job, { contentType: "json", delaySeconds });
  else await sendAll(env.JOBS_QUEUE, [job]);
}

/** One batch: take the lease, stop for pause/cancel/quiet hours, claim the due recipients, send them, queue the next. */
export async function runCampaignBatch(env: Env, store: Store, job: CampaignBatchJob, now = Date.now()): Promise<BatchResult> {
  const campaign = await store.campaigns.byId(job.companyId, job.campaignId);
  if (campaign?.status !== "running") return { sent: 0, skipped: 0, stopped: "not_running" };
  const token = job.token === campaign.updatedAt || now - campaign.updatedAt > LEASE_STALE_MS ? campaign.updatedAt : null;
  const next = Math.max(now, campaign.updatedAt + 1);
  if (token === null || !(await store.campaigns.advance(job.companyId, campaign.id, token, next))) return { sent: 0, skipped: 0, stopped: "lease_held" };
  const tenant = await loadTenant(store, job.companyId);
  if (tenant?.company.status !== "active") return { sent: 0, skipped: 0, stopped: "not_running" };
  if (inQuietHours(tenant.profile.businessHours, tenant.company.timeZone, now)) return { sent: 0, skipped: 0, stopped: "quiet_hours" };
  const claimed = await store.campaigns.claimDue(job.companyId, campaign.id, {
    dueBy: now + BATCH_MS - 1,
    now,
    limit: campaign.throttlePerMinute,
    staleBefore: now - CLAIM_STALE_MS,
  });
  const outcomes = await sendClaimed(env, store, tenant.company, campaign, claimed, now);
  await store.campaigns.finish(job.companyId, campaign.id, outcomes);
  const result = { sent: outcomes.filter((o) => o.status === "sent").length, skipped: outcomes.filter((o) => o.status !== "sent").length };
  if ((await store.campaigns.pendingCount(job.companyId, campaign.id)) === 0) {
    const finished = await store.campaigns.transition(job.companyId, campaign.id, ["running"], "completed", next, { finishedAt: now });
    if (finished) await publish(env, store, [businessEvent("campaign.finished", job.companyId, campaign.id, { campaign_id: campaign.id, name: campaign.name })]);
    return { ...result, stopped: "completed" };
  }
  await queueBatch(env, job.companyId, campaign.id, next, BATCH_MS / 1000);
  return result;
}

/**
 * Sends claimed recipients. Opted out or with a person since the campaign started: skipped with the
 * reason. A send that throws stays pending under its claim, which goes stale and is taken again.
 */
async function sendClaimed(env: Env, store: Store, company: Company, campaign: Campaign, claimed: { id: number; contactId: number }[], now: number): Promise<RecipientOutcome[]> {
  if (!claimed.length) return [];
  const contacts = new Map((await store.contacts.many(company.id, { ids: claimed.map((c) => c.contactId) })).map((k) => [k.id, k]));
  const outcomes: RecipientOutcome[] = [];
  for (let i = 0; i < claimed.length; i += CONCURRENCY) {
    const settled = await Promise.allSettled(claimed.slice(i, i + CONCURRENCY).map((r) => sendOne(env, store, company, campaign, r, contacts.get(r.contactId), now)));
    for (const s of settled) {
      if (s.status === "fulfilled") outcomes.push(s.value);
      else log.error("campaign send failed", { company_id: company.id, campaign_id: campaign.id, error: s.reason });
    }
  }
  return outcomes;
}

async function sendOne(
  env: Env,
  store: Store,
  company: Company,
  campaign: Campaign,
  r: { id: number; contactId: number },
  contact: Contact | undefined,
  now: number,
): Promise<RecipientOutcome> {
  if (!contact) return { id: r.id, status: "failed", reason: "contact_gone" };
  if (contact.optedOut) return { id: r.id, status: "skipped", reason: "opted_out" };
  const conversation = await store.conversations.open(company.id, contact.id, now);
  if (conversation.status === "human") return { id: r.id, status: "skipped", reason: "human_handoff" };
  await queueOutbound(env, store, {
    company,
    contact,
    conversation,
    clientRef: `campaign:${campaign.id}:${contact.id}`,
    payload: payloadFor(company, campaign, contact, now),
    correlationId: `campaign:${campaign.id}`,
    author: "system",
    purpose: "campaign",
  });
  return { id: r.id, status: "sent" };
}

/**
 * Inside the 24 h window (or on a channel without one) the text; outside it on Meta/sandbox the
 * campaign's own template when it has one. Without one the text goes and deliver.ts applies the
 * tenant's `templates.campaign` or holds it until the contact writes.
 */
export function payloadFor(company: Company, campaign: Campaign, contact: Contact, now: number): OutboundPayload {
  const text = render(campaign.message, company, contact);
  const windowed = company.channel === "meta" || company.channel === "sandbox";
  const open = contact.lastInboundAt !== null && now - contact.lastInboundAt < WINDOW_MS;
  if (windowed && !open && campaign.template) return renderTemplate(campaign.template, company, contact, text);
  return { kind: "text", text };
}
