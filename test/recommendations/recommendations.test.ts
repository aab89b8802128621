import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { candidates } from "../../src/recommendations/rules";
import { DONE_RETURNS_AFTER_MS, refreshRecommendations, windows } from "../../src/recommendations/refresh";
import { words } from "../../src/recommendations/text";
import type { Company, RecommendationSignals } from "../../src/store/types";
import { api, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";
import { capturing } from "../support/d1-plans";
import { createD1Store } from "../../src/store/d1";
import { asToken, tokenOf } from "../campaigns/support";

const DAY = 86_400_000;
const uid = () => crypto.randomUUID().slice(0, 8);
const phone = () => `55117${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
const QUIET: RecommendationSignals = {
  inbound: { thisWeek: 50, lastWeek: 52 },
  appointments: { thisWeek: 20, lastWeek: 20, noShowsThisWeek: 1, noShowsLastWeek: 1 },
  followups: { total: 10, negative: 1 },
  unconfirmedTomorrow: 0,
  inactive: 0,
  handoffsWaiting: 0,
};

describe("recommendation rules and words", () => {
  it("a healthy tenant gets none; each signal past its threshold gets one, with its figures", () => {
    expect(candidates(QUIET, [{ metric: "messages", used: 500, quota: 1000, percent: 50 }])).toEqual([]);
    const found = candidates(
      {
        inbound: { thisWeek: 20, lastWeek: 50 },
        appointments: { thisWeek: 20, lastWeek: 20, noShowsThisWeek: 6, noShowsLastWeek: 2 },
        followups: { total: 10, negative: 4 },
        unconfirmedTomorrow: 12,
        inactive: 40,
        handoffsWaiting: 2,
      },
      [
        { metric: "messages", used: 920, quota: 1000, percent: 92 },
        { metric: "users", used: 3, quota: null, percent: null },
      ],
    );
    expect(found.map((c) => [c.kind, c.key, c.severity])).toEqual([
      ["churn_risk", "volume_falling", "critical"],
      ["churn_risk", "no_shows_rising", "critical"],
      ["churn_risk", "negative_followups", "warning"],
      ["upgrade", "quota_messages", "warning"],
      ["next_action", "confirm_tomorrow", "info"],
      ["next_action", "reactivate_90d", "info"],
      ["next_action", "handoffs_waiting", "info"],
    ]);
    expect(found[0]?.figures).toEqual({ this_week: 20, last_week: 50, drop_percent: 60 });
    expect(found[1]?.figures).toEqual({ no_shows: 6, appointments: 20, rate_percent: 30, previous_rate_percent: 10 });
  });

  it("speaks the tenant's language with the figures in the sentence", () => {
    const [confirm, reactivate] = candidates({ ...QUIET, unconfirmedTomorrow: 12, inactive: 40 }, []);
    if (!confirm || !reactivate) throw new Error("expected two");
    expect(words("pt-BR", confirm).title).toBe("Confirmar os 12 agendamentos de amanhã sem confirmação");
    expect(words("pt-BR", reactivate).title).toBe("Reativar 40 clientes sem visita há 90 dias");
    expect(words("en", confirm).title).toBe("Confirm the 12 unconfirmed appointments of tomorrow");
    expect(words("es", reactivate).title).toBe("Reactivar 40 clientes sin visita hace 90 días");
    const [one] = candidates({ ...QUIET, unconfirmedTomorrow: 1 }, []);
    if (!one) throw new Error("expected one");
    expect(words("pt-BR", one).body).toBe("1 agendamento de amanhã ainda não foi confirmado. Um lembrete ou uma ligação reduz as faltas.");
  });
});

/** A tenant with `unconfirmed` appointments tomorrow (its clock) and nothing else to say. */
async function tenantWithTomorrow(unconfirmed: number): Promise<Company> {
  const c = await seedCompany({ slug: `rec-${uid()}`, name: "Clínica Recomenda" });
  await addTomorrow(c, unconfirmed);
  return c;
}
async function addTomorrow(c: Company, n: number) {
  for (let i = 0; i < n; i++) {
    const k = await store().contacts.ensure(c.id, phone());
    const startsAt = windows(Date.now(), c.timeZone).tomorrowFrom + 12 * 3_600_000; // tomorrow noon, on the tenant's clock
    await store().appointments.create(c.id, {
      contactId: k.id,
      provider: "builtin",
      bookingUid: `r-${uid()}`,
      startsAt,
      endsAt: startsAt + 1_800_000,
      source: "api",
      bookedAt: Date.now(),
    });
  }
}

describe("recomputing a tenant's recommendations", () => {
  it("creates, updates, expires; a dismissal holds until materially worse; done comes back a day later; each new one published", async () => {
    const c = await tenantWithTomorrow(2);
    const t0 = Date.now();
    const first = await refreshRecommendations(env, store(), c, t0);
    const open = await store().recommendations.list(c.id, { statuses: ["open"], limit: 10 });
    const confirm = open.find((r) => r.key === "confirm_tomorrow");
    expect(first).toMatchObject({ created: open.length, expired: 0 });
    expect(confirm).toMatchObject({ kind: "next_action", status: "open", title: "Confirmar os 2 agendamentos de amanhã sem confirmação", firstSeenAt: t0, notifiedAt: t0 });
    expect(confirm?.evidence).toMatchObject({ appointments: 2, action: "agenda" });

    // Again: the same row, not new, not published again.
    await addTomorrow(c, 1);
    const again = await refreshRecommendations(env, store(), c, t0 + 1_000);
    expect(again.created).toBe(0);
    const updated = await store().recommendations.byId(c.id, confirm?.id ?? 0);
    expect(updated).toMatchObject({ title: "Confirmar os 3 agendamentos de amanhã sem confirmação", firstSeenAt: t0, computedAt: t0 + 1_000 });

    // Dismissed: a small change keeps it dismissed, half again as many reopens it.
    expect((await api(`/api/recommendations/${confirm?.id}/dismiss`, { method: "POST", tenant: c.slug })).status).toBe(200);
    await addTomorrow(c, 1);
    expect((await refreshRecommendations(env, store(), c, t0 + 2_000)).created).toBe(0);
    expect((await store().recommendations.byId(c.id, confirm?.id ?? 0))?.status).toBe("dismissed");
    await addTomorrow(c, 1);
    const reopened = await refreshRecommendations(env, store(), c, t0 + 3_000);
    expect(reopened.created).toBe(1);
    expect(await store().recommendations.byId(c.id, confirm?.id ?? 0)).toMatchObject({
      status: "open",
      firstSeenAt: t0 + 3_000,
      title: "Confirmar os 5 agendamentos de amanhã sem confirmação",
    });

    // Done: still holding the same day, it stays done; a day later it is back.
    expect((await api(`/api/recommendations/${confirm?.id}/done`, { method: "POST", tenant: c.slug })).status).toBe(200);
    const doneAt = (await store().recommendations.byId(c.id, confirm?.id ?? 0))?.dismissedAt ?? 0;
    expect((await refreshRecommendations(env, store(), c, doneAt + 60_000)).created).toBe(0);
    expect((await store().recommendations.byId(c.id, confirm?.id ?? 0))?.status).toBe("done");
    // Marked done a day ago (moving the clock instead would also move "tomorrow" past these appointments).
    await sqlRows("UPDATE recommendations SET dismissed_at = ? WHERE id = ?", doneAt - DONE_RETURNS_AFTER_MS, confirm?.id);
    expect((await refreshRecommendations(env, store(), c, doneAt + 120_000)).created).toBe(1);
    expect((await store().recommendations.byId(c.id, confirm?.id ?? 0))?.status).toBe("open");

    // When it no longer holds (three days on, those appointments are not tomorrow's), it expires.
    const later = await refreshRecommendations(env, store(), c, Date.now() + 3 * DAY);
    expect(later.expired).toBeGreaterThanOrEqual(1);
    expect((await store().recommendations.byId(c.id, confirm?.id ?? 0))?.status).toBe("expired");
  });

  it("costs the same few statements whatever the tenant's size (grouped counts, one upsert)", async () => {
    const measure = async (appointments: number) => {
      const c = await tenantWithTomorrow(appointments);
      await refreshRecommendations(env, store(), c); // the first run creates; the daily one updates
      const counted = capturing(env.DB);
      await refreshRecommendations(env, createD1Store(counted.db), c);
      return counted.seen.length;
    };
    const small = await measure(2);
    const large = await measure(30);
    expect(large).toBe(small);
    // 6 grouped signals, the stored rows, the plan's usage (5), one upsert, nothing to expire.
    expect(small).toBeLessThanOrEqual(14);
  });

  it("routes: list, refresh and dismiss for the tenant only; 409 when not open; viewers read, cannot dismiss", async () => {
    const a = await tenantWithTomorrow(3);
    const b = await seedCompany({ slug: `rec-b-${uid()}` });
    const res = await api("/api/recommendations/refresh", { method: "POST", tenant: a.slug });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { recommendations: { id: number; key: string; title: string; action: string; evidence: Record<string, unknown> }[] };
    const rec = body.recommendations.find((r) => r.key === "confirm_tomorrow");
    expect(rec).toMatchObject({ title: "Confirmar os 3 agendamentos de amanhã sem confirmação", action: "agenda", evidence: { appointments: 3 } });
    expect(rec?.evidence).not.toHaveProperty("magnitude");
    const bToken = await tokenOf(b);
    expect(((await (await asToken(bToken, "/api/recommendations")).json()) as { recommendations: unknown[] }).recommendations).toEqual([]);
    expect((await asToken(bToken, `/api/recommendations/${rec?.id}/dismiss`, { method: "POST" })).status).toBe(404);
    const viewer = await tokenOf(a, ["analytics:read"]);
    expect((await asToken(viewer, "/api/recommendations")).status).toBe(200);
    expect((await asToken(viewer, `/api/recommendations/${rec?.id}/dismiss`, { method: "POST" })).status).toBe(403);
    expect((await asToken(viewer, "/api/recommendations/refresh", { method: "POST" })).status).toBe(403);
    expect((await asToken(await tokenOf(a, ["agenda:write"]), "/api/recommendations")).status).toBe(403);
    expect((await store().recommendations.byId(a.id, rec?.id ?? 0))?.status).toBe("open");
    expect((await api(`/api/recommendations/${rec?.id}/done`, { method: "POST", tenant: a.slug })).status).toBe(200);
    const twice = await api(`/api/recommendations/${rec?.id}/dismiss`, { method: "POST", tenant: a.slug });
    expect(twice.status).toBe(409);
    const done = (await (await api("/api/recommendations?status=done", { tenant: a.slug })).json()) as { recommendations: { id: number }[] };
    expect(done.recommendations.map((r) => r.id)).toEqual([rec?.id]);
    expect((await api("/api/recommendations?status=nope", { tenant: a.slug })).status).toBe(400);
  });
});
