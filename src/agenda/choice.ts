/**
 * Which of the offered options a contact picked (pt-BR, en, es). The rules (each pinned by a test in
 * test/agenda/when.test.ts):
 * - a bare number counts only as the whole answer or after a choice verb/article ("quero a 1",
 *   "pode ser o 3"); never after "dia", "às", "at", nor before a unit ("2 pessoas", "15h", "10:30", "25/11").
 *   Two different options ("1 ou 2", "a 1 e a 3") or any negation ("não quero a 1") → null.
 * - pt-BR ordinals that are also weekdays (segunda, quarta, quinta, sexta) are a choice only with an article
 *   ("quero a segunda") or a choice noun ("segunda opção"); bare "segunda" is Monday. Callers that offered
 *   options should try `parseChoice` before `parseWhen`, which reads "a segunda" as Monday.
 */
import { foldText } from "../conversation/intents";
import { NUMBER_WORDS, words } from "./when-words";

// biome-ignore format: a table, one line per value, reads better than one key per line
const ORDINALS: Record<string, number> = {
  primeiro: 1, primeira: 1, primero: 1, primera: 1, primer: 1, first: 1,
  segundo: 2, segunda: 2, second: 2,
  terceiro: 3, terceira: 3, tercero: 3, tercera: 3, tercer: 3, third: 3,
  quarto: 4, quarta: 4, cuarto: 4, cuarta: 4, fourth: 4,
  quinto: 5, quinta: 5, fifth: 5,
  sexto: 6, sexta: 6, sixth: 6,
  setimo: 7, setima: 7, septimo: 7, septima: 7, seventh: 7,
  oitavo: 8, oitava: 8, octavo: 8, octava: 8, eighth: 8,
  nono: 9, nona: 9, noveno: 9, novena: 9, ninth: 9,
  decimo: 10, decima: 10, tenth: 10,
  // Counted from the end.
  ultimo: -1, ultima: -1, last: -1,
  penultimo: -2, penultima: -2,
};

// pt-BR weekday names that are also ordinals: alone they mean the day, not the option.
const WEEKDAY_ORDINALS = new Set(["segunda", "quarta", "quinta", "sexta"]);

/** Nouns that name an option: "opção 2", "number 3" (before a number), "segunda opção", "first one" (after an ordinal). */
const PREFIX_NOUNS = words("opcao option opcion alternativa alternative numero number num nro choice item slot horario vaga");
const CHOICE_NOUNS = words("opcao option opcion alternativa alternative horario vaga one slot choice turno data fecha cita");
const ARTICLES = words("a o the la el lo");
const CONNECTORS = words("ou or o y e and nem ni");
// Words that may sit right before a choice (or its article) or right after it without changing its meaning.
const CHOICE_CONTEXT = words(
  [
    "quero queria vou querer escolho prefiro fico com pode ser seria eu me mim para pra entao sim ok okay blz beleza",
    "certo isso esse essa mesmo mesma por favor pf pfv pfvr porfa obrigado obrigada obg brigado brigada valeu",
    "ta esta fica bom boa otimo otima perfeito melhor oi ola",
    "i i'll ill take pick choose want prefer with go then yes sure fine great good perfect please pls plz thanks",
    "thank you thx ty is sounds works this that best better hi hey",
    "quiero quisiera elijo prefiero quedo con dame si claro vale perfecto mismo misma gracias hola mejor",
  ].join(" "),
);
// "no" is Spanish/English negation but Portuguese "in the": only these followers make it a negation.
const NO_NEGATES = words("quiero puedo me la el lo es want thanks gracias prefiero gusta i");
const NEGATIONS = words("nao nem not don't dont neither nor ni never nunca none nenhuma nenhum ninguna ninguno");
const HALF_WORDS = words("meia media quinze cuarto half trinta treinta");

/**
 * The option the contact picked among `optionCount` offered ones, zero-based; null when none, out of range,
 * ambiguous or negated. Times, dates and quantities are never choices.
 * @example parseChoice("pode ser o 3", 3) // 2
 * @example parseChoice("dia 2", 3) // null
 */
