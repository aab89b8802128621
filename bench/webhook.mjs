#!/usr/bin/env node
// Webhook benchmark: what the signed Meta webhook costs next to an empty route, measured side by side
// in one run against a private `wrangler dev` on 127.0.0.1, plus end-to-end replies per second and
// what each message costs, on each store engine (D1, Postgres through a local Hyperdrive) in turn.
// See bench/README.md. Usage:
//   npm run bench -- [--engines d1,postgres] [--duration 10] [--connections 10] [--messages 500] [--port 8841] [--e2e-timeout 120]

import { createHmac } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { chooseEngines, describeMachine, machineInfo, freshPostgresDatabase, postgresCounters, postgresCpuMs, seedTenantPg, withPg, writeBenchConfig } from "./engines.mjs";
import { printResults, round } from "./webhook-report.mjs";
import { cannon, combineRounds, metaWebhookBody, summarize, workerdCpuMs } from "./webhook-servers.mjs";
import { executeLocal, freePort, migrateLocal, parseEnvFile, ROOT, runWrangler, startWranglerDev, stopWrangler, tenantSeedSql, waitForHttp } from "../scripts/dev.mjs";

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string", default: process.env.BENCH_DURATION ?? "10" },
    connections: { type: "string", default: process.env.BENCH_CONNECTIONS ?? "10" },
    messages: { type: "string", default: process.env.BENCH_MESSAGES ?? "500" },
    port: { type: "string", default: process.env.BENCH_PORT ?? "8799" },
    // d1, postgres or both (the default; D1 alone when no Postgres answers). Each gets its own fresh state.
    engines: { type: "string", default: process.env.BENCH_ENGINES },
    "e2e-timeout": { type: "string", default: process.env.BENCH_E2E_TIMEOUT ?? "120" },
    "e2e-concurrency": { type: "string", default: process.env.BENCH_E2E_CONCURRENCY ?? "20" },
    // What each end-to-end contact writes: a greeting gets a template reply; "quero marcar uma consulta" gets the calendar's offer.
    text: { type: "string", default: process.env.BENCH_TEXT ?? "Oi, bom dia!" },
  },
});
const DURATION = Number(opts.duration);
/** Each route is measured in this many turns of DURATION / ROUTE_ROUNDS seconds, the routes interleaved. */
const ROUTE_ROUNDS = 2;
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
const STATE_DIR = path.join(".wrangler", "bench-state"); // relative to ROOT: wrangler runs with cwd ROOT; one per engine
const PG_DATABASE = "secretaria_bench"; // dropped, created and migrated by every run; never another database
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

/** A Meta text-message webhook to the bench tenant's number; every call is a new wamid. */
const metaTextBody = (from, text, wamid) => metaWebhookBody(PNID, from, text, wamid);

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
async function endToEnd(base, target) {
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
  // The poll sees the last reply up to 200 ms late; the store has the exact time the channel accepted it.
  const exactLast = await lastReplyAcceptedAt(target).catch(() => null);
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
    last_reply_source: exactMs && exactMs > 0 ? `${target.engine} messages.updated_at` : "metrics poll (200 ms resolution)",
    messages_per_s: round((replies / elapsedMs) * 1000),
  };
}

/** max(updated_at) of the accepted end-to-end replies, read from the engine's store (after the fact: not metered). */
async function lastReplyAcceptedAt(target) {
  const sql = `SELECT max(m.updated_at) AS last FROM messages m JOIN contacts c ON c.id = m.contact_id AND c.company_id = m.company_id WHERE m.company_id = (SELECT id FROM companies WHERE slug = '${TENANT}') AND m.direction = 'out' AND m.status = 'accepted' AND c.phone LIKE '55219%'`;
  if (target.engine === "postgres") return withPg(target.pgUrl, async (client) => Number((await client.unsafe(sql))[0]?.last) || null);
  const out = await runWrangler(["d1", "execute", "secretaria", "--local", "--persist-to", target.stateDir, "--json", "--command", sql], { quiet: true });
  const json = JSON.parse(out.slice(out.indexOf("[")));
  return json[0]?.results?.[0]?.last ?? null;
}

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
    extraArgs: [path.join(BUILD_DIR, "index.js"), "--no-bundle", "--env-file", ENV_FILE, "--log-level", "warn", "--config", config],
  });
  await waitForHttp(`${base}/health`, child, 120_000);
  for (let i = 0; i < 20; i++) await fetch(`${base}/health/live`).then((r) => r.arrayBuffer());
  return { base, child, log };
}

