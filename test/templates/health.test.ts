import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { channelHealthHandler, runChannelHealthBatch } from "../../src/channels/health";
import { jobByName } from "../../src/jobs/table";
import { api, eventually, metricsText, seriesValue, store } from "../support/helpers";
import { sqlRows } from "../support/sql";
import { evolutionState, evolutionTenant, hooks, metaTenant, phoneStatus } from "./support";

// Channel health every 5 min: Meta phone number status / Evolution connection state, written only on a
// change; down opens one channel_down alert (notified once), healthy again resolves it.

const batch = (...companyIds: number[]) => runChannelHealthBatch(env, store(), { kind: "channel_health_batch", scheduledFor: Date.now(), companyIds, generation: 0 });
const settings = async (id: number) => {
  const [r] = await sqlRows<{ channel_settings: unknown }>("SELECT channel_settings FROM companies WHERE id = ?", id);
  return (typeof r?.channel_settings === "string" ? JSON.parse(r.channel_settings) : r?.channel_settings) as {
    lastHealth?: { ok: boolean; status: string; quality?: string; at: number };
  };
};
const alerts = (id: number) =>
  sqlRows<{ kind: string; key: string; resolved_at: number | null }>("SELECT kind, key, resolved_at FROM tenant_alerts WHERE company_id = ? AND kind = 'channel_down'", id);

describe("channel health", () => {
  it("Meta: healthy → down (alert, notified once) → still down (nothing written) → healthy (resolved)", async () => {
    const t = await metaTenant("health-meta");
    await api("/api/config/handoff", { method: "PUT", headers: t.auth, body: JSON.stringify({ notifyUrl: "http://hooks.fake.test/slack/health-meta" }) });
    await phoneStatus(t.pnid, "connected-green");
    expect(await batch(t.company.id)).toMatchObject({ checked: 1, changed: 1 });
    expect((await settings(t.company.id)).lastHealth).toMatchObject({ ok: true, status: "CONNECTED", quality: "GREEN" });
    // Unchanged: the settings are not rewritten (same `at`).
    const first = (await settings(t.company.id)).lastHealth?.at;
    expect(await batch(t.company.id)).toMatchObject({ unchanged: 1 });
    expect((await settings(t.company.id)).lastHealth?.at).toBe(first);

    // FLAGGED is a quality warning: still sending, recorded, no alert.
    await phoneStatus(t.pnid, "flagged-yellow");
    expect(await batch(t.company.id)).toMatchObject({ changed: 1 });
    expect(await alerts(t.company.id)).toEqual([]);

    await phoneStatus(t.pnid, "restricted-red");
    expect(await batch(t.company.id)).toMatchObject({ down: 1 });
    expect(await batch(t.company.id)).toMatchObject({ unchanged: 1 });
    const view = (await (await api("/api/channel", { headers: t.auth })).json()) as { last_health: unknown };
    expect(view.last_health).toMatchObject({ ok: false, status: "RESTRICTED", quality: "RED" });
    const down = await alerts(t.company.id);
    expect(down).toHaveLength(1);
    expect(down[0]?.resolved_at).toBeNull();
    const notes = await eventually(async () => {
      const r = await hooks("/slack/health-meta");
      expect(r).toHaveLength(1);
      return r;
    });
    expect(notes[0]?.text).toMatch(/canal WhatsApp \(meta\) está fora do ar: RESTRICTED/);
    // An expired token is down too, but the alert is already open: not notified again.
    await phoneStatus(t.pnid, "expired");
    expect(await batch(t.company.id)).toMatchObject({ changed: 1 });
    // Meta failing (5xx) says nothing about the number: the last verdict stands.
    await phoneStatus(t.pnid, "500");
    expect(await batch(t.company.id)).toMatchObject({ unknown: 1 });
    expect((await settings(t.company.id)).lastHealth?.status).toBe("invalid_token");

    await phoneStatus(t.pnid, "connected-green");
    expect(await batch(t.company.id)).toMatchObject({ up: 1 });
    expect((await alerts(t.company.id))[0]?.resolved_at).not.toBeNull();
    await new Promise((r) => setTimeout(r, 800));
    expect(await hooks("/slack/health-meta")).toHaveLength(1);
    expect(seriesValue(await metricsText(), "secretaria_channel_health_changes_total", { company: "health-meta", status: "RESTRICTED" })).toBe(1);
  });

  it("Evolution: open → close (alert) → connecting (still down) → open (resolved)", async () => {
    const t = await evolutionTenant("health-evo");
    await evolutionState(t.instance, "open");
    expect(await batch(t.company.id)).toMatchObject({ changed: 1 });
    await evolutionState(t.instance, "close");
    expect(await batch(t.company.id)).toMatchObject({ down: 1 });
    await evolutionState(t.instance, "connecting");
    expect(await batch(t.company.id)).toMatchObject({ changed: 1 });
    expect((await settings(t.company.id)).lastHealth).toMatchObject({ ok: false, status: "connecting" });
    expect(await alerts(t.company.id)).toHaveLength(1);
    await evolutionState(t.instance, "open");
    expect(await batch(t.company.id)).toMatchObject({ up: 1 });
    expect((await alerts(t.company.id))[0]?.resolved_at).not.toBeNull();
  });

  it("the platform job lists the Meta/Evolution tenants in one query, leaves paused ones out, and fans out through the jobs queue", async () => {
    const a = await metaTenant("health-fan-a");
    const b = await evolutionTenant("health-fan-b");
    const paused = await metaTenant("health-fan-paused");
    await phoneStatus(a.pnid, "restricted-red");
    await phoneStatus(paused.pnid, "restricted-red");
    await evolutionState(b.instance, "close");
    const result = await channelHealthHandler({
      env,
      store: store(),
      job: jobByName("channel_health")!,
      scheduledFor: Date.now(),
      company: null,
      pausedTenants: new Set([paused.company.id]),
    });
    expect(result.items).toBeGreaterThanOrEqual(2);
    // The queue's consumer runs the batches: both tenants end up checked, the paused one never.
    await eventually(async () => {
      expect((await settings(a.company.id)).lastHealth?.status).toBe("RESTRICTED");
      expect((await settings(b.company.id)).lastHealth?.status).toBe("close");
    });
    expect((await settings(paused.company.id)).lastHealth).toBeUndefined();
    const targets = await store().channelHealth.targets();
    expect(targets.map((x) => x.id)).toEqual(expect.arrayContaining([a.company.id, b.company.id]));
    expect(targets.every((x) => x.channel === "meta" || x.channel === "evolution")).toBe(true);
  });
});
