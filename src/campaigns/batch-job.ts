import * as z from "../lib/zod";

/**
 * One minute of a campaign's sending, on the jobs queue. `token` is the chain's lease (the campaign's
 * updated_at when this batch was queued): only the batch holding it goes on and queues the next.
 */
export const CampaignBatchJob = z.object({
  kind: z.literal("campaign_batch"),
  companyId: z.number().int(),
  campaignId: z.number().int(),
  token: z.number().int(),
  generation: z.number().int().default(0),
});
export type CampaignBatchJob = z.infer<typeof CampaignBatchJob>;
