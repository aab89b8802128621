/**
 * The columns of a history (API, CSV, PDF): one definition, so the three say the same thing. Labels in
 * the tenant's language; values are numbers (or null where a rate has nothing to divide by).
 */
import type { Locale } from "../conversation/templates";
import { type Derived, derive, type Metrics } from "./metrics";

type Value = number | null;
export interface Column {
  key: string;
  label: Record<Locale, string>;
  /** Decimal places when written out (0: a count). */
  decimals: number;
  value(m: Metrics, d: Derived): Value;
  /** Kept in the PDF's table (it has room for fewer columns than the CSV). */
  pdf?: boolean;
}

const secs = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);
const mins = (ms: number | null) => (ms === null ? null : Math.round(ms / 6000) / 10);
const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

export const COLUMNS: readonly Column[] = [
  { key: "messages_in", label: { "pt-BR": "Mensagens recebidas", en: "Messages in", es: "Mensajes recibidos" }, decimals: 0, value: (m) => m.messagesIn, pdf: true },
  { key: "messages_out", label: { "pt-BR": "Mensagens enviadas", en: "Messages out", es: "Mensajes enviados" }, decimals: 0, value: (m) => m.messagesOut, pdf: true },
  { key: "conversations", label: { "pt-BR": "Conversas", en: "Conversations", es: "Conversaciones" }, decimals: 0, value: (m) => m.conversations, pdf: true },
  { key: "unique_contacts", label: { "pt-BR": "Contatos únicos", en: "Unique contacts", es: "Contactos únicos" }, decimals: 0, value: (m) => m.uniqueContacts },
  { key: "new_contacts", label: { "pt-BR": "Contatos novos", en: "New contacts", es: "Contactos nuevos" }, decimals: 0, value: (m) => m.newContacts },
  { key: "replies_llm", label: { "pt-BR": "Respostas IA", en: "AI replies", es: "Respuestas IA" }, decimals: 0, value: (m) => m.repliesLlm, pdf: true },
  { key: "replies_template", label: { "pt-BR": "Respostas modelo", en: "Template replies", es: "Respuestas plantilla" }, decimals: 0, value: (m) => m.repliesTemplate, pdf: true },
  { key: "replies_human", label: { "pt-BR": "Respostas humanas", en: "Human replies", es: "Respuestas humanas" }, decimals: 0, value: (m) => m.repliesHuman },
  {
    key: "first_response_s",
    label: { "pt-BR": "1ª resposta (s)", en: "First response (s)", es: "1.ª respuesta (s)" },
    decimals: 1,
    value: (_, d) => secs(d.avgFirstResponseMs),
  },
  { key: "handoffs", label: { "pt-BR": "Transferências", en: "Handoffs", es: "Derivaciones" }, decimals: 0, value: (m) => m.handoffs, pdf: true },
  {
    key: "handoff_wait_min",
    label: { "pt-BR": "Espera humano (min)", en: "Human wait (min)", es: "Espera humano (min)" },
    decimals: 1,
    value: (_, d) => mins(d.avgHandoffWaitMs),
  },
  { key: "bookings", label: { "pt-BR": "Agendamentos", en: "Bookings", es: "Reservas" }, decimals: 0, value: (m) => m.bookings, pdf: true },
  { key: "confirmations", label: { "pt-BR": "Confirmações", en: "Confirmations", es: "Confirmaciones" }, decimals: 0, value: (m) => m.confirmations },
  { key: "cancellations", label: { "pt-BR": "Cancelamentos", en: "Cancellations", es: "Cancelaciones" }, decimals: 0, value: (m) => m.cancellations },
  { key: "no_shows", label: { "pt-BR": "Faltas", en: "No-shows", es: "Ausencias" }, decimals: 0, value: (m) => m.noShows },
  {
    key: "no_show_rate",
    label: { "pt-BR": "Taxa de faltas (%)", en: "No-show rate (%)", es: "Tasa de ausencias (%)" },
    decimals: 1,
    value: (_, d) => pct(d.noShowRate),
    pdf: true,
  },
  { key: "followups_sent", label: { "pt-BR": "Follow-ups enviados", en: "Follow-ups sent", es: "Seguimientos enviados" }, decimals: 0, value: (m) => m.followupsSent },
  {
    key: "followup_response_rate",
    label: { "pt-BR": "Resposta follow-up (%)", en: "Follow-up response (%)", es: "Respuesta seguimiento (%)" },
    decimals: 1,
    value: (_, d) => pct(d.followupResponseRate),
  },
  { key: "satisfaction", label: { "pt-BR": "Satisfação (-1 a 1)", en: "Satisfaction (-1 to 1)", es: "Satisfacción (-1 a 1)" }, decimals: 2, value: (_, d) => d.satisfaction },
  { key: "nps", label: { "pt-BR": "NPS", en: "NPS", es: "NPS" }, decimals: 1, value: (_, d) => d.nps, pdf: true },
  { key: "campaign_sent", label: { "pt-BR": "Campanha: enviadas", en: "Campaign: sent", es: "Campaña: enviados" }, decimals: 0, value: (m) => m.campaignSent },
  { key: "campaign_replied", label: { "pt-BR": "Campanha: respostas", en: "Campaign: replied", es: "Campaña: respuestas" }, decimals: 0, value: (m) => m.campaignReplied },
  { key: "campaign_booked", label: { "pt-BR": "Campanha: agendados", en: "Campaign: booked", es: "Campaña: reservas" }, decimals: 0, value: (m) => m.campaignBooked },
  { key: "tokens_in", label: { "pt-BR": "Tokens entrada", en: "Tokens in", es: "Tokens entrada" }, decimals: 0, value: (m) => m.tokensIn },
  { key: "tokens_out", label: { "pt-BR": "Tokens saída", en: "Tokens out", es: "Tokens salida" }, decimals: 0, value: (m) => m.tokensOut },
  { key: "cost", label: { "pt-BR": "Custo IA", en: "AI cost", es: "Costo IA" }, decimals: 4, value: (m) => m.cost, pdf: true },
];