export function parseChoice(text: string, optionCount: number): number | null {
  if (!Number.isInteger(optionCount) || optionCount < 1) return null;
  const folded = foldText(text.replace(/([0-9#])\uFE0F?\u20E3/gu, " $1 ").replace(/\u{1F51F}/gu, " 10 "))
    .replace(/(\d)\s*[ºª°]/g, "$1o")
    .replace(/\b(?:n|no|nr|num)\s*[º°.]\s*(?=\d)/g, " numero ")
    .replace(/#\s*(?=\d)/g, " numero ");
  // Numbers keep their glued time/date/unit parts ("15h", "10:30", "25/11", "2nd") so they can be told apart.
  const tokens = folded.match(/\d+(?:[:/.,h-]\d+)*[\p{L}']*|[\p{L}']+/gu) ?? [];

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] ?? "";
    if (NEGATIONS.has(tok)) return null;
    if (tok === "no" && (i === 0 || NO_NEGATES.has(tokens[i + 1] ?? ""))) return null;
  }

  const picked = new Set<number>();
  const refs = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const n = choiceValue(tokens, i, refs);
    if (n === null) continue;
    const index = n < 0 ? optionCount + n : n - 1;
    if (index < 0 || index >= optionCount) return null;
    picked.add(index);
    refs.add(i);
  }
  if (picked.size !== 1) return null;
  const [only] = picked;
  return only ?? null;
}

/**
 * The 1-based (or negative, from the end) option number that token i refers to, or null. `refs` holds the
 * positions already read as choices: "1 ou 2" / "1 o 2" make the second one a choice too (then ambiguous),
 * while "entre 1 e 2" or "de 1 a 2" stay no choice at all.
 */
function choiceValue(tokens: string[], i: number, refs: ReadonlySet<number>): number | null {
  const tok = tokens[i] ?? "";
  const prev = tokens[i - 1];
  const explicit = prev !== undefined && PREFIX_NOUNS.has(prev);

  let value: number | null = null;
  let kind: "number" | "ordinal" | "word-ordinal" | "number-word" = "number";
  const digitOrdinal = /^(\d{1,2})(?:o|a|st|nd|rd|th)$/.exec(tok);
  if (/^\d{1,2}$/.test(tok)) value = Number(tok);
  else if (digitOrdinal) {
    value = Number(digitOrdinal[1]);
    kind = "ordinal";
  } else if (Object.hasOwn(ORDINALS, tok)) {
    value = ORDINALS[tok] ?? null;
    kind = "word-ordinal";
  } else if (Object.hasOwn(NUMBER_WORDS, tok)) {
    value = NUMBER_WORDS[tok] ?? null;
    kind = "number-word";
  }
  if (value === null) return null;
  if (explicit && kind !== "word-ordinal") return value;
  if (kind === "number-word") return null;

  const next = tokens[i + 1];
  if (next !== undefined && CHOICE_NOUNS.has(next) && kind !== "number") return value;

  // What comes before: the start, a choice verb/filler, or a connector after another choice; an article may sit between.
  let j = i - 1;
  const hasArticle = j >= 0 && ARTICLES.has(tokens[j] ?? "");
  if (hasArticle) j--;
  const before = tokens[j];
  const beforeOk =
    before === undefined ||
    CHOICE_CONTEXT.has(before) ||
    (CONNECTORS.has(before) && refs.size > 0) ||
    refs.has(j) ||
    // "vou de 2", "vou na segunda opção", "fico no 3"
    (["de", "na", "no"].includes(before) && ["vou", "fico", "voy"].includes(tokens[j - 1] ?? ""));
  // "2 e meia" is half past two.
  const afterOk = next === undefined || CHOICE_CONTEXT.has(next) || CHOICE_NOUNS.has(next) || (CONNECTORS.has(next) && !HALF_WORDS.has(tokens[i + 2] ?? ""));
  if (!beforeOk || !afterOk) return null;
  if (kind === "word-ordinal" && WEEKDAY_ORDINALS.has(tok) && !hasArticle) return null;
  return value;
}
