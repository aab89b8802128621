import { Hono } from "hono";
import * as z from "../../lib/zod";
import { iso } from "../../lib/time-zone";
import { REPORT_KINDS, ReportSettings } from "../../outreach/report-settings";
import { composeReport } from "../../outreach/reports";
import { readProfile } from "../../tenants/profile";
import { configChanged } from "../../tenants/tenant-cache";
import { describer } from "../openapi/meta";
import { jsonBody, queryParams } from "../openapi/validate";
import { audit, callerCompany, requireCaller } from "../auth";
import type { AppEnv } from "../types";

/** Periodic reports and re-engagement settings (profile section `reports`), and the text a report would have now. */
export const reports = new Hono<AppEnv>();
reports.use("/api/config/reports", requireCaller);
reports.use("/api/reports/*", requireCaller);
const doc = describer({ tag: "Config", auth: "admin", resource: "config" });

// Strict, nested too: a misspelt setting is a 400, not silently ignored.
const Update = ReportSettings.extend({ reengagement: ReportSettings.shape.reengagement.unwrap().strict().prefault({}) }).strict();

reports.put(
  "/api/config/reports",
  doc({
    summary: "Replace the reports section (periodic reports and re-engagement)",
    responses: { 200: { description: "`{reports}`: the section as stored", schema: z.object({ reports: ReportSettings }) } },
  }),
  jsonBody(Update),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const profile = readProfile(await store.profiles.get(company.id));
    const next = c.req.valid("json");
    await store.profiles.put(company.id, { ...profile, reports: next }, Date.now());
    await configChanged(c.env, company.id);
    // Neither the URL (its path is the webhook's secret) nor the number goes in the audit entry.
    await audit(c, company.id, { action: "config.reports.update", detail: { enabled: next.enabled, kinds: next.kinds, reengagement: next.reengagement.enabled } });
    return c.json({ reports: next });
  },
);

const PreviewQuery = z.object({ report: z.enum(REPORT_KINDS).default("end_of_day") });

reports.get(
  "/api/reports/preview",
  doc({
    summary: "The text the report would send now (nothing is sent)",
    responses: { 200: { description: "`{report, text, from, to}`: the period in UTC" } },
  }),
  queryParams(PreviewQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const { report } = c.req.valid("query");
    const { text, from, to } = await composeReport(c.get("store"), company, report, Date.now());
    return c.json({ report, text, from: iso(from), to: iso(to) });
  },
);
