/**
 * A campaign's audience, message and template as the API takes them (snake_case JSON, stored as is in
 * campaigns.audience), and what the store's query reads (AudienceQuery). One query answers both the
 * preview and the recipients at start, so what was previewed is what is sent.
 */
import * as z from "../lib/zod";
import { CAMPAIGN_TYPES } from "../jobs/table";
import type { AudienceQuery, CampaignTemplate, Company, Contact } from "../store/types";

export const Label = z.string().trim().toLowerCase().min(1).max(40);
const Days = z.number().int().min(1).max(3650);

export const Audience = z.strictObject({
  /** Contacts carrying any (or all, with label_match "all") of these labels (contacts.attributes.labels). */
  labels: z.array(Label).max(20).default([]),
  label_match: z.enum(["any", "all"]).default("any"),
  exclude_labels: z.array(Label).max(20).default([]),
  /** contacts.attributes[key] equals value (compared as text). */
  attributes: z
    .array(z.strictObject({ key: z.string().regex(/^[A-Za-z0-9_]{1,40}$/, "attribute keys are letters, digits and _"), value: z.string().max(200) }))
    .max(10)
    .default([]),
  /** Last message from the contact: more than N days ago (older_than_days) / within the last N days. */
  last_inbound: z.strictObject({ older_than_days: Days.optional(), within_days: Days.optional() }).default({}),
  appointments: z
    .strictObject({
      /** Had an appointment (not cancelled) in the last N days. */
      within_days: Days.optional(),
      /** No appointment (not cancelled) since N days ago, upcoming ones included. */
      none_since_days: Days.optional(),
      /** Missed one (no-show) in the last N days. */
      no_show_within_days: Days.optional(),
      /** Ever had this service. */
      service: z.string().trim().min(1).max(120).optional(),
    })
    .default({}),
});
export type Audience = z.infer<typeof Audience>;

/** What the store's query reads from a stored (or just validated) audience; an unreadable one matches nobody extra: it is parsed again. */
export function audienceQuery(raw: unknown): AudienceQuery {
  const a = Audience.parse(raw ?? {});
  return {
    labels: a.labels,
    labelMatch: a.label_match,
    excludeLabels: a.exclude_labels,
    attributes: a.attributes,
    lastInbound: { olderThanDays: a.last_inbound.older_than_days, withinDays: a.last_inbound.within_days },
    appointments: {
      withinDays: a.appointments.within_days,
      noneSinceDays: a.appointments.none_since_days,
      noShowWithinDays: a.appointments.no_show_within_days,
      service: a.appointments.service,
    },
  };
}

export const CampaignTemplateBody = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,512}$/, "template names are lowercase letters, digits and _"),
  language: z.string().trim().min(2).max(15).default("pt_BR"),
  parameters: z.array(z.string().max(200)).max(10).default([]),
});

export const THROTTLE = { min: 1, max: 120, default: 30 } as const;

export const CampaignBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  type: z.enum(CAMPAIGN_TYPES),
  audience: Audience.default(Audience.parse({})),
  message: z.string().trim().min(1).max(1000),
  template: CampaignTemplateBody.nullable().optional(),
  /** The tenant's wall time "YYYY-MM-DDTHH:MM" or an ISO instant with its offset (outreach/send-at.ts). */
  starts_at: z.string().max(40).nullable().optional(),
  throttle_per_minute: z.number().int().min(THROTTLE.min).max(THROTTLE.max).default(THROTTLE.default),
});

/** {nome}/{contact_name} → the contact's first name, {empresa}/{business_name} → the tenant's name. */
export function render(text: string, company: Pick<Company, "name">, contact: Pick<Contact, "name">): string {
  const first = contact.name?.trim().split(/\s+/)[0] ?? "";
  return text
    .replace(/\{(nome|contact_name)\}/g, first)
    .replace(/\{(empresa|business_name)\}/g, company.name)
    .replace(/ {2,}/g, " ")
    .trim();
}

export function renderTemplate(t: CampaignTemplate, company: Pick<Company, "name">, contact: Pick<Contact, "name">, text: string) {
  return { kind: "template" as const, name: t.name, language: t.language, parameters: t.parameters.map((p) => render(p.replaceAll("{text}", text), company, contact)) };
}
