/**
 * Counterexamples the property suites found, shrunk by fast-check and kept as plain tests.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../../src/lib/hmac";
import { api, eventually, metaText, outbox, seedCompany } from "../support/helpers";
import { expectSound, footprint } from "./support";

describe("regressions found by the property suites", () => {
  // Shrunk: PUT /api/config/constructor with body []. `section in SECTIONS` was true for every
  // name an object inherits, and SECTIONS["constructor"].parse is not a function: a 500.
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"])("PUT /api/config/%s is an unknown section (404), not a 500", async (section) => {
    const company = await seedCompany({ slug: `reg-cfg-${section.replaceAll("_", "")}` });
    const before = await footprint(company.id);
    const res = await api(`/api/config/${section}`, { method: "PUT", tenant: company.slug, body: "[]" });
    expect(await expectSound(res, section)).toBe(404);
    expect(await footprint(company.id)).toEqual(before);
  });

  // Shrunk: POST /api/agenda/appointments/import with an empty text/csv body. The 400 empty_csv
  // came after a job row was created, so every rejected upload left a "failed" import behind.
  it.each([
    ["an empty body", ""],
    ["a header without the required columns", "external_id,contact\n1,5511900000001\n"],
    ["an unterminated quote on the first line", '"external_id,contact\n'],
  ])("a CSV import rejected for %s leaves no import job", async (_label, csv) => {
    const company = await seedCompany({ slug: `reg-imp-${csv.length}` });
    const res = await api("/api/agenda/appointments/import", { method: "POST", tenant: company.slug, headers: { "content-type": "text/csv" }, body: csv });
    expect(await expectSound(res, csv)).toBe(400);
    const imports = (await (await api("/api/agenda/imports", { tenant: company.slug })).json()) as { imports: unknown[] };
    expect(imports.imports).toEqual([]);
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM import_jobs WHERE company_id = ?").bind(company.id).first<{ n: number }>()) ?? { n: -1 };
    expect(n).toBe(0);
  });

  // Shrunk: POST /api/agenda/appointments {"contact":"5511910000000","start":<now>,...}: the slot was
  // refused (409) but the contact had been created before the booking was tried.
  it("a refused manual booking leaves no new contact; an accepted one stores the contact with its name", async () => {
    const company = await seedCompany({ slug: "reg-book" });
    const before = await footprint(company.id);
    const refused = await api("/api/agenda/appointments", {
      method: "POST",
      tenant: "reg-book",
      body: JSON.stringify({ contact: "5511910000000", name: "Ana", start: new Date(Date.now() - 3_600_000).toISOString() }),
    });
    expect(await expectSound(refused, "past slot")).toBeGreaterThanOrEqual(400);
    expect(await footprint(company.id)).toEqual(before);
    const { slots } = (await (await api("/api/agenda/availability?days=14", { tenant: "reg-book" })).json()) as { slots: { start: string }[] };
    const booked = await api("/api/agenda/appointments", {
      method: "POST",
      tenant: "reg-book",
      body: JSON.stringify({ contact: "5511910000000", name: "Ana", start: slots[0]!.start }),
    });
    expect(booked.status).toBe(201);
    expect(await booked.json()).toMatchObject({ status: "scheduled", contact: { phone: "5511910000000", name: "Ana" } });
  });

  // Was: a signed Meta text whose wamid is 200 KB was accepted, its turn outgrew the queue's 128 KB
  // limit, every send threw, nothing was dead-lettered and the contact was never answered again. Now
  // the id is dropped at the boundary (counted) and turns travel as references, sized by bytes.
  it.concurrent("after a 200 KB message id, the contact's next message is still answered", async () => {
    const company = await seedCompany({ slug: "reg-lane-huge-id", metaPhoneNumberId: "700000000000901" });
    const from = "5511999999992";
    await expectSound(await postSigned(metaText("700000000000901", from, "x", "w".repeat(200_000))), "200 KB id");
    expect(await expectSound(await postSigned(metaText("700000000000901", from, "Oi, tudo bem?")), "follow-up")).toBe(200);
    await eventually(async () => expect((await outbox(company.slug, from)).length).toBeGreaterThan(0), 6_000);
  });

  // Was: 20 signed Meta texts of 4,000 "ã" (8 KB each in UTF-8) inside one debounce made one turn of
  // ~160 KB whose queue send threw forever. Now a turn is sized by bytes and the rest waits for the next.
  it.concurrent("a burst of 20 long accented messages is answered", async () => {
    const company = await seedCompany({ slug: "reg-burst", metaPhoneNumberId: "700000000000902", channelSettings: { debounceMs: 1_000, maxTurnWaitMs: 4_000 } });
    const from = "5511999999993";
    for (let i = 0; i < 20; i++) expect(await expectSound(await postSigned(metaText("700000000000902", from, `${i} ${"ã".repeat(4_000)}`)), `message ${i}`)).toBe(200);
    await eventually(async () => expect((await outbox(company.slug, from)).length).toBeGreaterThan(0), 6_000);
  });
});

async function postSigned(body: unknown): Promise<Response> {
  const raw = JSON.stringify(body);
  return exports.default.fetch("http://localhost/webhooks/whatsapp", {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${await hmacSha256Hex("test-app-secret", raw)}` },
    body: raw,
  });
}
