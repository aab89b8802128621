/**
 * GET /__bench/costs on the D1 engine: absent unless COST_METER=true; with it, the engine named and
 * the D1 counts of the requests since the reset (Postgres's stay at zero). The Postgres side is
 * test/store/cost-meter.pg.test.ts.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { metered } from "../../src/lib/cost-meter";
import { ADMIN } from "../support/helpers";

async function fetchApp(e: Env, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://localhost${path}`, init), e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("GET /__bench/costs (D1)", () => {
  it("is a 404 envelope without COST_METER=true", async () => {
    const res = await fetchApp(env, "/__bench/costs");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("names the engine and counts the D1 statements of the requests since the reset", async () => {
    const meteredEnv = metered(Object.assign(Object.create(env) as Env, { COST_METER: "true" }));
    expect((await fetchApp(meteredEnv, "/__bench/costs/reset", { method: "POST" })).status).toBe(200);
    const idle = (await (await fetchApp(meteredEnv, "/__bench/costs")).json()) as Record<string, unknown>;
    expect(idle).toMatchObject({ engine: "d1", d1Statements: 0, pgStatements: 0, pgRoundTrips: 0, pgConnections: 0 });

    expect((await fetchApp(meteredEnv, "/__bench/costs/reset", { method: "POST" })).status).toBe(200);
    expect((await fetchApp(meteredEnv, "/api/conversations?limit=5", { headers: { ...ADMIN, "x-tenant": "no-such-tenant" } })).status).toBe(404);
    const after = (await (await fetchApp(meteredEnv, "/__bench/costs")).json()) as Record<string, number>;
    expect(after.d1Statements).toBeGreaterThan(0);
    expect(after.d1RoundTrips).toBeGreaterThan(0);
    expect(after.pgStatements).toBe(0);
  });
});
