import * as z from "../lib/zod";
import { ChannelHealthBatchJob } from "../channels/health";
import { CampaignBatchJob } from "../campaigns/batch-job";
import { AgendaOptimizeJob } from "./agenda-optimize";
import { AgendaTaskJob } from "./agenda-task";
import { WebhookDeliveryJob } from "../integrations/delivery-job";
import { NotifyJob } from "./notify";
import { JobRunJob } from "./run-message";

/** Every body the jobs queue carries; its dead letters are filed and reprocessed through this. */
export const JobMessage = z.discriminatedUnion("kind", [AgendaTaskJob, AgendaOptimizeJob, NotifyJob, ChannelHealthBatchJob, JobRunJob, CampaignBatchJob, WebhookDeliveryJob]);
export type JobMessage = z.infer<typeof JobMessage>;

/** One dead letter per failed unit of work and generation, however often the DLQ delivers it. */
export function jobDedupKey(job: JobMessage): string {
  switch (job.kind) {
    case "notify":
      return `jobs:${job.dedupKey}:g${job.generation}`;
    case "agenda_task":
      return `jobs:agenda_task:${job.taskId}:g${job.generation}`;
    case "channel_health_batch":
      return `jobs:channel_health_batch:${job.scheduledFor}:${job.companyIds[0]}:g${job.generation}`;
    case "agenda_optimize":
      return `jobs:agenda_optimize:${job.trigger}:${job.queuedAt}:g${job.generation}`;
    case "job_run":
      return `jobs:job_run:${job.executionIds.join(",")}:g${job.generation}`;
    case "campaign_batch":
      return `jobs:campaign_batch:${job.campaignId}:${job.token}:g${job.generation}`;
    case "webhook_delivery":
      return `jobs:webhook_delivery:${job.deliveryId}:g${job.generation}`;
  }
}
