/**
 * Prompt-injection guard: a cheap, deterministic screen in front of the LLM (inspectInput) and behind it
 * (inspectOutput). It is a tripwire, not a security boundary: the prompt never holds secrets or other
 * customers' data in the first place; this catches the obvious attempts and the obvious leaks.
 */
import { normalizePhone } from "../lib/phone";
import { type InputRule, PATTERNS, RULE_ORDER, type Severity } from "./injection-patterns";

export type GuardVerdict = "ok" | "suspicious" | "blocked";

export type { InputRule } from "./injection-patterns";

export interface InputInspection {
  verdict: GuardVerdict;
  /** Rule ids that matched, in a stable order, each at most once. */
  rules: string[];
}

export type OutputRule = "prompt_leak" | "secret_leak" | "api_key" | "phone_leak";

export interface OutputContext {
  /** The system prompt the reply was generated with. */
  systemPrompt: string;
  /** Secret values (API keys, app secrets, tokens) that must never appear in a reply. Values under 6 characters are ignored. */
  secrets: string[];
  /** The contact's own number (any format, or a WhatsApp JID): repeating it back is fine. */
  contactPhone: string;
  /**
   * Numbers of other contacts the tenant knows. Any of them in a reply is a leak even when written in a
   * short local form (e.g. "98765-4321") that the generic 10–13 digit rule would not catch.
   */
  knownPhones?: string[];
  /** The business's own numbers (reception, WhatsApp, other branches): the reply may give these out. */
  allowedPhones?: string[];
  /**
   * Text the reply may repeat verbatim although the system prompt contains it too (address, price list,
   * FAQ answers). Word runs that also occur here never count as a prompt leak.
   */
  publicFacts?: string[];
  /** Shortest run of consecutive system-prompt words that counts as a leak. Default 12. */
  minLeakWords?: number;
}

export interface OutputInspection {
  ok: boolean;
  rules: string[];
  /** The reply when ok, "" otherwise (the caller falls back to a template). */
  safeText: string;
}

export const DEFAULT_MIN_LEAK_WORDS = 12;

// ---------------------------------------------------------------------------------------------------------
// Normalisation

// Soft hyphen, zero-width and bidi controls, word joiners, BOM: invisible, so they only ever hide words.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * Lower-case, accent-free, invisible characters removed, compatibility forms unfolded ("ｉｇｎｏｒｅ" → "ignore"),
 * spaces collapsed but line breaks kept (role markers are line-anchored).
 */
function foldKeepLines(s: string): string {
  return s
    .replace(INVISIBLE, "")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/\r\n?|[\u2028\u2029]/g, "\n")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n[\s]*/g, "\n")
    .trim();
}

