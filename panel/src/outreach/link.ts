/** The conversation view's "Agendar mensagem": opens Mensagens agendadas with the contact chosen (its id and name, never the phone, in the URL). */
import { el } from "../dom";
import { t } from "../i18n";

export function scheduleLink(contact: { id: number; name: string | null } | null): HTMLElement | string {
  if (!contact) return "";
  const query = new URLSearchParams({ contact_id: String(contact.id), ...(contact.name ? { name: contact.name } : {}) });
  return el("a", { class: "button secondary", id: "schedule-for-contact", href: `#agendadas?${query}` }, t("outreach.schedule"));
}
