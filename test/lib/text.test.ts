import { describe, expect, it } from "vitest";
import { sanitizeText } from "../../src/lib/text";

describe("sanitizeText", () => {
  it.each([
    ["trims", "  oi  ", "oi"],
    ["composes to NFC", "Jose\u0301 cafe\u0301", "José café"],
    ["composes across a removed zero-width space", "e\u200B\u0301", "é"],
    ["keeps \\n and \\t", "a\tb\nc", "a\tb\nc"],
    ["turns CRLF and CR into \\n", "a\r\nb\rc", "a\nb\nc"],
    ["drops C0/C1 controls and DEL", "a\u0000b\u0007c\u001Bd\u007Fe\u0085f", "abcdef"],
    ["drops zero-width characters", "o\u200Bi\u200C!\u200E\u200F\uFEFF", "oi!"],
    ["drops bidi overrides and isolates", "a\u202Ab\u202Bc\u202Dd\u202Ee\u2066f\u2067g\u2068h\u2069", "abcdefgh"],
    ["collapses 3+ newlines to one blank line", "a\n\n\n\n\nb", "a\n\nb"],
    ["keeps a single blank line", "a\n\nb", "a\n\nb"],
    ["treats whitespace-only lines as blank", "a\n  \n\t\n \nb", "a\n\nb"],
    ["trims after removals", "\u200B\n\n oi \u0000\n", "oi"],
    ["replaces lone surrogates", "a\uD800b", "a\uFFFDb"],
    ["keeps emoji ZWJ sequences", "família 👨\u200D👩\u200D👧", "família 👨\u200D👩\u200D👧"],
    ["drops a ZWJ between letters", "a\u200Db", "ab"],
  ])("%s", (_name, input, want) => {
    expect(sanitizeText(input)).toBe(want);
  });

  it("caps at maxLength code points without splitting surrogate pairs", () => {
    expect(sanitizeText("😀😀😀", 2)).toBe("😀😀");
    expect(sanitizeText("ab😀", 3)).toBe("ab😀");
    const capped = sanitizeText("a😀b", 2);
    expect(capped).toBe("a😀");
    expect(capped).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it("defaults to 4096 code points", () => {
    expect(Array.from(sanitizeText("é".repeat(5000)))).toHaveLength(4096);
    expect(sanitizeText("x".repeat(4096))).toHaveLength(4096);
  });

  it("does not end on whitespace after capping", () => {
    expect(sanitizeText("abc   def", 5)).toBe("abc");
  });

  it("returns an empty string for nothing visible", () => {
    expect(sanitizeText("\u200B\u0000 \n\n\n\t")).toBe("");
    expect(sanitizeText("oi", 0)).toBe("");
  });
});
