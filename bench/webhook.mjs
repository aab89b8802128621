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
import { cannon, summarize, workerdCpuMs, writeAckOnlyConfig } from "./webhook-servers.mjs";
import { executeLocal, freePort, migrateLocal, parseEnvFile, ROOT, runWrangler, startWranglerDev, stopWrangler, tenantSeedSql, waitForHttp } from "../scripts/dev.mjs";

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string", default: process.env.BENCH_DURATION ?? "10" },
    connections: { type: "string", default: process.env.BENCH_CONNECTIONS ?? "10" },
    messages: { type: "string", default: process.env.BENCH_MESSAGES ?? "500" },
    port: { type: "string", default: process.env.BENCH_PORT ?? "8799" },
    "e2e-timeout": { type: "string", default: process.env.BENCH_E2E_TIMEOUT ?? "120" },
    "e2e-concurrency": { type: "string", default: process.env.BENCH_E2E_CONCURRENCY ?? "20" },
    // What each end-to-end contact writes: a greeting gets a template reply; "quero marcar uma consulta" gets the calendar's offer.
    text: { type: "string", default: process.env.BENCH_TEXT ?? "Oi, bom dia!" },
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
        const status = await postSigned(base, metaTextBody(phone(21, i), opts.text, `wamid.e2e.${runId}.${i}`)).catch((err) => `error:${err?.cause?.code ?? err.message}`);
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

async function costsOf(base) {
  const res = await fetch(`${base}/__bench/costs?company=${TENANT}`, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`/__bench/costs answered ${res.status}`);
  return res.json();
}

async function startServer(label, { persistTo, config }) {
  const port = await freePort(Number(opts.port));
  const base = `http://127.0.0.1:${port}`;
  const log = createWriteStream(WRANGLER_LOG, { flags: "a" });
  console.log(`[bench] starting wrangler dev (${label}) on ${base} (log: ${path.relative(ROOT, WRANGLER_LOG)})…`);
  const child = startWranglerDev({
    port,
    persistTo,
    output: log,
    extraArgs: [path.join(BUILD_DIR, "index.js"), "--no-bundle", "--env-file", ENV_FILE, "--log-level", "warn", ...(config ? ["--config", config] : [])],
  });
  await waitForHttp(`${base}/health`, child, 120_000);
  for (let i = 0; i < 20; i++) await fetch(`${base}/health/live`).then((r) => r.arrayBuffer());
  return { base, child, log };
}

