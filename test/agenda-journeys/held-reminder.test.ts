import { describe, expect, it } from "vitest";
import { sandboxSay } from "../support/ai";
import { api, drained, eventually, outbox, seedCompany } from "../support/helpers";

const FAST = { debounceMs: 0, maxTurnWaitMs: 0 };

/**
 * A reminder to a contact who never wrote is held (24 h window closed, no approved template) until the
 * contact writes. If the appointment moves or is cancelled meanwhile, that reminder must never go:
 * it would name the old time, or an appointment that no longer exists.
 */
describe("a held reminder and an appointment that changes", () => {
  it("is withdrawn when the appointment is rescheduled or cancelled; the contact writing later gets only the answer", async () => {
    await seedCompany({ slug: "held-rem", channelSettings: FAST });
    const slots = ((await (await api("/api/agenda/availability?days=7", { tenant: "held-rem" })).json()) as { slots: { start: string }[] }).slots;
    const people = [
      { phone: "5511977776601", change: "reschedule" },
      { phone: "5511977776602", change: "cancel" },
    ] as const;
    for (const [i, p] of people.entries()) {
      const booked = await api("/api/agenda/appointments", { method: "POST", tenant: "held-rem", body: JSON.stringify({ contact: p.phone, start: slots[i]!.start }) });
      expect(booked.status).toBe(201);
      const { id } = (await booked.json()) as { id: number };
      expect((await api(`/api/agenda/appointments/${id}/remind`, { method: "POST", tenant: "held-rem" })).status).toBeLessThan(300);
      const [held] = await eventually(async () => {
        const rows = (await outbox("held-rem", p.phone)).filter((m) => m.status === "held");
        expect(rows).toHaveLength(1);
        return rows;
      });
      expect(held?.text).toMatch(/Lembrete: sua consulta/);
      const body = p.change === "reschedule" ? JSON.stringify({ start: slots[5]!.start }) : "{}";
      expect((await api(`/api/agenda/appointments/${id}/${p.change}`, { method: "POST", tenant: "held-rem", body })).status).toBe(200);
      expect((await outbox("held-rem", p.phone)).map((m) => m.status)).toEqual(["withdrawn"]);

      // The contact writes: the window opens, and only the answer to "Oi" goes out.
      await sandboxSay("held-rem", p.phone, "Oi");
      await eventually(async () => expect((await outbox("held-rem", p.phone)).filter((m) => m.status === "accepted")).toHaveLength(1));
      await drained("held-rem");
      const after = await outbox("held-rem", p.phone);
      expect(after.filter((m) => m.status === "accepted")).toHaveLength(1);
      expect(after.filter((m) => m.status === "accepted" && /Lembrete/.test(m.text))).toEqual([]);
      expect(after.find((m) => m.id === held?.id)?.status).toBe("withdrawn");
    }
  });
});
