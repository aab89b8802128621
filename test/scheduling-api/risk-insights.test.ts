import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { recommendationText } from "../../src/scheduling/insights";
import { reasonText } from "../../src/scheduling/reasons";
import { runOptimization } from "../../src/scheduling/service";
import type { RiskFactor } from "../../src/store/types";
import { generateHistory } from "../../src/scheduling/synthetic";
import { DAY_MS } from "../../src/lib/time-zone";
import { nextRun } from "../../src/jobs/schedule";
import { api, contactId, eventually, metricsText, seedCompany, seriesValue, store } from "../support/helpers";
import { sqlCount, sqlRows } from "../support/sql";
import { historyCsv, importCsv, phoneOf } from "./support";

const NOW = Date.now();
const rows = generateHistory({ seed: 11, rows: 4000, contacts: 400, start: NOW - 200 * DAY_MS, days: 195, now: NOW });

/** The contacts with the most and the fewest no-shows (both with a long history). */
function extremes() {
  const by = new Map<string, { n: number; ns: number }>();
  for (const r of rows) {
    if (r.status !== "attended" && r.status !== "no_show") continue;
    const c = by.get(r.contact) ?? { n: 0, ns: 0 };
    c.n++;
    if (r.status === "no_show") c.ns++;
    by.set(r.contact, c);
  }
  const ranked = [...by.entries()].filter(([, c]) => c.n >= 6).sort((a, b) => b[1].ns / b[1].n - a[1].ns / a[1].n);
  return { risky: ranked[0]![0], reliable: ranked[ranked.length - 1]![0] };
}

interface RiskAnswer {
  model: { kind: string; fallback_reason: string | null };
  results: { line: number; external_id: string; no_show_prob: number; reasons: string[]; risk_factors: RiskFactor[]; fallback: boolean }[];
  errors: { line: number; reason: string }[];
}

const upcoming = (id: string, contact: string, extra: Record<string, unknown> = {}) => ({
  external_id: id,
  contact,
  booked_at: new Date(NOW).toISOString(),
  starts_at: new Date(NOW + 3 * DAY_MS).toISOString(),
  ends_at: new Date(NOW + 3 * DAY_MS + 1_800_000).toISOString(),
  reminder_sent: false,
  confirmed: false,
  attr_insurance: "unimed",
  ...extra,
});

