import { Hono } from "hono";
import * as z from "../../lib/zod";
import { generateReply } from "../../conversation/reply-engine";
import { PROVIDER_NAMES } from "../../ai/types";
import { turnIntent } from "../../conversation/burst";
import { detectSentiment } from "../../conversation/sentiment";
import { AppError } from "../../lib/errors";
import { sealSecret } from "../../lib/secret-box";
import { sanitizeText } from "../../lib/text";
import { AiSettings, HandoffSettings, Knowledge, readProfile, Templates, Tone, type CompanyProfile } from "../../tenants/profile";
import { tenantStub } from "../../tenants/stubs";
import { callerCompany, requireCaller } from "../auth";
import { parseJson } from "../errors";
import type { AppEnv } from "../types";
import { configChanged } from "../../tenants/tenant-cache";

/** The tenant's assistant settings: business knowledge, tone, LLM, approved templates, handoff rules. */
export const config = new Hono<AppEnv>();
config.use("/api/me", requireCaller);
config.use("/api/config", requireCaller);
config.use("/api/config/*", requireCaller);

/** Who the token is: the panel's sign-in check, and what it needs to know of the tenant. */
config.get("/api/me", (c) => {
  const caller = c.get("caller");
  const co = caller.company;
  return c.json({ kind: caller.kind, company: co ? { slug: co.slug, name: co.name, channel: co.channel, time_zone: co.timeZone, locale: co.locale } : null });
});

/** The profile as the API shows it: the sealed key is replaced by whether there is one. */
function view(p: CompanyProfile) {
  const { apiKeyCipher, ...ai } = p.ai;
  return { ...p, ai: { ...ai, hasApiKey: Boolean(apiKeyCipher) } };
}

config.get("/api/config", async (c) => {
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

const SECTIONS = { knowledge: Knowledge.strict(), tone: Tone.strict(), templates: Templates, handoff: HandoffSettings.strict() } as const;

config.put("/api/config/:section", async (c) => {
  const company = callerCompany(c.get("caller"));
  const section = c.req.param("section");
  const store = c.get("store");
  const profile = readProfile(await store.profiles.get(company.id));
  const body = parseJson(await c.req.text());
  let next: CompanyProfile;
  if (section === "ai") {
    const { apiKey, ...rest } = AiUpdate.parse(body);
    let apiKeyCipher = profile.ai.apiKeyCipher;
    if (apiKey === null) apiKeyCipher = undefined;
    else if (apiKey !== undefined) {
      if (!c.env.SECRETS_KEY) throw new AppError(422, "secrets_key_missing", "The server has no SECRETS_KEY to encrypt tenant API keys with");
      apiKeyCipher = await sealSecret(c.env.SECRETS_KEY, apiKey);
    }
    next = { ...profile, ai: { ...profile.ai, ...rest, apiKeyCipher } };
  } else if (Object.hasOwn(SECTIONS, section)) {
    // hasOwn, not `in`: "constructor" or "toString" are in every object and are not sections.
    const key = section as keyof typeof SECTIONS;
    next = { ...profile, [key]: SECTIONS[key].parse(body) };
  } else {
    throw new AppError(404, "unknown_section", `Config sections are ai, ${Object.keys(SECTIONS).join(", ")}`);
  }
  await store.profiles.put(company.id, next, Date.now());
  await configChanged(c.env, company.id);
  await store.auditLogs.append(company.id, { actor: c.get("caller").kind, action: `config.${section}.update` });
  return c.json(view(next));
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
config.post("/api/config/preview", async (c) => {
  const company = callerCompany(c.get("caller"));
  const store = c.get("store");
  const input = Preview.parse(parseJson(await c.req.text()));
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
});
