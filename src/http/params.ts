/** Request parameters every admin route reads the same way: phones (never in URLs), contact filters, numeric ids. */
import * as z from "../lib/zod";
import { AppError } from "../lib/errors";
import { normalizePhone } from "../lib/phone";

/** A phone number from a request field, normalised, or a 422 naming the field. */
export function phoneParam(raw: string, field: string): string {
  const phone = normalizePhone(raw);
  if (!phone) throw new AppError(422, "invalid_phone", `\`${field}\` is not a phone number we can normalise`);
  return phone;
}

/** Query parameters that would carry a phone number; URLs end up in Workers observability logs. */
const PHONE_QUERY_KEYS = ["contact", "phone"] as const;

/**
 * Refuses a phone number in the query string with a 400 that says what to do instead: filter by
 * `contact_id`, found with `POST /api/contacts/lookup {phone}`.
 */
export function rejectPhoneInUrl(query: Record<string, string | undefined>): void {
  const key = PHONE_QUERY_KEYS.find((k) => query[k] !== undefined);
  if (key === undefined) return;
  throw new AppError(
    400,
    "phone_in_url",
    `Phone numbers are not accepted in URLs (they are logged): use ?contact_id=<id>; find the id with POST /api/contacts/lookup {"phone": "…"}`,
    { parameter: key },
  );
}

/**
 * For list filters by contact: undefined when no filter was asked, else the contact id from
 * `?contact_id=`. No lookup is needed: every listing filters by the tenant too, so another tenant's
 * id simply lists nothing. A phone in `?contact=` is a 400 `phone_in_url`.
 */
export function contactFilter(query: Record<string, string | undefined>): number | undefined {
  rejectPhoneInUrl(query);
  const raw = query.contact_id;
  if (raw === undefined || raw === "") return undefined;
  return idParam(raw, "Contact");
}

/** What `contactFilter` can answer, for a listing's API document. */
export const CONTACT_FILTER_ERRORS = "`phone_in_url`: a phone in ?contact= or ?phone=; `invalid_id`: contact_id is not a positive integer";

/** The largest row id: ids are 32-bit `integer` columns on Postgres, which fails (a 500) on a larger parameter. */
export const MAX_ID = 2_147_483_647;
/** A row id in a path or query: what `idParam` accepts. */
export const Id = z.coerce.number().int().positive().max(MAX_ID);

/** A numeric route id, or a 400 naming what it identifies ("Appointment ids are positive integers"). */
export function idParam(raw: string | undefined, what: string): number {
  // Decimal digits only: Number() would also read "0x1", "1e3" and " 7 " as ids.
  const id = /^[1-9]\d{0,9}$/.test(raw ?? "") ? Id.safeParse(raw) : ({ success: false } as const);
  if (!id.success) throw new AppError(400, "invalid_id", `${what} ids are positive integers`);
  return id.data;
}