describe("POST /api/agenda/risk", () => {
  it("scores upcoming appointments from the tenant's history: a habitual no-show scores higher, with reasons", async () => {
    await seedCompany({ slug: "risk-a" });
    await importCsv("risk-a", historyCsv(rows));
    const { risky, reliable } = extremes();
    const batch = [upcoming("up-1", phoneOf(risky)), upcoming("up-2", phoneOf(reliable)), upcoming("up-3", phoneOf(reliable), { starts_at: "31/02/2027 10:00" })];
    const res = await api("/api/agenda/risk", { method: "POST", tenant: "risk-a", body: JSON.stringify({ appointments: batch }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as RiskAnswer;
    expect(body.model.kind).toBe("logistic");
    const [a, b] = body.results;
    expect(body.results.map((r) => r.external_id)).toEqual(["up-1", "up-2"]);
    expect(a!.no_show_prob).toBeGreaterThan(b!.no_show_prob + 0.1);
    for (const r of body.results) {
      expect(r.no_show_prob).toBeGreaterThan(0);
      expect(r.no_show_prob).toBeLessThan(1);
    }
    expect(a!.reasons.some((r) => /^Faltou em \d+ de \d+ atendimentos anteriores$/.test(r))).toBe(true);
    // The same reasons as codes + params (what the panel words in en/es); the pt-BR text is rendered from them.
    expect(a!.risk_factors.some((f) => f.code === "contact_no_shows" && Number(f.params.no_shows) > 0)).toBe(true);
    for (const r of body.results) expect(r.risk_factors.map(reasonText)).toEqual(r.reasons);
    expect(body.errors).toEqual([{ line: 3, reason: expect.stringMatching(/^starts_at: /) }]);

    // The same appointments as CSV get the same scores.
    const header = Object.keys(batch[0]!);
    const csv = [header.join(","), ...batch.slice(0, 2).map((r) => header.map((k) => String((r as Record<string, unknown>)[k])).join(","))].join("\n");
    const viaCsv = (await (await api("/api/agenda/risk", { method: "POST", tenant: "risk-a", body: csv, headers: { "content-type": "text/csv" } })).json()) as RiskAnswer;
    expect(viaCsv.results.map((r) => r.no_show_prob)).toEqual([a!.no_show_prob, b!.no_show_prob]);
  });

  it("without history falls back to the prior and says so (another tenant's history never counts); bad bodies get one envelope", async () => {
    await seedCompany({ slug: "risk-new" });
    await seedCompany({ slug: "risk-other" });
    await importCsv("risk-other", historyCsv(rows));
    // The other tenant knows this phone well; this tenant does not.
    const res = await api("/api/agenda/risk", { method: "POST", tenant: "risk-new", body: JSON.stringify({ appointments: [upcoming("n-1", phoneOf(extremes().risky))] }) });
    const body = (await res.json()) as RiskAnswer;
    expect(body.model.kind).toBe("prior");
    expect(body.model.fallback_reason).toMatch(/histórico|Histórico/);
    expect(body.results[0]).toMatchObject({ fallback: true, no_show_prob: 0.2, risk_factors: [{ code: "prior_no_history", params: { rate: 0.2 } }] });
    const insights = (await (await api("/api/agenda/insights", { tenant: "risk-new" })).json()) as { slots: unknown[]; model: { kind: string } };
    expect(insights.slots).toEqual([]);
    expect(insights.model.kind).toBe("prior");
    for (const [payload, code] of [
      ["not json", "invalid_json"],
      [JSON.stringify({ appointments: [] }), "invalid_body"],
      [JSON.stringify({ appointments: [{ contact: "5511900000001" }] }), "invalid_columns"],
    ] as const) {
      const bad = await api("/api/agenda/risk", { method: "POST", tenant: "risk-new", body: payload });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it("appointment listings carry a fresh no_show_prob for what is still ahead", async () => {
    await seedCompany({ slug: "risk-list" });
    await importCsv("risk-list", historyCsv(rows));
    expect((await api("/api/agenda/optimize", { method: "POST", tenant: "risk-list" })).status).toBe(200);
    const { risky, reliable } = extremes();
    const slots = ((await (await api("/api/agenda/availability?days=7", { tenant: "risk-list" })).json()) as { slots: { start: string }[] }).slots;
    for (const [i, contact] of [risky, reliable].entries()) {
      const booked = await api("/api/agenda/appointments", { method: "POST", tenant: "risk-list", body: JSON.stringify({ contact: phoneOf(contact), start: slots[i]!.start }) });
      expect(booked.status).toBe(201);
    }
    const probOf = async (contact: string) => {
      const list = (await (
        await api(`/api/agenda/appointments?contact_id=${await contactId("risk-list", phoneOf(contact))}&from=${new Date(NOW).toISOString()}`, { tenant: "risk-list" })
      ).json()) as { appointments: { provider: string; no_show_prob: number | null; risk_reasons: string[]; risk_factors: RiskFactor[] }[] };
      const live = list.appointments.filter((a) => a.provider === "builtin");
      expect(live).toHaveLength(1);
      return live[0]!;
    };
    const a = await probOf(risky);
    const b = await probOf(reliable);
    expect(typeof a.no_show_prob).toBe("number");
    expect(a.no_show_prob!).toBeGreaterThan(b.no_show_prob!);
    expect(a.risk_reasons.length).toBeGreaterThan(0);
    expect(a.risk_factors.map(reasonText)).toEqual(a.risk_reasons);
  });

  it("stored reasons: codes as scored, and a row scored before codes shows its pt-BR text as legacy_text", async () => {
    const c = await seedCompany({ slug: "risk-stored" });
    const slots = ((await (await api("/api/agenda/availability?days=7", { tenant: "risk-stored" })).json()) as { slots: { start: string }[] }).slots;
    const booked = (await (
      await api("/api/agenda/appointments", { method: "POST", tenant: "risk-stored", body: JSON.stringify({ contact: "5511900000077", start: slots[0]!.start }) })
    ).json()) as {
      id: number;
    };
    // Cancelled: listings show the stored score, not a fresh one.
    expect((await api(`/api/agenda/appointments/${booked.id}/cancel`, { method: "POST", tenant: "risk-stored" })).status).toBe(200);
    await sqlRows(`UPDATE appointments SET no_show_prob = 0.5, risk_reasons = ? WHERE company_id = ? AND id = ?`, JSON.stringify(["Lembrete sem resposta"]), c.id, booked.id);
    const old = (await (await api(`/api/agenda/appointments/${booked.id}`, { tenant: "risk-stored" })).json()) as { risk_reasons: string[]; risk_factors: RiskFactor[] };
    expect(old).toMatchObject({ risk_reasons: ["Lembrete sem resposta"], risk_factors: [{ code: "legacy_text", params: { text: "Lembrete sem resposta" } }] });
    await store().scheduling.setRisk(c.id, [{ id: booked.id, prob: 0.6, reasons: [{ code: "lead_days", params: { days: 12 } }] }], Date.now());
    const now = (await (await api(`/api/agenda/appointments/${booked.id}`, { tenant: "risk-stored" })).json()) as { risk_reasons: string[]; risk_factors: RiskFactor[] };
    expect(now).toMatchObject({ risk_reasons: ["Marcado com 12 dias de antecedência"], risk_factors: [{ code: "lead_days", params: { days: 12 } }] });
  });

  it("a listing never trains: before the first analysis it shows the prior and says the model is not trained yet", async () => {
    await seedCompany({ slug: "risk-untrained" });
    const slots = ((await (await api("/api/agenda/availability?days=7", { tenant: "risk-untrained" })).json()) as { slots: { start: string }[] }).slots;
    expect(
      (await api("/api/agenda/appointments", { method: "POST", tenant: "risk-untrained", body: JSON.stringify({ contact: "5511900000042", start: slots[0]!.start }) })).status,
    ).toBe(201);
    const list = (await (await api("/api/agenda/appointments", { tenant: "risk-untrained" })).json()) as { appointments: { no_show_prob: number; risk_reasons: string[] }[] };
    expect(list.appointments[0]).toMatchObject({
      no_show_prob: 0.2,
      risk_reasons: [expect.stringMatching(/^Modelo ainda não treinado/)],
      risk_factors: [{ code: "prior_untrained", params: { rate: 0.2 } }],
    });
    expect(await store().scheduling.latestModel((await store().companies.bySlug("risk-untrained"))!.id)).toBeNull();
  });
});

interface Insights {
  updated_at: string | null;
  recommendations: string[];
  recommendation_factors: RiskFactor[] | null;
  suggested: { label: string; suggested_slot: boolean; attendance_rate: number }[];
  slots: { weekday: string; hour: number; volume: number; attendance_rate: number; label: string }[];
  last_run: { trigger: string } | null;
  model: {
    kind: string;
    evaluation: {
      auc: number;
      heuristic_auc: number;
      brier: number;
      base_rate_brier: number;
      rows: number;
      holdout_rows: number;
      bands: { rows: number; no_shows: number }[];
    } | null;
  } | null;
}

describe("slot insights and the daily run", () => {
  it("POST /api/agenda/optimize analyses 180 days, marks three suggested slots and publishes the model's holdout evaluation", async () => {
    await seedCompany({ slug: "ins" });
    await importCsv("ins", historyCsv(rows));
    // The import queues its own analysis; once it has run, the manual run below is the latest.
    await eventually(async () => {
      const after = (await (await api("/api/agenda/insights", { tenant: "ins" })).json()) as Insights;
      expect(after.last_run?.trigger).toBe("import");
    });
    const run = await api("/api/agenda/optimize", { method: "POST", tenant: "ins" });
    expect(run.status).toBe(200);
    const body = (await (await api("/api/agenda/insights", { tenant: "ins" })).json()) as Insights;
    expect(body.last_run?.trigger).toBe("manual");
    expect(body.suggested).toHaveLength(3);
    for (const s of body.suggested) expect(s.label).toMatch(/^(Segunda|Terça|Quarta|Quinta|Sexta|Sábado|Domingo) · \d{1,2}h-\d{1,2}h$/);
    // Volume is every appointment of the last 180 days that was not cancelled.
    const inWindow = rows.filter((r) => r.startsAt >= NOW - 180 * DAY_MS && r.status !== "cancelled").length;
    expect(body.slots.reduce((s, x) => s + x.volume, 0)).toBe(inWindow);
    for (const r of body.recommendations) expect(r).toMatch(/^(Segundas|Terças|Quartas|Quintas|Sextas|Sábados|Domingos) entre \d+h–\d+h têm \d+% (menos|mais) faltas$/);
    expect(body.recommendation_factors?.map((f) => recommendationText(f, "pt-BR"))).toEqual(body.recommendations);
    for (const f of body.recommendation_factors ?? []) expect(f.code).toMatch(/^window_(fewer|more)$/);
    const ev = body.model?.evaluation;
    expect(body.model?.kind).toBe("logistic");
    expect(ev!.auc).toBeGreaterThan(ev!.heuristic_auc + 0.05);
    expect(ev!.brier).toBeLessThan(ev!.base_rate_brier);
    expect(ev!.holdout_rows).toBeGreaterThan(0);
    expect(ev!.bands.reduce((n, b) => n + b.rows, 0)).toBe(ev!.holdout_rows);

    // Attendance per weekday × hour is exported for the Grafana heatmap.
    const text = await metricsText();
    const slot = body.slots[0]!;
    expect(seriesValue(text, "secretaria_agenda_attendance_rate", { company: "ins", weekday: slot.weekday, hour: String(slot.hour) })).toBeCloseTo(slot.attendance_rate, 3);
    expect(seriesValue(text, "secretaria_agenda_optimization_runs_total", { company: "ins", trigger: "manual" })).toBe(1);
  });

  it("the job table's 02:00 (tenant's zone) window runs the analysis per tenant and never twice within 23 h", async () => {
    const c = await seedCompany({ slug: "cron" });
    await importCsv("cron", historyCsv(rows.slice(0, 500)));
    // The minute trigger at the tenant's next 02:00 (São Paulo): the dispatcher queues its scheduling_analysis.
    const twoAm = nextRun("0 2 * * *", c.timeZone, NOW)!;
    await worker.scheduled(createScheduledController({ scheduledTime: twoAm, cron: "* * * * *" }), env);
    await eventually(async () => {
      const last = await store().scheduling.lastRun(c.id, "done");
      if (last?.trigger !== "cron") throw new Error("no cron run yet");
    }, 30_000);
    // A second trigger the same day (a retried cron, a second schedule) does nothing…
    const company = (await store().companies.byId(c.id))!;
    expect(await runOptimization(env, store(), company, "cron", Date.now())).toMatchObject({ skipped: true });
    // …and the next day's runs.
    const next = await runOptimization(env, store(), company, "cron", Date.now() + 23 * 3_600_000 + 60_000);
    expect("skipped" in next).toBe(false);
    expect(await sqlCount(`SELECT count(*) AS n FROM agenda_optimization_runs WHERE company_id = ? AND trigger = 'cron'`, c.id)).toBe(2);
    expect(seriesValue(await metricsText(), "secretaria_agenda_optimization_runs_total", { company: "cron", trigger: "cron" })).toBe(2);
  });
});
