/**
 * A/B outcomes joined from the real pipeline: a message from an assigned contact after a send (replied),
 * a confirmation, a booking, an opt-out. On the message path: a tenant with no running test costs no
 * statement (its running tests come from the tenant cache the inbound consumer has just filled).
 */
import type { Subscriber } from "../events/subscriber";
import type { AnyBusinessEvent, EventType } from "../events/types";
import type { AbEventKind, AbEventRow, Store } from "../store/types";
import { METRICS } from "../metrics/catalogue";
import type { MetricEvent } from "../metrics/sql-metrics";
import { recordMetrics } from "../tenants/stubs";
import { loadTenant } from "../tenants/tenant-cache";

const OUTCOME: Partial<Record<EventType, AbEventKind>> = {
  "message.received": "replied",
  "appointment.confirmed": "confirmed",
  "appointment.booked": "booked",
  "contact.opted_out": "opted_out",
};

const contactOf = (e: AnyBusinessEvent): number | null => ("contact_id" in e.data ? e.data.contact_id : null);

/** A/B outcomes: a contact with a variant replied, confirmed, booked or opted out. */
export const abOutcomes: Subscriber = {
  name: "ab_outcomes",
  async handle(env: Env, store: Store, events: readonly AnyBusinessEvent[]): Promise<void> {
    const relevant = events.filter((e) => OUTCOME[e.type] !== undefined && contactOf(e) !== null);
    const companyId = relevant[0]?.companyId;
    if (companyId === undefined) return;
    const running = (await loadTenant(store, companyId))?.profile.experiments.running ?? [];
    if (running.length === 0) return;
    const contactIds = [...new Set(relevant.map(contactOf).filter((c): c is number => c !== null))];
    const assigned = await store.abTests.assignments(
      companyId,
      running.map((r) => r.id),
      contactIds,
    );
    // Only what happens after the contact's first send of the test counts (the send caused it, or could have).
    const rows: AbEventRow[] = relevant.flatMap((e) =>
      assigned
        .filter((a) => a.contactId === contactOf(e) && a.firstSentAt !== null && a.firstSentAt <= e.at)
        .map((a) => ({ testId: a.testId, contactId: a.contactId, variant: a.variant, event: OUTCOME[e.type] as AbEventKind, ref: e.id, at: e.at })),
    );
    // Counted per kind only when a test was running and the rows were new (the insert says which were).
    const metrics: MetricEvent[] = [];
    for (const event of new Set(rows.map((r) => r.event))) {
      const added = await store.abTests.record(
        companyId,
        rows.filter((r) => r.event === event),
      );
      if (added) metrics.push({ metric: METRICS.abEvents.name, labels: { event }, inc: added });
    }
    await recordMetrics(env, companyId, metrics);
  },
};
