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
import { ADMIN, envWith } from "../support/helpers";

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
    const meteredEnv = metered(envWith({ COST_METER: "true" }));
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

describe("POST /__bench/echo and /__bench/enqueue (the ack's floors)", () => {
  const body = JSON.stringify({ object: "whatsapp_business_account", entry: [] });

  it("are 404 envelopes without COST_METER=true, and send nothing", async () => {
    const sent: unknown[] = [];
    const plain = envWith({ COST_METER: "", INBOUND_QUEUE: { send: async (b: unknown) => void sent.push(b) } });
    for (const path of ["/__bench/echo", "/__bench/enqueue"]) expect((await fetchApp(plain, path, { method: "POST", body })).status).toBe(404);
    expect(sent).toEqual([]);
  });

  it("echo reads the body and answers; enqueue also makes exactly one queue send carrying it", async () => {
    const sent: unknown[] = [];
    const benchEnv = envWith({ COST_METER: "true", INBOUND_QUEUE: { send: async (b: unknown) => void sent.push(b) } });
    const echo = await fetchApp(benchEnv, "/__bench/echo", { method: "POST", body });
    expect([echo.status, await echo.json()]).toEqual([200, { ok: true }]);
    expect(sent).toEqual([]);
    const enqueue = await fetchApp(benchEnv, "/__bench/enqueue", { method: "POST", body });
    expect([enqueue.status, await enqueue.json()]).toEqual([200, { ok: true }]);
    expect(sent).toEqual([{ kind: "bench_floor", raw: body }]);
  });
});
