#!/usr/bin/env node
// Webhook benchmark: what the signed Meta webhook costs next to an empty route, measured side by side
// in one run against a private `wrangler dev` on 127.0.0.1, plus end-to-end replies per second.
// See bench/README.md. Usage:
//   npm run bench -- [--duration 10] [--connections 10] [--messages 500] [--port 8799] [--e2e-timeout 120]

import { createHmac } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { executeLocal, freePort, migrateLocal, parseEnvFile, ROOT, runWrangler, startWranglerDev, stopWrangler, tenantSeedSql, waitForHttp } from "../scripts/dev.mjs";

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string", default: process.env.BENCH_DURATION ?? "10" },
    connections: { type: "string", default: process.env.BENCH_CONNECTIONS ?? "10" },
    messages: { type: "string", default: process.env.BENCH_MESSAGES ?? "500" },
    port: { type: "string", default: process.env.BENCH_PORT ?? "8799" },
    "e2e-timeout": { type: "string", default: process.env.BENCH_E2E_TIMEOUT ?? "120" },
    "e2e-concurrency": { type: "string", default: process.env.BENCH_E2E_CONCURRENCY ?? "20" },
  },
});
const DURATION = Number(opts.duration);
const CONNECTIONS = Number(opts.connections);
const E2E_MESSAGES = Number(opts.messages);
const E2E_TIMEOUT_MS = Number(opts["e2e-timeout"]) * 1000;
const E2E_CONCURRENCY = Number(opts["e2e-concurrency"]);

const TENANT = "bench";
const PNID = "100000000000999";
const SETTINGS = {
  rateLimit: { perNumberPerMinute: 100000, perNumberBurst: 100000, perIpPerMinute: 10000000, perIpBurst: 1000000 },
  debounceMs: 0,
  maxTurnWaitMs: 0,
};
const STATE_DIR = path.join(".wrangler", "bench-state"); // relative to ROOT: wrangler runs with cwd ROOT
const BUILD_DIR = path.join(".wrangler", "bench-build");
const ENV_FILE = path.join(ROOT, ".wrangler", "bench.env");
const WRANGLER_LOG = path.join(ROOT, ".wrangler", "bench-wrangler.log");
const RESULTS_DIR = path.join(ROOT, "bench", "results");

// Secrets for the private server: the committed example's values, never the developer's .dev.vars.
const example = parseEnvFile(path.join(ROOT, ".dev.vars.example"));
const APP_SECRET = example.META_APP_SECRET;
if (!APP_SECRET) throw new Error(".dev.vars.example has no META_APP_SECRET");
const METRICS_TOKEN = "bench-metrics-token";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sign = (body) => `sha256=${createHmac("sha256", APP_SECRET).update(body).digest("hex")}`;
const runId = Date.now().toString(36);

/** A Meta text-message webhook exactly as Meta shapes it; every call is a new wamid. */
function metaTextBody(from, text, wamid) {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: PNID },
              contacts: [{ profile: { name: "Bench" }, wa_id: from }],
              messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } }],
            },
          },
        ],
      },
    ],
  });
}

/** Brazilian mobile numbers (55 + DDD + 9 + 8 digits): DDD 11 for the throughput run, 21 for end to end. */
const phone = (ddd, i) => `55${ddd}9${String(i % 1e8).padStart(8, "0")}`;

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function summarize(r) {
  return {
    requests: r.requests.total,
    req_per_s: r.requests.average,
    latency_ms: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.average },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    status_codes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
    duration_s: r.duration,
  };
}

