/**
 * What an A/B test can vary: the agenda messages written by agenda/service.ts (reminder, follow-up) and
 * scheduling/auto-reschedule.ts (the better-slot offer), each with the placeholders its text fills.
 */
import { type AgendaText, builtInText, fill, say } from "../agenda/messages";
import type { Locale } from "../conversation/templates";
import type { CompanyProfile, CustomTextPurpose } from "../tenants/profile";

export interface Target {
  purpose: CustomTextPurpose;
  text: AgendaText;
  /** Without these the message says nothing useful (the slot of a reminder, the options of an offer). */
  required: readonly string[];
}

export const TARGETS = {
  "purpose:reminder": { purpose: "reminder", text: "reminder", required: ["slot"] },
  "purpose:followup": { purpose: "followup", text: "followup", required: [] },
  "purpose:reschedule_offer": { purpose: "reschedule_offer", text: "riskOffer", required: ["options"] },
} as const satisfies Record<string, Target>;
export type TargetName = keyof typeof TARGETS;
export const TARGET_NAMES = Object.keys(TARGETS) as TargetName[];

/** The `{x}` names a text uses, e.g. placeholders("Olá{name}! {slot}") → ["name", "slot"]. */
export const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ""))];

/** The placeholders the current (built-in) text of a target uses: a variant may use these and no other. */
export const allowedPlaceholders = (target: TargetName, locale: Locale) => placeholders(builtInText(locale, TARGETS[target].text));

/** The target a purpose's text belongs to (sendAbout's text keys). */
export const targetOfText = (key: AgendaText): TargetName | null => TARGET_NAMES.find((t) => TARGETS[t].text === key) ?? null;

/** The tenant's text for a target (an applied winner) or the built-in one, filled. */
export function tenantText(profile: CompanyProfile, key: AgendaText, locale: Locale, vars: Record<string, string>): string {
  const target = targetOfText(key);
  const own = target ? profile.texts[TARGETS[target].purpose] : undefined;
  return own ? fill(own, vars) : say(locale, key, vars);
}
