import { describe, expect, it } from "vitest";
import { gemini, putConfig } from "../support/ai";
import { api, drained, metaText, postMeta, seedCompany, store } from "../support/helpers";

const FAKE = "http://graph.fake.test/__fake";
const PNID = "100000000000701";
const KEY = "gemini-key-chaos";
const CONTACTS = Array.from({ length: 8 }, (_, i) => `55119876507${String(i).padStart(2, "0")}`);
const TEXTS = ["Oi, tudo bem?", "queria saber uma coisa", "vocês atendem sábado?"];

describe("fault injection: a flaky channel, a flaky LLM and every webhook delivered twice", () => {
  it("loses nothing, answers nothing twice, keeps each contact's order, and recovers every failure", async () => {
    const company = await seedCompany({
      slug: "chaos",
      channel: "meta",
      metaPhoneNumberId: PNID,
      channelSettings: { debounceMs: 200, maxTurnWaitMs: 1_000, meta: { phoneNumberId: PNID, accessToken: "EAAG-chaos-token" } },
    });
    await putConfig("chaos", "ai", { provider: "gemini", model: "gemini-2.0-flash", apiKey: KEY });
    await gemini.mode(KEY, "flaky", "Certo! Posso ajudar com isso.");
    await fetch(`${FAKE}/${PNID}/mode`, { method: "POST", body: JSON.stringify({ mode: "flaky" }) });

    // Contacts interleaved, each webhook twice (Meta retries), the channel failing every other send.
    let requests = 0;
    for (const [k, text] of TEXTS.entries()) {
      for (const phone of CONTACTS) {
        const body = metaText(PNID, phone, text, `wamid.chaos.${phone}.${k}`);
        for (let copy = 0; copy < 2; copy++) {
          expect((await postMeta(body)).status).toBe(200);
          requests++;
        }
      }
    }
    await drained("chaos", { requests });

    const sent = ((await (await fetch(`${FAKE}/${PNID}/sent`)).json()) as { sent: { to: string }[] }).sent;
    for (const phone of CONTACTS) {
      const contact = (await store().contacts.byPhone(company.id, phone))!;
      const inbound = await store().messages.listByContact(company.id, contact.id, { direction: "in", limit: 20 });
      // Nothing lost, nothing stored twice, in the order the contact wrote.
      expect(inbound.map((m) => m.body)).toEqual(TEXTS);
      const outbound = await store().messages.listByContact(company.id, contact.id, { direction: "out", limit: 20 });
      expect(outbound.length).toBeGreaterThanOrEqual(1);
      expect(outbound.every((m) => m.status === "accepted")).toBe(true);
      // The channel got each reply exactly once, however many times a send was retried.
      expect(sent.filter((s) => s.to === phone)).toHaveLength(outbound.length);
    }
    // Every failure here was transient: all recovered, none left as a dead letter.
    const dead = (await (await api("/api/dead-letters?status=all", { tenant: "chaos" })).json()) as { dead_letters: unknown[] };
    expect(dead.dead_letters).toEqual([]);
    // The LLM really failed part of the time (the engine retried or fell back to templates).
    expect((await gemini.requests(KEY)).length).toBeGreaterThan(CONTACTS.length);
  });
});
