import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { maintenance } from "../../src/jobs/builtin";
import { jobByName } from "../../src/jobs/table";
import { sha256Hex } from "../../src/lib/crypto";
import type { Company } from "../../src/store/types";
import { tenantStub } from "../../src/tenants/stubs";
import { api, contactId, drained, eventually, seedCompany, store } from "../support/helpers";
import { codeOf, seedUser, signIn, browserFetch } from "../support/sessions";
import { sqlRows } from "../support/sql";

/** The LGPD API through the Worker: export, erase, consent history, retention; tenants and roles kept apart. */

const DAY = 86_400_000;
const uid = () => crypto.randomUUID().slice(0, 8);
const phone = () => `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;

async function tokenOf(company: Company): Promise<string> {
  const token = `lgpd-${crypto.randomUUID()}`;
  await store().apiTokens.create(company.id, await sha256Hex(token), "lgpd test", { scopes: ["*"] });
  return token;
}
const as = (token: string, path: string, init: RequestInit = {}) =>
  exports.default.fetch(`http://localhost${path}`, { ...init, headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...init.headers } });
const say = (slug: string, from: string, text: string, name: string) => api(`/api/sandbox/${slug}/inbound`, { method: "POST", body: JSON.stringify({ from, text, name }) });

/** The contact's id once the asynchronous inbound path has created it. */
const known = (slug: string, from: string) =>
  eventually(async () => {
    const id = await contactId(slug, from);
    if (id === null) throw new Error(`no contact yet for ${from.slice(-4)}`);
    return id;
  });

/** A sandbox tenant with two look-alike contacts who each wrote (so the store and the DO hold their turns). */
async function world() {
  const slug = `lgpd-${uid()}`;
  const company = await seedCompany({ slug });
  const p = phone();
  const twinPhone = `${p.slice(0, -1)}${(Number(p.slice(-1)) + 1) % 10}`;
  expect((await say(slug, p, "Oi, sou a Maria Souza, meu CPF é 123.456.789-00", "Maria Souza")).status).toBe(202);
  expect((await say(slug, twinPhone, "Oi, sou a Maria Souza Lima, CPF 987.654.321-00", "Maria Souza Lima")).status).toBe(202);
  const id = await known(slug, p);
  const twin = await known(slug, twinPhone);
  await drained(slug);
  return { slug, company, p, twinPhone, id, twin, token: await tokenOf(company) };
}

