#!/usr/bin/env node
// `npm start`: local development with no accounts and no network.
//   1. .dev.vars from .dev.vars.example (never overwritten)
//   2. local D1 migrations (and, with DATABASE_URL=postgres://…, migrations-pg/ on that database)
//   3. the demo tenant + its API token (idempotent), in the store the Worker will use
//   4. `wrangler dev` on 127.0.0.1, then a banner with every URL and a login once /health answers
// `node scripts/dev.mjs --check` does the same, sends one sandbox message, waits for the reply,
// prints PASS/FAIL, stops wrangler and exits 0/1.
//
// Plain Node ESM without dependencies. The wrangler helpers live in scripts/local-wrangler.mjs and are
// re-exported here, where the benchmarks and the panel test have always imported them from.

import { randomBytes } from "node:crypto";
import { appendFileSync, copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { constants as osConstants } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { historyCsv, loadGenerator } from "./synthetic-csv.mjs";
import {
  executeLocal,
  killGroup,
  platformAdminSql,
  migrateLocal,
  parseEnvFile,
  ROOT,
  runMinuteCron,
  startWranglerDev,
  stopWrangler,
  tenantSeedSql,
  waitForHttp,
} from "./local-wrangler.mjs";
import { migratePostgres, seedTenantPostgres } from "./pg-migrate.mjs";

export * from "./local-wrangler.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const DEMO = {
  slug: "demo",
  name: "Clínica Demo",
  phoneNumberId: "100000000000001",
  token: "demo-token",
  /** The demo's owner signs in to the panel with these (the token stays the demo's integration token). */
  owner: { email: "dono@demo.local", name: "Dona Demo", password: "demo-senha-2026" },
  /** A platform admin: Empresas (provision, suspend, resume) and every tenant through the switcher. */
  platform: { email: "admin@secretaria.local", name: "Equipe Secretaria", password: "admin-senha-2026" },
  checkFrom: "5511999990000",
  /** On a plan as a provisioned tenant is (Plano e consumo, Empresas): starter, one month active from the first start. */
  plan: "starter",
  /** So the first "Qual o endereço e o horário?" is answered without an LLM key (the hours match the built-in calendar's). */
  knowledge: {
    services: [
      { name: "Consulta de avaliação", price: "R$ 120", durationMinutes: 30 },
      { name: "Limpeza dental", price: "R$ 180", durationMinutes: 45 },
      { name: "Clareamento dental", price: "R$ 900", durationMinutes: 60 },
    ],
    hours: "segunda a sexta, 8h às 12h e 13h às 18h; sábado, 8h às 12h",
    address: "Rua Exemplo, 123 — Centro, São Paulo - SP",
    phones: ["+55 11 3000-0000"],
    faq: [
      { q: "Vocês aceitam cartão ou Pix?", a: "Aceitamos cartão de crédito, débito e Pix." },
      { q: "Tem estacionamento?", a: "Sim, há estacionamento conveniado ao lado da clínica." },
    ],
    notes: "",
  },
};

/**
 * The first time: a synthetic year of the demo tenant's appointments (src/scheduling/synthetic.ts),
 * imported through the API like a tenant's spreadsheet, so Insights de Agenda has something to show.
 * 3,600 rows: about 3,400 end attended or missed, so the first 70 % give the trees the 2,000 training
 * rows they need (GBDT_MIN_TRAIN_ROWS) and the demo's model compares both candidates.
 * Skipped once the demo tenant has any import.
 */
