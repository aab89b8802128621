#!/usr/bin/env node
// `npm start`: local development with no accounts and no network.
//   1. .dev.vars from .dev.vars.example (never overwritten)
//   2. local D1 migrations
//   3. the demo tenant + its API token (idempotent)
//   4. `wrangler dev` on 127.0.0.1, then a banner with every URL and a login once /health answers
// `node scripts/dev.mjs --check` does the same, sends one sandbox message, waits for the reply,
// prints PASS/FAIL, stops wrangler and exits 0/1.
//
// Plain Node ESM without dependencies; bench/webhook.mjs reuses the exported helpers.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import net from "node:net";
import { constants as osConstants } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { historyCsv, loadGenerator } from "./synthetic-csv.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DB_NAME = "secretaria";

export const DEMO = {
  slug: "demo",
  name: "Clínica Demo",
  phoneNumberId: "100000000000001",
  token: "demo-token",
  checkFrom: "5511999990000",
};

const WRANGLER_JS = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/**
 * The Node binary that runs wrangler. Current wrangler refuses Node < 22; the `node` devDependency
 * provides 22 in node_modules/.bin, which npm scripts put first on PATH. Someone running
 * `node scripts/dev.mjs` with an older system Node still gets the pinned one for wrangler.
 */
export function nodeForWrangler() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22) return process.execPath;
  const pinned = path.join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "node.cmd" : "node");
  return existsSync(pinned) ? pinned : process.execPath;
}

/**
 * Environment for wrangler children. We run offline: no telemetry, and no download of the
 * `Request.cf` sample (miniflare would try workers.cloudflare.com and print a stack trace on every
 * reload). Anything the caller already set in its environment wins.
 */
export function wranglerEnv(extra = {}) {
  return { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env, ...extra };
}

/** Parses a dotenv-style file (KEY=value, # comments, optional quotes). */
export function parseEnvFile(file) {
  const out = {};
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
    out[m[1]] = value;
  }
  return out;
}

export const sha256Hex = (s) => createHash("sha256").update(s).digest("hex");

/** SQL string literal. */
export const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

/**
 * Runs a wrangler command to completion (output streamed unless `quiet`), rejecting on a non-zero
 * exit. CI=true makes `d1 migrations apply` skip its confirmation prompt.
 */
export function runWrangler(args, { quiet = false, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeForWrangler(), [WRANGLER_JS, ...args], {
      cwd: ROOT,
      env: wranglerEnv({ CI: "true", ...env }),
      stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
    });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`wrangler ${args.slice(0, 3).join(" ")} exited with ${code ?? signal}${quiet ? `\n${output.slice(-4000)}` : ""}`));
    });
  });
}

/** `wrangler d1 migrations apply` against the local database (optionally in another persist dir). */
export function migrateLocal({ persistTo, quiet } = {}) {
  return runWrangler(["d1", "migrations", "apply", DB_NAME, "--local", ...(persistTo ? ["--persist-to", persistTo] : [])], { quiet });
}

/** Executes SQL against the local database. */
export function executeLocal(sql, { persistTo, quiet } = {}) {
  return runWrangler(["d1", "execute", DB_NAME, "--local", "--yes", ...(persistTo ? ["--persist-to", persistTo] : []), "--command", sql], { quiet });
}

/**
 * SQL that creates a tenant and (optionally) an API token for it. Re-running keeps whatever exists
 * (INSERT OR IGNORE on the unique slug / token hash), so operators' edits survive `npm start`.
 */
export function tenantSeedSql({ slug, name, channel = "sandbox", timeZone = "America/Sao_Paulo", locale = "pt-BR", phoneNumberId = null, channelSettings = {}, token = null, tokenLabel = slug, upsertSettings = false }) {
  const settings = JSON.stringify(channelSettings);
  const values = [sqlString(slug), sqlString(name), "'active'", sqlString(timeZone), sqlString(locale), sqlString(channel), phoneNumberId ? sqlString(phoneNumberId) : "NULL", sqlString(settings)].join(", ");
  const cols = "slug, name, status, time_zone, locale, channel, meta_phone_number_id, channel_settings";
  const statements = [
    upsertSettings
      ? `INSERT INTO companies (${cols}) VALUES (${values}) ON CONFLICT(slug) DO UPDATE SET channel = excluded.channel, meta_phone_number_id = excluded.meta_phone_number_id, channel_settings = excluded.channel_settings, status = 'active'`
      : `INSERT OR IGNORE INTO companies (${cols}) VALUES (${values})`,
  ];
  if (token)
    statements.push(`INSERT OR IGNORE INTO api_tokens (company_id, token_hash, label) SELECT id, ${sqlString(sha256Hex(token))}, ${sqlString(tokenLabel)} FROM companies WHERE slug = ${sqlString(slug)}`);
  return statements.join("; ") + ";";
}

