/** What a customer's question asks of the business's knowledge, by keywords (pt-BR, en, es; accent-insensitive). */

import type { Knowledge } from "../tenants/profile";
import { detectIntent, foldText } from "./intents";

export const TOPICS = ["address", "hours", "phones", "services"] as const;
export type Topic = (typeof TOPICS)[number];
/** What about a service is asked: its price, its duration, or just whether it is offered. */
export type ServiceAspect = "price" | "duration";

export interface KnowledgeMatch {
  /** Topics asked for that the knowledge has a value for, in TOPICS order. */
  topics: Topic[];
  aspects: ServiceAspect[];
  /** Indexes into knowledge.services named in the question. */
  services: number[];
  /** Indexes into knowledge.faq whose question matches, best first. */
  faq: number[];
  /** Part of the question found nothing in the knowledge (a topic without a value, or no match at all). */
  unanswered: boolean;
  /** The topics and FAQ entries above in the order the message asked for them. */
  answers: Answer[];
}

export type Answer = { kind: "topic"; topic: Topic } | { kind: "faq"; index: number };

const TOPIC_WORDS: Record<Topic, RegExp> = {
  address: new RegExp(
    [
      "\\b(?:endereco|localizacao|onde (?:fica|ficam|e|voces|vcs|esta|estao)|fica onde|como (?:chego|chegar|faco para chegar)|ponto de referencia)\\b",
      "\\b(?:address|located|location|directions|where (?:are|is) you|where is (?:the|your))\\b",
      "\\b(?:direccion|ubicacion|ubicad[oa]s?|donde (?:queda|quedan|estan|esta|se encuentra)|como llego)\\b",
    ].join("|"),
  ),
  hours: new RegExp(
    [
      "\\b(?:horarios?|que horas? (?:abre|fecha|abrem|fecham|funciona)|abre[mn]?|fecham|funcionamento|expediente|aberto|abertos)\\b",
      "\\b(?:hours|open|opens|opening|close|closes|closing)\\b",
      "\\b(?:abren|cierran?|abierto|atienden)\\b",
    ].join("|"),
  ),
  phones:
    /\b(?:telefones?|fone|celular|numero de (?:telefone|contato|whatsapp)|whatsapp|ligar pra voces|ligar para voces|phone|telephone|phone number|call you|telefonos?|llamar)\b/,
  services: new RegExp(
    [
      "\\b(?:servicos?|tratamentos?|procedimentos?|o que voces (?:fazem|oferecem)|quais (?:os )?servicos)\\b",
      "\\b(?:services?|treatments?|what do you (?:do|offer))\\b",
      "\\b(?:servicios?|tratamientos?|que (?:hacen|ofrecen))\\b",
    ].join("|"),
  ),
};

const ASPECT_WORDS: Record<ServiceAspect, RegExp> = {
  price:
    /\b(?:quanto (?:custa|e|fica|sai|cobram)|custa|custam|preco|precos|valor|valores|cobram|price|prices|cost|costs|how much|fee|fees|precio|precios|cuanto (?:cuesta|cuestan|sale|vale|cobran)|cuesta|cuestan|costo|tarifa)\b/,
  duration: /\b(?:quanto tempo|duracao|dura|demora|leva quanto|how long|duration|takes|cuanto (?:dura|tiempo|tarda)|duracion|tarda)\b/,
};

// Words that carry no meaning for matching a question to an FAQ entry or a service's name.
const STOPWORDS = new Set(
  (
    "a o as os um uma uns umas de do da dos das e ou em no na nos nas para pra pro por com sem que qual quais quem quando como onde " +
    "voce voces vc vcs eu me meu minha nos tem ter ha e sao esta estao isso esse essa aqui la se mais muito ja nao sim ai " +
    "the an is are am be do does did you your we our us i my me of to for in on at and or what which who how when where can could " +
    "will would there it its this that with have has any some please " +
    "el la los las un una y en con del al que cual cuales es son tienen tiene ustedes usted hay mi su sus por favor lo le"
  ).split(" "),
);

/** Folded, meaningful word stems: "Vocês aceitam cartões?" → ["aceit", "cartao"]. */
export function keywordStems(text: string): string[] {
  const out: string[] = [];
  for (const word of foldText(text).split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 3 || STOPWORDS.has(word)) continue;
    // Plurals and verb endings fold together: "cartões"/"cartão", "aceitam"/"aceita", "estacionamento"/"estacionar".
    const singular = word.replace(/(?:oes|aes)$/, "ao").replace(/(?<=\p{L}{3})s$/u, "");
    const stem = singular.length > 6 ? singular.slice(0, 6) : singular;
    if (!out.includes(stem)) out.push(stem);
  }
  return out;
}

/** How much of the FAQ question the customer's words cover (0–1); 0 below two shared stems unless the entry is that short. */
export function faqScore(asked: string[], question: string): number {
  const wanted = keywordStems(question);
  if (wanted.length === 0) return 0;
  const shared = wanted.filter((w) => asked.includes(w)).length;
  if (shared < Math.min(2, wanted.length)) return 0;
  return shared / wanted.length;
}