describe("compliance API", () => {
  it("export: JSON and sectioned CSV with that contact's store rows and DO state, nobody else's; audited with who exported whom", async () => {
    const w = await world();
    const res = await as(w.token, `/api/compliance/export?contact_id=${w.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="contact-${w.id}.json"`);
    const body = (await res.json()) as {
      contact: { id: number };
      records: Record<string, { contact_id?: number; body?: string; phone?: string }[]>;
      durable_object: { address: string; context: { text: string }[] }[];
    };
    expect(body.contact.id).toBe(w.id);
    expect(body.records.contacts?.[0]?.phone).toBe(w.p);
    expect(body.records.messages?.some((m) => m.body?.includes("123.456.789-00"))).toBe(true);
    expect(body.records.messages?.every((m) => m.contact_id === w.id)).toBe(true);
    expect(body.durable_object[0]?.address).toBe(w.p);
    expect(body.durable_object[0]?.context.some((e) => e.text.includes("123.456.789-00"))).toBe(true);
    const text = JSON.stringify(body);
    expect(text).not.toContain("987.654.321-00");
    expect(text).not.toContain(w.twinPhone);

    const csv = await as(w.token, `/api/compliance/export?contact_id=${w.id}&format=csv`);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const raw = new TextDecoder().decode(bytes);
    const lines = raw.split("\r\n");
    const at = lines.indexOf("# messages");
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]?.split(",")).toContain("body");
    expect(raw).toContain("# durable_object.context");
    expect(raw).not.toContain("987.654.321-00");

    const audit = await sqlRows<{ actor: string; action: string; target: string; detail: string }>(
      `SELECT actor, action, target, detail FROM audit_logs WHERE company_id = ? AND action = 'compliance.export' ORDER BY id`,
      w.company.id,
    );
    expect(audit.map((a) => [a.action, a.target])).toEqual([
      ["compliance.export", `contact:${w.id}`],
      ["compliance.export", `contact:${w.id}`],
    ]);
    expect(audit[0]?.actor).toMatch(/^token:\d+$/);
    expect(await codeOf(await as(w.token, "/api/compliance/export?contact_id=999999999"))).toBe("contact_not_found");
    expect((await as(w.token, "/api/compliance/export?contact_id=abc")).status).toBe(400);
  });

  it("another tenant's token cannot export, erase or read consent; a viewer and an agent get 403", async () => {
    const w = await world();
    const other = await seedCompany({ slug: `lgpd-o-${uid()}` });
    const foreign = await tokenOf(other);
    expect((await as(foreign, `/api/compliance/export?contact_id=${w.id}`)).status).toBe(404);
    expect((await as(foreign, "/api/compliance/delete", { method: "POST", body: JSON.stringify({ contact_id: w.id, confirm: w.p }) })).status).toBe(404);
    expect((await as(foreign, `/api/contacts/${w.id}/consent`)).status).toBe(404);
    for (const role of ["viewer", "agent"] as const) {
      const user = await seedUser(w.company, role);
      const { jar } = await signIn(user.email);
      expect((await browserFetch(jar, `/api/compliance/export?contact_id=${w.id}`)).status, role).toBe(403);
      expect((await browserFetch(jar, "/api/compliance/delete", { method: "POST", body: JSON.stringify({ contact_id: w.id, confirm: w.p }) })).status, role).toBe(403);
      expect((await browserFetch(jar, "/api/compliance/contacts/search", { method: "POST", body: JSON.stringify({ q: "Maria" }) })).status, role).toBe(403);
      expect((await browserFetch(jar, "/api/config/retention", { method: "PUT", body: JSON.stringify({ messagesDays: 30, mode: "purge" }) })).status, role).toBe(403);
    }
    // Nothing was erased by any of them.
    expect((await store().compliance.contact(w.company.id, w.id))?.erasedAt).toBeNull();
  });

  it("delete: 422 unless the phone is typed, then the contact is anonymised in the store and the DO; 409 the second time; the number writing again is a new contact", async () => {
    const w = await world();
    const del = (confirm: string) => as(w.token, "/api/compliance/delete", { method: "POST", body: JSON.stringify({ contact_id: w.id, confirm }) });
    expect(await codeOf(await del("apagar"))).toBe("confirmation_mismatch");
    expect(await codeOf(await del(w.twinPhone))).toBe("confirmation_mismatch");
    const res = await del(`+${w.p.slice(0, 2)} ${w.p.slice(2)}`);
    expect(res.status).toBe(200);
    const erased = ((await res.json()) as { erased: { store: Record<string, number>; durable_object: Record<string, number> } }).erased;
    expect(erased.store.messages).toBeGreaterThanOrEqual(2);
    expect(erased.durable_object.context).toBeGreaterThanOrEqual(1);
    expect(await codeOf(await del(w.p))).toBe("already_erased");

    const [state] = await tenantStub(env, w.company.id).contactState([w.p]);
    expect(state).toMatchObject({ context: [], lane: null, pending: [], agenda: null });
    const tables = ["contacts", "conversations", "messages", "delivery_logs", "audit_logs", "consent_events", "dead_letters"];
    const all = JSON.stringify(await Promise.all(tables.map((t) => sqlRows(`SELECT * FROM ${t} WHERE company_id = ?`, w.company.id))));
    expect(all).not.toContain(w.p);
    expect(all).not.toContain("123.456.789-00");
    expect(all).toContain("987.654.321-00");
    const [entry] = await sqlRows<{ detail: string; actor: string }>(`SELECT detail, actor FROM audit_logs WHERE company_id = ? AND action = 'compliance.delete'`, w.company.id);
    expect(entry?.actor).toMatch(/^token:/);

    expect((await say(w.slug, w.p, "Oi de novo", "Maria")).status).toBe(202);
    const again = await known(w.slug, w.p);
    expect(again).not.toBe(w.id);
    await drained(w.slug);
  });

  it("consent: the API's and the keyword's opt-outs land in the history with their source and actor", async () => {
    const w = await world();
    expect((await as(w.token, `/api/contacts/${w.id}/opt-out`, { method: "POST" })).status).toBe(200);
    expect((await say(w.slug, w.twinPhone, "SAIR", "Maria Souza Lima")).status).toBe(202);
    const history = async (id: number) =>
      (await (await as(w.token, `/api/contacts/${id}/consent`)).json()) as { contact: { opted_out: boolean }; events: { kind: string; source: string; actor: string }[] };
    const mine = await history(w.id);
    expect(mine.contact.opted_out).toBe(true);
    expect(mine.events.map((e) => [e.kind, e.source])).toEqual([["opt_out", "api"]]);
    expect(mine.events[0]?.actor).toMatch(/^token:/);
    await eventually(async () => expect((await history(w.twin)).events.map((e) => [e.kind, e.source, e.actor])).toEqual([["opt_out", "keyword", "contact"]]));
    await drained(w.slug);
  });

  it("retention: 400 under 30 days; the dry run counts what the night maintenance then anonymises, in its note", async () => {
    const w = await world();
    expect((await as(w.token, "/api/config/retention", { method: "PUT", body: JSON.stringify({ messagesDays: 10, mode: "purge" }) })).status).toBe(400);
    const put = await as(w.token, "/api/config/retention", { method: "PUT", body: JSON.stringify({ messagesDays: 30, mode: "anonymise" }) });
    expect(((await put.json()) as { retention: unknown }).retention).toEqual({ messagesDays: 30, mode: "anonymise" });
    await sqlRows(`UPDATE messages SET created_at = ? WHERE company_id = ? AND contact_id = ?`, Date.now() - 40 * DAY, w.company.id, w.id);
    const preview = (await (await as(w.token, "/api/compliance/retention/preview")).json()) as { messages: number; next_run: number };
    const own = await sqlRows<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE company_id = ? AND contact_id = ?`, w.company.id, w.id);
    expect(preview.messages).toBe(Number(own[0]?.n));
    expect(preview.next_run).toBe(preview.messages);
    const job = jobByName("maintenance");
    if (!job) throw new Error("no maintenance job");
    const result = await maintenance({ env, store: store(), job, scheduledFor: Date.now(), company: w.company, pausedTenants: new Set() });
    expect(result.note).toContain(`retention: ${preview.messages} messages older than 30 d anonymised`);
    expect(((await (await as(w.token, "/api/compliance/retention/preview")).json()) as { messages: number }).messages).toBe(0);
    const bodies = await sqlRows<{ body: string }>(`SELECT body FROM messages WHERE company_id = ? AND contact_id = ?`, w.company.id, w.twin);
    expect(bodies.some((b) => b.body.includes("987.654.321-00"))).toBe(true);
  });

  it("search: by name or phone digits in the body; a ?q= in the URL is refused", async () => {
    const w = await world();
    const found = (await (await as(w.token, "/api/compliance/contacts/search", { method: "POST", body: JSON.stringify({ q: "maria souza" }) })).json()) as {
      contacts: { id: number; phone: string }[];
    };
    expect(found.contacts.map((c) => c.id).sort()).toEqual([w.id, w.twin].sort());
    expect(found.contacts.every((c) => c.phone.includes("*"))).toBe(true);
    const byPhone = (await (await as(w.token, "/api/compliance/contacts/search", { method: "POST", body: JSON.stringify({ q: w.p.slice(-8) }) })).json()) as {
      contacts: { id: number }[];
    };
    expect(byPhone.contacts.map((c) => c.id)).toEqual([w.id]);
    expect(await codeOf(await as(w.token, `/api/compliance/contacts?q=${w.p}`))).toBe("search_in_url");
  });
});
