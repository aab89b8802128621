import { buildSystemPrompt, chatHistory, HANDOFF_MARKER, publicFacts } from "./context";
import type { Intent } from "./intents";
import { truncateForLimit } from "./split";
import { knowledgeReply } from "./knowledge-reply";
import { renderReply, resolveLocale } from "./templates";
import { openSecret } from "../lib/secret-box";
import type { MetricEvent } from "../metrics/sql-metrics";
import type { Company, Contact, Conversation, Store } from "../store/types";
import type { CompanyProfile } from "../tenants/profile";
import type { tenantStub } from "../tenants/stubs";
import type { ContextEntry } from "../tenants/state";
import { inspectInput, inspectOutput } from "../ai/guard";
import { createProvider } from "../ai/providers";
import { withRetries } from "../ai/retry";
import type { ProviderName } from "../ai/types";
import { log } from "../lib/log";

/** Answers about the content, not the provider's health: they never trip the breaker. */
const CONTENT_CODES = new Set(["empty", "gemini_blocked", "openai_content_filter", "openai_refusal", "anthropic_refusal"]);

export type ReplyReason = "ok" | "ai_disabled" | "no_key" | "quota_exhausted" | "injection" | "breaker_open" | "provider_error" | "output_guard";

export interface TurnReplyInput {
  company: Company;
  profile: CompanyProfile;
  contact: Contact;
  conversation: Conversation;
  intent: Intent;
  /** This turn's text (the contact's messages, joined). */
  text: string;
  /** Each distinct request of the burst, in order (see burstIntents): templates answer them all. */
  intents?: Intent[];
  context: ContextEntry[];
}

export interface TurnReply {
  text: string;
  source: "llm" | "template";
  reason: ReplyReason;
  /** The model said it cannot help: hand the conversation to a person. */
  handoff: boolean;
  /** A template reply answered from the business's knowledge (so the turn counts as handled). */
  fromKnowledge?: boolean;
  /** Metrics the caller records with the turn (exactly once per turn). */
  events: MetricEvent[];
  systemPrompt?: string;
}

export interface EngineDeps {
  env: Env;
  store: Store;
  tenant: ReturnType<typeof tenantStub>;
  /** Where LLM calls go; the real fetch by default. */
  fetch?: typeof fetch;
}

