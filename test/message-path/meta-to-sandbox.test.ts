import { describe, expect, it } from "vitest";
import { eventually, metaText, outbox, postMeta, seedCompany, drained, store } from "../support/helpers";

const delivered = async (slug: string, phone: string, n: number) =>
  eventually(async () => {
    const r = await outbox(slug, phone);
    expect(r.filter((m) => m.status === "accepted")).toHaveLength(n);
    return r;
  });

describe("signed Meta webhook → tenant DO → queues → reply in the sandbox outbox", () => {
  it("answers one text message with exactly one reply, addressed by name", async () => {
    await seedCompany({ slug: "clinica-a", metaPhoneNumberId: "100000000000101" });
    const res = await postMeta(metaText("100000000000101", "5511987650001", "Oi, bom dia!"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, received: 1 });
    const replies = await delivered("clinica-a", "5511987650001", 1);
    expect(replies[0]?.text).toMatch(/Maria/);
    const contact = await store().contacts.byPhone((await store().companies.bySlug("clinica-a"))!.id, "5511987650001");
    expect(contact?.name).toBe("Maria Souza");
  });

  it("answers a webhook Meta delivers twice only once", async () => {
    await seedCompany({ slug: "clinica-b", metaPhoneNumberId: "100000000000102" });
    const body = metaText("100000000000102", "5511987650002", "quero marcar uma consulta", "wamid.DUPLICATE0001");
    const first = await postMeta(body);
    const second = await postMeta(body);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    // The ack only enqueues; the retry is recognised by its wamid at admission.
    expect(await second.json()).toMatchObject({ ok: true, received: 1 });
    await delivered("clinica-b", "5511987650002", 1);
    await drained("clinica-b", { requests: 2 });
    expect(await outbox("clinica-b", "5511987650002")).toHaveLength(1);
  });

  it("answers three quick messages as one turn, in order", async () => {
    await seedCompany({ slug: "clinica-c", metaPhoneNumberId: "100000000000103", channelSettings: { debounceMs: 800 } });
    for (const text of ["Oi", "tudo bem?", "quero marcar uma consulta"]) {
      expect((await postMeta(metaText("100000000000103", "5511987650003", text))).status).toBe(200);
    }
    const replies = await delivered("clinica-c", "5511987650003", 1);
    // The turn's intent comes from all three messages together: the booking request wins over the
    // greeting, so the answer is the agenda's numbered offer of free slots.
    expect(replies[0]?.text).toMatch(/horários disponíveis:\n1\. .+\n2\. /);
    await drained("clinica-c", { requests: 3 });
    expect(await outbox("clinica-c", "5511987650003")).toHaveLength(1);
    const company = (await store().companies.bySlug("clinica-c"))!;
    const contact = (await store().contacts.byPhone(company.id, "5511987650003"))!;
    const inbound = await store().messages.listByContact(company.id, contact.id, { direction: "in", limit: 10 });
    expect(inbound.map((m) => m.body)).toEqual(["Oi", "tudo bem?", "quero marcar uma consulta"]);
  });

  it("keeps separate contacts in separate turns", async () => {
    await seedCompany({ slug: "clinica-d", metaPhoneNumberId: "100000000000104" });
    await postMeta(metaText("100000000000104", "5511987650004", "Oi"));
    await postMeta(metaText("100000000000104", "5511987650005", "Olá"));
    await delivered("clinica-d", "5511987650004", 1);
    await delivered("clinica-d", "5511987650005", 1);
  });

  it("answers every request of a burst: a question and a thank-you both get their answer, in one reply", async () => {
    await seedCompany({ slug: "clinica-e", metaPhoneNumberId: "100000000000105", channelSettings: { debounceMs: 2_000 } });
    for (const text of ["Onde fica a clínica?", "Obrigado!"]) expect((await postMeta(metaText("100000000000105", "5511987650006", text))).status).toBe(200);
    const [reply] = await delivered("clinica-e", "5511987650006", 1);
    expect(reply?.text).toMatch(/Boa pergunta/);
    expect(reply?.text).toMatch(/Eu que agradeço/);
    expect(reply!.text.indexOf("Boa pergunta")).toBeLessThan(reply!.text.indexOf("Eu que agradeço"));
  });
});
