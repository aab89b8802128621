import { describe, expect, it } from "vitest";
import bsuidOnly from "../fixtures/meta/bsuid-only-text.json";
import numberChanged from "../fixtures/meta/system-user-changed-number.json";
import { drained, eventually, metaText, postMeta, seedCompany, store } from "../support/helpers";

const FAKE = "http://graph.fake.test/__fake";
const sentTo = async (pnid: string) => ((await (await fetch(`${FAKE}/${pnid}/sent`)).json()) as { sent: { to?: string; recipient?: string; text?: { body: string } }[] }).sent;

/** A fixture re-addressed to a test's own number, with fresh message ids and a current timestamp. */
function readdress(fixture: unknown, pnid: string): unknown {
  const body = structuredClone(fixture) as { entry: { changes: { value: { metadata: { phone_number_id: string }; messages?: { id: string; timestamp: string }[] } }[] }[] };
  for (const e of body.entry)
    for (const c of e.changes) {
      c.value.metadata.phone_number_id = pnid;
      for (const m of c.value.messages ?? []) {
        m.id = `wamid.${crypto.randomUUID()}`;
        m.timestamp = String(Math.floor(Date.now() / 1000));
      }
    }
  return body;
}

describe("contacts are a phone, a BSUID or both", () => {
  it("answers a username user who has only a BSUID through Meta's recipient field, then keeps the same contact when the phone shows up", async () => {
    const pnid = "100000000000711";
    const company = await seedCompany({
      slug: "bsuid",
      channel: "meta",
      metaPhoneNumberId: pnid,
      channelSettings: { meta: { phoneNumberId: pnid, accessToken: "EAAG-bsuid-token" } },
    });
    expect((await postMeta(readdress(bsuidOnly, pnid))).status).toBe(200);
    await eventually(async () => expect((await sentTo(pnid)).filter((s) => s.recipient === "BR.1502576394655843")).toHaveLength(1));
    expect((await sentTo(pnid)).every((s) => s.to === undefined)).toBe(true);
    const byBsuid = (await store().contacts.byPhone(company.id, "BR.1502576394655843"))!;
    expect(byBsuid).toMatchObject({ userId: "BR.1502576394655843", name: "Juliana" });

    // Later the same user writes with the number visible: one contact, with both identifiers and its history.
    const both = metaText(pnid, "5511987650711", "Sexta às 10h pode ser?");
    const value = both.entry[0]!.changes[0]!.value as { contacts: { user_id?: string }[]; messages: { from_user_id?: string }[] };
    value.contacts[0]!.user_id = "BR.1502576394655843";
    value.messages[0]!.from_user_id = "BR.1502576394655843";
    expect((await postMeta(both)).status).toBe(200);
    await drained("bsuid", { requests: 2 });
    const merged = (await store().contacts.byPhone(company.id, "5511987650711"))!;
    expect(merged.id).toBe(byBsuid.id);
    expect(merged.userId).toBe("BR.1502576394655843");
    expect(await store().contacts.byPhone(company.id, "BR.1502576394655843")).toBeNull();
    const inbound = await store().messages.listByContact(company.id, merged.id, { direction: "in", limit: 10 });
    expect(inbound.map((m) => m.body)).toEqual(["Oi, vocês têm horário na sexta?", "Sexta às 10h pode ser?"]);
    expect((await sentTo(pnid)).filter((s) => s.to === "5511987650711")).toHaveLength(1);
  });

  it("moves the contact to its new number on Meta's user_changed_number notice, which is stored and not answered", async () => {
    const pnid = "100000000000712";
    const company = await seedCompany({
      slug: "renumber",
      channel: "meta",
      metaPhoneNumberId: pnid,
      channelSettings: { meta: { phoneNumberId: pnid, accessToken: "EAAG-renumber-token" } },
    });
    expect((await postMeta(metaText(pnid, "5511987654321", "Oi"))).status).toBe(200);
    await eventually(async () => expect(await sentTo(pnid)).toHaveLength(1));
    const before = (await store().contacts.byPhone(company.id, "5511987654321"))!;
    expect((await postMeta(readdress(numberChanged, pnid))).status).toBe(200);
    await drained("renumber", { requests: 2 });
    const after = (await store().contacts.byPhone(company.id, "5511912340000"))!;
    expect(after.id).toBe(before.id);
    const notice = (await store().messages.listByContact(company.id, after.id, { direction: "in", limit: 10 })).at(-1);
    expect(notice).toMatchObject({ type: "system", unanswered: "system_notice" });
    expect(await sentTo(pnid)).toHaveLength(1);
  });
});
