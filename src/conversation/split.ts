/**
 * Fitting replies into WhatsApp messages. Lengths are counted in Unicode code points ("characters" as WhatsApp
 * counts them, so an emoji outside the BMP is 1, not 2 UTF-16 units); a surrogate pair is never split and, when a
 * cut must fall inside a word, combining marks, ZWJ emoji sequences and flags are kept whole where possible.
 */

/** WhatsApp Cloud API text body limit, in characters. */
export const WHATSAPP_TEXT_LIMIT = 4096;

export const ELLIPSIS = "…";

/** Below this share of the limit a preferred break (paragraph, line) loses to a later weaker one (sentence, space). */
const MIN_FILL = 0.5;

// Sentence end: terminal punctuation, optional closing quotes/brackets, then whitespace.
const SENTENCE_END = /[.!?…]+["'\u201D\u2019)\]\u00BB]*(?=\s)/gu;
// A final "." after these is an abbreviation ("Dra. Ana", "Av. Paulista"), not a sentence end.
const ABBREVIATIONS = new Set([
  "dr",
  "dra",
  "drs",
  "sr",
  "sra",
  "srs",
  "srta",
  "sto",
  "sta",
  "av",
  "prof",
  "profa",
  "etc",
  "ex",
  "obs",
  "tel",
  "cel",
  "n",
  "nº",
  "no",
  "num",
  "pag",
  "pág",
  "cap",
  "aprox",
  "mr",
  "mrs",
  "ms",
  "st",
  "jr",
  "vs",
  "eg",
  "ie",
  "ud",
  "uds",
  "vd",
]);
const EXTEND = /^[\p{M}\u200D\uFE0E\uFE0F\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]$/u;
const REGIONAL_INDICATOR = /^[\u{1F1E6}-\u{1F1FF}]$/u;

interface Breaks {
  paragraph: number[];
  line: number[];
  sentence: number[];
  space: number[];
}

/**
 * Text as code points plus the places a part may end (code point offsets, ascending). Every break sits at
 * whitespace or right before it, so URLs and words (which hold none) are never broken by one: only a forced cut,
 * when a single URL or word is longer than the limit, can split them.
 */
function analyse(text: string): { cps: string[]; breaks: Breaks } {
  const cps = Array.from(text);
  // UTF-16 offset → code point offset, for regex match positions (which never fall inside a surrogate pair here).
  const toCp = new Int32Array(text.length + 1);
  let unit = 0;
  cps.forEach((cp, i) => {
    toCp[unit] = i;
    unit += cp.length;
  });
  toCp[unit] = cps.length;

  const at = (re: RegExp, end: boolean, keep: (m: RegExpMatchArray) => boolean = () => true) =>
    [...text.matchAll(re)]
      .filter(keep)
      .map((m) => toCp[(m.index ?? 0) + (end ? m[0].length : 0)] ?? 0)
      .filter((p) => p > 0);

  return {
    cps,
    breaks: {
      paragraph: at(/\n[^\S\n]*\n/g, false),
      line: at(/\n/g, false),
      sentence: at(SENTENCE_END, true, (m) => !isAbbreviation(text, m.index ?? 0, m[0])),
      space: at(/[^\S\n]/gu, false),
    },
  };
}

function isAbbreviation(text: string, index: number, punct: string): boolean {
  if (punct !== ".") return false;
  const word = /([\p{L}º]+)$/u.exec(text.slice(Math.max(0, index - 12), index))?.[1];
  if (word === undefined) return false;
  // Initials ("J. Silva") and listed abbreviations.
  return (word.length === 1 && /\p{Lu}/u.test(word)) || ABBREVIATIONS.has(word.toLowerCase());
}

/** Last break in (from, to], or -1. */
function lastIn(list: number[], from: number, to: number): number {
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid] ?? 0;
    if (v <= to) {
      found = v;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found > from ? found : -1;
}

/** Move a forced cut back so it does not separate a base character from its marks, a ZWJ sequence or a flag. */
function graphemeSafe(cps: string[], from: number, at: number): number {
  let p = at;
  while (p > from + 1) {
    const next = cps[p] ?? "";
    const prev = cps[p - 1] ?? "";
    if (EXTEND.test(next) || prev === "\u200D") {
      p--;
      continue;
    }
    if (REGIONAL_INDICATOR.test(next) && REGIONAL_INDICATOR.test(prev)) {
      let run = 0;
      for (let i = p - 1; i >= from && REGIONAL_INDICATOR.test(cps[i] ?? ""); i--) run++;
      // An odd run before the cut means the cut sits inside a flag pair.
      if (run % 2 === 1) {
        p--;
        continue;
      }
    }
    break;
  }
  return p;
}

function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
}

const normalise = (text: string) => text.replace(/\r\n?/g, "\n").trim();

/**
 * Split a reply into WhatsApp messages of at most `limit` code points each, trimmed and never empty. Breaks at
 * the last paragraph break, else line break, else sentence end, else space that fills at least half the
 * limit (or the latest break of any kind when none does); a word or URL is only cut when it alone exceeds the limit.
 * @example splitForWhatsApp("Primeira parte.\n\nSegunda parte.", 20) // ["Primeira parte.", "Segunda parte."]
 */
export function splitForWhatsApp(text: string, limit = WHATSAPP_TEXT_LIMIT): string[] {
  assertLimit(limit);
  const { cps, breaks } = analyse(normalise(text));
  const parts: string[] = [];
  const isSpace = (cp: string | undefined) => cp !== undefined && /\s/u.test(cp);
  let start = 0;
  while (cps.length - start > limit) {
    const end = start + limit;
    const kinds = [breaks.paragraph, breaks.line, breaks.sentence, breaks.space];
    const found = kinds.map((list) => lastIn(list, start, end));
    let cut = found.find((p) => p >= start + limit * MIN_FILL) ?? Math.max(...found);
    if (cut <= start) cut = graphemeSafe(cps, start, end);
    // Never empty: `start` sits on a non-space and `cut > start`.
    parts.push(cps.slice(start, cut).join("").trim());
    start = cut;
    while (isSpace(cps[start])) start++;
  }
  const rest = cps.slice(start).join("").trim();
  if (rest !== "") parts.push(rest);
  return parts;
}

/**
 * Shorten a reply to the tenant's own message length limit (code points, "…" included): ends at a sentence end
 * when one keeps at least half the text, else at a word boundary; unchanged (trimmed) when it already fits.
 * @example truncateForLimit("Temos horário amanhã. Quer que eu reserve para você?", 30) // "Temos horário amanhã…"
 */
export function truncateForLimit(text: string, limit: number): string {
  assertLimit(limit);
  const t = normalise(text);
  const { cps, breaks } = analyse(t);
  if (cps.length <= limit) return t;
  const room = limit - 1;

  const sentence = lastIn(breaks.sentence, 0, room);
  const word = Math.max(lastIn(breaks.line, 0, room), lastIn(breaks.space, 0, room));
  let cut = sentence >= room * MIN_FILL ? sentence : word > 0 ? word : graphemeSafe(cps, 0, room);
  let body = trimTail(cps.slice(0, cut).join(""));
  if (body === "") {
    // Only punctuation before the break: cut inside the text instead.
    cut = graphemeSafe(cps, 0, room);
    body = trimTail(cps.slice(0, cut).join("")) || cps.slice(0, cut).join("");
  }
  return body + ELLIPSIS;
}

/** Drop trailing spaces and soft punctuation so "amanhã." becomes "amanhã" before the "…". */
function trimTail(s: string): string {
  return s.replace(/[\s.,;:\u2013\u2014-]+$/u, "");
}