const PLATFORM_KEY: Record<Exclude<ProviderName, "workers-ai">, keyof Env> = { gemini: "GEMINI_API_KEY", openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" };
const API_URL: Record<Exclude<ProviderName, "workers-ai">, keyof Env> = { gemini: "GEMINI_API_URL", openai: "OPENAI_API_URL", anthropic: "ANTHROPIC_API_URL" };

const envString = (env: Env, key: keyof Env): string | undefined => {
  const v = (env as unknown as Record<string, unknown>)[key];
  return typeof v === "string" && v.length > 0 ? v : undefined;
};

/** The tenant's own key (sealed in its profile) wins over the platform's key for the same provider. */
export async function resolveApiKey(env: Env, profile: CompanyProfile): Promise<string | undefined> {
  const provider = profile.ai.provider;
  if (provider === "workers-ai") return undefined;
  if (profile.ai.apiKeyCipher && env.SECRETS_KEY) {
    const key = await openSecret(env.SECRETS_KEY, profile.ai.apiKeyCipher);
    if (key) return key;
  }
  return envString(env, PLATFORM_KEY[provider]);
}

/**
 * One reply for one turn: the LLM when the tenant has it on and it is healthy, the tenant's templates
 * otherwise. Never throws for a provider problem and never sends the contact an error: every failure
 * path ends in a template reply with its reason counted.
 */
export async function generateReply(deps: EngineDeps, input: TurnReplyInput): Promise<TurnReply> {
  const { env, store, tenant } = deps;
  const { company, profile, contact, intent } = input;
  const provider = profile.ai.provider;
  const events: MetricEvent[] = [];
  const template = (reason: ReplyReason, as: Intent = intent): TurnReply => {
    events.push({ metric: "secretaria_replies_total", labels: { source: "template", reason }, inc: 1 });
    const vars = { businessName: company.name, contactName: contact.name ?? undefined };
    const locale = resolveLocale(company.locale);
    // A burst with several requests gets each answered, in the order they were asked.
    const answered = as === intent && input.intents && input.intents.length > 1 ? input.intents : [as];
    // A question (or what we could not classify) the knowledge answers gets the facts, not "the team will
    // confirm"; "Oi, qual o endereço?" reads as a greeting, so the facts follow the welcome.
    const open = as === intent ? answered.findIndex((i) => i === "question" || i === "unknown") : -1;
    const greeted = as === intent && open < 0 && answered.includes("greeting");
    const facts =
      open >= 0 || greeted ? knowledgeReply({ text: input.text, knowledge: profile.knowledge, tone: profile.tone, locale, contactName: vars.contactName, lead: !greeted }) : null;
    const parts = answered.map((i, n) => (n === open && facts !== null ? facts : renderReply(i, locale, vars)));
    if (greeted && facts !== null) parts.push(facts);
    const text = parts.join("\n\n");
    return { text, source: "template", reason, handoff: false, events, fromKnowledge: facts !== null };
  };
  if (!profile.tone.aiEnabled) return template("ai_disabled");
  const apiKey = await resolveApiKey(env, profile);
  if (provider !== "workers-ai" && !apiKey) return template("no_key");
  if (provider === "workers-ai" && !env.AI) return template("no_key");

  if (profile.ai.monthlyTokenLimit > 0) {
    const used = await store.llmUsage.total(company.id, `${new Date().toISOString().slice(0, 7)}-01`);
    if (used >= profile.ai.monthlyTokenLimit) return template("quota_exhausted");
  }

  const input_ = inspectInput(input.text);
  for (const rule of input_.rules) events.push({ metric: "secretaria_injection_detections_total", labels: { stage: "input", rule }, inc: 1 });
  if (input_.verdict === "blocked") {
    await store.auditLogs.append(company.id, { actor: "guard", action: "injection.input_blocked", target: `contact:${contact.id}`, detail: { rules: input_.rules } });
    // The attempt never reaches the provider; the contact gets the generic helpful answer.
    return template("injection", "unknown");
  }

  const gate = await tenant.llmAcquire(provider, profile.ai.breaker);
  // The plan's quota is spent (src/billing): templates until the period ends, the breaker untouched.
  if (gate.overQuota) return template("quota_exhausted");
  if (!gate.allowed) {
    events.push({ metric: "secretaria_llm_requests_total", labels: { provider, outcome: "breaker_open" }, inc: 1 });
    return template("breaker_open");
  }

  const systemPrompt = buildSystemPrompt(input);
  const llm = withRetries(
    createProvider(provider, {
      apiKey,
      apiUrl: provider === "workers-ai" ? undefined : envString(env, API_URL[provider]),
      ai: env.AI,
      fetch: deps.fetch,
      timeoutMs: profile.ai.timeoutMs,
    }),
  );
  const started = Date.now();
  const outcome = await llm.generate({
    system: systemPrompt,
    messages: chatHistory(input.context, input.text),
    model: profile.ai.model,
    temperature: profile.ai.temperature,
    maxTokens: profile.ai.maxTokens,
  });
  const healthy = outcome.ok || CONTENT_CODES.has(outcome.code);
  const callEvents: MetricEvent[] = [
    { metric: "secretaria_llm_requests_total", labels: { provider, outcome: outcome.ok ? "ok" : outcome.kind }, inc: 1 },
    { metric: "secretaria_llm_latency_seconds", labels: { provider }, observe: (Date.now() - started) / 1000 },
  ];
  if (outcome.ok) {
    callEvents.push({ metric: "secretaria_llm_tokens_total", labels: { provider, direction: "input" }, inc: outcome.usage.inputTokens });
    callEvents.push({ metric: "secretaria_llm_tokens_total", labels: { provider, direction: "output" }, inc: outcome.usage.outputTokens });
    await store.llmUsage.add(company.id, {
      day: new Date().toISOString().slice(0, 10),
      provider,
      model: outcome.model || profile.ai.model,
      inputTokens: outcome.usage.inputTokens,
      outputTokens: outcome.usage.outputTokens,
      estimated: outcome.usage.estimated,
    });
  }
  // The breaker sees every call at once (not with the turn), so a failing provider trips it for everyone.
  await tenant.llmRecord(provider, healthy, callEvents, profile.ai.breaker);
  if (!outcome.ok) {
    log.warn("llm reply failed, using a template", {
      company: company.slug,
      company_id: company.id,
      phone: contact.phone,
      conversation_id: input.conversation.id,
      provider,
      code: outcome.code,
      attempts: outcome.attempts,
    });
    return template("provider_error");
  }

  const raw = outcome.text.trim();
  if (raw.includes(HANDOFF_MARKER)) return { ...template("ok", "human_request"), handoff: true, systemPrompt };

  const secrets = [apiKey, env.META_APP_SECRET, env.ADMIN_TOKEN, env.SECRETS_KEY, env.META_VERIFY_TOKEN].filter((s): s is string => typeof s === "string" && s.length > 0);
  const checked = inspectOutput(raw, { systemPrompt, secrets, contactPhone: contact.phone, allowedPhones: profile.knowledge.phones, publicFacts: publicFacts(profile) });
  if (!checked.ok) {
    for (const rule of checked.rules) events.push({ metric: "secretaria_injection_detections_total", labels: { stage: "output", rule }, inc: 1 });
    await store.auditLogs.append(company.id, { actor: "guard", action: "injection.output_blocked", target: `contact:${contact.id}`, detail: { rules: checked.rules } });
    return { ...template("output_guard", "unknown"), systemPrompt };
  }
  events.push({ metric: "secretaria_replies_total", labels: { source: "llm", reason: "ok" }, inc: 1 });
  return { text: truncateForLimit(checked.safeText, profile.tone.maxReplyChars), source: "llm", reason: "ok", handoff: false, events, systemPrompt };
}
