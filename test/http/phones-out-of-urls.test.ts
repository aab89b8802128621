/**
 * Full phone numbers never travel in URLs (Workers observability logs them): listings filter by
 * `?contact_id=`, a phone is looked up with `POST /api/contacts/lookup`, and `?contact=<phone>` is a
 * clear 400 telling the caller so.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { api, eventually, seedCompany, store } from "../support/helpers";

const PHONE_A = "5511987650701";
const PHONE_B = "5511987650702";
const asA = { authorization: "Bearer token-of-phones-a" };

interface ErrorBody {
  error: { status: number; code: string; message: string };
}
const lookup = (phone: unknown, init: { headers?: Record<string, string>; tenant?: string } = {}) =>
  api("/api/contacts/lookup", { method: "POST", body: JSON.stringify({ phone }), ...init });

describe("phones out of admin URLs", () => {
  let contactA = 0;
  let contactB = 0;
  beforeAll(async () => {
    const a = await seedCompany({ slug: "phones-a" });
    const b = await seedCompany({ slug: "phones-b" });
    await store().apiTokens.create(a.id, await sha256Hex("token-of-phones-a"), "test");
    // A proactive message creates the contact, its conversation and an outbound row (the sandbox outbox).
    for (const [slug, to] of [
      ["phones-a", PHONE_A],
      ["phones-b", PHONE_B],
    ] as const) {
      const res = await api("/api/messages", { method: "POST", tenant: slug, body: JSON.stringify({ to, text: `Olá ${slug}`, purpose: "reminder" }) });
      expect(res.status).toBe(202);
    }
    contactA = (await store().contacts.byPhone(a.id, PHONE_A))!.id;
    contactB = (await store().contacts.byPhone(b.id, PHONE_B))!.id;
  });

  describe("POST /api/contacts/lookup", () => {
    it("finds the caller's contact by phone, in any spelling we normalise", async () => {
      for (const phone of [PHONE_A, "+55 (11) 98765-0701"]) {
        const res = await lookup(phone, { headers: asA });
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ contact: { id: contactA, phone: PHONE_A, opted_out: false } });
      }
    });

    it("never finds another tenant's contact: 404 contact_not_found, with a tenant token and with x-tenant", async () => {
      for (const init of [{ headers: asA }, { tenant: "phones-a" }]) {
        const res = await lookup(PHONE_B, init);
        expect(res.status).toBe(404);
        const body = (await res.json()) as ErrorBody;
        expect(body.error.code).toBe("contact_not_found");
        expect(body).not.toHaveProperty("contact");
      }
      // The same number is found by its own tenant.
      expect(await (await lookup(PHONE_B, { tenant: "phones-b" })).json()).toMatchObject({ contact: { id: contactB } });
    });

    it("needs a token and a tenant, and a phone in the body", async () => {
      const anon = await exports.default.fetch("http://localhost/api/contacts/lookup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ phone: PHONE_A }),
      });
      expect(anon.status).toBe(401);
      expect(((await (await lookup(PHONE_A)).json()) as ErrorBody).error.code).toBe("tenant_required");
      expect(((await (await lookup("abc", { headers: asA })).json()) as ErrorBody).error.code).toBe("invalid_phone");
      expect((await api("/api/contacts/lookup", { method: "POST", headers: asA, body: "{}" })).status).toBe(400);
    });
  });

  it("?contact=<phone> is a 400 phone_in_url on every listing, pointing at contact_id and the lookup", async () => {
    for (const path of [`/api/conversations?contact=${PHONE_A}`, `/api/agenda/appointments?contact=${PHONE_A}`, `/api/sandbox/phones-a/outbox?contact=${PHONE_A}`]) {
      const res = await api(path, { headers: asA });
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe("phone_in_url");
      expect(body.error.message).toMatch(/contact_id/);
      expect(body.error.message).toMatch(/POST \/api\/contacts\/lookup/);
    }
  });

  it("GET /api/conversations?contact_id= lists that contact's conversation, and another tenant's id lists nothing", async () => {
    const mine = (await (await api(`/api/conversations?contact_id=${contactA}`, { headers: asA })).json()) as { conversations: { contact: { id: number } }[] };
    expect(mine.conversations).toHaveLength(1);
    expect(mine.conversations[0]?.contact.id).toBe(contactA);
    const theirs = (await (await api(`/api/conversations?contact_id=${contactB}`, { headers: asA })).json()) as { conversations: unknown[] };
    expect(theirs.conversations).toEqual([]);
    expect(((await (await api("/api/conversations?contact_id=abc", { headers: asA })).json()) as ErrorBody).error.code).toBe("invalid_id");
  });

  it("GET /api/agenda/appointments?contact_id= filters by contact, within the tenant", async () => {
    const { slots } = (await (await api("/api/agenda/availability?days=14", { headers: asA })).json()) as { slots: { start: string }[] };
    expect((await api("/api/agenda/appointments", { method: "POST", headers: asA, body: JSON.stringify({ contact: PHONE_A, start: slots[0]!.start }) })).status).toBe(201);
    expect((await api("/api/agenda/appointments", { method: "POST", headers: asA, body: JSON.stringify({ contact: "5511987650799", start: slots[1]!.start }) })).status).toBe(201);
    const all = (await (await api("/api/agenda/appointments", { headers: asA })).json()) as { appointments: unknown[] };
    expect(all.appointments).toHaveLength(2);
    const mine = (await (await api(`/api/agenda/appointments?contact_id=${contactA}`, { headers: asA })).json()) as { appointments: { contact: { id: number } }[] };
    expect(mine.appointments.map((x) => x.contact.id)).toEqual([contactA]);
    const theirs = (await (await api(`/api/agenda/appointments?contact_id=${contactB}`, { headers: asA })).json()) as { appointments: unknown[] };
    expect(theirs.appointments).toEqual([]);
  });

  it("the sandbox outbox: GET ?contact_id= and POST {contact} give the same replies; unknown is empty, not an error", async () => {
    const byId = await eventually(async () => {
      const res = await api(`/api/sandbox/phones-a/outbox?contact_id=${contactA}`, { headers: asA });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { contact: string; contact_id: number; messages: { text: string }[] };
      expect(body.messages.map((m) => m.text)).toEqual(["Olá phones-a"]);
      return body;
    });
    expect(byId).toMatchObject({ contact: PHONE_A, contact_id: contactA });
    const byPhone = await api("/api/sandbox/phones-a/outbox", { method: "POST", headers: asA, body: JSON.stringify({ contact: PHONE_A }) });
    expect(await byPhone.json()).toEqual(byId);
    const byBodyId = await api("/api/sandbox/phones-a/outbox", { method: "POST", headers: asA, body: JSON.stringify({ contact_id: contactA }) });
    expect(await byBodyId.json()).toEqual(byId);

    // Nobody wrote from this number yet (the inbound is asynchronous): an empty outbox to poll.
    const unknown = await api("/api/sandbox/phones-a/outbox", { method: "POST", headers: asA, body: JSON.stringify({ contact: "5511987650777" }) });
    expect(await unknown.json()).toEqual({ contact: "5511987650777", contact_id: null, messages: [] });
    // Another tenant's contact id shows nothing of theirs.
    const theirs = (await (await api(`/api/sandbox/phones-a/outbox?contact_id=${contactB}`, { headers: asA })).json()) as { contact: string | null; messages: unknown[] };
    expect(theirs).toEqual({ contact: null, contact_id: null, messages: [] });
    expect(((await (await api("/api/sandbox/phones-a/outbox", { headers: asA })).json()) as ErrorBody).error.code).toBe("contact_required");
  });
});
