import { Hono } from "hono";
import * as z from "../../lib/zod";
import { AppError } from "../../lib/errors";
import { iso } from "../../lib/time-zone";
import type { TenantAlert } from "../../store/types";
import { callerCompany, requireCaller, audit } from "../auth";
import { describer } from "../openapi/meta";
import { pathId, queryParams } from "../openapi/validate";
import type { AppEnv } from "../types";

/** The alerts the monitoring job fired to the tenant (jobs/alerts.ts): list them, mark one resolved. */
export const alerts = new Hono<AppEnv>();
alerts.use("/api/alerts", requireCaller);
alerts.use("/api/alerts/*", requireCaller);
const doc = describer({ tag: "Config", auth: "admin", resource: "config" });

const view = (a: TenantAlert) => ({ id: a.id, kind: a.kind, key: a.key, detail: a.detail, fired_at: iso(a.firedAt), resolved_at: iso(a.resolvedAt) });

const ListQuery = z.object({
  open: z.enum(["true", "false"]).optional().describe("`true`: only the ones not resolved yet"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

alerts.get(
  "/api/alerts",
  doc({
    summary: "Alerts fired to the tenant (dead letters, send failures, held messages, handoff backlog), newest first",
    responses: { 200: { description: "`{alerts: [{id, kind, key, detail, fired_at, resolved_at}]}`" } },
  }),
  queryParams(ListQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const q = c.req.valid("query");
    const list = await c.get("store").alerts.list(company.id, { open: q.open === "true", limit: q.limit });
    return c.json({ alerts: list.map(view) });
  },
);

alerts.post(
  "/api/alerts/:id/resolve",
  doc({
    summary: "Mark an alert resolved (again is a no-op)",
    responses: { 200: { description: "`{id, kind, key, detail, fired_at, resolved_at}`" } },
    errors: { 404: "`not_found`: no such alert for this tenant" },
  }),
  pathId("Alert"),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const { id } = c.req.valid("param");
    const resolved = await c.get("store").alerts.resolve(company.id, id, Date.now());
    if (!resolved) throw new AppError(404, "not_found", "No such alert for this tenant");
    await audit(c, company.id, { action: "alert.resolve", target: `alert:${id}` });
    return c.json(view(resolved));
  },
);
