#!/usr/bin/env node
// Panel benchmark (issue 11): what the admin panel costs to download and to show. Builds the panel as
// wrangler does (scripts/build-panel.mjs), prints each asset's raw/gzip/brotli size and what fills
// app.js most (per package or panel folder, from an esbuild metafile of the same build), then opens it in Debian's Chromium against a
// private `wrangler dev` on 127.0.0.1 with a seeded tenant, at two viewports with the CPU at 1× and 4×
// (CDP Emulation.setCPUThrottlingRate). Each run is a fresh browser context with the cache off:
//   - login FP/FCP: first paint / first contentful paint of the sign-in screen (cold load);
//   - sign-in → data: click on "Entrar" until the first view (Insights de Agenda) shows its data;
//   - reload FCP / reload → data: the signed-in page reloaded (session kept), navigation start until
//     the first view's data is shown, read in the page at the first animation frame it is there;
//   - JS heap: used JS heap once the view is shown (CDP Performance.getMetrics).
// Medians of --runs runs. Stops by itself.
// Usage: npm run bench:panel -- [--runs 5] [--port 8821]

import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { executeLocal, freePort, migrateLocal, ROOT, startWranglerDev, stopWrangler, tenantSeedSql, waitForHttp } from "../scripts/local-wrangler.mjs";
import { buildPanel } from "../scripts/build-panel.mjs";
import { describeMachine, machineInfo } from "./engines.mjs";

const { values: opts } = parseArgs({
  options: {
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "5" },
    port: { type: "string", default: process.env.BENCH_PORT ?? "8821" },
  },
});
const RUNS = Number(opts.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer (got ${opts.runs})`);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TENANT = "bench-painel";
const TOKEN = "bench-painel-token-0123456789";
const VIEWPORTS = [
  { name: "1366×900", width: 1366, height: 900 },
  { name: "390×844", width: 390, height: 844 },
];
const CPU_RATES = [1, 4];
// The first view's data: the Insights card's "last analysis" line, rendered once /api/insights answered.
const DATA_SHOWN = "#insights-last-run";
const PUBLIC = path.join(ROOT, "panel", "public");

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const ms = (n) => `${Math.round(n)} ms`;

/** Raw, gzip (level 9) and brotli (quality 11) sizes of a buffer: what a CDN would send, at best. */
function sizes(buf) {
  const brotli = brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length, brotli: brotli.length };
}

/** Builds the panel as scripts/build-panel.mjs does, with a metafile, then measures the assets and what fills app.js most. */
async function measureBundle() {
  const result = await buildPanel({ metafile: true });
  // app.js and what every visit loads; the catalogue chunks only load for a visitor who picks that language.
  const chunks = readdirSync(path.join(PUBLIC, "chunks")).map((f) => `chunks/${f}`);
  const assets = ["app.js", "styles.css", "index.html", ...chunks].map((name) => ({ name, ...sizes(readFileSync(path.join(PUBLIC, name))) }));
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  const parts = new Map();
  let total = 0;
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    total += bytesInOutput;
    // A package (node_modules/<name> or <@scope/name>), else the panel's own folder.
    const pkg = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(input)?.[1] ?? path.dirname(input);
    parts.set(pkg, (parts.get(pkg) ?? 0) + bytesInOutput);
  }
  const largest = [...parts].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return { assets, largest, total };
}

function printBundle({ assets, largest, total }) {
  console.log("\nPanel bundle (panel/public, as scripts/build-panel.mjs builds it)");
  const w = Math.max(12, ...assets.map((a) => a.name.length + 2));
  console.log(`  ${"asset".padEnd(w)}${"raw".padStart(11)}${"gzip -9".padStart(11)}${"brotli 11".padStart(11)}`);
  const sum = { raw: 0, gzip: 0, brotli: 0 };
  for (const a of assets) {
    console.log(`  ${a.name.padEnd(w)}${kb(a.raw).padStart(11)}${kb(a.gzip).padStart(11)}${kb(a.brotli).padStart(11)}`);
    for (const k of Object.keys(sum)) sum[k] += a[k];
  }
  console.log(`  ${"total".padEnd(w)}${kb(sum.raw).padStart(11)}${kb(sum.gzip).padStart(11)}${kb(sum.brotli).padStart(11)}`);
  console.log(`  app.js's largest parts (esbuild metafile, of ${kb(total)} minified):`);
  for (const [name, bytes] of largest) console.log(`    ${name.padEnd(40)}${kb(bytes).padStart(11)} (${Math.round((bytes / total) * 100)}%)`);
}

