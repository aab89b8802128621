import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { followupWindow, maintenance } from "../../src/jobs/builtin";
import { HANDLERS } from "../../src/jobs/handlers";
import { cronIn, cronProblem, latestDue, nextFollowupWindow } from "../../src/jobs/schedule";
import { JOB_NAMES, JOBS, type JobDef, jobByName } from "../../src/jobs/table";
import type { JobRun } from "../../src/jobs/types";
import { seedCompany, store } from "../support/helpers";
import { sqlCount } from "../support/sql";

const TABLE = JOBS as readonly JobDef[];
const MIN = 60_000;

describe("the job table", () => {
  it("outside the campaign windows only attendance runs: every minute of a week, in two zones", () => {
    for (const zone of ["America/Sao_Paulo", "Europe/Lisbon"]) {
      const start = Date.parse("2026-12-07T00:00:00Z");
      const seen = new Set<string>();
      for (let t = start; t < start + 7 * 24 * 60 * MIN; t += MIN) {
        const campaigns = TABLE.filter((j) => j.category === "campaign" && cronIn(j.cron, zone).match(new Date(t)));
        if (!campaigns.length) continue;
        const local = new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(t);
        for (const c of campaigns) seen.add(`${local} ${c.name}`);
      }
      expect([...seen].sort(), zone).toEqual(
        ["Mon", "Tue", "Wed", "Thu", "Fri"].flatMap((d) => [`${d} 10:00 campaigns_morning`, `${d} 14:00 campaigns_afternoon`, `${d} 17:00 campaigns_evening`]).sort(),
      );
    }
    // The attendance path (scheduled messages, health, handoffs) is never paused by a window.
    expect(TABLE.filter((j) => j.scope === "platform").map((j) => j.cron)).toEqual(["* * * * *", "*/5 * * * *", "*/30 * * * *", "*/15 * * * *"]);
  });

  it("every handler registered is a job of the table, and every cron parses", () => {
    for (const name of Object.keys(HANDLERS)) expect(JOB_NAMES).toContain(name);
    for (const j of TABLE) expect(cronProblem(j.cron), j.name).toBeNull();
  });

  it("every job of the table has a handler", () => {
    expect(JOB_NAMES.filter((n) => !HANDLERS[n])).toEqual([]);
  });

  it("cron checks refuse what the dispatcher cannot run", () => {
    expect(cronProblem("0 3 * * *")).toBeNull();
    expect(cronProblem("0 0 3 * * *")).toMatch(/five fields/);
    expect(cronProblem("bad cron here x y")).not.toBeNull();
    expect(cronProblem("")).not.toBeNull();
  });

  it("latestDue: the latest instant in (from, to], never the one at `from`", () => {
    const t = Date.parse("2026-12-07T13:00:00Z");
    expect(latestDue("0 10 * * 1-5", "America/Sao_Paulo", t - MIN, t)).toBe(t);
    expect(latestDue("0 10 * * 1-5", "America/Sao_Paulo", t, t + MIN)).toBeNull();
    expect(latestDue("*/5 * * * *", "UTC", t - 3 * 60 * MIN, t)).toBe(t);
  });

  it("follow-ups go out in the next window (10:00 / 16:00 Mon–Fri, local) at or after the delay", () => {
    const sp = "America/Sao_Paulo";
    const at = (iso: string) => new Date(nextFollowupWindow(sp, Date.parse(iso))).toISOString();
    expect(at("2026-12-07T11:00:00Z")).toBe("2026-12-07T13:00:00.000Z"); // Mon 08:00 → 10:00
    expect(at("2026-12-07T13:00:00Z")).toBe("2026-12-07T13:00:00.000Z"); // exactly 10:00
    expect(at("2026-12-07T13:00:01Z")).toBe("2026-12-07T19:00:00.000Z"); // after 10:00 → 16:00
    expect(at("2026-12-11T20:00:00Z")).toBe("2026-12-14T13:00:00.000Z"); // Fri 17:00 → Mon 10:00
    // New York across the spring change: Friday 17:00 EST → Monday 10:00 EDT (14:00Z).
    expect(new Date(nextFollowupWindow("America/New_York", Date.parse("2026-03-06T22:00:00Z"))).toISOString()).toBe("2026-03-09T14:00:00.000Z");
  });
});

describe("built-in handlers, run directly with a JobRun", () => {
  const runFor = async (job: string, companyId: number, scheduledFor: number): Promise<JobRun> => ({
    env,
    store: store(),
    job: jobByName(job)!,
    scheduledFor,
    company: (await store().companies.byId(companyId))!,
    pausedTenants: new Set(),
  });

  it("maintenance purges this tenant's runs older than 30 days and nobody else's", async () => {
    const a = await seedCompany({ slug: "jt-maint-a" });
    const b = await seedCompany({ slug: "jt-maint-b" });
    const now = Date.parse("2031-01-01T06:00:00Z");
    const old = now - 31 * 24 * 60 * MIN;
    await store().jobs.insertDue([
      { job: "template_sync", category: "sync", scheduledFor: old, companyIds: [a.id, b.id] },
      { job: "template_sync", category: "sync", scheduledFor: now - 60 * MIN, companyIds: [a.id] },
    ]);
    const result = await maintenance(await runFor("maintenance", a.id, now));
    expect(result.items).toBe(1);
    expect(result.note).toMatch(/Durable Object/);
    expect((await store().jobs.list(a.id, { job: "template_sync", from: old - 1, to: now, limit: 10 })).filter((r) => r.companyId === a.id).length).toBe(1);
    expect((await store().jobs.list(b.id, { job: "template_sync", from: old - 1, to: old + 1, limit: 10 })).length).toBe(1);
    // Idempotent: a retry purges nothing more.
    expect((await maintenance(await runFor("maintenance", a.id, now))).items).toBe(0);
  });

  it("a follow-up window sweeps due follow-ups still pending, once; not yet due ones wait", async () => {
    const co = await seedCompany({ slug: "jt-fu" });
    const s = store();
    const contact = await s.contacts.upsertInbound(co.id, { phone: "5511987659001", name: "Ana", at: Date.now() - 60 * MIN });
    const start = Date.now() - 3 * 60 * MIN;
    const { appointment } = await s.appointments.create(co.id, {
      contactId: contact.id,
      provider: "builtin",
      bookingUid: `jt-fu-${crypto.randomUUID()}`,
      startsAt: start,
      endsAt: start + 30 * MIN,
      source: "api",
      bookedAt: start - 24 * 60 * MIN,
    });
    await s.appointments.transition(co.id, appointment.id, ["scheduled"], "attended", start + 30 * MIN);
    const window = Date.now();
    const [due, later] = await s.appointmentTasks.ensure(co.id, appointment.id, [
      { kind: "followup", offsetMinutes: 0, dueAt: window - MIN },
      { kind: "followup", offsetMinutes: 1, dueAt: window + 6 * 60 * MIN },
    ]);
    const first = await followupWindow(await runFor("followups_afternoon", co.id, window));
    expect(first.items).toBe(1);
    expect((await s.appointmentTasks.byId(co.id, due!.id))?.status).toBe("done");
    expect((await s.appointmentTasks.byId(co.id, later!.id))?.status).toBe("pending");
    // The DO alarm (or a retried run) finds it done: nothing is sent twice.
    expect((await followupWindow(await runFor("followups_afternoon", co.id, window))).items).toBe(0);
    expect(await sqlCount("SELECT count(*) AS n FROM messages WHERE company_id = ? AND client_ref = ?", co.id, `task:${due!.id}`)).toBe(1);
  });
});
