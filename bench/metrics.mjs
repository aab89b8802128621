#!/usr/bin/env node
// /metrics benchmark: scrape time with few vs many tenants, side by side in one run, against two private
// `wrangler dev` servers on 127.0.0.1 (one database each), plus what one scrape costs (DO RPCs, D1
// statements and round trips, from COST_METER). The target (issue 10): many within 1.5× of few, for the
// server's part (the client's gunzip and decoding grow with the text whatever the server does). Each
// scrape is followed by the same number of bytes served from memory, gzip'd in advance as /metrics
// now is (/__bench/bytes): the floor that no work at scrape time can go under. Once per server, the
// gzip'd body as sent is gunzipped here and compared byte for byte with a plain scrape.
// Usage: npm run bench:metrics -- [--small 10] [--large 1000] [--scrapes 15] [--port 8811]

import { createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { executeLocal, freePort, migrateLocal, ROOT, runWrangler, STORE_GAUGES_CRON, startWranglerDev, stopWrangler, triggerCron, waitForHttp } from "../scripts/dev.mjs";

const { values: opts } = parseArgs({
  options: {
    small: { type: "string", default: process.env.BENCH_SMALL ?? "10" },
    large: { type: "string", default: process.env.BENCH_LARGE ?? "1000" },
    scrapes: { type: "string", default: process.env.BENCH_SCRAPES ?? "15" },
    port: { type: "string", default: process.env.BENCH_PORT ?? "8811" },
  },
});
const SIZES = [Number(opts.small), Number(opts.large)];
const SCRAPES = Number(opts.scrapes);
const BUILD_DIR = path.join(".wrangler", "bench-metrics-build");
const ENV_FILE = path.join(ROOT, ".wrangler", "bench-metrics.env");
const WRANGLER_LOG = path.join(ROOT, ".wrangler", "bench-metrics-wrangler.log");
const METRICS_TOKEN = "bench-metrics-token";
const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];

/**
 * `n` tenants, each with 3 contacts, 3 conversations (one handed over long ago: overdue), 6 messages
 * (one reply still queued) and a pending dead letter: every gauge of the scrape has rows to count.
 */
function seedSql(n) {
  return [
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
     INSERT INTO companies (slug, name, status, time_zone, locale, channel, channel_settings)
     SELECT 'bench-' || i, 'Bench ' || i, 'active', 'America/Sao_Paulo', 'pt-BR', 'sandbox', '{}' FROM n`,
    `INSERT INTO contacts (company_id, phone) SELECT c.id, '5511' || printf('%09d', c.id * 10 + k.k) FROM companies c, (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k`,
    `INSERT INTO conversations (company_id, contact_id, status, handoff_at) SELECT company_id, id, CASE WHEN id % 3 = 0 THEN 'human' ELSE 'bot' END, CASE WHEN id % 3 = 0 THEN 1 END FROM contacts`,
    `INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, type, body, status) SELECT company_id, id, contact_id, 'in', 'sandbox', 'text', 'Oi', 'received' FROM conversations`,
    `INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, type, body, status) SELECT company_id, id, contact_id, 'out', 'sandbox', 'text', 'Olá', CASE WHEN id % 3 = 0 THEN 'queued' ELSE 'accepted' END FROM conversations`,
    `INSERT INTO dead_letters (company_id, queue, payload, reason, attempts, dedup_key) SELECT id, 'inbound', '{}', 'bench', 5, 'bench-' || id FROM companies`,
  ].join(";\n");
}

async function startServer(n, log) {
  const persistTo = path.join(".wrangler", `bench-metrics-${n}`);
  rmSync(path.join(ROOT, persistTo), { recursive: true, force: true });
  await migrateLocal({ persistTo, quiet: true });
  await executeLocal(seedSql(n), { persistTo, quiet: true });
  const port = await freePort(Number(opts.port) + SIZES.indexOf(n));
  const base = `http://127.0.0.1:${port}`;
  const child = startWranglerDev({
    port,
    persistTo,
    output: log,
    extraArgs: [path.join(BUILD_DIR, "index.js"), "--no-bundle", "--env-file", ENV_FILE, "--log-level", "warn"],
  });
  await waitForHttp(`${base}/health`, child, 120_000);
  // Every tenant's DO records a day's typical series and pushes them to the aggregate.
  for (let offset = 0; offset < n; offset += 100) {
    const res = await fetch(`${base}/__bench/metrics/seed?offset=${offset}&limit=100`, { method: "POST", signal: AbortSignal.timeout(120_000) });
    if (res.status !== 200) throw new Error(`seed answered ${res.status}: ${await res.text()}`);
  }
  // The gauges from stored rows, as the minute cron computes them (rows per table included, the first time).
  await triggerCron(base, STORE_GAUGES_CRON);
  return { n, base, child };
}