let seq = 0;
/** autocannon's load of signed Meta webhooks (a new wamid and sender each) on `path`. */
const signedPosts = (base, path, duration) =>
  cannon({
    url: base,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: "POST",
        path,
        setupRequest: (req) => {
          const i = seq++;
          const body = metaTextBody(phone(11, i), "Oi", `wamid.bench.${runId}.${seq}.${i}`);
          return { ...req, body, headers: { ...req.headers, "content-type": "application/json", "x-hub-signature-256": sign(body) } };
        },
      },
    ],
  }).then(summarize);

/**
 * The empty route, then the webhook; with `floors` (the ack-only server, whose inbound queue has no
 * consumer) also the same signed body posted to /__bench/echo (read it, answer) and /__bench/enqueue
 * (read it, one queue send): what the runtime charges before any of the ack's own work.
 */
async function measureRoutes(base, { floors = false } = {}) {
  const routes = {
    baseline: (duration) => cannon({ url: `${base}/health/live`, connections: CONNECTIONS, duration }).then(summarize),
    ...(floors && { echo: (duration) => signedPosts(base, "/__bench/echo", duration), enqueue: (duration) => signedPosts(base, "/__bench/enqueue", duration) }),
    webhook: (duration) => signedPosts(base, "/webhooks/whatsapp", duration),
  };
  // A 2 s warm-up of each route (discarded: the first seconds of a route ran up to ×1.5 off), then the
  // routes in turn, ROUTE_ROUNDS times: a slow moment of the shared machine then lands on every route.
  for (const run of Object.values(routes)) await run(2);
  const rounds = Object.fromEntries(Object.keys(routes).map((k) => [k, []]));
  for (let r = 0; r < ROUTE_ROUNDS; r++) for (const [k, run] of Object.entries(routes)) rounds[k].push(await run(DURATION / ROUTE_ROUNDS));
  const m = Object.fromEntries(Object.entries(rounds).map(([k, list]) => [k, combineRounds(list)]));
  // The floors' queue sends are not the webhook's: the caller reads costs per webhook from here on.
  if (floors) await fetch(`${base}/__bench/costs/reset?company=${TENANT}`, { method: "POST" });
  const ratioTo = (x) => (x ? round(x.req_per_s / m.baseline.req_per_s, 3) : null);
  return { ...m, echo: m.echo ?? null, enqueue: m.enqueue ?? null, ratio: ratioTo(m.webhook), echo_ratio: ratioTo(m.echo), enqueue_ratio: ratioTo(m.enqueue) };
}

/** The store's share of `/__bench/costs`, per `n` requests: statements, round trips, connections. */
function storeCostsPer(cost, n) {
  const per = (v) => round(v / Math.max(1, n), 3);
  const pg = cost.engine === "postgres";
  return {
    store_statements: per(pg ? cost.pgStatements : cost.d1Statements),
    store_round_trips: per(pg ? cost.pgRoundTrips : cost.d1RoundTrips),
    pg_connections: pg ? per(cost.pgConnections) : null,
    do_rpcs: per(cost.doRpc),
    queue_messages: per(cost.queueMessages),
  };
}

/**
 * One engine's fresh state: its own persist directories (Durable Objects and queues; D1's database
 * too), and on Postgres the bench database dropped, created, migrated and seeded. Both servers of
 * the engine (ack alone, full) store in it; the ack alone writes nothing there.
 */
