#!/usr/bin/env node
// npm run deploy -- --env staging|production [--dry-run]
// npm run deploy -- --env staging|production --setup     (once: creates the environment's D1 database and queues)
//
// 1. refuses when a required secret is missing (METRICS_TOKEN included: an open /metrics names every tenant);
// 2. applies D1 migrations (`wrangler d1 migrations apply <db> --remote --env X`), before the code that needs them;
// 3. deploys (`wrangler deploy --env X`, tagged with the commit);
// 4. posts {env, version, commit, time, result, ...} to DEPLOY_WEBHOOK_URL when it is set, on success and on failure.
//
// --dry-run prints those steps, builds with `wrangler deploy --dry-run` and still notifies (with dry_run: true),
// so the whole script runs without a Cloudflare account. DEPLOY_WRANGLER replaces `npx wrangler` (tests).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ENVIRONMENTS = ["staging", "production"];
const REQUIRED_SECRETS = ["ADMIN_TOKEN", "META_APP_SECRET", "META_VERIFY_TOKEN", "SECRETS_KEY", "METRICS_TOKEN", "SESSION_SECRET"];
const NOTIFY_TIMEOUT_MS = 10_000;

function usage(message) {
  console.error(`${message}\nusage: npm run deploy -- --env ${ENVIRONMENTS.join("|")} [--dry-run | --setup]`);
  process.exit(64);
}

const argv = process.argv.slice(2);
let env = null;
let dryRun = false;
let setup = false;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--dry-run") dryRun = true;
  else if (a === "--setup") setup = true;
  else if (a === "--env" || a === "-e") env = argv[++i] ?? null;
  else if (a?.startsWith("--env=")) env = a.slice("--env=".length);
  else usage(`unknown argument: ${a}`);
}
if (!env) usage("--env is required (a deploy always names its environment)");
if (!ENVIRONMENTS.includes(env)) usage(`unknown environment "${env}"`);
if (setup && dryRun) usage("--setup and --dry-run do not go together");

const wranglerCmd = (process.env.DEPLOY_WRANGLER || "npx wrangler").split(" ").filter(Boolean);
const [wranglerBin = "npx", ...wranglerPre] = wranglerCmd;

/** Runs wrangler; output is shown and also returned (the deploy prints the version id). */
function wrangler(args, { capture = false } = {}) {
  console.log(`\n$ ${[...wranglerCmd, ...args].join(" ")}`);
  const r = spawnSync(wranglerBin, [...wranglerPre, ...args], { encoding: "utf8", stdio: capture ? ["inherit", "pipe", "inherit"] : "inherit" });
  if (capture && r.stdout) process.stdout.write(r.stdout);
  return { ok: r.status === 0, stdout: r.stdout ?? "" };
}

/** The environment's D1 database_name, read from wrangler.toml (environments inherit no bindings). */
function databaseName(name) {
  const toml = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
  const block = toml.split(/^(?=\[)/m).find((b) => b.startsWith(`[[env.${name}.d1_databases]]`));
  const db = block && /^database_name\s*=\s*"([^"]+)"/m.exec(block)?.[1];
  if (!db) throw new Error(`wrangler.toml has no [[env.${name}.d1_databases]] with a database_name`);
  return db;
}

