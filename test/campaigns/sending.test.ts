import { describe, expect, it } from "vitest";
import { runCampaignBatch } from "../../src/campaigns/send";
import { runCampaignWindow } from "../../src/campaigns/window";
import { HANDLERS } from "../../src/jobs/handlers";
import type { Company, Contact } from "../../src/store/types";
import { api, eventually, store } from "../support/helpers";
import { sqlRows } from "../support/sql";
import { capturingEnv, contact, createCampaign, DAY, json, move, tenant, windowRun } from "./support";

const MIN = 60_000;
const schedule = (c: Company, id: number) => store().campaigns.schedule(c.id, id);
describe("campaign windows and batches", () => {
  it("registers the three window jobs", () => {
    expect(HANDLERS.campaigns_morning).toBe(runCampaignWindow);
    expect(HANDLERS.campaigns_afternoon).toBe(runCampaignWindow);
    expect(HANDLERS.campaigns_evening).toBe(runCampaignWindow);
  });

  it("spaces recipients by the throttle, sends a minute's worth per batch, and completes", async () => {
    const a = await tenant("camp-send-throttle");
    const contacts: Contact[] = [];
    for (let i = 0; i < 5; i++) contacts.push(await contact(a, { labels: ["reativar"], name: `Cliente ${i}` }));
    const id = await createCampaign(a.slug, { audience: { labels: ["reativar"] }, throttle_per_minute: 2 });
    expect((await move(a.slug, id, "schedule")).status).toBe(200);
    const { env, queued } = capturingEnv();
    const t0 = Date.now();
    const first = await runCampaignWindow(windowRun(env, a, "campaigns_morning", t0));
    expect(first.items).toBe(2);
    const spacing = (await schedule(a, id)).map((r) => r.dueAt - t0);
    expect(spacing).toEqual([0, 30_000, 60_000, 90_000, 120_000]);
    expect(queued).toHaveLength(1);
    expect(queued[0]?.delaySeconds).toBe(60);
    // The next minute's batch: two more; the one after: the last, and the campaign completes.
    const second = await runCampaignBatch(env, store(), queued[0]!.job, t0 + MIN);
    expect(second).toEqual({ sent: 2, skipped: 0 });
    const third = await runCampaignBatch(env, store(), queued[1]!.job, t0 + 2 * MIN);
    expect(third).toMatchObject({ sent: 1, stopped: "completed" });
    expect(queued).toHaveLength(2);
    const detail = await json<{ campaign: { status: string; progress: { sent: number; percent: number } } }>(api(`/api/campaigns/${id}`, { tenant: a.slug }));
    expect(detail.campaign).toMatchObject({ status: "completed", progress: { sent: 5, percent: 100 } });
    // Every contact got its text, with the variables filled in, through the outbox.
    await eventually(async () => {
      const list = await json<{ messages: { text: string; status: string }[] }>(api(`/api/sandbox/${a.slug}/outbox?contact_id=${contacts[3]!.id}`));
      expect(list.messages.map((m) => m.text)).toEqual([`Oi Cliente, saudades! — ${a.name}`]);
    });
  });

  it("sends a campaign only in the window of its type, and nothing in quiet hours", async () => {
    const a = await tenant("camp-send-window");
    await contact(a, { labels: ["promo"] });
    const offer = await createCampaign(a.slug, { type: "offer", audience: { labels: ["promo"] } });
    await move(a.slug, offer, "schedule");
    const { env } = capturingEnv();
    const morning = await runCampaignWindow(windowRun(env, a, "campaigns_morning", Date.now()));
    expect(morning).toMatchObject({ items: 0, status: "skipped" });
    expect((await store().campaigns.byId(a.id, offer))?.status).toBe("scheduled");
    expect(await schedule(a, offer)).toEqual([]);
    // A start in the future waits even in its own window.
    const later = await createCampaign(a.slug, { type: "offer", audience: { labels: ["promo"] }, starts_at: new Date(Date.now() + 2 * DAY).toISOString() });
    await move(a.slug, later, "schedule");
    const afternoon = await runCampaignWindow(windowRun(env, a, "campaigns_afternoon", Date.now()));
    expect(afternoon.items).toBe(1);
    expect((await store().campaigns.byId(a.id, later))?.status).toBe("scheduled");

    // Quiet hours all day long: the window sends nothing, a batch already queued stops.
    const q = await tenant("camp-send-quiet", { start: "00:00", end: "23:59" });
    await contact(q, { labels: ["promo"] });
    await contact(q, { labels: ["promo"] });
    const id = await createCampaign(q.slug, { type: "offer", audience: { labels: ["promo"] } });
    await move(q.slug, id, "schedule");
    expect(await runCampaignWindow(windowRun(env, q, "campaigns_afternoon", Date.now()))).toMatchObject({ items: 0, status: "skipped", note: "quiet hours" });
    expect(await schedule(q, id)).toEqual([]);
  });

  it("pauses at the next batch, resumes spaced from now, cancels for good; illegal moves are 409", async () => {
    const a = await tenant("camp-send-pause");
    for (let i = 0; i < 4; i++) await contact(a, { labels: ["pausa"] });
    const id = await createCampaign(a.slug, { audience: { labels: ["pausa"] }, throttle_per_minute: 1 });
    expect((await move(a.slug, id, "pause")).status).toBe(409);
    expect((await move(a.slug, id, "resume")).status).toBe(409);
    await move(a.slug, id, "schedule");
    expect(await json(move(a.slug, id, "schedule"))).toMatchObject({ error: { code: "campaign_not_draft" } });
    const { env, queued } = capturingEnv();
    const t0 = Date.now();
    expect((await runCampaignWindow(windowRun(env, a, "campaigns_morning", t0))).items).toBe(1);
    expect((await move(a.slug, id, "pause")).status).toBe(200);
    expect((await api(`/api/campaigns/${id}`, { method: "PUT", tenant: a.slug, body: JSON.stringify({ name: "outro" }) })).status).toBe(409);
    expect(await runCampaignBatch(env, store(), queued[0]!.job, t0 + MIN)).toMatchObject({ sent: 0, stopped: "not_running" });
    // Resumed: the pending keep their spacing (none falls due in the past), and the real jobs queue
    // runs the new chain's first batch at once: the second recipient goes.
    const resumed = await json<{ campaign: { status: string } }>(move(a.slug, id, "resume"));
    expect(resumed.campaign.status).toBe("running");
    await eventually(async () => expect((await schedule(a, id)).filter((r) => r.status === "sent")).toHaveLength(2));
    // A later window finds it still running with recipients left: they are spaced again from that window's instant.
    const t1 = t0 + DAY;
    await runCampaignWindow(windowRun(env, a, "campaigns_morning", t1));
    const rows = await schedule(a, id);
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(3);
    expect(rows.filter((r) => r.status === "pending").map((r) => r.dueAt - t1)).toEqual([MIN]);
    expect((await move(a.slug, id, "cancel")).status).toBe(200);
    // What was left is skipped as cancelled: the progress is complete, the results say why.
    const cancelled = await json<{ campaign: { progress: { pending: number; percent: number } }; results: { skip_reasons: Record<string, number> } }>(
      api(`/api/campaigns/${id}`, { tenant: a.slug }),
    );
    expect(cancelled.campaign.progress).toMatchObject({ pending: 0, percent: 100 });
    expect(cancelled.results.skip_reasons).toEqual({ cancelled: 1 });
    expect(await json(move(a.slug, id, "cancel"))).toMatchObject({ error: { code: "campaign_finished" } });
    expect(await json(move(a.slug, id, "resume"))).toMatchObject({ error: { code: "campaign_not_paused" } });
    const audit = await json<{ entries?: { action: string }[]; audit?: { action: string }[] }>(api("/api/audit", { tenant: a.slug }));
    const actions = JSON.stringify(audit);
    for (const act of ["campaign.schedule", "campaign.pause", "campaign.resume", "campaign.cancel"]) expect(actions).toContain(act);
  });

  it("a redelivered batch or a retried window sends nothing twice", async () => {
    const a = await tenant("camp-send-redeliver");
    for (let i = 0; i < 9; i++) await contact(a, { labels: ["dup"] });
    const id = await createCampaign(a.slug, { audience: { labels: ["dup"] }, throttle_per_minute: 3 });
    await move(a.slug, id, "schedule");
    const { env, queued } = capturingEnv();
    const t0 = Date.now();
    expect((await runCampaignWindow(windowRun(env, a, "campaigns_morning", t0))).items).toBe(3);
    // The window run retried (a crash after sending): the lease passes to it, the claims hold.
    expect((await runCampaignWindow(windowRun(env, a, "campaigns_morning", t0))).items).toBe(0);
    const job = queued[queued.length - 1]!.job;
    const [once, again] = [await runCampaignBatch(env, store(), job, t0 + MIN), await runCampaignBatch(env, store(), job, t0 + MIN)];
    expect(once.sent).toBe(3);
    expect(again).toMatchObject({ sent: 0, stopped: "lease_held" });
    // An old batch of the first run's chain is no longer the lease holder either.
    expect(await runCampaignBatch(env, store(), queued[0]!.job, t0 + MIN)).toMatchObject({ sent: 0, stopped: "lease_held" });
    expect(await runCampaignBatch(env, store(), queued[queued.length - 1]!.job, t0 + 2 * MIN)).toEqual({ sent: 3, skipped: 0, stopped: "completed" });
    const rows = await schedule(a, id);
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(9);
    // One stored message per recipient, whatever was redelivered.
    const stored = await sqlRows<{ n: number }>("SELECT count(*) AS n FROM messages WHERE company_id = ? AND purpose = 'campaign'", a.id);
    expect(Number(stored[0]?.n)).toBe(9);
  });
});