// As Prometheus asks for it (its scrapes accept gzip).
const auth = { authorization: `Bearer ${METRICS_TOKEN}`, "accept-encoding": "gzip" };

/** The floor: the same number of bytes, gzip'd in advance, served from memory by the same server: no reads, no work. */
async function floor(base, bytes) {
  const t0 = performance.now();
  const res = await fetch(`${base}/__bench/bytes?bytes=${bytes}`, { headers: { "accept-encoding": "gzip" }, signal: AbortSignal.timeout(60_000) });
  const body = await res.text();
  if (res.status !== 200 || body.length !== bytes) throw new Error(`/__bench/bytes answered ${res.status} with ${body.length} bytes`);
  return performance.now() - t0;
}

async function scrape(base) {
  await fetch(`${base}/__bench/costs/reset`, { method: "POST" }).then((r) => r.arrayBuffer());
  const t0 = performance.now();
  const res = await fetch(`${base}/metrics`, { headers: auth, signal: AbortSignal.timeout(60_000) });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${body.slice(0, 300)}`);
  const costs = await (await fetch(`${base}/__bench/costs`)).json();
  return { ms, bytes: body.length, series: body.split("\n").filter((l) => l && !l.startsWith("#")).length, costs };
}

/**
 * The body as sent (fetch() would decompress it), with its content-encoding and the time to its last
 * byte: the server's part of a scrape, without the client's gunzip and decoding of the whole text.
 */
function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, { headers, signal: AbortSignal.timeout(60_000) }, (res) => {
      const parts = [];
      res.on("data", (p) => parts.push(p));
      res.on("end", () => resolve({ ms: performance.now() - t0, status: res.statusCode, encoding: res.headers["content-encoding"], body: Buffer.concat(parts) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** What crosses the wire, and the check that it gunzips (Node's zlib, several members) to exactly the plain scrape. */
async function wireCheck(base) {
  const zipped = await rawGet(`${base}/metrics`, auth);
  const plain = await rawGet(`${base}/metrics`, { authorization: auth.authorization });
  if (zipped.status !== 200 || zipped.encoding !== "gzip") throw new Error(`gzip scrape answered ${zipped.status}, content-encoding ${zipped.encoding}`);
  if (plain.status !== 200 || plain.encoding !== undefined) throw new Error(`plain scrape answered ${plain.status}, content-encoding ${plain.encoding}`);
  const same = gunzipSync(zipped.body).equals(plain.body);
  if (!same) throw new Error("the gunzipped scrape differs from the plain one");
  return { gzipBytes: zipped.body.length, identical: same };
}

async function main() {
  const invoked = process.env.npm_lifecycle_event === "bench:metrics" ? "npm run bench:metrics" : "node bench/metrics.mjs";
  console.log(`$ ${invoked}${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`);
  console.log(`machine: nproc=${os.availableParallelism?.() ?? os.cpus().length} · ${os.cpus()[0]?.model ?? "unknown"} · node ${process.version}`);
  console.log(`settings: ${SIZES.join(" vs ")} tenants, ${SCRAPES} scrapes each, interleaved (after 3 warm-up scrapes each)\n`);
  mkdirSync(path.join(ROOT, ".wrangler"), { recursive: true });
  writeFileSync(WRANGLER_LOG, "");
  const log = createWriteStream(WRANGLER_LOG, { flags: "a" });
  writeFileSync(
    ENV_FILE,
    ["ADMIN_TOKEN=bench-admin-token", "META_APP_SECRET=bench", `METRICS_TOKEN=${METRICS_TOKEN}`, "SECRETS_KEY=bench-secrets-key-0123456789abcdef", "COST_METER=true", ""].join(
      "\n",
    ),
  );
  console.log("[bench] bundling the Worker once (wrangler deploy --dry-run)…");
  await runWrangler(["deploy", "--dry-run", "--outdir", BUILD_DIR], { quiet: true });

  const servers = [];
  try {
    for (const n of SIZES) {
      console.log(`[bench] seeding ${n} tenants and starting wrangler dev (log: ${path.relative(ROOT, WRANGLER_LOG)})…`);
      servers.push(await startServer(n, log));
    }
    const runs = new Map(servers.map((s) => [s.n, []]));
    // Warm-up, the floor's too (it gzips its bytes on its first call).
    for (let i = 0; i < 3; i++) for (const s of servers) await floor(s.base, (await scrape(s.base)).bytes);
    for (let i = 0; i < SCRAPES; i++)
      for (const s of servers) {
        const r = await scrape(s.base);
        const floorMs = await floor(s.base, r.bytes);
        const rawMs = (await rawGet(`${s.base}/metrics`, auth)).ms;
        const rawFloorMs = (await rawGet(`${s.base}/__bench/bytes?bytes=${r.bytes}`, { "accept-encoding": "gzip" })).ms;
        runs.get(s.n).push({ ...r, floorMs, rawMs, rawFloorMs });
      }

    const wire = new Map();
    for (const s of servers) wire.set(s.n, await wireCheck(s.base));
    const rows = servers.map((s) => {
      const r = runs.get(s.n);
      const last = r[r.length - 1];
      return {
        tenants: s.n,
        median_ms: round(median(r.map((x) => x.ms))),
        p90_ms: round(p90(r.map((x) => x.ms))),
        floor_ms: round(median(r.map((x) => x.floorMs))),
        server_ms: round(median(r.map((x) => x.rawMs))),
        server_floor_ms: round(median(r.map((x) => x.rawFloorMs))),
        kib: round(last.bytes / 1024),
        gzip_kib: round(wire.get(s.n).gzipBytes / 1024),
        samples: last.series,
        do_rpc: last.costs.doRpc,
        d1_statements: last.costs.d1Statements,
        d1_round_trips: last.costs.d1RoundTrips,
      };
    });
    console.log("");
    console.table(rows);
    const [few, many] = rows;
    const ratio = round(many.median_ms / few.median_ms, 2);
    const floorRatio = round(many.floor_ms / few.floor_ms, 2);
    const serverRatio = round(many.server_ms / few.server_ms, 2);
    console.log(
      `server's part (time to the last byte as sent, no gunzip, no decoding): ${few.server_ms} vs ${many.server_ms} ms, ×${serverRatio} (target ≤ 1.5×) ${serverRatio <= 1.5 ? "PASS" : "FAIL"}; its floor ${few.server_floor_ms} vs ${many.server_floor_ms} ms`,
    );
    console.log(
      `whole scrape (fetch, gunzip and text): ×${ratio} (median), beside its floor ×${floorRatio}: the client gunzips and decodes ${round(many.kib / few.kib)}× the text, which no server work changes`,
    );
    console.log(`gunzipped scrape = plain scrape, byte for byte: ${servers.map((s) => `${s.n} tenants ${wire.get(s.n).identical ? "yes" : "NO"}`).join(", ")}`);
    console.log(
      `floor (the same bytes gzip'd in advance, from memory, no work): ${few.floor_ms} vs ${many.floor_ms} ms, ×${round(many.floor_ms / few.floor_ms, 2)}; scrape minus floor: ${round(few.median_ms - few.floor_ms)} vs ${round(many.median_ms - many.floor_ms)} ms`,
    );
    console.log(
      `queries per scrape: ${few.do_rpc} DO RPC + ${few.d1_statements} D1 statements in ${few.d1_round_trips} round trips at ${few.tenants} tenants; ${many.do_rpc} + ${many.d1_statements} in ${many.d1_round_trips} at ${many.tenants}`,
    );
    console.log("(the aggregate answers from memory plus 1 SQLite query of its own; the samples grow with the tenants, the queries do not)");
  } finally {
    for (const s of servers) await stopWrangler(s.child);
    log.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
