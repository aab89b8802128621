import { runCampaignWindow } from "../campaigns/window";
import type { JobName } from "./table";
import type { JobHandler } from "./types";

/**
 * Each job's work, by name. The dispatcher runs only what is here; test/jobs/ holds this table to
 * JOBS (every job has a handler). Handlers live with their capability; this file only names them.
 */
export const HANDLERS: Partial<Record<JobName, JobHandler>> = {
  campaigns_morning: runCampaignWindow,
  campaigns_afternoon: runCampaignWindow,
  campaigns_evening: runCampaignWindow,
};
