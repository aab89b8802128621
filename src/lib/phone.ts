/** Phone number normalisation (E.164 digits without "+") and log-safe masking. */

const BR = "55";
const PHONE_JID_DOMAINS = new Set(["s.whatsapp.net", "c.us"]);

/**
 * Normalise a phone number or WhatsApp JID to E.164 digits without "+", or null when it cannot be one.
 * Brazilian numbers are validated (DDD + 8/9 digits) and mobiles get the ninth digit restored.
 * @example normalizePhone("+55 (11) 8765-4321") // "5511987654321"
 * @example normalizePhone("5511987654321:3@s.whatsapp.net") // "5511987654321"
 */
export function normalizePhone(raw: string, defaultCountry = BR): string | null {
  // JIDs: "<number>[:device]@s.whatsapp.net"; only the user part is the phone.
  const at = raw.indexOf("@");
  // "@lid", "@g.us", "@broadcast" user parts are opaque ids or groups, not phone numbers.
  if (
    at >= 0 &&
    !PHONE_JID_DOMAINS.has(
      raw
        .slice(at + 1)
        .trim()
        .toLowerCase(),
    )
  )
    return null;
  const user = (at >= 0 ? raw.slice(0, at) : raw).split(":", 1)[0] ?? "";
  let explicit = user.trim().startsWith("+");
  let digits = user.replace(/\D/g, "");
  if (digits.startsWith("00")) {
    digits = digits.slice(2);
    explicit = true;
  }
  if (digits === "") return null;
  const country = defaultCountry.replace(/\D/g, "") || BR;

  if (explicit) return digits.startsWith(BR) ? brazilFromInternational(digits) : foreign(digits);
  if (digits.startsWith(BR) && (digits.length === 12 || digits.length === 13)) return brazilFromInternational(digits);
  // Longer than any national form: the contact already wrote a country code.
  if (digits.length > 11 && !digits.startsWith("0")) return digits.startsWith(BR) ? null : foreign(digits);

  if (country !== BR) {
    const national = digits.replace(/^0/, "");
    return foreign(country + national);
  }
  return brazilFromNational(digits);
}

/**
 * Mask a phone number for logs: first 5 and last 4 digits survive.
 * @example maskPhone("5511987654321") // "55119****4321"
 */
export function maskPhone(e164: string): string {
  const chars = Array.from(e164);
  const n = chars.length;
  if (n >= 10) return chars.slice(0, 5).join("") + "*".repeat(n - 9) + chars.slice(n - 4).join("");
  // Too short for the 5+4 rule: keeping that much would print (almost) the whole number.
  if (n >= 6) return chars.slice(0, 2).join("") + "*".repeat(n - 4) + chars.slice(n - 2).join("");
  return "*".repeat(n);
}

/** "55" + DDD + local part → canonical form, or null. */
function brazilFromInternational(digits: string): string | null {
  if (digits.length !== 12 && digits.length !== 13) return null;
  return brazil(digits.slice(2, 4), digits.slice(4));
}

/** National forms: DDD + local, optionally behind a trunk "0" or "0" + 2-digit carrier code. */
function brazilFromNational(digits: string): string | null {
  let d = digits;
  if (d.startsWith("0")) {
    d = d.slice(1);
    // "0 + carrier (15, 21, 41...) + DDD + number", the long-distance dialling form in contact lists.
    if (d.length === 12 || d.length === 13) d = d.slice(2);
  }
  if (d.length !== 10 && d.length !== 11) return null;
  return brazil(d.slice(0, 2), d.slice(2));
}

function brazil(ddd: string, local: string): string | null {
  // DDDs run 11–99 and none ends in 0.
  if (!/^[1-9][1-9]$/.test(ddd)) return null;
  if (local.length === 9) return local.startsWith("9") ? BR + ddd + local : null;
  if (local.length !== 8) return null;
  // WhatsApp still reports many mobiles in the pre-2016 8-digit form; landlines (2–5) never had a ninth digit.
  if (/^[6-9]/.test(local)) return BR + ddd + "9" + local;
  if (/^[2-5]/.test(local)) return BR + ddd + local;
  return null;
}

function foreign(digits: string): string | null {
  return digits.length >= 8 && digits.length <= 15 && !digits.startsWith("0") ? digits : null;
}

/**
 * A contact's address as a phone number, or null when it is not one: an address is the phone (E.164
 * digits) when known, else Meta's BSUID ("BR.1502576394655843") for a username user whose number is
 * withheld. Phone-only features (Evolution, Whaticket, a Cal.com attendee's phone) ask this first.
 * @example phoneOfAddress("5511987654321") // "5511987654321"
 * @example phoneOfAddress("BR.1502576394655843") // null
 */
export function phoneOfAddress(address: string): string | null {
  return /^\d{6,20}$/.test(address) ? address : null;
}

/** What a phone-only channel answers for a contact known only by its BSUID (a permanent send failure, with the reason). */
export const noPhoneReason = (what: string) =>
  `This contact is known only by its WhatsApp username id (BSUID), with no phone number; ${what} sends to phone numbers only. Reply on the Meta channel, or wait until the contact shares a number.`;
