import { Hono } from "hono";
import * as z from "../../lib/zod";
import { recordConsent } from "../../compliance/consent";
import { AppError } from "../../lib/errors";
import { CONTACT_HISTORY_LIMIT, listedPreferences, type Preferences } from "../../scheduling/preferences";
import { readProfile } from "../../tenants/profile";
import type { Appointment, Contact } from "../../store/types";
import { callerCompany, requireCaller, audit } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, pathId } from "../openapi/validate";
import { phoneParam } from "../params";
import type { AppEnv } from "../types";

/**
 * Contacts by phone without the phone in a URL (Workers observability logs URLs): the phone goes in a
 * POST body, the answer's id is what listings filter by (`?contact_id=`).
 */
export const contacts = new Hono<AppEnv>();
contacts.use("/api/contacts/*", requireCaller);
const doc = describer({ tag: "Contacts", auth: "admin", resource: "contacts" });

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
    permission: "contacts:read",
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

const contactId = pathId("Contact");
const NO_CONTACT = "`contact_not_found`: no such contact in the caller's tenant";
const contactNotFound = () => new AppError(404, "contact_not_found", "No such contact in this tenant");
const DAY = 86_400_000;
/** The side panel's window of appointments: the last RECENT_DAYS and everything ahead, a few of each. */
const RECENT_DAYS = 180;
const SHOWN = 5;

const appointmentBrief = (a: Appointment) => ({
  id: a.id,
  status: a.status,
  service: a.service,
  starts_at: new Date(a.startsAt).toISOString(),
  ends_at: new Date(a.endsAt).toISOString(),
});

const preferencesView = (p: Preferences) => ({ weekday: p.weekday ?? null, period: p.period ?? null, service: p.service ?? null, visits: p.visits });

/** GET /api/contacts/:id: the contact side panel of the inbox (who, attributes, appointments, conversations). */
contacts.get(
  "/api/contacts/:id",
  doc({
    summary: "A contact with its attributes, recent and upcoming appointments and conversation count",
    responses: {
      200: {
        description:
          "`{contact: {id, phone, name, wa_id, opted_out, last_inbound_at, attributes, created_at, conversations}, appointments: {recent, upcoming}, preferences: {weekday, period, service, visits}}` (the habits the chat's offers follow; null where none)",
      },
    },
    errors: { 404: NO_CONTACT },
  }),
  contactId,
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const id = c.req.valid("param").id;
    const now = Date.now();
    const [card, upcoming, past, all, profile] = await Promise.all([
      store.contacts.card(company.id, id),
      store.appointments.list(company.id, { contactId: id, from: now, limit: SHOWN }),
      // Oldest first in the window; the newest SHOWN of them are kept (a contact has few appointments).
      store.appointments.list(company.id, { contactId: id, from: now - RECENT_DAYS * DAY, to: now, limit: 200 }),
      // The habits the chat's offers follow, read from the same rows it reads (scheduling/preferences.ts).
      store.appointments.list(company.id, { contactId: id, limit: CONTACT_HISTORY_LIMIT, newestFirst: true }),
      // Its usual service counts only while the business lists it, as in the offers.
      store.profiles.get(company.id),
    ]);
    if (!card) throw contactNotFound();
    return c.json({
      contact: { ...contactView(card.contact), attributes: card.contact.attributes, created_at: new Date(card.createdAt).toISOString(), conversations: card.conversations },
      appointments: { recent: past.slice(-SHOWN).reverse().map(appointmentBrief), upcoming: upcoming.map(appointmentBrief) },
      preferences: preferencesView(listedPreferences(all, company.timeZone, readProfile(profile).knowledge.services)),
    });
  },
);

/**
 * An operator records the contact's opt-out (asked by phone, at the desk) or its opt-in again: the
 * same flag the SAIR keyword sets, so nothing the business starts is sent to an opted-out contact.
 * Audited, since it changes who may be messaged.
 */
for (const [action, optedOut] of [
  ["opt-out", true],
  ["opt-in", false],
] as const) {
  contacts.post(
    `/api/contacts/:id/${action}`,
    doc({
      summary: optedOut ? "Records that the contact asked not to receive messages" : "Records that the contact agreed to receive messages again",
      responses: { 200: { description: "`{contact, changed}`" } },
      errors: { 404: NO_CONTACT },
    }),
    contactId,
    async (c) => {
      const company = callerCompany(c.get("caller"));
      const store = c.get("store");
      const id = c.req.valid("param").id;
      const contact = await store.contacts.byId(company.id, id);
      if (!contact) throw contactNotFound();
      const caller = c.get("caller");
      const changed = (await recordConsent(c.env, store, company.id, id, optedOut, { source: caller.kind === "user" ? "panel" : "api", actor: caller.actor })) !== null;
      if (changed) await audit(c, company.id, { action: optedOut ? "contact.opt_out" : "contact.opt_in", target: `contact:${id}` });
      return c.json({ contact: contactView({ ...contact, optedOut }), changed });
    },
  );
}

const AttributeValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
const ContactPatch = z.strictObject({
  name: z.string().trim().max(120).nullable().optional(),
  /** Replaces attributes.labels (lowercased, deduplicated): what campaign audiences select by. */
  labels: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(50).optional(),
  /** Merged into the attributes; a null value removes the key. `labels` is set with the field above. */
  attributes: z
    .record(z.string().regex(/^[A-Za-z0-9_]{1,40}$/, "attribute keys are letters, digits and _"), AttributeValue)
    .refine((a) => Object.keys(a).length <= 30, "at most 30 attributes at once")
    .refine((a) => !("labels" in a), "labels are set with the labels field")
    .optional(),
});

/** PATCH /api/contacts/:id: the contact's name, labels and attributes (audited: audiences select by them). */
contacts.patch(
  "/api/contacts/:id",
  doc({
    summary: "Changes a contact's name, labels (attributes.labels) and attributes",
    responses: { 200: { description: "`{contact: {id, phone, name, wa_id, opted_out, last_inbound_at, attributes}}`" } },
    errors: { 404: NO_CONTACT, 422: "`too_many_attributes`: the contact would hold more than 50 attributes" },
  }),
  contactId,
  jsonBody(ContactPatch),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const id = c.req.valid("param").id;
    const b = c.req.valid("json");
    const contact = await store.contacts.byId(company.id, id);
    if (!contact) throw contactNotFound();
    let attributes: Record<string, unknown> | undefined;
    if (b.labels !== undefined || b.attributes !== undefined) {
      attributes = { ...contact.attributes };
      for (const [k, v] of Object.entries(b.attributes ?? {})) {
        if (v === null) delete attributes[k];
        else attributes[k] = v;
      }
      if (b.labels !== undefined) attributes.labels = [...new Set(b.labels)];
      if (Object.keys(attributes).length > 50) throw new AppError(422, "too_many_attributes", "A contact holds at most 50 attributes");
    }
    const updated = await store.contacts.update(company.id, id, { name: b.name, attributes });
    if (!updated) throw contactNotFound();
    await audit(c, company.id, { action: "contact.update", target: `contact:${id}`, detail: { fields: Object.keys(b) } });
    return c.json({ contact: { ...contactView(updated), attributes: updated.attributes } });
  },
);
