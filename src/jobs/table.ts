/**
 * The job table, as code (adapted from seed 003's rationalised scheduler): what runs, when, in which
 * category. A tenant job's cron is read on the tenant's own IANA zone's wall clock; a platform job runs
 * once per instant for everyone and finds the tenants with work itself (one indexed read), so nothing
 * fans out per tenant every minute. docs/jobs-schedule.md is generated from this table.
 */

export const JOB_CATEGORIES = ["critical", "campaign", "followup", "monitoring", "handoff", "reengagement", "sync", "maintenance", "report", "analysis"] as const;
export type JobCategory = (typeof JOB_CATEGORIES)[number];

/** Campaign types and the window each goes out in. */
export const CAMPAIGN_TYPES = ["discovery", "reactivation", "offer", "followup", "feedback"] as const;
export type CampaignType = (typeof CAMPAIGN_TYPES)[number];

export interface JobDef {
  name: string;
  /** Five-field cron (croner syntax). */
  cron: string;
  category: JobCategory;
  /** tenant: one run per tenant at its local time; platform: one run per instant (UTC) for everyone. */
  scope: "tenant" | "platform";
  description: string;
  /** Campaign windows: the campaign types this window sends. */
  campaignTypes?: readonly CampaignType[];
  /** Report windows: which report. */
  report?: "morning" | "lunch" | "afternoon" | "end_of_day" | "weekly";
}

export const JOBS = [
  { name: "scheduled_messages", cron: "* * * * *", category: "critical", scope: "platform", description: "Sends the one-off messages whose time has come" },
  {
    name: "campaigns_morning",
    cron: "0 10 * * 1-5",
    category: "campaign",
    scope: "tenant",
    description: "Campaign window: discovery and reactivation",
    campaignTypes: ["discovery", "reactivation"],
  },
  { name: "campaigns_afternoon", cron: "0 14 * * 1-5", category: "campaign", scope: "tenant", description: "Campaign window: offers", campaignTypes: ["offer"] },
  {
    name: "campaigns_evening",
    cron: "0 17 * * 1-5",
    category: "campaign",
    scope: "tenant",
    description: "Campaign window: follow-ups and feedback",
    campaignTypes: ["followup", "feedback"],
  },
  { name: "followups_morning", cron: "0 10 * * 1-5", category: "followup", scope: "tenant", description: "Sends the post-visit follow-ups that are due" },
  { name: "followups_afternoon", cron: "0 16 * * 1-5", category: "followup", scope: "tenant", description: "Sends the post-visit follow-ups that are due" },
  { name: "channel_health", cron: "*/5 * * * *", category: "monitoring", scope: "platform", description: "Meta phone number status / Evolution connection state" },
  { name: "alerts", cron: "*/30 * * * *", category: "monitoring", scope: "platform", description: "Notifies tenants of a channel down, dead letters, stuck sends" },
  { name: "handoff_escalation", cron: "*/15 * * * *", category: "handoff", scope: "platform", description: "Notifies handoffs past their SLA, once per breach" },
  { name: "reengagement", cron: "0 8 * * 1-5", category: "reengagement", scope: "tenant", description: "Picks up conversations left unfinished (retomadas)" },
  { name: "template_sync", cron: "0 */6 * * *", category: "sync", scope: "tenant", description: "Syncs WhatsApp templates from the Business Account" },
  { name: "maintenance", cron: "0 3 * * *", category: "maintenance", scope: "tenant", description: "Retention purges, dedup and context clean-ups, metrics consolidation" },
  { name: "scheduling_analysis", cron: "0 2 * * *", category: "analysis", scope: "tenant", description: "Scheduling analysis and no-show model training" },
  { name: "recommendations", cron: "0 7 * * *", category: "analysis", scope: "tenant", description: "Business recommendations: churn risk, upgrade, next best actions" },
  { name: "report_morning", cron: "0 10 * * *", category: "report", scope: "tenant", description: "Report: the night and early morning", report: "morning" },
  { name: "report_lunch", cron: "0 13 * * *", category: "report", scope: "tenant", description: "Report: the morning", report: "lunch" },
  { name: "report_afternoon", cron: "0 17 * * *", category: "report", scope: "tenant", description: "Report: the afternoon", report: "afternoon" },
  { name: "report_end_of_day", cron: "0 20 * * *", category: "report", scope: "tenant", description: "Report: the day", report: "end_of_day" },
  { name: "analytics_daily", cron: "20 0 * * *", category: "analysis", scope: "tenant", description: "Analytics: yesterday's figures (and missing days of the last week)" },
  { name: "analytics_weekly", cron: "40 0 * * 1", category: "analysis", scope: "tenant", description: "Analytics: last ISO week's figures (and a missing week before it)" },
  { name: "report_weekly", cron: "0 9 * * 1", category: "report", scope: "tenant", description: "Report: the week", report: "weekly" },
] as const satisfies readonly JobDef[];

export type JobName = (typeof JOBS)[number]["name"];
export const JOB_NAMES = JOBS.map((j) => j.name) as JobName[];
export const jobByName = (name: string): JobDef | undefined => (JOBS as readonly JobDef[]).find((j) => j.name === name);
