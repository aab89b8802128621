import { beforeEach, describe, expect, it } from "vitest";
import type { Company, Store } from "../../src/store/types";
import { phone, T0, uid } from "./contract-ids";

/**
 * The reads behind Pós-Atendimento (appointmentTasks.followupDetails, feedback.list by appointments),
 * part of the store contract (called from storeContract), so every engine runs them.
 */
export function followupsContract(makeStore: () => Store | Promise<Store>): void {
  describe("follow-ups with their appointment, contact and message", () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    const DAY = 86_400_000;

    async function attended(co: Company, startsAt: number) {
      const contact = await store.contacts.upsertInbound(co.id, { phone: phone(), at: startsAt - DAY });
      const { appointment } = await store.appointments.create(co.id, {
        contactId: contact.id,
        provider: "builtin",
        bookingUid: `fu-${uid()}`,
        startsAt,
        endsAt: startsAt + 1_800_000,
        source: "api",
        bookedAt: startsAt - DAY,
      });
      const [task] = await store.appointmentTasks.ensure(co.id, appointment.id, [{ kind: "followup", offsetMinutes: 0, dueAt: startsAt + DAY }]);
      if (!task) throw new Error("no follow-up task");
      return { contact, appointment, task };
    }

    it("joins each follow-up to its appointment's start and contact and its message's status, newest first, since a date", async () => {
      const co = await store.companies.create({ slug: `fu-${uid()}`, name: "F" });
      const old = await attended(co, T0);
      const recent = await attended(co, T0 + 10 * DAY);
      const conversation = await store.conversations.open(co.id, recent.contact.id, T0);
      const { message } = await store.messages.insertOutbound(co.id, {
        conversationId: conversation.id,
        contactId: recent.contact.id,
        channel: "sandbox",
        clientRef: `task:${recent.task.id}`,
        payload: { kind: "text", text: "Como foi?" },
        correlationId: `task:${recent.task.id}`,
      });
      await store.messages.markDead(co.id, message.id, "undeliverable", T0 + 11 * DAY);
      await store.appointmentTasks.complete(co.id, recent.task.id, T0 + 11 * DAY, { status: "done", messageId: message.id });
      // A reminder is not a follow-up.
      await store.appointmentTasks.ensure(co.id, recent.appointment.id, [{ kind: "reminder", offsetMinutes: 60, dueAt: T0 + 10 * DAY - 3_600_000 }]);

      const all = await store.appointmentTasks.followupDetails(co.id, { limit: 10 });
      expect(all.map((t) => t.id)).toEqual([recent.task.id, old.task.id]);
      expect(all[0]).toMatchObject({ kind: "followup", status: "done", messageId: message.id, startsAt: T0 + 10 * DAY, contactId: recent.contact.id, messageStatus: "dead" });
      expect(all[1]).toMatchObject({ status: "pending", messageId: null, startsAt: T0, contactId: old.contact.id, messageStatus: null });
      expect((await store.appointmentTasks.followupDetails(co.id, { since: T0 + 5 * DAY, limit: 10 })).map((t) => t.id)).toEqual([recent.task.id]);
      expect(await store.appointmentTasks.followupDetails(co.id, { limit: 1 })).toHaveLength(1);
    });

    it("lists feedback of the given appointments only, and never another tenant's", async () => {
      const a = await store.companies.create({ slug: `fu-a-${uid()}`, name: "A" });
      const b = await store.companies.create({ slug: `fu-b-${uid()}`, name: "B" });
      const one = await attended(a, T0);
      const two = await attended(a, T0 + DAY);
      await store.feedback.add(a.id, { appointmentId: one.appointment.id, contactId: one.contact.id, kind: "followup_positive", score: 0.9, text: "Ótimo" });
      await store.feedback.add(a.id, { appointmentId: two.appointment.id, contactId: two.contact.id, kind: "followup_negative", score: -0.7, text: "Demorou" });
      const only = await store.feedback.list(a.id, { appointmentIds: [one.appointment.id], limit: 10 });
      expect(only.map((f) => [f.appointmentId, f.kind, f.text])).toEqual([[one.appointment.id, "followup_positive", "Ótimo"]]);
      expect(await store.feedback.list(a.id, { appointmentIds: [], limit: 10 })).toEqual([]);
      expect(await store.feedback.list(b.id, { appointmentIds: [one.appointment.id, two.appointment.id], limit: 10 })).toEqual([]);
      expect(await store.appointmentTasks.followupDetails(b.id, { limit: 10 })).toEqual([]);
    });
  });
}