export interface HistoryRow {
  period_start: string;
  values: Record<string, Value>;
}

const roundTo = (v: Value, decimals: number) => (v === null ? null : Number(v.toFixed(decimals)));

export function historyRows(periods: readonly { periodStart: string; metrics: Metrics }[]): HistoryRow[] {
  return periods.map((p) => {
    const d = derive(p.metrics);
    return { period_start: p.periodStart, values: Object.fromEntries(COLUMNS.map((c) => [c.key, roundTo(c.value(p.metrics, d), c.decimals)])) };
  });
}

/** Words of the exports, per language. */
export const WORDS: Record<
  Locale,
  { title: string; period: string; date: string; week: string; day: string; total: string; chart: string; inbound: string; outbound: string; page: string }
> = {
  "pt-BR": {
    title: "Analytics e Consumo",
    period: "Período",
    date: "Data",
    week: "semanas",
    day: "dias",
    total: "Totais do período",
    chart: "Mensagens por período",
    inbound: "Recebidas",
    outbound: "Enviadas",
    page: "Página",
  },
  en: {
    title: "Analytics and usage",
    period: "Period",
    date: "Date",
    week: "weeks",
    day: "days",
    total: "Period totals",
    chart: "Messages per period",
    inbound: "In",
    outbound: "Out",
    page: "Page",
  },
  es: {
    title: "Analítica y consumo",
    period: "Período",
    date: "Fecha",
    week: "semanas",
    day: "días",
    total: "Totales del período",
    chart: "Mensajes por período",
    inbound: "Recibidos",
    outbound: "Enviados",
    page: "Página",
  },
};

/** A number as the locale writes it (decimal comma for pt-BR and es), no thousands separator (spreadsheets parse it). */
export function formatNumber(v: Value, decimals: number, locale: Locale): string {
  if (v === null) return "";
  const s = v.toFixed(decimals);
  return locale === "en" ? s : s.replace(".", ",");
}
