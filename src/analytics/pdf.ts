/**
 * The history as a PDF, built inside the Worker with pdf-lib (pure JS, no Node APIs): title, period,
 * the period's totals, a bar chart of messages in/out drawn with pdf-lib's rectangles and lines, and
 * the table of periods over as many pages as it needs. Helvetica's WinAnsi covers Portuguese and
 * Spanish (ç ã é ñ ¿ …); a character it lacks (an emoji in a tenant's name) is written as "?".
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import type { Locale } from "../conversation/templates";
import { combine, derive, type Metrics } from "./metrics";
import { COLUMNS, formatNumber, type HistoryRow, WORDS } from "./table";

export interface PdfInput {
  companyName: string;
  locale: Locale;
  granularity: "day" | "week";
  from: string;
  to: string;
  periods: readonly { periodStart: string; metrics: Metrics }[];
  rows: readonly HistoryRow[];
}

const W = 842;
const H = 595;
const M = 36;
const ROW = 15;
const INK = rgb(0.13, 0.15, 0.2);
const MUTED = rgb(0.42, 0.45, 0.5);
const IN_COLOR = rgb(0.15, 0.45, 0.85);
const OUT_COLOR = rgb(0.2, 0.65, 0.45);
const PDF_COLUMNS = COLUMNS.filter((c) => c.pdf);

/** The text with every character Helvetica cannot encode replaced by "?". */
function encodable(font: PDFFont, text: string): string {
  let out = "";
  for (const ch of text) {
    try {
      font.encodeText(ch);
      out += ch;
    } catch {
      out += "?";
    }
  }
  return out;
}

/** Words greedily on lines no wider than `width` (a header label on two lines rather than over its neighbour). */
function wrap(font: PDFFont, text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(" ")) {
    const last = lines[lines.length - 1];
    if (last !== undefined && font.widthOfTextAtSize(`${last} ${word}`, size) <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

export async function historyPdf(input: PdfInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const words = WORDS[input.locale];
  doc.setTitle(encodable(font, `${words.title} — ${input.companyName}`));
  doc.setLanguage(input.locale);
  const text = (page: PDFPage, s: string, x: number, y: number, size = 9, f = font, color = INK) => page.drawText(encodable(f, s), { x, y, size, font: f, color });
  const right = (page: PDFPage, s: string, xRight: number, y: number, size = 9) => text(page, s, xRight - font.widthOfTextAtSize(encodable(font, s), size), y, size);

  let page = doc.addPage([W, H]);
  text(page, `${words.title} · ${input.companyName}`, M, H - M - 8, 18, bold);
  const span = `${input.periods.length} ${input.granularity === "day" ? words.day : words.week}`;
  text(page, `${words.period}: ${input.from} – ${input.to} (${span})`, M, H - M - 28, 10, font, MUTED);

  // Totals: two columns of label / value.
  const totals = combine(input.periods.map((p) => p.metrics));
  const d = derive(totals);
  let y = H - M - 56;
  text(page, words.total, M, y, 11, bold);
  y -= 16;
  PDF_COLUMNS.forEach((c, i) => {
    const x = M + (i % 2) * 190;
    const yy = y - Math.floor(i / 2) * ROW;
    text(page, c.label[input.locale], x, yy);
    right(page, formatNumber(c.value(totals, d), c.decimals, input.locale), x + 175, yy);
  });
  drawChart(page, input, font, bold, { x: M + 400, y: H - M - 250, w: W - 2 * M - 400, h: 190 });

  // The table of periods, continued on new pages with its header repeated.
  y = H - M - 290;
  const colW = (W - 2 * M - 70) / PDF_COLUMNS.length;
  const header = (p: PDFPage, at: number) => {
    text(p, words.date, M, at, 8, bold);
    PDF_COLUMNS.forEach((c, i) => {
      wrap(bold, encodable(bold, c.label[input.locale]), colW - 6, 7).forEach((line, n, lines) => {
        p.drawText(line, { x: M + 70 + (i + 1) * colW - bold.widthOfTextAtSize(line, 7), y: at + (lines.length - 1 - n) * 8, size: 7, font: bold, color: INK });
      });
    });
    p.drawLine({ start: { x: M, y: at - 4 }, end: { x: W - M, y: at - 4 }, thickness: 0.5, color: MUTED });
  };
  header(page, y);
  y -= ROW + 2;
  for (const row of input.rows) {
    if (y < M + 20) {
      page = doc.addPage([W, H]);
      y = H - M - 10;
      header(page, y);
      y -= ROW + 2;
    }
    text(page, row.period_start, M, y, 8);
    PDF_COLUMNS.forEach((c, i) => {
      right(page, formatNumber(row.values[c.key] ?? null, c.decimals, input.locale), M + 70 + (i + 1) * colW, y, 8);
    });
    y -= ROW;
  }
  const pages = doc.getPages();
  pages.forEach((p, i) => {
    right(p, `${words.page} ${i + 1}/${pages.length}`, W - M, M - 18, 8);
  });
  return doc.save();
}

/** Bars of messages in and out per period, a y axis with four steps, and a few dates under it. */
function drawChart(page: PDFPage, input: PdfInput, font: PDFFont, bold: PDFFont, box: { x: number; y: number; w: number; h: number }): void {
  const words = WORDS[input.locale];
  page.drawText(encodable(bold, words.chart), { x: box.x, y: box.y + box.h + 14, size: 11, font: bold, color: INK });
  const series = input.periods.map((p) => [p.metrics.messagesIn, p.metrics.messagesOut] as const);
  const max = Math.max(1, ...series.flat());
  const step = Math.ceil(max / 4);
  const top = step * 4;
  const left = box.x + 30;
  const width = box.w - 30;
  for (let i = 0; i <= 4; i++) {
    const yy = box.y + (box.h * i) / 4;
    page.drawLine({ start: { x: left, y: yy }, end: { x: left + width, y: yy }, thickness: i === 0 ? 0.8 : 0.3, color: MUTED });
    const label = String(step * i);
    page.drawText(label, { x: left - 4 - font.widthOfTextAtSize(label, 7), y: yy - 2, size: 7, font, color: MUTED });
  }
  const slot = width / Math.max(1, series.length);
  const bar = Math.max(0.5, (slot * 0.8) / 2);
  series.forEach(([i, o], n) => {
    const x = left + n * slot + slot * 0.1;
    if (i > 0) page.drawRectangle({ x, y: box.y, width: bar, height: (box.h * i) / top, color: IN_COLOR });
    if (o > 0) page.drawRectangle({ x: x + bar, y: box.y, width: bar, height: (box.h * o) / top, color: OUT_COLOR });
  });
  const every = Math.max(1, Math.ceil(series.length / 6));
  input.periods.forEach((p, n) => {
    if (n % every === 0) page.drawText(p.periodStart.slice(5), { x: left + n * slot, y: box.y - 11, size: 7, font, color: MUTED });
  });
  const legend = (label: string, color: ReturnType<typeof rgb>, x: number) => {
    page.drawRectangle({ x, y: box.y - 26, width: 8, height: 8, color });
    page.drawText(encodable(font, label), { x: x + 11, y: box.y - 25, size: 8, font, color: INK });
  };
  legend(words.inbound, IN_COLOR, left);
  legend(words.outbound, OUT_COLOR, left + 90);
}
