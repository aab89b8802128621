/** Request parameters every admin route reads the same way: phones, contact filters, numeric ids. */
import { z } from "zod";
import { AppError } from "../lib/errors";
import { normalizePhone } from "../lib/phone";
import type { Store } from "../store/types";

/** A phone number from a request field, normalised, or a 422 naming the field. */
export function phoneParam(raw: string, field: string): string {
  const phone = normalizePhone(raw);
  if (!phone) throw new AppError(422, "invalid_phone", `\`${field}\` is not a phone number we can normalise`);
  return phone;
}

/**
 * For list filters by contact: undefined when no filter was asked, null when the number is valid
 * but no such contact exists (the list is empty), else the contact's id.
 */
export async function contactFilter(store: Store, companyId: number, raw: string | undefined): Promise<number | null | undefined> {
  if (!raw) return undefined;
  const contact = await store.contacts.byPhone(companyId, phoneParam(raw, "contact"));
  return contact ? contact.id : null;
}

const Id = z.coerce.number().int().positive();

/** A numeric route id, or a 400 naming what it identifies ("Appointment ids are positive integers"). */
export function idParam(raw: string | undefined, what: string): number {
  const id = Id.safeParse(raw);
  if (!id.success) throw new AppError(400, "invalid_id", `${what} ids are positive integers`);
  return id.data;
}
