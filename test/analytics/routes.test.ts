import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { emptyMetrics } from "../../src/analytics/metrics";
import { localDate, localStart } from "../../src/analytics/periods";
import { addDays } from "../../src/lib/time-zone";
import type { Company } from "../../src/store/types";
import { api, seedCompany, store } from "../support/helpers";
import { sqlCount } from "../support/sql";
import { seedTenant } from "../store/analytics-seed";
import { asToken } from "../campaigns/support";
import { parseCsv, pdfText } from "./support";

const DAYS = ["2026-11-29", "2026-11-30", "2026-12-01"];

async function seeded(slug: string, locale: string): Promise<Company> {
  const company = await seedCompany({ slug, name: "Clínica São João & Irmãos", timeZone: "America/Sao_Paulo", locale });
  await seedTenant(
    company.id,
    [...DAYS.slice(1), "2026-12-02"].map((d) => localStart(d, company.timeZone)),
    DAYS,
    7,
  );
  const res = await api("/api/analytics/recompute", { method: "POST", tenant: slug, body: JSON.stringify({ from: DAYS[0], to: DAYS[2] }) });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ computed: 3 });
  return company;
}

async function tokenOf(company: Company, scopes: string[]): Promise<string> {
  const token = `an-${company.slug}-${crypto.randomUUID()}`;
  await store().apiTokens.create(company.id, await sha256Hex(token), "analytics test", { scopes });
  return token;
}

const q = (from: string, to: string, extra = "") => `?from=${from}&to=${to}${extra}`;

