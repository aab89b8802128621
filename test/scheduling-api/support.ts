import type { HistoryRow } from "../../src/scheduling/history";
import { api } from "../support/helpers";

/** A stable Brazilian mobile number per synthetic contact ("contact-17" → 5511900000017). */
export const phoneOf = (contact: string) => `55119${String(Number(/\d+$/.exec(contact)?.[0] ?? 0)).padStart(8, "0")}`;

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

const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const when = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms).toISOString());

/** The import CSV of synthetic rows, as a tenant's spreadsheet would export them. */
export function historyCsv(rows: readonly HistoryRow[], prefix = "h"): string {
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

export interface ImportView {
  id: string;
  status: string;
  rows_read: number;
  rows_imported: number;
  rows_failed: number;
  errors: { line: number; reason: string }[];
  ignored_columns: string[];
}

export async function importCsv(tenant: string, csv: string): Promise<{ status: number; body: ImportView & { error?: { code: string; details?: unknown } } }> {
  const res = await api("/api/agenda/appointments/import", { method: "POST", tenant, body: csv, headers: { "content-type": "text/csv" } });
  return { status: res.status, body: (await res.json()) as ImportView & { error?: { code: string } } };
}
