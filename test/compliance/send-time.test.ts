import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runAppointmentTask } from "../../src/agenda/service";
import { seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

/** An opt-out recorded after booking stops that appointment's reminder and follow-up at send time. */

const HOUR = 3_600_000;
const uid = () => crypto.randomUUID().slice(0, 8);
const phone = () => `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;

async function booked(status: "scheduled" | "attended") {
  const company = await seedCompany({ slug: `send-${uid()}` });
  const s = store();
  const contact = await s.contacts.upsertInbound(company.id, { phone: phone(), name: "Bruna Leite", at: Date.now() });
  const start = status === "scheduled" ? Date.now() + 26 * HOUR : Date.now() - 26 * HOUR;
  const { appointment } = await s.appointments.create(company.id, {
    contactId: contact.id,
    provider: "builtin",
    bookingUid: `send-${uid()}`,
    startsAt: start,
    endsAt: start + HOUR,
    source: "whatsapp",
    bookedAt: Date.now() - 48 * HOUR,
    status,
  });
  const [task] = await s.appointmentTasks.ensure(company.id, appointment.id, [
    { kind: status === "scheduled" ? "reminder" : "followup", offsetMinutes: status === "scheduled" ? 1440 : 0, dueAt: Date.now() - 1 },
  ]);
  if (!task) throw new Error("no task");
  return { company, contact, appointment, task };
}

const outbound = (companyId: number) => sqlRows<{ purpose: string }>(`SELECT purpose FROM messages WHERE company_id = ? AND direction = 'out'`, companyId);

describe("opt-out at send time", () => {
  for (const status of ["scheduled", "attended"] as const) {
    const kind = status === "scheduled" ? "reminder" : "follow-up";
    it(`a ${kind} due after the contact opted out sends nothing and is recorded as skipped, not sent`, async () => {
      const t = await booked(status);
      await store().contacts.setOptedOut(t.company.id, t.contact.id, true, { source: "keyword", actor: "contact" });
      await runAppointmentTask(env, store(), t.company.id, t.task.id);
      expect(await outbound(t.company.id)).toEqual([]);
      expect(await sqlRows(`SELECT status, detail FROM appointment_tasks WHERE company_id = ? AND id = ?`, t.company.id, t.task.id)).toEqual([
        { status: "skipped", detail: "contact opted out" },
      ]);
      expect((await store().appointments.byId(t.company.id, t.appointment.id))?.reminderSent).toBe(false);
    });
    it(`the same ${kind} for a contact still opted in goes out`, async () => {
      const t = await booked(status);
      await runAppointmentTask(env, store(), t.company.id, t.task.id);
      expect((await outbound(t.company.id)).length).toBe(1);
      expect((await store().appointmentTasks.byId(t.company.id, t.task.id))?.status).toBe("done");
    });
  }
});