describe("analytics routes", () => {
  it("history: each day's figures, as counted from the raw rows; missing days named; bad ranges get 422 codes", async () => {
    const a = await seeded("an-hist", "pt-BR");
    const res = await api(`/api/analytics/history${q("2026-11-28", DAYS[2] ?? "")}`, { tenant: a.slug });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: { period_start: string; values: Record<string, number | null> }[]; missing: string[] };
    expect(body.missing).toEqual(["2026-11-28"]);
    expect(body.rows.map((r) => r.period_start)).toEqual(DAYS);
    const from = localStart("2026-11-30", a.timeZone);
    const to = localStart("2026-12-01", a.timeZone);
    const n = await sqlCount("SELECT count(*) AS n FROM messages WHERE company_id = ? AND direction = 'in' AND created_at >= ? AND created_at < ?", a.id, from, to);
    expect(n).toBeGreaterThan(0);
    expect(body.rows[1]?.values.messages_in).toBe(n);

    const bad = async (query: string) => {
      const r = await api(`/api/analytics/history${query}`, { tenant: a.slug });
      return [r.status, ((await r.json()) as { error: { code: string } }).error.code];
    };
    expect(await bad(q("2026-12-02", "2026-12-01"))).toEqual([422, "invalid_range"]);
    expect(await bad(q("2026-02-30", "2026-03-01"))).toEqual([422, "invalid_date"]);
    expect(await bad(q("2024-01-01", "2026-01-01"))).toEqual([422, "range_too_long"]);
    expect(await bad("?from=2026-1-1&to=2026-01-02")).toEqual([400, "invalid_body"]);
    expect((await api(`/api/analytics/history${q("2025-01-01", "2026-01-01", "&granularity=week")}`, { tenant: a.slug })).status).toBe(200);
    expect((await api("/api/analytics/recompute", { method: "POST", tenant: a.slug, body: JSON.stringify({ from: "2026-01-01", to: "2026-06-01" }) })).status).toBe(422);
  });

  it("CSV: BOM, `;` and decimal commas in pt-BR, `,` and points in en; parsed back it equals the history", async () => {
    for (const [slug, locale, sep] of [
      ["an-csv-pt", "pt-BR", ";"],
      ["an-csv-en", "en", ","],
    ] as const) {
      const a = await seeded(slug, locale);
      const res = await api(`/api/analytics/export${q(DAYS[0] ?? "", DAYS[2] ?? "", "&format=csv")}`, { tenant: a.slug });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toContain(`analytics-${slug}-2026-11-29-2026-12-01-day.csv`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(new TextDecoder().decode(bytes), sep);
      const history = (await (await api(`/api/analytics/history${q(DAYS[0] ?? "", DAYS[2] ?? "")}`, { tenant: a.slug })).json()) as {
        rows: { period_start: string; values: Record<string, number | null> }[];
      };
      const [header, ...lines] = rows;
      expect(header?.[0]).toBe(locale === "en" ? "Date" : "Data");
      expect(header).toContain(locale === "en" ? "No-show rate (%)" : "Taxa de faltas (%)");
      expect(header?.length).toBe(Object.keys(history.rows[0]?.values ?? {}).length + 1);
      expect(lines.map((l) => l[0])).toEqual(DAYS);
      const keys = Object.keys(history.rows[0]?.values ?? {});
      lines.forEach((line, i) => {
        keys.forEach((k, j) => {
          const cell = line[j + 1] ?? "";
          const expected = history.rows[i]?.values[k] ?? null;
          if (expected === null) expect(cell).toBe("");
          else expect(Number(locale === "en" ? cell : cell.replace(",", "."))).toBeCloseTo(expected, 4);
          if (locale !== "en") expect(cell).not.toContain(".");
        });
      });
      // The cost has decimals: written with the locale's decimal mark.
      const cost = lines[0]?.[keys.indexOf("cost") + 1] ?? "";
      expect(cost).toMatch(locale === "en" ? /^\d+\.\d{4}$/ : /^\d+,\d{4}$/);
    }
  });

  it("PDF: the tenant's language, title, period, totals, a chart, and more pages for a long table", async () => {
    const a = await seeded("an-pdf", "pt-BR");
    const short = await api(`/api/analytics/export${q(DAYS[0] ?? "", DAYS[2] ?? "", "&format=pdf")}`, { tenant: a.slug });
    expect(short.status).toBe(200);
    expect(short.headers.get("content-type")).toBe("application/pdf");
    const one = await pdfText(new Uint8Array(await short.arrayBuffer()));
    expect(one.pages).toBe(1);
    for (const words of [
      "Analytics e Consumo · Clínica São João & Irmãos",
      "Período: 2026-11-29 – 2026-12-01 (3 dias)",
      "Totais do período",
      "Mensagens por período",
      "Taxa de faltas (%)",
      "Página 1/1",
    ])
      expect(one.text).toContain(words);
    expect(one.text).toContain("2026-11-30");
    // Three months of days (89 more computed at once): the table runs over several pages, each numbered.
    const more = await api("/api/analytics/recompute", { method: "POST", tenant: a.slug, body: JSON.stringify({ from: "2026-08-31", to: "2026-11-28" }) });
    expect(await more.json()).toMatchObject({ computed: 90 });
    const long = await api(`/api/analytics/export${q("2026-08-31", "2026-12-01", "&format=pdf")}`, { tenant: a.slug });
    const many = await pdfText(new Uint8Array(await long.arrayBuffer()));
    expect(many.pages).toBe(4);
    for (const day of ["2026-08-31", "2026-10-15", "2026-12-01"]) expect(many.text).toContain(day);
    expect(many.text).toContain(`Página ${many.pages}/${many.pages}`);

    await store().companies.update(a.id, { locale: "es" });
    const es = await pdfText(new Uint8Array(await (await api(`/api/analytics/export${q(DAYS[0] ?? "", DAYS[2] ?? "", "&format=pdf")}`, { tenant: a.slug })).arrayBuffer()));
    expect(es.text).toContain("Analítica y consumo");
    expect(es.text).toContain("Tasa de ausencias (%)");
  });

  it("summary: the last days (to yesterday, local) against as many days before", async () => {
    const a = await seedCompany({ slug: "an-sum", timeZone: "Asia/Tokyo" });
    const yesterday = addDays(localDate(Date.now(), a.timeZone), -1);
    const day = (d: string, messagesIn: number, noShows: number, attended: number) => ({
      granularity: "day" as const,
      periodStart: d,
      metrics: { ...emptyMetrics(), messagesIn, noShows, attended },
    });
    await store().analytics.save(
      a.id,
      [day(yesterday, 10, 1, 3), day(addDays(yesterday, -6), 5, 0, 4), day(addDays(yesterday, -7), 7, 2, 2), day(addDays(yesterday, -14), 100, 0, 0)],
      Date.now(),
    );
    const res = await api("/api/analytics/summary?days=7", { tenant: a.slug });
    expect(res.status).toBe(200);
    type Side = { from: string; to: string; days_with_data: number; totals: { messagesIn: number }; rates: { noShowRate: number | null } };
    const s = (await res.json()) as { current: Side; previous: Side; missing: string[] };
    expect(s.current).toMatchObject({ from: addDays(yesterday, -6), to: yesterday, days_with_data: 2, totals: { messagesIn: 15 }, rates: { noShowRate: 0.125 } });
    expect(s.previous).toMatchObject({ from: addDays(yesterday, -13), to: addDays(yesterday, -7), days_with_data: 1, totals: { messagesIn: 7 }, rates: { noShowRate: 0.5 } });
    expect(s.missing).toHaveLength(5);
    expect((await api("/api/analytics/summary?days=12", { tenant: a.slug })).status).toBe(400);
  });

  it("prices: a tenant sets its own, the platform the table; the cost follows; another tenant sees neither override", async () => {
    const a = await seedCompany({ slug: "an-price-a" });
    const b = await seedCompany({ slug: "an-price-b" });
    const put = (body: object, tenant?: string) => api("/api/analytics/prices", { method: "PUT", tenant, body: JSON.stringify(body) });
    expect((await put({ provider: "openai", model: "gpt-4o-mini", input_per_million: 1, output_per_million: 2, currency: "BRL" }, a.slug)).status).toBe(200);
    expect((await put({ provider: "gemini", model: "*", input_per_million: 0.5, output_per_million: 1 })).status).toBe(200);
    expect((await put({ provider: "nope", model: "x", input_per_million: 1, output_per_million: 1 }, a.slug)).status).toBe(400);
    type Prices = { effective: { provider: string; model: string; input_per_million: number; from: string }[] };
    const pa = (await (await api("/api/analytics/prices", { tenant: a.slug })).json()) as Prices;
    expect(pa.effective.find((p) => p.model === "gpt-4o-mini")).toMatchObject({ input_per_million: 1, from: "tenant" });
    expect(pa.effective.find((p) => p.provider === "gemini" && p.model === "*")).toMatchObject({ input_per_million: 0.5, from: "platform" });
    const pb = (await (await api("/api/analytics/prices", { tenant: b.slug })).json()) as Prices;
    expect(pb.effective.find((p) => p.model === "gpt-4o-mini")).toMatchObject({ input_per_million: 0.15, from: "default" });
    expect((await api("/api/analytics/prices?provider=openai&model=gpt-4o-mini", { method: "DELETE", tenant: b.slug })).status).toBe(404);
    expect((await api("/api/analytics/prices?provider=openai&model=gpt-4o-mini", { method: "DELETE", tenant: a.slug })).status).toBe(200);
    expect((await api("/api/analytics/prices?provider=gemini&model=*", { method: "DELETE" })).status).toBe(200);
  });

  it("another tenant's token sees nothing of it; a viewer reads but may not write; an agent reads nothing", async () => {
    const a = await seeded("an-iso-a", "pt-BR");
    const b = await seedCompany({ slug: "an-iso-b" });
    const bToken = await tokenOf(b, ["*"]);
    expect((await asToken(bToken, "/api/analytics/history", { headers: { "x-tenant": a.slug } })).status).toBe(403);
    const own = (await (await asToken(bToken, `/api/analytics/history${q(DAYS[0] ?? "", DAYS[2] ?? "")}`)).json()) as { rows: unknown[] };
    expect(own.rows).toEqual([]);
    const csv = await (await asToken(bToken, `/api/analytics/export${q(DAYS[0] ?? "", DAYS[2] ?? "", "&format=csv")}`)).text();
    expect(parseCsv(csv, ";").length).toBe(1);
    const viewer = await tokenOf(a, ["analytics:read"]);
    expect((await asToken(viewer, "/api/analytics/summary")).status).toBe(200);
    expect(
      (await asToken(viewer, "/api/analytics/prices", { method: "PUT", body: JSON.stringify({ provider: "gemini", model: "*", input_per_million: 1, output_per_million: 1 }) }))
        .status,
    ).toBe(403);
    expect((await asToken(viewer, "/api/analytics/recompute", { method: "POST", body: JSON.stringify({ from: DAYS[0], to: DAYS[2] }) })).status).toBe(403);
    const agent = await tokenOf(a, ["conversations:write", "agenda:write"]);
    expect((await asToken(agent, "/api/analytics/summary")).status).toBe(403);
    expect((await asToken(agent, "/api/analytics/export?format=csv")).status).toBe(403);
  });
});