async function prepareEngine(engine) {
  const stateDir = `${STATE_DIR}-${engine}`;
  const ackStateDir = `${stateDir}-ack`;
  for (const dir of [stateDir, ackStateDir]) rmSync(path.join(ROOT, dir), { recursive: true, force: true });
  const tenant = { slug: TENANT, name: "Bench", phoneNumberId: PNID, channelSettings: SETTINGS };
  let pgUrl = null;
  if (engine === "postgres") {
    console.log(`[bench] ${engine}: database ${PG_DATABASE} dropped, created, migrated (migrations-pg/) and seeded with tenant "${TENANT}"…`);
    pgUrl = await freshPostgresDatabase(PG_DATABASE);
    await withPg(pgUrl, (client) => seedTenantPg(client, tenant));
  } else {
    console.log(`[bench] ${engine}: migrating + seeding tenant "${TENANT}" into ${stateDir} and ${ackStateDir}…`);
    for (const dir of [stateDir, ackStateDir]) {
      await migrateLocal({ persistTo: dir, quiet: true });
      await executeLocal(tenantSeedSql({ ...tenant, upsertSettings: true }), { persistTo: dir, quiet: true });
    }
  }
  return {
    engine,
    stateDir,
    ackStateDir,
    pgUrl,
    ackConfig: writeBenchConfig({ name: `bench-${engine}-ack-only`, consumers: false, hyperdriveUrl: pgUrl }),
    fullConfig: writeBenchConfig({ name: `bench-${engine}`, hyperdriveUrl: pgUrl }),
  };
}

/** The three measurements on one engine: the ack alone, end to end with its costs, the routes under load. */
async function runEngine(engine, servers) {
  const target = await prepareEngine(engine);
  // (1) The ack alone: a server whose queues have no consumers, so nothing else competes for the CPU.
  let server = await servers.start(`${engine}, ack only, no queue consumers`, { persistTo: target.ackStateDir, config: target.ackConfig });
  for (let i = 0; i < 20; i++) await postSigned(server.base, metaTextBody(phone(31, i), "warm-up", `wamid.warm.${runId}.${engine}.${i}`));
  console.log(`[bench] ${engine} (1) ack alone: GET /health/live, the two floors, then POST /webhooks/whatsapp, ${DURATION}s each…`);
  await fetch(`${server.base}/__bench/costs/reset?company=${TENANT}`, { method: "POST" });
  const ackAlone = await measureRoutes(server.base, { floors: true });
  ackAlone.costs_per_webhook = storeCostsPer(await costsOf(server.base), ackAlone.webhook.requests);
  await servers.stop();

  // (2) The whole path on a server with its consumers.
  server = await servers.start(`${engine}, full`, { persistTo: target.stateDir, config: target.fullConfig });
  const { base } = server;
  for (let i = 0; i < 20; i++) await postSigned(base, metaTextBody(phone(31, i), "warm-up", `wamid.warm.${runId}.${engine}.${i}`));
  for (let t = 0; t < 50 && (await metricSum(base, "secretaria_messages_outbound_total", { company: TENANT })) < 20; t++) await sleep(200);
  await fetch(`${base}/__bench/costs/reset?company=${TENANT}`, { method: "POST" });
  const pg = engine === "postgres";
  const counters0 = pg ? await postgresCounters(PG_DATABASE) : null;
  const cpu0 = { workerd: workerdCpuMs(server.child.pid), postgres: pg ? postgresCpuMs() : 0 };
  console.log(`[bench] ${engine} (2) end to end: ${E2E_MESSAGES} signed webhooks from ${E2E_MESSAGES} contacts…`);
  const e2e = await endToEnd(base, target);
  const cpu = { workerd: workerdCpuMs(server.child.pid) - cpu0.workerd, postgres: pg ? postgresCpuMs() - cpu0.postgres : 0 };
  const cost = await costsOf(base);
  const counters1 = pg ? await postgresCounters(PG_DATABASE) : null;
  if (cost.engine !== engine) throw new Error(`the ${engine} server stores in ${cost.engine}: its config did not take`);
  const per = (n) => round(n / Math.max(1, e2e.replies), 3);
  const perMessage = {
    cpu_ms: round((cpu.workerd + cpu.postgres) / Math.max(1, e2e.replies), 2),
    workerd_cpu_ms: round(cpu.workerd / Math.max(1, e2e.replies), 2),
    postgres_cpu_ms: pg ? round(cpu.postgres / Math.max(1, e2e.replies), 2) : null,
    do_rpcs: per(cost.doRpc),
    do_sqlite_statements: per(cost.sqlite),
    store_statements: per(pg ? cost.pgStatements : cost.d1Statements),
    store_round_trips: per(pg ? cost.pgRoundTrips : cost.d1RoundTrips),
    pg_connections: pg ? per(cost.pgConnections) : null,
    pg_backends_started: pg ? per(counters1.sessions - counters0.sessions) : null,
    queue_send_calls: per(cost.queueSendCalls),
    queue_messages: per(cost.queueMessages),
  };

  // (3) For comparison: the webhook while the same server answers what it receives.
  console.log(`[bench] ${engine} (3) webhook under load with the consumers running, ${DURATION}s each…`);
  const underLoad = await measureRoutes(base);
  await servers.stop();
  return { ackAlone, e2e, perMessage, underLoad, costs: cost, contention: pg ? { other_databases_transactions: counters1.otherTransactions - counters0.otherTransactions } : null };
}

