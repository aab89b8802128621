import * as z from "../lib/zod";
import { PROVIDER_NAMES } from "../ai/types";
import { log } from "../lib/log";
import { BusinessHours } from "./business-hours";
import { ReportSettings } from "../outreach/report-settings";
import { RetentionSettings } from "../compliance/retention-settings";

/** What the assistant knows about the business: editable through PUT /api/config/knowledge. */
export const Knowledge = z.object({
  services: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(120),
        price: z.string().trim().max(60).optional(),
        durationMinutes: z.number().int().positive().max(1440).optional(),
        description: z.string().trim().max(500).optional(),
      }),
    )
    .max(200)
    .default([]),
  hours: z.string().trim().max(500).default(""),
  address: z.string().trim().max(300).default(""),
  /** The business's own public numbers: the output guard lets replies mention them. */
  phones: z.array(z.string().trim().max(40)).max(10).default([]),
  faq: z
    .array(z.object({ q: z.string().trim().min(1).max(300), a: z.string().trim().min(1).max(1000) }))
    .max(200)
    .default([]),
  notes: z.string().trim().max(2000).default(""),
});
export type Knowledge = z.infer<typeof Knowledge>;

/** How the assistant sounds (the seeds' formality / empathy / humor) and whether the LLM is used at all. */
export const Tone = z.object({
  formality: z.enum(["formal", "neutral", "casual"]).default("neutral"),
  empathy: z.number().min(0).max(1).default(0.7),
  humor: z.number().min(0).max(1).default(0.1),
  /** Replies longer than this are cut at a sentence boundary (WhatsApp's own limit is 4,096). */
  maxReplyChars: z.number().int().min(80).max(4096).default(700),
  openingPhrases: z.array(z.string().trim().min(1).max(120)).max(10).default([]),
  aiEnabled: z.boolean().default(true),
});
export type Tone = z.infer<typeof Tone>;

export const AiSettings = z.object({
  provider: z.enum(PROVIDER_NAMES).default("gemini"),
  model: z.string().trim().min(1).max(120).default("gemini-2.0-flash"),
  temperature: z.number().min(0).max(2).default(0.4),
  maxTokens: z.number().int().min(16).max(4096).default(400),
  timeoutMs: z.number().int().min(1_000).max(60_000).default(15_000),
  /** Circuit breaker per provider (opossum-like defaults: 50 % errors over ≥ 5 calls, 30 s open). */
  breaker: z
    .object({
      errorThresholdPercentage: z.number().min(1).max(100).default(50),
      volumeThreshold: z.number().int().min(1).max(1_000).default(5),
      resetTimeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
      rollingWindowMs: z.number().int().min(1_000).max(3_600_000).default(60_000),
    })
    .prefault({}),
  /** Tokens per calendar month (UTC); past it replies come from templates. 0 = no limit. */
  monthlyTokenLimit: z.number().int().min(0).default(0),
  /** The tenant's own key, AES-GCM encrypted with SECRETS_KEY; write-only through the API. */
  apiKeyCipher: z.string().optional(),
});
export type AiSettings = z.infer<typeof AiSettings>;

/**
 * An approved WhatsApp template: what goes out instead of free text when the 24 h window is closed.
 * Parameters are filled from {text}, {contact_name} and {business_name}.
 */
export const TemplateRef = z.object({
  name: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,512}$/, "template names are lowercase letters, digits and _"),
  language: z.string().trim().min(2).max(15).default("pt_BR"),
  parameters: z.array(z.string().max(200)).max(10).default(["{text}"]),
  /**
   * Meta's status as the last template sync saw it (channels/templates.ts writes it); anything but
   * APPROVED holds the message at send time with `statusReason`. Absent: never synced (sent as is).
   */
  status: z.string().max(20).optional(),
  statusReason: z.string().max(300).optional(),
});
export type TemplateRef = z.infer<typeof TemplateRef>;

export const MESSAGE_PURPOSES = ["reply", "human", "reminder", "followup", "reactivation", "reschedule", "campaign", "report"] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];
export const Templates = z.partialRecord(z.enum(MESSAGE_PURPOSES), TemplateRef).default({});
export type Templates = z.infer<typeof Templates>;

export const HandoffSettings = z.object({
  /** Extra words that hand the conversation to a person (besides asking for one). */
  keywords: z.array(z.string().trim().min(2).max(60)).max(50).default([]),
  /** Slack-compatible incoming-webhook URL notified on each handoff. */
  notifyUrl: z.url().optional(),
  slaMinutes: z.number().int().min(1).max(10_080).default(15),
  /** Consecutive negative turns that hand over. */
  negativeTurns: z.number().int().min(1).max(10).default(2),
  /** Consecutive turns the assistant could not handle that hand over. */
  unhandledTurns: z.number().int().min(1).max(10).default(2),
});
export type HandoffSettings = z.infer<typeof HandoffSettings>;

