import { Hono, type Context } from "hono";
import { z } from "zod";
import { enqueueParts } from "../ack";
import { phoneParam } from "../params";
import { sanitizeText } from "../../lib/text";
import { AppError } from "../../lib/errors";
import type { Company } from "../../store/types";
import { assertTenantAccess, requireCaller } from "../auth";
import { parseJson } from "../errors";
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

// Open only where the deployment says so (local development); otherwise the admin API rules apply.
sandbox.use("/api/sandbox/*", async (c, next) => {
  if (c.env.SANDBOX_PUBLIC === "true") {
    c.set("caller", { kind: "platform", company: null });
    return next();
  }
  return requireCaller(c, next);
});

async function sandboxCompany(c: Context<AppEnv>): Promise<Company> {
  const company = await c.get("store").companies.bySlug(c.req.param("tenant") ?? "");
  if (!company) throw new AppError(404, "unknown_tenant", "No such tenant");
  assertTenantAccess(c.get("caller"), company);
  if (company.channel !== "sandbox") throw new AppError(409, "not_sandbox", "This tenant uses a real WhatsApp channel; the simulator is off for it");
  return company;
}

sandbox.post("/api/sandbox/:tenant/inbound", async (c) => {
  const received = Date.now();
  const company = await sandboxCompany(c);
  const body: SandboxInbound = SandboxInbound.parse(parseJson(await c.req.text()));
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
});

sandbox.get("/api/sandbox/:tenant/outbox", async (c) => {
  const company = await sandboxCompany(c);
  const raw = c.req.query("contact");
  if (!raw) throw new AppError(400, "contact_required", "Pass ?contact=<phone>");
  const phone = phoneParam(raw, "contact");
  const store = c.get("store");
  const contact = await store.contacts.byPhone(company.id, phone);
  const rows = contact ? await store.messages.listByContact(company.id, contact.id, { direction: "out", limit: 200 }) : [];
  return c.json({
    contact: phone,
    messages: rows.map((m) => ({ id: m.id, to: phone, text: m.body, payload: m.payload, status: m.status, created_at: new Date(m.createdAt).toISOString() })),
  });
});
