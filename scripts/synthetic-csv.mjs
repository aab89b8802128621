// Synthetic appointment history as an import CSV, for the benchmarks and the panel's browser test:
// src/scheduling/synthetic.ts (bundled in memory with esbuild: Node can't resolve its extensionless
// imports) and the column layout of test/scheduling-api/support.ts.
import { importSrc } from "./import-src.mjs";

/** `generateHistory` from src/scheduling/synthetic.ts. */
export async function loadGenerator() {
  return (await importSrc(["src/scheduling/synthetic"])).generateHistory;
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
