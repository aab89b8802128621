import { Hono, type Context } from "hono";
import { computeReports } from "../../analytics/compute";
import { historyCsv } from "../../analytics/csv";
import { checkRange, defaultRange, loadPeriods, MAX_RANGE_DAYS, type Range, summary } from "../../analytics/history";
import { historyPdf } from "../../analytics/pdf";
import { periodStarts } from "../../analytics/periods";
import { DEFAULT_PRICES, priceFor } from "../../analytics/prices";
import { historyRows } from "../../analytics/table";
import { resolveLocale } from "../../conversation/templates";
import { AppError } from "../../lib/errors";
import * as z from "../../lib/zod";
import type { AppEnv } from "../types";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, queryParams } from "../openapi/validate";

/**
 * Analytics e Consumo: the tenant's figures per local day and ISO week (analytics_reports, written by
 * the nightly jobs), a summary against the previous period, exports (CSV, PDF) and the LLM price table.
 */
export const analytics = new Hono<AppEnv>();
analytics.use("/api/analytics/*", requireCaller);
const doc = describer({ tag: "Analytics", auth: "admin", resource: "analytics" });

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");
const RangeQuery = z.object({ from: Day.optional(), to: Day.optional(), granularity: z.enum(["day", "week"]).default("day") });
const RANGE_ERRORS = {
  422: `\`invalid_date\` (not a calendar date), \`invalid_range\` (from after to), \`range_too_long\` (over ${MAX_RANGE_DAYS.day} days by day, ${MAX_RANGE_DAYS.week} by week)`,
};

function rangeOf(c: Context<AppEnv>, q: z.infer<typeof RangeQuery>): Range {
  const company = callerCompany(c.get("caller"));
  const d = defaultRange(company, q.granularity, Date.now());
  return checkRange({ granularity: q.granularity, from: q.from ?? d.from, to: q.to ?? d.to });
}

analytics.get(
  "/api/analytics/summary",
  doc({
    summary: "Headline figures of the last 7, 30 or 90 local days (to yesterday) against the same number of days before",
    responses: { 200: { description: "`{current: {from, to, days_with_data, totals, rates}, previous: {…}, missing: [days without a report]}`" } },
  }),
  queryParams(z.object({ days: z.enum(["7", "30", "90"]).default("30") })),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    return c.json(await summary(c.get("store"), company, Number(c.req.valid("query").days), Date.now()));
  },
);

analytics.get(
  "/api/analytics/history",
  doc({
    summary: "The figures of each local day or ISO week (Monday) of a range; defaults to the last 30 days",
    responses: { 200: { description: "`{granularity, from, to, rows: [{period_start, values: {messages_in, …, cost}}], periods: [{period_start, metrics}], missing: [...]}`" } },
    errors: RANGE_ERRORS,
  }),
  queryParams(RangeQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const r = rangeOf(c, c.req.valid("query"));
    const { periods, missing } = await loadPeriods(c.get("store"), company.id, r);
    return c.json({ ...r, rows: historyRows(periods), periods: periods.map((p) => ({ period_start: p.periodStart, metrics: p.metrics })), missing });
  },
);

analytics.get(
  "/api/analytics/export",
  doc({
    summary: "The history as CSV (UTF-8 BOM; `;` and decimal commas for pt-BR/es, `,` for en) or PDF (the tenant's language, totals, a chart, the table)",
    responses: { 200: { description: "The file, as an attachment", mediaType: "text/csv" } },
    errors: RANGE_ERRORS,
  }),
  queryParams(RangeQuery.extend({ format: z.enum(["csv", "pdf"]) })),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const q = c.req.valid("query");
    const r = rangeOf(c, q);
    const locale = resolveLocale(company.locale);
    const { periods } = await loadPeriods(c.get("store"), company.id, r);
    const rows = historyRows(periods);
    const name = `analytics-${company.slug}-${r.from}-${r.to}-${r.granularity}.${q.format}`;
    const disposition = `attachment; filename="${name}"`;
    if (q.format === "csv") return c.body(historyCsv(rows, locale), 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": disposition });
    const pdf = await historyPdf({ companyName: company.name, locale, granularity: r.granularity, from: r.from, to: r.to, periods, rows });
    return c.body(pdf.buffer as ArrayBuffer, 200, { "content-type": "application/pdf", "content-disposition": disposition });
  },
);

/** Recomputing is bounded: a quarter of days at once. */
const MAX_RECOMPUTE_DAYS = 92;

