import { Hono } from "hono";
import * as z from "../../lib/zod";
import { collectContactData, eraseContact } from "../../compliance/contact-data";
import { exportCsv } from "../../compliance/csv";
import { previewRetention } from "../../compliance/retention";
import { RetentionSettings } from "../../compliance/retention-settings";
import { AppError } from "../../lib/errors";
import { maskPhone } from "../../lib/phone";
import { sanitizeText } from "../../lib/text";
import type { ComplianceContact, ConsentEvent } from "../../store/types";
import { readProfile } from "../../tenants/profile";
import { configChanged } from "../../tenants/tenant-cache";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, pathId, queryParams } from "../openapi/validate";
import type { AppEnv } from "../types";

/**
 * LGPD: find a contact, export everything held about them (JSON or CSV), erase them (confirmed by
 * their phone), their consent history, and the tenant's message retention policy with its dry run.
 * Every export and erasure is audited with who did it, never with the data itself.
 */
export const compliance = new Hono<AppEnv>();
compliance.use("/api/compliance/*", requireCaller);
compliance.use("/api/contacts/:id/consent", requireCaller);
compliance.use("/api/config/retention", requireCaller);
const doc = describer({ tag: "Compliance", auth: "admin", resource: "compliance" });

const NOT_FOUND = "`contact_not_found`: no such contact in the caller's tenant";
const notFound = () => new AppError(404, "contact_not_found", "No such contact in this tenant");
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const contactView = (k: ComplianceContact) => ({
  id: k.id,
  // Erased: the anonymous token is not a phone, and shows as nothing.
  phone: k.erasedAt === null ? maskPhone(k.phone) : null,
  name: k.name,
  opted_out: k.optedOut,
  consent_changed_at: iso(k.consentChangedAt),
  erased_at: iso(k.erasedAt),
  created_at: iso(k.createdAt),
});
const consentView = (e: ConsentEvent) => ({ id: e.id, kind: e.kind, source: e.source, actor: e.actor, detail: e.detail, at: iso(e.createdAt) });

compliance.get(
  "/api/compliance/contacts",
  doc({ permission: "compliance:read", summary: "Refused: search with POST /api/compliance/contacts/search", responses: { 400: { description: "`search_in_url`" } } }),
  () => {
    throw new AppError(400, "search_in_url", "Search with POST /api/compliance/contacts/search {q} (URLs are logged; a search may hold a phone)");
  },
);

const Search = z.strictObject({
  q: z.string().trim().min(1).max(100).describe("Part of the name, or at least 3 digits of the phone"),
  limit: z.number().int().min(1).max(50).default(20),
});

compliance.post(
  "/api/compliance/contacts/search",
  doc({
    permission: "compliance:read",
    summary: "Contacts whose name or phone matches `q` (in the body: a phone never lands in a logged URL); erased ones are marked",
    responses: { 200: { description: "`{contacts: [{id, phone (masked), name, opted_out, consent_changed_at, erased_at, created_at}]}`" } },
  }),
  jsonBody(Search),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const { q, limit } = c.req.valid("json");
    const text = sanitizeText(q, 100);
    if (!text) throw new AppError(400, "invalid_body", "The search text is empty once control characters are removed");
    const digits = text.replace(/\D/g, "");
    const found = await c.get("store").compliance.findContacts(company.id, { text, digits: digits.length >= 3 ? digits : null, limit });
    await audit(c, company.id, { action: "personal_data.read", target: "compliance.search", detail: { count: found.length } });
    return c.json({ contacts: found.map(contactView) });
  },
);

const ExportQuery = z.object({
  contact_id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31),
  format: z.enum(["json", "csv"]).default("json"),
});

compliance.get(
  "/api/compliance/export",
  doc({
    summary: "Everything held about a contact (store rows and the tenant's Durable Object state), as JSON or one sectioned CSV; audited",
    responses: { 200: { description: "A download: `{exported_at, contact, records: {<table>: [rows]}, durable_object: [...]}` or text/csv" } },
    errors: { 404: NOT_FOUND },
  }),
  queryParams(ExportQuery),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const { contact_id: id, format } = c.req.valid("query");
    const data = await collectContactData(c.env, c.get("store"), company.id, id);
    if (!data) throw notFound();
    await audit(c, company.id, { action: "compliance.export", target: `contact:${id}`, detail: { format } });
    const file = `contact-${id}.${format}`;
    c.header("content-disposition", `attachment; filename="${file}"`);
    c.header("cache-control", "no-store");
    if (format === "csv") return c.body(exportCsv(data), 200, { "content-type": "text/csv; charset=utf-8" });
    return c.json({ exported_at: new Date().toISOString(), contact: contactView(data.contact), records: data.records, durable_object: data.durableObject });
  },
);

