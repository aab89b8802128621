import { env, exports } from "cloudflare:workers";
import { gunzipSync, inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { acceptsGzip } from "../../src/http/routes/ops";
import { ChunkCache } from "../../src/metrics/chunk-cache";
import { BLOCK_TENANTS, concatBytes, GzipMemo } from "../../src/metrics/gzip";
import { metricsStub, type MetricsPush } from "../../src/metrics/push";
import { COMPANY_SLOT } from "../../src/metrics/render";
import { validateExposition } from "../../src/metrics/validate";
import { runStoreGaugesCron, seriesValue, store } from "../support/helpers";

/** `encodeResponseBody: "manual"`: the bytes as sent, not decompressed on the way in as fetch() does. */
const fetchMetrics = (acceptEncoding?: string) =>
  exports.default.fetch("http://localhost/metrics", {
    headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding },
    encodeResponseBody: "manual",
  });

/** The gzip members of a body, as the bytes each one takes (gzipSync writes no optional header fields). */
function memberSizes(body: Uint8Array): number[] {
  const sizes: number[] = [];
  for (let at = 0; at < body.byteLength; ) {
    expect([body[at], body[at + 1], body[at + 3]]).toEqual([0x1f, 0x8b, 0]);
    const { engine } = inflateRawSync(body.subarray(at + 10), { info: true }) as unknown as { engine: { bytesWritten: number } };
    const size = 10 + engine.bytesWritten + 8;
    sizes.push(size);
    at += size;
  }
  return sizes;
}

/** The same scrape twice, after the minute's refresh of the store gauges: gzip'd as Prometheus asks for it, and plain. */
async function scrapeBoth(at = Date.now()): Promise<{ raw: Uint8Array; text: string; plain: string }> {
  await runStoreGaugesCron({ at });
  const zipped = await fetchMetrics("gzip");
  expect(zipped.status).toBe(200);
  expect(zipped.headers.get("content-encoding")).toBe("gzip");
  const raw = new Uint8Array(await zipped.arrayBuffer());
  const plainRes = await fetchMetrics();
  expect(plainRes.headers.get("content-encoding")).toBeNull();
  return { raw, text: gunzipSync(raw).toString("utf8"), plain: await plainRes.text() };
}

