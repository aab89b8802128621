#!/usr/bin/env node
// Dispatcher benchmark: what one minute tick costs with 1,000 tenants in 10 time zones (local D1 in a
// private `wrangler dev`, COST_METER=true, no queue consumers so nothing else runs): statements and
// round trips, Durable Object calls (must be 0) and queue sends, for quiet minutes vs a top-of-hour
// minute with tenant jobs due, side by side. Usage: npm run bench:jobs -- [--tenants 1000] [--port 8851]

import { createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeBenchConfig } from "./engines.mjs";
import { executeLocal, freePort, migrateLocal, ROOT, startWranglerDev, stopWrangler, waitForHttp } from "../scripts/dev.mjs";

const { values: opts } = parseArgs({
  options: {
    tenants: { type: "string", default: process.env.BENCH_TENANTS ?? "1000" },
    port: { type: "string", default: process.env.BENCH_PORT ?? "8851" },
  },
});
const TENANTS = Number(opts.tenants);
const ZONES = [
  "America/Sao_Paulo",
  "America/New_York",
  "Europe/Lisbon",
  "Europe/Berlin",
  "Asia/Tokyo",
  "Asia/Kolkata",
  "Australia/Sydney",
  "America/Los_Angeles",
  "Africa/Lagos",
  "America/Mexico_City",
];
const PERSIST = path.join(".wrangler", "bench-jobs-state");
const ENV_FILE = path.join(ROOT, ".wrangler", "bench-jobs.env");
const LOG = path.join(ROOT, ".wrangler", "bench-jobs-wrangler.log");

/** `n` active tenants, spread round-robin over the zones. */
function seedSql(n) {
  const zone = `CASE i % ${ZONES.length} ${ZONES.map((z, k) => `WHEN ${k} THEN '${z}'`).join(" ")} END`;
  return `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
    INSERT INTO companies (slug, name, status, time_zone, locale, channel, channel_settings)
    SELECT 'bench-jobs-' || i, 'Bench ' || i, 'active', ${zone}, 'pt-BR', 'sandbox', '{}' FROM n`;
}

async function tick(base, iso, forget = false) {
  const res = await fetch(`${base}/__bench/jobs/tick?time=${Date.parse(iso)}${forget ? "&forget=1" : ""}`, { method: "POST", signal: AbortSignal.timeout(120_000) });
  if (res.status !== 200) throw new Error(`tick ${iso} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function main() {
  const invoked = process.env.npm_lifecycle_event === "bench:jobs" ? "npm run bench:jobs" : "node bench/jobs.mjs";
  console.log(`$ ${invoked}${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`);
  console.log(`machine: nproc=${os.availableParallelism?.() ?? os.cpus().length} · ${os.cpus()[0]?.model ?? "unknown"} · node ${process.version}`);
  console.log(`settings: ${TENANTS} active tenants in ${ZONES.length} zones (${ZONES.join(", ")}), local D1\n`);
  mkdirSync(path.join(ROOT, ".wrangler"), { recursive: true });
  writeFileSync(ENV_FILE, ["ADMIN_TOKEN=bench-admin-token", "META_APP_SECRET=bench", "SECRETS_KEY=bench-secrets-key-0123456789abcdef", "COST_METER=true", ""].join("\n"));
  writeFileSync(LOG, "");
  rmSync(path.join(ROOT, PERSIST), { recursive: true, force: true });
  // No consumers: the queued job runs stay queued, so a tick's counts are the tick's alone.
  const config = writeBenchConfig({ name: "bench-jobs", consumers: false });
  console.log("[bench] migrating and seeding a fresh local D1…");
  await migrateLocal({ persistTo: PERSIST, quiet: true });
  await executeLocal(seedSql(TENANTS), { persistTo: PERSIST, quiet: true });
  const port = await freePort(Number(opts.port));
  const base = `http://127.0.0.1:${port}`;
  const log = createWriteStream(LOG, { flags: "a" });
  const child = startWranglerDev({ port, persistTo: PERSIST, output: log, extraArgs: ["--config", config, "--env-file", ENV_FILE, "--log-level", "warn"] });
  try {
    await waitForHttp(`${base}/health`, child, 120_000);
    // Monday 2026-11-30 (in the past: the runs it queues are not "stuck" to the sweep). 12:59Z primes the cursor and the isolate's zone cache.
    await tick(base, "2026-11-30T12:59:00Z", true);
    const cases = [
      ["13:00Z top of hour (tenant jobs due in 6 zones)", "2026-11-30T13:00:00Z", false],
      ["13:01Z quiet minute (zones re-read)", "2026-11-30T13:01:00Z", true],
      ["13:02Z quiet minute (zones cached)", "2026-11-30T13:02:00Z", false],
      ["13:05Z quiet minute (zones re-read, stuck-run sweep)", "2026-11-30T13:05:00Z", false],
      ["13:00Z again (a doubled trigger)", "2026-11-30T13:00:00Z", false],
    ];
    const rows = [];
    for (const [label, iso, forget] of cases) {
      const r = await tick(base, iso, forget);
      rows.push({
        tick: label,
        executions: r.summary.queued,
        d1_statements: r.costs.d1Statements,
        d1_round_trips: r.costs.d1RoundTrips,
        do_calls: r.costs.doRpc,
        queue_sends: r.costs.queueSendCalls,
        queue_messages: r.costs.queueMessages,
        ms: Math.round(r.ms),
      });
    }
    console.table(rows);
    const top = rows[0];
    const quiet = rows[2];
    const ok = rows.every((r) => r.do_calls === 0) && quiet.d1_statements <= 4;
    console.log(
      `quiet minute: ${quiet.d1_statements} statements, ${quiet.queue_sends} queue send; top of hour: ${top.d1_statements} statements for ${top.executions} executions (one insert), ${top.queue_sends} queue send calls carrying ${top.queue_messages} messages; DO calls ${rows.map((r) => r.do_calls).join("/")} ${ok ? "PASS" : "FAIL"}`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await stopWrangler(child);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