analytics.post(
  "/api/analytics/recompute",
  doc({
    summary: "Recomputes the reports of a range now (the nightly jobs do it for yesterday and last week); at most 92 days",
    responses: { 200: { description: "`{granularity, from, to, computed}`" } },
    errors: { 422: `${RANGE_ERRORS[422]}, or over ${MAX_RECOMPUTE_DAYS} days` },
  }),
  jsonBody(z.strictObject({ from: Day, to: Day, granularity: z.enum(["day", "week"]).default("day") })),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const r = checkRange(c.req.valid("json"));
    const starts = periodStarts(r.granularity, r.from, r.to);
    if (starts.length * (r.granularity === "day" ? 1 : 7) > MAX_RECOMPUTE_DAYS)
      throw new AppError(422, "range_too_long", `Recompute at most ${MAX_RECOMPUTE_DAYS} days at once`, { max_days: MAX_RECOMPUTE_DAYS });
    const computed = await computeReports(c.get("store"), company, r.granularity, starts, Date.now());
    await audit(c, company.id, { action: "analytics.recompute", target: `analytics:${r.granularity}`, detail: { from: r.from, to: r.to } });
    return c.json({ ...r, computed });
  },
);

/** Prices: a platform caller without a tenant edits the platform's table (company 0); anyone else the tenant's own rows. */
function priceOwner(c: Context<AppEnv>): number {
  const caller = c.get("caller");
  return caller.kind === "platform" && !caller.company ? 0 : callerCompany(caller).id;
}

const PROVIDERS = Object.keys(DEFAULT_PRICES) as [string, ...string[]];
const PriceBody = z.strictObject({
  provider: z.enum(PROVIDERS),
  model: z.string().trim().min(1).max(120),
  input_per_million: z.number().min(0).max(10_000),
  output_per_million: z.number().min(0).max(10_000),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "ISO 4217 code")
    .default("USD"),
});

analytics.get(
  "/api/analytics/prices",
  doc({
    summary: "The LLM price table in force: the code's defaults, the platform's rows and the tenant's overrides, and the price each model gets",
    responses: {
      200: {
        description:
          "`{rows: [{company_id, provider, model, input_per_million, output_per_million, currency}], effective: [{provider, model, input_per_million, output_per_million, currency, from}]}`",
      },
    },
  }),
  async (c) => {
    const owner = priceOwner(c);
    const rows = await c.get("store").llmPrices.list(owner);
    const models = new Map<string, [string, string]>();
    for (const [provider, table] of Object.entries(DEFAULT_PRICES)) for (const model of Object.keys(table)) models.set(`${provider}/${model}`, [provider, model]);
    for (const r of rows) models.set(`${r.provider}/${r.model}`, [r.provider, r.model]);
    const effective = [...models.values()].map(([provider, model]) => {
      const p = priceFor(rows, owner, provider, model);
      return { provider, model, input_per_million: p.inputPerMillion, output_per_million: p.outputPerMillion, currency: p.currency, from: p.from };
    });
    const view = rows.map((r) => ({
      company_id: r.companyId,
      provider: r.provider,
      model: r.model,
      input_per_million: r.inputPerMillion,
      output_per_million: r.outputPerMillion,
      currency: r.currency,
    }));
    return c.json({ rows: view, effective });
  },
);

analytics.put(
  "/api/analytics/prices",
  doc({
    summary: "Sets a price per million tokens for a provider and model (\"*\": its other models): the tenant's own, or the platform's without x-tenant",
    responses: { 200: { description: "`{price}`" } },
  }),
  jsonBody(PriceBody),
  async (c) => {
    const owner = priceOwner(c);
    const b = c.req.valid("json");
    const price = await c
      .get("store")
      .llmPrices.set(
        owner,
        { provider: b.provider, model: b.model, inputPerMillion: b.input_per_million, outputPerMillion: b.output_per_million, currency: b.currency },
        Date.now(),
      );
    if (owner !== 0)
      await audit(c, owner, {
        action: "analytics.price_set",
        target: `llm_price:${b.provider}/${b.model}`,
        detail: { input: b.input_per_million, output: b.output_per_million, currency: b.currency },
      });
    return c.json({
      price: {
        company_id: price.companyId,
        provider: price.provider,
        model: price.model,
        input_per_million: price.inputPerMillion,
        output_per_million: price.outputPerMillion,
        currency: price.currency,
      },
    });
  },
);

analytics.delete(
  "/api/analytics/prices",
  doc({
    summary: "Removes a price row (the tenant falls back on the platform's price, the platform on the default)",
    responses: { 200: { description: "`{removed: true}`" } },
    errors: { 404: "`price_not_found`: no such row for this owner" },
  }),
  queryParams(z.object({ provider: z.string().min(1).max(40), model: z.string().min(1).max(120) })),
  async (c) => {
    const owner = priceOwner(c);
    const q = c.req.valid("query");
    if (!(await c.get("store").llmPrices.remove(owner, q.provider, q.model))) throw new AppError(404, "price_not_found", "No such price row");
    if (owner !== 0) await audit(c, owner, { action: "analytics.price_removed", target: `llm_price:${q.provider}/${q.model}` });
    return c.json({ removed: true });
  },
);
