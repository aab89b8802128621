import { PDFDocument } from "pdf-lib";

/** Every stream of a PDF, inflated where it is Flate-encoded (pdf-lib deflates page contents). */
async function streams(bytes: Uint8Array): Promise<string[]> {
  const latin = new TextDecoder("latin1").decode(bytes);
  const out: string[] = [];
  for (const m of latin.matchAll(/stream\r?\n/g)) {
    const start = (m.index ?? 0) + m[0].length;
    // The stream's bytes end before the line break that precedes "endstream".
    let end = latin.indexOf("endstream", start);
    while (end > start && (latin[end - 1] === "\n" || latin[end - 1] === "\r")) end--;
    const raw = bytes.slice(start, end);
    try {
      const inflated = await new Response(new Blob([raw]).stream().pipeThrough(new DecompressionStream("deflate"))).arrayBuffer();
      out.push(new TextDecoder("latin1").decode(inflated));
    } catch {
      out.push(new TextDecoder("latin1").decode(raw));
    }
  }
  return out;
}

/** WinAnsi's bytes that differ from Latin-1 (the ones our labels use). */
const WIN_ANSI: Record<number, string> = { 133: "…", 145: "‘", 146: "’", 147: "“", 148: "”", 150: "–", 151: "—" };

/**
 * The text a PDF draws, as pdf-lib writes it with a standard font: hex strings of WinAnsi bytes in
 * `<…> Tj`. Decoded back to text , in drawing order.
 */
export async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string }> {
  const doc = await PDFDocument.load(bytes);
  const parts: string[] = [];
  for (const s of await streams(bytes)) {
    for (const m of s.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      const hex = m[1] ?? "";
      let t = "";
      for (let i = 0; i < hex.length; i += 2) {
        const byte = Number.parseInt(hex.slice(i, i + 2), 16);
        t += WIN_ANSI[byte] ?? String.fromCharCode(byte);
      }
      parts.push(t);
    }
  }
  return { pages: doc.getPageCount(), text: parts.join("\n") };
}

/** A CSV of ours parsed back: BOM stripped, CRLF lines, quoted fields honoured. */
export function parseCsv(text: string, sep: string): string[][] {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      row.push(field);
      field = "";
    } else if (ch === "\r" && body[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}
