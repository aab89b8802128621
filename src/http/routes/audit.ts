import { Hono } from "hono";
import * as z from "../../lib/zod";
import { AppError } from "../../lib/errors";
import { addDays, iso, parseLocalDate, zonedTimeToUtc } from "../../lib/time-zone";
import { callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { queryParams } from "../openapi/validate";
import { Id } from "../params";
import type { AppEnv } from "../types";

/** The tenant's audit log: who did what, when, from where, newest first. */
export const auditTrail = new Hono<AppEnv>();
auditTrail.use("/api/audit", requireCaller);
const doc = describer({ tag: "Audit", auth: "admin", resource: "audit" });

/** A day (YYYY-MM-DD, in the tenant's zone) or an ISO instant. */
const When = z.string().max(40);
const AuditQuery = z.object({
  action: z
    .string()
    .regex(/^[a-z0-9_.]{1,80}$/)
    .optional(),
  actor: z.string().min(1).max(40).optional(),
  from: When.optional(),
  to: When.optional(),
  before: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * `from`/`to` as epoch ms: a day is read in the tenant's zone, `to` a day includes that whole day.
 * Anything else must be an ISO instant with its offset, else a 400 naming the parameter.
 */
function instant(raw: string | undefined, name: "from" | "to", timeZone: string): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (parseLocalDate(raw)) {
    const day = name === "to" ? addDays(raw, 1) : raw;
    const start = zonedTimeToUtc(day, "00:00", timeZone) ?? zonedTimeToUtc(day, "01:00", timeZone);
    if (start) return start.getTime();
  }
  const ms = /^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) throw new AppError(400, "invalid_date", `\`${name}\` is a day (YYYY-MM-DD) or an ISO instant with its offset`, { parameter: name });
  return ms;
}

auditTrail.get(
  "/api/audit",
  doc({
    summary: "Audit entries newest first; page with ?before=<next_before>",
    description:
      "`action` is an action (`tokens.create`) or its family (`tokens`); `actor` a label (`user:12`, `token:3`, `platform`); `from`/`to` days in the tenant's zone (both included) or ISO instants.",
    responses: { 200: { description: "`{entries: [{id, at, actor, user_id, role, action, target, detail, ip, request_id}], next_before}`" } },
    errors: { 400: "`invalid_date`: from/to is neither a day nor an instant" },
  }),
  queryParams(AuditQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const q = c.req.valid("query");
    const rows = await c.get("store").auditLogs.list(company.id, {
      action: q.action,
      actor: q.actor,
      from: instant(q.from, "from", company.timeZone),
      to: instant(q.to, "to", company.timeZone),
      before: q.before,
      limit: q.limit,
    });
    const last = rows.at(-1);
    return c.json({
      entries: rows.map((r) => ({
        id: r.id,
        at: iso(r.createdAt),
        actor: r.actor,
        user_id: r.userId,
        role: r.actorRole,
        action: r.action,
        target: r.target,
        detail: r.detail,
        ip: r.ip,
        request_id: r.correlationId,
      })),
      // A full page may have more behind it; the client asks with ?before= until this is null.
      next_before: rows.length === q.limit && last ? last.id : null,
    });
  },
);
