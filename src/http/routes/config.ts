import { Hono, type Context } from "hono";
import * as z from "../../lib/zod";
import { generateReply } from "../../conversation/reply-engine";
import { PROVIDER_NAMES } from "../../ai/types";
import { turnIntent } from "../../conversation/burst";
import { detectSentiment } from "../../conversation/sentiment";
import { AppError } from "../../lib/errors";
import { sealSecret } from "../../lib/secret-box";
import { sanitizeText } from "../../lib/text";
import { AiSettings, CompanyProfile, HandoffSettings, Knowledge, readProfile, Templates, Tone } from "../../tenants/profile";
import { tenantStub } from "../../tenants/stubs";
import { callerCompany, requireCaller, audit, can } from "../auth";
import { permissionsOf } from "../../tenants/roles";
import { describer } from "../openapi/meta";
import { jsonBody } from "../openapi/validate";
import type { AppEnv } from "../types";
import { configChanged } from "../../tenants/tenant-cache";
import { BusinessHours, BusinessHoursUpdate, businessHoursProblems } from "../../tenants/business-hours";

/** The tenant's assistant settings: business knowledge, tone, LLM, approved templates, handoff rules. */
export const config = new Hono<AppEnv>();
config.use("/api/me", requireCaller);
config.use("/api/config", requireCaller);
config.use("/api/config/*", requireCaller);
const doc = describer({ tag: "Config", auth: "admin", resource: "config" });

/** Who the token is: the panel's sign-in check, and what it needs to know of the tenant. */
config.get(
  "/api/me",
  doc({
    permission: "signed-in",
    summary: "Who the token is (the panel's sign-in check)",
    responses: { 200: { description: "`{kind, role, permissions, company: {slug, name, channel, time_zone, locale, status} | null}`" } },
  }),
  (c) => {
    const caller = c.get("caller");
    const co = caller.company;
    return c.json({
      kind: caller.kind,
      role: caller.role,
      permissions: caller.scopes ? permissionsOf("owner").filter((p) => can(caller, p)) : permissionsOf(caller.role),
      company: co ? { slug: co.slug, name: co.name, channel: co.channel, time_zone: co.timeZone, locale: co.locale, status: co.status } : null,
    });
  },
);

const ProfileView = CompanyProfile.extend({ ai: AiSettings.omit({ apiKeyCipher: true }).extend({ hasApiKey: z.boolean() }) });
const PROFILE = { 200: { description: "The profile (the sealed key shown as whether there is one)", schema: ProfileView } };

/** The profile as the API shows it: the sealed key is replaced by whether there is one. */
function view(p: CompanyProfile) {
  const { apiKeyCipher, ...ai } = p.ai;
  return { ...p, ai: { ...ai, hasApiKey: Boolean(apiKeyCipher) } };
}

config.get("/api/config", doc({ summary: "The tenant's knowledge, tone, ai (hasApiKey, never the key), templates, handoff", responses: PROFILE }), async (c) => {
  const company = callerCompany(c.get("caller"));
  return c.json(view(readProfile(await c.get("store").profiles.get(company.id))));
});

// Strict: a misspelt setting is a 400, not silently ignored.
const AiUpdate = z.strictObject({
  provider: z.enum(PROVIDER_NAMES).optional(),
  model: z.string().trim().min(1).max(120).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(16).max(4096).optional(),
  timeoutMs: z.number().int().min(1_000).max(60_000).optional(),
  breaker: AiSettings.shape.breaker.optional(),
  monthlyTokenLimit: z.number().int().min(0).optional(),
  /** Write-only: a string stores (encrypted) a new key, null removes it, absent keeps it. */
  apiKey: z.string().trim().min(8).max(500).nullable().optional(),
});

/** Saves the new profile: caches are told, and the change is audited. */
async function saveProfile(c: Context<AppEnv>, section: string, next: CompanyProfile) {
  const company = callerCompany(c.get("caller"));
  const store = c.get("store");
  await store.profiles.put(company.id, next, Date.now());
  await configChanged(c.env, company.id);
  await audit(c, company.id, { action: `config.${section}.update` });
  return c.json(view(next));
}

const storedProfile = async (c: Context<AppEnv>) => readProfile(await c.get("store").profiles.get(callerCompany(c.get("caller")).id));
const replaced = (section: string) => doc({ summary: `Replace the ${section} section`, responses: PROFILE });

