import { Hono } from "hono";
import { costs, metering, resetCosts } from "../../lib/cost-meter";
import { AppError } from "../../lib/errors";
import { tenantStub } from "../../tenants/stubs";
import type { AppEnv } from "../types";

/** bench/webhook.mjs reads what the messages cost from here; absent (404) unless COST_METER=true. */
export const bench = new Hono<AppEnv>();

bench.use("/__bench/*", async (c, next) => {
  if (!metering(c.env)) throw new AppError(404, "not_found", "No such route");
  await next();
});

bench.get("/__bench/costs", async (c) => {
  const worker = { ...costs };
  const company = await c.get("store").companies.bySlug(c.req.query("company") ?? "");
  // The DO may share this isolate (then its counts are these) or not: its SQLite count is taken from it.
  const inDo = company ? await tenantStub(c.env, company.id).costs() : null;
  return c.json({ ...worker, sqlite: inDo?.sqlite ?? worker.sqlite, doRpc: worker.doRpc });
});

bench.post("/__bench/costs/reset", async (c) => {
  resetCosts();
  const company = await c.get("store").companies.bySlug(c.req.query("company") ?? "");
  if (company) await tenantStub(c.env, company.id).resetCosts();
  resetCosts();
  return c.json({ ok: true });
});
