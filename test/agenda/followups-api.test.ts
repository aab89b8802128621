import { describe, expect, it } from "vitest";
import type { Company, FeedbackEvent } from "../../src/store/types";
import { api, seedCompany, store } from "../support/helpers";

const DAY = 86_400_000;
let seq = 0;

/** An attended appointment `daysAgo` days back with its follow-up sent (or still pending), and maybe an answer. */
async function followup(
  company: Company,
  phone: string,
  name: string,
  opts: { daysAgo?: number; pending?: boolean; dead?: boolean; answer?: Pick<FeedbackEvent, "kind" | "score" | "text"> } = {},
) {
  const s = store();
  const now = Date.now();
  const start = now - (opts.daysAgo ?? 2) * DAY;
  const contact = await s.contacts.upsertInbound(company.id, { phone, name, at: start - DAY });
  const { appointment } = await s.appointments.create(company.id, {
    contactId: contact.id,
    provider: "builtin",
    bookingUid: `fu-${company.id}-${++seq}`,
    startsAt: start,
    endsAt: start + 1_800_000,
    source: "api",
    bookedAt: start - 3 * DAY,
  });
  await s.appointments.transition(company.id, appointment.id, ["scheduled"], "attended", start + 1_800_000);
  const [task] = await s.appointmentTasks.ensure(company.id, appointment.id, [{ kind: "followup", offsetMinutes: 0, dueAt: start + DAY }]);
  if (!task) throw new Error("no task");
  if (opts.pending) return { appointment, task };
  const conversation = await s.conversations.open(company.id, contact.id, start);
  const { message } = await s.messages.insertOutbound(company.id, {
    conversationId: conversation.id,
    contactId: contact.id,
    channel: "sandbox",
    clientRef: `task:${task.id}`,
    payload: { kind: "text", text: "Como foi o seu atendimento?" },
    correlationId: `task:${task.id}`,
    author: "system",
    purpose: "followup",
  });
  if (opts.dead) await s.messages.markDead(company.id, message.id, "131026: undeliverable", now);
  await s.appointmentTasks.complete(company.id, task.id, opts.daysAgo && opts.daysAgo > 30 ? start + DAY : now - 60_000, { status: "done", messageId: message.id });
  if (opts.answer) await s.feedback.add(company.id, { appointmentId: appointment.id, contactId: contact.id, ...opts.answer });
  return { appointment, task };
}

interface Answer {
  followups: {
    id: number;
    appointment_id: number;
    appointment_starts_at: string;
    contact: { phone: string; name: string } | null;
    state: string;
    resend: boolean;
    can_resend: boolean;
    answer: { sentiment: string; text: string | null } | null;
  }[];
  summary: {
    days: number;
    sent: number;
    answered: number;
    failed: number;
    response_rate: number | null;
    positive: number;
    neutral: number;
    negative: number;
    average_score: number | null;
  };
}
const list = async (tenant: string, query = "") => (await (await api(`/api/agenda/followups${query}`, { tenant })).json()) as Answer;

describe("GET /api/agenda/followups and resend", () => {
  it("lists each follow-up with its contact, appointment, state and answer, and sums up the last 30 days per appointment", async () => {
    const a = await seedCompany({ slug: "fu-a" });
    const b = await seedCompany({ slug: "fu-b" });
    const happy = await followup(a, "5511900001001", "Ana", { answer: { kind: "followup_positive", score: 0.9, text: "Ótimo, obrigada!" } });
    await followup(a, "5511900001002", "Bruno", { answer: { kind: "followup_negative", score: -0.8, text: "Esperei muito" } });
    const silent = await followup(a, "5511900001003", "Carla");
    await followup(a, "5511900001004", "Davi", { dead: true });
    await followup(a, "5511900001005", "Elisa", { pending: true, daysAgo: 0 });
    // Answered 40 days ago: listed, outside the summary's window.
    await followup(a, "5511900001006", "Fábio", { daysAgo: 45, answer: { kind: "followup_feedback", score: 0, text: "ok" } });

    const all = await list("fu-a");
    const state = (n: string) => all.followups.find((f) => f.contact?.name === n);
    expect(state("Ana")).toMatchObject({
      appointment_id: happy.appointment.id,
      appointment_starts_at: new Date(happy.appointment.startsAt).toISOString(),
      contact: { phone: "5511900001001" },
      state: "answered",
      answer: { sentiment: "positive", text: "Ótimo, obrigada!" },
    });
    expect(state("Bruno")).toMatchObject({ state: "answered", answer: { sentiment: "negative" } });
    expect(state("Carla")).toMatchObject({ state: "unanswered", answer: null, can_resend: true });
    expect(state("Davi")).toMatchObject({ state: "failed", can_resend: true });
    expect(state("Ana")).toMatchObject({ can_resend: false });
    expect(state("Elisa")).toMatchObject({ state: "scheduled" });
    expect(state("Fábio")).toMatchObject({ state: "answered", answer: { sentiment: "neutral" } });
    expect(all.summary).toEqual({ days: 30, sent: 3, answered: 2, failed: 1, response_rate: 2 / 3, positive: 1, neutral: 0, negative: 1, average_score: 0.05 });

    expect((await list("fu-a", "?state=answered")).followups.map((f) => f.contact?.name).sort()).toEqual(["Ana", "Bruno", "Fábio"]);
    const bad = await api("/api/agenda/followups?state=lost", { tenant: "fu-a" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_body");

    // Another tenant sees none of it and cannot resend it.
    expect(await list("fu-b")).toMatchObject({ followups: [], summary: { sent: 0, answered: 0, response_rate: null, average_score: null } });
    const forged = await api(`/api/agenda/followups/${silent.task.id}/resend`, { method: "POST", tenant: "fu-b" });
    expect(forged.status).toBe(404);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect((await store().appointmentTasks.list(b.id, silent.appointment.id)).length).toBe(0);

    // Resend goes out once; the appointment still counts once in the summary.
    const again = await api(`/api/agenda/followups/${silent.task.id}/resend`, { method: "POST", tenant: "fu-a" });
    expect(again.status).toBe(202);
    const twice = await api(`/api/agenda/followups/${silent.task.id}/resend`, { method: "POST", tenant: "fu-a" });
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { error: { code: string } }).error.code).toBe("already_resent");
    const after = await list("fu-a");
    const both = after.followups.filter((f) => f.appointment_id === silent.appointment.id);
    expect(both.map((f) => [f.resend, f.can_resend])).toEqual([
      [true, false],
      [false, false],
    ]);
    // The resend itself is not resent again.
    const resend = both.find((f) => f.id !== silent.task.id);
    const chained = await api(`/api/agenda/followups/${resend?.id}/resend`, { method: "POST", tenant: "fu-a" });
    expect(chained.status).toBe(409);
    expect(after.summary).toMatchObject({ sent: 3, answered: 2 });
  });
});
