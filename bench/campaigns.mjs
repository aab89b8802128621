#!/usr/bin/env node
// Campaign sending rate against the configured throttle: a campaign of N recipients (2,000 by default)
// with throttle T, run through its window and then its batches at simulated instants (one a minute) in
// a private `wrangler dev` on 127.0.0.1 with the sandbox channel (the fake WhatsApp: replies go to its
// outbox). The jobs queue is captured by the bench route, so a simulated minute takes as long as its
// work, not a minute. Prints the configured rate beside the achieved one (messages per simulated
// minute by due_at and by send time) and the D1 statements per recipient, from COST_METER.
// Usage: npm run bench:campaigns -- [--recipients 2000] [--throttle 60] [--port 8823]

import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { executeLocal, freePort, migrateLocal, ROOT, startWranglerDev, stopWrangler, tenantSeedSql, waitForHttp } from "../scripts/dev.mjs";

const { values: opts } = parseArgs({
  options: {
    recipients: { type: "string", default: process.env.BENCH_CAMPAIGN_RECIPIENTS ?? "2000" },
    throttle: { type: "string", default: process.env.BENCH_CAMPAIGN_THROTTLE ?? "60" },
    port: { type: "string", default: process.env.BENCH_CAMPAIGN_PORT ?? "8823" },
  },
});
const N = Number(opts.recipients);
const T = Number(opts.throttle);
if (!Number.isInteger(N) || N < 1 || N > 50_000) throw new Error("--recipients must be 1–50000");
if (!Number.isInteger(T) || T < 1 || T > 120) throw new Error("--throttle must be 1–120");
const TENANT = "bench-campaigns";
const TOKEN = "bench-campaigns-token-0123456789";
const ADMIN = "bench-campaigns-admin-0123456789";
const STATE = path.join(".wrangler", "bench-campaigns-state");
const LOG = path.join(ROOT, ".wrangler", "bench-campaigns-wrangler.log");
const MIN = 60_000;

/** The tenant (never quiet: the bench picks its own instants) and N contacts labelled "bench", written in the last day. */
function seedSql() {
  const now = Date.now();
  const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
  return [
    tenantSeedSql({ slug: TENANT, name: "Clínica Bench", token: TOKEN }),
    `INSERT INTO company_profiles (company_id, profile, updated_at) VALUES (${company}, '{"businessHours":{"quiet":{"start":"00:00","end":"00:00"}}}', ${now}) ON CONFLICT (company_id) DO UPDATE SET profile = excluded.profile;`,
    `INSERT INTO contacts (company_id, phone, name, attributes, last_inbound_at) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${N}) SELECT ${company}, '5511' || printf('%09d', 900000000 + n), 'Contato ' || n, '{"labels":["bench"]}', ${now - 3_600_000} FROM s;`,
  ].join("\n");
}

async function call(base, p, body, token = TOKEN) {
  const res = await fetch(`${base}${p}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Messages per simulated minute, as [minute, count] from the start. */
function perMinute(times, start) {
  const counts = new Map();
  for (const t of times) counts.set(Math.floor((t - start) / MIN), (counts.get(Math.floor((t - start) / MIN)) ?? 0) + 1);
  return [...counts.values()];
}
const stats = (xs) => ({ max: Math.max(...xs), mean: Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10, minutes: xs.length });

async function main() {
  const invoked = process.env.npm_lifecycle_event === "bench:campaigns" ? "npm run bench:campaigns" : "node bench/campaigns.mjs";
  console.log(`$ ${invoked}${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`);
  console.log(`machine: nproc=${os.availableParallelism?.() ?? os.cpus().length} · ${os.cpus()[0]?.model ?? "unknown"} · node ${process.version}`);
  console.log(`settings: ${N} recipients, throttle ${T}/min, sandbox channel, D1 (local)\n`);
  rmSync(path.join(ROOT, STATE), { recursive: true, force: true });
  mkdirSync(path.join(ROOT, ".wrangler"), { recursive: true });
  await migrateLocal({ persistTo: STATE, quiet: true });
  await executeLocal(seedSql(), { persistTo: STATE, quiet: true });
  const port = await freePort(Number(opts.port));
  const base = `http://127.0.0.1:${port}`;
  const child = startWranglerDev({
    port,
    persistTo: STATE,
    output: createWriteStream(LOG),
    extraArgs: ["--log-level", "warn", "--var", "COST_METER:true", `ADMIN_TOKEN:${ADMIN}`, "SECRETS_KEY:bench-campaigns-secrets-key-0123"],
  });
  try {
    await waitForHttp(`${base}/health/live`, child, 120_000);
    const preview = await call(base, "/api/campaigns/preview", { audience: { labels: ["bench"] } });
    const { campaign } = await call(base, "/api/campaigns", {
      name: "Bench",
      type: "reactivation",
      message: "Oi {nome}, tudo bem? — {empresa}",
      audience: { labels: ["bench"] },
      throttle_per_minute: T,
    });
    await call(base, `/api/campaigns/${campaign.id}/schedule`, {});
    const start = Date.now();
    const t0 = performance.now();
    let step = await call(base, "/__bench/campaigns/step", { company: TENANT, campaign_id: campaign.id, at: start });
    const steps = [step];
    // One batch per simulated minute, until the chain ends (completed) or a bound well past N / T.
    for (let minute = 1; step.next && minute <= Math.ceil(N / T) + 5; minute++) {
      step = await call(base, "/__bench/campaigns/step", { company: TENANT, campaign_id: campaign.id, at: start + minute * MIN, job: step.next });
      steps.push(step);
    }
    const wallMs = performance.now() - t0;
    const { schedule } = await call(base, "/__bench/campaigns/step", { company: TENANT, campaign_id: campaign.id, at: 0, read: true });
    const detail = await call(base, `/api/campaigns/${campaign.id}`);
    const sent = schedule.filter((r) => r.status === "sent");
    const byDue = stats(
      perMinute(
        schedule.map((r) => r.dueAt),
        start,
      ),
    );
    const bySend = stats(
      perMinute(
        sent.map((r) => r.sentAt),
        start,
      ),
    );
    const d1 = steps.reduce((n, s) => n + s.d1_statements, 0);
    const first = steps[0];
    console.table([
      { what: "audience (preview)", value: preview.count },
      { what: "recipients sent", value: sent.length },
      { what: "campaign status", value: detail.campaign.status },
      { what: "configured rate (msgs/min)", value: T },
      { what: "achieved by due_at: max / mean per simulated minute", value: `${byDue.max} / ${byDue.mean} over ${byDue.minutes} min` },
      { what: "achieved by send time: max / mean per simulated minute", value: `${bySend.max} / ${bySend.mean} over ${bySend.minutes} min` },
      { what: "batches (window run + queued)", value: steps.length },
      { what: "window run: D1 statements (materialise + first minute)", value: first.d1_statements },
      { what: "D1 statements per recipient (all steps)", value: Math.round((d1 / Math.max(1, sent.length)) * 100) / 100 },
      { what: "wall time for all simulated minutes (s)", value: Math.round(wallMs / 100) / 10 },
    ]);
    const ok = bySend.max <= T && byDue.max <= T && sent.length === preview.count;
    console.log(`\nthrottle kept (no simulated minute above ${T}) and every recipient sent once: ${ok ? "PASS" : "FAIL"}`);
    if (!ok) process.exitCode = 1;
  } finally {
    await stopWrangler(child);
  }
}

await main();