/** The environment's queues (each consumer's queue and its dead-letter queue), from wrangler.toml. */
function queueNames(name) {
  const toml = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
  const names = new Set();
  for (const block of toml.split(/^(?=\[)/m).filter((b) => b.startsWith(`[[env.${name}.queues.`))) {
    for (const m of block.matchAll(/^(?:queue|dead_letter_queue)\s*=\s*"([^"]+)"/gm)) names.add(m[1]);
  }
  return [...names];
}

/** --setup: creates what wrangler.toml names for the environment; what already exists is left alone. */
function createResources(name) {
  const db = databaseName(name);
  let ok = true;
  const create = (args) => {
    const r = spawnSync(wranglerBin, [...wranglerPre, ...args], { encoding: "utf8" });
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    console.log(`\n$ ${[...wranglerCmd, ...args].join(" ")}\n${out.trim()}`);
    if (r.status !== 0 && !/already exists|already taken/i.test(out)) ok = false;
    return out;
  };
  const created = create(["d1", "create", db]);
  const id = /"?database_id"?\s*[:=]\s*"([0-9a-f-]{36})"/.exec(created)?.[1];
  for (const q of queueNames(name)) create(["queues", "create", q]);
  if (id) console.log(`\nPut database_id = "${id}" in [[env.${name}.d1_databases]] in wrangler.toml and commit it.`);
  console.log(`Then set the secrets: for s in ${REQUIRED_SECRETS.join(" ")}; do npx wrangler secret put $s --env ${name}; done`);
  return ok;
}

if (setup) process.exit(createResources(env) ? 0 : 1);

function commit() {
  const r = spawnSync("git", ["rev-parse", "--short=12", "HEAD"], { encoding: "utf8" });
  if (r.status !== 0) return "unknown";
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { encoding: "utf8" }).stdout?.trim();
  return dirty ? `${r.stdout.trim()}-dirty` : r.stdout.trim();
}

async function notify(payload) {
  const url = process.env.DEPLOY_WEBHOOK_URL;
  if (!url) {
    console.log("DEPLOY_WEBHOOK_URL not set: no notification");
    return true;
  }
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    console.log(`notified ${new URL(url).host}`);
    return true;
  } catch (err) {
    // The deploy already happened (or failed); a dead notification hook must not hide that result.
    console.error(`deploy notification failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

const started = Date.now();
const rev = commit();
let version = null;
let failedStep = null;

async function main() {
  const db = databaseName(env);
  const steps = [
    `check secrets (${REQUIRED_SECRETS.join(", ")}): wrangler secret list --env ${env}`,
    `apply D1 migrations: wrangler d1 migrations apply ${db} --remote --env ${env}`,
    `deploy: wrangler deploy --env ${env} --tag ${rev}`,
    `notify: POST ${process.env.DEPLOY_WEBHOOK_URL ? new URL(process.env.DEPLOY_WEBHOOK_URL).host : "(DEPLOY_WEBHOOK_URL not set, skipped)"}`,
  ];
  console.log(`${dryRun ? "Dry run: would deploy" : "Deploying"} ${rev} to ${env}:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join("\n")}`);

  if (dryRun) {
    const out = mkdtempSync(join(tmpdir(), "secretaria-deploy-"));
    try {
      if (!wrangler(["deploy", "--dry-run", "--env", env, "--outdir", out]).ok) failedStep = "build";
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    return;
  }

  const listed = wrangler(["secret", "list", "--env", env, "--format", "json"], { capture: true });
  let names = [];
  try {
    names = JSON.parse(listed.stdout).map((s) => s.name);
  } catch {
    names = [];
  }
  const missing = REQUIRED_SECRETS.filter((s) => !names.includes(s));
  if (!listed.ok || missing.length > 0) {
    failedStep = "secrets";
    console.error(`missing secrets for ${env}: ${missing.join(", ") || "(could not list them)"}; set each with: npx wrangler secret put NAME --env ${env}`);
    return;
  }
  if (!wrangler(["d1", "migrations", "apply", db, "--remote", "--env", env]).ok) {
    failedStep = "migrations";
    return;
  }
  const deployed = wrangler(["deploy", "--env", env, "--tag", rev, "--message", `deploy ${rev}`], { capture: true });
  if (!deployed.ok) {
    failedStep = "deploy";
    return;
  }
  version = /Current Version ID:\s*([\w-]+)/.exec(deployed.stdout)?.[1] ?? null;
}

try {
  await main();
} catch (err) {
  failedStep ??= "script";
  console.error(err instanceof Error ? err.message : String(err));
}
const result = failedStep ? "failure" : "success";
await notify({
  env,
  version,
  commit: rev,
  time: new Date().toISOString(),
  result,
  ...(failedStep ? { failed_step: failedStep } : {}),
  dry_run: dryRun,
  duration_seconds: Math.round((Date.now() - started) / 1000),
});
console.log(`\n${result === "success" ? "✔" : "✘"} ${dryRun ? "dry run" : "deploy"} to ${env}: ${result}${failedStep ? ` (at ${failedStep})` : ""}`);
process.exit(result === "success" ? 0 : 1);
