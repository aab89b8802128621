import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { assessHealth, HEALTH_THRESHOLDS_MS } from "../../src/http/routes/health";

type Body = { status: string; reasons: string[]; checks: Record<string, { status: string; latency_ms: number; threshold_ms: number; error?: string }> };
const health = async (e: Partial<Env>) => {
  const res = await app.request("/health", {}, { ...env, ...e }, createExecutionContext());
  return { status: res.status, body: (await res.json()) as Body };
};
/** A Durable Object namespace whose objects fail every call: a dependency that is down. */
const failingNamespace = (message: string) => ({ idFromName: () => ({}), get: () => ({ ping: () => Promise.reject(new Error(message)) }) }) as unknown as Env["METRICS"];

describe("GET /health", () => {
  it("times every dependency and answers ok when all are within their thresholds", async () => {
    const res = await exports.default.fetch("http://localhost/health");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    expect(body.status).toBe("ok");
    expect(body.reasons).toEqual([]);
    expect(Object.keys(body.checks).sort()).toEqual(["metrics_aggregate", "queues", "store", "tenant_do"]);
    for (const c of Object.values(body.checks)) expect(c).toMatchObject({ status: "ok", latency_ms: expect.any(Number), threshold_ms: expect.any(Number) });
  });

  it("answers 503, degraded with the reason, when the metrics aggregate or a tenant DO fails", async () => {
    const agg = await health({ METRICS: failingNamespace("aggregate unreachable") });
    expect(agg.status).toBe(503);
    expect(agg.body.status).toBe("degraded");
    expect(agg.body.checks.metrics_aggregate).toMatchObject({ status: "error", error: "aggregate unreachable" });
    expect(agg.body.reasons).toEqual(["metrics_aggregate failing: aggregate unreachable"]);
    expect(agg.body.checks.store?.status).toBe("ok");

    const tenant = await health({ TENANT: failingNamespace("tenant object reset") as unknown as Env["TENANT"] });
    expect(tenant.status).toBe(503);
    expect(tenant.body.checks.tenant_do?.status).toBe("error");
  });

  it("answers 503 when the store fails or a queue binding is missing", async () => {
    const brokenDb = { prepare: () => ({ first: () => Promise.reject(new Error("D1_ERROR: database unavailable")) }) } as unknown as D1Database;
    const db = await health({ DB: brokenDb });
    expect(db.status).toBe(503);
    expect(db.body.checks.store).toMatchObject({ status: "error", error: "D1_ERROR: database unavailable" });

    const queues = await health({ JOBS_QUEUE: undefined as unknown as Env["JOBS_QUEUE"] });
    expect(queues.status).toBe(503);
    expect(queues.body.reasons).toEqual(["queues failing: queue binding missing: JOBS_QUEUE"]);
  });
});

describe("assessHealth", () => {
  it("calls a dependency over its threshold slow: degraded, still serving (200)", () => {
    const slow = HEALTH_THRESHOLDS_MS.store + 650;
    const v = assessHealth({ store: { latencyMs: slow }, tenant_do: { latencyMs: 3 }, queues: { latencyMs: 0 } });
    expect(v.httpStatus).toBe(200);
    expect(v.body.status).toBe("degraded");
    expect(v.body.reasons).toEqual([`store slow: ${slow} ms > ${HEALTH_THRESHOLDS_MS.store} ms`]);
    expect(v.body.checks.tenant_do?.status).toBe("ok");
  });

  it("is ok at the threshold, and a failure outweighs slowness", () => {
    expect(assessHealth({ store: { latencyMs: HEALTH_THRESHOLDS_MS.store } }).body.status).toBe("ok");
    const v = assessHealth({ store: { latencyMs: 900 }, metrics_aggregate: { latencyMs: 1, error: "down" } });
    expect(v.httpStatus).toBe(503);
    expect(v.body.reasons).toEqual(["store slow: 900 ms > 250 ms", "metrics_aggregate failing: down"]);
  });
});
