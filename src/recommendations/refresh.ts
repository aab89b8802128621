/**
 * Recomputes one tenant's recommendations: a handful of grouped counts (store.recommendations.signals)
 * and the plan's usage, the rules, then one upsert by (kind, key) and one expiry update. An open one
 * that no longer holds expires; a dismissed one stays dismissed until it is materially worse; a done
 * one comes back only if it still holds a day later; a new (or returning) one is published as
 * `recommendation.created`, which the tenant's webhooks deliver.
 */
import { billingSummary } from "../billing/summary";
import { resolveLocale } from "../conversation/templates";
import { publish } from "../events/publish";
import { METRICS } from "../metrics/catalogue";
import { recordMetrics } from "../tenants/stubs";
import { businessEvent } from "../events/types";
import { addDays, DAY_MS, zonedParts, zonedTimeToUtc } from "../lib/time-zone";
import type { Company, Recommendation, RecommendationWrite, Severity, SignalWindows, Store } from "../store/types";
import { type Candidate, candidates, materiallyWorse, type QuotaUse } from "./rules";
import { words } from "./text";

/** A done recommendation that still holds this long after is shown again (the action did not settle it). */
export const DONE_RETURNS_AFTER_MS = 20 * 3_600_000;

export function windows(now: number, timeZone: string): SignalWindows {
  const today = zonedParts(now, timeZone).date;
  const midnight = (d: string) => (zonedTimeToUtc(d, "00:00", timeZone) ?? zonedTimeToUtc(d, "01:00", timeZone) ?? new Date(Date.parse(`${d}T00:00:00Z`))).getTime();
  return {
    now,
    weekAgo: now - 7 * DAY_MS,
    twoWeeksAgo: now - 14 * DAY_MS,
    tomorrowFrom: midnight(addDays(today, 1)),
    tomorrowTo: midnight(addDays(today, 2)),
    inactiveBefore: now - 90 * DAY_MS,
  };
}

const magnitudeOf = (r: Recommendation) => Number(r.evidence.magnitude ?? 0);

/** What to write for each candidate given what is stored (null: leave the stored row as it is). */
export function reconcile(found: readonly Candidate[], stored: readonly Recommendation[], now: number, locale: ReturnType<typeof resolveLocale>) {
  const byKey = new Map(stored.map((r) => [`${r.kind}:${r.key}`, r]));
  const writes: RecommendationWrite[] = [];
  for (const c of found) {
    const old = byKey.get(`${c.kind}:${c.key}`);
    const keep = old?.status === "open";
    if (old?.status === "dismissed" && !materiallyWorse(c, { severity: old.severity as Severity, magnitude: magnitudeOf(old) })) continue;
    if (old?.status === "done" && now - (old.dismissedAt ?? 0) < DONE_RETURNS_AFTER_MS) continue;
    writes.push({
      kind: c.kind,
      key: c.key,
      severity: c.severity,
      ...words(locale, c),
      evidence: { ...c.figures, magnitude: c.magnitude, action: c.action },
      status: "open",
      firstSeenAt: keep && old ? old.firstSeenAt : now,
      dismissedAt: null,
    });
  }
  const holding = new Set(found.map((c) => `${c.kind}:${c.key}`));
  const expire = stored.filter((r) => r.status === "open" && !holding.has(`${r.kind}:${r.key}`)).map((r) => r.id);
  return { writes, expire };
}

async function quotas(env: Env, store: Store, company: Company, now: number): Promise<QuotaUse[]> {
  const summary = await billingSummary(env, store, company, now);
  return Object.entries(summary.usage).map(([metric, u]) => ({ metric, used: u.used, quota: u.quota, percent: u.percent }));
}

export async function refreshRecommendations(env: Env, store: Store, company: Company, now = Date.now()) {
  const [signals, stored, usage] = await Promise.all([
    store.recommendations.signals(company.id, windows(now, company.timeZone)),
    store.recommendations.all(company.id),
    quotas(env, store, company, now),
  ]);
  const { writes, expire } = reconcile(candidates(signals, usage), stored, now, resolveLocale(company.locale));
  const [written, expired] = await Promise.all([store.recommendations.write(company.id, writes, now), store.recommendations.expire(company.id, expire, now)]);
  // New, or back after expiring / being dismissed / done: a first_seen_at of this run.
  const created = written.filter((r) => r.firstSeenAt === now);
  if (created.length) {
    await publish(
      env,
      store,
      created.map((r) =>
        businessEvent(
          "recommendation.created",
          company.id,
          `${r.id}:${r.firstSeenAt}`,
          { recommendation_id: r.id, kind: r.kind, key: r.key, severity: r.severity, title: r.title },
          now,
        ),
      ),
    );
    const byKind = new Map<string, number>();
    for (const r of created) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
    await recordMetrics(
      env,
      company.id,
      [...byKind].map(([kind, inc]) => ({ metric: METRICS.recommendationsCreated.name, labels: { kind }, inc })),
    );
    await store.recommendations.notified(
      company.id,
      created.map((r) => r.id),
      now,
    );
  }
  return { open: written.length, created: created.length, expired };
}