config.put(
  "/api/config/ai",
  doc({
    summary: "Change the ai section (fields left out are kept; apiKey is write-only, null removes it)",
    responses: PROFILE,
    errors: { 422: "`secrets_key_missing`: the server has no SECRETS_KEY to seal the key with" },
  }),
  jsonBody(AiUpdate),
  async (c) => {
    const profile = await storedProfile(c);
    const { apiKey, ...rest } = c.req.valid("json");
    let apiKeyCipher = profile.ai.apiKeyCipher;
    if (apiKey === null) apiKeyCipher = undefined;
    else if (apiKey !== undefined) {
      if (!c.env.SECRETS_KEY) throw new AppError(422, "secrets_key_missing", "The server has no SECRETS_KEY to encrypt tenant API keys with");
      apiKeyCipher = await sealSecret(c.env.SECRETS_KEY, apiKey);
    }
    return saveProfile(c, "ai", { ...profile, ai: { ...profile.ai, ...rest, apiKeyCipher } });
  },
);

config.put("/api/config/knowledge", replaced("knowledge"), jsonBody(Knowledge.strict()), async (c) =>
  saveProfile(c, "knowledge", { ...(await storedProfile(c)), knowledge: c.req.valid("json") }),
);
config.put("/api/config/tone", replaced("tone"), jsonBody(Tone.strict()), async (c) => saveProfile(c, "tone", { ...(await storedProfile(c)), tone: c.req.valid("json") }));
config.put("/api/config/templates", replaced("templates"), jsonBody(Templates), async (c) =>
  saveProfile(c, "templates", { ...(await storedProfile(c)), templates: c.req.valid("json") }),
);
config.put("/api/config/handoff", replaced("handoff"), jsonBody(HandoffSettings.strict()), async (c) =>
  saveProfile(c, "handoff", { ...(await storedProfile(c)), handoff: c.req.valid("json") }),
);

config.put(
  "/api/config/business-hours",
  doc({
    summary: "Replace the business hours section (weekly intervals, holidays, quiet hours, on/off)",
    responses: PROFILE,
    errors: { 422: "`invalid_business_hours`: a time, an interval out of order or overlapping, a holiday date; `details` names each" },
  }),
  jsonBody(BusinessHoursUpdate),
  async (c) => {
    const input = c.req.valid("json");
    const problems = businessHoursProblems(input);
    if (problems.length > 0) {
      throw new AppError(422, "invalid_business_hours", problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("; "), { issues: problems });
    }
    const holidays = [...input.holidays].sort((a, b) => a.date.localeCompare(b.date));
    return saveProfile(c, "business_hours", { ...(await storedProfile(c)), businessHours: BusinessHours.parse({ ...input, holidays }) });
  },
);

// Any other section: named, with the ones there are, rather than the bare 404 of an unknown route.
config.put("/api/config/:section", doc({ summary: "Sections other than those above", responses: {}, errors: { 404: "`unknown_section`" } }), (c) => {
  callerCompany(c.get("caller"));
  throw new AppError(404, "unknown_section", "Config sections are ai, knowledge, tone, templates, handoff, business-hours");
});

const Preview = z.object({
  text: z.string().trim().min(1).max(4096),
  contact_name: z.string().trim().max(128).optional(),
  /** Try settings before saving them: merged over the stored profile for this preview only. */
  tone: Tone.partial().optional(),
  knowledge: Knowledge.partial().optional(),
});

/**
 * The reply the current settings would give to a sample message, for the panel's live preview. It
 * runs the real engine (LLM when on, templates otherwise) but stores no conversation.
 */
config.post(
  "/api/config/preview",
  doc({
    permission: "config:read",
    summary: "The reply the settings would give to a sample message (nothing stored)",
    responses: { 200: { description: "`{reply, source, reason, handoff, intent, sentiment, system_prompt}`" } },
  }),
  jsonBody(Preview),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const input = c.req.valid("json");
    const stored = readProfile(await store.profiles.get(company.id));
    const profile: CompanyProfile = { ...stored, tone: { ...stored.tone, ...input.tone }, knowledge: { ...stored.knowledge, ...input.knowledge } };
    const text = sanitizeText(input.text);
    const intent = turnIntent([{ type: "text", text }]);
    const now = Date.now();
    const reply = await generateReply(
      { env: c.env, store, tenant: tenantStub(c.env, company.id) },
      {
        company,
        profile,
        intent,
        text,
        context: [],
        contact: {
          id: 0,
          companyId: company.id,
          phone: "0",
          userId: null,
          waId: null,
          lid: null,
          name: input.contact_name ?? null,
          attributes: {},
          optedOut: false,
          lastInboundAt: now,
        },
        conversation: {
          id: 0,
          companyId: company.id,
          contactId: 0,
          status: "bot",
          summary: null,
          lastMessageAt: now,
          handoffAt: null,
          handoffReason: null,
          firstHumanReplyAt: null,
          assignedUserId: null,
          assignedAt: null,
          createdAt: now,
        },
      },
    );
    return c.json({
      reply: reply.text,
      source: reply.source,
      reason: reply.reason,
      handoff: reply.handoff,
      intent,
      sentiment: detectSentiment(text).label,
      system_prompt: reply.systemPrompt ?? null,
    });
  },
);
