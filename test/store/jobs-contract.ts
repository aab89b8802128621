import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types";
import { uid } from "./contract-ids";

/** store.jobs / store.jobControls on both engines: idempotent inserts, compare-and-set claims, tenant-scoped lists. */
export function jobsContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name}: jobs`, () => {
    const company = async (store: Store, timeZone = "America/Sao_Paulo") => store.companies.create({ slug: `jobs-${uid()}`, name: "Clínica Jobs", timeZone });
    // A far-off instant per test run, so reruns against a kept database never collide.
    const base = () => Date.UTC(2030, 0, 1) + Math.floor(Math.random() * 1e6) * 60_000;

    it("the tick guard: a second insert of the same minute is refused, the cursor is the previous tick", async () => {
      const store = await makeStore();
      const t = base();
      const first = await store.jobs.beginTick(t);
      expect(first).not.toBeNull();
      expect(await store.jobs.beginTick(t)).toBeNull();
      expect(await store.jobs.beginTick(t + 60_000)).toEqual({ cursor: expect.any(Number) });
      expect((await store.jobs.beginTick(t + 120_000))?.cursor).toBe(t + 60_000);
      await store.jobs.endTick(t + 120_000, 3, "3 queued");
      // A failed tick released: the minute can be dispatched again, and the cursor goes back past it.
      await store.jobs.releaseTick(t + 120_000);
      expect((await store.jobs.beginTick(t + 180_000))?.cursor).toBe(t + 60_000);
      expect(await store.jobs.beginTick(t + 120_000)).not.toBeNull();
    });

    it("insertDue inserts each (company, job, instant) once, in one call for many tenants, and returns only what it inserted", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store, "America/New_York");
      const t = base();
      const groups = [
        { job: "maintenance", category: "maintenance", scheduledFor: t, companyIds: [a.id, b.id] },
        { job: "template_sync", category: "sync", scheduledFor: t, companyIds: [a.id] },
        { job: "alerts", category: "monitoring", scheduledFor: t, companyIds: [0] },
      ];
      const rows = await store.jobs.insertDue(groups);
      expect(rows.map((r) => [r.companyId, r.job, r.scheduledFor, r.status, r.attempts]).sort()).toEqual(
        [
          [0, "alerts", t, "queued", 0],
          [a.id, "maintenance", t, "queued", 0],
          [a.id, "template_sync", t, "queued", 0],
          [b.id, "maintenance", t, "queued", 0],
        ].sort(),
      );
      expect(await store.jobs.insertDue(groups)).toEqual([]);
    });

    it("claim is a compare-and-set; a failed run is claimable again until its attempts run out", async () => {
      const store = await makeStore();
      const a = await company(store);
      const [row] = await store.jobs.insertDue([{ job: "maintenance", category: "maintenance", scheduledFor: base(), companyIds: [a.id] }]);
      const now = Date.now();
      const claimed = await store.jobs.claim(row!.id, now, 3);
      expect(claimed).toMatchObject({ status: "running", attempts: 1, startedAt: now });
      expect(await store.jobs.claim(row!.id, now, 3)).toBeNull();
      await store.jobs.finish(row!.id, { status: "failed", items: 0, error: "boom" }, now + 1);
      expect(await store.jobs.byId(row!.id)).toMatchObject({ status: "failed", error: "boom", finishedAt: now + 1 });
      expect((await store.jobs.claim(row!.id, now + 2, 3))?.attempts).toBe(2);
      await store.jobs.finish(row!.id, { status: "failed", items: 0, error: "boom" }, now + 3);
      expect((await store.jobs.claim(row!.id, now + 4, 3))?.attempts).toBe(3);
      await store.jobs.finish(row!.id, { status: "failed", items: 0, error: "boom" }, now + 5);
      expect(await store.jobs.claim(row!.id, now + 6, 3)).toBeNull();
    });

    it("stuck runs are found, requeued once per sighting, or given up", async () => {
      const store = await makeStore();
      const a = await company(store);
      const [row] = await store.jobs.insertDue([{ job: "template_sync", category: "sync", scheduledFor: base(), companyIds: [a.id] }]);
      const started = Date.now() - 20 * 60_000;
      await store.jobs.claim(row!.id, started, 3);
      const stuck = await store.jobs.stuck(Date.now() - 15 * 60_000, 500);
      expect(stuck.map((s) => s.id)).toContain(row!.id);
      expect(await store.jobs.requeue(row!.id, 1, Date.now())).toBe(true);
      expect(await store.jobs.requeue(row!.id, 0, Date.now())).toBe(false);
      expect((await store.jobs.stuck(Date.now() - 15 * 60_000, 500)).map((s) => s.id)).not.toContain(row!.id);
      expect(await store.jobs.giveUp(row!.id, 1, "timed out", Date.now())).toBe(true);
      expect(await store.jobs.byId(row!.id)).toMatchObject({ status: "failed", error: "timed out" });
    });

    it("list: a tenant sees its runs and the platform's, never another tenant's; filters and keyset paging", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const t = base();
      await store.jobs.insertDue([
        { job: "maintenance", category: "maintenance", scheduledFor: t, companyIds: [a.id, b.id] },
        { job: "template_sync", category: "sync", scheduledFor: t + 60_000, companyIds: [a.id, b.id] },
        { job: "reengagement", category: "reengagement", scheduledFor: t + 120_000, companyIds: [a.id] },
        { job: "alerts", category: "monitoring", scheduledFor: t, companyIds: [0] },
      ]);
      const range = { from: t, to: t + 180_000 };
      const mine = await store.jobs.list(a.id, { ...range, limit: 50 });
      expect(new Set(mine.map((r) => r.companyId))).toEqual(new Set([a.id, 0]));
      expect(mine.some((r) => r.job === "dispatch")).toBe(false);
      expect((await store.jobs.list(a.id, { ...range, category: "sync", limit: 50 })).map((r) => r.job)).toEqual(["template_sync"]);
      const page1 = await store.jobs.list(a.id, { ...range, limit: 2 });
      const page2 = await store.jobs.list(a.id, { ...range, limit: 2, beforeId: page1.at(-1)!.id });
      expect(page1.length).toBe(2);
      expect(page2.length).toBe(2);
      expect(page2.every((r) => r.id < page1.at(-1)!.id)).toBe(true);
      expect((await store.jobs.list(b.id, { ...range, job: "reengagement", limit: 50 })).length).toBe(0);
      expect(new Set((await store.jobs.list(a.id, { ...range, scope: "tenant", limit: 50 })).map((r) => r.companyId))).toEqual(new Set([a.id]));
      expect((await store.jobs.list(a.id, { ...range, scope: "platform", limit: 50 })).map((r) => r.job)).toEqual(["alerts"]);
    });

    it("purges only the company's old runs and resolved old alerts", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      const t = base();
      await store.jobs.insertDue([
        { job: "maintenance", category: "maintenance", scheduledFor: t, companyIds: [a.id, b.id] },
        { job: "maintenance", category: "maintenance", scheduledFor: t + 31 * 86_400_000, companyIds: [a.id] },
      ]);
      expect(await store.jobs.purge(a.id, t + 1)).toBe(1);
      expect((await store.jobs.list(b.id, { job: "maintenance", from: t, to: t + 1, limit: 5 })).length).toBe(1);
      expect(await store.jobs.purgeResolvedAlerts(a.id, Date.now())).toBe(0);
    });

    it("zones of active tenants and the tenants in them", async () => {
      const store = await makeStore();
      const zone = "Asia/Kathmandu";
      const a = await company(store, zone);
      expect(await store.jobs.activeZones()).toContain(zone);
      expect((await store.jobs.activeInZones([zone])).map((r) => r.id)).toContain(a.id);
    });

    it("controls: upsert keeps what a change leaves out, list reads only the companies asked", async () => {
      const store = await makeStore();
      const a = await company(store);
      const b = await company(store);
      await store.jobControls.set(a.id, "maintenance", { cron: "0 4 * * *" }, null, 1);
      const after = await store.jobControls.set(a.id, "maintenance", { paused: true }, 7, 2);
      expect(after).toMatchObject({ companyId: a.id, target: "maintenance", paused: true, cron: "0 4 * * *", updatedBy: 7, updatedAt: 2 });
      await store.jobControls.set(b.id, "*", { paused: true }, null, 3);
      const listed = await store.jobControls.list([a.id]);
      expect(listed.map((c) => c.target)).toEqual(["maintenance"]);
      const paused = await store.jobControls.pausedOn(["*", "maintenance"]);
      expect(
        paused
          .filter((p) => p.companyId === a.id || p.companyId === b.id)
          .map((p) => [p.companyId, p.target])
          .sort(),
      ).toEqual(
        [
          [a.id, "maintenance"],
          [b.id, "*"],
        ].sort(),
      );
      const overrides = await store.jobControls.overrides();
      expect(overrides.find((o) => o.companyId === a.id)).toMatchObject({ target: "maintenance", cron: "0 4 * * *", timeZone: "America/Sao_Paulo" });
      expect(overrides.some((o) => o.companyId === b.id)).toBe(false);
    });
  });
}
