import { Hono, type Context, type MiddlewareHandler } from "hono";
import * as z from "../../lib/zod";
import { enqueueParts } from "../ack";
import { contactFilter, phoneParam } from "../params";
import { sanitizeText } from "../../lib/text";
import { AppError } from "../../lib/errors";
import type { Company, Contact } from "../../store/types";
import { assertActive, assertTenantAccess, requireCaller } from "../auth";
import { hostAllows } from "../host-tenant";
import { describer } from "../openapi/meta";
import { accessCookie } from "../session-cookies";
import { jsonBody } from "../openapi/validate";
import type { AppEnv } from "../types";

/**
 * The sandbox channel: a WhatsApp simulator. Inbound messages take exactly the path a real webhook
 * takes (tenant DO, dedup, limits, queues); replies land in the outbox instead of on a phone.
 */
export const sandbox = new Hono<AppEnv>();

const SandboxInbound = z.object({
  from: z.string().min(3).max(32),
  text: z.string().min(1).max(4096),
  /** Optional client id: sending the same id twice is a provider retry and is answered once. */
  id: z.string().min(1).max(128).optional(),
  name: z.string().max(128).optional(),
});
type SandboxInbound = z.infer<typeof SandboxInbound>;

/**
 * SANDBOX_PUBLIC: the comma-separated slugs whose simulator answers without a token (local
 * development; "false" or empty: none, and "true" no longer opens every tenant). A caller that sends
 * a token is always checked as one, so it reaches its own tenant only, listed or not.
 */
export function publicSandboxTenants(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s && s !== "true" && s !== "false"),
  );
}

sandbox.use("/api/sandbox/*", async (c, next) => {
  // A token or a signed-in person is always checked as such (the panel's simulator sends the session's cookies).
  if (c.req.header("authorization") || accessCookie(c)) return requireCaller(c, next);
  const slug = /^\/api\/sandbox\/([^/]+)\//.exec(c.req.path)?.[1] ?? "";
  if (!publicSandboxTenants(c.env.SANDBOX_PUBLIC).has(slug)) throw new AppError(401, "unauthorized", "Missing Authorization: Bearer <token>");
  const company = await c.get("store").companies.bySlug(slug);
  if (!company) throw new AppError(404, "unknown_tenant", "No such tenant");
  // Anonymous, bounded like a token that may use this one tenant's simulator and nothing else.
  c.set("caller", { kind: "token", company, role: "agent", scopes: ["sandbox:write"], userId: null, tokenId: null, sessionId: null, actor: "anonymous" });
  return next();
});

/**
 * The path's tenant, checked before any body is read: it exists, the caller (and the host name) may
 * use it, it is active, its channel is the simulator.
 */
const sandboxTenant: MiddlewareHandler<AppEnv> = async (c, next) => {
  const company = await c.get("store").companies.bySlug(c.req.param("tenant") ?? "");
  if (!company) throw new AppError(404, "unknown_tenant", "No such tenant");
  assertTenantAccess(c.get("caller"), company);
  if (!hostAllows(c, company)) throw new AppError(403, "forbidden", "The host name names another tenant");
  assertActive(company);
  if (company.channel !== "sandbox") throw new AppError(409, "not_sandbox", "This tenant uses a real WhatsApp channel; the simulator is off for it");
  c.set("sandboxCompany", company);
  await next();
};
sandbox.use("/api/sandbox/:tenant/*", sandboxTenant);

const doc = describer({ tag: "Sandbox", auth: "sandbox", resource: "sandbox" });
const TENANT_ERRORS = {
  403: "`forbidden`: another tenant's simulator; `tenant_suspended`",
  404: "`unknown_tenant`",
  409: "`not_sandbox`: the tenant uses a real WhatsApp channel",
};

sandbox.post(
  "/api/sandbox/:tenant/inbound",
  doc({
    summary: "A message from a simulated contact: it takes a real webhook's path",
    responses: { 202: { description: '`{id, from, status: "queued"}`' } },
    errors: { ...TENANT_ERRORS, 422: "`invalid_phone`" },
  }),
  jsonBody(SandboxInbound),
  async (c) => {
    const received = Date.now();
    const company = c.get("sandboxCompany");
    const body: SandboxInbound = c.req.valid("json");
    const phone = phoneParam(body.from, "from");
    const id = body.id ?? `sandbox-in-${crypto.randomUUID()}`;
    const name = body.name ? sanitizeText(body.name) : "";
    await enqueueParts(
      c,
      "sandbox",
      [
        {
          company,
          batch: {
            routeKey: company.slug,
            ignored: 0,
            statuses: [],
            messages: [{ providerMessageId: id, from: phone, phone, ...(name && { contactName: name }), type: "text", text: sanitizeText(body.text), timestamp: received }],
          },
        },
      ],
      received,
    );
    // Admission (dedup, limits) happens in the queue consumer, as for every channel: a repeated id is answered once.
    return c.json({ id, from: phone, status: "queued" }, 202);
  },
);

/**
 * The replies to one contact. `GET …/outbox?contact_id=<id>`, or `POST …/outbox {"contact":"<phone>"}`
 * for a caller that only knows the number (a phone never goes in the URL: URLs are logged). A number
 * nobody has written from yet is an empty outbox, so a client can poll before the contact exists.
 */
const OUTBOX = { 200: { description: "`{contact, contact_id, messages: [...]}`: the replies to that contact (empty for a number nobody wrote from)" } };

sandbox.get(
  "/api/sandbox/:tenant/outbox",
  doc({
    summary: "The replies to one contact, by id",
    queryParams: { contact_id: "The contact's id (POST the phone instead when only the number is known)" },
    responses: OUTBOX,
    errors: { 400: "`contact_required`; `phone_in_url`; `invalid_id`", ...TENANT_ERRORS },
  }),
  async (c) => {
    const company = c.get("sandboxCompany");
    const contactId = contactFilter(c.req.query());
    if (contactId === undefined) throw new AppError(400, "contact_required", 'Pass ?contact_id=<id>, or POST {"contact":"<phone>"} to this URL');
    return outboxOf(c, company, await c.get("store").contacts.byId(company.id, contactId));
  },
);

const OutboxQuery = z.union([z.strictObject({ contact: z.string().min(3).max(32) }), z.strictObject({ contact_id: z.number().int().positive() })]);

sandbox.post(
  "/api/sandbox/:tenant/outbox",
  doc({
    permission: "sandbox:read",
    summary: "The replies to one contact, by phone or id (a phone never goes in the URL)",
    responses: OUTBOX,
    errors: { ...TENANT_ERRORS, 422: "`invalid_phone`" },
  }),
  jsonBody(OutboxQuery),
  async (c) => {
    const company = c.get("sandboxCompany");
    const body = c.req.valid("json");
    const store = c.get("store");
    if ("contact_id" in body) return outboxOf(c, company, await store.contacts.byId(company.id, body.contact_id));
    const phone = phoneParam(body.contact, "contact");
    return outboxOf(c, company, await store.contacts.byPhone(company.id, phone), phone);
  },
);

async function outboxOf(c: Context<AppEnv>, company: Company, contact: Contact | null, phone: string | null = contact?.phone ?? null) {
  const rows = contact ? await c.get("store").messages.listByContact(company.id, contact.id, { direction: "out", limit: 200 }) : [];
  const to = contact?.phone ?? phone;
  return c.json({
    contact: to,
    contact_id: contact?.id ?? null,
    messages: rows.map((m) => ({ id: m.id, to, text: m.body, payload: m.payload, status: m.status, created_at: new Date(m.createdAt).toISOString() })),
  });
}