async function metricSum(base, name, labels) {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` }, signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

async function postSigned(base, body) {
  const res = await fetch(`${base}/webhooks/whatsapp`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": sign(body) },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  await res.arrayBuffer();
  return res.status;
}

/** N signed webhooks from N contacts (bounded concurrency), then waits for N accepted replies. */
async function endToEnd(base) {
  const outboundLabels = { company: TENANT };
  const before = await metricSum(base, "secretaria_messages_outbound_total", outboundLabels);
  const statuses = {};
  let next = 0;
  const t0 = performance.now();
  const wall0 = Date.now();
  await Promise.all(
    Array.from({ length: Math.min(E2E_CONCURRENCY, E2E_MESSAGES) }, async () => {
      while (next < E2E_MESSAGES) {
        const i = next++;
        const status = await postSigned(base, metaTextBody(phone(21, i), "Oi, quero marcar uma consulta", `wamid.e2e.${runId}.${i}`)).catch((err) => `error:${err?.cause?.code ?? err.message}`);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const sendMs = performance.now() - t0;
  const accepted = statuses[200] ?? 0;
  let replies = 0;
  let lastChange = performance.now();
  const deadline = t0 + E2E_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const now = (await metricSum(base, "secretaria_messages_outbound_total", outboundLabels).catch(() => before + replies)) - before;
    if (now !== replies) lastChange = performance.now();
    replies = now;
    if (replies >= E2E_MESSAGES) break;
    await sleep(200);
  }
  const observedMs = lastChange - t0;
  // The poll sees the last reply up to 200 ms late; D1 has the exact time the channel accepted it.
  const exactLast = await lastReplyAcceptedAt().catch(() => null);
  const exactMs = exactLast ? exactLast - wall0 : null;
  const elapsedMs = exactMs && exactMs > 0 ? exactMs : observedMs;
  return {
    messages: E2E_MESSAGES,
    concurrency: E2E_CONCURRENCY,
    webhook_statuses: statuses,
    webhooks_accepted: accepted,
    send_ms: Math.round(sendMs),
    webhooks_per_s: round((E2E_MESSAGES / sendMs) * 1000),
    replies,
    complete: replies >= E2E_MESSAGES,
    first_send_to_last_reply_ms: Math.round(elapsedMs),
    last_reply_source: exactMs && exactMs > 0 ? "d1 messages.updated_at" : "metrics poll (200 ms resolution)",
    messages_per_s: round((replies / elapsedMs) * 1000),
  };
}

/** max(updated_at) of the accepted end-to-end replies, read from the local D1 file. */
async function lastReplyAcceptedAt() {
  const sql = `SELECT max(m.updated_at) AS last FROM messages m JOIN contacts c ON c.id = m.contact_id AND c.company_id = m.company_id WHERE m.company_id = (SELECT id FROM companies WHERE slug = '${TENANT}') AND m.direction = 'out' AND m.status = 'accepted' AND c.phone LIKE '55219%'`;
  const out = await runWrangler(["d1", "execute", "secretaria", "--local", "--persist-to", STATE_DIR, "--json", "--command", sql], { quiet: true });
  const json = JSON.parse(out.slice(out.indexOf("[")));
  return json[0]?.results?.[0]?.last ?? null;
}

const round = (n, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);
const fmt = (n) => (n == null ? "n/a" : n.toLocaleString("en-US", { maximumFractionDigits: 2 }));

async function main() {
  const invoked = process.env.npm_lifecycle_event === "bench" ? `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}` : null;
  const command = `${path.relative(ROOT, process.argv[1]) === "bench/webhook.mjs" ? "node bench/webhook.mjs" : process.argv.slice(1).join(" ")}${process.argv.length > 2 ? ` ${process.argv.slice(2).join(" ")}` : ""}`;
  const machine = {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    mem_gb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  console.log(`$ ${invoked ? `${invoked}   (runs: ${command})` : command}`);
  console.log(`machine: nproc=${machine.nproc} · ${machine.cpu} · ${machine.mem_gb} GB · node ${machine.node} · ${machine.platform}`);
  console.log(`settings: ${DURATION}s × ${CONNECTIONS} connections per route; end to end ${E2E_MESSAGES} messages (concurrency ${E2E_CONCURRENCY}, timeout ${E2E_TIMEOUT_MS / 1000}s)`);
  console.log("note: client, wrangler and workerd (incl. the queue consumers) share this machine's CPUs\n");

  // A fresh state each run: counters start at zero and earlier runs' backlog cannot leak in.
  rmSync(path.join(ROOT, STATE_DIR), { recursive: true, force: true });
  mkdirSync(path.join(ROOT, ".wrangler"), { recursive: true });
  mkdirSync(RESULTS_DIR, { recursive: true });

  console.log("[bench] bundling the Worker once (wrangler deploy --dry-run), so edits during the run do not reload it…");
  await runWrangler(["deploy", "--dry-run", "--outdir", BUILD_DIR], { quiet: true });
  console.log(`[bench] migrating + seeding tenant "${TENANT}" into ${STATE_DIR}…`);
  await migrateLocal({ persistTo: STATE_DIR, quiet: true });
  await executeLocal(tenantSeedSql({ slug: TENANT, name: "Bench", phoneNumberId: PNID, channelSettings: SETTINGS, upsertSettings: true }), { persistTo: STATE_DIR, quiet: true });
  writeFileSync(
    ENV_FILE,
    [`ADMIN_TOKEN=bench-admin-token`, `META_APP_SECRET=${APP_SECRET}`, `META_VERIFY_TOKEN=bench-verify-token`, `METRICS_TOKEN=${METRICS_TOKEN}`, `SANDBOX_PUBLIC=false`, ""].join("\n"),
  );

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

  try {
    await waitForHttp(`${base}/health`, child, 120_000);
    // Warm-up: compile, first DO/D1 touches, keep-alive sockets.
    for (let i = 0; i < 20; i++) await fetch(`${base}/health/live`).then((r) => r.arrayBuffer());
    for (let i = 0; i < 20; i++) await postSigned(base, metaTextBody(phone(31, i), "warm-up", `wamid.warm.${runId}.${i}`));
    // Let the warm-up replies drain so they do not compete with what we measure.
    for (let t = 0; t < 50 && (await metricSum(base, "secretaria_messages_outbound_total", { company: TENANT })) < 20; t++) await sleep(200);

    // (3) first: end to end on an idle server (the throughput runs below leave a queue backlog behind).
    console.log(`[bench] end to end: ${E2E_MESSAGES} signed webhooks from ${E2E_MESSAGES} contacts…`);
    const e2e = await endToEnd(base);

    console.log(`[bench] (1) GET /health/live for ${DURATION}s…`);
    const baseline = summarize(await cannon({ url: `${base}/health/live`, connections: CONNECTIONS, duration: DURATION }));

    console.log(`[bench] (2) POST /webhooks/whatsapp (signed, unique wamid + sender per request) for ${DURATION}s…`);
    let seq = 0;
    const webhook = summarize(
      await cannon({
        url: base,
        connections: CONNECTIONS,
        duration: DURATION,
        requests: [
          {
            method: "POST",
            path: "/webhooks/whatsapp",
            setupRequest: (req) => {
              const i = seq++;
              const body = metaTextBody(phone(11, i), "Oi", `wamid.bench.${runId}.${i}`);
              return { ...req, body, headers: { ...req.headers, "content-type": "application/json", "x-hub-signature-256": sign(body) } };
            },
          },
        ],
      }),
    );

    const ratios = {
      req_per_s_webhook_over_baseline: round(webhook.req_per_s / baseline.req_per_s, 3),
      p99_webhook_over_baseline: round(webhook.latency_ms.p99 / baseline.latency_ms.p99, 2),
      p50_webhook_over_baseline: round(webhook.latency_ms.p50 / baseline.latency_ms.p50, 2),
    };

    const rows = [
      ["route", "req/s", "p50 ms", "p99 ms", "requests", "non-2xx", "errors"],
      ["GET /health/live (baseline)", fmt(baseline.req_per_s), fmt(baseline.latency_ms.p50), fmt(baseline.latency_ms.p99), fmt(baseline.requests), fmt(baseline.non2xx), fmt(baseline.errors + baseline.timeouts)],
      ["POST /webhooks/whatsapp", fmt(webhook.req_per_s), fmt(webhook.latency_ms.p50), fmt(webhook.latency_ms.p99), fmt(webhook.requests), fmt(webhook.non2xx), fmt(webhook.errors + webhook.timeouts)],
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
    console.log("\n== Results ==");
    for (const r of rows) console.log("  " + r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join("  "));
    console.log(`  status codes: baseline ${JSON.stringify(baseline.status_codes)} · webhook ${JSON.stringify(webhook.status_codes)}`);
    console.log(`  ratios (webhook / baseline): req/s ×${ratios.req_per_s_webhook_over_baseline} · p99 ×${ratios.p99_webhook_over_baseline} · p50 ×${ratios.p50_webhook_over_baseline}`);
    console.log(
      `  end to end: ${e2e.replies}/${e2e.messages} replies accepted${e2e.complete ? "" : " (INCOMPLETE: timed out)"} · first send → last reply ${fmt(e2e.first_send_to_last_reply_ms)} ms (${e2e.last_reply_source}) · ${fmt(e2e.messages_per_s)} messages/s end to end`,
    );
    console.log(`              webhooks: ${JSON.stringify(e2e.webhook_statuses)} sent in ${fmt(e2e.send_ms)} ms (${fmt(e2e.webhooks_per_s)}/s, concurrency ${e2e.concurrency})`);

    const stamp = new Date().toISOString().replaceAll(":", "-").replace(/\..*/, "");
    const file = path.join(RESULTS_DIR, `${stamp}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        { command: invoked ?? command, at: new Date().toISOString(), machine, settings: { duration_s: DURATION, connections: CONNECTIONS, tenant_settings: SETTINGS, wrangler: "dev --no-bundle (prebuilt), local, --log-level warn" }, baseline, webhook, ratios, end_to_end: e2e },
        null,
        2,
      ) + "\n",
    );
    console.log(`\nresults: ${path.relative(ROOT, file)}`);
    return e2e.complete && webhook.non2xx === 0 && baseline.non2xx === 0 ? 0 : 1;
  } finally {
    await stop();
    log.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[bench] ${err?.stack ?? err}`);
    if (existsSync(WRANGLER_LOG)) console.error(`[bench] wrangler log: ${path.relative(ROOT, WRANGLER_LOG)}`);
    process.exit(1);
  },
);
