// The two store engines for the benchmarks: which ones to run, a private Postgres database per bench
// (dropped, created and migrated every run), the wrangler config that binds it through a local
// Hyperdrive, the Postgres server's CPU time, and the machine both ran on. D1 needs none of the
// Postgres part: its state is the bench's own --persist-to directory.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { ROOT } from "../scripts/dev.mjs";
import { migratePostgres } from "../scripts/pg-migrate.mjs";

export const ENGINES = ["d1", "postgres"];

// wrangler's local Hyperdrive refuses a URL without a password; the trust-auth server ignores it.
const PG_SERVER = process.env.BENCH_PG_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
// Databases other people use on these machines: a bench never drops them, whatever it is told.
const NEVER_DROP = new Set(["postgres", "test", "secretaria", "secretaria_dev", "secretaria_test", "template0", "template1"]);
const quiet = { onnotice: () => {}, max: 1 };

/** The URL of `database` on the bench's Postgres server (BENCH_PG_URL, default the local one). */
export const pgUrl = (database) => Object.assign(new URL(PG_SERVER), { pathname: `/${database}` }).href;

/**
 * The engines to run: `--engines` as given (an unknown name is an error), or both by default, D1
 * alone (with a warning) when no Postgres answers — so `npm run bench` still works without one.
 */
export async function chooseEngines(option) {
  if (option) {
    const list = option
      .split(",")
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean);
    const unknown = list.filter((e) => !ENGINES.includes(e));
    if (unknown.length || list.length === 0) throw new Error(`--engines takes ${ENGINES.join(", ")} (comma-separated), not "${option}"`);
    return [...new Set(list)];
  }
  if (await postgresAnswers()) return [...ENGINES];
  console.log(`[bench] no Postgres answers at ${new URL(PG_SERVER).host}: running D1 only (--engines d1,postgres to insist; BENCH_PG_URL to point elsewhere)`);
  return ["d1"];
}

async function postgresAnswers() {
  const client = postgres(PG_SERVER, { ...quiet, connect_timeout: 3 });
  try {
    await client`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await client.end({ timeout: 1 }).catch(() => {});
  }
}

/** Drops `database` (closing its connections), creates and migrates it: a fresh store every run. */
export async function freshPostgresDatabase(database) {
  if (NEVER_DROP.has(database) || !/^secretaria_bench[a-z0-9_]*$/.test(database)) throw new Error(`refusing to drop database "${database}": bench databases are secretaria_bench*`);
  const admin = postgres(PG_SERVER, quiet);
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const url = pgUrl(database);
  await migratePostgres(url); // creates it first
  return url;
}

/** Runs `fn` with a client on `url`, closed afterwards. */
export async function withPg(url, fn) {
  const client = postgres(url, quiet);
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A tenant as tenantSeedSql seeds D1 (settings overwritten: the bench's limits must hold). */
export function seedTenantPg(client, { slug, name, phoneNumberId = null, channelSettings = {} }) {
  return client`
    INSERT INTO companies (slug, name, status, time_zone, locale, channel, meta_phone_number_id, channel_settings)
    VALUES (${slug}, ${name}, 'active', 'America/Sao_Paulo', 'pt-BR', 'sandbox', ${phoneNumberId}, ${client.json(channelSettings)})
    ON CONFLICT (slug) DO UPDATE SET channel = excluded.channel, meta_phone_number_id = excluded.meta_phone_number_id,
      channel_settings = excluded.channel_settings, status = 'active'`;
}

/**
 * wrangler.toml for a private bench server, written under .wrangler/ (paths rewritten to resolve from
 * there): without [build] (the Worker is prebuilt), optionally without the queue consumers (the ack
 * measured alone), and with a [[hyperdrive]] binding to `hyperdriveUrl` when the engine is Postgres
 * (its presence is what makes openStore pick Postgres, as with `DATABASE_URL=… npm start`).
 */
export function writeBenchConfig({ name, consumers = true, hyperdriveUrl = null }) {
  let toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8")
    .split(/\n(?=\[)/)
    .filter((section) => (consumers || !section.startsWith("[[queues.consumers]]")) && !section.startsWith("[build]"))
    .join("\n")
    .replace('directory = "./panel/public"', 'directory = "../panel/public"')
    .replace('migrations_dir = "migrations"', 'migrations_dir = "../migrations"')
    .replace('main = "src/index.ts"', 'main = "../src/index.ts"');
  if (hyperdriveUrl) toml += `\n[[hyperdrive]]\nbinding = "HYPERDRIVE"\nid = "local"\nlocalConnectionString = ${JSON.stringify(hyperdriveUrl)}\n`;
  const file = path.join(ROOT, ".wrangler", `${name}.toml`);
  writeFileSync(file, toml);
  return file;
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/**
 * CPU time (ms) of the Postgres server so far: every `postgres` process's utime + stime, plus the
 * cutime + cstime of those that reaped children (the postmaster: the backends that already exited,
 * one per connection, live on there). Server-wide: another database's work counts too, which
 * `otherDatabasesTransactions` lets the bench tell.
 */
export function postgresCpuMs() {
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")")) !== "postgres") continue;
      const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
    } catch {
      /* gone meanwhile */
    }
  }
  return total;
}

/**
 * Counters of the Postgres server so far (pg_stat_database, asked from `database`): the sessions
 * started on `database` (one backend process forked for each: what the Worker's connections cost
 * the server), and the transactions of every other database (another user's load on the server).
 */
export async function postgresCounters(database) {
  return withPg(pgUrl(database), async (client) => {
    const [row] = await client`
      SELECT coalesce(sum(xact_commit + xact_rollback) FILTER (WHERE datname != ${database}), 0)::bigint AS others,
             coalesce(sum(sessions) FILTER (WHERE datname = ${database}), 0)::bigint AS sessions
      FROM pg_stat_database WHERE datname IS NOT NULL`;
    return { otherTransactions: Number(row.others), sessions: Number(row.sessions) };
  });
}

/** The machine a bench ran on, for its first lines and its results file. */
export function machineInfo() {
  const r2 = (n) => Math.round(n * 100) / 100;
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    mem_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadavg: os.loadavg().map(r2),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export const describeMachine = (m) => `nproc=${m.nproc} · ${m.cpu} · ${m.mem_gb} GB · load ${m.loadavg.join(" ")} · node ${m.node} · ${m.platform}`;
