// Local wrangler helpers shared by `npm start` (scripts/dev.mjs), the benchmarks and the panel's browser
// test: the pinned Node for wrangler, .dev.vars parsing, local D1 migrations and seeding SQL, a
// private `wrangler dev` started and stopped as a process group, a free port, waiting for an answer.
// Plain Node ESM without dependencies.

import { spawn } from "node:child_process";
import { createHash, pbkdf2Sync, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DB_NAME = "secretaria";

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
/** A password hash in src/lib/password.ts's format (PBKDF2-SHA256, 100,000 iterations), for seeded users. */
export function passwordHash(password, iterations = 100_000) {
  const salt = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password.normalize("NFKC")), salt, iterations, 32, "sha256");
  return `pbkdf2-sha256$${iterations}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

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
 * SQL that creates a tenant and (optionally) an API token and a knowledge section for it. Re-running keeps whatever exists
 * (INSERT OR IGNORE on the unique slug / token hash), so operators' edits survive `npm start`.
 */
export function tenantSeedSql({
  slug,
  name,
  channel = "sandbox",
  timeZone = "America/Sao_Paulo",
  locale = "pt-BR",
  phoneNumberId = null,
  channelSettings = {},
  token = null,
  tokenLabel = slug,
  upsertSettings = false,
  knowledge = null,
  owner = null,
  plan = null,
}) {
  const settings = JSON.stringify(channelSettings);
  const values = [
    sqlString(slug),
    sqlString(name),
    "'active'",
    sqlString(timeZone),
    sqlString(locale),
    sqlString(channel),
    phoneNumberId ? sqlString(phoneNumberId) : "NULL",
    sqlString(settings),
  ].join(", ");
  const cols = "slug, name, status, time_zone, locale, channel, meta_phone_number_id, channel_settings";
  const statements = [
    upsertSettings
      ? `INSERT INTO companies (${cols}) VALUES (${values}) ON CONFLICT(slug) DO UPDATE SET channel = excluded.channel, meta_phone_number_id = excluded.meta_phone_number_id, channel_settings = excluded.channel_settings, status = 'active'`
      : `INSERT OR IGNORE INTO companies (${cols}) VALUES (${values})`,
  ];
  if (token)
    statements.push(
      `INSERT OR IGNORE INTO api_tokens (company_id, token_hash, label) SELECT id, ${sqlString(sha256Hex(token))}, ${sqlString(tokenLabel)} FROM companies WHERE slug = ${sqlString(slug)}`,
    );
  if (owner) {
    // The tenant's first owner, able to sign in at once; an existing account (and its password) is kept.
    statements.push(
      `INSERT OR IGNORE INTO users (company_id, email, name, role, password_hash, status) SELECT id, ${sqlString(owner.email.toLowerCase())}, ${sqlString(owner.name ?? "Dono")}, 'owner', ${sqlString(passwordHash(owner.password))}, 'active' FROM companies WHERE slug = ${sqlString(slug)}`,
    );
  }
  if (knowledge) {
    // The profile's knowledge section, unless the tenant already has one (edits through the API stay).
    const json = sqlString(JSON.stringify(knowledge));
    const company = `(SELECT id FROM companies WHERE slug = ${sqlString(slug)})`;
    statements.push(
      `INSERT OR IGNORE INTO company_profiles (company_id, profile, updated_at) SELECT id, json_object('knowledge', json(${json})), ${Date.now()} FROM companies WHERE slug = ${sqlString(slug)}`,
      `UPDATE company_profiles SET profile = json_set(profile, '$.knowledge', json(${json})) WHERE company_id = ${company} AND json_extract(profile, '$.knowledge') IS NULL`,
    );
  }
  if (plan) statements.push(subscriptionSql(slug, plan, "INSERT OR IGNORE"));
  return statements.join("; ") + ";";
}

/**
 * The tenant's subscription as provisioning starts it (src/tenants/provision.ts firstPeriod): a 14-day
 * trial for "trial", else one month active; an existing subscription (a plan changed since) is kept.
 * `insert`: "INSERT OR IGNORE" on SQLite, "INSERT" (with ON CONFLICT DO NOTHING) on Postgres.
 */
export function subscriptionSql(slug, plan, insert, now = Date.now()) {
  const end = new Date(now);
  if (plan === "trial") end.setTime(now + 14 * 86_400_000);
  else end.setUTCMonth(end.getUTCMonth() + 1);
  const status = plan === "trial" ? "trialing" : "active";
  return `${insert} INTO subscriptions (company_id, plan_id, status, current_period_start, current_period_end, updated_at) SELECT c.id, p.id, ${sqlString(status)}, ${now}, ${end.getTime()}, ${now} FROM companies c, plans p WHERE c.slug = ${sqlString(slug)} AND p.code = ${sqlString(plan)}${insert === "INSERT" ? " ON CONFLICT DO NOTHING" : ""}`;
}

/**
 * Starts `wrangler dev` on 127.0.0.1 in its own process group (so stopping it also stops workerd).
 * `output`: "inherit" streams to our terminal; a writable stream receives both stdout and stderr.
 */
/**
 * A platform admin (no tenant: every tenant, Empresas, the tenant switcher) who can sign in at once;
 * an existing account is kept. The same statement on SQLite and Postgres.
 */
export function platformAdminSql({ email, name = "Plataforma", password }) {
  return `INSERT INTO users (company_id, email, name, role, password_hash, status) VALUES (NULL, ${sqlString(email.toLowerCase())}, ${sqlString(name)}, 'platform', ${sqlString(passwordHash(password))}, 'active') ON CONFLICT DO NOTHING`;
}

export function startWranglerDev({ port, persistTo, extraArgs = [], output = "inherit" } = {}) {
  const args = [
    WRANGLER_JS,
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--show-interactive-dev-session=false",
    ...(persistTo ? ["--persist-to", persistTo] : []),
    ...extraArgs,
    // Local development only: /metrics answers without METRICS_TOKEN (wrangler.toml says "production").
    // Last: --var takes several values, so a positional argument after it would be read as one.
    "--var",
    "ENVIRONMENT:development",
  ];
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

/** The cron trigger that refreshes /metrics' gauges from stored rows (src/metrics/store-gauges.ts). */
export const STORE_GAUGES_CRON = "* * * * *";

/** Runs the Worker's scheduled handler for `cron` now, through miniflare's trigger endpoint on a local `wrangler dev`. */
export async function triggerCron(base, cron) {
  const res = await fetch(`${base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}`, { signal: AbortSignal.timeout(60_000) });
  if (res.status !== 200) throw new Error(`the ${cron} cron answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/**
 * `wrangler dev` fires no cron triggers; Cloudflare fires the minute one in production. This fires it
 * now and then every minute, so a local /metrics has its store gauges. The daily analysis is not
 * fired: the demo's is run once by `npm start`, and `POST /api/agenda/optimize` runs one any time.
 */
export function runMinuteCron(base) {
  const tick = () => triggerCron(base, STORE_GAUGES_CRON).catch((err) => console.warn(`[dev] minute cron: ${err.message}`));
  void tick();
  return setInterval(tick, 60_000).unref();
}
