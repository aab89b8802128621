/**
 * Re-engagement (retomadas, 08:00 Mon–Fri): conversations still with the bot where the contact stopped
 * answering in the middle of something — the newest message is the assistant's, it asked a question or
 * offered slots, 20 h to 7 days ago — get one friendly nudge (purpose "reactivation": outside the 24 h
 * window deliver.ts sends the reactivation template, else holds it). Once per conversation, ever
 * (clientRef `reengage:<conversation>`), at most maxPerRun per run, never in quiet hours or to an opted-out contact.
 */
import { say } from "../agenda/messages";
import { LOCALES } from "../conversation/templates";
import type { OutboundPayload } from "../channels/types";
import type { JobHandler } from "../jobs/types";
import { HOUR_MS, DAY_MS } from "../lib/time-zone";
import { queueOutbound } from "../outbox/queue";
import { inQuietHours } from "../tenants/business-hours";
import { loadTenant } from "../tenants/tenant-cache";
import { reportLocale } from "./report-text";

export const STALLED_AFTER_MS = 20 * HOUR_MS;
export const STALLED_UNTIL_MS = 7 * DAY_MS;

const NUDGE = {
  "pt-BR": (name: string) => `Oi${name}! Ficou alguma dúvida sobre o agendamento? Posso ajudar.`,
  en: (name: string) => `Hi${name}! Any questions about your booking? I'm happy to help.`,
  es: (name: string) => `¡Hola${name}! ¿Te quedó alguna duda sobre la cita? Puedo ayudarte.`,
};

export function nudgeText(locale: string, contactName: string | null): string {
  const first = contactName?.trim().split(/\s+/)[0];
  return NUDGE[reportLocale(locale)](first ? ` ${first}` : "");
}

// The agenda's slot offers open with these words (in every locale), whatever follows.
const OFFER_OPENINGS = LOCALES.flatMap((l) =>
  [say(l, "offer", { options: "\u0000" }), say(l, "offerReschedule", { current: "\u0000", options: "\u0000" })].map((t) => t.split("\u0000")[0] ?? ""),
);

/** The assistant was waiting for an answer: a question, or an offer of slots (an interactive list or the agenda's offer text). */
export function asksSomething(text: string, payload: OutboundPayload | null): boolean {
  if (payload?.kind === "list") return true;
  const t = text.trim();
  return /\?\s*\p{Extended_Pictographic}*$/u.test(t) || OFFER_OPENINGS.some((o) => o.length > 0 && t.startsWith(o));
}

export const reengage: JobHandler = async (run) => {
  if (!run.company) throw new Error("reengagement is a tenant job");
  const tenant = await loadTenant(run.store, run.company.id);
  if (!tenant) return { items: 0, status: "skipped", note: "tenant gone" };
  const { company, profile } = tenant;
  const settings = profile.reports.reengagement;
  if (!settings.enabled) return { items: 0, status: "skipped", note: "re-engagement off" };
  if (inQuietHours(profile.businessHours, company.timeZone, run.scheduledFor)) return { items: 0, status: "skipped", note: "quiet hours" };
  const now = run.scheduledFor;
  // Read more than the cap: some of the newest assistant messages ask nothing.
  const rows = await run.store.outreachReports.stalled(company.id, now - STALLED_UNTIL_MS, now - STALLED_AFTER_MS, Math.min(settings.maxPerRun * 4, 2_000));
  const picked = rows.filter((r) => asksSomething(r.lastText, r.lastPayload)).slice(0, settings.maxPerRun);
  for (const r of picked) {
    const ref = `reengage:${r.conversation.id}`;
    await queueOutbound(run.env, run.store, {
      company,
      contact: r.contact,
      conversation: r.conversation,
      clientRef: ref,
      payload: { kind: "text", text: nudgeText(company.locale, r.contact.name) },
      correlationId: ref,
      author: "system",
      purpose: "reactivation",
    });
  }
  return { items: picked.length, note: rows.length > picked.length ? `${rows.length - picked.length} left alone (asked nothing, or over the cap)` : undefined };
};