/** A tenant with an id of our choosing, so tests can put tenants in different blocks. */
async function tenantWithId(id: number, slug: string): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO companies (id, slug, name, status, time_zone, locale, channel, channel_settings) VALUES (?, ?, ?, 'active', 'America/Sao_Paulo', 'pt-BR', 'sandbox', '{}')`,
  )
    .bind(id, slug, `Clínica ${slug}`)
    .run();
}

const turns = (id: number, seq: number, value: number): MetricsPush => ({
  owner: `company:${id}`,
  seq,
  counters: [{ metric: "secretaria_turns_total", labels: '{"intent":"greeting"}', value, seq }],
  histograms: [],
  gauges: [],
  idle: false,
});

describe("GET /metrics gzip'd from cached members", () => {
  it("is several gzip members that decompress, byte for byte, to the plain scrape", async () => {
    const ids = [3, BLOCK_TENANTS + 3, 5 * BLOCK_TENANTS + 1];
    for (const [i, id] of ids.entries()) {
      await tenantWithId(id, `gz-${i}`);
      await metricsStub(env).push(turns(id, 1, 10 + i));
    }
    const at = Date.now();
    const { raw, text, plain } = await scrapeBoth(at);
    expect(text).toBe(plain);
    // Headers, each block of each family and each store-gauge block are members of their own.
    expect(memberSizes(raw).length).toBeGreaterThan(ids.length * 2);
    for (const [i] of ids.entries()) expect(seriesValue(text, "secretaria_turns_total", { company: `gz-${i}`, intent: "greeting" })).toBe(10 + i);
    expect(validateExposition(text)).toEqual([]);
    // A second scrape with nothing changed (a refresh at the same time included) is the same bytes.
    expect((await scrapeBoth(at)).raw).toEqual(raw);
  });

  it("shows a push made after a scrape on the next scrape", async () => {
    await tenantWithId(7 * BLOCK_TENANTS, "gz-push");
    const agg = metricsStub(env);
    await agg.push(turns(7 * BLOCK_TENANTS, 1, 4));
    expect(seriesValue((await scrapeBoth()).text, "secretaria_turns_total", { company: "gz-push", intent: "greeting" })).toBe(4);
    await agg.push(turns(7 * BLOCK_TENANTS, 2, 5));
    const { text, plain } = await scrapeBoth();
    expect(seriesValue(text, "secretaria_turns_total", { company: "gz-push", intent: "greeting" })).toBe(5);
    expect(text).toBe(plain);
  });

  it("follows a renamed tenant and leaves out a deleted one, in the aggregate's lines and the store's", async () => {
    const [renamed, deleted, neighbour] = [9 * BLOCK_TENANTS + 1, 9 * BLOCK_TENANTS + 2, 9 * BLOCK_TENANTS + 3];
    await tenantWithId(renamed, "gz-old");
    await tenantWithId(deleted, "gz-gone");
    await tenantWithId(neighbour, "gz-stays");
    for (const id of [renamed, deleted, neighbour]) await metricsStub(env).push(turns(id, 1, 3));
    const before = (await scrapeBoth()).text;
    expect(seriesValue(before, "secretaria_turns_total", { company: "gz-gone", intent: "greeting" })).toBe(3);
    expect(before).toContain(`secretaria_dead_letters_pending{company="gz-old"} 0`);

    await env.DB.prepare(`UPDATE companies SET slug = 'gz-new' WHERE id = ?`).bind(renamed).run();
    await env.DB.prepare(`DELETE FROM companies WHERE id = ?`).bind(deleted).run();
    const { text, plain } = await scrapeBoth();
    expect(text).toBe(plain);
    expect(seriesValue(text, "secretaria_turns_total", { company: "gz-new", intent: "greeting" })).toBe(3);
    expect(seriesValue(text, "secretaria_turns_total", { company: "gz-stays", intent: "greeting" })).toBe(3);
    expect(text).toContain(`secretaria_dead_letters_pending{company="gz-new"} 0`);
    expect(text).not.toContain(`company="gz-old"`);
    expect(text).not.toContain(`company="gz-gone"`);
    expect(validateExposition(text)).toEqual([]);
  });

  it("shows a store gauge that changed since the last scrape, once the minute's refresh ran", async () => {
    await tenantWithId(11 * BLOCK_TENANTS, "gz-store");
    expect(seriesValue((await scrapeBoth()).text, "secretaria_dead_letters_pending", { company: "gz-store" })).toBe(0);
    await store().deadLetters.insert(11 * BLOCK_TENANTS, { queue: "outbound", payload: {}, reason: "boom", attempts: 6, dedupKey: "gz-dl-1" });
    const { text, plain } = await scrapeBoth();
    expect(seriesValue(text, "secretaria_dead_letters_pending", { company: "gz-store" })).toBe(1);
    expect(text).toBe(plain);
  });

  it("answers plain text to a client that does not take gzip", async () => {
    for (const accept of [undefined, "identity", "gzip;q=0", "br"]) {
      const res = await fetchMetrics(accept);
      expect(res.headers.get("content-encoding")).toBeNull();
      expect(await res.text()).toMatch(/^# HELP secretaria_/);
    }
    // Behind Cloudflare (or wrangler dev) the header always says gzip; the client's own is in `cf`.
    const behindEdge = (client: string) =>
      exports.default.fetch("http://localhost/metrics", { headers: { "accept-encoding": "br, gzip" }, cf: { clientAcceptEncoding: client }, encodeResponseBody: "manual" });
    expect((await behindEdge("")).headers.get("content-encoding")).toBeNull();
    expect((await behindEdge("gzip, deflate")).headers.get("content-encoding")).toBe("gzip");
  });
});

describe("acceptsGzip", () => {
  it("reads Accept-Encoding with its weights", () => {
    expect(["gzip", "deflate, gzip", "br;q=1.0, GZIP;q=0.5", "*", "x-gzip"].map(acceptsGzip)).toEqual([true, true, true, true, true]);
    expect([undefined, "", "identity", "gzip;q=0", "br, gzip; q=0.000", "gzipped"].map(acceptsGzip)).toEqual([false, false, false, false, false, false]);
  });
});

describe("the aggregate's gzip members", () => {
  const line = (metric: string, value: number) => `${metric}{company="${COMPANY_SLOT}"} ${value}\n`;
  const labels = { "company:1": "um", "company:2": "dois", [`company:${BLOCK_TENANTS}`]: "outro-bloco" };

  it("are compressed when a block's chunks or labels change, not on every scrape", () => {
    const cache = new ChunkCache();
    cache.set("secretaria_opt_outs_total", "company:1", line("secretaria_opt_outs_total", 1));
    cache.set("secretaria_opt_outs_total", "company:2", line("secretaria_opt_outs_total", 2));
    cache.set("secretaria_opt_outs_total", `company:${BLOCK_TENANTS}`, line("secretaria_opt_outs_total", 3));
    const first = cache.gzipExposition(labels).secretaria_opt_outs_total ?? [];
    expect(first).toHaveLength(2);
    const text = cache.exposition(labels).secretaria_opt_outs_total;
    expect(gunzipSync(concatBytes(first)).toString()).toBe(text);
    expect(text).toBe(`secretaria_opt_outs_total{company="um"} 1\nsecretaria_opt_outs_total{company="dois"} 2\nsecretaria_opt_outs_total{company="outro-bloco"} 3\n`);

    const again = cache.gzipExposition(labels).secretaria_opt_outs_total ?? [];
    expect(again[0]).toBe(first[0]);
    expect(again[1]).toBe(first[1]);

    cache.set("secretaria_opt_outs_total", "company:2", line("secretaria_opt_outs_total", 5));
    const pushed = cache.gzipExposition(labels).secretaria_opt_outs_total ?? [];
    expect(pushed[0]).not.toBe(first[0]);
    expect(pushed[1]).toBe(first[1]);
    expect(gunzipSync(pushed[0] ?? new Uint8Array()).toString()).toBe(`secretaria_opt_outs_total{company="um"} 1\nsecretaria_opt_outs_total{company="dois"} 5\n`);

    const renamed = cache.gzipExposition({ ...labels, [`company:${BLOCK_TENANTS}`]: "novo" }).secretaria_opt_outs_total ?? [];
    expect(renamed[0]).toBe(pushed[0]);
    expect(gunzipSync(renamed[1] ?? new Uint8Array()).toString()).toBe(`secretaria_opt_outs_total{company="novo"} 3\n`);

    const { "company:1": _gone, ...withoutOne } = labels;
    const deleted = cache.gzipExposition(withoutOne).secretaria_opt_outs_total ?? [];
    expect(gunzipSync(concatBytes(deleted)).toString()).toBe(`secretaria_opt_outs_total{company="dois"} 5\nsecretaria_opt_outs_total{company="outro-bloco"} 3\n`);
  });
});

describe("GzipMemo", () => {
  it("compresses a key's text again only when it changed, and forgets keys a round did not use", () => {
    const memo = new GzipMemo();
    const a = memo.member("a", "alpha\n");
    memo.member("b", "beta\n");
    memo.endRound();
    expect(memo.member("a", "alpha\n")).toBe(a);
    expect(memo.compressions).toBe(2);
    const changed = memo.member("a", "alpha 2\n");
    expect(gunzipSync(changed).toString()).toBe("alpha 2\n");
    expect(memo.compressions).toBe(3);
    memo.endRound();
    memo.endRound();
    memo.member("b", "beta\n");
    expect(memo.compressions).toBe(4);
  });
});
