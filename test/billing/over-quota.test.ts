import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { periodOf } from "../../src/billing/period";
import { queueOutbound } from "../../src/outbox/queue";
import { QUOTA_HOLD_REASON } from "../../src/outbox/pause";
import { tenantStub } from "../../src/tenants/stubs";
import { gemini, putConfig, sandboxSay } from "../support/ai";
import { api, contactId, drained, eventually, outbox, seedCompany, store } from "../support/helpers";
import { subscribed } from "./support";

const period = () => periodOf(Date.now(), "America/Sao_Paulo");

describe("over quota on a 'templates' plan", () => {
  const KEY = "gemini-key-over-quota";
  let companyId = 0;
  beforeAll(async () => {
    companyId = (await seedCompany({ slug: "oq-templates" })).id;
    await putConfig("oq-templates", "ai", { provider: "gemini", model: "gemini-2.0-flash", apiKey: KEY });
    await subscribed(companyId, "starter"); // 1,000,000 LLM tokens, over_quota: templates
    await gemini.mode(KEY, "ok", "Resposta do modelo");
  });

  it("answers with the LLM under the quota, then from templates once the tokens are spent, until a bigger plan", async () => {
    await sandboxSay("oq-templates", "5511987650401", "quanto custa a limpeza?");
    await eventually(async () => expect((await outbox("oq-templates", "5511987650401")).map((m) => m.text)).toEqual(["Resposta do modelo"]));
    const calls = (await gemini.requests(KEY)).length;
    await drained("oq-templates");
    const flushed = await tenantStub(env, companyId).flushUsage();
    const used = await store().usage.get(companyId, period());
    expect(used.llm_tokens).toBe(209); // the fake's recorded usageMetadata: 187 in + 22 out, counted from the reply engine's call
    expect(flushed?.state.llmOff).toBe(false);

    await store().usage.add(companyId, period(), { llm_tokens: 1_000_000 - 209 }, Date.now());
    expect((await tenantStub(env, companyId).flushUsage())?.state).toMatchObject({ llmOff: true, outboundPaused: false });
    await sandboxSay("oq-templates", "5511987650402", "quanto custa a limpeza?");
    await drained("oq-templates");
    const [reply] = await eventually(async () => {
      const r = await outbox("oq-templates", "5511987650402");
      expect(r).toHaveLength(1);
      return r;
    });
    expect(reply?.text).not.toBe("Resposta do modelo"); // the fake would have answered: the LLM was never asked
    expect((await gemini.requests(KEY)).length).toBe(calls);

    const changed = await api("/api/billing/plan", { method: "PUT", tenant: "oq-templates", body: JSON.stringify({ plan: "pro" }) });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { over_quota: { llm_off: boolean } }).over_quota.llm_off).toBe(false);
    await sandboxSay("oq-templates", "5511987650403", "quanto custa a limpeza?");
    await eventually(async () => expect((await outbox("oq-templates", "5511987650403")).map((m) => m.text)).toEqual(["Resposta do modelo"]));
  });
});

describe("over quota on a 'pause_outbound' plan", () => {
  const PHONE = "5511987650501";
  let companyId = 0;
  beforeAll(async () => {
    companyId = (await seedCompany({ slug: "oq-pause" })).id;
    await subscribed(companyId, "trial"); // 300 messages, over_quota: pause_outbound
  });

  it("holds a reminder (not lost), still answers the contact, and releases the reminder on a plan change", async () => {
    await sandboxSay("oq-pause", PHONE, "Oi");
    await drained("oq-pause");
    // Admission is not the turn: wait until the contact's first reply exists before going over quota.
    await eventually(async () => expect((await outbox("oq-pause", PHONE)).length).toBeGreaterThan(0));
    await store().usage.add(companyId, period(), { messages: 300 }, Date.now());
    expect((await tenantStub(env, companyId).flushUsage())?.state).toMatchObject({ outboundPaused: true, llmOff: false });

    const s = store();
    const company = (await s.companies.byId(companyId))!;
    const contact = (await s.contacts.byId(companyId, (await contactId("oq-pause", PHONE)) ?? 0))!;
    const conversation = await s.conversations.open(companyId, contact.id, Date.now());
    const reminderId = await queueOutbound(env, s, {
      company,
      contact,
      conversation,
      clientRef: `reminder:oq-pause:1`,
      payload: { kind: "text", text: "Lembrete: sua consulta é amanhã às 14h." },
      correlationId: "reminder-oq-1",
      author: "system",
      purpose: "reminder",
    });
    await eventually(async () => expect(await s.messages.byId(companyId, reminderId)).toMatchObject({ status: "held", error: QUOTA_HOLD_REASON }));

    // A reply to the contact's new message is not a system send: it goes out.
    await sandboxSay("oq-pause", PHONE, "Qual o endereço?");
    await drained("oq-pause");
    await eventually(async () => expect((await outbox("oq-pause", PHONE)).filter((m) => m.status === "accepted")).toHaveLength(2));
    // The contact's message requeues held messages (the 24 h window rule): still paused, held again.
    await eventually(async () => expect((await s.messages.byId(companyId, reminderId))?.status).toBe("held"));

    const view = await api("/api/billing", { tenant: "oq-pause" });
    expect(((await view.json()) as { over_quota: { outbound_paused: boolean } }).over_quota.outbound_paused).toBe(true);
    const changed = await api("/api/billing/plan", { method: "PUT", tenant: "oq-pause", body: JSON.stringify({ plan: "pro" }) });
    expect(changed.status).toBe(200);
    await eventually(async () => expect((await s.messages.byId(companyId, reminderId))?.status).toBe("accepted"));
    expect((await outbox("oq-pause", PHONE)).map((m) => m.text)).toContain("Lembrete: sua consulta é amanhã às 14h.");
  });
});
