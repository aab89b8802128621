import { describe, expect, it } from "vitest";
import { eventually, metaText, metricsText, outbox, postMeta, seedCompany, seriesValue, drained, store } from "../support/helpers";

const PNID = "100000000000701";
const PHONE = "5511987650701";

async function say(text: string, expectReplies: number) {
  expect((await postMeta(metaText(PNID, PHONE, text))).status).toBe(200);
  return eventually(async () => {
    const r = await outbox("optout", PHONE);
    expect(r.filter((m) => m.status === "accepted")).toHaveLength(expectReplies);
    return r;
  });
}

describe("opt-out (SAIR / STOP) is honoured", () => {
  it("after SAIR only the confirmation goes out; VOLTAR brings the contact back", async () => {
    await seedCompany({ slug: "optout", metaPhoneNumberId: PNID });
    await say("Oi", 1);
    const afterSair = await say("SAIR", 2);
    expect(afterSair[1]?.text).toMatch(/VOLTAR/);
    const company = (await store().companies.bySlug("optout"))!;
    expect((await store().contacts.byPhone(company.id, PHONE))?.optedOut).toBe(true);

    // Anything else is stored but not answered.
    expect((await postMeta(metaText(PNID, PHONE, "quero marcar uma consulta"))).status).toBe(200);
    const contact = (await store().contacts.byPhone(company.id, PHONE))!;
    await eventually(async () => {
      const inbound = await store().messages.listByContact(company.id, contact.id, { direction: "in", limit: 10 });
      expect(inbound.at(-1)).toMatchObject({ body: "quero marcar uma consulta", unanswered: "opted_out" });
    });
    await drained("optout");
    expect(await outbox("optout", PHONE)).toHaveLength(2);

    const back = await say("VOLTAR", 3);
    expect(back[2]?.text).toMatch(/de volta/);
    expect((await store().contacts.byPhone(company.id, PHONE))?.optedOut).toBe(false);
    await say("Oi", 4);
    expect(seriesValue(await metricsText(), "secretaria_opt_outs_total", { company: "optout" })).toBe(1);
  });

  it("'vou sair mais cedo' is not an opt-out", async () => {
    await seedCompany({ slug: "optout-2", metaPhoneNumberId: "100000000000702" });
    await postMeta(metaText("100000000000702", "5511987650702", "vou sair mais cedo hoje"));
    await eventually(async () => expect(await outbox("optout-2", "5511987650702")).toHaveLength(1));
    const company = (await store().companies.bySlug("optout-2"))!;
    expect((await store().contacts.byPhone(company.id, "5511987650702"))?.optedOut).toBe(false);
  });
});