async function seedDemoHistory(base) {
  const headers = { authorization: `Bearer ${DEMO.token}` };
  const { imports } = await (await fetch(`${base}/api/agenda/imports`, { headers })).json();
  if (imports.length > 0) return;
  const now = Date.now();
  const generateHistory = await loadGenerator();
  const rows = generateHistory({ seed: 2026, rows: 3600, contacts: 300, start: now - 365 * 86_400_000, days: 360, now });
  const res = await fetch(`${base}/api/agenda/appointments/import`, { method: "POST", headers: { ...headers, "content-type": "text/csv" }, body: historyCsv(rows, "demo") });
  const job = await res.json();
  if (!res.ok) return console.log(`[dev] demo history not imported: ${JSON.stringify(job)}`);
  // The import queues the analysis; run it now so the panel is ready when the banner shows.
  await fetch(`${base}/api/agenda/optimize`, { method: "POST", headers });
  console.log(`[dev] imported ${job.rows_imported} synthetic appointments into the demo tenant (Insights de Agenda)`);
}

/** SANDBOX_PUBLIC lists the tenants whose simulator needs no token (src/http/routes/sandbox.ts). */
const demoSandboxOpen = (vars) =>
  (vars.SANDBOX_PUBLIC ?? "")
    .split(",")
    .map((s) => s.trim())
    .includes(DEMO.slug);

/**
 * The demo's Meta number, connected the way a tenant connects one (PUT /api/channel: routing key,
 * verify token, audit): the sandbox channel answers in the simulator, and signed Meta-format webhooks
 * for the number reach the demo tenant. Left alone once the channel was connected (or changed).
 */
async function connectDemoChannel(base) {
  const headers = { authorization: `Bearer ${DEMO.token}`, "content-type": "application/json" };
  const current = await (await fetch(`${base}/api/channel`, { headers })).json();
  if (current.provider !== "sandbox" || current.meta !== null) return;
  const res = await fetch(`${base}/api/channel`, { method: "PUT", headers, body: JSON.stringify({ provider: "sandbox", phone_number_id: DEMO.phoneNumberId }) });
  if (!res.ok) return console.log(`[dev] the demo tenant's Meta number was not connected: PUT /api/channel answered ${res.status} ${(await res.text()).slice(0, 300)}`);
  console.log(`[dev] connected the demo tenant's Meta number ${DEMO.phoneNumberId} (PUT /api/channel)`);
}

