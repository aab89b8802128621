/** Cleaning of untrusted message text before it is stored, classified, prompted or sent. */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Invisible characters used to hide text or flip its display order (Trojan Source style spoofing).
// U+200D is handled separately so emoji sequences like 👨‍👩‍👧 survive.
const INVISIBLE = /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
// A ZWJ is only kept between two pictographs (optionally after a variation selector / skin tone).
const STRAY_ZWJ = /(?<!\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
// C0 except \t and \n, DEL, and C1.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's job (they are stripped).
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const BLANK_LINES = /\n(?:[ \t]*\n){2,}/g;

/**
 * Normalise untrusted text: NFC, no control or invisible/bidi characters, at most one blank line in a row,
 * trimmed, at most `maxLength` code points.
 * @example sanitizeText("  Oi\u200B!\r\n\n\n\nTudo bem?  ") // "Oi!\n\nTudo bem?"
 */
export function sanitizeText(s: string, maxLength = 4096): string {
  const limit = Math.max(0, Math.floor(maxLength));
  let t = s
    // Lone surrogates make JSON bodies invalid for provider APIs.
    .replace(LONE_SURROGATE, "\uFFFD")
    // Line breaks become \n before control stripping, so CRLF text keeps its lines.
    .replace(/\r\n?|[\u2028\u2029]/g, "\n")
    .replace(INVISIBLE, "")
    .replace(STRAY_ZWJ, "")
    .replace(CONTROL, "")
    // After removals, so "e" + ZWSP + U+0301 composes too.
    .normalize("NFC")
    .replace(BLANK_LINES, "\n\n")
    .trim();
  const points = Array.from(t);
  if (points.length > limit)
    t = points
      .slice(0, limit)
      .join("")
      .replace(/\u200D$/, "")
      .trimEnd();
  return t;
}
