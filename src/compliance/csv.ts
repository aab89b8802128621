import type { ContactExport } from "./contact-data";

/**
 * The export as ONE CSV file in sections (a line `# <table>`, its header, its rows, a blank line),
 * rather than a zip or a JSON manifest of CSVs: one download through the authenticated API, no
 * archive library in the Worker, and a spreadsheet opens it as is (BOM for UTF-8, RFC 4180 quoting).
 */
export function exportCsv(data: ContactExport): string {
  const sections: [string, Record<string, unknown>[]][] = [
    ...Object.entries(data.records),
    ["durable_object.context", data.durableObject.flatMap((s) => s.context.map((e) => ({ address: s.address, ...e })))],
    ["durable_object.pending", data.durableObject.flatMap((s) => s.pending.map((p) => ({ address: s.address, ...p })))],
    ["durable_object.lanes", data.durableObject.flatMap((s) => (s.lane ? [{ address: s.address, ...s.lane }] : []))],
    ["durable_object.agenda_state", data.durableObject.flatMap((s) => (s.agenda ? [{ address: s.address, ...s.agenda }] : []))],
  ];
  const out: string[] = [];
  for (const [name, rows] of sections) {
    out.push(`# ${name}`);
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    if (columns.length) out.push(columns.map(cell).join(","));
    for (const r of rows) out.push(columns.map((k) => cell(r[k])).join(","));
    out.push("");
  }
  return `\uFEFF${out.join("\r\n")}`;
}

/** One value as a CSV cell: objects as JSON; quoted when it holds a separator, a quote or a line break. */
export function cell(v: unknown): string {
  const s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  // A leading = + - @ would be run as a formula by a spreadsheet: a quote-prefix keeps it text.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
