/**
 * CSV import of appointment history. The body is read as a stream (memory: one chunk of rows), rows
 * are validated one by one — a bad row is reported with its line and reason, the good ones are
 * stored — and written 500 at a time, idempotently by external_id. The job row shows progress while
 * the upload streams (GET /api/agenda/imports/:id).
 */
import { AppError } from "../lib/errors";
import type { Company, ImportJob, ImportRecord, Store } from "../store/types";
import { csvRecords } from "./csv";
import { parseRow, readHeader, type ImportRow } from "./import-rows";

/** One upload's ceiling: the 100k with room to spare; more goes in several files. */
export const MAX_IMPORT_ROWS = 200_000;
const CHUNK = 500;
/** Errors kept for the report; rows_failed counts them all. */
const MAX_ERRORS = 1000;
/** From this many rows an import refreshes the planner's statistics before it reports done. */
export const ANALYZE_AFTER_ROWS = 5000;

const toRecord = (r: ImportRow & { status: NonNullable<ImportRow["status"]> }): ImportRecord => ({
  ...r,
  reminderAnswered: r.reminderAnswered ?? false,
  lastContactAt: r.lastContactAt ?? null,
});

export async function importAppointmentsCsv(store: Store, company: Company, body: ReadableStream<Uint8Array>, jobId: string): Promise<ImportJob> {
  const job: Pick<ImportJob, "rowsRead" | "rowsImported" | "rowsFailed" | "errors"> = { rowsRead: 0, rowsImported: 0, rowsFailed: 0, errors: [] };
  const fail = (line: number, reason: string) => {
    job.rowsFailed++;
    if (job.errors.length < MAX_ERRORS) job.errors.push({ line, reason });
  };
  const firstLine = new Map<string, number>();
  let pending: ImportRecord[] = [];
  const flush = async () => {
    if (pending.length > 0) {
      const rejected = await store.scheduling.importRows(company.id, pending, Date.now());
      for (const r of rejected) fail(r.line, r.reason);
      job.rowsImported += pending.length - rejected.length;
      pending = [];
      // The store rejects rows a chunk later than the parser: keep the report in file order.
      job.errors.sort((a, b) => a.line - b.line);
    }
    await store.importJobs.progress(company.id, jobId, job, Date.now());
  };

  let header: Extract<ReturnType<typeof readHeader>, { ok: true }> | null = null;
  try {
    for await (const rec of csvRecords(body)) {
      if (!header) {
        if ("error" in rec) throw new AppError(400, "invalid_csv", `Line ${rec.line}: ${rec.error}`);
        const h = readHeader(rec.fields, { requireStatus: true });
        if (!h.ok) throw new AppError(400, "invalid_csv_header", "The CSV header is missing required columns or repeats one", { missing: h.missing, duplicate: h.duplicate });
        header = h;
        // Created once the header is accepted: a rejected upload (400) leaves no job behind.
        await store.importJobs.create(company.id, jobId, Date.now());
        continue;
      }
      job.rowsRead++;
      if (job.rowsRead > MAX_IMPORT_ROWS) {
        fail(rec.line, `more than ${MAX_IMPORT_ROWS} rows: split the file; rows from here on were not read`);
        break;
      }
      if ("error" in rec) {
        fail(rec.line, rec.error);
        continue;
      }
      const parsed = parseRow(header.columns, rec, { timeZone: company.timeZone, requireStatus: true });
      if (!parsed.ok) {
        fail(parsed.line, parsed.reason);
        continue;
      }
      const { row } = parsed;
      const seenAt = firstLine.get(row.externalId);
      if (seenAt !== undefined) {
        fail(row.line, `external_id: "${row.externalId}" repeats line ${seenAt}`);
        continue;
      }
      firstLine.set(row.externalId, row.line);
      if (!row.status) {
        fail(row.line, "status: required");
        continue;
      }
      pending.push(toRecord({ ...row, status: row.status }));
      if (pending.length >= CHUNK) await flush();
    }
    if (!header) throw new AppError(400, "empty_csv", "The CSV has no header line");
    await flush();
    if (job.rowsImported >= ANALYZE_AFTER_ROWS) await store.scheduling.analyzeImported();
    await store.importJobs.finish(company.id, jobId, "done", Date.now(), header.ignored);
  } catch (err) {
    if (header) {
      await store.importJobs.progress(company.id, jobId, job, Date.now());
      await store.importJobs.finish(company.id, jobId, "failed", Date.now());
    }
    throw err;
  }
  const done = await store.importJobs.byId(company.id, jobId);
  if (!done) throw new Error("import job vanished");
  return done;
}
