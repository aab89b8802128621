import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MetricsDO } from "../../durable-objects/metrics";
import { ChunkCache } from "../../src/metrics/chunk-cache";
import { CHUNK_FORMAT, ownerLabels, renderChunks } from "../../src/metrics/chunks";
import { metricsStub, type MetricsPush } from "../../src/metrics/push";
import { COMPANY_SLOT } from "../../src/metrics/render";
import { assembleExposition } from "../../src/metrics/scrape";
import { validateExposition } from "../../src/metrics/validate";
import { seedCompany, seriesValue } from "../support/helpers";

const scrape = async () => (await exports.default.fetch("http://localhost/metrics")).text();

const push = (owner: string, seq: number, value: number): MetricsPush => ({
  owner,
  seq,
  counters: [{ metric: "secretaria_turns_total", labels: '{"intent":"greeting"}', value, seq }],
  histograms: [{ metric: "secretaria_reply_latency_seconds", labels: '{"channel":"meta"}', counts: JSON.stringify([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]), sum: 301, count: 2, seq }],
  gauges: [],
  idle: false,
});

describe("pre-rendered chunks", () => {
  it("leave the company label as a slot that no label value can imitate", () => {
    const chunks = renderChunks([
      { metric: "secretaria_injection_detections_total", labels: JSON.stringify({ stage: "input", rule: `a${COMPANY_SLOT}"b` }), value: 2, counts: null, sum: null, count: null },
      { metric: "secretaria_turns_total", labels: "not json", value: 1, counts: null, sum: null, count: null },
    ]);
    expect(chunks.get("secretaria_injection_detections_total")).toBe(`secretaria_injection_detections_total{company="${COMPANY_SLOT}",stage="input",rule="a\uFFFD\\"b"} 2\n`);
    expect(chunks.has("secretaria_turns_total")).toBe(false);
  });

  it("are joined per family for the owners named, with each one's current label", () => {
    const cache = new ChunkCache();
    cache.set("secretaria_opt_outs_total", "company:1", `secretaria_opt_outs_total{company="${COMPANY_SLOT}"} 1\n`);
    cache.set("secretaria_opt_outs_total", "company:2", `secretaria_opt_outs_total{company="${COMPANY_SLOT}"} 2\n`);
    cache.set("secretaria_opt_outs_total", "company:3", `secretaria_opt_outs_total{company="${COMPANY_SLOT}"} 3\n`);
    cache.set("secretaria_opt_outs_total", "company:3", undefined);
    const labels = ownerLabels(
      [
        { id: 1, slug: "um" },
        { id: 3, slug: "tres" },
      ],
      "unknown",
    );
    expect(cache.exposition(labels)).toEqual({ secretaria_opt_outs_total: `secretaria_opt_outs_total{company="um"} 1\n` });
    expect(cache.exposition({ ...labels, "company:1": "renamed" })).toEqual({ secretaria_opt_outs_total: `secretaria_opt_outs_total{company="renamed"} 1\n` });
  });
});

describe("the aggregate's exposition", () => {
  it("follows a renamed slug without a push and leaves out owners that are no tenant", async () => {
    const co = await seedCompany({ slug: "chunk-old" });
    const agg = metricsStub(env);
    await agg.push(push(`company:${co.id}`, 1, 4));
    await agg.push(push("company:987654", 1, 9)); // deleted, or never created
    await agg.push(push(`company:${co.id}`, 1, 4)); // retried: same text
    expect(seriesValue(await scrape(), "secretaria_turns_total", { company: "chunk-old", intent: "greeting" })).toBe(4);

    await env.DB.prepare(`UPDATE companies SET slug = 'chunk-new' WHERE id = ?`).bind(co.id).run();
    const text = await scrape();
    expect(seriesValue(text, "secretaria_turns_total", { company: "chunk-new", intent: "greeting" })).toBe(4);
    expect(seriesValue(text, "secretaria_reply_latency_seconds_bucket", { company: "chunk-new", le: "+Inf" })).toBe(2);
    expect(text).not.toContain(`company="chunk-old"`);
    expect(text).not.toContain(" 9\n");
    expect(text).not.toContain(COMPANY_SLOT);
    expect(validateExposition(text)).toEqual([]);
  });

  it("re-renders every chunk from the stored series when the catalogue or the line format changed", async () => {
    const co = await seedCompany({ slug: "chunk-format" });
    const agg = metricsStub(env);
    await agg.push(push(`company:${co.id}`, 1, 6));
    // As left by an older deploy: another format, and text this one would not write.
    await runInDurableObject(agg, (_i, state) => {
      state.storage.sql.exec(`UPDATE meta SET value = 'older' WHERE key = 'format'`);
      state.storage.sql.exec(`UPDATE chunks SET text = 'garbage' WHERE owner = ?`, `company:${co.id}`);
    });
    // The next instance (after a deploy, or an eviction) starts from that storage.
    const text = await runInDurableObject(agg, async (instance, state) => {
      const Fresh = instance.constructor as new (s: DurableObjectState, e: Env) => MetricsDO;
      const fresh = new Fresh(state, env);
      // biome-ignore lint/complexity/useLiteralKeys: private, called as its constructor does before any call reaches it
      fresh["start"]();
      const families = await fresh.exposition(ownerLabels([co], "unknown"));
      expect(state.storage.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'format'`).one().value).toBe(CHUNK_FORMAT);
      return assembleExposition(families ?? {});
    });
    expect(seriesValue(text, "secretaria_turns_total", { company: "chunk-format", intent: "greeting" })).toBe(6);
    expect(text).not.toContain("garbage");
    expect(validateExposition(text)).toEqual([]);
  });
});
