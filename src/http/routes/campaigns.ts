import { Hono, type Context } from "hono";
import * as z from "../../lib/zod";
import { Audience, audienceQuery, CampaignBody, CampaignTemplateBody, THROTTLE } from "../../campaigns/audience";
import type { CampaignBatchJob } from "../../campaigns/batch-job";
import { queueBatch, runCampaignBatch } from "../../campaigns/send";
import { runCampaignWindow } from "../../campaigns/window";
import { jobByName } from "../../jobs/table";
import { costs, metering } from "../../lib/cost-meter";
import { campaignView, VIEW } from "../../campaigns/view";
import { AppError } from "../../lib/errors";
import { parseWallTime } from "../../outreach/send-at";
import { maskPhone } from "../../lib/phone";
import type { Campaign, CampaignStatus, NewCampaign } from "../../store/types";
import { inQuietHours } from "../../tenants/business-hours";
import { loadTenant } from "../../tenants/tenant-cache";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, pathId, queryParams } from "../openapi/validate";
import type { AppEnv } from "../types";

/**
 * Campaigns: an audience (previewed before creating), a message with variables, a type that names its
 * window, a throttle. draft → scheduled → running → completed; paused and cancelled on the way.
 * Sending happens in the campaign windows (campaigns/window.ts), never from these routes, except that
 * resuming a campaign that had started goes on at once.
 */
export const campaigns = new Hono<AppEnv>();
campaigns.use("/api/campaigns", requireCaller);
campaigns.use("/api/campaigns/*", requireCaller);
const doc = describer({ tag: "Campaigns", auth: "admin", resource: "campaigns" });

const BOOKED_WITHIN_MS = 7 * 86_400_000;
const SAMPLE = 10;
const NOT_FOUND = "`campaign_not_found`: no such campaign in the caller's tenant";
const notFound = () => new AppError(404, "campaign_not_found", "No such campaign in this tenant");
const campaignId = pathId("Campaign");
const STARTS_AT =
  '`starts_at_invalid`: not a local "YYYY-MM-DDTHH:MM" (the tenant\'s clock) nor an ISO instant with its offset; `starts_at_nonexistent`: a time the DST change skips';

const startsAtOf = (value: string | null | undefined, timeZone: string) => (value ? parseWallTime(value, timeZone, "starts_at") : null);

const toNew = (b: z.infer<typeof CampaignBody>, timeZone: string, createdBy: number | null): NewCampaign => ({
  name: b.name,
  type: b.type,
  audience: b.audience,
  message: b.message,
  template: b.template ?? null,
  startsAt: startsAtOf(b.starts_at, timeZone),
  throttlePerMinute: b.throttle_per_minute,
  createdBy,
});

const Preview = z.strictObject({ audience: Audience.default(Audience.parse({})) });

campaigns.post(
  "/api/campaigns/preview",
  doc({
    permission: "campaigns:read",
    summary: "How many contacts an audience holds now, and up to 10 of them (phones masked)",
    responses: { 200: { description: "`{count, sample: [{id, name, phone}]}`; opted-out contacts and those with a person are never counted" } },
  }),
  jsonBody(Preview),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const { audience } = c.req.valid("json");
    const found = await c.get("store").campaigns.preview(company.id, audienceQuery(audience), Date.now(), SAMPLE);
    return c.json({ count: found.count, sample: found.sample.map((k) => ({ id: k.id, name: k.name, phone: maskPhone(k.phone) })) });
  },
);

campaigns.post(
  "/api/campaigns",
  doc({
    summary: "Creates a campaign (a draft; schedule it to send)",
    responses: { 201: { description: `\`{campaign: ${VIEW}}\`` } },
    errors: { 422: STARTS_AT },
  }),
  jsonBody(CampaignBody),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const b = c.req.valid("json");
    // The audience is stored as given (snake_case): the API reads it back as it was sent.
    const created = await c.get("store").campaigns.create(company.id, toNew(b, company.timeZone, c.get("caller").userId), Date.now());
    await audit(c, company.id, { action: "campaign.create", target: `campaign:${created.id}`, detail: { name: created.name, type: created.type } });
    return c.json({ campaign: campaignView(created, undefined) }, 201);
  },
);

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

