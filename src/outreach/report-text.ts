/** A report's text in the tenant's locale (pt-BR first): short lines an owner reads on a phone. */
import type { ReportCounts } from "../store/types";
import type { ReportKind } from "./report-settings";

type Locale = "pt-BR" | "en" | "es";

const TITLES: Record<Locale, Record<ReportKind, string>> = {
  "pt-BR": { morning: "Relatório da manhã", lunch: "Relatório do almoço", afternoon: "Relatório da tarde", end_of_day: "Resumo do dia", weekly: "Resumo da semana" },
  en: { morning: "Morning report", lunch: "Midday report", afternoon: "Afternoon report", end_of_day: "End of day summary", weekly: "Weekly summary" },
  es: { morning: "Informe de la mañana", lunch: "Informe del mediodía", afternoon: "Informe de la tarde", end_of_day: "Resumen del día", weekly: "Resumen de la semana" },
};

const LINES: Record<Locale, Record<string, string>> = {
  "pt-BR": {
    period: "Período",
    conversations: "Conversas",
    newContacts: "Novos contatos",
    bookings: "Agendamentos",
    cancellations: "Cancelamentos",
    noShows: "Faltas",
    handoffs: "Transferências para atendente",
    waiting: "aguardando agora",
    followups: "Respostas de pós-atendimento",
    campaigns: "Campanhas",
    sent: "enviadas",
    replied: "respostas",
    booked: "agendamentos",
  },
  en: {
    period: "Period",
    conversations: "Conversations",
    newContacts: "New contacts",
    bookings: "Bookings",
    cancellations: "Cancellations",
    noShows: "No-shows",
    handoffs: "Handoffs to a person",
    waiting: "waiting now",
    followups: "Follow-up answers",
    campaigns: "Campaigns",
    sent: "sent",
    replied: "replies",
    booked: "bookings",
  },
  es: {
    period: "Período",
    conversations: "Conversaciones",
    newContacts: "Contactos nuevos",
    bookings: "Citas agendadas",
    cancellations: "Cancelaciones",
    noShows: "Ausencias",
    handoffs: "Derivaciones a una persona",
    waiting: "esperando ahora",
    followups: "Respuestas de seguimiento",
    campaigns: "Campañas",
    sent: "enviadas",
    replied: "respuestas",
    booked: "citas",
  },
};

export const reportLocale = (locale: string): Locale => (locale === "en" || locale === "es" ? locale : "pt-BR");

/** `from`/`to` as the tenant reads them ("01/12 20:00"). */
export function reportText(kind: ReportKind, business: string, locale: string, period: { from: string; to: string }, n: ReportCounts): string {
  const l = reportLocale(locale);
  const w = LINES[l];
  const lines = [
    `📊 ${TITLES[l][kind]} — ${business}`,
    `${w.period}: ${period.from} – ${period.to}`,
    `• ${w.conversations}: ${n.conversations}`,
    `• ${w.newContacts}: ${n.newContacts}`,
    `• ${w.bookings}: ${n.bookings} · ${w.cancellations}: ${n.cancellations} · ${w.noShows}: ${n.noShows}`,
    `• ${w.handoffs}: ${n.handoffs} (${n.waiting} ${w.waiting})`,
    `• ${w.followups}: ${n.followupAnswers}`,
  ];
  // Campaigns are optional: their line only when there was campaign activity in the period.
  const c = n.campaigns;
  if (c.sent + c.replied + c.booked > 0) lines.push(`• ${w.campaigns}: ${c.sent} ${w.sent}, ${c.replied} ${w.replied}, ${c.booked} ${w.booked}`);
  return lines.join("\n");
}