/**
 * Agenda: which calendar books (the built-in one, or Cal.com), reminders, no-show and follow-up.
 * The built-in calendar's hours are validated by agenda/calendar.ts (CalendarSettings).
 */
export const AgendaSettings = z.object({
  provider: z.enum(["builtin", "calcom"]).default("builtin"),
  calendar: z.record(z.string(), z.unknown()).default({}),
  calcom: z
    .object({
      eventTypeId: z.number().int().positive(),
      apiUrl: z.url().optional(),
      /** Sealed with SECRETS_KEY, write-only through the API. */
      apiKeyCipher: z.string().optional(),
      webhookSecretCipher: z.string().optional(),
    })
    .optional(),
  /** Minutes before the start; the seeds' default is 24 h and 1 h. */
  reminderOffsetsMinutes: z.array(z.number().int().min(5).max(20_160)).max(5).default([1440, 60]),
  noShowGraceMinutes: z.number().int().min(0).max(1_440).default(15),
  rebookOnNoShow: z.boolean().default(true),
  followupEnabled: z.boolean().default(true),
  followupDelayMinutes: z.number().int().min(0).max(20_160).default(120),
  /** How many slots a contact is offered at once, and how far ahead we look. */
  offerCount: z.number().int().min(1).max(10).default(3),
  searchDays: z.number().int().min(1).max(60).default(14),
  /** Scheduling intelligence: when an upcoming appointment counts as high risk and what is done about it. */
  risk: z
    .object({
      /** No-show probability at or above which an appointment is high risk (the seeds' 0.8). */
      threshold: z.number().gt(0).max(1).default(0.8),
      /** A 24 h reminder still unanswered this long after it went out also makes it high risk. */
      unansweredReminderMinutes: z.number().int().min(15).max(1_440).default(120),
      /** How far ahead auto-reschedule looks (the seeds' "próximas horas"). */
      horizonHours: z.number().int().min(1).max(336).default(72),
      /** The daily run also sends the proactive offers (off: only the panel button / API does). */
      autoRescheduleDaily: z.boolean().default(false),
    })
    .prefault({}),
});
export type AgendaSettings = z.infer<typeof AgendaSettings>;

/** The agenda messages a tenant may reword (an applied A/B test winner writes them; absent: the built-in text). */
export const CUSTOM_TEXT_PURPOSES = ["reminder", "followup", "reschedule_offer"] as const;
export type CustomTextPurpose = (typeof CUSTOM_TEXT_PURPOSES)[number];
export const CustomTexts = z.partialRecord(z.enum(CUSTOM_TEXT_PURPOSES), z.string().trim().min(1).max(1000)).default({});

/**
 * The tenant's running A/B tests, written when one starts or stops (experiments/lifecycle.ts): the send
 * path and the events subscriber read it from the cached profile, so a tenant with none costs nothing.
 */
export const ExperimentFlags = z.object({
  running: z
    .array(z.object({ id: z.number().int().positive(), target: z.string().max(60) }))
    .max(20)
    .default([]),
});

export const CompanyProfile = z.object({
  knowledge: Knowledge.prefault({}),
  tone: Tone.prefault({}),
  ai: AiSettings.prefault({}),
  templates: Templates,
  handoff: HandoffSettings.prefault({}),
  agenda: AgendaSettings.prefault({}),
  /** Business hours, holidays and quiet hours (tenants/business-hours.ts). */
  businessHours: BusinessHours.prefault({}),
  /** Periodic reports and re-engagement (outreach/report-settings.ts). */
  reports: ReportSettings.prefault({}),
  texts: CustomTexts,
  experiments: ExperimentFlags.prefault({}),
  /**
   * The event types some active outgoing webhook takes (integrations/endpoints.ts keeps it): the
   * subscriber reads it from the cached profile, so a tenant without webhooks costs nothing per event.
   */
  webhooks: z.object({ events: z.array(z.string().max(60)).max(50).default([]) }).prefault({}),
  /** How long message content is kept (compliance/retention-settings.ts). */
  retention: RetentionSettings.prefault({}),
});
export type CompanyProfile = z.infer<typeof CompanyProfile>;

/** A stored profile never breaks a conversation: invalid parts fall back to defaults. */
export function readProfile(raw: unknown): CompanyProfile {
  const parsed = CompanyProfile.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  log.warn("invalid company profile, using defaults", { issues: parsed.error.issues.length });
  return CompanyProfile.parse({});
}