function banner({ base, vars }) {
  const sandboxAuth = demoSandboxOpen(vars) ? "" : ` -H 'authorization: Bearer ${DEMO.token}'`;
  const metricsAuth = vars.METRICS_TOKEN ? ` (Authorization: Bearer <METRICS_TOKEN from .dev.vars>)` : "";
  const lines = [
    "",
    "══════════════════════════════════════════════════════════════════════════════",
    "  Secretaria is running locally (offline: local D1, queues, Durable Objects)",
    "══════════════════════════════════════════════════════════════════════════════",
    `  Panel            ${base}/   (sign in as ${DEMO.owner.email} / ${DEMO.owner.password})`,
    `  Health           ${base}/health        (liveness: ${base}/health/live)`,
    `  Metrics          ${base}/metrics${metricsAuth}`,
    `  API document     ${base}/openapi.json   (readable: ${base}/docs)`,
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
    "  Sandbox (WhatsApp simulator)" +
      (demoSandboxOpen(vars) ? ` — open without a token for ${DEMO.slug} (SANDBOX_PUBLIC=${DEMO.slug})` : ` — needs a token (SANDBOX_PUBLIC does not list ${DEMO.slug})`),
    `    POST ${base}/api/sandbox/${DEMO.slug}/inbound   {"from": "<phone>", "text": "<message>"}`,
    `    POST ${base}/api/sandbox/${DEMO.slug}/outbox    {"contact": "<phone>"}   (or GET …/outbox?contact_id=<id>: phones never go in URLs)`,
    "",
    `  Demo tenant      slug "${DEMO.slug}" · ${DEMO.name} · channel sandbox · America/Sao_Paulo · pt-BR`,
    `    Meta phone_number_id  ${DEMO.phoneNumberId}   (signed Meta webhooks for this number reach the demo tenant)`,
    `    Meta app secret       META_APP_SECRET (.dev.vars)`,
    `    Admin login           Authorization: Bearer ${vars.ADMIN_TOKEN || "<ADMIN_TOKEN from .dev.vars>"}  +  x-tenant: ${DEMO.slug}   (ADMIN_TOKEN in .dev.vars)`,
    `    Tenant API token      Authorization: Bearer ${DEMO.token}   (the demo's integration token)`,
    `    Panel login           ${DEMO.owner.email} / ${DEMO.owner.password}   (the demo's owner)`,
    `    Platform admin        ${DEMO.platform.email} / ${DEMO.platform.password}   (Empresas: provision, suspend; every tenant through the switcher)`,
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
  if (!demoSandboxOpen(vars)) headers.authorization = `Bearer ${DEMO.token}`;
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

/**
 * wrangler.toml plus a [[hyperdrive]] binding whose localConnectionString is DATABASE_URL, written
 * beside it (git-ignored) so relative paths still resolve: the committed config stays D1-only and
 * deployable without a Hyperdrive id, and the binding's presence is what makes openStore pick Postgres.
 */
function postgresConfig(url) {
  const file = path.join(ROOT, "wrangler.postgres.local.toml");
  const base = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
  writeFileSync(
    file,
    `${base}\n# Written by scripts/dev.mjs for DATABASE_URL; not committed.\n[[hyperdrive]]\nbinding = "HYPERDRIVE"\nid = "local"\nlocalConnectionString = ${JSON.stringify(url)}\n`,
  );
  return file;
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
    // A .dev.vars from before panel sign-in: add the session key, so the panel does not answer 503.
    if (!parseEnvFile(devVars).SESSION_SECRET) {
      appendFileSync(devVars, `\nSESSION_SECRET=${randomBytes(24).toString("base64url")}\n`);
      console.log("[dev] added SESSION_SECRET to .dev.vars");
    }
  }
  const vars = parseEnvFile(devVars);

  // b. migrations, c. demo tenant
  console.log("[dev] applying local D1 migrations…");
  await migrateLocal();
  console.log(`[dev] seeding the demo tenant "${DEMO.slug}"…`);
  // The demo's Meta number is connected through the API once the server is up (connectDemoChannel).
  await executeLocal(
    `${tenantSeedSql({ slug: DEMO.slug, name: DEMO.name, token: DEMO.token, tokenLabel: "demo", knowledge: DEMO.knowledge, owner: DEMO.owner, plan: DEMO.plan })} ${platformAdminSql(DEMO.platform)};`,
    { quiet: true },
  );
  const extraArgs = ["--test-scheduled"];
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    // wrangler's local Hyperdrive refuses a connection string without a password (trust auth ignores it).
    if (!URL.canParse(databaseUrl) || !new URL(databaseUrl).password) {
      console.error(
        "[dev] DATABASE_URL needs a user and a password, e.g. postgres://postgres:postgres@127.0.0.1:5432/secretaria (wrangler's local Hyperdrive requires one; a trust-auth server ignores it)",
      );
      process.exit(1);
    }
    console.log("[dev] DATABASE_URL is set: the store is Postgres (through a local Hyperdrive binding); applying migrations-pg/…");
    await migratePostgres(databaseUrl);
    await seedTenantPostgres(databaseUrl, {
      slug: DEMO.slug,
      name: DEMO.name,
      token: DEMO.token,
      tokenLabel: "demo",
      knowledge: DEMO.knowledge,
      owner: DEMO.owner,
      plan: DEMO.plan,
      platformAdmin: DEMO.platform,
    });
    extraArgs.push("--config", postgresConfig(databaseUrl));
  }

  // d. wrangler dev
  console.log(`[dev] starting wrangler dev on ${base} …`);
  const child = startWranglerDev({ port, extraArgs });
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
  await connectDemoChannel(base);
  await seedDemoHistory(base);
  runMinuteCron(base);
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
