import { Hono } from "hono";
import * as z from "../../lib/zod";
import { metricsStub } from "../../metrics/push";
import { unattributedStub } from "../../tenants/stubs";
import { describer } from "../openapi/meta";
import type { AppEnv } from "../types";
import { metricsAccess } from "./metrics-access";

/** Above these a dependency is reported slow (the seeds' health check flags >1 s; our paths are ms). */
export const HEALTH_THRESHOLDS_MS = { store: 250, tenant_do: 250, metrics_aggregate: 250, queues: 0 } as const;
export type Dependency = keyof typeof HEALTH_THRESHOLDS_MS;

export interface Probe {
  latencyMs: number;
  error?: string;
}
const CheckResult = z.strictObject({ status: z.enum(["ok", "slow", "error"]), latency_ms: z.number(), threshold_ms: z.number(), error: z.string().optional() });
export type CheckResult = z.infer<typeof CheckResult>;
/** The answer of GET /health, as the API document shows it. */
const HealthBody = z.strictObject({
  status: z.enum(["ok", "degraded"]),
  reasons: z.array(z.string()),
  checks: z.partialRecord(z.enum(Object.keys(HEALTH_THRESHOLDS_MS) as [Dependency, ...Dependency[]]), CheckResult),
});

/**
 * The verdict from measured probes: "ok" (200) when every dependency answered within its threshold,
 * "degraded" with one reason per slow dependency (still 200: it serves), "degraded" with 503 when
 * one failed. Configuration problems (no METRICS_TOKEN where deployed) are reasons, not failures.
 * @example assessHealth({ store: { latencyMs: 900 } }).reasons // ["store slow: 900 ms > 250 ms"]
 */
export function assessHealth(probes: Partial<Record<Dependency, Probe>>, warnings: string[] = []) {
  const checks: Partial<Record<Dependency, CheckResult>> = {};
  const reasons: string[] = [];
  let failed = false;
  for (const [name, probe] of Object.entries(probes) as [Dependency, Probe][]) {
    const threshold = HEALTH_THRESHOLDS_MS[name];
    const status = probe.error !== undefined ? "error" : probe.latencyMs > threshold && threshold > 0 ? "slow" : "ok";
    checks[name] = { status, latency_ms: probe.latencyMs, threshold_ms: threshold, ...(probe.error !== undefined ? { error: probe.error } : {}) };
    if (status === "error") {
      failed = true;
      reasons.push(`${name} failing: ${probe.error}`);
    } else if (status === "slow") reasons.push(`${name} slow: ${probe.latencyMs} ms > ${threshold} ms`);
  }
  reasons.push(...warnings);
  return { httpStatus: failed ? 503 : 200, body: { status: reasons.length === 0 ? "ok" : "degraded", reasons, checks } } as const;
}

async function probe(fn: () => Promise<unknown>): Promise<Probe> {
  const started = performance.now();
  try {
    await fn();
    return { latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { latencyMs: Math.round(performance.now() - started), error: err instanceof Error ? err.message : String(err) };
  }
}

export const health = new Hono<AppEnv>();
const doc = describer({ tag: "Operations", auth: "public" });

/** Liveness: answers without touching any binding (load balancers, and the benchmarks' baseline route). */
health.get(
  "/health/live",
  doc({ summary: "Liveness (touches no binding)", responses: { 200: { description: "Alive", schema: z.strictObject({ status: z.literal("ok") }) } } }),
  (c) => c.json({ status: "ok" }),
);

/** Deep health: each dependency timed against its threshold; see assessHealth for the verdict. */
health.get(
  "/health",
  doc({
    summary: "Each dependency timed against its threshold",
    responses: {
      200: { description: "`ok`, or `degraded` with `reasons` when one is slow (or METRICS_TOKEN is missing where deployed)", schema: HealthBody },
      503: { description: "`degraded`: a dependency failed", schema: HealthBody },
    },
  }),
  async (c) => {
    const [store, tenantDo, aggregate, queues] = await Promise.all([
      probe(() => c.get("store").ping()),
      probe(() => unattributedStub(c.env).ping()),
      probe(() => metricsStub(c.env).ping()),
      probe(async () => {
        const missing = (["INBOUND_QUEUE", "OUTBOUND_QUEUE", "JOBS_QUEUE"] as const).filter((q) => typeof c.env[q]?.send !== "function");
        if (missing.length) throw new Error(`queue binding missing: ${missing.join(", ")}`);
      }),
    ]);
    const warnings = metricsAccess(c.env) === "refused" ? ["config: METRICS_TOKEN is not set, so /metrics refuses every scrape"] : [];
    const verdict = assessHealth({ store, tenant_do: tenantDo, metrics_aggregate: aggregate, queues }, warnings);
    return c.json(verdict.body, verdict.httpStatus);
  },
);
