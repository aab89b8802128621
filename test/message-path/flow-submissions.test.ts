/**
 * WhatsApp Flow submissions (nfm_reply, recorded shape in test/fixtures/meta/nfm-reply.json) reach the
 * flow that sent them: a booking flow's answers book that time; an unknown flow is stored and
 * acknowledged, never handed to the assistant.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { agendaCtx, freeSlots } from "../../src/agenda/service";
import { utcToZoned } from "../../src/lib/time-zone";
import nfmReply from "../fixtures/meta/nfm-reply.json";
import { api, drained, eventually, outbox, postMeta, seedCompany, store } from "../support/helpers";

/** The recorded submission, re-addressed to the test's number and contact, with these answers. */
function submission(pnid: string, phone: string, answers: Record<string, string>): unknown {
  const body = structuredClone(nfmReply);
  const value = body.entry[0]!.changes[0]!.value;
  value.metadata.phone_number_id = pnid;
  value.contacts[0]!.wa_id = phone;
  value.contacts[0]!.user_id = `BR.${phone}`;
  const m = value.messages[0]!;
  m.from = phone;
  m.from_user_id = `BR.${phone}`;
  m.id = `wamid.${crypto.randomUUID()}`;
  m.timestamp = String(Math.floor(Date.now() / 1000));
  m.interactive.nfm_reply.response_json = JSON.stringify(answers);
  return body;
}

const replies = (slug: string, phone: string, n: number) =>
  eventually(async () => {
    const r = await outbox(slug, phone);
    expect(r).toHaveLength(n);
    return r;
  });

