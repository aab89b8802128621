import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { api, contactId, eventually, outbox, type OutboxMessage } from "../support/helpers";
import { sandboxSay } from "../support/ai";

/**
 * Agenda journeys run on a frozen clock in the future: the Worker, the tenant's Durable Object and
 * the queue consumers share this isolate, so they all see it. Alarms set for that future never fire
 * on their own; the test fires them with runDurableObjectAlarm after moving the clock, instead of sleeping.
 */
export function freezeClockAtNextMonday(hourUtc = 12): number {
  const d = new Date(Date.now() + 7 * 24 * 3_600_000);
  d.setUTCHours(hourUtc, 0, 0, 0);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(d);
  return d.getTime();
}

export const setClock = (ms: number) => vi.setSystemTime(new Date(ms));

export const tenantOf = (companyId: number) => env.TENANT.get(env.TENANT.idFromName(`company:${companyId}`));

/** Runs the tenant's alarm now (turn dispatch, due appointment tasks). */
export async function fireAlarm(companyId: number): Promise<void> {
  await runDurableObjectAlarm(tenantOf(companyId));
}

/** The contact writes; its turn is dispatched at once; resolves with the outbox once it has `expected` accepted replies. */
export async function sayAndWait(companyId: number, slug: string, phone: string, text: string, expected: number): Promise<OutboxMessage[]> {
  await sandboxSay(slug, phone, text);
  await fireAlarm(companyId);
  return waitForReplies(slug, phone, expected);
}

export const waitForReplies = (slug: string, phone: string, expected: number) =>
  eventually(async () => {
    const r = (await outbox(slug, phone)).filter((m) => m.status === "accepted");
    if (r.length < expected) throw new Error(`${r.length}/${expected} replies`);
    return r;
  }, 20_000);

export interface AppointmentView {
  id: number;
  status: string;
  starts_at: string;
  ends_at: string;
  booking_uid: string;
  tasks?: { id: number; kind: string; offset_minutes: number; due_at: string; status: string }[];
}

export async function appointmentsOf(slug: string, phone: string): Promise<AppointmentView[]> {
  const id = await contactId(slug, phone);
  if (id === null) return [];
  const res = await api(`/api/agenda/appointments?contact_id=${id}`, { tenant: slug });
  return ((await res.json()) as { appointments: AppointmentView[] }).appointments;
}

export async function appointment(slug: string, id: number): Promise<AppointmentView> {
  return (await (await api(`/api/agenda/appointments/${id}`, { tenant: slug })).json()) as AppointmentView;
}
