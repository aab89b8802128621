/**
 * Lexicon sentiment for customer messages (pt-BR, en, es): cheap and deterministic, used to pick an empathetic
 * tone and to spot complaints early. Not a model: sarcasm and irony read literally.
 */

export type SentimentLabel = "positive" | "neutral" | "negative";

export interface Sentiment {
  label: SentimentLabel;
  /** -1..1; the sign is the direction, the size how strongly the words lean. */
  score: number;
}

/** |score| at or above this is no longer neutral. */
export const SENTIMENT_THRESHOLD = 0.15;

// Weights: ±0.75 politeness, ±1 mild, ±1.5 clear, ±2 strong, ±2.5 complaint/insult.
const WORDS: [number, string][] = [
  // pt-BR positive
  [1, "bom boa bons boas legal educado educada"],
  [0.75, "obrigado obrigada obrigados obrigadas obg obgd brigado brigada valeu agradeco agradecemos grato grata agradecido agradecida"],
  [
    1.5,
    "gostei curti amo adoro lindo linda lindos lindas top feliz felizes satisfeito satisfeita satisfeitos atencioso atenciosa atenciosos carinhoso carinhosa simpatico simpatica gentil eficiente",
  ],
  [
    2,
    "otimo otima otimos otimas excelente excelentes maravilhoso maravilhosa maravilhosos maravilha perfeito perfeita adorei amei parabens recomendo incrivel incriveis sensacional fantastico fantastica impecavel",
  ],
  // en positive
  [1, "good nice"],
  [0.75, "thanks thank thx ty appreciate appreciated"],
  [1.5, "liked love happy pleased satisfied helpful friendly"],
  [2, "great excellent amazing awesome loved perfect wonderful recommend fantastic outstanding"],
  // es positive
  [1, "bueno buena buenos buenas"],
  [0.75, "gracias agradezco"],
  [1.5, "gusta gusto contento contenta satisfecho satisfecha amable"],
  [2, "genial encanta encanto perfecto perfecta maravilloso maravillosa recomiendo increible"],
  // pt-BR negative ("demorou" alone is Rio slang for "deal!", so only the noun and the phrases below count)
  [-0.5, "infelizmente"],
  [-1, "problema problemas errado errada erro erros mal atrasou preocupado preocupada"],
  [-1.2, "atraso atrasos"],
  [-1.5, "ruim ruins demora demorado demorada chateado chateada triste reclamar pior piorou"],
  [
    -2,
    "absurdo absurda absurdos vergonha vergonhoso vergonhosa reclamacao reclamacoes decepcionado decepcionada decepcao decepcionante insatisfeito insatisfeita raiva irritado irritada grosseiro grosseira mentira enganado enganada ridiculo ridicula golpe frustrado frustrada descontente",
  ],
  [
    -2.5,
    "pessimo pessima pessimos pessimas horrivel horriveis terrivel terriveis procon odiei odeio descaso desrespeito lixo grosseria inaceitavel nojo nojento nojenta palhacada furioso furiosa insuportavel",
  ],
  // en negative
  [-0.5, "unfortunately issue"],
  [-1, "problem problems wrong slow delay delayed"],
  [-1.5, "bad worse poor complain sad"],
  [-2, "angry disappointed disappointing rude complaint ridiculous annoyed upset frustrated useless"],
  [-2.5, "terrible awful horrible worst hate hated unacceptable disgusting scam"],
  // es negative
  [-1.5, "malo malos molesto molesta peor tardanza"],
  [-2, "queja quejas reclamo verguenza enojado enojada enfadado enfadada grosero grosera fatal"],
  [-2.5, "pesimo pesima asco inaceptable odio"],
];

const LEXICON = new Map<string, number>();
for (const [weight, list] of WORDS) for (const w of list.split(" ")) LEXICON.set(w, weight);

// Politeness is not undone by "no": "não, obrigado" / "no, thanks" are polite refusals.
const NO_NEGATE = new Set(["obrigado", "obrigada", "obrigados", "obrigadas", "obg", "obgd", "valeu", "thanks", "thank", "thx", "ty", "gracias"]);

