import { describe, expect, it } from "vitest";
import { generateHistory } from "../../src/scheduling/synthetic";
import { DAY_MS } from "../../src/lib/time-zone";
import { api, eventually, seedCompany } from "../support/helpers";
import { sqlCount, sqlRows } from "../support/sql";
import { historyCsv, importCsv, phoneOf, type ImportView } from "./support";

const NOW = Date.now();
const rows = generateHistory({ seed: 7, rows: 3000, contacts: 300, start: NOW - 200 * DAY_MS, days: 195, now: NOW });
const count = sqlCount;

describe("POST /api/agenda/appointments/import", () => {
  it("stores the good rows, reports each bad one by line and reason, and is idempotent by external_id", async () => {
    const c = await seedCompany({ slug: "imp-a" });
    const good = historyCsv(rows);
    const first = rows[0]!;
    const bad = [
      `bad-date,${phoneOf(first.contact)},31/02/2026 10:00,2026-03-02T14:00:00Z,2026-03-02T14:30:00Z,attended,sim,1,true,,40,sus`,
      `bad-contact,not-a-phone,2026-03-01T10:00:00Z,2026-03-02T14:00:00Z,2026-03-02T14:30:00Z,attended,sim,1,true,,40,sus`,
      `h-${first.externalId},${phoneOf(first.contact)},2026-03-01T10:00:00Z,2026-03-02T14:00:00Z,2026-03-02T14:30:00Z,attended,sim,1,true,,40,sus`,
      `bad-id,987654,2026-03-01T10:00:00Z,2026-03-02T14:00:00Z,2026-03-02T14:30:00Z,attended,sim,1,true,,40,sus`,
      `bad-status,${phoneOf(first.contact)},2026-03-01T10:00:00Z,2026-03-02T14:00:00Z,2026-03-02T14:30:00Z,maybe,sim,1,true,,40,sus`,
    ];
    const csv = good + bad.join("\r\n") + "\r\n";
    const base = rows.length + 1; // header is line 1

    const { status, body } = await importCsv("imp-a", csv);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "done", rows_read: rows.length + 5, rows_imported: rows.length, rows_failed: 5 });
    expect(body.errors.map((e) => e.line)).toEqual([base + 1, base + 2, base + 3, base + 4, base + 5]);
    expect(body.errors[0]?.reason).toMatch(/^booked_at: /);
    expect(body.errors[1]?.reason).toMatch(/^contact/);
    expect(body.errors[2]?.reason).toBe(`external_id: "h-${first.externalId}" repeats line 2`);
    expect(body.errors[3]?.reason).toBe("contact: no contact with id 987654 in this tenant");
    expect(body.errors[4]?.reason).toMatch(/^status: /);

    expect(await count(`SELECT count(*) AS n FROM appointments WHERE company_id = ?`, c.id)).toBe(rows.length);
    expect(await count(`SELECT count(*) AS n FROM contacts WHERE company_id = ?`, c.id)).toBe(new Set(rows.map((r) => r.contact)).size);
    const noShows = rows.filter((r) => r.status === "no_show").length;
    expect(await count(`SELECT count(*) AS n FROM appointments WHERE company_id = ? AND status = 'no_show'`, c.id)).toBe(noShows);
    const withAge = rows.filter((r) => r.attrs.age !== undefined).length;
    expect(await count(`SELECT count(*) AS n FROM appointments WHERE company_id = ? AND attrs ->> '$.age' IS NOT NULL`, c.id)).toBe(withAge);

    // The same file again, with one outcome corrected: nothing doubles, the change lands.
    const flipped = rows.find((r) => r.status === "attended")!;
    const again = await importCsv("imp-a", csv.replace(new RegExp(`^(h-${flipped.externalId},.*?),attended,`, "m"), "$1,no_show,"));
    expect(again.body).toMatchObject({ status: "done", rows_imported: rows.length, rows_failed: 5 });
    expect(await count(`SELECT count(*) AS n FROM appointments WHERE company_id = ?`, c.id)).toBe(rows.length);
    expect(await count(`SELECT count(*) AS n FROM appointments WHERE company_id = ? AND status = 'no_show'`, c.id)).toBe(noShows + 1);

    // Progress and the report stay readable afterwards.
    const job = (await (await api(`/api/agenda/imports/${body.id}`, { tenant: "imp-a" })).json()) as ImportView;
    expect(job).toMatchObject({ id: body.id, status: "done", rows_imported: rows.length, rows_failed: 5 });
    const list = (await (await api(`/api/agenda/imports`, { tenant: "imp-a" })).json()) as { imports: ImportView[] };
    expect(list.imports.map((j) => j.id).sort()).toEqual([body.id, again.body.id].sort());
  });

  it("keeps tenants apart: another tenant's import and contact ids are not reachable", async () => {
    const a = await seedCompany({ slug: "imp-iso-a" });
    await seedCompany({ slug: "imp-iso-b" });
    const { body } = await importCsv("imp-iso-a", historyCsv(rows.slice(0, 20)));
    expect(body.rows_imported).toBe(20);
    const res = await api(`/api/agenda/imports/${body.id}`, { tenant: "imp-iso-b" });
    expect(res.status).toBe(404);
    const [contactOfA] = await sqlRows<{ id: number }>(`SELECT id FROM contacts WHERE company_id = ? LIMIT 1`, a.id);
    const csv = `external_id,contact,booked_at,starts_at,ends_at,status\nx-1,${contactOfA!.id},2026-03-01T10:00:00Z,2026-03-02T14:00:00Z,2026-03-02T14:30:00Z,attended\n`;
    const crossed = await importCsv("imp-iso-b", csv);
    expect(crossed.body).toMatchObject({ rows_imported: 0, rows_failed: 1, errors: [{ line: 2, reason: `contact: no contact with id ${contactOfA!.id} in this tenant` }] });
    expect(await count(`SELECT count(*) AS n FROM appointments WHERE contact_id = ? AND company_id != ?`, contactOfA!.id, a.id)).toBe(0);
  });

  it("answers a bad upload with one error envelope, never a 500", async () => {
    await seedCompany({ slug: "imp-bad" });
    const missing = await importCsv("imp-bad", "external_id,contact,booked_at,starts_at,status\n1,5511900000001,2026-03-01,2026-03-02,attended\n");
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: "invalid_csv_header", details: { missing: ["ends_at"] } });
    const json = await api("/api/agenda/appointments/import", { method: "POST", tenant: "imp-bad", body: "{}", headers: { "content-type": "application/json" } });
    expect(json.status).toBe(415);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");
    const empty = await importCsv("imp-bad", "");
    expect(empty.status).toBe(400);
    expect(empty.body.error?.code).toBe("empty_csv");
    const unauthenticated = await api("/api/agenda/appointments/import", { method: "POST", body: "a", headers: { authorization: "Bearer nope", "content-type": "text/csv" } });
    expect(unauthenticated.status).toBe(401);
  });

  it("queues the analysis: insights and a trained model appear without anyone asking", async () => {
    await seedCompany({ slug: "imp-run" });
    await importCsv("imp-run", historyCsv(rows));
    const insights = await eventually(async () => {
      const body = (await (await api("/api/agenda/insights", { tenant: "imp-run" })).json()) as {
        last_run: { trigger: string } | null;
        model: { kind: string } | null;
        suggested: unknown[];
      };
      if (!body.last_run) throw new Error("no run yet");
      return body;
    }, 30_000);
    expect(insights.last_run?.trigger).toBe("import");
    expect(insights.model?.kind).toBe("logistic");
    expect(insights.suggested).toHaveLength(3);
    // Best first, by what each line shows (the estimated attendance), never worst to best.
    const shown = (insights.suggested as { attendance_rate: number }[]).map((s) => s.attendance_rate);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
  });
});
