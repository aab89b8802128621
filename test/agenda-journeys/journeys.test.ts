import { afterAll, describe, expect, it, vi } from "vitest";
import { postMeta } from "../support/helpers";
import { api, eventually, metricsText, outbox, seedCompany, seriesValue, store } from "../support/helpers";
import { putConfig } from "../support/ai";
import { appointment, appointmentsOf, fireAlarm, freezeClockAtNextMonday, sayAndWait, setClock, waitForReplies } from "./support";

const FAST = { debounceMs: 0, maxTurnWaitMs: 0 };
afterAll(() => vi.useRealTimers());

describe("agenda journeys over WhatsApp", () => {
  it("chat → options → '2' → booked → 24 h reminder → 'confirmo' → 1 h reminder → attended → follow-up → positive answer", async () => {
    const monday = freezeClockAtNextMonday(); // Monday 09:00 in São Paulo
    const c = await seedCompany({ slug: "agd", name: "Clínica Agenda", channelSettings: FAST });
    await putConfig("agd", "templates", { followup: { name: "pesquisa_atendimento", language: "pt_BR", parameters: ["{contact_name}", "{business_name}"] } });
    const phone = "5511987656001";

    const [offer] = await sayAndWait(c.id, "agd", phone, "quero marcar uma consulta na quarta de manhã", 1);
    expect((offer as unknown as { payload: { kind: string; rows: unknown[] } }).payload).toMatchObject({
      kind: "list",
      rows: [{ id: "slot:1" }, { id: "slot:2" }, { id: "slot:3" }],
    });
    expect(offer?.text).toMatch(/^Tenho estes horários disponíveis:\n1\. qua, \d\d\/\d\d às 08:00\n2\. qua, \d\d\/\d\d às 08:30\n3\. /);

    const replies = await sayAndWait(c.id, "agd", phone, "2", 2);
    expect(replies[1]?.text).toMatch(/^Pronto, Maria! Seu horário está marcado para qua, \d\d\/\d\d às 08:30/);
    const [booked] = await appointmentsOf("agd", phone);
    expect(booked).toMatchObject({ status: "scheduled" });
    const start = Date.parse(booked!.starts_at);
    expect(start).toBe(monday + 2 * 24 * 3_600_000 - 30 * 60_000); // Wednesday 08:30 local = 11:30Z
    const tasks = (await appointment("agd", booked!.id)).tasks ?? [];
    expect(tasks.map((t) => [t.kind, t.offset_minutes, Date.parse(t.due_at) - start])).toEqual([
      ["reminder", 1440, -24 * 3_600_000],
      ["reminder", 60, -3_600_000],
      ["no_show_check", 0, 30 * 60_000 + 15 * 60_000],
    ]);

    // The 24 h reminder fires on the tenant's alarm.
    setClock(start - 24 * 3_600_000 + 1_000);
    await fireAlarm(c.id);
    const afterReminder = await waitForReplies("agd", phone, 3);
    expect(afterReminder[2]?.text).toMatch(/Lembrete: sua consulta em Clínica Agenda é amanhã \(qua, \d\d\/\d\d\) às 08:30\. Responda 1 para confirmar/);

    const confirmed = await sayAndWait(c.id, "agd", phone, "confirmo", 4);
    expect(confirmed[3]?.text).toMatch(/Obrigada por confirmar/);
    expect((await appointment("agd", booked!.id)).status).toBe("confirmed");

    setClock(start - 3_600_000 + 1_000);
    await fireAlarm(c.id);
    const oneHour = await waitForReplies("agd", phone, 5);
    expect(oneHour[4]?.text).toMatch(/Lembrete: sua consulta em Clínica Agenda é hoje/);

    // An hour before it starts, its outcome is not known yet: marking it is refused, the status stays.
    for (const action of ["attended", "no-show"]) {
      const early = await api(`/api/agenda/appointments/${booked!.id}/${action}`, { method: "POST", tenant: "agd" });
      expect(early.status).toBe(409);
      expect(((await early.json()) as { error: { code: string } }).error.code).toBe("not_started");
    }
    expect((await appointment("agd", booked!.id)).status).toBe("confirmed");

    setClock(start + 40 * 60_000);
    expect((await api(`/api/agenda/appointments/${booked!.id}/attended`, { method: "POST", tenant: "agd" })).status).toBe(200);
    const afterAttended = (await appointment("agd", booked!.id)).tasks ?? [];
    expect(afterAttended.find((t) => t.kind === "no_show_check")?.status).toBe("cancelled");
    const followup = afterAttended.find((t) => t.kind === "followup");
    // Marked at 09:10 local with the 2 h delay: not before 11:10, so in the 16:00 follow-up window (Wednesday).
    expect(Date.parse(followup!.due_at)).toBe(start + 7.5 * 3_600_000);

    setClock(Date.parse(followup!.due_at) + 1_000);
    await fireAlarm(c.id);
    const withFollowup = await waitForReplies("agd", phone, 6);
    // More than 24 h after the contact last wrote: the follow-up goes as the approved template.
    expect((withFollowup[5] as unknown as { payload: { kind: string; name: string } }).payload).toMatchObject({ kind: "template", name: "pesquisa_atendimento" });

    const answered = await sayAndWait(c.id, "agd", phone, "foi ótimo, gostei muito do atendimento!", 7);
    expect(answered[6]?.text).toMatch(/Que bom saber disso/);
    const feedback = await store().feedback.list(c.id, { appointmentId: booked!.id, limit: 5 });
    expect(feedback[0]).toMatchObject({ kind: "followup_positive", text: "foi ótimo, gostei muito do atendimento!" });
    expect(feedback[0]!.score).toBeGreaterThan(0);

    const m = await metricsText();
    const v = (name: string, labels: Record<string, string> = {}) => seriesValue(m, name, { company: "agd", ...labels });
    expect(v("secretaria_appointments_created_total", { source: "whatsapp" })).toBe(1);
    expect(v("secretaria_appointments_confirmed_total")).toBe(1);
    expect(v("secretaria_appointments_reminders_sent_total", { offset: "1440" })).toBe(1);
    expect(v("secretaria_appointments_reminders_sent_total", { offset: "60" })).toBe(1);
    expect(v("secretaria_appointments_attended_total")).toBe(1);
    expect(v("secretaria_appointments_followups_sent_total")).toBe(1);
    expect(v("secretaria_appointments_followups_positive_total")).toBe(1);
    expect(v("secretaria_appointments_booking_latency_seconds_count", { provider: "builtin" })).toBe(1);

    // Firing the alarm again changes nothing: each task ran once.
    await fireAlarm(c.id);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await outbox("agd", phone)).toHaveLength(7);
    // Seven turns through two queues: a few seconds with the tests' 0.2 s batches, longer on a loaded
    // machine, so this journey gets its own bound.
  }, 90_000);

  it("tapping a row of the interactive list (Meta list_reply) books that slot", async () => {
    freezeClockAtNextMonday();
    const c = await seedCompany({ slug: "agd-tap", metaPhoneNumberId: "100000000000901", channelSettings: FAST });
    const phone = "5511987656004";
    await sayAndWait(c.id, "agd-tap", phone, "quero marcar uma consulta na sexta à tarde", 1);
    const tap = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "1", phone_number_id: "100000000000901" },
                contacts: [{ profile: { name: "Maria Souza" }, wa_id: phone }],
                messages: [
                  {
                    from: phone,
                    id: "wamid.TAP0001",
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: "interactive",
                    interactive: { type: "list_reply", list_reply: { id: "slot:3", title: "Opção 3", description: "sex" } },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    expect((await postMeta(tap)).status).toBe(200);
    await fireAlarm(c.id);
    const replies = await waitForReplies("agd-tap", phone, 2);
    expect(replies[1]?.text).toMatch(/marcado para sex, \d\d\/\d\d às 14:00/); // third afternoon slot: 13:00, 13:30, 14:00
  });

  it("a booked appointment nobody attends becomes a no-show with feedback and a rebooking offer", async () => {
    const monday = freezeClockAtNextMonday();
    const c = await seedCompany({ slug: "agd-ns", channelSettings: FAST });
    await putConfig("agd-ns", "templates", { reactivation: { name: "remarcar_consulta", language: "pt_BR", parameters: ["{text}"] } });
    const start = new Date(monday + 24 * 3_600_000 + 5 * 3_600_000).toISOString(); // Tuesday 14:00 local
    const res = await api("/api/agenda/appointments", {
      method: "POST",
      tenant: "agd-ns",
      headers: { "idempotency-key": "ns-1" },
      body: JSON.stringify({ contact: "+55 11 98765-6002", name: "João", start }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: number; ends_at: string };
    // A retried call with the same Idempotency-Key books nothing new.
    const again = await api("/api/agenda/appointments", {
      method: "POST",
      tenant: "agd-ns",
      headers: { "idempotency-key": "ns-1" },
      body: JSON.stringify({ contact: "+55 11 98765-6002", start }),
    });
    expect(((await again.json()) as { id: number }).id).toBe(created.id);

    setClock(Date.parse(created.ends_at) + 15 * 60_000 + 1_000);
    await fireAlarm(c.id);
    const [offer] = await eventually(async () => {
      const r = (await outbox("agd-ns", "5511987656002")).filter((m) => m.status === "accepted");
      expect(r).toHaveLength(1);
      return r;
    }, 20_000);
    expect((offer as unknown as { payload: { parameters: string[] } }).payload.parameters[0]).toMatch(/Sentimos sua falta/);
    expect((await appointment("agd-ns", created.id)).status).toBe("no_show");
    const [fb] = await store().feedback.list(c.id, { appointmentId: created.id, limit: 1 });
    expect(fb).toMatchObject({ kind: "no_show", text: "Cliente não compareceu", score: -1 });
    expect(seriesValue(await metricsText(), "secretaria_appointments_no_shows_total", { company: "agd-ns" })).toBe(1);
  });

  it("reschedule and cancel from the chat move and cancel the reminders", async () => {
    const monday = freezeClockAtNextMonday();
    const c = await seedCompany({ slug: "agd-rc", channelSettings: FAST });
    const phone = "5511987656003";
    const start = new Date(monday + 2 * 24 * 3_600_000 + 6 * 3_600_000).toISOString(); // Wednesday 15:00 local
    await api("/api/agenda/appointments", { method: "POST", tenant: "agd-rc", body: JSON.stringify({ contact: phone, name: "Ana", start }) });
    await sayAndWait(c.id, "agd-rc", phone, "Oi", 1);
    const offer = await sayAndWait(c.id, "agd-rc", phone, "preciso remarcar para quinta à tarde", 2);
    expect(offer[1]?.text).toMatch(/Vamos remarcar sua consulta de .*qua.* às 15:00\. Tenho estes horários:\n1\. qui, \d\d\/\d\d às 13:00/);
    const moved = await sayAndWait(c.id, "agd-rc", phone, "1", 3);
    expect(moved[2]?.text).toMatch(/remarcada para qui, \d\d\/\d\d às 13:00/);
    const [appt] = await appointmentsOf("agd-rc", phone);
    const tasks = (await appointment("agd-rc", appt!.id)).tasks ?? [];
    const pending = tasks.filter((t) => t.status === "pending");
    expect(pending.find((t) => t.offset_minutes === 60)?.due_at).toBe(new Date(Date.parse(appt!.starts_at) - 3_600_000).toISOString());

    const cancelled = await sayAndWait(c.id, "agd-rc", phone, "quero cancelar minha consulta", 4);
    expect(cancelled[3]?.text).toMatch(/foi cancelada/);
    const after = await appointment("agd-rc", appt!.id);
    expect(after.status).toBe("cancelled");
    expect(after.tasks?.every((t) => t.status === "cancelled")).toBe(true);
  });
});