const NEGATORS = new Set([
  "nao",
  "nunca",
  "nem",
  "jamais",
  "nada",
  "ninguem",
  "nenhum",
  "nenhuma",
  "sem",
  "not",
  "never",
  "dont",
  "didnt",
  "doesnt",
  "isnt",
  "wasnt",
  "wont",
  "cant",
  "cannot",
  "couldnt",
  "arent",
  "werent",
  "aint",
  "nothing",
  "nobody",
  "without",
  "nadie",
  "ningun",
  "ninguna",
  "tampoco",
  "ni",
  "sin",
]);
// "no" is the pt-BR "in the" ("no sábado", "no geral foi ótimo"): only a negator before these (es/en usage).
const NO_FOLLOWERS = new Set([
  "me",
  "te",
  "se",
  "le",
  "lo",
  "la",
  "les",
  "nos",
  "es",
  "era",
  "fue",
  "esta",
  "estaba",
  "estuvo",
  "estoy",
  "muy",
  "tan",
  "tiene",
  "tienen",
  "hay",
  "so",
  "very",
  "really",
  "longer",
  "one",
  "good",
  "bueno",
  "buena",
]);
const INTENSIFIERS = new Set([
  "muito",
  "muita",
  "muitos",
  "muitas",
  "mto",
  "mt",
  "mta",
  "super",
  "mega",
  "hiper",
  "ultra",
  "bem",
  "tao",
  "extremamente",
  "totalmente",
  "completamente",
  "bastante",
  "realmente",
  "very",
  "so",
  "really",
  "extremely",
  "totally",
  "too",
  "muy",
  "tan",
  "sumamente",
  "absolutamente",
  "incredibly",
]);
// After the word: "gostei demais", "adorei demais".
const POST_INTENSIFIERS = new Set(["demais", "mesmo", "demasiado"]);
const CONTRAST = new Set(["mas", "porem", "contudo", "entretanto", "but", "however", "pero", "aunque"]);

const NEGATION_SCOPE = 3;
const INTENSIFIER_SCOPE = 2;
const INTENSITY = 1.5;
/** A negated positive keeps most of its weight, flipped; a negated negative becomes mildly positive ("não foi ruim"). */
const NEGATED_POSITIVE = -0.8;
const NEGATED_NEGATIVE = -0.5;
/** What came before "mas"/"but" counts half: "foi bom, mas a demora foi absurda" is a complaint. */
const BEFORE_CONTRAST = 0.5;

// Multi-word expressions, matched on the folded text before words are scored; their words are then consumed.
const PHRASES: [number, RegExp][] = [
  // neutral despite their words
  [0, /\b(?:bom dia|boa tarde|boa noite|bons dias|buen dia|buenos dias|buenas tardes|buenas noches|good morning|good afternoon|good evening|good night)\b/g],
  [0, /\b(?:de nada|por nada)\b/g],
  [0, /\bquanto tempo (?:demora|leva|dura)\b|\bdemora (?:muito|quanto)(?: tempo)?(?= ?\?)|\bdemora quanto\b|\bcuanto (?:tiempo )?(?:demora|tarda)\b/g],
  [0, /\bmal posso esperar\b/g],
  // "Tem problema se eu levar meu filho?" is a question, not a complaint; "sem problema" is reassurance.
  [0, /\b(?:tem|teria|ha|haveria|algum|alguma|any) problem[a]?\b|\bdesculp\w* (?:pelo |o |a |pela )?(?:atraso|demora)\b/g],
  [0.5, /\b(?:sem problemas?|nao tem problema|problema nenhum|no problem|no hay problema|sin problemas?)\b/g],
  // negative
  [
    -2,
    /\b(?:ninguem|nobody|no one|nadie) (?:me |nos |te )?(?:responde|respondeu|respondem|atende|atendeu|atendem|retorna|retornou|liga|answers|answered|responds|responded|replies|replied|picks up|contesta|contesto|atiende)\b/g,
  ],
  [-1.5, /\b(?:sem|sin) (?:resposta|retorno|respuesta)\b|\bno (?:answer|response|reply)\b/g],
  [-2.5, /\b(?:falta de respeito|falta de respeto|sem vergonha|que vergonha|reclame aqui|vou processar|vou reclamar|vou denunciar)\b/g],
  [-2, /\bfalta de (?:atencao|educacao|profissionalismo|consideracao)\b|\bnunca mais\b|\bnever again\b|\bnunca mas\b/g],
  [
    -2,
    /\b(?:perda de tempo|waste of time|perdida de tiempo|mal (?:atendid[oa]s?|educad[oa]s?|atendimento)|mal servicio|que demora|demorou (?:muito|demais|horas|uma eternidade)|cansad[oa] de esperar|tired of waiting)\b/g,
  ],
  [-1.5, /\b(?:deix(?:a|ou|ando) (?:muito )?a desejar|esperando (?:ha|a) (?:horas|dias|semanas|mais de)|waiting for (?:hours|days|weeks))\b/g],
  // "cabelo grosso" (thick hair) is salon talk; rudeness needs a person.
  [
    -2,
    /\b(?:foi|foram|e|era|sao|muito|super|que) gross[oa]s? (?:comigo|com a gente|com minha|com meu|no atendimento)\b|\b(?:atendente|recepcionista|funcionari[oa]|medic[oa]|doutor[a]?|dentista) (?:foi |muito |super )*gross[oa]\b/g,
  ],
  [-1.5, /\b(?:muito|mto|bem|tao|super) caro\b|\bcaro demais\b/g],
  // "like" alone is mostly "I'd like to book"; only its negation is scored.
  [-1.5, /\b(?:didnt|did not|dont|do not|doesnt|does not) (?:really )?like\b/g],
  [-2.5, /\bpior (?:atendimento|clinica|salao|servico|experiencia|lugar)\b/g],
  // positive
  [2, /\b(?:nota (?:10|dez|mil)|show de bola|deus (?:te |lhe |os )?abencoe|god bless|dios (?:te |le )?bendiga)\b/g],
  [
    1.5,
    /\b(?:(?:muito |super )?bem (?:atendid[oa]s?|tratad[oa]s?)|muito bem|well (?:treated|looked after)|bien atendid[oa]s?|deu tudo certo|(?:com certeza )?vou voltar|voltarei|will (?:definitely )?come back|volvere)\b/g,
  ],
];

