import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { jobByName, type JobDef } from "../../src/jobs/table";
import { HANDLERS } from "../../src/jobs/handlers";
import type { JobRun } from "../../src/jobs/types";
import { costs, metered, resetCosts } from "../../src/lib/cost-meter";
import { createD1Store } from "../../src/store/d1";
import type { Store } from "../../src/store/types";
import { api, envWith, eventually, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

/** The every-minute scheduled_messages job, run as the dispatcher will run it, on the real D1 and outbound queue. */

const HOUR = 3_600_000;
const uid = () => crypto.randomUUID().slice(0, 8);
const phone = () => `5511${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
const job = jobByName("scheduled_messages") as JobDef;
const run = (at: number, over: Partial<JobRun> = {}): JobRun => ({ env, store: store(), job, scheduledFor: at, company: null, pausedTenants: new Set(), ...over });
const handler = HANDLERS.scheduled_messages;
if (!handler) throw new Error("scheduled_messages has no handler");

/** A tenant whose contact last wrote `wroteAgo` ms ago, and one message scheduled for a minute from now. */
async function scheduled(opts: { wroteAgo?: number; timeZone?: string; text?: string } = {}) {
  const slug = `sjob-${uid()}`;
  const company = await seedCompany({ slug, timeZone: opts.timeZone ?? "America/Sao_Paulo" });
  const contact = await store().contacts.upsertInbound(company.id, { phone: phone(), name: "João", at: Date.now() - (opts.wroteAgo ?? HOUR) });
  const sendAt = Date.now() + 60_000;
  const res = await api("/api/scheduled-messages", {
    method: "POST",
    tenant: slug,
    body: JSON.stringify({ contact_id: contact.id, text: opts.text ?? "Seu exame está pronto", send_at: new Date(sendAt).toISOString() }),
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: number };
  return { slug, company, contact, id, sendAt };
}
const rowOf = async (id: number) =>
  (await sqlRows<{ status: string; message_id: number | null; error: string | null }>("SELECT status, message_id, error FROM scheduled_messages WHERE id = ?", id))[0];
const outbound = (companyId: number) =>
  sqlRows<{ id: number; client_ref: string; status: string; body: string; purpose: string; error: string | null }>(
    "SELECT id, client_ref, status, body, purpose, error FROM messages WHERE company_id = ? AND direction = 'out'",
    companyId,
  );
/** Waits until the outbound queue has dealt with the tenant's messages. */
const delivered = (companyId: number) =>
  eventually(async () => {
    const rows = await outbound(companyId);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => !["queued", "sending", "retrying"].includes(r.status))).toBe(true);
    return rows;
  });

describe("scheduled_messages job", () => {
  it("sends nothing before send_at, then once at send_at; a doubled run sends once", async () => {
    const t = await scheduled();
    expect(await handler(run(t.sendAt - 1_000))).toMatchObject({ items: 0 });
    expect((await rowOf(t.id))?.status).toBe("pending");
    const [a, b] = await Promise.all([handler(run(t.sendAt)), handler(run(t.sendAt))]);
    expect((a?.items ?? 0) + (b?.items ?? 0)).toBe(1);
    expect(await handler(run(t.sendAt + 60_000))).toMatchObject({ items: 0 });
    const rows = await delivered(t.company.id);
    expect(rows.map((r) => [r.client_ref, r.body, r.purpose])).toEqual([[`scheduled:${t.id}`, "Seu exame está pronto", "reminder"]]);
    expect(await rowOf(t.id)).toEqual({ status: "sent", message_id: rows[0]?.id, error: null });
    // Sent: no longer editable or cancellable.
    const edit = await api(`/api/scheduled-messages/${t.id}`, { method: "PATCH", tenant: t.slug, body: JSON.stringify({ text: "tarde demais" }) });
    expect(edit.status).toBe(409);
    expect((await api(`/api/scheduled-messages/${t.id}`, { method: "DELETE", tenant: t.slug })).status).toBe(409);
  });

  it("applies the 24 h window at send time: wrote 23 h before → free text; 25 h → the purpose's template, or held without one", async () => {
    const inside = await scheduled({ wroteAgo: 23 * HOUR });
    const outside = await scheduled({ wroteAgo: 25 * HOUR });
    const noTemplate = await scheduled({ wroteAgo: 25 * HOUR });
    await store().profiles.put(
      outside.company.id,
      { templates: { reminder: { name: "lembrete_generico", language: "pt_BR", parameters: ["{contact_name}", "{text}"] } } },
      Date.now(),
    );
    await handler(run(Math.max(inside.sendAt, outside.sendAt, noTemplate.sendAt)));
    const [text] = await delivered(inside.company.id);
    expect(text).toMatchObject({ body: "Seu exame está pronto", status: "accepted" });
    const [template] = await delivered(outside.company.id);
    expect(template?.body).toBe("[template lembrete_generico] João | Seu exame está pronto");
    const [held] = await delivered(noTemplate.company.id);
    expect(held?.status).toBe("held");
    expect(held?.error).toContain("24 h customer-service window closed");
    // The scheduled row is sent in all three cases: what the window did is the message's own status.
    for (const t of [inside, outside, noTemplate]) expect((await rowOf(t.id))?.status).toBe("sent");
  });

  it("a message cancelled after the read but before the claim never sends; one cancelled after the claim is refused (409) and goes", async () => {
    const t = await scheduled();
    const s = store();
    // The panel's DELETE lands between the job's read and its claim.
    const racing: Store = {
      ...s,
      scheduledMessages: {
        ...s.scheduledMessages,
        claim: async (ids, now) => {
          expect((await api(`/api/scheduled-messages/${t.id}`, { method: "DELETE", tenant: t.slug })).status).toBe(200);
          return s.scheduledMessages.claim(ids, now);
        },
      },
    };
    expect(await handler(run(t.sendAt, { store: racing }))).toMatchObject({ items: 0 });
    expect((await rowOf(t.id))?.status).toBe("cancelled");
    expect(await outbound(t.company.id)).toEqual([]);

    const u = await scheduled();
    let refused = 0;
    const late: Store = {
      ...s,
      scheduledMessages: {
        ...s.scheduledMessages,
        claim: async (ids, now) => {
          const taken = await s.scheduledMessages.claim(ids, now);
          refused = (await api(`/api/scheduled-messages/${u.id}`, { method: "DELETE", tenant: u.slug })).status;
          return taken;
        },
      },
    };
    await handler(run(u.sendAt, { store: late }));
    expect(refused).toBe(409);
    expect((await delivered(u.company.id)).map((r) => r.client_ref)).toEqual([`scheduled:${u.id}`]);
  });

  it("opted out by send time → failed with the reason; paused and suspended tenants are left alone", async () => {
    const opted = await scheduled();
    await store().contacts.setOptedOut(opted.company.id, opted.contact.id, true);
    const paused = await scheduled();
    const suspended = await scheduled();
    await store().companies.setStatus(suspended.company.id, "suspended", { from: ["active"], reason: "teste", at: Date.now() });
    await handler(run(suspended.sendAt, { pausedTenants: new Set([paused.company.id]) }));
    expect(await rowOf(opted.id)).toMatchObject({ status: "failed", error: "contact opted out" });
    expect(await outbound(opted.company.id)).toEqual([]);
    expect((await rowOf(paused.id))?.status).toBe("pending");
    expect((await rowOf(suspended.id))?.status).toBe("pending");
    // Resumed: the next tick sends it.
    await handler(run(paused.sendAt + 60_000));
    expect((await rowOf(paused.id))?.status).toBe("sent");
  });

  it("a run that crashed after its claim is finished by the quarter-hour sweep, sending once even if it had queued the message", async () => {
    const before = await scheduled();
    const after = await scheduled();
    const quarter = Math.ceil((Date.now() + 120_000) / 900_000) * 900_000;
    // One crashed right after the claim; the other after queueOutbound too (its outbound row exists).
    await sqlRows("UPDATE scheduled_messages SET status = 'sending', updated_at = ? WHERE id IN (?, ?)", Date.now() - 10 * 60_000, before.id, after.id);
    const s = store();
    const conversation = await s.conversations.open(after.company.id, after.contact.id, Date.now());
    await s.messages.insertOutbound(after.company.id, {
      conversationId: conversation.id,
      contactId: after.contact.id,
      channel: "sandbox",
      clientRef: `scheduled:${after.id}`,
      payload: { kind: "text", text: "Seu exame está pronto" },
      correlationId: "crashed",
      author: "system",
      purpose: "reminder",
    });
    // Not a quarter-hour: left alone (the sweep is not on the due index).
    await handler(run(quarter - 60_000));
    expect((await rowOf(before.id))?.status).toBe("sending");
    const r = await handler(run(quarter));
    expect(r.note).toContain("2 left sending by an earlier run finished");
    for (const t of [before, after]) {
      expect((await rowOf(t.id))?.status).toBe("sent");
      expect((await outbound(t.company.id)).map((m) => m.client_ref)).toEqual([`scheduled:${t.id}`]);
    }
  });

  it("costs one read and one claim for the batch, then a constant handful per message, across tenants", async () => {
    const meteredEnv = metered(envWith({ COST_METER: "true" }));
    const counted = createD1Store(meteredEnv.DB);
    const perRun = async (n: number) => {
      const ts = [];
      for (let i = 0; i < n; i++) ts.push(await scheduled({ timeZone: i % 2 ? "America/New_York" : "America/Sao_Paulo" }));
      const at = Math.max(...ts.map((t) => t.sendAt));
      resetCosts();
      const r = await handler(run(at, { store: counted, env: meteredEnv }));
      expect(r.items).toBe(n);
      return costs.d1Statements;
    };
    const one = await perRun(1);
    const four = await perRun(4);
    const perMessage = (four - one) / 3;
    console.log(`scheduled_messages D1 statements: 1 message → ${one}, 4 messages → ${four} (${perMessage} per message)`);
    expect(Number.isInteger(perMessage)).toBe(true);
    expect(one - perMessage).toBeLessThanOrEqual(4);
  });
});
