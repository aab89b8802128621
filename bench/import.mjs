#!/usr/bin/env node
// Scheduling intelligence through the Worker: the appointment-history CSV import (streamed upload,
// per-row validation, upserts 500 at a time) and the in-Worker analysis + training
// (`POST /api/agenda/optimize`), measured against a private `wrangler dev` on 127.0.0.1, on each
// store engine (D1, Postgres through a local Hyperdrive) in turn. A small size (5k) and a large one
// (100k) run side by side in one run, so the ratios between them mean something even on a busy
// machine. See bench/README.md. Usage:
//   npx node bench/import.mjs [--engines d1,postgres] [--rows 100000] [--small 5000] [--port 8798] [--seed 42]
//                             [--import-timeout 900] [--run-timeout 900] [--keep-csv]

import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { historyCsv, loadGenerator } from "../scripts/synthetic-csv.mjs";
import { chooseEngines, describeMachine, machineInfo, freshPostgresDatabase, seedTenantPg, withPg, writeBenchConfig } from "./engines.mjs";
import { fmt, printSummary } from "./import-report.mjs";
import { measuredSteps } from "./import-steps.mjs";
import { ADMIN_TOKEN, request, stepMeter } from "./import-support.mjs";
import { executeLocal, freePort, migrateLocal, parseEnvFile, ROOT, runWrangler, startWranglerDev, stopWrangler, tenantSeedSql, waitForHttp } from "../scripts/dev.mjs";

const { values: opts } = parseArgs({
  options: {
    rows: { type: "string", default: process.env.BENCH_IMPORT_ROWS ?? "100000" },
    small: { type: "string", default: process.env.BENCH_IMPORT_SMALL ?? "5000" },
    port: { type: "string", default: process.env.BENCH_IMPORT_PORT ?? "8798" },
    // d1, postgres or both (the default; D1 alone when no Postgres answers). Each gets its own fresh state.
    engines: { type: "string", default: process.env.BENCH_ENGINES },
    seed: { type: "string", default: "42" },
    "import-timeout": { type: "string", default: "900" },
    "run-timeout": { type: "string", default: "900" },
    "keep-csv": { type: "boolean", default: false },
  },
});
const ROWS = Number(opts.rows);
const SMALL = Number(opts.small);
const SEED = Number(opts.seed);
const IMPORT_TIMEOUT_MS = Number(opts["import-timeout"]) * 1000;
const RUN_TIMEOUT_MS = Number(opts["run-timeout"]) * 1000;
const { scenario, waitForBackgroundRun } = measuredSteps({ importTimeoutMs: IMPORT_TIMEOUT_MS, runTimeoutMs: RUN_TIMEOUT_MS });
for (const [k, v] of Object.entries({ rows: ROWS, small: SMALL, seed: SEED })) if (!Number.isInteger(v) || v < 0) throw new Error(`--${k} must be a whole number`);

const TENANT = "bench-import";
const TENANT_SMALL = "bench-import-small";
const TENANT_WARM = "bench-import-warmup";
const WARM_ROWS = 1000;
const STATE_DIR = path.join(".wrangler", "bench-import-state"); // relative to ROOT: wrangler runs with cwd ROOT; one per engine
const PG_DATABASE = "secretaria_bench_import"; // dropped, created and migrated by every run; never another database
const BUILD_DIR = path.join(".wrangler", "bench-import-build");
const ENV_FILE = path.join(ROOT, ".wrangler", "bench-import.env");
const WRANGLER_LOG = path.join(ROOT, ".wrangler", "bench-import-wrangler.log");
const RESULTS_DIR = path.join(ROOT, "bench", "results");
const DAY = 86_400_000;
const HISTORY_DAYS = 540;

const example = parseEnvFile(path.join(ROOT, ".dev.vars.example"));
const round = (n, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);
const mb = (bytes) => bytes / 2 ** 20;

// ---------------------------------------------------------------------------------------------
// Synthetic history → CSV (same generator and column layout as test/scheduling-api/support.ts).

