#!/usr/bin/env node
// Scheduling intelligence through the Worker: the appointment-history CSV import (streamed upload,
// per-row validation, D1 upserts 500 at a time) and the in-Worker analysis + training
// (`POST /api/agenda/optimize`), measured against a private `wrangler dev` on 127.0.0.1.
// A small size (5k) and a large one (100k) run side by side in one run, so the ratios between them
// mean something even on a busy machine. See bench/README.md. Usage:
//   npx node bench/import.mjs [--rows 100000] [--small 5000] [--port 8798] [--seed 42]
//                             [--import-timeout 900] [--run-timeout 900] [--keep-csv]

import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { historyCsv, loadGenerator } from "../scripts/synthetic-csv.mjs";
import { executeLocal, freePort, migrateLocal, parseEnvFile, ROOT, runWrangler, startWranglerDev, stopWrangler, tenantSeedSql, waitForHttp } from "../scripts/dev.mjs";

const { values: opts } = parseArgs({
  options: {
    rows: { type: "string", default: process.env.BENCH_IMPORT_ROWS ?? "100000" },
    small: { type: "string", default: process.env.BENCH_IMPORT_SMALL ?? "5000" },
    port: { type: "string", default: process.env.BENCH_IMPORT_PORT ?? "8798" },
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
for (const [k, v] of Object.entries({ rows: ROWS, small: SMALL, seed: SEED })) if (!Number.isInteger(v) || v < 0) throw new Error(`--${k} must be a whole number`);

const TENANT = "bench-import";
const TENANT_SMALL = "bench-import-small";
const TENANT_WARM = "bench-import-warmup";
const WARM_ROWS = 1000;
const STATE_DIR = path.join(".wrangler", "bench-import-state"); // relative to ROOT: wrangler runs with cwd ROOT
const BUILD_DIR = path.join(".wrangler", "bench-import-build");
const ENV_FILE = path.join(ROOT, ".wrangler", "bench-import.env");
const WRANGLER_LOG = path.join(ROOT, ".wrangler", "bench-import-wrangler.log");
const RESULTS_DIR = path.join(ROOT, "bench", "results");
const ADMIN_TOKEN = "bench-admin-token";
const DAY = 86_400_000;
const HISTORY_DAYS = 540;

const example = parseEnvFile(path.join(ROOT, ".dev.vars.example"));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (n, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);
const fmt = (n, d = 2) => (n == null ? "n/a" : n.toLocaleString("en-US", { maximumFractionDigits: d }));
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
  return { file, requested: rows, rows: history.length, bytes: statSync(file).size, contacts: new Set(history.map((r) => r.contact)).size, statuses, generate_ms: Math.round(performance.now() - t0) };
}

// ---------------------------------------------------------------------------------------------
// HTTP: node:http for the long requests (no fetch headersTimeout/bodyTimeout), fetch for polling.

function request(base, { method, pathname, tenant, headers = {}, file = null, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let sentAt = null;
    const req = http.request(`${base}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "x-tenant": tenant, ...headers, ...(file ? { "content-length": statSync(file).size } : { "content-length": 0 }) },
    });
    const timer = setTimeout(() => req.destroy(new Error(`${method} ${pathname}: no complete answer within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on("finish", () => (sentAt = performance.now()));
    req.on("response", (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        let body = null;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: kept as text */
        }
        resolve({ status: res.statusCode, body, text: body ? null : text.slice(0, 2000), ms: performance.now() - t0, body_sent_ms: sentAt === null ? null : sentAt - t0 });
      });
    });
    if (file) createReadStream(file).on("error", (err) => req.destroy(err)).pipe(req);
    else req.end();
  });
}

