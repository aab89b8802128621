/** Template answers from the business's knowledge: what the assistant says without an LLM when the facts are there. */

import type { Knowledge, Tone } from "../tenants/profile";
import { answersSomething, matchKnowledge, type KnowledgeMatch } from "./knowledge-match";
import { truncateForLimit } from "./split";
import { firstName, type Locale } from "./templates";

interface Phrases {
  lead: Record<Tone["formality"], (name: string) => string>;
  address: string;
  hours: string;
  phone: string;
  phones: string;
  services: string;
  minutes: (n: number) => string;
  priceToConfirm: string;
  durationToConfirm: string;
  moreServices: (n: number) => string;
  otherService: string;
  rest: string;
}

const PHRASES: Record<Locale, Phrases> = {
  "pt-BR": {
    lead: { formal: (n) => `Com prazer${n && `, ${n}`}.`, neutral: (n) => `Claro${n && `, ${n}`}!`, casual: (n) => `Claro${n && `, ${n}`}! 😊` },
    address: "📍 Endereço",
    hours: "🕒 Horário de atendimento",
    phone: "📞 Telefone",
    phones: "📞 Telefones",
    services: "Nossos serviços:",
    minutes: (n) => `cerca de ${n} min`,
    priceToConfirm: "valor a confirmar com a nossa equipe",
    durationToConfirm: "duração a confirmar com a nossa equipe",
    moreServices: (n) => `• e mais ${n} ${n === 1 ? "serviço" : "serviços"}`,
    otherService: "Se for outro serviço, confirmo com a nossa equipe.",
    rest: "Sobre o restante, vou confirmar com a nossa equipe e retorno por aqui.",
  },
  en: {
    lead: { formal: (n) => `Certainly${n && `, ${n}`}.`, neutral: (n) => `Sure${n && `, ${n}`}!`, casual: (n) => `Sure thing${n && `, ${n}`}! 😊` },
    address: "📍 Address",
    hours: "🕒 Opening hours",
    phone: "📞 Phone",
    phones: "📞 Phones",
    services: "Our services:",
    minutes: (n) => `about ${n} min`,
    priceToConfirm: "price to be confirmed by our team",
    durationToConfirm: "duration to be confirmed by our team",
    moreServices: (n) => `• and ${n} more ${n === 1 ? "service" : "services"}`,
    otherService: "If you mean another service, I'll check with our team.",
    rest: "I'll check the rest with our team and get back to you here.",
  },
  es: {
    lead: { formal: (n) => `Con gusto${n && `, ${n}`}.`, neutral: (n) => `¡Claro${n && `, ${n}`}!`, casual: (n) => `¡Claro${n && `, ${n}`}! 😊` },
    address: "📍 Dirección",
    hours: "🕒 Horario de atención",
    phone: "📞 Teléfono",
    phones: "📞 Teléfonos",
    services: "Nuestros servicios:",
    minutes: (n) => `unos ${n} min`,
    priceToConfirm: "precio a confirmar con nuestro equipo",
    durationToConfirm: "duración a confirmar con nuestro equipo",
    moreServices: (n) => `• y ${n} ${n === 1 ? "servicio más" : "servicios más"}`,
    otherService: "Si es otro servicio, lo consulto con nuestro equipo.",
    rest: "Lo demás lo consulto con nuestro equipo y te respondo por aquí.",
  },
};

/** Longest a single knowledge value may be in a reply: a stored value never floods the chat. */
const MAX_VALUE = 300;
const MAX_SERVICES = 8;
const MAX_PHONES = 3;

/**
 * Plain, single-line text from a stored value: tags, control and invisible format characters
 * (bidi overrides, zero-width) removed, whitespace collapsed, cut at `max` code points.
 */
export function cleanValue(value: string | undefined, max = MAX_VALUE): string {
  const text = (value ?? "")
    .replace(/<[^<>]{0,2000}>/g, " ")
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, " ")
    .replace(/\s+/g, " ")
    .replace(/ (?=[,.;:!?])/g, "")
    .trim();
  const cps = Array.from(text);
  return cps.length <= max
    ? text
    : `${cps
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}

export interface KnowledgeReplyInput {
  text: string;
  knowledge: Knowledge;
  tone: Tone;
  locale: Locale;
  contactName?: string;
  /** Open with "Claro!" (false when the facts follow a greeting that already addressed the contact). */
  lead?: boolean;
}

/**
 * The reply built only from the knowledge's own values, or null when the knowledge has nothing for
 * the question (the caller then keeps the "the team will confirm" template).
 * @example knowledgeReply({ text: "Qual o endereço?", knowledge, tone, locale: "pt-BR" })
 * // "Claro!\n📍 Endereço: Rua das Flores, 100"
 */
export function knowledgeReply(input: KnowledgeReplyInput): string | null {
  const { knowledge: k, locale, tone } = input;
  const match = matchKnowledge(input.text, k);
  if (!answersSomething(match)) return null;
  const p = PHRASES[locale];
  const lines: string[] = input.lead === false ? [] : [p.lead[tone.formality](firstName(input.contactName))];
  for (const answer of match.answers) {
    if (answer.kind === "faq") {
      lines.push(cleanValue(k.faq[answer.index]?.a, MAX_VALUE * 2));
      continue;
    }
    const { topic } = answer;
    if (topic === "address") lines.push(`${p.address}: ${cleanValue(k.address)}`);
    if (topic === "hours") lines.push(`${p.hours}: ${cleanValue(k.hours)}`);
    if (topic === "phones") {
      const phones = k.phones.map((n) => cleanValue(n, 40)).filter(Boolean);
      lines.push(`${phones.length > 1 ? p.phones : p.phone}: ${phones.slice(0, MAX_PHONES).join(", ")}`);
    }
    if (topic === "services") lines.push(...serviceLines(k, match, p));
  }
  if (match.unanswered) lines.push(p.rest);
  return truncateForLimit(lines.filter((l) => l !== "").join("\n"), tone.maxReplyChars);
}

function serviceLines(k: Knowledge, match: KnowledgeMatch, p: Phrases): string[] {
  const named = match.services.length > 0;
  const chosen = named ? match.services : k.services.map((_, i) => i);
  const wants = (a: "price" | "duration") => match.aspects.length === 0 || match.aspects.includes(a);
  const items = chosen.slice(0, MAX_SERVICES).map((i) => {
    const s = k.services[i];
    if (!s) return "";
    const details: string[] = [];
    if (wants("price")) details.push(s.price ? cleanValue(s.price, 60) : match.aspects.includes("price") ? p.priceToConfirm : "");
    if (wants("duration")) details.push(s.durationMinutes ? p.minutes(s.durationMinutes) : match.aspects.includes("duration") ? p.durationToConfirm : "");
    const d = details.filter(Boolean);
    return `• ${cleanValue(s.name, 120)}${d.length ? ` — ${d.join(", ")}` : ""}`;
  });
  const lines = named ? items : [p.services, ...items];
  if (chosen.length > MAX_SERVICES) lines.push(p.moreServices(chosen.length - MAX_SERVICES));
  // A price asked for a service we could not tell apart: say the list may not have it.
  if (!named && match.aspects.length > 0) lines.push(p.otherService);
  return lines;
}
