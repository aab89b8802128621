import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MetricsDO } from "../../durable-objects/metrics";
import { metricsStub } from "../../src/metrics/push";
import { GAUGE_FAMILIES, STORE_GAUGES_CRON } from "../../src/metrics/store-gauges";
import { validateExposition } from "../../src/metrics/validate";
import { HANDLED_CRONS } from "../../src/scheduled";
import { runStoreGaugesCron, seedCompany, seriesValue, store } from "../support/helpers";

/** A scrape as it is, with no flush and no cron first: what the aggregate holds right now. */
const scrape = async () => (await exports.default.fetch("http://localhost/metrics")).text();
const MIN = 60_000;

async function storeSeries(owner: string): Promise<{ metric: string; labels: string; value: number }[]> {
  return runInDurableObject(metricsStub(env), (_i, state) =>
    state.storage.sql
      .exec<{ metric: string; labels: string; value: number }>(`SELECT metric, labels, value FROM store_series WHERE owner = ? ORDER BY metric, labels`, owner)
      .toArray(),
  );
}

describe("gauges from stored rows, refreshed by the minute cron", () => {
  it("a scrape reads no tenant rows: a new dead letter shows only after the cron ran", async () => {
    const co = await seedCompany({ slug: "sg-dl" });
    await runStoreGaugesCron();
    expect(await scrape()).toContain(`secretaria_dead_letters_pending{company="sg-dl"} 0`);
    await store().deadLetters.insert(co.id, { queue: "outbound", payload: {}, reason: "boom", attempts: 6, dedupKey: "sg-dl-1" });
    expect(seriesValue(await scrape(), "secretaria_dead_letters_pending", { company: "sg-dl" })).toBe(0);
    await runStoreGaugesCron();
    const text = await scrape();
    expect(seriesValue(text, "secretaria_dead_letters_pending", { company: "sg-dl" })).toBe(1);
    expect(validateExposition(text)).toEqual([]);
  });

  it("says when it last ran, so an alert sees a cron that stopped", async () => {
    const at = Date.now() - 90_000;
    await runStoreGaugesCron({ at });
    expect(seriesValue(await scrape(), "secretaria_store_gauges_timestamp_seconds", { company: "unknown" })).toBe(at / 1000);
  });

  it("counts rows per table once an hour, not every minute", async () => {
    const co = await seedCompany({ slug: "sg-rows" });
    const T = Date.now();
    await runStoreGaugesCron({ at: T, countRows: true });
    const contacts = () => scrape().then((t) => seriesValue(t, "secretaria_store_rows", { company: "sg-rows", table: "contacts" }));
    expect(await contacts()).toBe(0);
    await store().contacts.upsertInbound(co.id, { phone: "5511987650101", at: T });
    await runStoreGaugesCron({ at: T + MIN });
    expect(await contacts()).toBe(0);
    await runStoreGaugesCron({ at: T + 61 * MIN });
    expect(await contacts()).toBe(1);
  });

  it("writes only what changed, and drops the series of a tenant that is gone and of a heatmap slot no longer there", async () => {
    const co = await seedCompany({ slug: "sg-slots" });
    const gone = await seedCompany({ slug: "sg-gone" });
    const slot = (hour: number) => ({
      weekday: 0,
      hour,
      volume: 10,
      resolved: 10,
      attendanceRate: 0.8,
      noShowProb: 0.2,
      confirmationRate: 0.5,
      score: 1,
      suggestedSlot: false,
      label: `Segunda · ${hour}h`,
    });
    await store().scheduling.saveInsights(co.id, [slot(9), slot(10)], Date.now());
    await runStoreGaugesCron();
    const attendance = async (owner: string) => (await storeSeries(owner)).filter((s) => s.metric === "secretaria_agenda_attendance_rate").map((s) => s.labels);
    expect(await attendance(`company:${co.id}`)).toEqual(['{"hour":"10","weekday":"mon"}', '{"hour":"9","weekday":"mon"}']);
    expect((await storeSeries(`company:${gone.id}`)).length).toBeGreaterThan(0);

    // The same push again writes nothing.
    const ids = (await store().companies.list()).map((c) => c.id);
    const series = (await storeSeries(`company:${co.id}`)).map((s) => ({ owner: `company:${co.id}`, ...s }));
    const agg = metricsStub(env);
    const otherOwners = (
      await Promise.all(ids.filter((id) => id !== co.id).map(async (id) => (await storeSeries(`company:${id}`)).map((s) => ({ owner: `company:${id}`, ...s }))))
    ).flat();
    const unattributed = (await storeSeries("~unattributed")).map((s) => ({ owner: "~unattributed", ...s }));
    const all = [...series, ...otherOwners, ...unattributed].filter((s) => GAUGE_FAMILIES.includes(s.metric));
    expect((await agg.storeGauges({ at: Date.now(), families: GAUGE_FAMILIES, series: all })).written).toBe(0);

    await store().scheduling.saveInsights(co.id, [slot(9)], Date.now());
    await env.DB.prepare(`DELETE FROM companies WHERE id = ?`).bind(gone.id).run();
    await runStoreGaugesCron();
    expect(await attendance(`company:${co.id}`)).toEqual(['{"hour":"9","weekday":"mon"}']);
    expect((await storeSeries(`company:${gone.id}`)).filter((s) => GAUGE_FAMILIES.includes(s.metric))).toEqual([]);
    const text = await scrape();
    expect(text).toContain(`secretaria_agenda_attendance_rate{company="sg-slots",weekday="mon",hour="9"} 0.8`);
    expect(text).not.toContain(`hour="10"`);
  });

  it("labels a scrape with the tenants the cron pushed, kept across a restart; before any refresh it reads them from the store", async () => {
    const co = await seedCompany({ slug: "sg-label" });
    await store().deadLetters.insert(co.id, { queue: "inbound", payload: {}, reason: "boom", attempts: 6, dedupKey: "sg-label-1" });
    await runStoreGaugesCron();
    const agg = metricsStub(env);
    // A new instance (after an eviction or a deploy) starts from storage with the same labels.
    const restarted = await runInDurableObject(agg, async (instance, state) => {
      const fresh = new (instance.constructor as new (s: DurableObjectState, e: Env) => MetricsDO)(state, env);
      // biome-ignore lint/complexity/useLiteralKeys: private, called as its constructor does before any call reaches it
      fresh["start"]();
      return fresh.exposition();
    });
    expect(restarted?.secretaria_dead_letters_pending).toContain(`{company="sg-label"} 1`);

    // As on a deploy before the first refresh: no labels stored. The scrape lists the tenants itself.
    await runInDurableObject(agg, (instance, state) => {
      state.storage.sql.exec(`DELETE FROM owner_labels`);
      // biome-ignore lint/complexity/useLiteralKeys: private state, reset as a fresh object would have it
      instance["labels"] = undefined;
    });
    expect(await agg.exposition()).toBeNull();
    const renamed = `sg-label-${crypto.randomUUID().slice(0, 6)}`;
    await env.DB.prepare(`UPDATE companies SET slug = ? WHERE id = ?`).bind(renamed, co.id).run();
    expect(seriesValue(await scrape(), "secretaria_dead_letters_pending", { company: renamed })).toBe(1);
  });

  it("runs on a trigger every environment declares, and every declared trigger has a handler", () => {
    expect(Object.keys(env.TEST_CRONS).sort()).toEqual(["default", "production", "staging"]);
    for (const [name, crons] of Object.entries(env.TEST_CRONS)) {
      expect(crons, name).toContain(STORE_GAUGES_CRON);
      for (const cron of crons) expect(HANDLED_CRONS as readonly string[], `${name}: ${cron}`).toContain(cron);
    }
  });
});
