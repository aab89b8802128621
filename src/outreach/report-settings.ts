/**
 * Profile section `reports`: the periodic reports to the tenant (a Slack-compatible notify URL and/or
 * WhatsApp to the owner's number) and re-engagement (retomadas). Both are off until the tenant turns them on.
 */
import * as z from "../lib/zod";

export const REPORT_KINDS = ["morning", "lunch", "afternoon", "end_of_day", "weekly"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const ReengagementSettings = z.object({
  enabled: z.boolean().default(false),
  /** Nudges per run (08:00 Mon–Fri) at most. */
  maxPerRun: z.number().int().min(1).max(500).default(50),
});
export type ReengagementSettings = z.infer<typeof ReengagementSettings>;

export const ReportSettings = z.object({
  enabled: z.boolean().default(false),
  /** Slack-compatible incoming webhook: receives `{text}`. */
  notifyUrl: z.url().optional(),
  /** The owner's WhatsApp number (digits, with country code). */
  whatsapp: z
    .string()
    .regex(/^\+?\d{10,15}$/, "a phone number with country code, digits only")
    .optional(),
  /** Which of the day's reports (and the weekly one) to send. */
  kinds: z.array(z.enum(REPORT_KINDS)).max(REPORT_KINDS.length).default(["end_of_day", "weekly"]),
  reengagement: ReengagementSettings.prefault({}),
});
export type ReportSettings = z.infer<typeof ReportSettings>;
