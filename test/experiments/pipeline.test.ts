/**
 * A/B outcomes from the real pipeline: a reminder goes out through the running test's variant, the
 * contact's answer (message.received) and confirmation (appointment.confirmed) are counted once each,
 * however often the events are delivered; a tenant with no running test costs the message path nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runAppointmentTask } from "../../src/agenda/service";
import { publish } from "../../src/events/publish";
import { appointmentData, businessEvent } from "../../src/events/types";
import { abOutcomes } from "../../src/experiments/subscriber";
import { agendaText, recordSent } from "../../src/experiments/send";
import { createD1Store } from "../../src/store/d1";
import { loadTenant } from "../../src/tenants/tenant-cache";
import { capturing } from "../support/d1-plans";
import { api, metricsText, seedCompany, seriesValue, store } from "../support/helpers";
import { sayAndWait, waitForReplies } from "../agenda-journeys/support";

const FAST = { debounceMs: 0, maxTurnWaitMs: 0 };
const uid = () => crypto.randomUUID().slice(0, 8);
const VARIANTS = [
  { key: "atual", label: "Atual", text: "Olá{name}! Lembrete: sua consulta em {business} é {slot}. Responda 1 para confirmar." },
  { key: "curta", label: "Curta", text: "Sua consulta é {slot}{name}. Responda 1 para confirmar." },
];

async function runningTest(slug: string) {
  const res = await api("/api/abtests", {
    method: "POST",
    tenant: slug,
    body: JSON.stringify({ name: "Lembrete curto", target: "purpose:reminder", goal: "confirmed", variants: VARIANTS }),
  });
  const { test } = (await res.json()) as { test: { id: number } };
  expect((await api(`/api/abtests/${test.id}/start`, { method: "POST", tenant: slug })).status).toBe(200);
  return test.id;
}

const results = async (slug: string, id: number) =>
  ((await (await api(`/api/abtests/${id}`, { tenant: slug })).json()) as { results: { variants: { variant: string; counts: Record<string, number> }[] } }).results.variants;

describe("A/B outcomes joined from the pipeline", () => {
  it("the reminder goes as the contact's variant; reply and confirmation count once, redelivered or not", async () => {
    const c = await seedCompany({ slug: `ab-pipe-${uid()}`, name: "Clínica Teste A/B", channelSettings: FAST });
    const phone = `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
    await sayAndWait(c.id, c.slug, phone, "oi, bom dia", 1);
    const contact = await store().contacts.byPhone(c.id, phone);
    if (!contact) throw new Error("no contact");
    const testId = await runningTest(c.slug);
    const startsAt = Date.now() + 26 * 3_600_000;
    const { appointment } = await store().appointments.create(c.id, {
      contactId: contact.id,
      provider: "builtin",
      bookingUid: `ab-${uid()}`,
      startsAt,
      endsAt: startsAt + 1_800_000,
      source: "api",
      bookedAt: Date.now(),
    });
    const [task] = await store().appointmentTasks.ensure(c.id, appointment.id, [{ kind: "reminder", offsetMinutes: 1440, dueAt: Date.now() }]);
    if (!task) throw new Error("no task");
    await runAppointmentTask(env, store(), c.id, task.id);
    await runAppointmentTask(env, store(), c.id, task.id); // a redelivered job sends nothing more
    const [, reminder] = await waitForReplies(c.slug, phone, 2);
    const variant = await store().abTests.assignment(c.id, testId, contact.id);
    const shape = variant === "curta" ? /^Sua consulta é .+, Maria\. Responda 1 para confirmar\.$/ : /^Olá, Maria! Lembrete: sua consulta em Clínica Teste A\/B é .+\. Responda 1/;
    expect(reminder?.text).toMatch(shape);

    await sayAndWait(c.id, c.slug, phone, "confirmo", 3);
    expect((await store().appointments.byId(c.id, appointment.id))?.status).toBe("confirmed");
    const other = VARIANTS.find((v) => v.key !== variant)?.key;
    const expected = [
      { variant, counts: { sent: 1, replied: 1, confirmed: 1, booked: 0, opted_out: 0 } },
      { variant: other, counts: { sent: 0, replied: 0, confirmed: 0, booked: 0, opted_out: 0 } },
    ].sort((a, b) => VARIANTS.findIndex((v) => v.key === a.variant) - VARIANTS.findIndex((v) => v.key === b.variant));
    expect((await results(c.slug, testId)).map((v) => ({ variant: v.variant, counts: v.counts }))).toEqual(expected);

    // The same events again (a retried step publishes the same ids): nothing more is counted.
    const inbound = (await store().messages.listByContact(c.id, contact.id, { direction: "in", limit: 10 })).find((m) => m.body === "confirmo");
    const confirmed = await store().appointments.byId(c.id, appointment.id);
    if (!inbound?.providerMessageId || !confirmed) throw new Error("no inbound message");
    await publish(env, store(), [
      businessEvent("message.received", c.id, inbound.providerMessageId, {
        message_id: inbound.id,
        conversation_id: inbound.conversationId,
        contact_id: contact.id,
        channel: "sandbox",
        type: "text",
        text: "confirmo",
      }),
      businessEvent("appointment.confirmed", c.id, confirmed.id, appointmentData(confirmed)),
    ]);
    expect((await results(c.slug, testId)).map((v) => ({ variant: v.variant, counts: v.counts }))).toEqual(expected);
    const m = await metricsText();
    for (const event of ["sent", "replied", "confirmed"]) expect(seriesValue(m, "secretaria_ab_events_total", { company: c.slug, event })).toBe(1);
  });

  it("a tenant with no running test: message.received costs zero statements and zero queue sends", async () => {
    const c = await seedCompany({ slug: `ab-zero-${uid()}` });
    const k = await store().contacts.ensure(c.id, `55118${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`);
    const events = Array.from({ length: 20 }, (_, i) =>
      businessEvent("message.received", c.id, `wamid.zero.${c.id}.${i}`, { message_id: null, conversation_id: 1, contact_id: k.id, channel: "sandbox", type: "text", text: "oi" }),
    );
    // As on the message path: the consumer has just loaded the tenant (and its profile) into the cache.
    await loadTenant(store(), c.id);
    const counted = capturing(env.DB);
    const sends: unknown[] = [];
    const queue = { send: async (m: unknown) => void sends.push(m), sendBatch: async (m: unknown) => void sends.push(m) };
    const spyEnv = { ...env, OUTBOUND: queue, JOBS: queue, INBOUND: queue } as unknown as Env;
    await abOutcomes.handle(spyEnv, createD1Store(counted.db), events);
    expect(counted.seen).toEqual([]);
    expect(sends).toEqual([]);

    // The same with a running test reads the assignments: the count above is not zero by accident.
    const testId = await runningTest(c.slug);
    await loadTenant(store(), c.id);
    await store().abTests.assign(c.id, testId, k.id, "atual", Date.now() - 10_000);
    await store().abTests.record(c.id, [{ testId, contactId: k.id, variant: "atual", event: "sent", ref: "task:zero", at: Date.now() - 10_000 }]);
    await abOutcomes.handle(spyEnv, createD1Store(counted.db), events);
    // One read of the assignments, then 20 replied rows in two inserts (14 rows per statement).
    expect(counted.seen.length).toBe(3);
    expect(sends).toEqual([]);
    expect((await store().abTests.counts(c.id, testId)).find((r) => r.event === "replied")?.contacts).toBe(1);
  });

  it("a send costs nothing without a running test, 5 statements for a contact's first draw and 3 after", async () => {
    const c = await seedCompany({ slug: `ab-cost-${uid()}` });
    const k = await store().contacts.ensure(c.id, `55116${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`);
    const counted = capturing(env.DB);
    const s = createD1Store(counted.db);
    const send = async (ref: string) => {
      const profile = (await loadTenant(store(), c.id))?.profile;
      if (!profile) throw new Error("no tenant");
      const before = counted.seen.length;
      const { pick } = await agendaText(s, c.id, profile, "reminder", "pt-BR", k.id, { slot: "amanhã às 10:00" });
      if (pick) await recordSent(env, s, c.id, pick, k.id, ref);
      return counted.seen.length - before;
    };
    expect(await send("task:c1")).toBe(0);
    await runningTest(c.slug);
    expect(await send("task:c2")).toBe(5);
    expect(await send("task:c3")).toBe(3);
  });
});
