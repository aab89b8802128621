// Synthetic appointment history as an import CSV, for the benchmarks and the panel's browser test:
// src/scheduling/synthetic.ts (bundled in memory with esbuild: Node can't resolve its extensionless
// imports) and the column layout of test/scheduling-api/support.ts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** `generateHistory` from src/scheduling/synthetic.ts. */
export async function loadGenerator() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "synthetic-"));
  try {
    const out = await build({
      stdin: { contents: 'export { generateHistory } from "./src/scheduling/synthetic";', resolveDir: ROOT, loader: "ts" },
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      write: false,
      logLevel: "error",
    });
    const file = path.join(dir, "synthetic.mjs");
    writeFileSync(file, out.outputFiles[0].text);
    return (await import(pathToFileURL(file).href)).generateHistory;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HEADER = [
  "external_id",
  "contact",
  "booked_at",
  "starts_at",
  "ends_at",
  "status",
  "reminder_sent",
  "reminder_answered",
  "confirmed",
  "last_contact_at",
  "attr_age",
  "attr_insurance",
];
/** A stable Brazilian mobile number per synthetic contact ("contact-17" → 5511900000017). */
export const phoneOf = (contact) => `55119${String(Number(/\d+$/.exec(contact)?.[0] ?? 0)).padStart(8, "0")}`;
const cell = (v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const when = (ms) => (ms === undefined ? "" : new Date(ms).toISOString());

/** The import CSV of synthetic rows, as a tenant's spreadsheet would export them. */
export function historyCsv(rows, prefix) {
  const lines = rows.map((r) =>
    [
      `${prefix}-${r.externalId}`,
      phoneOf(r.contact),
      when(r.bookedAt),
      when(r.startsAt),
      when(r.endsAt),
      r.status,
      r.reminderSent ? "sim" : "não",
      r.reminderAnswered ? "1" : "0",
      r.confirmed ? "true" : "false",
      when(r.lastContactAt),
      r.attrs.age === undefined ? "" : String(r.attrs.age),
      String(r.attrs.insurance ?? ""),
    ]
      .map(String)
      .map(cell)
      .join(","),
  );
  return [HEADER.join(","), ...lines].join("\r\n") + "\r\n";
}
