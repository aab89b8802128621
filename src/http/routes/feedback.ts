import { Hono } from "hono";
import * as z from "../../lib/zod";
import { IngestBody, ingestFeedback, MAX_ITEMS } from "../../feedback/ingest";
import { commentView, feedbackSummary } from "../../feedback/summary";
import { addDays, utcToZoned } from "../../lib/time-zone";
import { AppError } from "../../lib/errors";
import { callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, queryParams } from "../openapi/validate";
import { recordMetrics } from "../../tenants/stubs";
import type { AppEnv } from "../types";

/** Satisfaction: NPS and comments from external systems beside the follow-up answers, and their summary. */
export const feedback = new Hono<AppEnv>();
feedback.use("/api/feedback", requireCaller);
feedback.use("/api/feedback/*", requireCaller);
const doc = describer({ tag: "Satisfaction", auth: "admin", resource: "feedback" });

const MAX_DAYS = 366;
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");

feedback.post(
  "/api/feedback/ingest",
  doc({
    summary: `Stores NPS answers (0–10) and comments from an external system: one item, an array, or {items} (at most ${MAX_ITEMS})`,
    description:
      "Each item `{external_id, source, phone | contact_id, nps?, comment?, created_at?}` is checked on its own: a bad one gets its code (`invalid_item`, `contact_required`, `score_required`, `invalid_phone`, `invalid_created_at`, `duplicate_in_batch`, `contact_not_found`), the good ones are stored. Sending an item again (same source and external_id) stores it once (`duplicate`).",
    responses: { 200: { description: "`{stored, duplicates, rejected, results: [{index, external_id, status: stored|duplicate|rejected, code?, message?}]}`" } },
  }),
  jsonBody(IngestBody),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const { metrics, ...answer } = await ingestFeedback(c.get("store"), company.id, c.req.valid("json"));
    await recordMetrics(c.env, company.id, metrics);
    return c.json(answer);
  },
);

const SummaryQuery = z.object({ from: LocalDate.optional(), to: LocalDate.optional(), granularity: z.enum(["day", "week", "month"]).default("week") });

feedback.get(
  "/api/feedback/summary",
  doc({
    summary: "NPS and satisfaction in total and per period (tenant's local dates, both inclusive; default the last 30 days), with the recent comments",
    responses: {
      200: {
        description:
          "`{from, to, granularity, time_zone, truncated, total, periods: [{period_start, ...}], recent_comments}`; each figure set is `{nps: {responses, promoters, passives, detractors, score}, followups: {answers, positive, negative, neutral, satisfaction}, comments, average_score}`",
      },
    },
    errors: { 400: "`invalid_range`: from after to, or more than 366 days" },
  }),
  queryParams(SummaryQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const q = c.req.valid("query");
    const to = q.to ?? utcToZoned(Date.now(), company.timeZone).date;
    const from = q.from ?? addDays(to, -29);
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (!(days >= 0 && days < MAX_DAYS)) throw new AppError(400, "invalid_range", `from must be on or before to, at most ${MAX_DAYS} days apart`);
    return c.json(await feedbackSummary(c.get("store"), company.id, { from, to, granularity: q.granularity, timeZone: company.timeZone }));
  },
);

const ListQuery = z.object({
  source: z.string().trim().min(1).max(60).optional(),
  kind: z.enum(["no_show", "followup_positive", "followup_negative", "followup_feedback", "nps", "comment"]).optional(),
  before_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

feedback.get(
  "/api/feedback",
  doc({
    summary: "Feedback rows, newest first: follow-up answers, no-shows, ingested NPS and comments (filter by source and kind; page with before_id)",
    responses: { 200: { description: "`{feedback: [{id, contact_id, kind, source, nps, score, text, external_id, created_at}]}`" } },
  }),
  queryParams(ListQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const q = c.req.valid("query");
    const rows = await c.get("store").satisfaction.list(company.id, { source: q.source, kind: q.kind, beforeId: q.before_id, limit: q.limit });
    return c.json({ feedback: rows.map(commentView) });
  },
);