/** Generates `rows` appointments over the last 540 days ending `now` and writes their CSV to the temp dir. */
function writeCsv(generateHistory, { rows, now, prefix, dir }) {
  const t0 = performance.now();
  const history = generateHistory({ seed: SEED, rows, contacts: Math.max(10, Math.round(rows / 10)), start: now - HISTORY_DAYS * DAY, days: HISTORY_DAYS, now });
  const csv = historyCsv(history, prefix);
  const file = path.join(dir, `${prefix}-${rows}.csv`);
  writeFileSync(file, csv);
  const statuses = {};
  for (const r of history) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return {
    file,
    requested: rows,
    rows: history.length,
    bytes: statSync(file).size,
    contacts: new Set(history.map((r) => r.contact)).size,
    statuses,
    generate_ms: Math.round(performance.now() - t0),
  };
}

/** After wrangler stopped: what the store holds (rows per tenant, every analysis run with its duration and error). */
async function storeFacts(target) {
  if (target.engine === "postgres")
    return withPg(target.pgUrl, (client) =>
      client.unsafe(`SELECT c.slug, (SELECT count(*) FROM appointments a WHERE a.company_id = c.id)::int AS appointments,
        (SELECT count(*) FROM appointments a WHERE a.company_id = c.id AND a.source = 'import')::int AS imported,
        (SELECT count(*) FROM contacts k WHERE k.company_id = c.id)::int AS contacts,
        (SELECT coalesce(json_agg(json_build_object('id', r.id, 'trigger', r.trigger, 'status', r.status, 'ms', r.finished_at - r.started_at, 'error', r.detail->>'error') ORDER BY r.id), '[]') FROM agenda_optimization_runs r WHERE r.company_id = c.id) AS runs
        FROM companies c WHERE c.slug LIKE 'bench-import%' ORDER BY c.slug`),
    );
  const sql = `SELECT c.slug, (SELECT count(*) FROM appointments a WHERE a.company_id = c.id) AS appointments, (SELECT count(*) FROM appointments a WHERE a.company_id = c.id AND a.source = 'import') AS imported,
    (SELECT count(*) FROM contacts k WHERE k.company_id = c.id) AS contacts,
    (SELECT json_group_array(json_object('id', r.id, 'trigger', r.trigger, 'status', r.status, 'ms', r.finished_at - r.started_at, 'error', json_extract(r.detail, '$.error'))) FROM agenda_optimization_runs r WHERE r.company_id = c.id) AS runs
    FROM companies c WHERE c.slug LIKE 'bench-import%' ORDER BY c.slug`;
  const out = await runWrangler(["d1", "execute", "secretaria", "--local", "--persist-to", target.stateDir, "--json", "--command", sql], { quiet: true });
  const rows = JSON.parse(out.slice(out.indexOf("[")))[0]?.results ?? [];
  return rows.map((r) => ({ ...r, runs: JSON.parse(r.runs ?? "[]") }));
}

/** One engine's fresh store: D1 in its own persist directory, or the Postgres bench database dropped, created and migrated. */
async function prepareEngine(engine) {
  const stateDir = `${STATE_DIR}-${engine}`;
  rmSync(path.join(ROOT, stateDir), { recursive: true, force: true });
  const slugs = [TENANT, TENANT_SMALL, TENANT_WARM];
  let pgUrl = null;
  if (engine === "postgres") {
    console.log(`[bench] ${engine}: database ${PG_DATABASE} dropped, created, migrated (migrations-pg/) and seeded with tenants ${slugs.join(", ")}…`);
    pgUrl = await freshPostgresDatabase(PG_DATABASE);
    await withPg(pgUrl, async (client) => {
      for (const slug of slugs) await seedTenantPg(client, { slug, name: `Bench ${slug}` });
    });
  } else {
    console.log(`[bench] ${engine}: migrating + seeding tenants ${slugs.join(", ")} into ${stateDir}…`);
    await migrateLocal({ persistTo: stateDir, quiet: true });
    await executeLocal(slugs.map((slug) => tenantSeedSql({ slug, name: `Bench ${slug}` })).join(" "), { persistTo: stateDir, quiet: true });
  }
  return { engine, stateDir, pgUrl, config: writeBenchConfig({ name: `bench-import-${engine}`, hyperdriveUrl: pgUrl }) };
}

