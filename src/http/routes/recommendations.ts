import { Hono } from "hono";
import * as z from "../../lib/zod";
import { AppError } from "../../lib/errors";
import { iso } from "../../lib/time-zone";
import { refreshRecommendations } from "../../recommendations/refresh";
import type { Recommendation, RecommendationStatus } from "../../store/types";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { pathId, queryParams } from "../openapi/validate";
import type { AppEnv } from "../types";

/** The business recommendations (recomputed daily by the `recommendations` job, or now by refresh). */
export const recommendations = new Hono<AppEnv>();
recommendations.use("/api/recommendations", requireCaller);
recommendations.use("/api/recommendations/*", requireCaller);
const doc = describer({ tag: "Recommendations", auth: "admin", resource: "analytics" });

const VIEW = "{id, kind, key, severity, title, body, evidence, action, status, first_seen_at, computed_at, closed_at}";
const recId = pathId("Recommendation");

const view = (r: Recommendation) => {
  const { action, magnitude: _, ...evidence } = r.evidence;
  return {
    id: r.id,
    kind: r.kind,
    key: r.key,
    severity: r.severity,
    title: r.title,
    body: r.body,
    evidence,
    /** The panel screen (hash) that acts on it. */
    action: typeof action === "string" ? action : null,
    status: r.status,
    first_seen_at: iso(r.firstSeenAt),
    computed_at: iso(r.computedAt),
    closed_at: iso(r.dismissedAt),
  };
};

const STATUSES = ["open", "dismissed", "done", "expired"] as const satisfies readonly RecommendationStatus[];
const ListQuery = z.object({
  status: z.enum([...STATUSES, "all"]).default("open"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

recommendations.get(
  "/api/recommendations",
  doc({ summary: "The tenant's recommendations (open by default), newest first", responses: { 200: { description: `\`{recommendations: [${VIEW}]}\`` } } }),
  queryParams(ListQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const q = c.req.valid("query");
    const list = await c.get("store").recommendations.list(company.id, { statuses: q.status === "all" ? STATUSES : [q.status], limit: q.limit });
    return c.json({ recommendations: list.map(view) });
  },
);

recommendations.post(
  "/api/recommendations/refresh",
  doc({
    summary: "Recomputes the recommendations now (the daily job does it at 07:00)",
    responses: { 200: { description: "`{open, created, expired, recommendations: [...]}`" } },
  }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const r = await refreshRecommendations(c.env, store, company);
    const list = await store.recommendations.list(company.id, { statuses: ["open"], limit: 50 });
    return c.json({ ...r, recommendations: list.map(view) });
  },
);

for (const to of ["dismissed", "done"] as const) {
  const path = to === "dismissed" ? "dismiss" : "done";
  recommendations.post(
    `/api/recommendations/:id/${path}`,
    doc({
      summary: to === "dismissed" ? "Dismisses a recommendation (it comes back only if things get materially worse)" : "Marks a recommendation done",
      responses: { 200: { description: `\`{recommendation: ${VIEW}}\`` } },
      errors: { 404: "`recommendation_not_found`", 409: "`recommendation_not_open`" },
    }),
    recId,
    async (c) => {
      const company = callerCompany(c.get("caller"));
      const store = c.get("store");
      const id = c.req.valid("param").id;
      const closed = await store.recommendations.close(company.id, id, to, Date.now());
      if (!closed) {
        const found = await store.recommendations.byId(company.id, id);
        if (!found) throw new AppError(404, "recommendation_not_found", "No such recommendation in this tenant");
        throw new AppError(409, "recommendation_not_open", "Only an open recommendation can be closed", { status: found.status });
      }
      await audit(c, company.id, { action: `recommendation.${path}`, target: `recommendation:${id}`, detail: { key: closed.key } });
      return c.json({ recommendation: view(closed) });
    },
  );
}