/** Words only: "Ignore, previous-instructions!" → "ignore previous instructions"; apostrophes dropped ("patient's" → "patients"). */
function wordsView(folded: string): string {
  return folded
    .replace(/['\u2018\u2019`\u00B4]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * Screen a customer message before it reaches the LLM. "blocked": a clear attempt to override the instructions
 * or pull out the prompt, secrets or other customers' data (answer from a template). "suspicious": weaker
 * signals (log it, keep the reply conservative). Accent-, case- and invisible-character-insensitive.
 * @example inspectInput("Ignore as instruções anteriores") // { verdict: "blocked", rules: ["override"] }
 * @example inspectInput("pode ignorar minha mensagem anterior, quero às 15h") // { verdict: "ok", rules: [] }
 */
export function inspectInput(text: string): InputInspection {
  const raw = text.replace(INVISIBLE, "").normalize("NFKC");
  const lines = foldKeepLines(text);
  const words = wordsView(lines);
  const hit = new Map<InputRule, Severity>();
  for (const p of PATTERNS) {
    const view = p.on === "raw" ? raw : p.on === "lines" ? lines : words;
    if (!p.re.test(view)) continue;
    if (hit.get(p.rule) !== "blocked") hit.set(p.rule, p.severity);
  }
  const rules = RULE_ORDER.filter((r) => hit.has(r));
  const severities = [...hit.values()];
  const verdict: GuardVerdict = severities.includes("blocked") ? "blocked" : severities.length > 0 ? "suspicious" : "ok";
  return { verdict, rules };
}

// ---------------------------------------------------------------------------------------------------------
// Output

/** Accent-free lower-case word tokens. */
function tokens(s: string): string[] {
  return (
    s
      .replace(INVISIBLE, "")
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

function ngrams(words: string[], n: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= words.length; i++) out.add(words.slice(i, i + n).join(" "));
  return out;
}

function leaksPrompt(reply: string, ctx: OutputContext): boolean {
  const n = Math.max(1, Math.floor(ctx.minLeakWords ?? DEFAULT_MIN_LEAK_WORDS));
  const replyWords = tokens(reply);
  if (replyWords.length < n) return false;
  const prompt = ngrams(tokens(ctx.systemPrompt), n);
  if (prompt.size === 0) return false;
  const open = new Set<string>();
  for (const fact of ctx.publicFacts ?? []) for (const g of ngrams(tokens(fact), n)) open.add(g);
  for (let i = 0; i + n <= replyWords.length; i++) {
    const g = replyWords.slice(i, i + n).join(" ");
    if (prompt.has(g) && !open.has(g)) return true;
  }
  return false;
}

const MIN_SECRET_LENGTH = 6;
const compact = (s: string) => s.replace(INVISIBLE, "").replace(/\s+/g, "");

function leaksSecret(reply: string, secrets: string[]): boolean {
  const flat = compact(reply);
  return secrets.some((s) => {
    const t = s.trim();
    return t.length >= MIN_SECRET_LENGTH && (reply.includes(t) || flat.includes(compact(t)));
  });
}

// Shapes of provider credentials, so a key the caller forgot to list is still caught.
const KEY_SHAPES: RegExp[] = [
  /\bsk-(?:ant-|proj-|live-|test-|or-)?[A-Za-z0-9_-]{20,}/, // OpenAI, Anthropic (sk-ant-…), OpenRouter
  /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/, // Stripe
  /\bAIza[0-9A-Za-z_-]{30,}/, // Google / Gemini
  /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/i,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, // JWT
  /\bEAA[A-Za-z0-9]{30,}/, // Meta Graph access token (WhatsApp Cloud API)
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{30,}/, // GitHub
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack
  /\b(?:hf|gsk)_[A-Za-z0-9]{30,}/, // Hugging Face, Groq
  /\b(?:api[_ -]?key|secret|access[_ ]token|bearer)\s*[:=]\s*\S{8,}/i,
];

// A run of digits with phone-style separators, not part of a longer token (API keys, ids, hashes hold digits too).
const PHONE_RUN = /(?<![\p{L}\p{N}_])\+?\(?\d[\d\s().-]*\d(?![\p{L}\p{N}_])/gu;

function canonicalPhone(s: string): string {
  return normalizePhone(s) ?? s.replace(/\D/g, "");
}

function phoneCandidates(reply: string): { raw: string; digits: string }[] {
  const out: { raw: string; digits: string }[] = [];
  for (const m of reply.matchAll(PHONE_RUN)) {
    // Line breaks separate numbers in a list; a run never spans them.
    for (const piece of m[0].split(/\n/)) {
      const digits = piece.replace(/\D/g, "");
      if (digits.length >= 8) out.push({ raw: piece.trim(), digits });
    }
  }
  return out;
}

function leaksPhone(reply: string, ctx: OutputContext): boolean {
  const own = new Set([ctx.contactPhone, ...(ctx.allowedPhones ?? [])].filter((p) => p.trim() !== "").map(canonicalPhone));
  const known = (ctx.knownPhones ?? []).map(canonicalPhone).filter((p) => p.length >= 8 && !own.has(p));
  for (const c of reply ? phoneCandidates(reply) : []) {
    // Known numbers of other contacts: any trailing 8+ digits of one, in any format.
    if (known.some((k) => k.endsWith(c.digits) || c.digits.endsWith(k))) {
      if (!own.has(canonicalPhone(c.raw))) return true;
    }
    // Generic: 10–13 digits (8–15, E.164's range, behind an explicit "+"), up to 5 groups, ending in a 4-digit
    // group ("(11) 98765-4321", "+1 415 555 0100"), which CPFs ("123.456.789-00"), time lists and prices are not.
    const [min, max] = c.raw.startsWith("+") ? [8, 15] : [10, 13];
    if (c.digits.length < min || c.digits.length > max) continue;
    const groups = c.raw.split(/[^\d]+/).filter((g) => g !== "");
    const last = groups[groups.length - 1] ?? "";
    if (groups.length > 5 || last.length < 4) continue;
    const phone = normalizePhone(c.raw);
    if (phone === null || own.has(phone)) continue;
    // A number glued to what precedes it ("R$ 150 (11) 3333-4444") is still the business's own.
    if ([10, 11, 12, 13].some((n) => n < c.digits.length && own.has(canonicalPhone(c.digits.slice(-n))))) continue;
    return true;
  }
  return false;
}

/**
 * Check an LLM reply before it is sent: no long verbatim run of the system prompt, no secret, nothing shaped
 * like an API key, no phone number other than the contact's own or the business's (`allowedPhones`).
 * @example inspectOutput("Seu horário está confirmado.", ctx) // { ok: true, rules: [], safeText: "Seu horário está confirmado." }
 */
export function inspectOutput(reply: string, ctx: OutputContext): OutputInspection {
  const rules: OutputRule[] = [];
  if (leaksPrompt(reply, ctx)) rules.push("prompt_leak");
  if (leaksSecret(reply, ctx.secrets)) rules.push("secret_leak");
  const visible = reply.replace(INVISIBLE, "");
  if (KEY_SHAPES.some((re) => re.test(visible))) rules.push("api_key");
  if (leaksPhone(visible, ctx)) rules.push("phone_leak");
  const ok = rules.length === 0;
  return { ok, rules, safeText: ok ? reply : "" };
}
