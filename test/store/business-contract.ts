import { describe, expect, it } from "vitest";
import type { Company, Store } from "../../src/store/types";
import { phone, uid } from "./contract-ids";

const DAY = 86_400_000;
const VARIANTS = [
  { key: "a", label: "Atual", text: "Olá{name}! Sua consulta é {slot}." },
  { key: "b", label: "Curta", text: "Lembrete: {slot}. Responda 1 para confirmar." },
];

/** store.abTests and store.recommendations on both engines. */
export function businessContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name}: A/B tests and recommendations`, () => {
    const company = (store: Store) => store.companies.create({ slug: `biz-${uid()}`, name: "Clínica Negócios", channelSettings: { debounceMs: 100 } });
    const contact = async (store: Store, c: Company) => store.contacts.upsertInbound(c.id, { phone: phone(), name: "Ana Lima", at: Date.now() });
    const test = (store: Store, c: Company, target = "purpose:reminder") =>
      store.abTests.create(c.id, { name: "Lembrete curto", target, goal: "confirmed", epsilon: 0.1, variants: VARIANTS }, 1_000);

    it("creates, lists and moves a test through its states, one running test per target", async () => {
      const store = await makeStore();
      const c = await company(store);
      const t1 = await test(store, c);
      const t2 = await test(store, c);
      const t3 = await test(store, c, "purpose:followup");
      expect(t1).toMatchObject({ status: "draft", variants: VARIANTS, goal: "confirmed", epsilon: 0.1, winner: null });
      expect((await store.abTests.list(c.id, 10)).map((t) => t.id)).toEqual([t3.id, t2.id, t1.id]);
      expect(await store.abTests.transition(c.id, t1.id, ["draft"], "running", 2_000)).toMatchObject({ status: "running", startedAt: 2_000 });
      // Same target: refused while t1 runs; another target is free.
      expect(await store.abTests.transition(c.id, t2.id, ["draft"], "running", 2_100)).toBeNull();
      expect(await store.abTests.transition(c.id, t3.id, ["draft"], "running", 2_100)).toMatchObject({ status: "running" });
      expect(await store.abTests.declareWinner(c.id, t1.id, "b", 2_200)).toBeNull();
      expect(await store.abTests.transition(c.id, t1.id, ["running"], "stopped", 3_000)).toMatchObject({ status: "stopped", stoppedAt: 3_000 });
      expect(await store.abTests.declareWinner(c.id, t1.id, "b", 3_100)).toMatchObject({ winner: "b" });
      expect(await store.abTests.transition(c.id, t2.id, ["draft"], "running", 3_200)).toMatchObject({ status: "running" });
      // Another tenant can neither see nor move them.
      const other = await company(store);
      expect(await store.abTests.byId(other.id, t1.id)).toBeNull();
      expect(await store.abTests.list(other.id, 10)).toEqual([]);
      expect(await store.abTests.transition(other.id, t2.id, ["running"], "stopped", 4_000)).toBeNull();
      expect((await store.abTests.byId(c.id, t2.id))?.status).toBe("running");
    });

    it("keeps a contact's first draw, records each event once and counts contacts, not events", async () => {
      const store = await makeStore();
      const c = await company(store);
      const t = await test(store, c);
      const [k1, k2, k3] = [await contact(store, c), await contact(store, c), await contact(store, c)];
      expect(await store.abTests.assignment(c.id, t.id, k1.id)).toBeNull();
      expect(await store.abTests.assign(c.id, t.id, k1.id, "a", 10)).toBe("a");
      expect(await store.abTests.assign(c.id, t.id, k1.id, "b", 11)).toBe("a");
      expect(await store.abTests.assignment(c.id, t.id, k1.id)).toBe("a");
      await store.abTests.assign(c.id, t.id, k2.id, "b", 12);
      await store.abTests.assign(c.id, t.id, k3.id, "b", 13);
      const sent = (k: { id: number }, variant: string, ref: string, at: number) => ({ testId: t.id, contactId: k.id, variant, event: "sent" as const, ref, at });
      expect(await store.abTests.record(c.id, [sent(k1, "a", "task:1", 100), sent(k2, "b", "task:2", 200), sent(k1, "a", "task:9", 300)])).toBe(3);
      // A redelivered send is not counted again.
      expect(await store.abTests.record(c.id, [sent(k1, "a", "task:1", 100)])).toBe(0);
      const confirmed = { testId: t.id, contactId: k2.id, variant: "b", event: "confirmed" as const, ref: "appointment.confirmed:5", at: 250 };
      expect(await store.abTests.record(c.id, [confirmed, confirmed])).toBe(1);
      const counts = await store.abTests.counts(c.id, t.id);
      expect(counts.sort((x, y) => `${x.variant}${x.event}`.localeCompare(`${y.variant}${y.event}`))).toEqual([
        { variant: "a", event: "sent", contacts: 1 },
        { variant: "b", event: "confirmed", contacts: 1 },
        { variant: "b", event: "sent", contacts: 1 },
      ]);
      const assigned = await store.abTests.assignments(c.id, [t.id], [k1.id, k2.id, k3.id]);
      expect(assigned.sort((x, y) => x.contactId - y.contactId)).toEqual([
        { testId: t.id, contactId: k1.id, variant: "a", firstSentAt: 100 },
        { testId: t.id, contactId: k2.id, variant: "b", firstSentAt: 200 },
        { testId: t.id, contactId: k3.id, variant: "b", firstSentAt: null },
      ]);
      const other = await company(store);
      expect(await store.abTests.counts(other.id, t.id)).toEqual([]);
      expect(await store.abTests.assignments(other.id, [t.id], [k1.id])).toEqual([]);
    });

    const rec = (key: string, over: Partial<Parameters<Store["recommendations"]["write"]>[1][number]> = {}) => ({
      kind: "next_action" as const,
      key,
      severity: "info" as const,
      title: `Confirmar os 3 agendamentos de amanhã (${key})`,
      body: "3 agendamentos de amanhã ainda não foram confirmados.",
      evidence: { appointments: 3, magnitude: 3 },
      status: "open" as const,
      firstSeenAt: 1_000,
      dismissedAt: null,
      ...over,
    });

    it("upserts recommendations by (kind, key), expires, closes once and keeps tenants apart", async () => {
      const store = await makeStore();
      const c = await company(store);
      const [a, b] = await store.recommendations.write(c.id, [rec("confirm_tomorrow"), rec("handoffs_waiting")], 1_000);
      expect(a).toMatchObject({ kind: "next_action", key: "confirm_tomorrow", status: "open", evidence: { appointments: 3, magnitude: 3 }, computedAt: 1_000 });
      const [again] = await store.recommendations.write(c.id, [rec("confirm_tomorrow", { evidence: { appointments: 5, magnitude: 5 } })], 2_000);
      expect(again).toMatchObject({ id: a?.id, evidence: { appointments: 5 }, firstSeenAt: 1_000, computedAt: 2_000 });
      expect(await store.recommendations.close(c.id, b?.id ?? 0, "dismissed", 2_500)).toMatchObject({ status: "dismissed", dismissedAt: 2_500 });
      expect(await store.recommendations.close(c.id, b?.id ?? 0, "done", 2_600)).toBeNull();
      expect(await store.recommendations.expire(c.id, [a?.id ?? 0, b?.id ?? 0], 3_000)).toBe(1);
      expect((await store.recommendations.byId(c.id, a?.id ?? 0))?.status).toBe("expired");
      expect((await store.recommendations.list(c.id, { statuses: ["dismissed", "expired"], limit: 10 })).map((r) => r.key).sort()).toEqual([
        "confirm_tomorrow",
        "handoffs_waiting",
      ]);
      await store.recommendations.notified(c.id, [a?.id ?? 0], 3_100);
      expect((await store.recommendations.byId(c.id, a?.id ?? 0))?.notifiedAt).toBe(3_100);
      const other = await company(store);
      expect(await store.recommendations.byId(other.id, a?.id ?? 0)).toBeNull();
      expect(await store.recommendations.close(other.id, a?.id ?? 0, "done", 4_000)).toBeNull();
      expect(await store.recommendations.all(other.id)).toEqual([]);
      await store.recommendations.write(other.id, [rec("confirm_tomorrow")], 4_000);
      expect((await store.recommendations.all(c.id)).length).toBe(2);
    });

    it("writes many rows at once within D1's 100 bound parameters (events and recommendations)", async () => {
      const store = await makeStore();
      const c = await company(store);
      const t = await test(store, c);
      const k = await contact(store, c);
      const rows = Array.from({ length: 30 }, (_, i) => ({ testId: t.id, contactId: k.id, variant: "a", event: "replied" as const, ref: `message.received:w${i}`, at: 100 + i }));
      expect(await store.abTests.record(c.id, rows)).toBe(30);
      expect(await store.abTests.record(c.id, rows)).toBe(0);
      const written = await store.recommendations.write(
        c.id,
        Array.from({ length: 12 }, (_, i) => rec(`key_${i}`)),
        5_000,
      );
      expect(written.map((r) => r.key).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `key_${i}`).sort());
    });

    it("counts the signals from the tenant's own rows", async () => {
      const store = await makeStore();
      const c = await company(store);
      const now = Date.now() + 60_000;
      const w = { now, weekAgo: now - 7 * DAY, twoWeeksAgo: now - 14 * DAY, tomorrowFrom: now + DAY, tomorrowTo: now + 2 * DAY, inactiveBefore: now - 90 * DAY };
      const k = await contact(store, c);
      const gone = await contact(store, c);
      const out = await contact(store, c);
      await store.contacts.setOptedOut(c.id, out.id, true);
      const conv = await store.conversations.open(c.id, k.id, now);
      for (let i = 0; i < 3; i++)
        await store.messages.insertInbound(c.id, {
          conversationId: conv.id,
          contactId: k.id,
          channel: "sandbox",
          providerMessageId: `wamid.${uid()}`,
          type: "text",
          body: "oi",
          unanswered: null,
          correlationId: `corr-${uid()}`,
          providerTimestamp: now,
        });
      const book = async (contactId: number, startsAt: number) =>
        (
          await store.appointments.create(c.id, {
            contactId,
            provider: "builtin",
            bookingUid: `b-${uid()}`,
            startsAt,
            endsAt: startsAt + 1_800_000,
            source: "api",
            bookedAt: now - 200 * DAY,
          })
        ).appointment;
      const missed = await book(k.id, now - 2 * DAY);
      await store.appointments.transition(c.id, missed.id, ["scheduled"], "no_show", now - 2 * DAY);
      await book(k.id, now - 3 * DAY);
      await book(k.id, now - 10 * DAY);
      await book(k.id, now + DAY + 3_600_000);
      const confirmed = await book(k.id, now + DAY + 7_200_000);
      await store.appointments.transition(c.id, confirmed.id, ["scheduled"], "confirmed", now);
      await book(gone.id, now - 120 * DAY);
      await book(out.id, now - 120 * DAY);
      await store.feedback.add(c.id, { appointmentId: null, contactId: k.id, kind: "followup_negative", score: -1, text: "demorou" });
      await store.feedback.add(c.id, { appointmentId: null, contactId: k.id, kind: "followup_positive", score: 1, text: "ótimo" });
      await store.feedback.add(c.id, { appointmentId: null, contactId: k.id, kind: "no_show", score: -1, text: "faltou" });
      await store.conversations.handoff(c.id, conv.id, "pessoa", now);
      expect(await store.recommendations.signals(c.id, w)).toEqual({
        inbound: { thisWeek: 3, lastWeek: 0 },
        appointments: { thisWeek: 2, lastWeek: 1, noShowsThisWeek: 1, noShowsLastWeek: 0 },
        followups: { total: 2, negative: 1 },
        unconfirmedTomorrow: 1,
        inactive: 1,
        handoffsWaiting: 1,
      });
      const other = await company(store);
      expect(await store.recommendations.signals(other.id, w)).toEqual({
        inbound: { thisWeek: 0, lastWeek: 0 },
        appointments: { thisWeek: 0, lastWeek: 0, noShowsThisWeek: 0, noShowsLastWeek: 0 },
        followups: { total: 0, negative: 0 },
        unconfirmedTomorrow: 0,
        inactive: 0,
        handoffsWaiting: 0,
      });
    });
  });
}