async function getJson(base, pathname, tenant) {
  const res = await fetch(`${base}${pathname}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "x-tenant": tenant }, signal: AbortSignal.timeout(30_000) });
  const body = await res.json().catch(() => null);
  if (res.status !== 200) throw new Error(`GET ${pathname} (${tenant}) answered ${res.status}: ${JSON.stringify(body)?.slice(0, 300)}`);
  return body;
}

// ---------------------------------------------------------------------------------------------
// workerd's memory, sampled from /proc (Linux), to see what the import and the analysis cost it.

function groupRssKb(pgid) {
  let total = 0;
  let workerd = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // field 5 of stat: pgrp
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      total += rss;
      if (comm.startsWith("workerd")) workerd += rss;
    } catch {
      /* gone */
    }
  }
  return { total, workerd };
}

function memorySampler(pgid) {
  let peak = 0;
  let timer = null;
  const sample = () => {
    if (process.platform !== "linux" || !pgid) return;
    peak = Math.max(peak, groupRssKb(pgid).workerd);
  };
  return {
    start() {
      peak = 0;
      sample();
      timer = setInterval(sample, 250);
    },
    stop() {
      clearInterval(timer);
      sample();
      return process.platform === "linux" && pgid ? round(peak / 1024, 0) : null;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The measured steps.

/** Uploads the CSV while polling GET /api/agenda/imports every 500 ms for the job's progress. */
async function timedImport(base, tenant, csv, label, mem) {
  const before = new Set((await getJson(base, "/api/agenda/imports", tenant)).imports.map((j) => j.id));
  const samples = [];
  let done = false;
  const t0 = performance.now();
  const poller = (async () => {
    while (!done) {
      await sleep(500);
      if (done) break;
      const at = performance.now() - t0;
      try {
        const job = (await getJson(base, "/api/agenda/imports", tenant)).imports.find((j) => !before.has(j.id));
        if (!done) samples.push(job ? { t_ms: Math.round(at), status: job.status, rows_read: job.rows_read, rows_imported: job.rows_imported, rows_failed: job.rows_failed } : { t_ms: Math.round(at), status: "not yet listed" });
      } catch (err) {
        if (!done) samples.push({ t_ms: Math.round(at), error: err?.cause?.code ?? err.message });
      }
    }
  })();
  mem.start();
  let res;
  try {
    res = await request(base, { method: "POST", pathname: "/api/agenda/appointments/import", tenant, headers: { "content-type": "text/csv" }, file: csv.file, timeoutMs: IMPORT_TIMEOUT_MS });
  } finally {
    done = true;
    await poller;
  }
  const peakMb = mem.stop();
  const b = res.body ?? {};
  const seconds = res.ms / 1000;
  const result = {
    label,
    tenant,
    http_status: res.status,
    job_id: b.id ?? null,
    job_status: b.status ?? null,
    rows_read: b.rows_read ?? null,
    rows_imported: b.rows_imported ?? null,
    rows_failed: b.rows_failed ?? null,
    first_errors: (b.errors ?? []).slice(0, 5),
    error: res.status === 200 ? null : (b.error ?? res.text),
    ms: Math.round(res.ms),
    body_sent_ms: res.body_sent_ms === null ? null : Math.round(res.body_sent_ms),
    rows_per_s: round(csv.rows / seconds, 0),
    mb_per_s: round(mb(csv.bytes) / seconds, 3),
    workerd_peak_rss_mb: peakMb,
    progress: samples,
  };
  const mid = samples.filter((s) => s.status === "running" && s.rows_read > 0);
  console.log(
    `  ${label}: HTTP ${res.status} in ${fmt(seconds, 1)} s → ${fmt(result.rows_per_s, 0)} rows/s, ${fmt(result.mb_per_s)} MB/s · rows_read ${fmt(result.rows_read)} · rows_imported ${fmt(result.rows_imported)} · rows_failed ${fmt(result.rows_failed)}` +
      ` · body fully sent after ${fmt((result.body_sent_ms ?? 0) / 1000, 1)} s · workerd peak RSS ${fmt(peakMb, 0)} MB`,
  );
  if (res.status !== 200) console.log(`    error: ${JSON.stringify(result.error).slice(0, 500)}`);
  if (result.first_errors.length) console.log(`    first row errors: ${JSON.stringify(result.first_errors)}`);
  // Progress: every sample if few, else ~12 evenly spaced ones (all of them go to the JSON).
  const step = Math.max(1, Math.ceil(samples.length / 12));
  const shown = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  console.log(`    progress (GET /api/agenda/imports during the upload, ${samples.length} samples, ${mid.length} mid-upload with rows_read > 0):`);
  for (const s of shown) console.log(`      t=${fmt(s.t_ms / 1000, 1).padStart(6)} s  ${s.error ? `error ${s.error}` : `${s.status.padEnd(8)} read ${fmt(s.rows_read ?? 0).padStart(8)}  imported ${fmt(s.rows_imported ?? 0).padStart(8)}  failed ${fmt(s.rows_failed ?? 0)}`}`);
  return result;
}

/** Waits until GET /api/agenda/insights shows a finished run newer than `afterRunId` (the one the import queued). */
async function waitForBackgroundRun(base, tenant, afterRunId, since) {
  const t0 = performance.now();
  while (performance.now() - t0 < RUN_TIMEOUT_MS) {
    const run = (await getJson(base, "/api/agenda/insights", tenant).catch(() => null))?.last_run;
    if (run && run.id !== afterRunId && run.trigger === "import") {
      const ms = Date.parse(run.finished_at) - Date.parse(run.started_at);
      return { run_id: run.id, run_ms: ms, import_end_to_run_done_ms: Math.round(Date.parse(run.finished_at) - since) };
    }
    await sleep(1000);
  }
  return { run_id: null, timed_out_after_s: RUN_TIMEOUT_MS / 1000 };
}

async function timedOptimize(base, tenant, rows, mem) {
  mem.start();
  const res = await request(base, { method: "POST", pathname: "/api/agenda/optimize", tenant, timeoutMs: IMPORT_TIMEOUT_MS });
  const peakMb = mem.stop();
  const b = res.body ?? {};
  const insights = res.status === 200 ? await getJson(base, "/api/agenda/insights", tenant) : null;
  const ev = insights?.model?.evaluation ?? null;
  const result = {
    tenant,
    http_status: res.status,
    error: res.status === 200 ? null : (b.error ?? res.text),
    ms: Math.round(res.ms),
    rows: b.rows ?? null,
    rows_per_s: b.rows ? round(b.rows / (res.ms / 1000), 0) : null,
    model_kind: b.model?.kind ?? null,
    fallback_reason: b.model?.fallback_reason ?? null,
    suggested: b.suggested ?? null,
    recommendations: b.recommendations ?? null,
    scored: b.scored ?? null,
    high_risk: b.high_risk ?? null,
    workerd_peak_rss_mb: peakMb,
    evaluation: ev,
    mean_no_show_rate: insights?.mean_no_show_rate ?? null,
  };
  console.log(
    `  optimize: HTTP ${res.status} in ${fmt(res.ms / 1000, 2)} s over ${fmt(result.rows)} rows → ${fmt(result.rows_per_s, 0)} rows/s · model ${result.model_kind}${result.fallback_reason ? ` (${result.fallback_reason})` : ""} · workerd peak RSS ${fmt(peakMb, 0)} MB`,
  );
  if (res.status !== 200) console.log(`    error: ${JSON.stringify(result.error).slice(0, 500)}`);
  if (ev)
    console.log(
      `    evaluation: AUC ${fmt(ev.auc, 3)} (heuristic ${fmt(ev.heuristic_auc, 3)}) · Brier ${fmt(ev.brier, 4)} (base rate ${fmt(ev.base_rate_brier, 4)}, heuristic ${fmt(ev.heuristic_brier, 4)}) · base rate ${fmt(ev.base_rate, 3)} · rows ${fmt(ev.rows)} (train ${fmt(ev.train_rows)}, holdout ${fmt(ev.holdout_rows)})`,
    );
  if (rows !== undefined && result.rows !== null && result.rows !== Math.min(rows, 100_000)) console.log(`    note: the Worker read ${fmt(result.rows)} history rows, the CSV had ${fmt(rows)}`);
  return result;
}

/** Import, re-import of the same file, each followed by the background run it queues, then the timed optimize. */
async function scenario(base, tenant, csv, mem) {
  console.log(`\n[bench] tenant "${tenant}": ${fmt(csv.rows)} rows, ${fmt(mb(csv.bytes))} MB`);
  const firstRun = (await getJson(base, "/api/agenda/insights", tenant)).last_run?.id ?? null;
  const first = await timedImport(base, tenant, csv, "import   ", mem);
  const wallAfterFirst = Date.now();
  console.log("  waiting for the analysis run the import queued (jobs queue), so it does not overlap what comes next…");
  const bg1 = first.rows_imported > 0 ? await waitForBackgroundRun(base, tenant, firstRun, wallAfterFirst) : { run_id: null, skipped: "nothing imported" };
  console.log(`    background run: ${bg1.run_id ? `${fmt(bg1.run_ms / 1000, 2)} s by the Worker clock (done ${fmt(bg1.import_end_to_run_done_ms / 1000, 1)} s after the import answered)` : JSON.stringify(bg1)}`);

  const again = await timedImport(base, tenant, csv, "re-import", mem);
  const wallAfterAgain = Date.now();
  const bg2 = again.rows_imported > 0 ? await waitForBackgroundRun(base, tenant, bg1.run_id ?? firstRun, wallAfterAgain) : { run_id: null, skipped: "nothing imported" };
  console.log(`    background run: ${bg2.run_id ? `${fmt(bg2.run_ms / 1000, 2)} s by the Worker clock (done ${fmt(bg2.import_end_to_run_done_ms / 1000, 1)} s after the re-import answered)` : JSON.stringify(bg2)}`);
  const idempotent = again.http_status === 200 && first.http_status === 200 && again.rows_imported === first.rows_imported && again.rows_failed === 0;
  const reimportRatio = round(again.rows_per_s / first.rows_per_s, 3);
  console.log(`  re-import / first import: rows/s ×${fmt(reimportRatio, 3)} · same rows_imported: ${again.rows_imported === first.rows_imported ? "yes" : "NO"}`);

  const optimize = await timedOptimize(base, tenant, csv.rows, mem);
  return { tenant, csv: { rows: csv.rows, requested: csv.requested, bytes: csv.bytes, mb: round(mb(csv.bytes), 2), contacts: csv.contacts, statuses: csv.statuses }, import: first, background_run_after_import: bg1, reimport: again, background_run_after_reimport: bg2, reimport_over_first_rows_per_s: reimportRatio, idempotent, optimize };
}

/** After wrangler stopped: what D1 holds (rows per tenant, every analysis run with its duration and error). */
async function d1Facts() {
  const sql = `SELECT c.slug, (SELECT count(*) FROM appointments a WHERE a.company_id = c.id) AS appointments, (SELECT count(*) FROM appointments a WHERE a.company_id = c.id AND a.source = 'import') AS imported,
    (SELECT count(*) FROM contacts k WHERE k.company_id = c.id) AS contacts,
    (SELECT json_group_array(json_object('id', r.id, 'trigger', r.trigger, 'status', r.status, 'ms', r.finished_at - r.started_at, 'error', json_extract(r.detail, '$.error'))) FROM agenda_optimization_runs r WHERE r.company_id = c.id) AS runs
    FROM companies c WHERE c.slug LIKE 'bench-import%' ORDER BY c.slug`;
  const out = await runWrangler(["d1", "execute", "secretaria", "--local", "--persist-to", STATE_DIR, "--json", "--command", sql], { quiet: true });
  const rows = JSON.parse(out.slice(out.indexOf("[")))[0]?.results ?? [];
  return rows.map((r) => ({ ...r, runs: JSON.parse(r.runs ?? "[]") }));
}

async function main() {
  const command = `npx node bench/import.mjs${process.argv.length > 2 ? ` ${process.argv.slice(2).join(" ")}` : ""}`;
  const machine = {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    mem_gb: round(os.totalmem() / 2 ** 30, 1),
    loadavg: os.loadavg().map((l) => round(l, 2)),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  console.log(`$ ${command}`);
  console.log(`machine: nproc=${machine.nproc} · ${machine.cpu} · ${machine.mem_gb} GB · load ${machine.loadavg.join(" ")} · node ${machine.node} · ${machine.platform}`);
  console.log(`settings: ${fmt(ROWS)} rows (tenant ${TENANT}) and ${fmt(SMALL)} rows (tenant ${TENANT_SMALL}), seed ${SEED}, 1 contact per 10 rows, ${HISTORY_DAYS} days ending now`);
  console.log("note: client, wrangler and workerd (incl. the jobs-queue consumer) share this machine's CPUs; compare the ratios\n");

  // 1. The CSVs.
  const now = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), "secretaria-bench-import-"));
  console.log(`[bench] generating the synthetic histories (src/scheduling/synthetic.ts, bundled in memory with esbuild) into ${tmp}…`);
  const generateHistory = await loadGenerator();
  const warmCsv = writeCsv(generateHistory, { rows: WARM_ROWS, now, prefix: "warm", dir: tmp });
  const smallCsv = writeCsv(generateHistory, { rows: SMALL, now, prefix: "small", dir: tmp });
  const largeCsv = writeCsv(generateHistory, { rows: ROWS, now, prefix: "large", dir: tmp });
  for (const c of [smallCsv, largeCsv])
    console.log(`  ${path.basename(c.file)}: ${fmt(c.rows)} rows, ${fmt(c.contacts)} contacts, ${fmt(mb(c.bytes))} MB (${fmt(c.generate_ms)} ms) · ${JSON.stringify(c.statuses)}`);

  // 2. A fresh private server.
  rmSync(path.join(ROOT, STATE_DIR), { recursive: true, force: true });
  mkdirSync(path.join(ROOT, ".wrangler"), { recursive: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  console.log("[bench] bundling the Worker once (wrangler deploy --dry-run), so edits during the run do not reload it…");
  await runWrangler(["deploy", "--dry-run", "--outdir", BUILD_DIR], { quiet: true });
  console.log(`[bench] migrating + seeding tenants ${TENANT}, ${TENANT_SMALL}, ${TENANT_WARM} into ${STATE_DIR}…`);
  await migrateLocal({ persistTo: STATE_DIR, quiet: true });
  await executeLocal([TENANT, TENANT_SMALL, TENANT_WARM].map((slug) => tenantSeedSql({ slug, name: `Bench ${slug}` })).join(" "), { persistTo: STATE_DIR, quiet: true });
  writeFileSync(ENV_FILE, [`ADMIN_TOKEN=${ADMIN_TOKEN}`, `META_APP_SECRET=${example.META_APP_SECRET ?? "bench-app-secret"}`, "META_VERIFY_TOKEN=bench-verify-token", "SANDBOX_PUBLIC=false", `SECRETS_KEY=${example.SECRETS_KEY ?? "bench-secrets-key-0123456789abcdef"}`, ""].join("\n"));

  const port = await freePort(Number(opts.port));
  const base = `http://127.0.0.1:${port}`;
  const log = createWriteStream(WRANGLER_LOG);
  console.log(`[bench] starting wrangler dev on ${base} (log: ${path.relative(ROOT, WRANGLER_LOG)})…`);
  const child = startWranglerDev({
    port,
    persistTo: STATE_DIR,
    output: log,
    extraArgs: [path.join(BUILD_DIR, "index.js"), "--no-bundle", "--env-file", ENV_FILE, "--log-level", "warn"],
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stopWrangler(child);
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => stop().then(() => process.exit(130)));
  const mem = memorySampler(child.pid);

  let small = null;
  let large = null;
  let failure = null;
  let facts = null;
  try {
    await waitForHttp(`${base}/health`, child, 120_000);
    // 3. Warm-up (not measured): compile, first D1/queue touches, on its own tenant.
    console.log(`[bench] warm-up: ${fmt(warmCsv.rows)}-row import + optimize on "${TENANT_WARM}"…`);
    const warm = await request(base, { method: "POST", pathname: "/api/agenda/appointments/import", tenant: TENANT_WARM, headers: { "content-type": "text/csv" }, file: warmCsv.file, timeoutMs: IMPORT_TIMEOUT_MS });
    if (warm.status !== 200) throw new Error(`warm-up import answered ${warm.status}: ${JSON.stringify(warm.body ?? warm.text).slice(0, 500)}`);
    await waitForBackgroundRun(base, TENANT_WARM, null, Date.now());
    await request(base, { method: "POST", pathname: "/api/agenda/optimize", tenant: TENANT_WARM, timeoutMs: IMPORT_TIMEOUT_MS });

    // 4. Small, then large, each: import (+ its background run), re-import (+ run), optimize.
    small = await scenario(base, TENANT_SMALL, smallCsv, mem);
    large = await scenario(base, TENANT, largeCsv, mem);
  } catch (err) {
    failure = err?.stack ?? String(err);
    console.error(`[bench] ${failure}`);
  } finally {
    await stop();
    log.end();
  }
  try {
    facts = await d1Facts();
  } catch (err) {
    console.error(`[bench] could not read D1 after the run: ${err.message.slice(0, 500)}`);
  }
  if (!opts["keep-csv"]) rmSync(tmp, { recursive: true, force: true });

  // 5. Summary.
  const ratio = (a, b) => (a == null || b == null || b === 0 ? null : round(a / b, 3));
  const ratios =
    small && large
      ? {
          import_rows_per_s_large_over_small: ratio(large.import.rows_per_s, small.import.rows_per_s),
          reimport_rows_per_s_large_over_small: ratio(large.reimport.rows_per_s, small.reimport.rows_per_s),
          optimize_rows_per_s_large_over_small: ratio(large.optimize.rows_per_s, small.optimize.rows_per_s),
          reimport_over_import_small: small.reimport_over_first_rows_per_s,
          reimport_over_import_large: large.reimport_over_first_rows_per_s,
        }
      : null;
  const scen = [small, large].filter(Boolean);
  if (scen.length) {
    const table = [
      ["", ...scen.map((s) => `${s.tenant} (${fmt(s.csv.rows)} rows, ${fmt(s.csv.mb)} MB)`), ...(ratios ? ["large/small"] : [])],
      ["import: s", ...scen.map((s) => fmt(s.import.ms / 1000, 1)), ...(ratios ? [""] : [])],
      ["import: rows/s", ...scen.map((s) => fmt(s.import.rows_per_s, 0)), ...(ratios ? [`×${fmt(ratios.import_rows_per_s_large_over_small, 3)}`] : [])],
      ["import: MB/s", ...scen.map((s) => fmt(s.import.mb_per_s, 3)), ...(ratios ? [""] : [])],
      ["import: imported / failed", ...scen.map((s) => `${fmt(s.import.rows_imported)} / ${fmt(s.import.rows_failed)}`), ...(ratios ? [""] : [])],
      ["re-import: s", ...scen.map((s) => fmt(s.reimport.ms / 1000, 1)), ...(ratios ? [""] : [])],
      ["re-import: rows/s", ...scen.map((s) => fmt(s.reimport.rows_per_s, 0)), ...(ratios ? [`×${fmt(ratios.reimport_rows_per_s_large_over_small, 3)}`] : [])],
      ["re-import / import (rows/s)", ...scen.map((s) => `×${fmt(s.reimport_over_first_rows_per_s, 3)}`), ...(ratios ? [""] : [])],
      ["re-import: imported / failed", ...scen.map((s) => `${fmt(s.reimport.rows_imported)} / ${fmt(s.reimport.rows_failed)}`), ...(ratios ? [""] : [])],
      ["background run after import: s", ...scen.map((s) => (s.background_run_after_import.run_ms == null ? "n/a" : fmt(s.background_run_after_import.run_ms / 1000, 2))), ...(ratios ? [""] : [])],
      ["optimize: s", ...scen.map((s) => fmt(s.optimize.ms / 1000, 2)), ...(ratios ? [""] : [])],
      ["optimize: rows / rows/s", ...scen.map((s) => `${fmt(s.optimize.rows)} / ${fmt(s.optimize.rows_per_s, 0)}`), ...(ratios ? [`×${fmt(ratios.optimize_rows_per_s_large_over_small, 3)}`] : [])],
      ["AUC (heuristic AUC)", ...scen.map((s) => `${fmt(s.optimize.evaluation?.auc, 3)} (${fmt(s.optimize.evaluation?.heuristic_auc, 3)})`), ...(ratios ? [""] : [])],
      ["Brier (base rate, heuristic)", ...scen.map((s) => `${fmt(s.optimize.evaluation?.brier, 4)} (${fmt(s.optimize.evaluation?.base_rate_brier, 4)}, ${fmt(s.optimize.evaluation?.heuristic_brier, 4)})`), ...(ratios ? [""] : [])],
      ["workerd peak RSS MB (import / optimize)", ...scen.map((s) => `${fmt(s.import.workerd_peak_rss_mb, 0)} / ${fmt(s.optimize.workerd_peak_rss_mb, 0)}`), ...(ratios ? [""] : [])],
    ];
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => String(r[c] ?? "").length)));
    console.log("\n== Results ==");
    for (const r of table) console.log("  " + r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join("  "));
  }
  if (facts) {
    console.log("\nD1 after the run (rows per tenant; every analysis run: trigger, status, duration):");
    for (const f of facts)
      console.log(`  ${f.slug}: ${fmt(f.appointments)} appointments (${fmt(f.imported)} imported), ${fmt(f.contacts)} contacts · runs ${f.runs.map((r) => `${r.trigger}:${r.status}${r.ms == null ? "" : ` ${fmt(r.ms / 1000, 2)}s`}${r.error ? ` (${r.error})` : ""}`).join(", ")}`);
  }

  const imports = scen.flatMap((s) => [s.import, s.reimport]);
  const checks = {
    all_imports_200: imports.length === 4 && imports.every((i) => i.http_status === 200),
    no_failed_rows: imports.length === 4 && imports.every((i) => i.rows_failed === 0),
    reimports_idempotent: scen.length === 2 && scen.every((s) => s.idempotent),
    d1_rows_match_csv: Boolean(facts && small && large && facts.find((f) => f.slug === TENANT_SMALL)?.imported === small.csv.rows && facts.find((f) => f.slug === TENANT)?.imported === large.csv.rows),
    optimize_200: scen.length === 2 && scen.every((s) => s.optimize.http_status === 200),
    // Polled every 500 ms: only an upload of a few seconds (the default 100k rows) must show it.
    progress_seen_mid_upload: Boolean(large && (large.csv.rows < 50_000 || large.import.progress.some((p) => p.status === "running" && p.rows_read > 0))),
  };
  console.log(`\nchecks: ${Object.entries(checks).map(([k, v]) => `${k}=${v ? "ok" : "FAIL"}`).join(" · ")}`);
  if (failure) console.log(`failure: ${failure.split("\n")[0]} (wrangler log: ${path.relative(ROOT, WRANGLER_LOG)})`);

  const stamp = new Date().toISOString().replaceAll(":", "-").replace(/\..*/, "");
  const file = path.join(RESULTS_DIR, `import-${stamp}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { command, at: new Date().toISOString(), machine, settings: { rows: ROWS, small: SMALL, seed: SEED, days: HISTORY_DAYS, contacts_per_row: 0.1, wrangler: "dev --no-bundle (prebuilt), local, --log-level warn" }, small, large, ratios, d1: facts, checks, failure },
      null,
      2,
    ) + "\n",
  );
  console.log(`results: ${path.relative(ROOT, file)}`);
  console.log(`command: ${command}`);
  return !failure && Object.values(checks).every(Boolean) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[bench] ${err?.stack ?? err}`);
    if (existsSync(WRANGLER_LOG)) console.error(`[bench] wrangler log: ${path.relative(ROOT, WRANGLER_LOG)}`);
    process.exit(1);
  },
);