async function main() {
  const invoked = process.env.npm_lifecycle_event === "bench" ? `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}` : null;
  const command = `${path.relative(ROOT, process.argv[1]) === "bench/webhook.mjs" ? "node bench/webhook.mjs" : process.argv.slice(1).join(" ")}${process.argv.length > 2 ? ` ${process.argv.slice(2).join(" ")}` : ""}`;
  const machine = machineInfo();
  const engines = await chooseEngines(opts.engines);
  console.log(`$ ${invoked ? `${invoked}   (runs: ${command})` : command}`);
  console.log(`machine: ${describeMachine(machine)}`);
  console.log(
    `settings: engines ${engines.join(", ")} (one after the other); ${DURATION}s × ${CONNECTIONS} connections per route; end to end ${E2E_MESSAGES} messages (concurrency ${E2E_CONCURRENCY}, timeout ${E2E_TIMEOUT_MS / 1000}s)`,
  );
  console.log("note: client, wrangler, workerd (incl. the queue consumers) and Postgres share this machine's CPUs\n");

  mkdirSync(path.join(ROOT, ".wrangler"), { recursive: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(WRANGLER_LOG, "");
  console.log("[bench] bundling the Worker once (wrangler deploy --dry-run), so edits during the run do not reload it…");
  await runWrangler(["deploy", "--dry-run", "--outdir", BUILD_DIR], { quiet: true });
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
  const servers = {
    async start(label, options) {
      server = await startServer(label, options);
      return server;
    },
    async stop() {
      if (!server) return;
      const s = server;
      server = null;
      await stopWrangler(s.child);
      s.log.end();
    },
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => servers.stop().then(() => process.exit(130)));

  try {
    const results = {};
    for (const engine of engines) results[engine] = await runEngine(engine, servers);
    printResults(results);

    const stamp = new Date().toISOString().replaceAll(":", "-").replace(/\..*/, "");
    const file = path.join(RESULTS_DIR, `${stamp}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          command: invoked ?? command,
          at: new Date().toISOString(),
          machine,
          settings: { engines, duration_s: DURATION, connections: CONNECTIONS, tenant_settings: SETTINGS, wrangler: "dev --no-bundle (prebuilt), local, --log-level warn" },
          engines: results,
        },
        null,
        2,
      ) + "\n",
    );
    console.log(`\nresults: ${path.relative(ROOT, file)}`);
    const ok = (r) => r.webhook.non2xx === 0 && r.baseline.non2xx === 0;
    return Object.values(results).every((r) => r.e2e.complete && ok(r.ackAlone) && ok(r.underLoad)) ? 0 : 1;
  } finally {
    await servers.stop();
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