const Delete = z.strictObject({
  contact_id: z
    .number()
    .int()
    .positive()
    .max(2 ** 31),
  confirm: z.string().trim().min(1).max(100).describe("The contact's phone (its digits), typed again"),
});

compliance.post(
  "/api/compliance/delete",
  doc({
    summary: "Erases a contact everywhere (anonymised in every table and the Durable Object); `confirm` repeats the phone",
    responses: { 200: { description: "`{erased: {contact_id, erased_at, store: {<table>: rows}, durable_object: {...}}}`" } },
    errors: { 404: NOT_FOUND, 409: "`already_erased`", 422: "`confirmation_mismatch`: confirm is not the contact's phone" },
  }),
  jsonBody(Delete),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const { contact_id: id, confirm } = c.req.valid("json");
    const contact = await store.compliance.contact(company.id, id);
    if (!contact) throw notFound();
    if (contact.erasedAt !== null) throw new AppError(409, "already_erased", "This contact was already erased");
    const digits = (s: string) => s.replace(/\D/g, "");
    const matches = /^\d+$/.test(contact.phone) ? digits(confirm) === contact.phone : confirm === contact.phone;
    if (!matches) throw new AppError(422, "confirmation_mismatch", "Type the contact's phone number to confirm the erasure");
    const at = Date.now();
    const outcome = await eraseContact(c.env, store, contact, at);
    if (!outcome.ok) throw outcome.reason === "not_found" ? notFound() : new AppError(409, "already_erased", "This contact was already erased");
    // The counts only: the entry must not keep what was erased.
    await audit(c, company.id, { action: "compliance.delete", target: `contact:${id}`, detail: { store: outcome.store, durable_object: outcome.durableObject } });
    return c.json({ erased: { contact_id: id, erased_at: iso(at), store: outcome.store, durable_object: outcome.durableObject } });
  },
);

compliance.get(
  "/api/contacts/:id/consent",
  doc({
    summary: "The contact's opt-out / opt-in history, oldest first",
    responses: { 200: { description: "`{contact, events: [{id, kind, source, actor, detail, at}]}`" } },
    errors: { 404: NOT_FOUND },
  }),
  pathId("Contact"),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const id = c.req.valid("param").id;
    const contact = await store.compliance.contact(company.id, id);
    if (!contact) throw notFound();
    return c.json({ contact: contactView(contact), events: (await store.compliance.consentHistory(company.id, id)).map(consentView) });
  },
);

compliance.get("/api/compliance/retention", doc({ summary: "The retention policy", responses: { 200: { description: "`{retention: {messagesDays, mode}}`" } } }), async (c) => {
  const company = callerCompany(c.get("caller"));
  return c.json({ retention: readProfile(await c.get("store").profiles.get(company.id)).retention });
});

compliance.get(
  "/api/compliance/retention/preview",
  doc({
    summary: "Dry run: what the next night maintenance would purge or anonymise under the current policy (or under ?days=&mode= to try one)",
    responses: { 200: { description: "`{retention, cutoff, messages, delivery_logs, next_run}`: next_run is what one night run handles (bounded)" } },
  }),
  queryParams(z.object({ days: z.coerce.number().int().min(30).max(3650).optional(), mode: z.enum(["purge", "anonymise"]).optional() })),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const q = c.req.valid("query");
    const stored = readProfile(await store.profiles.get(company.id)).retention;
    const policy = { messagesDays: q.days ?? stored.messagesDays, mode: q.mode ?? stored.mode };
    const p = await previewRetention(store, company.id, policy, Date.now());
    return c.json({ retention: policy, cutoff: iso(p.cutoff), messages: p.messages, delivery_logs: p.deliveryLogs, next_run: p.nextRun });
  },
);

compliance.put(
  "/api/config/retention",
  doc({
    summary: "Sets the retention policy: messagesDays ≥ 30 (null keeps messages), mode purge or anonymise; applied by the night maintenance job",
    responses: { 200: { description: "`{retention: {messagesDays, mode}}`" } },
  }),
  jsonBody(RetentionSettings.strict()),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    const store = c.get("store");
    const retention = c.req.valid("json");
    await store.profiles.put(company.id, { ...readProfile(await store.profiles.get(company.id)), retention }, Date.now());
    await configChanged(c.env, company.id);
    await audit(c, company.id, { action: "config.retention.update", detail: retention });
    return c.json({ retention });
  },
);
