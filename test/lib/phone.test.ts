import { describe, expect, it } from "vitest";
import { maskPhone, normalizePhone } from "../../src/lib/phone";

describe("normalizePhone", () => {
  it.each([
    // Brazilian, already international
    ["5511987654321", "5511987654321"],
    ["+55 (11) 98765-4321", "5511987654321"],
    ["+55 11 98765 4321", "5511987654321"],
    ["0055 11 98765-4321", "5511987654321"],
    // WhatsApp JIDs, with and without a device suffix
    ["5511987654321@s.whatsapp.net", "5511987654321"],
    ["5511987654321:12@s.whatsapp.net", "5511987654321"],
    ["5511987654321@c.us", "5511987654321"],
    // ninth digit restored for 8-digit mobiles (6–9), not for landlines (2–5)
    ["551187654321", "5511987654321"],
    ["+55 21 7654-3210", "5521976543210"],
    ["556199998888@s.whatsapp.net", "5561999998888"],
    ["551133334444", "551133334444"],
    ["+55 11 5555-1234", "551155551234"],
    // national forms get 55
    ["(11) 98765-4321", "5511987654321"],
    ["11987654321", "5511987654321"],
    ["1133334444", "551133334444"],
    ["011 98765-4321", "5511987654321"],
    ["0 15 11 98765-4321", "5511987654321"],
    ["(11) 8765-4321", "5511987654321"],
    // DDD 55 (Rio Grande do Sul) in national form is not mistaken for the country code
    ["55 99123-4567", "5555991234567"],
    // other countries
    ["+1 (202) 555-0123", "12025550123"],
    ["+44 7911 123456", "447911123456"],
    ["447911123456", "447911123456"],
    ["00351 912 345 678", "351912345678"],
  ])("%s → %s", (raw, want) => {
    expect(normalizePhone(raw)).toBe(want);
  });

  it.each([
    [""],
    ["   "],
    ["abc"],
    ["12345"],
    ["98765-4321"], // no area code: we cannot guess the DDD
    ["+55 11 1234-5678"], // local part cannot start with 1
    ["+55 10 98765-4321"], // no DDD ends in 0
    ["+55 11 88765-4321"], // 9-digit local must start with 9
    ["55119876543210"], // 55 + too many digits
    ["+1234567"], // 7 digits: too short for any country
    ["+1234567890123456"], // 16 digits: longer than E.164 allows
    ["123456789012345@lid"], // opaque WhatsApp id, not a phone
    ["120363025555555555@g.us"], // a group
  ])("%j → null", (raw) => {
    expect(normalizePhone(raw)).toBeNull();
  });

  it("uses another default country for national forms", () => {
    expect(normalizePhone("07911 123456", "44")).toBe("447911123456");
    expect(normalizePhone("+55 11 98765-4321", "44")).toBe("5511987654321");
  });

  it("is idempotent on its own output", () => {
    for (const raw of ["(11) 8765-4321", "+44 7911 123456", "1133334444"]) {
      const once = normalizePhone(raw);
      expect(once).not.toBeNull();
      expect(normalizePhone(once ?? "")).toBe(once);
    }
  });
});

describe("maskPhone", () => {
  it.each([
    ["5511987654321", "55119****4321"],
    ["551133334444", "55113***4444"],
    ["12025550123", "12025**0123"],
    ["1234567", "12***67"],
    ["1234", "****"],
    ["", ""],
  ])("%s → %s", (phone, want) => {
    expect(maskPhone(phone)).toBe(want);
  });

  it("never contains the full number", () => {
    for (const phone of ["5511987654321", "447911123456", "12345678", "123456789"]) {
      const masked = maskPhone(phone);
      expect(masked).not.toContain(phone);
      expect(masked).toContain("*");
      expect(masked).toHaveLength(phone.length);
    }
  });
});
