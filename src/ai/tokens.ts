/**
 * Token estimates for when a provider does not report usage (billing and analytics still need a number).
 *
 * Heuristic: one token per 4 UTF-16 code units, rounded up; at least 1 for non-empty text, 0 for "".
 * BPE tokenizers average about 4 characters per token on English and somewhat fewer on Portuguese
 * or Spanish, so this errs low by perhaps 10–25 % on pt-BR chat; emoji (2 code units) count as half
 * a token or more, closer to reality than counting code points. No tokenizer is bundled: the exact
 * count differs per vendor anyway, and results built on it are flagged `estimated: true`.
 */

/**
 * Estimated token count of `text`.
 * @example estimateTokens("Olá, tudo bem?") // 4 (14 chars / 4, rounded up)
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return Math.max(1, Math.ceil(text.length / 4));
}
