/**
 * The contact beside the open conversation: number, since when, conversations, what the business
 * knows (attributes), appointments ahead and recent, and the opt-out switch (which asks first;
 * shown only with contacts:write, like the labels editor).
 * A <details>: open beside the thread on a wide screen, folded under it on a phone.
 */
import { call, type Session } from "../api";
import { labelsEditor } from "../campaigns/labels";
import { el } from "../dom";
import { formatDateTime, formatNumber, lookup, t } from "../i18n";
import { formatPhone } from "../phone";
import { confirmAction } from "../ui/confirm";
import { busy } from "../ui/view";
import type { Appointment, ContactCard } from "./types";

const WIDE = "(min-width: 1100px)";

function appointmentList(id: string, title: string, rows: Appointment[]): Node[] {
  if (rows.length === 0) return [];
  return [
    el("h3", {}, title),
    el(
      "ul",
      { class: "plain", id },
      ...rows.map((a) => el("li", {}, [formatDateTime(a.starts_at), a.service, lookup("status.appointment", a.status, "status.unknown")].filter(Boolean).join(" · "))),
    ),
  ];
}

const attributeText = (v: unknown) => (typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v));

/** "Terça-feira · manhã · Limpeza": what the chat offers this contact first; nothing when no habit is known. */
function habits(card: ContactCard): Node[] {
  const p = card.preferences;
  const parts = p
    ? [p.weekday && lookup("hours.day", p.weekday, "common.none"), p.period && lookup("conversations.contact.period", p.period, "common.none"), p.service].filter(Boolean)
    : [];
  if (parts.length === 0) return [];
  return [el("dt", {}, t("conversations.contact.habits")), el("dd", { id: "contact-habits" }, parts.join(" · "))];
}

export function contactPanel(session: Session, card: ContactCard, onChange: () => Promise<void>, mayWrite: boolean): HTMLDetailsElement {
  const k = card.contact;
  const error = el("div", { id: "contact-error" });
  const toggle = el(
    "button",
    { type: "button", class: k.opted_out ? "secondary" : "danger", id: "contact-opt" },
    t(k.opted_out ? "conversations.contact.optIn" : "conversations.contact.optOut"),
  );
  toggle.addEventListener("click", async () => {
    const ok = await confirmAction(
      k.opted_out
        ? { title: t("conversations.contact.optInTitle"), body: t("conversations.contact.optInBody"), confirm: t("conversations.contact.optIn") }
        : { title: t("conversations.contact.optOutTitle"), body: t("conversations.contact.optOutBody"), confirm: t("conversations.contact.optOut") },
    );
    if (!ok) return;
    await busy(
      toggle,
      async () => {
        await call(session, `/api/contacts/${k.id}/${k.opted_out ? "opt-in" : "opt-out"}`, { method: "POST", body: "{}" });
        await onChange();
      },
      error,
    );
  });
  // Labels have their own editor (campaigns/labels.ts).
  const attributes = Object.entries(k.attributes).filter(([key]) => key !== "labels");
  const details = el(
    "details",
    { class: "card contact-panel", id: "contact-panel" },
    el("summary", {}, t("conversations.contact.title")),
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, t("conversations.contact.name")),
      el("dd", { id: "contact-name" }, k.name ?? t("common.none")),
      el("dt", {}, t("conversations.contact.phone")),
      el("dd", { class: "phone", id: "contact-phone" }, formatPhone(k.phone)),
      el("dt", {}, t("conversations.contact.since")),
      el("dd", {}, formatDateTime(k.created_at)),
      el("dt", {}, t("conversations.contact.conversations")),
      el("dd", {}, formatNumber(k.conversations)),
      el("dt", {}, t("conversations.contact.messages")),
      el("dd", { id: "contact-opted" }, t(k.opted_out ? "conversations.contact.optedOut" : "conversations.contact.optedIn")),
      ...habits(card),
      ...attributes.flatMap(([key, v]) => [el("dt", {}, key), el("dd", {}, attributeText(v))]),
    ),
    ...appointmentList("contact-upcoming", t("conversations.contact.upcoming"), card.appointments.upcoming),
    ...appointmentList("contact-recent", t("conversations.contact.recent"), card.appointments.recent),
    ...(card.appointments.upcoming.length + card.appointments.recent.length === 0 ? [el("p", { class: "muted" }, t("conversations.contact.noAppointments"))] : []),
    labelsEditor(session, k.id, k.attributes, onChange, mayWrite),
    ...(mayWrite ? [el("div", { class: "actions" }, toggle)] : []),
    error,
  );
  if (window.matchMedia(WIDE).matches) details.open = true;
  return details;
}