/** A private `wrangler dev` with its own local D1 and one tenant; returns its base URL and a stop(). */
async function startServer() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bench-panel-"));
  const persistTo = path.relative(ROOT, path.join(tmp, "state"));
  await migrateLocal({ persistTo, quiet: true });
  await executeLocal(tenantSeedSql({ slug: TENANT, name: "Clínica Bench", token: TOKEN }), { persistTo, quiet: true });
  const port = await freePort(Number(opts.port));
  const base = `http://127.0.0.1:${port}`;
  const log = path.join(tmp, "wrangler.log");
  const child = startWranglerDev({ port, persistTo, output: createWriteStream(log), extraArgs: ["--log-level", "warn"] });
  const stop = async () => {
    await stopWrangler(child);
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${base}/health/live`, child, 120_000);
  } catch (err) {
    console.error(readFileSync(log, "utf8").slice(-3000));
    await stop();
    throw err;
  }
  return { base, stop };
}

const paints = (page) => page.evaluate(() => Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime])));

/** Resolves with performance.now() at the first animation frame where the first view shows its data. */
const dataShownAt = (page, timeout = 60_000) =>
  page.waitForFunction((sel) => (document.querySelector(sel) ? performance.now() : false), DATA_SHOWN, { polling: "raf", timeout }).then((h) => h.jsonValue());

/** One cold run: sign in, then reload signed in. */
async function runOnce(browser, base, viewport, rate) {
  const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, locale: "pt-BR" });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Performance.enable");
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    await page.goto(base, { waitUntil: "load" });
    await page.waitForSelector("#login-token");
    // FCP is recorded once the frame is presented; wait for it rather than read too early.
    await page.waitForFunction(() => performance.getEntriesByType("paint").length >= 2, null, { timeout: 10_000 }).catch(() => {});
    const login = await paints(page);
    await page.fill("#login-token", TOKEN);
    const clickedAt = await page.evaluate(() => {
      document.querySelector("#login-submit").click();
      return performance.now();
    });
    const signInData = (await dataShownAt(page)) - clickedAt;
    await page.reload({ waitUntil: "commit" });
    const reloadData = await dataShownAt(page);
    const reload = await paints(page);
    const metrics = (await cdp.send("Performance.getMetrics")).metrics;
    const heap = metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? Number.NaN;
    return {
      loginFp: login["first-paint"],
      loginFcp: login["first-contentful-paint"],
      signInData,
      reloadFcp: reload["first-contentful-paint"],
      reloadData,
      heapMb: heap / 2 ** 20,
    };
  } finally {
    await context.close();
  }
}

const COLUMNS = [
  ["login FP", "loginFp", ms],
  ["login FCP", "loginFcp", ms],
  ["sign-in → data", "signInData", ms],
  ["reload FCP", "reloadFcp", ms],
  ["reload → data", "reloadData", ms],
  ["JS heap", "heapMb", (n) => `${n.toFixed(1)} MB`],
];

function printTable(rows) {
  console.log(`\nPanel in Chromium (${rows[0]?.browserVersion}), medians of ${RUNS} cold runs each, first view ${DATA_SHOWN}`);
  const head = ["viewport", "CPU", ...COLUMNS.map((c) => c[0])];
  const widths = head.map((h, i) => Math.max(h.length, i < 2 ? 9 : 10));
  const line = (cells) => `  ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")}`;
  console.log(line(head));
  for (const r of rows) console.log(line([r.viewport, `${r.rate}×`, ...COLUMNS.map(([, key, fmt]) => fmt(r[key]))]));
}

const command = `npm run bench:panel -- --runs ${RUNS}`;
console.log(`$ ${command}`);
const bundle = await measureBundle();
printBundle(bundle);
const server = await startServer();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
const rows = [];
try {
  // One warm-up load so wrangler's first-request work (bundle, DO start) is not in the first run.
  await runOnce(browser, server.base, VIEWPORTS[0], 1);
  for (const viewport of VIEWPORTS)
    for (const rate of CPU_RATES) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await runOnce(browser, server.base, viewport, rate));
      const row = { viewport: viewport.name, rate, browserVersion: browser.version() };
      for (const [, key] of COLUMNS) row[key] = median(runs.map((r) => r[key]));
      rows.push(row);
      console.log(`  measured ${viewport.name} at ${rate}× CPU (${RUNS} runs)`);
    }
} finally {
  await browser.close();
  await server.stop();
}
printTable(rows);
console.log(`\n${command}`);
console.log(`machine: ${describeMachine(machineInfo())}`);
