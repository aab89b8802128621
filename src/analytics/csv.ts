/**
 * The history as CSV that spreadsheet programs open as they are: a UTF-8 BOM (Excel reads UTF-8 then),
 * `;` between fields with decimal commas for pt-BR and es (what Excel expects in those locales), `,`
 * and decimal points for en, ISO dates, one header row, CRLF line ends (RFC 4180).
 */
import type { Locale } from "../conversation/templates";
import { COLUMNS, formatNumber, type HistoryRow, WORDS } from "./table";

export const separatorOf = (locale: Locale) => (locale === "en" ? "," : ";");

const quote = (s: string, sep: string) => (s.includes(sep) || s.includes('"') || s.includes("\n") || s.includes("\r") ? `"${s.replaceAll('"', '""')}"` : s);

export function historyCsv(rows: readonly HistoryRow[], locale: Locale): string {
  const sep = separatorOf(locale);
  const header = [WORDS[locale].date, ...COLUMNS.map((c) => c.label[locale])].map((h) => quote(h, sep)).join(sep);
  const lines = rows.map((r) => [r.period_start, ...COLUMNS.map((c) => formatNumber(r.values[c.key] ?? null, c.decimals, locale))].map((v) => quote(v, sep)).join(sep));
  return `\uFEFF${[header, ...lines].join("\r\n")}\r\n`;
}