campaigns.get(
  "/api/campaigns",
  doc({ summary: "The tenant's campaigns, newest first, with their progress", responses: { 200: { description: `\`{campaigns: [${VIEW}]}\`` } } }),
  queryParams(ListQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const list = await store.campaigns.list(company.id, { limit: c.req.valid("query").limit });
    const progress = await store.campaigns.progress(
      company.id,
      list.map((k) => k.id),
    );
    return c.json({
      campaigns: list.map((k) =>
        campaignView(
          k,
          progress.find((p) => p.campaignId === k.id),
        ),
      ),
    });
  },
);

campaigns.get(
  "/api/campaigns/:id",
  doc({
    summary: "A campaign with its progress and results",
    responses: {
      200: {
        description: `\`{campaign: ${VIEW}, results: {sent, delivered, read, replied, booked, opted_out, held, failed, skipped, skip_reasons}}\`: replied is a message from the contact after the send; booked an appointment they made within 7 days of it`,
      },
    },
    errors: { 404: NOT_FOUND },
  }),
  campaignId,
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const id = c.req.valid("param").id;
    const campaign = await store.campaigns.byId(company.id, id);
    if (!campaign) throw notFound();
    const [[progress], r] = await Promise.all([store.campaigns.progress(company.id, [id]), store.campaigns.results(company.id, id, BOOKED_WITHIN_MS)]);
    return c.json({
      campaign: campaignView(campaign, progress),
      results: {
        sent: r.sent,
        delivered: r.delivered,
        read: r.read,
        replied: r.replied,
        booked: r.booked,
        opted_out: r.optedOut,
        held: r.held,
        failed: r.failed,
        skipped: r.skipped,
        skip_reasons: r.skipReasons,
      },
    });
  },
);

/** What PUT may change: any field, none defaulted (a field left out keeps its value). */
const Update = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  type: CampaignBody.shape.type.optional(),
  audience: Audience.optional(),
  message: z.string().trim().min(1).max(1000).optional(),
  template: CampaignTemplateBody.nullable().optional(),
  starts_at: CampaignBody.shape.starts_at,
  throttle_per_minute: z.number().int().min(THROTTLE.min).max(THROTTLE.max).optional(),
});

campaigns.put(
  "/api/campaigns/:id",
  doc({
    summary: "Changes a draft or scheduled campaign",
    responses: { 200: { description: `\`{campaign: ${VIEW}}\`` } },
    errors: { 404: NOT_FOUND, 409: "`campaign_locked`: it started (or ended); pause does not unlock it", 422: STARTS_AT },
  }),
  campaignId,
  jsonBody(Update),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const id = c.req.valid("param").id;
    const b = c.req.valid("json");
    const patch: Partial<NewCampaign> = {};
    if (b.name !== undefined) patch.name = b.name;
    if (b.type !== undefined) patch.type = b.type;
    if (b.audience !== undefined) patch.audience = b.audience;
    if (b.message !== undefined) patch.message = b.message;
    if (b.template !== undefined) patch.template = b.template;
    if (b.starts_at !== undefined) patch.startsAt = startsAtOf(b.starts_at, company.timeZone);
    if (b.throttle_per_minute !== undefined) patch.throttlePerMinute = b.throttle_per_minute;
    const updated = await store.campaigns.update(company.id, id, patch, ["draft", "scheduled"], Date.now());
    if (!updated) throw (await store.campaigns.byId(company.id, id)) ? new AppError(409, "campaign_locked", "Only a draft or scheduled campaign can be changed") : notFound();
    return c.json({ campaign: campaignView(updated, undefined) });
  },
);

type Move = { summary: string; from: CampaignStatus[]; code: string; message: string; to: (k: Campaign) => CampaignStatus };
const MOVES: Record<"schedule" | "pause" | "resume" | "cancel", Move> = {
  schedule: {
    summary: "Schedules a draft: it goes out in the next window of its type at or after starts_at",
    from: ["draft"],
    to: () => "scheduled",
    code: "campaign_not_draft",
    message: "Only a draft can be scheduled",
  },
  pause: {
    summary: "Pauses a campaign: the next batch stops",
    from: ["scheduled", "running"],
    to: () => "paused",
    code: "campaign_not_active",
    message: "Only a scheduled or running campaign can be paused",
  },
  resume: {
    summary: "Resumes a paused campaign: a started one goes on at once (outside quiet hours), one not yet started waits for its window",
    from: ["paused"],
    to: (k) => (k.startedAt === null ? "scheduled" : "running"),
    code: "campaign_not_paused",
    message: "Only a paused campaign can be resumed",
  },
  cancel: {
    summary: "Cancels a campaign: nothing more is sent",
    from: ["draft", "scheduled", "running", "paused"],
    to: () => "cancelled",
    code: "campaign_finished",
    message: "The campaign already completed or was cancelled",
  },
};