/** Warm-up, then the small and the large scenario, on one engine's private server; then what its store holds. */
async function runEngine(engine, csvs) {
  const target = await prepareEngine(engine);
  const port = await freePort(Number(opts.port));
  const base = `http://127.0.0.1:${port}`;
  const log = createWriteStream(WRANGLER_LOG, { flags: "a" });
  console.log(`[bench] ${engine}: starting wrangler dev on ${base} (log: ${path.relative(ROOT, WRANGLER_LOG)})…`);
  const child = startWranglerDev({
    port,
    persistTo: target.stateDir,
    output: log,
    extraArgs: [path.join(BUILD_DIR, "index.js"), "--no-bundle", "--env-file", ENV_FILE, "--log-level", "warn", "--config", target.config],
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stopWrangler(child);
  };
  const onSignal = () => stop().then(() => process.exit(130));
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, onSignal);
  const meter = stepMeter(child.pid, { base, postgres: engine === "postgres" });

  let small = null;
  let large = null;
  let failure = null;
  let facts = null;
  try {
    await waitForHttp(`${base}/health`, child, 120_000);
    // Warm-up (not measured): compile, first store/queue touches, on its own tenant.
    console.log(`[bench] ${engine} warm-up: ${fmt(csvs.warm.rows)}-row import + optimize on "${TENANT_WARM}"…`);
    const warm = await request(base, {
      method: "POST",
      pathname: "/api/agenda/appointments/import",
      tenant: TENANT_WARM,
      headers: { "content-type": "text/csv" },
      file: csvs.warm.file,
      timeoutMs: IMPORT_TIMEOUT_MS,
    });
    if (warm.status !== 200) throw new Error(`warm-up import answered ${warm.status}: ${JSON.stringify(warm.body ?? warm.text).slice(0, 500)}`);
    await waitForBackgroundRun(base, TENANT_WARM, null, Date.now());
    await request(base, { method: "POST", pathname: "/api/agenda/optimize", tenant: TENANT_WARM, timeoutMs: IMPORT_TIMEOUT_MS });

    // Small, then large, each: import (+ its background run), re-import (+ run), optimize.
    small = await scenario(base, TENANT_SMALL, csvs.small, meter);
    large = await scenario(base, TENANT, csvs.large, meter);
  } catch (err) {
    failure = err?.stack ?? String(err);
    console.error(`[bench] ${engine}: ${failure}`);
  } finally {
    await stop();
    log.end();
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.off(sig, onSignal);
  }
  try {
    facts = await storeFacts(target);
  } catch (err) {
    console.error(`[bench] ${engine}: could not read the store after the run: ${err.message.slice(0, 500)}`);
  }
  return { engine, small, large, facts, failure, checks: checksOf({ small, large, facts, failure }) };
}

const ratio = (a, b) => (a == null || b == null || b === 0 ? null : round(a / b, 3));

/** What makes a run fail (exit code 1), per engine. */
function checksOf({ small, large, facts, failure }) {
  const scen = [small, large].filter(Boolean);
  const imports = scen.flatMap((s) => [s.import, s.reimport]);
  return {
    completed: !failure,
    all_imports_200: imports.length === 4 && imports.every((i) => i.http_status === 200),
    no_failed_rows: imports.length === 4 && imports.every((i) => i.rows_failed === 0),
    reimports_idempotent: scen.length === 2 && scen.every((s) => s.idempotent),
    store_rows_match_csv: Boolean(
      facts && small && large && facts.find((f) => f.slug === TENANT_SMALL)?.imported === small.csv.rows && facts.find((f) => f.slug === TENANT)?.imported === large.csv.rows,
    ),
    optimize_200: scen.length === 2 && scen.every((s) => s.optimize.http_status === 200),
    // Polled every 500 ms: only an upload of a few seconds (the default 100k rows) must show it.
    progress_seen_mid_upload: Boolean(large && (large.csv.rows < 50_000 || large.import.progress.some((p) => p.status === "running" && p.rows_read > 0))),
  };
}

