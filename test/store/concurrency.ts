import { describe, expect, it } from "vitest";
import type { NewAppointment, Store } from "../../src/store/types";
import { phone, T0, uid } from "./contract-ids";

/**
 * What D1 got from its single writer and Postgres must get from constraints and locks: N callers race
 * for one thing and exactly one wins. `open()` gives each caller its own store (on Postgres its own
 * client, so its own connection, as two requests would have); D1 runs the same races through one binding.
 */
export function concurrencyContract(name: string, open: () => Store): void {
  const N = 6;
  const HOUR = 3_600_000;
  const racers = () => Array.from({ length: N }, open);

  async function tenant() {
    const store = open();
    const company = await store.companies.create({ slug: `race-${uid()}`, name: "Clínica Corrida" });
    const contact = await store.contacts.ensure(company.id, phone());
    return { store, company, contact };
  }
  const booking = (contactId: number, startsAt: number, uidKey = `race-${uid()}`): NewAppointment => ({
    contactId,
    provider: "builtin",
    bookingUid: uidKey,
    startsAt,
    endsAt: startsAt + HOUR,
    source: "whatsapp",
    bookedAt: T0,
  });
  const room = { capacity: 1, bufferMs: 0 };

  describe(`${name}: races have one winner`, () => {
    it("N bookings for the last place of a slot: one is stored, the others find it full", async () => {
      const { company, contact } = await tenant();
      const results = await Promise.all(racers().map((s) => s.appointments.reserve(company.id, booking(contact.id, T0 + 10 * HOUR), room)));
      expect(results.filter((r) => r?.inserted)).toHaveLength(1);
      expect(results.filter((r) => r === null)).toHaveLength(N - 1);
      const live = await open().appointments.list(company.id, { from: T0, to: T0 + 100 * HOUR, limit: 50 });
      expect(live).toHaveLength(1);
    });

    it("N appointments moved into one free place, racing a booking for it: one gets the place", async () => {
      const { store, company, contact } = await tenant();
      const target = T0 + 20 * HOUR;
      const moving = await Promise.all(Array.from({ length: N }, (_, i) => store.appointments.create(company.id, booking(contact.id, T0 + (30 + 2 * i) * HOUR))));
      const stores = racers();
      const [booked, ...moved] = await Promise.all([
        open().appointments.reserve(company.id, booking(contact.id, target), room),
        ...moving.map(({ appointment }, i) =>
          stores[i]!.appointments.move(company.id, appointment.id, { startsAt: target, endsAt: target + HOUR, bookingUid: appointment.bookingUid }, T0 + 1, room),
        ),
      ]);
      const winners = moved.filter((m) => m !== null).length + (booked?.inserted ? 1 : 0);
      expect(winners).toBe(1);
      expect(await open().appointments.busy(company.id, target, target + HOUR)).toHaveLength(1);
    });

    it("one delivery status delivered N times at once is logged and counted once", async () => {
      const { store, company, contact } = await tenant();
      const conversation = await store.conversations.open(company.id, contact.id, T0);
      const { message } = await store.messages.insertOutbound(company.id, {
        conversationId: conversation.id,
        contactId: contact.id,
        channel: "meta",
        clientRef: `turn-${uid()}:0`,
        payload: { kind: "text", text: "Olá" },
        correlationId: `corr-${uid()}`,
      });
      await store.messages.claimOutbound(company.id, message.id, T0, 60_000);
      const wamid = `wamid.out.${uid()}`;
      await store.messages.markAccepted(company.id, message.id, wamid, T0 + 1);
      const results = await Promise.all(racers().map((s) => s.messages.applyStatus(company.id, wamid, "delivered", null, T0 + 2)));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(results.filter((r) => r.changed)).toHaveLength(1);
      const logs = await open().deliveryLogs.list(company.id, message.id);
      expect(logs.filter((l) => l.status === "delivered")).toHaveLength(1);
    });

    it("N claims of one outbound message: one consumer holds it", async () => {
      const { store, company, contact } = await tenant();
      const conversation = await store.conversations.open(company.id, contact.id, T0);
      const { message } = await store.messages.insertOutbound(company.id, {
        conversationId: conversation.id,
        contactId: contact.id,
        channel: "meta",
        clientRef: `turn-${uid()}:0`,
        payload: { kind: "text", text: "Olá" },
        correlationId: `corr-${uid()}`,
      });
      const single = await Promise.all(racers().map((s) => s.messages.claimOutbound(company.id, message.id, T0, 60_000)));
      expect(single.filter((m) => m !== null)).toHaveLength(1);
      await store.messages.markRetrying(company.id, message.id, "timeout", T0 + 1);
      const many = await Promise.all(racers().map((s) => s.outbox.claimMany(company.id, [message.id], T0 + 2, 60_000)));
      expect(many.flat()).toHaveLength(1);
    });

    it("N crons claiming the daily analysis run: one starts it", async () => {
      const { company } = await tenant();
      const ids = await Promise.all(racers().map((s) => s.scheduling.claimRun(company.id, "cron", T0, 23 * HOUR)));
      expect(ids.filter((id) => id !== null)).toHaveLength(1);
    });

    it("N opens of one contact's conversation: all get the same open conversation", async () => {
      const { company, contact } = await tenant();
      const opened = await Promise.all(racers().map((s, i) => s.conversations.open(company.id, contact.id, T0 + i)));
      expect(new Set(opened.map((c) => c.id)).size).toBe(1);
      const all = await open().conversations.list(company.id, { contactId: contact.id, limit: 10 });
      expect(all).toHaveLength(1);
    });

    it("N turns of one new contact recorded at once: one contact, one open conversation, each message once", async () => {
      const { company } = await tenant();
      const from = phone();
      const wamid = `wamid.${uid()}`;
      const turn = (i: number) => ({
        phone: from,
        at: T0 + i,
        messages: [
          { providerMessageId: wamid, channel: "meta" as const, type: "text" as const, body: "Oi", unanswered: null, correlationId: `c-${i}`, providerTimestamp: T0 },
          {
            providerMessageId: `${wamid}-${i}`,
            channel: "meta" as const,
            type: "text" as const,
            body: `Oi ${i}`,
            unanswered: null,
            correlationId: `c-${i}`,
            providerTimestamp: T0,
          },
        ],
      });
      const recorded = await Promise.all(racers().map((s, i) => s.turns.record(company.id, [turn(i)], T0 + i)));
      expect(new Set(recorded.map(([r]) => r?.contact.id)).size).toBe(1);
      expect(new Set(recorded.map(([r]) => r?.conversation.id)).size).toBe(1);
      const contactId = recorded[0]![0]!.contact.id;
      const messages = await open().messages.listByContact(company.id, contactId, { limit: 50 });
      expect(messages.filter((m) => m.providerMessageId === wamid)).toHaveLength(1);
      expect(messages).toHaveLength(N + 1);
    });

    it("idempotency keys: N inserts of one inbound id, one reply ref, one booking uid each store one row", async () => {
      const { store, company, contact } = await tenant();
      const conversation = await store.conversations.open(company.id, contact.id, T0);
      const wamid = `wamid.${uid()}`;
      const inbound = await Promise.all(
        racers().map((s) =>
          s.messages.insertInbound(company.id, {
            conversationId: conversation.id,
            contactId: contact.id,
            channel: "meta",
            providerMessageId: wamid,
            type: "text",
            body: "Oi",
            unanswered: null,
            correlationId: "c",
            providerTimestamp: T0,
          }),
        ),
      );
      expect(inbound.filter((r) => r.inserted)).toHaveLength(1);
      expect(new Set(inbound.map((r) => r.message.id)).size).toBe(1);
      const clientRef = `turn-${uid()}:0`;
      const out = await Promise.all(
        racers().map((s) =>
          s.messages.insertOutbound(company.id, {
            conversationId: conversation.id,
            contactId: contact.id,
            channel: "meta",
            clientRef,
            payload: { kind: "text", text: "Olá" },
            correlationId: "c",
          }),
        ),
      );
      expect(out.filter((r) => r.inserted)).toHaveLength(1);
      const same = booking(contact.id, T0 + 50 * HOUR);
      const created = await Promise.all(racers().map((s) => s.appointments.create(company.id, same)));
      expect(created.filter((r) => r.inserted)).toHaveLength(1);
      expect(new Set(created.map((r) => r.appointment.id)).size).toBe(1);
    });
  });
}