for (const [action, move] of Object.entries(MOVES)) {
  campaigns.post(
    `/api/campaigns/:id/${action}`,
    doc({
      summary: move.summary,
      responses: { 200: { description: `\`{campaign: ${VIEW}}\`` } },
      errors: { 404: NOT_FOUND, 409: `\`${move.code}\`: ${move.message}` },
    }),
    campaignId,
    async (c) => {
      const company = callerCompany(c.get("caller"));
      const store = c.get("store");
      const id = c.req.valid("param").id;
      const campaign = await store.campaigns.byId(company.id, id);
      if (!campaign) throw notFound();
      const now = Date.now();
      const to = move.to(campaign);
      const stamps = to === "cancelled" ? { finishedAt: now } : {};
      if (!move.from.includes(campaign.status) || !(await store.campaigns.transition(company.id, id, move.from, to, now, stamps)))
        throw new AppError(409, move.code, move.message, { status: campaign.status });
      await audit(c, company.id, { action: `campaign.${action}`, target: `campaign:${id}`, detail: { from: campaign.status, to } });
      if (to === "running") await goOn(c, company.id, id, now);
      // A batch already past its status check may still send its minute; nothing after it will.
      if (to === "cancelled") await store.campaigns.skipPending(company.id, id, "cancelled");
      const after = await store.campaigns.byId(company.id, id);
      const [progress] = await store.campaigns.progress(company.id, [id]);
      return c.json({ campaign: campaignView(after ?? campaign, progress) });
    },
  );
}

/** A resumed campaign that had started: spaced again from now, and its batch chain started (unless quiet hours). */
async function goOn(c: Context<AppEnv>, companyId: number, id: number, now: number) {
  const store = c.get("store");
  const tenant = await loadTenant(store, companyId);
  if (!tenant || inQuietHours(tenant.profile.businessHours, tenant.company.timeZone, now)) return;
  await store.campaigns.respace(companyId, id, now);
  const current = await store.campaigns.byId(companyId, id);
  if (current?.status === "running") await queueBatch(c.env, companyId, id, current.updatedAt, 0);
}

/**
 * bench/campaigns.mjs drives one campaign through its window run and its batches at simulated instants
 * (the jobs queue captured, so the next batch is handed back instead of waiting a real minute), with
 * what each step cost. 404 unless COST_METER=true, like the rest of /__bench.
 */
campaigns.post("/__bench/campaigns/step", async (c) => {
  if (!metering(c.env)) throw new AppError(404, "not_found", "No such route");
  const body = (await c.req.json()) as { company: string; campaign_id: number; at: number; job?: CampaignBatchJob; read?: boolean };
  const store = c.get("store");
  const company = await store.companies.bySlug(body.company);
  const job = jobByName("campaigns_morning");
  if (!company || !job) throw new AppError(404, "not_found", "No such tenant");
  if (body.read) return c.json({ schedule: await store.campaigns.schedule(company.id, body.campaign_id) });
  const queued: CampaignBatchJob[] = [];
  const jobsQueue = {
    send: async (b: unknown) => void queued.push(b as CampaignBatchJob),
    sendBatch: async (ms: { body: unknown }[]) => void queued.push(...ms.map((m) => m.body as CampaignBatchJob)),
  };
  const env = Object.create(c.env, { JOBS_QUEUE: { value: jobsQueue } }) as Env;
  const before = { ...costs };
  const result = body.job
    ? await runCampaignBatch(env, store, body.job, body.at)
    : await runCampaignWindow({ env, store, job, scheduledFor: body.at, company, pausedTenants: new Set() });
  const spent = {
    d1_statements: costs.d1Statements - before.d1Statements,
    d1_round_trips: costs.d1RoundTrips - before.d1RoundTrips,
    queue_messages: costs.queueMessages - before.queueMessages,
  };
  return c.json({ result, next: queued[0] ?? null, ...spent });
});
