import { alertsJob } from "./alerts";
import { analyticsJob } from "../analytics/jobs";
import { handoffEscalation } from "./escalation";
import { channelHealthHandler } from "../channels/health";
import { templateSyncHandler } from "../channels/templates";
import { followupWindow, maintenance, schedulingAnalysis } from "./builtin";
import { runCampaignWindow } from "../campaigns/window";
import type { JobName } from "./table";
import type { JobHandler } from "./types";
import { sendScheduledMessages } from "../outreach/scheduled-job";
import { sendReport } from "../outreach/reports";
import { reengage } from "../outreach/reengagement";
import { recommendationsJob } from "../recommendations/job";

/**
 * Each job's work, by name. The dispatcher runs only what is here; test/jobs/ holds this table to
 * JOBS (every job has a handler). Handlers live with their capability; this file only names them.
 */
export const HANDLERS: Partial<Record<JobName, JobHandler>> = {
  handoff_escalation: handoffEscalation,
  alerts: alertsJob,
  scheduled_messages: sendScheduledMessages,
  report_morning: sendReport,
  report_lunch: sendReport,
  report_afternoon: sendReport,
  report_end_of_day: sendReport,
  report_weekly: sendReport,
  reengagement: reengage,
  channel_health: channelHealthHandler,
  template_sync: templateSyncHandler,
  scheduling_analysis: schedulingAnalysis,
  followups_morning: followupWindow,
  followups_afternoon: followupWindow,
  maintenance: maintenance,
  campaigns_morning: runCampaignWindow,
  campaigns_afternoon: runCampaignWindow,
  campaigns_evening: runCampaignWindow,
  analytics_daily: analyticsJob,
  analytics_weekly: analyticsJob,
  recommendations: recommendationsJob,
};