async function measureRoutes(base) {
  const baseline = summarize(await cannon({ url: `${base}/health/live`, connections: CONNECTIONS, duration: DURATION }));
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
            const body = metaTextBody(phone(11, i), "Oi", `wamid.bench.${runId}.${seq}.${i}`);
            return { ...req, body, headers: { ...req.headers, "content-type": "application/json", "x-hub-signature-256": sign(body) } };
          },
        },
      ],
    }),
  );
  return { baseline, webhook, ratio: round(webhook.req_per_s / baseline.req_per_s, 3) };
}

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
  console.log(
    `settings: ${DURATION}s × ${CONNECTIONS} connections per route; end to end ${E2E_MESSAGES} messages (concurrency ${E2E_CONCURRENCY}, timeout ${E2E_TIMEOUT_MS / 1000}s)`,
  );
  console.log("note: client, wrangler and workerd (incl. the queue consumers) share this machine's CPUs\n");

  // A fresh state each run: counters start at zero and earlier runs' backlog cannot leak in.
  const ACK_STATE = `${STATE_DIR}-ack`;
  for (const dir of [STATE_DIR, ACK_STATE]) rmSync(path.join(ROOT, dir), { recursive: true, force: true });
  mkdirSync(path.join(ROOT, ".wrangler"), { recursive: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(WRANGLER_LOG, "");

  console.log("[bench] bundling the Worker once (wrangler deploy --dry-run), so edits during the run do not reload it…");
  await runWrangler(["deploy", "--dry-run", "--outdir", BUILD_DIR], { quiet: true });
  console.log(`[bench] migrating + seeding tenant "${TENANT}" into ${STATE_DIR} and ${ACK_STATE}…`);
  for (const dir of [STATE_DIR, ACK_STATE]) {
    await migrateLocal({ persistTo: dir, quiet: true });
    await executeLocal(tenantSeedSql({ slug: TENANT, name: "Bench", phoneNumberId: PNID, channelSettings: SETTINGS, upsertSettings: true }), { persistTo: dir, quiet: true });
  }
  writeFileSync(
    ENV_FILE,
    [
      `ADMIN_TOKEN=bench-admin-token`,
      `META_APP_SECRET=${APP_SECRET}`,
      `META_VERIFY_TOKEN=bench-verify-token`,
      `METRICS_TOKEN=${METRICS_TOKEN}`,
      `SANDBOX_PUBLIC=false`,
      `COST_METER=true`,
      "",
    ].join("\n"),
  );

  let server = null;
  const stop = async () => {
    if (!server) return;
    const s = server;
    server = null;
    await stopWrangler(s.child);
    s.log.end();
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => stop().then(() => process.exit(130)));

  try {
    // (1) The ack alone: a server whose queues have no consumers, so nothing else competes for the CPU.
    server = await startServer("ack only, no queue consumers", { persistTo: ACK_STATE, config: writeAckOnlyConfig() });
    for (let i = 0; i < 20; i++) await postSigned(server.base, metaTextBody(phone(31, i), "warm-up", `wamid.warm.${runId}.${i}`));
    console.log(`[bench] (1) ack alone: GET /health/live then POST /webhooks/whatsapp, ${DURATION}s each…`);
    const ackAlone = await measureRoutes(server.base);
    await stop();

    // (2) The whole path on a server with its consumers.
    server = await startServer("full", { persistTo: STATE_DIR });
    const { base } = server;
    for (let i = 0; i < 20; i++) await postSigned(base, metaTextBody(phone(31, i), "warm-up", `wamid.warm.${runId}.${i}`));
    for (let t = 0; t < 50 && (await metricSum(base, "secretaria_messages_outbound_total", { company: TENANT })) < 20; t++) await sleep(200);
    await fetch(`${base}/__bench/costs/reset?company=${TENANT}`, { method: "POST" });
    const cpu0 = workerdCpuMs(server.child.pid);
    console.log(`[bench] (2) end to end: ${E2E_MESSAGES} signed webhooks from ${E2E_MESSAGES} contacts…`);
    const e2e = await endToEnd(base);
    const cpuMs = workerdCpuMs(server.child.pid) - cpu0;
    const cost = await costsOf(base);
    const per = (n) => round(n / Math.max(1, e2e.replies), 3);
    const perMessage = {
      cpu_ms: round(cpuMs / Math.max(1, e2e.replies), 2),
      do_rpcs: per(cost.doRpc),
      do_sqlite_statements: per(cost.sqlite),
      d1_statements: per(cost.d1Statements),
      d1_round_trips: per(cost.d1RoundTrips),
      queue_send_calls: per(cost.queueSendCalls),
      queue_messages: per(cost.queueMessages),
    };

    // (3) For comparison: the webhook while the same server answers what it receives.
    console.log(`[bench] (3) webhook under load with the consumers running, ${DURATION}s each…`);
    const underLoad = await measureRoutes(base);

    console.log("\n== Results ==");
    const rows = [
      ["run", "route", "req/s", "p50 ms", "p99 ms", "non-2xx"],
      [
        "ack alone",
        "GET /health/live (empty route)",
        fmt(ackAlone.baseline.req_per_s),
        fmt(ackAlone.baseline.latency_ms.p50),
        fmt(ackAlone.baseline.latency_ms.p99),
        fmt(ackAlone.baseline.non2xx),
      ],
      [
        "ack alone",
        "POST /webhooks/whatsapp",
        fmt(ackAlone.webhook.req_per_s),
        fmt(ackAlone.webhook.latency_ms.p50),
        fmt(ackAlone.webhook.latency_ms.p99),
        fmt(ackAlone.webhook.non2xx),
      ],
      [
        "with consumers",
        "GET /health/live (empty route)",
        fmt(underLoad.baseline.req_per_s),
        fmt(underLoad.baseline.latency_ms.p50),
        fmt(underLoad.baseline.latency_ms.p99),
        fmt(underLoad.baseline.non2xx),
      ],
      [
        "with consumers",
        "POST /webhooks/whatsapp",
        fmt(underLoad.webhook.req_per_s),
        fmt(underLoad.webhook.latency_ms.p50),
        fmt(underLoad.webhook.latency_ms.p99),
        fmt(underLoad.webhook.non2xx),
      ],
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
    for (const r of rows) console.log("  " + r.map((v, c) => (c < 2 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join("  "));
    console.log(`  ack alone ÷ empty route (req/s): ×${ackAlone.ratio}   (target ≥ 0.5)`);
    console.log(`  webhook ÷ empty route with the consumers running: ×${underLoad.ratio}`);
    console.log(
      `  end to end: ${e2e.replies}/${e2e.messages} replies accepted${e2e.complete ? "" : " (INCOMPLETE: timed out)"} · first send → last reply ${fmt(e2e.first_send_to_last_reply_ms)} ms (${e2e.last_reply_source}) · ${fmt(e2e.messages_per_s)} messages/s   (target ≥ 200)`,
    );
    console.log(
      `  per message: ${fmt(perMessage.cpu_ms)} CPU ms (workerd, target ≤ 8) · ${fmt(perMessage.do_rpcs)} DO RPCs · ${fmt(perMessage.do_sqlite_statements)} SQLite statements · ${fmt(perMessage.d1_statements)} D1 statements in ${fmt(perMessage.d1_round_trips)} round trips · ${fmt(perMessage.queue_messages)} queue messages in ${fmt(perMessage.queue_send_calls)} sends`,
    );
    console.log(`  webhooks: ${JSON.stringify(e2e.webhook_statuses)} sent in ${fmt(e2e.send_ms)} ms (${fmt(e2e.webhooks_per_s)}/s, concurrency ${e2e.concurrency})`);

    const stamp = new Date().toISOString().replaceAll(":", "-").replace(/\..*/, "");
    const file = path.join(RESULTS_DIR, `${stamp}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          command: invoked ?? command,
          at: new Date().toISOString(),
          machine,
          settings: { duration_s: DURATION, connections: CONNECTIONS, tenant_settings: SETTINGS, wrangler: "dev --no-bundle (prebuilt), local, --log-level warn" },
          ack_alone: ackAlone,
          under_load: underLoad,
          end_to_end: e2e,
          per_message: perMessage,
        },
        null,
        2,
      ) + "\n",
    );
    console.log(`\nresults: ${path.relative(ROOT, file)}`);
    const ok = (r) => r.webhook.non2xx === 0 && r.baseline.non2xx === 0;
    return e2e.complete && ok(ackAlone) && ok(underLoad) ? 0 : 1;
  } finally {
    await stop();
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
