import { describe, expect, it } from "vitest";
import { dispatch, forgetZones } from "../../src/jobs/dispatcher";
import { seedCompany, store } from "../support/helpers";
import { env } from "cloudflare:workers";
import { jobsAt, primeBefore, runsOf, tick } from "./support";

const H = 3_600_000;

describe("the dispatcher: the job table on each tenant's clock", () => {
  it("one instant, two zones: São Paulo's 10:00 windows and New York's 08:00 re-engagement, then New York's 10:00", async () => {
    const sp = await seedCompany({ slug: "jd-sp", timeZone: "America/Sao_Paulo" });
    const ny = await seedCompany({ slug: "jd-ny", timeZone: "America/New_York" });
    // Monday 2026-12-07, 13:00Z = 10:00 in São Paulo (UTC−3), 08:00 in New York (UTC−5).
    await primeBefore("2026-12-07T13:00:00Z");
    await tick("2026-12-07T13:00:00Z");
    expect(await jobsAt(sp.id, "2026-12-07T13:00:00Z")).toEqual(["campaigns_morning", "followups_morning", "report_morning"]);
    expect(await jobsAt(ny.id, "2026-12-07T13:00:00Z")).toEqual(["reengagement"]);
    // Platform jobs run once for everyone (company 0), not per tenant.
    expect(await jobsAt(0, "2026-12-07T13:00:00Z")).toEqual(["alerts", "channel_health", "dispatch", "handoff_escalation", "scheduled_messages"]);
    // 15:00Z: New York's 10:00 windows, São Paulo's 12:00 template sync.
    await primeBefore("2026-12-07T15:00:00Z");
    await tick("2026-12-07T15:00:00Z");
    expect(await jobsAt(ny.id, "2026-12-07T15:00:00Z")).toEqual(["campaigns_morning", "followups_morning", "report_morning"]);
    expect(await jobsAt(sp.id, "2026-12-07T15:00:00Z")).toEqual(["template_sync"]);
    // A quiet minute: only the every-minute platform job.
    await tick("2026-12-07T15:01:00Z");
    expect(await jobsAt(sp.id, "2026-12-07T15:01:00Z")).toEqual([]);
    expect(await jobsAt(0, "2026-12-07T15:01:00Z")).toEqual(["dispatch", "scheduled_messages"]);
  });

  it("across New York's DST changes the night jobs stay at their local hour; São Paulo's do not move", async () => {
    const ny = await seedCompany({ slug: "jd-dst-ny", timeZone: "America/New_York" });
    const sp = await seedCompany({ slug: "jd-dst-sp", timeZone: "America/Sao_Paulo" });
    const at = async (iso: string) => {
      await primeBefore(iso);
      await tick(iso);
      return { ny: await jobsAt(ny.id, iso), sp: await jobsAt(sp.id, iso) };
    };
    // Saturday 2026-03-07 (EST, UTC−5): 02:00 local = 07:00Z.
    expect((await at("2026-03-07T07:00:00Z")).ny).toEqual(["scheduling_analysis"]);
    // Sunday 2026-03-08 02:00 does not exist in New York (02:00 EST → 03:00 EDT = 07:00Z): the analysis
    // runs at the jump, with the 03:00 maintenance; Monday 2026-03-09 02:00 EDT = 06:00Z.
    expect((await at("2026-03-08T07:00:00Z")).ny).toEqual(["maintenance", "scheduling_analysis"]);
    expect((await at("2026-03-09T06:00:00Z")).ny).toEqual(["scheduling_analysis"]);
    // São Paulo keeps 05:00Z (02:00 local, no DST) all along.
    expect((await at("2026-03-09T05:00:00Z")).sp).toEqual(["scheduling_analysis"]);
    // Fall back, Sunday 2026-11-01: 01:00–02:00 happens twice and runs nothing twice; the analysis moves
    // from 06:00Z (02:00 EDT the day before) to 07:00Z (02:00 EST).
    expect((await at("2026-10-31T06:00:00Z")).ny).toEqual(["scheduling_analysis"]);
    expect((await at("2026-11-01T06:00:00Z")).ny).toEqual([]);
    expect((await at("2026-11-01T07:00:00Z")).ny).toEqual(["scheduling_analysis"]);
    expect((await at("2026-11-01T08:00:00Z")).ny).toEqual(["maintenance"]);
  });

  it("a doubled trigger dispatches nothing twice; a missed one is caught up once per job", async () => {
    const co = await seedCompany({ slug: "jd-double", timeZone: "Europe/Lisbon" });
    await primeBefore("2028-01-10T09:00:00Z");
    const t = Date.parse("2028-01-10T09:00:00Z"); // Monday 09:00 in Lisbon (UTC+0): the weekly report
    const first = await dispatch(env, store(), t);
    const again = await dispatch(env, store(), t + 15_000); // the same minute, delivered twice
    expect(first).toMatchObject({ doubled: false, cursor: t - 60_000 });
    expect(first.queued).toBeGreaterThan(0);
    expect(again).toMatchObject({ doubled: true, queued: 0 });
    await tick(t);
    expect(await jobsAt(co.id, "2028-01-10T09:00:00Z")).toEqual(["report_weekly"]);

    // No trigger for 3 h (09:00 → 12:00): each job once, at its latest instant, never per missed minute.
    await tick(t + 3 * H);
    expect((await runsOf(0, "scheduled_messages", t, t + 3 * H)).map((r) => r.scheduled_for)).toEqual([t + 3 * H]);
    expect((await runsOf(0, "channel_health", t, t + 3 * H)).map((r) => r.scheduled_for)).toEqual([t + 3 * H]);
    expect((await runsOf(0, "handoff_escalation", t, t + 3 * H)).length).toBe(1);
    // Lisbon's 10:00 windows (campaigns, follow-ups, report) fell in the gap: caught up once each, at 10:00.
    for (const job of ["campaigns_morning", "followups_morning", "report_morning"])
      expect(
        (await runsOf(co.id, job, t, t + 3 * H)).map((r) => r.scheduled_for),
        job,
      ).toEqual([t + H]);
    expect((await runsOf(co.id, "template_sync", t, t + 3 * H)).map((r) => r.scheduled_for)).toEqual([t + 3 * H]);
  });

  it("a tick that fails half-way gives its window back: the next tick catches it up", async () => {
    const co = await seedCompany({ slug: "jd-fault", timeZone: "Asia/Tokyo" });
    // Monday 2028-01-17 10:00 in Tokyo (UTC+9) = 01:00Z.
    await primeBefore("2028-01-17T01:00:00Z");
    const t = Date.parse("2028-01-17T01:00:00Z");
    const real = store();
    // The outside-world failure a tick can meet: the database refusing one read.
    const failing = { ...real, jobs: { ...real.jobs, activeInZones: async () => Promise.reject(new Error("D1_ERROR: network connection lost")) } };
    await expect(dispatch(env, failing, t)).rejects.toThrow(/network connection lost/);
    expect(await jobsAt(co.id, "2028-01-17T01:00:00Z")).toEqual([]);
    await tick(t + 60_000);
    expect(await jobsAt(co.id, "2028-01-17T01:00:00Z")).toEqual(["campaigns_morning", "followups_morning", "report_morning"]);
  });

  it("pause switches: global category, tenant everything, tenant category, tenant job; an override moves one tenant's job", async () => {
    const [a, b, c, d] = await Promise.all(["a", "b", "c", "d"].map((x) => seedCompany({ slug: `jd-pause-${x}`, timeZone: "America/Sao_Paulo" })));
    const s = store();
    await s.jobControls.set(0, "campaign", { paused: true }, null, Date.now());
    await s.jobControls.set(b!.id, "*", { paused: true }, null, Date.now());
    await s.jobControls.set(c!.id, "report", { paused: true }, null, Date.now());
    await s.jobControls.set(d!.id, "followups_morning", { paused: true }, null, Date.now());
    await s.jobControls.set(d!.id, "maintenance", { cron: "30 4 * * *" }, null, Date.now());
    try {
      // Tuesday 2028-01-11 10:00 in São Paulo = 13:00Z.
      await primeBefore("2028-01-11T13:00:00Z");
      await tick("2028-01-11T13:00:00Z");
      expect(await jobsAt(a!.id, "2028-01-11T13:00:00Z")).toEqual(["followups_morning", "report_morning"]);
      expect(await jobsAt(b!.id, "2028-01-11T13:00:00Z")).toEqual([]);
      expect(await jobsAt(c!.id, "2028-01-11T13:00:00Z")).toEqual(["followups_morning"]);
      expect(await jobsAt(d!.id, "2028-01-11T13:00:00Z")).toEqual(["report_morning"]);
      // d's maintenance runs at its own 04:30 (07:30Z), not the table's 03:00 (06:00Z) like a's.
      await primeBefore("2028-01-12T06:00:00Z");
      await tick("2028-01-12T06:00:00Z");
      expect(await jobsAt(a!.id, "2028-01-12T06:00:00Z")).toEqual(["maintenance"]);
      expect(await jobsAt(d!.id, "2028-01-12T06:00:00Z")).toEqual([]);
      await primeBefore("2028-01-12T07:30:00Z");
      await tick("2028-01-12T07:30:00Z");
      expect(await jobsAt(d!.id, "2028-01-12T07:30:00Z")).toEqual(["maintenance"]);
      expect(await jobsAt(a!.id, "2028-01-12T07:30:00Z")).toEqual([]);
    } finally {
      await s.jobControls.set(0, "campaign", { paused: false }, null, Date.now());
      forgetZones();
    }
  });
});
