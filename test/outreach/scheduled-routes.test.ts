import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

/** The Mensagens agendadas API through the Worker: local times in two zones, refusals, edits, another tenant's token. */

interface Row {
  id: number;
  contact: { id: number; name: string | null; phone: string | null };
  text: string;
  purpose: string;
  status: string;
  send_at: string;
  send_at_local: string;
  time_zone: string;
}
const uid = () => crypto.randomUUID().slice(0, 8);
// A Brazilian mobile (11 9xxxx-xxxx): what normalizePhone keeps as is.
const phone = () => `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
const post = (tenant: string, body: unknown) => api("/api/scheduled-messages", { method: "POST", tenant, body: JSON.stringify(body) });
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const YEAR = new Date().getUTCFullYear();

async function tenant(timeZone: string) {
  const slug = `sched-${uid()}`;
  const company = await seedCompany({ slug, timeZone });
  const contact = await store().contacts.upsertInbound(company.id, { phone: phone(), name: "Maria Souza", at: Date.now() });
  return { slug, company, contact };
}

describe("scheduled messages API", () => {
  it("takes a local wall time in the tenant's zone and shows it in local time and UTC (São Paulo and New York, a DST day)", async () => {
    const sp = await tenant("America/Sao_Paulo");
    const res = await post(sp.slug, { contact_id: sp.contact.id, text: "Lembrete: traga seus exames", send_at: `${YEAR + 1}-01-10T09:30` });
    expect(res.status).toBe(201);
    const row = (await res.json()) as Row;
    expect(row).toMatchObject({
      status: "pending",
      purpose: "reminder",
      send_at: `${YEAR + 1}-01-10T12:30:00.000Z`,
      send_at_local: `${YEAR + 1}-01-10T09:30`,
      time_zone: "America/Sao_Paulo",
    });
    expect(row.contact).toMatchObject({ id: sp.contact.id, name: "Maria Souza" });

    const ny = await tenant("America/New_York");
    // 14 March 2027 is New York's spring-forward day: 01:30 is EST (−5), 03:30 is EDT (−4), 02:30 never shows.
    const before = (await (await post(ny.slug, { contact_id: ny.contact.id, text: "a", send_at: "2027-03-14T01:30" })).json()) as Row;
    const after = (await (await post(ny.slug, { contact_id: ny.contact.id, text: "b", send_at: "2027-03-14T03:30" })).json()) as Row;
    expect(before.send_at).toBe("2027-03-14T06:30:00.000Z");
    expect(after.send_at).toBe("2027-03-14T07:30:00.000Z");
    const gap = await post(ny.slug, { contact_id: ny.contact.id, text: "c", send_at: "2027-03-14T02:30" });
    expect(gap.status).toBe(422);
    expect(await codeOf(gap)).toBe("send_at_nonexistent");
    // An ISO instant with an offset is taken as is; its local reading is the tenant's.
    const instant = (await (await post(ny.slug, { contact_id: ny.contact.id, text: "d", send_at: "2027-03-14T12:00:00Z" })).json()) as Row;
    expect(instant.send_at_local).toBe("2027-03-14T08:00");
  });

  it("refuses the past, more than a year ahead, a bare instant, an impossible date, an opted-out contact and bad bodies", async () => {
    const t = await tenant("America/Sao_Paulo");
    const cases: [unknown, number, string][] = [
      [{ contact_id: t.contact.id, text: "x", send_at: `${YEAR - 1}-05-01T10:00` }, 422, "send_at_past"],
      [{ contact_id: t.contact.id, text: "x", send_at: new Date(Date.now() - 60_000).toISOString() }, 422, "send_at_past"],
      [{ contact_id: t.contact.id, text: "x", send_at: `${YEAR + 2}-05-01T10:00` }, 422, "send_at_too_far"],
      [{ contact_id: t.contact.id, text: "x", send_at: `${YEAR + 1}-02-30T10:00` }, 422, "send_at_invalid"],
      [{ contact_id: t.contact.id, text: "x", send_at: `${YEAR + 1}-02-01T10:00:00` }, 422, "send_at_invalid"],
      [{ contact_id: t.contact.id, text: "x", send_at: "amanhã às 10h" }, 400, "invalid_body"],
      [{ contact_id: t.contact.id, to: phone(), text: "x", send_at: `${YEAR + 1}-02-01T10:00` }, 400, "invalid_body"],
      [{ text: "x", send_at: `${YEAR + 1}-02-01T10:00` }, 400, "invalid_body"],
      [{ contact_id: t.contact.id, text: "   ", send_at: `${YEAR + 1}-02-01T10:00` }, 400, "invalid_body"],
      [{ contact_id: t.contact.id, text: "x", send_at: `${YEAR + 1}-02-01T10:00`, purpose: "human" }, 400, "invalid_body"],
      [{ contact_id: 99_999_999, text: "x", send_at: `${YEAR + 1}-02-01T10:00` }, 404, "contact_not_found"],
      [{ to: "abc", text: "x", send_at: `${YEAR + 1}-02-01T10:00` }, 422, "invalid_phone"],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(t.slug, body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status]);
      expect(await codeOf(res)).toBe(code);
    }
    await store().contacts.setOptedOut(t.company.id, t.contact.id, true);
    const opted = await post(t.slug, { contact_id: t.contact.id, text: "x", send_at: `${YEAR + 1}-02-01T10:00` });
    expect(opted.status).toBe(409);
    expect(await codeOf(opted)).toBe("contact_opted_out");
    expect((await sqlRows("SELECT id FROM scheduled_messages WHERE company_id = ?", t.company.id)).length).toBe(0);
  });

  it("schedules to a phone in the body (a new contact), lists with filters and a cursor, edits and cancels only while pending, audited", async () => {
    const t = await tenant("America/Sao_Paulo");
    const to = phone();
    const created = (await (await post(t.slug, { to: `+${to}`, text: "Olá!", send_at: `${YEAR + 1}-03-01T08:00`, purpose: "reactivation" })).json()) as Row;
    expect(created.contact.phone).toBe(to);
    for (const d of ["02", "03", "04"]) await post(t.slug, { contact_id: t.contact.id, text: `dia ${d}`, send_at: `${YEAR + 1}-03-${d}T08:00` });

    const page1 = (await (await api("/api/scheduled-messages?limit=2", { tenant: t.slug })).json()) as { scheduled_messages: Row[]; next_cursor: string };
    expect(page1.scheduled_messages.map((r) => r.text)).toEqual(["Olá!", "dia 02"]);
    const page2 = (await (await api(`/api/scheduled-messages?limit=2&cursor=${page1.next_cursor}`, { tenant: t.slug })).json()) as {
      scheduled_messages: Row[];
      next_cursor: string | null;
    };
    expect(page2.scheduled_messages.map((r) => r.text)).toEqual(["dia 03", "dia 04"]);
    const byContact = (await (await api(`/api/scheduled-messages?contact_id=${created.contact.id}`, { tenant: t.slug })).json()) as { scheduled_messages: Row[] };
    expect(byContact.scheduled_messages.map((r) => r.id)).toEqual([created.id]);
    expect((await api(`/api/scheduled-messages?contact=${to}`, { tenant: t.slug })).status).toBe(400);

    const edited = await api(`/api/scheduled-messages/${created.id}`, {
      method: "PATCH",
      tenant: t.slug,
      body: JSON.stringify({ text: "Olá de novo!", send_at: `${YEAR + 1}-03-05T18:15` }),
    });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ text: "Olá de novo!", send_at_local: `${YEAR + 1}-03-05T18:15`, send_at: `${YEAR + 1}-03-05T21:15:00.000Z` });
    const empty = await api(`/api/scheduled-messages/${created.id}`, { method: "PATCH", tenant: t.slug, body: "{}" });
    expect(await codeOf(empty)).toBe("invalid_body");
    const pastEdit = await api(`/api/scheduled-messages/${created.id}`, { method: "PATCH", tenant: t.slug, body: JSON.stringify({ send_at: `${YEAR - 1}-03-05T18:15` }) });
    expect(await codeOf(pastEdit)).toBe("send_at_past");

    expect((await api(`/api/scheduled-messages/${created.id}`, { method: "DELETE", tenant: t.slug })).status).toBe(200);
    const again = await api(`/api/scheduled-messages/${created.id}`, { method: "DELETE", tenant: t.slug });
    expect(again.status).toBe(409);
    expect(await codeOf(again)).toBe("not_pending");
    const editCancelled = await api(`/api/scheduled-messages/${created.id}`, { method: "PATCH", tenant: t.slug, body: JSON.stringify({ text: "x" }) });
    expect(await codeOf(editCancelled)).toBe("not_pending");
    const cancelled = (await (await api("/api/scheduled-messages?status=cancelled", { tenant: t.slug })).json()) as { scheduled_messages: Row[] };
    expect(cancelled.scheduled_messages.map((r) => [r.id, r.text])).toEqual([[created.id, "Olá de novo!"]]);

    const actions = (await store().auditLogs.list(t.company.id, { limit: 20 })).map((e) => e.action).filter((a) => a.startsWith("scheduled_message."));
    expect(actions.sort()).toEqual(["create", "create", "create", "create", "update", "cancel"].map((a) => `scheduled_message.${a}`).sort());
  });

  it("another tenant's token sees a 404 on the row and changes nothing", async () => {
    const a = await tenant("America/Sao_Paulo");
    const b = await tenant("Europe/Lisbon");
    const row = (await (await post(a.slug, { contact_id: a.contact.id, text: "só para A", send_at: `${YEAR + 1}-04-01T10:00` })).json()) as Row;
    const minted = (await (await api("/api/tokens", { method: "POST", tenant: b.slug, body: JSON.stringify({ name: "b", scopes: ["*"] }) })).json()) as { secret: string };
    const asB = (path: string, init: RequestInit = {}) =>
      exports.default.fetch(`http://localhost${path}`, { ...init, headers: { authorization: `Bearer ${minted.secret}`, "content-type": "application/json" } });
    expect((await asB(`/api/scheduled-messages/${row.id}`)).status).toBe(404);
    expect((await asB(`/api/scheduled-messages/${row.id}`, { method: "PATCH", body: JSON.stringify({ text: "de B" }) })).status).toBe(404);
    expect((await asB(`/api/scheduled-messages/${row.id}`, { method: "DELETE" })).status).toBe(404);
    // B scheduling to A's contact id: not B's contact.
    expect(
      (await asB("/api/scheduled-messages", { method: "POST", body: JSON.stringify({ contact_id: a.contact.id, text: "x", send_at: `${YEAR + 1}-04-01T10:00` }) })).status,
    ).toBe(404);
    expect(((await (await asB("/api/scheduled-messages")).json()) as { scheduled_messages: Row[] }).scheduled_messages).toEqual([]);
    const [stored] = await sqlRows<{ text: string; status: string }>("SELECT text, status FROM scheduled_messages WHERE id = ?", row.id);
    expect(stored).toEqual({ text: "só para A", status: "pending" });
  });
});
