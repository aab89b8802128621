import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { app } from "../../src/http/app";
import { describe, expect, it } from "vitest";
import { validateExposition } from "../../src/metrics/validate";
import { eventually, metaText, metricsText, outbox, postMeta, seedCompany, seriesValue } from "../support/helpers";

describe("GET /metrics after a known sequence of events", () => {
  it("counts every outcome exactly, per tenant, and passes promtool and our own checks", async () => {
    await seedCompany({ slug: "met", metaPhoneNumberId: "100000000000801" });
    const body = metaText("100000000000801", "5511987650801", "Oi", "wamid.METRICS0001");
    expect((await postMeta(body)).status).toBe(200); // accepted
    expect((await postMeta(body)).status).toBe(200); // duplicate
    expect((await postMeta(body, { secret: "forged" })).status).toBe(401);
    expect((await postMeta(metaText("100000000000899", "5511987650801", "Oi"))).status).toBe(404);
    expect((await postMeta(null, { raw: "{" })).status).toBe(400);
    expect((await postMeta(null, { raw: "x".repeat(1024 * 1024 + 1) })).status).toBe(413);
    await eventually(async () => expect((await outbox("met", "5511987650801")).filter((m) => m.status === "accepted")).toHaveLength(1));

    const text = await eventually(async () => {
      const t = await metricsText();
      // Latency is observed after the response (waitUntil) and the reply after the outbound queue.
      expect(seriesValue(t, "secretaria_webhook_duration_seconds_count", { company: "met" })).toBe(2);
      expect(seriesValue(t, "secretaria_reply_latency_seconds_count", { company: "met" })).toBe(1);
      return t;
    });
    const v = (name: string, labels: Record<string, string>) => seriesValue(text, name, labels);
    expect(v("secretaria_webhook_requests_total", { company: "met", channel: "meta", outcome: "accepted" })).toBe(1);
    expect(v("secretaria_webhook_requests_total", { company: "met", channel: "meta", outcome: "duplicate" })).toBe(1);
    expect(v("secretaria_webhook_requests_total", { company: "unknown", outcome: "unauthorized" })).toBe(1);
    expect(v("secretaria_webhook_requests_total", { company: "unknown", outcome: "unknown_tenant" })).toBe(1);
    expect(v("secretaria_webhook_requests_total", { company: "unknown", outcome: "bad_request" })).toBe(1);
    expect(v("secretaria_webhook_requests_total", { company: "unknown", outcome: "too_large" })).toBe(1);
    expect(v("secretaria_messages_inbound_total", { company: "met", channel: "meta", type: "text" })).toBe(1);
    expect(v("secretaria_messages_outbound_total", { company: "met", channel: "sandbox", kind: "text" })).toBe(1);
    expect(v("secretaria_send_attempts_total", { company: "met", result: "ok" })).toBe(1);
    expect(v("secretaria_turns_total", { company: "met", intent: "greeting" })).toBe(1);
    expect(v("secretaria_webhook_duration_seconds_bucket", { company: "met", le: "+Inf" })).toBe(2);

    expect(validateExposition(text)).toEqual([]);
    const promtool = await fetch("http://promtool.test/check", { method: "POST", body: text });
    expect(promtool.status, "promtool must be installed (.ci/run installs Debian's prometheus package)").toBe(200);
    const verdict = (await promtool.json()) as { code: number; output: string };
    expect(verdict.output).not.toMatch(/error/i);
    expect(verdict.code).toBe(0);
  });

  it("is served as Prometheus text 0.0.4 and can be protected with a token", async () => {
    const res = await exports.default.fetch("http://localhost/metrics");
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await res.text()).toMatch(/^# HELP secretaria_/m);
    const guarded = { ...env, METRICS_TOKEN: "scrape-secret" };
    const denied = await app.request("/metrics", {}, guarded, createExecutionContext());
    expect(denied.status).toBe(401);
    const allowed = await app.request("/metrics", { headers: { authorization: "Bearer scrape-secret" } }, guarded, createExecutionContext());
    expect(allowed.status).toBe(200);
  });
});
