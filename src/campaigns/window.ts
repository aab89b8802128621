import type { JobHandler } from "../jobs/types";
import { inQuietHours } from "../tenants/business-hours";
import { loadTenant } from "../tenants/tenant-cache";
import { audienceQuery } from "./audience";
import { runCampaignBatch } from "./send";

/**
 * A campaign window (campaigns_morning|afternoon|evening) for one tenant: the scheduled campaigns of
 * the window's types whose start has come get their recipients (spaced by the throttle from now), the
 * running ones left over from an earlier window are spaced again from now, and each sends its first
 * minute here; the rest goes in batches on the jobs queue. A retried run does the same harmlessly:
 * recipients are added once, the lease passes to this run, sends are claimed.
 */
export const runCampaignWindow: JobHandler = async (run) => {
  const { store, company, job } = run;
  const now = run.scheduledFor;
  if (!company) return { items: 0, status: "skipped", note: "a campaign window is a tenant job" };
  const tenant = await loadTenant(store, company.id);
  if (!tenant) return { items: 0, status: "skipped", note: "tenant not found" };
  if (inQuietHours(tenant.profile.businessHours, company.timeZone, now)) return { items: 0, status: "skipped", note: "quiet hours" };
  const due = await store.campaigns.dueForWindow(company.id, job.campaignTypes ?? [], now);
  if (!due.length) return { items: 0, status: "skipped", note: "no campaign due in this window" };
  let sent = 0;
  for (const campaign of due) {
    if (campaign.status === "scheduled") {
      await store.campaigns.materialise(company.id, campaign.id, audienceQuery(campaign.audience), now, now, campaign.throttlePerMinute);
      await store.campaigns.transition(company.id, campaign.id, ["scheduled"], "running", now, { startedAt: now });
    } else await store.campaigns.respace(company.id, campaign.id, now);
    const current = await store.campaigns.byId(company.id, campaign.id);
    if (current?.status !== "running") continue;
    // This run takes the lease from whatever chain came before (its next batch will find it moved).
    const result = await runCampaignBatch(run.env, store, { kind: "campaign_batch", companyId: company.id, campaignId: campaign.id, token: current.updatedAt, generation: 0 }, now);
    sent += result.sent;
  }
  return { items: sent, note: `${due.length} campaign(s)` };
};
