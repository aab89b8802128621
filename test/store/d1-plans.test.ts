/**
 * The agenda's hot queries (availability, and the overlap check inside a booking or a move) read a
 * range bounded from below: live appointments ending after the window starts, through an index, so
 * their cost follows the appointments still ahead, not every appointment the tenant ever had.
 * Checked with SQLite's EXPLAIN QUERY PLAN on the very statements the store runs.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createD1Store } from "../../src/store/d1";
import { capturing, planOf } from "../support/d1-plans";

/** The plan lines that read the appointments table (the statement's own, and its subqueries'). */
const appointmentReads = (plan: string[]) => plan.filter((d) => /\bappointments\b/.test(d));

describe("agenda queries bounded from below", () => {
  const H = 3_600_000;
  const T = 1_770_000_000_000;

  async function setup() {
    const plain = createD1Store(env.DB);
    const company = await plain.companies.create({ slug: `plans-${crypto.randomUUID().slice(0, 8)}`, name: "Clínica" });
    const contact = await plain.contacts.upsertInbound(company.id, { phone: `5511${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`, at: 1 });
    const { db, seen } = capturing(env.DB);
    return { store: createD1Store(db), seen, companyId: company.id, contactId: contact.id };
  }

  /** Every read of appointments is an index search; the range ones (not a move's own row by id) use ends_at from below. */
  const expectBounded = (plan: string[]) => {
    const reads = appointmentReads(plan);
    for (const line of reads) expect(line).toMatch(/^SEARCH /);
    const ranges = reads.filter((line) => !/PRIMARY KEY \(rowid=\?\)/.test(line));
    expect(ranges.length).toBeGreaterThan(0);
    for (const line of ranges) expect(line).toMatch(/appointments_company_status_ends_idx \(company_id=\? AND status=\? AND ends_at>\?\)/);
  };

  it("availability (busy) searches live appointments ending after the window's start", async () => {
    const { store, seen, companyId } = await setup();
    await store.appointments.busy(companyId, T, T + 24 * H);
    const busy = seen.find((c) => /from "appointments"/.test(c.sql));
    expect(busy).toBeDefined();
    expectBounded(await planOf(busy!));
  });

  it("a booking's and a move's overlap check do the same", async () => {
    const { store, seen, companyId, contactId } = await setup();
    const room = { capacity: 1, bufferMs: 0 };
    const booked = await store.appointments.reserve(
      companyId,
      { contactId, provider: "builtin", bookingUid: `b-${crypto.randomUUID()}`, startsAt: T, endsAt: T + H, source: "whatsapp", bookedAt: T - H },
      room,
    );
    expect(booked?.inserted).toBe(true);
    await store.appointments.move(companyId, booked!.appointment.id, { startsAt: T + 2 * H, endsAt: T + 3 * H, bookingUid: `m-${crypto.randomUUID()}` }, T - H, room);
    const overlapChecks = seen.filter((c) => /SELECT count\(\*\) FROM appointments/.test(c.sql));
    expect(overlapChecks).toHaveLength(2);
    for (const c of overlapChecks) expectBounded(await planOf(c));
  });
});
