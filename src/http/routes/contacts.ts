import { Hono } from "hono";
import * as z from "../../lib/zod";
import { AppError } from "../../lib/errors";
import type { Contact } from "../../store/types";
import { callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody } from "../openapi/validate";
import { phoneParam } from "../params";
import type { AppEnv } from "../types";

/**
 * Contacts by phone without the phone in a URL (Workers observability logs URLs): the phone goes in a
 * POST body, the answer's id is what listings filter by (`?contact_id=`).
 */
export const contacts = new Hono<AppEnv>();
contacts.use("/api/contacts/*", requireCaller);
const doc = describer({ tag: "Contacts", auth: "admin" });

/** A contact for the API: the phone is the caller's own tenant's data, so it is shown in full. */
export function contactView(k: Contact) {
  return {
    id: k.id,
    phone: k.phone,
    name: k.name,
    wa_id: k.waId,
    opted_out: k.optedOut,
    last_inbound_at: k.lastInboundAt === null ? null : new Date(k.lastInboundAt).toISOString(),
  };
}

const Lookup = z.strictObject({ phone: z.string().min(3).max(32) });

/** POST /api/contacts/lookup `{phone}` → `{contact}`, or 404 `contact_not_found` (in the caller's tenant only). */
contacts.post(
  "/api/contacts/lookup",
  doc({
    summary: "A contact by phone (the phone in the body, never in a URL)",
    responses: { 200: { description: "`{contact: {id, phone, name, wa_id, opted_out, last_inbound_at}}`" } },
    errors: { 404: "`contact_not_found`: no contact with this phone in the caller's tenant", 422: "`invalid_phone`: not a phone number we can normalise" },
  }),
  jsonBody(Lookup),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const { phone } = c.req.valid("json");
    const contact = await c.get("store").contacts.byPhone(company.id, phoneParam(phone, "phone"));
    if (!contact) throw new AppError(404, "contact_not_found", "No contact with this phone number in this tenant");
    return c.json({ contact: contactView(contact) });
  },
);