/**
 * Starts `wrangler dev` on 127.0.0.1 in its own process group (so stopping it also stops workerd).
 * `output`: "inherit" streams to our terminal; a writable stream receives both stdout and stderr.
 */
export function startWranglerDev({ port, persistTo, extraArgs = [], output = "inherit" } = {}) {
  const args = [WRANGLER_JS, "dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false", ...(persistTo ? ["--persist-to", persistTo] : []), ...extraArgs];
  const inherit = output === "inherit";
  const child = spawn(nodeForWrangler(), args, {
    cwd: ROOT,
    env: wranglerEnv(),
    stdio: ["ignore", inherit ? "inherit" : "pipe", inherit ? "inherit" : "pipe"],
    detached: process.platform !== "win32",
  });
  if (!inherit) {
    child.stdout.pipe(output, { end: false });
    child.stderr.pipe(output, { end: false });
  }
  child.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  // Never leave a wrangler/workerd behind, whatever way this process ends.
  process.on("exit", () => killGroup(child, "SIGKILL"));
  return child;
}

/** Signals the child's whole process group (wrangler and its workerd), falling back to the child alone. */
export function killGroup(child, signal = "SIGTERM") {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (process.platform !== "win32") process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Stops wrangler: the signal first, SIGKILL if it has not exited after `graceMs`. */
export async function stopWrangler(child, signal = "SIGTERM", graceMs = 8_000) {
  killGroup(child, signal);
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
  const result = await child.exited;
  clearTimeout(timer);
  // workerd may outlive wrangler by a moment; make sure the group is gone.
  killGroup(child, "SIGKILL");
  return result;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `preferred` when it is free on 127.0.0.1, else any free port. */
export async function freePort(preferred = 0) {
  const tryListen = (port) =>
    new Promise((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(null));
      srv.listen(port, "127.0.0.1", () => {
        const { port: got } = srv.address();
        srv.close(() => resolve(got));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0));
}

/** Resolves once GET <path> answers 200; rejects if the child exits first or on timeout. */
export async function waitForHttp(url, child, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  child.exited.then((r) => (exited = r));
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler dev exited (${exited.code ?? exited.signal}) before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = err?.cause?.code ?? err?.message ?? String(err);
    }
    await sleep(400);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000}s (last: ${last})`);
}

/**
 * The first time: a synthetic year of the demo tenant's appointments (src/scheduling/synthetic.ts),
 * imported through the API like a tenant's spreadsheet, so Insights de Agenda has something to show.
 * Skipped once the demo tenant has any import.
 */
async function seedDemoHistory(base) {
  const headers = { authorization: `Bearer ${DEMO.token}` };
  const { imports } = await (await fetch(`${base}/api/agenda/imports`, { headers })).json();
  if (imports.length > 0) return;
  const now = Date.now();
  const generateHistory = await loadGenerator();
  const rows = generateHistory({ seed: 2026, rows: 3000, contacts: 300, start: now - 365 * 86_400_000, days: 360, now });
  const res = await fetch(`${base}/api/agenda/appointments/import`, { method: "POST", headers: { ...headers, "content-type": "text/csv" }, body: historyCsv(rows, "demo") });
  const job = await res.json();
  if (!res.ok) return console.log(`[dev] demo history not imported: ${JSON.stringify(job)}`);
  // The import queues the analysis; run it now so the panel is ready when the banner shows.
  await fetch(`${base}/api/agenda/optimize`, { method: "POST", headers });
  console.log(`[dev] imported ${job.rows_imported} synthetic appointments into the demo tenant (Insights de Agenda)`);
}

function banner({ base, vars }) {
  const sandboxAuth = vars.SANDBOX_PUBLIC === "true" ? "" : ` -H 'authorization: Bearer ${DEMO.token}'`;
  const metricsAuth = vars.METRICS_TOKEN ? ` (Authorization: Bearer <METRICS_TOKEN from .dev.vars>)` : "";
  const lines = [
    "",
    "══════════════════════════════════════════════════════════════════════════════",
    "  Secretaria is running locally (offline: local D1, queues, Durable Objects)",
    "══════════════════════════════════════════════════════════════════════════════",
    `  Panel            ${base}/   (sign in with ${DEMO.token})`,
    `  Health           ${base}/health        (liveness: ${base}/health/live)`,
    `  Metrics          ${base}/metrics${metricsAuth}`,
    "",
    "  Webhooks",
    `    Meta (Cloud API)   POST ${base}/webhooks/whatsapp   (X-Hub-Signature-256, secret META_APP_SECRET in .dev.vars)`,
    `    Meta verification  GET  ${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${vars.META_VERIFY_TOKEN || "<META_VERIFY_TOKEN>"}&hub.challenge=42`,
    `    Evolution API      POST ${base}/webhooks/evolution/:instance   (apikey)`,
    `    Whaticket-style    POST ${base}/webhook/whaticket   (X-Webhook-Token + X-Signature)`,
    `    Cal.com            POST ${base}/webhooks/calcom/${DEMO.slug}   (X-Cal-Signature-256; secret set with PUT /api/agenda/settings)`,
    "",
    "  Admin API (Authorization: Bearer " + DEMO.token + ")",
    `    ${base}/api/conversations · ${base}/api/agenda/appointments · ${base}/api/agenda/availability`,
    `    ${base}/api/agenda/insights · POST ${base}/api/agenda/appointments/import (text/csv) · POST ${base}/api/agenda/auto-reschedule`,
    `    ${base}/api/config · ${base}/api/dead-letters · POST ${base}/api/contacts/lookup {"phone"} → contact id for ?contact_id=   (see README for every route)`,
    "",
    "  Sandbox (WhatsApp simulator)" + (vars.SANDBOX_PUBLIC === "true" ? " — open without a token (SANDBOX_PUBLIC=true)" : " — needs a token (SANDBOX_PUBLIC is not true)"),
    `    POST ${base}/api/sandbox/${DEMO.slug}/inbound   {"from": "<phone>", "text": "<message>"}`,
    `    POST ${base}/api/sandbox/${DEMO.slug}/outbox    {"contact": "<phone>"}   (or GET …/outbox?contact_id=<id>: phones never go in URLs)`,
    "",
    `  Demo tenant      slug "${DEMO.slug}" · ${DEMO.name} · channel sandbox · America/Sao_Paulo · pt-BR`,
    `    Meta phone_number_id  ${DEMO.phoneNumberId}   (signed Meta webhooks for this number reach the demo tenant)`,
    `    Meta app secret       META_APP_SECRET (.dev.vars)`,
    `    Admin login           Authorization: Bearer ${vars.ADMIN_TOKEN || "<ADMIN_TOKEN from .dev.vars>"}  +  x-tenant: ${DEMO.slug}   (ADMIN_TOKEN in .dev.vars)`,
    `    Tenant login          Authorization: Bearer ${DEMO.token}`,
    "",
    "  Try it:",
    `    curl -s -X POST ${base}/api/sandbox/${DEMO.slug}/inbound -H 'content-type: application/json'${sandboxAuth} -d '{"from":"${DEMO.checkFrom}","text":"Oi, quero marcar uma consulta"}'`,
    `    curl -s -X POST ${base}/api/sandbox/${DEMO.slug}/outbox -H 'content-type: application/json'${sandboxAuth} -d '{"contact":"${DEMO.checkFrom}"}'`,
    "",
    "  Ctrl-C stops the server.",
    "══════════════════════════════════════════════════════════════════════════════",
    "",
  ];
  console.log(lines.join("\n"));
}

/** The --check round trip: one sandbox message in, one new reply in the outbox within 30 s. */
async function sandboxRoundTrip(base, vars) {
  const headers = { "content-type": "application/json" };
  if (vars.SANDBOX_PUBLIC !== "true") headers.authorization = `Bearer ${DEMO.token}`;
  // The phone goes in the body (phones never go in URLs); the answer's contact_id is what a GET takes.
  const outboxUrl = `${base}/api/sandbox/${DEMO.slug}/outbox`;
  const outbox = async () => {
    const res = await fetch(outboxUrl, { method: "POST", headers, body: JSON.stringify({ contact: DEMO.checkFrom }), signal: AbortSignal.timeout(5_000) });
    if (res.status !== 200) throw new Error(`outbox answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const body = await res.json();
    contactId = body.contact_id;
    return body.messages;
  };
  let contactId = null;
  /** The same outbox read by id (GET …/outbox?contact_id=), and a phone in the URL refused with a 400. */
  const byId = async (reply) => {
    const res = await fetch(`${outboxUrl}?contact_id=${contactId}`, { headers, signal: AbortSignal.timeout(5_000) });
    const body = res.status === 200 ? await res.json() : null;
    if (!body?.messages?.some((m) => m.id === reply.id)) return { ok: false, reason: `GET outbox?contact_id=${contactId} answered ${res.status} without the reply` };
    const phoneInUrl = await fetch(`${outboxUrl}?contact=${DEMO.checkFrom}`, { headers, signal: AbortSignal.timeout(5_000) });
    const code = phoneInUrl.status === 400 ? (await phoneInUrl.json()).error?.code : null;
    if (code !== "phone_in_url") return { ok: false, reason: `GET outbox?contact=<phone> answered ${phoneInUrl.status} ${code ?? ""}, expected 400 phone_in_url` };
    return { ok: true, reply };
  };
  // Earlier runs may have left replies for this contact: wait for one more than there were.
  const before = (await outbox()).length;
  const res = await fetch(`${base}/api/sandbox/${DEMO.slug}/inbound`, {
    method: "POST",
    headers,
    body: JSON.stringify({ from: DEMO.checkFrom, text: "Oi" }),
    signal: AbortSignal.timeout(10_000),
  });
  const inbound = await res.text();
  console.log(`[check] POST /api/sandbox/${DEMO.slug}/inbound → ${res.status} ${inbound}`);
  if (res.status !== 202) return { ok: false, reason: `inbound answered ${res.status}` };
  // The reply must have gone all the way: written by the inbound consumer, then accepted by the
  // (sandbox) channel through the outbound queue.
  const deadline = Date.now() + 30_000;
  let reply = null;
  while (Date.now() < deadline) {
    const messages = await outbox().catch((err) => {
      console.log(`[check] ${err.message}`);
      return [];
    });
    if (messages.length > before) {
      reply = messages.reduce((a, b) => (b.id > a.id ? b : a));
      if (reply.status === "accepted") return byId(reply);
    }
    await sleep(500);
  }
  return { ok: false, reason: reply ? `the reply stayed "${reply.status}" (never accepted by the channel) for 30 s` : "no reply in the outbox within 30 s" };
}

async function main() {
  const check = process.argv.includes("--check");
  const port = Number(process.env.PORT || 8787);
  const base = `http://127.0.0.1:${port}`;

  // a. .dev.vars
  const devVars = path.join(ROOT, ".dev.vars");
  if (!existsSync(devVars)) {
    copyFileSync(path.join(ROOT, ".dev.vars.example"), devVars);
    console.log("[dev] created .dev.vars from .dev.vars.example");
  } else {
    console.log("[dev] using existing .dev.vars");
  }
  const vars = parseEnvFile(devVars);

  // b. migrations, c. demo tenant
  console.log("[dev] applying local D1 migrations…");
  await migrateLocal();
  console.log(`[dev] seeding the demo tenant "${DEMO.slug}"…`);
  await executeLocal(tenantSeedSql({ slug: DEMO.slug, name: DEMO.name, phoneNumberId: DEMO.phoneNumberId, token: DEMO.token, tokenLabel: "demo" }), { quiet: true });

  // d. wrangler dev
  console.log(`[dev] starting wrangler dev on ${base} …`);
  const child = startWranglerDev({ port, extraArgs: ["--test-scheduled"] });
  let stopping = false;
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
      if (stopping) return killGroup(child, "SIGKILL"); // second Ctrl-C: no more waiting
      stopping = true;
      stopWrangler(child, sig);
    });
  }
  // `kill <npm pid>` makes npm kill the `sh -c` between us and it, not us: when our parent goes away,
  // take wrangler down too instead of leaving a server behind.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !stopping) {
      stopping = true;
      stopWrangler(child).then(() => process.exit(1));
    }
  }, 1_000).unref();
  const exitLike = ({ code, signal }) => code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1);
  child.exited.then((r) => {
    if (!check || !stopping) process.exit(exitLike(r));
  });

  try {
    await waitForHttp(`${base}/health`, child);
  } catch (err) {
    console.error(`[dev] ${err.message}`);
    stopping = true;
    await stopWrangler(child);
    process.exit(1);
  }
  await seedDemoHistory(base);
  banner({ base, vars });

  if (!check) return; // serve until Ctrl-C; the exit handler above mirrors wrangler's exit code

  // e. --check
  let outcome;
  try {
    outcome = await sandboxRoundTrip(base, vars);
  } catch (err) {
    outcome = { ok: false, reason: err.message };
  }
  if (outcome.ok) {
    // The demo history's analysis must be there for the panel.
    const insights = await (await fetch(`${base}/api/agenda/insights`, { headers: { authorization: `Bearer ${DEMO.token}` } })).json();
    console.log(`[check] insights: ${insights.suggested?.length ?? 0} suggested slots, model ${insights.model?.kind ?? "none"}`);
    if (insights.suggested?.length !== 3) outcome = { ok: false, reason: "the demo tenant has no slot insights" };
  }
  if (outcome.ok) console.log(`[check] PASS — reply in the outbox: ${JSON.stringify(outcome.reply.text)} (status ${outcome.reply.status})`);
  else console.log(`[check] FAIL — ${outcome.reason}`);
  stopping = true;
  await stopWrangler(child);
  process.exit(outcome.ok ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`[dev] ${err?.stack ?? err}`);
    process.exit(1);
  });
}
