import { describe, expect, it } from "vitest";
import { api, eventually, metaText, metricsText, postMeta, seedCompany, seriesValue, drained, store } from "../support/helpers";

const FAKE = "http://graph.fake.test/__fake";
const setMode = (pnid: string, mode: string) => fetch(`${FAKE}/${pnid}/mode`, { method: "POST", body: JSON.stringify({ mode }) });
const sentTo = async (pnid: string) => ((await (await fetch(`${FAKE}/${pnid}/sent`)).json()) as { sent: { to: string; text?: { body: string } }[] }).sent;

interface DeadLetterView {
  id: number;
  queue: string;
  reason: string;
  attempts: number;
  reprocessed_at: string | null;
}
const deadLetters = async (tenant: string, status = "pending") =>
  ((await (await api(`/api/dead-letters?status=${status}`, { tenant })).json()) as { dead_letters: DeadLetterView[] }).dead_letters;

/** A tenant on the real Meta channel, pointed at the fake Graph API. */
const metaTenant = (slug: string, pnid: string) =>
  seedCompany({ slug, channel: "meta", metaPhoneNumberId: pnid, channelSettings: { meta: { phoneNumberId: pnid, accessToken: "EAAG-test-token" } } });

describe("outbound failures end in dead letters, and reprocess delivers them once", () => {
  it("a channel failing every time: retried, dead-lettered with the reason, reprocessed once it works", async () => {
    const pnid = "100000000000601";
    await metaTenant("dlq-a", pnid);
    await setMode(pnid, "500");
    expect((await postMeta(metaText(pnid, "5511987650601", "Oi"))).status).toBe(200);

    const [dead] = await eventually(async () => {
      const rows = await deadLetters("dlq-a");
      expect(rows).toHaveLength(1);
      return rows;
    }, 25_000);
    expect(dead?.queue).toBe("outbound");
    expect(dead?.reason).toMatch(/retries exhausted/);
    expect(dead?.reason).toMatch(/meta_/); // the vendor's error code is kept
    expect(dead?.attempts).toBeGreaterThan(1);
    expect(await sentTo(pnid)).toHaveLength(0);

    const company = (await store().companies.bySlug("dlq-a"))!;
    const contact = (await store().contacts.byPhone(company.id, "5511987650601"))!;
    const [reply] = await store().messages.listByContact(company.id, contact.id, { direction: "out", limit: 1 });
    expect(reply?.status).toBe("dead");
    const logs = await store().deliveryLogs.list(company.id, reply!.id);
    expect(logs.filter((l) => l.status === "retry").length).toBeGreaterThan(1);

    await setMode(pnid, "ok");
    const res = await api(`/api/dead-letters/${dead!.id}/reprocess`, { method: "POST", tenant: "dlq-a" });
    expect(res.status).toBe(202);
    await eventually(async () => expect(await sentTo(pnid)).toHaveLength(1));
    const again = await api(`/api/dead-letters/${dead!.id}/reprocess`, { method: "POST", tenant: "dlq-a" });
    expect(again.status).toBe(409);
    await drained("dlq-a");
    expect(await sentTo(pnid)).toHaveLength(1);
    expect(await deadLetters("dlq-a")).toHaveLength(0);
    expect((await deadLetters("dlq-a", "all"))[0]?.reprocessed_at).not.toBeNull();
    const metrics = await metricsText();
    expect(seriesValue(metrics, "secretaria_dead_letters_total", { company: "dlq-a", queue: "outbound" })).toBe(1);
    expect(seriesValue(metrics, "secretaria_messages_outbound_total", { company: "dlq-a", channel: "meta" })).toBe(1);
  });

  it("Meta 131047 (window closed): held with the reason, or sent as the tenant's approved template", async () => {
    const pnid = "100000000000602";
    await metaTenant("dlq-b", pnid);
    await setMode(pnid, "131047");
    await postMeta(metaText(pnid, "5511987650602", "Oi"));
    const company = (await store().companies.bySlug("dlq-b"))!;
    const held = await eventually(async () => {
      const contact = (await store().contacts.byPhone(company.id, "5511987650602"))!;
      const [m] = await store().messages.listByContact(company.id, contact.id, { direction: "out", limit: 1 });
      expect(m?.status).toBe("held");
      return m!;
    });
    expect(held.error).toMatch(/24 h .*window closed.*no approved template/);
    expect(await deadLetters("dlq-b")).toHaveLength(0);
    expect(await sentTo(pnid)).toHaveLength(0);

    const put = await api("/api/config/templates", {
      method: "PUT",
      tenant: "dlq-b",
      body: JSON.stringify({ reply: { name: "retomada_contato", language: "pt_BR", parameters: ["{contact_name}", "{text}"] } }),
    });
    expect(put.status).toBe(200);
    // The contact writes again: the held reply is released, Meta still refuses text, the template goes out.
    await postMeta(metaText(pnid, "5511987650602", "Olá?"));
    const sent = await eventually(async () => {
      const s = await sentTo(pnid);
      expect(s.length).toBeGreaterThanOrEqual(2);
      return s as unknown as { type: string; template?: { name: string; components?: { parameters: { text: string }[] }[] } }[];
    });
    expect(sent.every((m) => m.type === "template")).toBe(true);
    expect(sent[0]?.template?.name).toBe("retomada_contato");
    expect(sent[0]?.template?.components?.[0]?.parameters[0]?.text).toBe("Maria");
    const metrics = await metricsText();
    expect(seriesValue(metrics, "secretaria_messages_held_total", { company: "dlq-b", purpose: "reply" })).toBe(1);
    expect(seriesValue(metrics, "secretaria_template_sends_total", { company: "dlq-b", purpose: "reply" })).toBeGreaterThanOrEqual(2);
  });

  it("a delivery status webhook moves the reply forward, never back", async () => {
    const pnid = "100000000000603";
    await metaTenant("dlq-c", pnid);
    await setMode(pnid, "ok");
    await postMeta(metaText(pnid, "5511987650603", "Oi"));
    const company = (await store().companies.bySlug("dlq-c"))!;
    const reply = await eventually(async () => {
      const contact = (await store().contacts.byPhone(company.id, "5511987650603"))!;
      const [m] = await store().messages.listByContact(company.id, contact.id, { direction: "out", limit: 1 });
      expect(m?.status).toBe("accepted");
      return m!;
    });
    const status = (s: string) => ({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "1", phone_number_id: pnid },
                statuses: [{ id: reply.providerMessageId, status: s, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: "5511987650603" }],
              },
            },
          ],
        },
      ],
    });
    // Out of order: read arrives before delivered, and delivered is retried.
    for (const s of ["sent", "read", "delivered", "delivered"]) expect((await postMeta(status(s))).status).toBe(200);
    // Statuses are applied by the inbound consumer, in whatever order the batches come: the end state is the same.
    await eventually(async () => {
      expect((await store().messages.byId(company.id, reply.id))?.status).toBe("read");
      const logs = (await store().deliveryLogs.list(company.id, reply.id)).map((l) => l.status);
      expect(logs.sort()).toEqual(["accepted", "delivered", "read", "sent"]);
      const metrics = await metricsText();
      expect(seriesValue(metrics, "secretaria_deliveries_total", { company: "dlq-c", status: "delivered" })).toBe(1);
    });
  });
});