const FAQ_MIN_SCORE = 0.5;
const MAX_FAQ = 2;

/** The message cut into its sentences: "Onde fica? Aceitam pix?" → "Onde fica?", "Aceitam pix?". */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[?!;\n])|(?<=\.)\s/u)
    .map((s) => s.trim())
    .filter((s) => /\p{L}/u.test(s));
}

/**
 * What of the knowledge answers the message, empty when nothing does.
 * @example matchKnowledge("Qual o endereço e o horário?", k).topics // ["address", "hours"]
 */
export function matchKnowledge(text: string, k: Knowledge): KnowledgeMatch {
  const result: KnowledgeMatch = { topics: [], aspects: [], services: [], faq: [], unanswered: false, answers: [] };
  // Which sentence first asked for each topic ("topic:hours") or FAQ entry ("faq:0").
  const askedIn = new Map<string, number>();
  const seen = (key: string, n: number) => askedIn.has(key) || askedIn.set(key, n);
  const topics = new Set<Topic>();
  const aspects = new Set<ServiceAspect>();
  const faqScores = new Map<number, number>();
  for (const [n, segment] of sentences(text).entries()) {
    const folded = foldText(segment);
    const asked = keywordStems(segment);
    let found = false;
    let missing = false;
    for (const [i, f] of k.faq.entries()) {
      const score = faqScore(asked, f.q);
      if (score >= FAQ_MIN_SCORE) {
        faqScores.set(i, Math.max(score, faqScores.get(i) ?? 0));
        seen(`faq:${i}`, n);
        found = true;
      }
    }
    const named = namedServices(asked, k.services);
    for (const i of named) if (!result.services.includes(i)) result.services.push(i);
    for (const aspect of ["price", "duration"] as const) if (ASPECT_WORDS[aspect].test(folded)) aspects.add(aspect);
    const asksAspect = ASPECT_WORDS.price.test(folded) || ASPECT_WORDS.duration.test(folded);
    if (named.length > 0 || asksAspect) {
      if (k.services.length > 0) {
        topics.add("services");
        seen("topic:services", n);
        found = true;
      } else missing = true;
    }
    for (const topic of TOPICS) {
      if (topic === "services" && (named.length > 0 || asksAspect)) continue;
      if (!TOPIC_WORDS[topic].test(folded)) continue;
      if (hasValue(k, topic)) {
        topics.add(topic);
        seen(`topic:${topic}`, n);
        found = true;
        // An FAQ entry may answer what the field leaves empty ("Vocês abrem no sábado?").
      } else if (!found) missing = true;
    }
    // A question we found nothing for means part of the message still needs the team.
    if (missing || (!found && asked.length > 0 && detectIntent(segment).intent === "question")) result.unanswered = true;
  }
  result.topics = TOPICS.filter((t) => topics.has(t));
  result.aspects = [...aspects];
  result.faq = [...faqScores.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, MAX_FAQ)
    .map(([i]) => i);
  const answers: Answer[] = [...result.topics.map((topic): Answer => ({ kind: "topic", topic })), ...result.faq.map((index): Answer => ({ kind: "faq", index }))];
  const at = (a: Answer) => askedIn.get(a.kind === "topic" ? `topic:${a.topic}` : `faq:${a.index}`) ?? 0;
  // Stable sort: within one sentence, topics (in TOPICS order) come before FAQ entries (best first).
  result.answers = answers.sort((a, b) => at(a) - at(b));
  return result;
}

/** Whether anything in the knowledge answers the message. */
export function answersSomething(m: KnowledgeMatch): boolean {
  return m.topics.length > 0 || m.faq.length > 0;
}

function hasValue(k: Knowledge, topic: Topic): boolean {
  if (topic === "address") return k.address.trim() !== "";
  if (topic === "hours") return k.hours.trim() !== "";
  if (topic === "phones") return k.phones.some((p) => p.trim() !== "");
  return k.services.length > 0;
}

/** The one service a message names ("quero marcar um clareamento" → "Clareamento dental"), if exactly one. */
export function serviceNamed(text: string, services: Knowledge["services"]): string | undefined {
  const named = namedServices(keywordStems(text), services);
  return named.length === 1 ? services[named[0] ?? -1]?.name : undefined;
}

/**
 * The services the words name: those sharing the most name words with them ("clareamento" names
 * "Clareamento dental", not "Limpeza dental"), so a generic word shared by all names them all.
 */
function namedServices(asked: string[], services: Knowledge["services"]): number[] {
  const shared = services.map((s) => keywordStems(s.name).filter((w) => asked.includes(w)).length);
  const best = Math.max(0, ...shared);
  return best === 0 ? [] : shared.flatMap((n, i) => (n === best ? [i] : []));
}