describe("Flow submissions reach their flow", () => {
  it("a booking flow's date and time book that slot, and the contact is told", async () => {
    const company = await seedCompany({ slug: "flow-book", metaPhoneNumberId: "100000000000901" });
    const free = await freeSlots(await agendaCtx(env, store(), company));
    if (!free.ok || !free.value[2]) throw new Error("the built-in calendar should have free slots");
    const slot = free.value[2];
    const local = utcToZoned(slot.start, company.timeZone);
    const phone = "5511987650901";
    const res = await postMeta(submission("100000000000901", phone, { flow_token: "agenda-8841", servico: "limpeza", data: local.date, horario: local.time }));
    expect(res.status).toBe(200);
    const [reply] = await replies("flow-book", phone, 1);
    expect(reply?.text).toMatch(/^Pronto, Maria! Seu horário está marcado para /);
    const contact = (await store().contacts.byPhone(company.id, phone))!;
    const booked = await store().appointments.list(company.id, { contactId: contact.id, limit: 5 });
    expect(booked.map((a) => ({ startsAt: a.startsAt, service: a.service, source: a.source, status: a.status }))).toEqual([
      { startsAt: Date.parse(slot.start), service: "limpeza", source: "whatsapp", status: "scheduled" },
    ]);
    // The answers are kept as the message (what the form said), answered, not marked as a notice.
    const [stored] = await store().messages.listByContact(company.id, contact.id, { direction: "in", limit: 5 });
    expect(stored).toMatchObject({ type: "flow", unanswered: null });
    expect(JSON.parse(stored!.body)).toMatchObject({ flow_token: "agenda-8841", data: local.date });
  });

  it("a booking flow naming a time that cannot be booked (the recorded one is in the past) gets the free slots instead", async () => {
    const company = await seedCompany({ slug: "flow-past", metaPhoneNumberId: "100000000000902" });
    const phone = "5511987650902";
    await postMeta(submission("100000000000902", phone, { flow_token: "agenda-8841", servico: "limpeza", data: "2024-11-18", horario: "14:00" }));
    const [taken, offer] = await replies("flow-past", phone, 2);
    expect(taken?.text).toMatch(/acabou de ser ocupado/);
    expect(offer?.text).toMatch(/horários disponíveis:\n1\. /);
    const contact = (await store().contacts.byPhone(company.id, phone))!;
    expect(await store().appointments.list(company.id, { contactId: contact.id, limit: 5 })).toEqual([]);
  });

  it("an unknown flow is stored and acknowledged with a fixed text, once", async () => {
    const company = await seedCompany({ slug: "flow-unknown", metaPhoneNumberId: "100000000000903" });
    const phone = "5511987650903";
    const body = submission("100000000000903", phone, { flow_token: "pesquisa-77", nota: "5", comentario: "quero marcar amanhã" });
    await postMeta(body);
    await postMeta(body); // Meta's retry: the same wamid
    await drained("flow-unknown", { requests: 2 });
    const all = await replies("flow-unknown", phone, 1);
    expect(all[0]?.text).toBe("Recebemos suas respostas, obrigada! Se precisar de algo mais, é só me chamar.");
    const contact = (await store().contacts.byPhone(company.id, phone))!;
    // "quero marcar amanhã" inside a form's answers is not read as a booking request.
    expect(await store().appointments.list(company.id, { contactId: contact.id, limit: 5 })).toEqual([]);
  });

  it("a username user (BSUID only, no phone) books through Cal.com without a made-up phone number", async () => {
    const pnid = "100000000000904";
    const slug = "flow-bsuid-cal";
    const apiKey = "cal_live_flow_bsuid_0001";
    const company = await seedCompany({ slug, metaPhoneNumberId: pnid });
    expect((await api("/api/agenda/settings", { method: "PUT", tenant: slug, body: JSON.stringify({ provider: "calcom", calcom: { eventTypeId: 812345, apiKey } }) })).status).toBe(
      200,
    );
    // Next weekday two days or more ahead, 10:00 in São Paulo: a slot the fake Cal.com offers.
    let day = new Date(Date.now() + 2 * 86_400_000);
    while ([0, 6].includes(day.getUTCDay())) day = new Date(day.getTime() + 86_400_000);
    const date = day.toISOString().slice(0, 10);
    const bsuid = "BR.1502576394655904";
    const body = submission(pnid, "5511987650904", { flow_token: "booking-42", data: date, horario: "10:00" }) as typeof nfmReply;
    const value = body.entry[0]!.changes[0]!.value as { contacts: { wa_id?: string; user_id?: string }[]; messages: { from?: string; from_user_id?: string }[] };
    delete value.contacts[0]!.wa_id;
    value.contacts[0]!.user_id = bsuid;
    delete value.messages[0]!.from;
    value.messages[0]!.from_user_id = bsuid;
    expect((await postMeta(body)).status).toBe(200);
    const contact = await eventually(async () => {
      const c = await store().contacts.byPhone(company.id, bsuid);
      expect(c).not.toBeNull();
      return c!;
    });
    const booked = await eventually(async () => {
      const rows = await store().appointments.list(company.id, { contactId: contact.id, limit: 5 });
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(booked[0]).toMatchObject({ provider: "calcom", startsAt: Date.parse(`${date}T13:00:00.000Z`) });
    const calls = (
      (await (await fetch(`http://calcom.fake.test/__fake/calcom/${apiKey}/calls`)).json()) as {
        calls: { method: string; path: string; body: { attendee?: Record<string, string>; bookingFieldsResponses?: { notes: string } } }[];
      }
    ).calls;
    const booking = calls.find((c) => c.method === "POST" && c.path === "/v2/bookings");
    expect(booking?.body.attendee).not.toHaveProperty("phoneNumber");
    expect(booking?.body.attendee?.email).toBe("bsuid.br.1502576394655904@whatsapp.secretaria.invalid");
    expect(booking?.body.bookingFieldsResponses?.notes).toMatch(/without a phone number/);
    await eventually(async () => {
      const out = await store().messages.listByContact(company.id, contact.id, { direction: "out", limit: 5 });
      expect(out.map((m) => m.body)).toEqual([expect.stringMatching(/^Pronto, Maria! Seu horário está marcado para /)]);
    });
  });
});
