import { env } from "cloudflare:workers";
import { exports } from "cloudflare:workers";
import type { CampaignBatchJob } from "../../src/campaigns/batch-job";
import { jobByName } from "../../src/jobs/table";
import type { JobRun } from "../../src/jobs/types";
import { sha256Hex } from "../../src/lib/crypto";
import type { Company } from "../../src/store/types";
import { api, envWith, seedCompany, store } from "../support/helpers";

export const DAY = 86_400_000;
let seq = 0;
const phone = () => `55119${String(70_000_000 + ++seq * 97 + Math.floor(Math.random() * 90)).padStart(8, "0")}`;

/** A sandbox tenant whose quiet hours never start (a test picks its own instants), unless given. */
export async function tenant(slug: string, quiet = { start: "00:00", end: "00:00" }, profile: Record<string, unknown> = {}): Promise<Company> {
  const company = await seedCompany({ slug });
  await store().profiles.put(company.id, { businessHours: { quiet }, ...profile }, Date.now());
  return company;
}

/** A contact with labels/attributes, its last inbound `daysAgo` days back (null: it never wrote). */
export async function contact(company: Company, opts: { name?: string; labels?: string[]; attrs?: Record<string, unknown>; daysAgo?: number | null; optedOut?: boolean } = {}) {
  const s = store();
  const at = opts.daysAgo === null ? null : Date.now() - (opts.daysAgo ?? 0.1) * DAY;
  const k = at === null ? await s.contacts.ensure(company.id, phone()) : await s.contacts.upsertInbound(company.id, { phone: phone(), name: opts.name ?? "Ana Lima", at });
  if (opts.labels || opts.attrs) await s.contacts.update(company.id, k.id, { attributes: { ...opts.attrs, ...(opts.labels ? { labels: opts.labels } : {}) } });
  if (opts.optedOut) await s.contacts.setOptedOut(company.id, k.id, true);
  return k;
}

export async function appointment(
  company: Company,
  contactId: number,
  opts: { daysAgo: number; status?: "attended" | "no_show" | "cancelled"; service?: string; source?: "whatsapp" | "api" },
) {
  const s = store();
  const start = Date.now() - opts.daysAgo * DAY;
  const { appointment } = await s.appointments.create(company.id, {
    contactId,
    provider: "builtin",
    bookingUid: `camp-${company.id}-${++seq}`,
    startsAt: start,
    endsAt: start + 1_800_000,
    source: opts.source ?? "api",
    bookedAt: start - DAY,
    service: opts.service,
  } as never);
  if (opts.status) await s.appointments.transition(company.id, appointment.id, ["scheduled"], opts.status, start);
  return appointment;
}

/** An integration token of the tenant with these scopes. */
export async function tokenOf(company: Company, scopes = ["*"]): Promise<string> {
  const token = `camp-${company.slug}-${crypto.randomUUID()}`;
  await store().apiTokens.create(company.id, await sha256Hex(token), "campaigns test", { scopes });
  return token;
}

export function asToken(token: string, path: string, init: RequestInit = {}) {
  return exports.default.fetch(`http://localhost${path}`, { ...init, headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...init.headers } });
}

export const json = async <T = Record<string, unknown>>(res: Response | Promise<Response>) => (await (await res).json()) as T;

export async function createCampaign(slug: string, body: Record<string, unknown>) {
  const res = await api("/api/campaigns", {
    method: "POST",
    tenant: slug,
    body: JSON.stringify({ name: "Volte sempre", type: "reactivation", message: "Oi {nome}, saudades! — {empresa}", ...body }),
  });
  if (res.status !== 201) throw new Error(`create ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { campaign: { id: number } }).campaign.id;
}

export const move = (slug: string, id: number, action: string) => api(`/api/campaigns/${id}/${action}`, { method: "POST", tenant: slug });

/** The jobs queue, captured: the batches a run queues, to deliver by hand at chosen instants. */
export function capturingEnv() {
  const queued: { job: CampaignBatchJob; delaySeconds: number }[] = [];
  const q = {
    async send(body: unknown, opts?: { delaySeconds?: number }) {
      queued.push({ job: body as CampaignBatchJob, delaySeconds: opts?.delaySeconds ?? 0 });
    },
    async sendBatch(msgs: { body: unknown; delaySeconds?: number }[]) {
      for (const m of msgs) queued.push({ job: m.body as CampaignBatchJob, delaySeconds: m.delaySeconds ?? 0 });
    },
  };
  return { env: envWith({ JOBS_QUEUE: q }), queued };
}

/** One run of a campaign window for a tenant at `at`, as the dispatcher would build it. */
export function windowRun(e: Env, company: Company, name: "campaigns_morning" | "campaigns_afternoon" | "campaigns_evening", at: number): JobRun {
  const job = jobByName(name);
  if (!job) throw new Error(name);
  return { env: e, store: store(), job, scheduledFor: at, company, pausedTenants: new Set() };
}

export { env };