const NEGATIVE_EMOJI = new Map<string, number>([
  ["😡", -1.5],
  ["😠", -1.5],
  ["🤬", -2],
  ["👎", -1.5],
  ["😤", -1],
  ["😞", -1],
  ["😢", -1],
  ["😭", -1],
  ["💩", -1.5],
  ["🙄", -1],
  ["😒", -1],
  ["😩", -1],
  ["😫", -1],
  ["☹", -1],
  ["🙁", -1],
  ["😕", -0.75],
  ["😔", -1],
  ["💔", -1],
]);
const POSITIVE_EMOJI = new Map<string, number>([
  ["😍", 1.5],
  ["🥰", 1.5],
  ["🤩", 1.5],
  ["👍", 1],
  ["🙏", 0.75],
  ["❤", 1.5],
  ["💖", 1.5],
  ["💕", 1.5],
  ["💗", 1.5],
  ["😊", 1],
  ["☺", 1],
  ["😀", 1],
  ["😁", 1],
  ["😃", 1],
  ["😄", 1],
  ["😘", 1],
  ["👏", 1],
  ["🎉", 1],
  ["🥳", 1],
  ["💯", 1],
  ["✨", 0.5],
  ["😉", 0.5],
  ["🙂", 0.5],
  ["👌", 0.75],
  ["💪", 0.75],
]);
/** The same emoji repeated ("😡😡😡😡😡") counts at most this often. */
const EMOJI_REPEAT_CAP = 3;
const EMOTICON_NEGATIVE = /(?:^|\s)(?:[:;]-?[(/\\[]|:'\()(?=\s|$)/g;
const EMOTICON_POSITIVE = /(?:^|\s)(?:[:;=]-?[)D\]]|<3)(?=\s|$)/g;

// Both only matter once the message is already negative: "ADOREI!!!" stays praise.
const SHOUTING_PENALTY = 0.75;
const EXCLAMATION_PENALTY = 0.5;

function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/['\u2018\u2019`]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** "ótimoooo" → "otimo", "goooood" → "good": elongation is emphasis, not a new word. */
function lookup(token: string): number | undefined {
  const direct = LEXICON.get(token);
  if (direct !== undefined || !/(.)\1\1/.test(token)) return direct;
  return LEXICON.get(token.replace(/(.)\1{2,}/g, "$1")) ?? LEXICON.get(token.replace(/(.)\1{2,}/g, "$1$1"));
}

function emojiScore(raw: string): number {
  let total = 0;
  const seen = new Map<string, number>();
  for (const ch of raw) {
    const w = NEGATIVE_EMOJI.get(ch) ?? POSITIVE_EMOJI.get(ch);
    if (w === undefined) continue;
    const n = (seen.get(ch) ?? 0) + 1;
    seen.set(ch, n);
    if (n <= EMOJI_REPEAT_CAP) total += w;
  }
  total -= 0.75 * Math.min(EMOJI_REPEAT_CAP, raw.match(EMOTICON_NEGATIVE)?.length ?? 0);
  total += 0.75 * Math.min(EMOJI_REPEAT_CAP, raw.match(EMOTICON_POSITIVE)?.length ?? 0);
  return total;
}

function isShouting(raw: string): boolean {
  const letters = raw.match(/\p{L}/gu) ?? [];
  if (letters.length < 8) return false;
  const upper = letters.filter((c) => /\p{Lu}/u.test(c)).length;
  return upper / letters.length >= 0.7;
}

/** Sum of word and phrase weights with negation, intensifiers and contrast applied. */
function lexicalScore(folded: string): number {
  let total = 0;
  let text = ` ${folded} `;
  for (const [weight, re] of PHRASES) {
    text = text.replace(re, () => {
      total += weight;
      // A phrase closes negation/intensifier scope like punctuation does.
      return " , ";
    });
  }

  // Words and the punctuation that ends a clause (and with it any negation scope).
  const tokens = text.match(/[\p{L}\p{N}]+|[.,;:!?\n]+/gu) ?? [];
  let negate = 0;
  let intensify = 0;
  let multiplier = 1;
  let last: { value: number } | undefined;
  let sinceLast = Infinity;
  tokens.forEach((tok, i) => {
    sinceLast++;
    if (!/[\p{L}\p{N}]/u.test(tok)) {
      negate = 0;
      intensify = 0;
      return;
    }
    if (CONTRAST.has(tok)) {
      total *= BEFORE_CONTRAST;
      negate = 0;
      intensify = 0;
      return;
    }
    const weight = lookup(tok);
    if (weight === undefined) {
      if (POST_INTENSIFIERS.has(tok) && last && sinceLast <= INTENSIFIER_SCOPE) {
        total += last.value * (INTENSITY - 1);
        last = undefined;
      } else if (NEGATORS.has(tok) || (tok === "no" && NO_FOLLOWERS.has(tokens[i + 1] ?? ""))) {
        negate = NEGATION_SCOPE;
        // A second negator keeps the scope open: "não tenho nada a reclamar" is one negation (pt/es double negative).
      } else if (INTENSIFIERS.has(tok)) {
        multiplier = intensify > 0 ? multiplier * INTENSITY : INTENSITY;
        intensify = INTENSIFIER_SCOPE;
      } else {
        if (negate > 0) negate--;
        if (intensify > 0) intensify--;
      }
      return;
    }
    let value = weight * (intensify > 0 ? multiplier : 1);
    if (negate > 0 && !NO_NEGATE.has(tok)) {
      value *= value > 0 ? NEGATED_POSITIVE : NEGATED_NEGATIVE;
      negate = 0;
    }
    intensify = 0;
    multiplier = 1;
    total += value;
    last = { value };
    sinceLast = 0;
  });
  return total;
}

/**
 * Score a customer message from -1 (angry) to 1 (delighted). Deterministic; neutral for plain requests.
 * @example detectSentiment("Não gostei do atendimento") // { label: "negative", score: -0.375 }
 * @example detectSentiment("Adorei, muito obrigada! 😍") // { label: "positive", … }
 */
export function detectSentiment(text: string): Sentiment {
  const raw = text.normalize("NFC");
  let total = lexicalScore(fold(raw)) + emojiScore(raw);
  if (total < 0) {
    if (isShouting(raw)) total -= SHOUTING_PENALTY;
    if (/!{2,}/.test(raw)) total -= EXCLAMATION_PENALTY;
  }
  const score = Math.round((total / (Math.abs(total) + 2)) * 1000) / 1000 || 0;
  const label: SentimentLabel = score >= SENTIMENT_THRESHOLD ? "positive" : score <= -SENTIMENT_THRESHOLD ? "negative" : "neutral";
  return { label, score };
}