async function main() {
  const command = `npx node bench/import.mjs${process.argv.length > 2 ? ` ${process.argv.slice(2).join(" ")}` : ""}`;
  const machine = machineInfo();
  const engines = await chooseEngines(opts.engines);
  console.log(`$ ${command}`);
  console.log(`machine: ${describeMachine(machine)}`);
  console.log(
    `settings: engines ${engines.join(", ")} (one after the other); ${fmt(ROWS)} rows (tenant ${TENANT}) and ${fmt(SMALL)} rows (tenant ${TENANT_SMALL}), seed ${SEED}, 1 contact per 10 rows, ${HISTORY_DAYS} days ending now`,
  );
  console.log("note: client, wrangler, workerd (incl. the jobs-queue consumer) and Postgres share this machine's CPUs; compare the ratios\n");

  // 1. The CSVs, the same for every engine.
  const now = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), "secretaria-bench-import-"));
  console.log(`[bench] generating the synthetic histories (src/scheduling/synthetic.ts, bundled in memory with esbuild) into ${tmp}…`);
  const generateHistory = await loadGenerator();
  const csvs = {
    warm: writeCsv(generateHistory, { rows: WARM_ROWS, now, prefix: "warm", dir: tmp }),
    small: writeCsv(generateHistory, { rows: SMALL, now, prefix: "small", dir: tmp }),
    large: writeCsv(generateHistory, { rows: ROWS, now, prefix: "large", dir: tmp }),
  };
  for (const c of [csvs.small, csvs.large])
    console.log(`  ${path.basename(c.file)}: ${fmt(c.rows)} rows, ${fmt(c.contacts)} contacts, ${fmt(mb(c.bytes))} MB (${fmt(c.generate_ms)} ms) · ${JSON.stringify(c.statuses)}`);

  // 2. One build and one env file for every engine's private server.
  mkdirSync(path.join(ROOT, ".wrangler"), { recursive: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(WRANGLER_LOG, "");
  console.log("[bench] bundling the Worker once (wrangler deploy --dry-run), so edits during the run do not reload it…");
  await runWrangler(["deploy", "--dry-run", "--outdir", BUILD_DIR], { quiet: true });
  writeFileSync(
    ENV_FILE,
    [
      `ADMIN_TOKEN=${ADMIN_TOKEN}`,
      `META_APP_SECRET=${example.META_APP_SECRET ?? "bench-app-secret"}`,
      "META_VERIFY_TOKEN=bench-verify-token",
      "SANDBOX_PUBLIC=false",
      `SECRETS_KEY=${example.SECRETS_KEY ?? "bench-secrets-key-0123456789abcdef"}`,
      // Statements and round trips per step, on both engines alike (GET /__bench/costs).
      "COST_METER=true",
      "",
    ].join("\n"),
  );

  // 3. Each engine in turn: warm-up, then 5k and 100k (import, re-import, optimize), then its store's facts.
  const runs = [];
  try {
    for (const engine of engines) {
      console.log(`\n[bench] ===== ${engine} =====`);
      runs.push(await runEngine(engine, csvs));
    }
  } finally {
    if (!opts["keep-csv"]) rmSync(tmp, { recursive: true, force: true });
  }

  // 4. Summary: every engine's small and large side by side, then the ratios.
  for (const run of runs)
    run.ratios =
      run.small && run.large
        ? {
            import_rows_per_s_large_over_small: ratio(run.large.import.rows_per_s, run.small.import.rows_per_s),
            reimport_rows_per_s_large_over_small: ratio(run.large.reimport.rows_per_s, run.small.reimport.rows_per_s),
            optimize_rows_per_s_large_over_small: ratio(run.large.optimize.rows_per_s, run.small.optimize.rows_per_s),
            reimport_over_import_small: run.small.reimport_over_first_rows_per_s,
            reimport_over_import_large: run.large.reimport_over_first_rows_per_s,
          }
        : null;
  printSummary(runs);
  for (const run of runs) {
    console.log(
      `\nchecks (${run.engine}): ${Object.entries(run.checks)
        .map(([k, v]) => `${k}=${v ? "ok" : "FAIL"}`)
        .join(" · ")}`,
    );
    if (run.failure) console.log(`failure (${run.engine}): ${run.failure.split("\n")[0]} (wrangler log: ${path.relative(ROOT, WRANGLER_LOG)})`);
  }

  const stamp = new Date().toISOString().replaceAll(":", "-").replace(/\..*/, "");
  const file = path.join(RESULTS_DIR, `import-${stamp}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        command,
        at: new Date().toISOString(),
        machine,
        settings: {
          engines,
          rows: ROWS,
          small: SMALL,
          seed: SEED,
          days: HISTORY_DAYS,
          contacts_per_row: 0.1,
          wrangler: "dev --no-bundle (prebuilt), local, --log-level warn, COST_METER=true",
        },
        engines: Object.fromEntries(runs.map((r) => [r.engine, r])),
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`results: ${path.relative(ROOT, file)}`);
  console.log(`command: ${command}`);
  return runs.every((r) => Object.values(r.checks).every(Boolean)) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[bench] ${err?.stack ?? err}`);
    if (existsSync(WRANGLER_LOG)) console.error(`[bench] wrangler log: ${path.relative(ROOT, WRANGLER_LOG)}`);
    process.exit(1);
  },
);
