// The panel test's stage: a private `wrangler dev` on 127.0.0.1 with its own local D1 and a tenant,
// a fake Gemini for the AI settings, Debian's Chromium driven by playwright-core, the checks' tally,
// and a directory for screenshots that is kept (printed) for a person to look at.
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { executeLocal, platformAdminSql, freePort, migrateLocal, ROOT, startWranglerDev, stopWrangler, tenantSeedSql, waitForHttp } from "../../scripts/dev.mjs";
import { startFakeGemini } from "./fake-gemini.mjs";
import { startFakeGraph } from "./fake-graph.mjs";

export const TENANT = "painel";
export const TOKEN = "painel-token-0123456789";
/** The tenant's owner, seeded with a password like `npm start`'s demo owner; the page signs in as them. */
export const OWNER = { email: "dona@painel.local", name: "Dona Painel", password: "painel-senha-2026" };
/** The platform token (ADMIN_TOKEN) of the stage, for setting it up through the API. */
export const ADMIN_TOKEN = "painel-admin-token-0123456789";
/** A platform admin: signs in without a tenant to Empresas. */
export const PLATFORM = { email: "plataforma@painel.local", name: "Equipe Secretaria", password: "plataforma-senha-2026" };
/** The Meta access token the fake Graph API accepts (the Canal journey connects a number with it). */
export const META_TOKEN = "EAAG-painel-fake-token-0001";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const results = [];
/** One named check: failures are reported and counted, the run goes on. */
export async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ✔ ${name}`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(
      `  ✘ ${name}\n    ${String(err?.message ?? err)
        .split("\n")
        .join("\n    ")}`,
    );
  }
}

/** Starts everything; `stop()` tears it down (the screenshots stay). */
export async function startStage() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "panel-test-"));
  const shots = process.env.PANEL_SCREENSHOTS ?? mkdtempSync(path.join(os.tmpdir(), "secretaria-panel-shots-"));
  const stateDir = path.relative(ROOT, path.join(tmp, "state"));
  const gemini = await startFakeGemini();
  const graph = await startFakeGraph({ goodToken: META_TOKEN });
  await migrateLocal({ persistTo: stateDir, quiet: true });
  await executeLocal(tenantSeedSql({ slug: TENANT, name: "Clínica Painel", token: TOKEN, owner: OWNER }), { persistTo: stateDir, quiet: true });
  await executeLocal(platformAdminSql(PLATFORM), { persistTo: stateDir, quiet: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = startWranglerDev({
    port,
    persistTo: stateDir,
    output: createWriteStream(path.join(tmp, "wrangler.log")),
    // A key to seal the tenant's own LLM key with, and Gemini and Meta's Graph API pointed at the fakes.
    extraArgs: [
      "--log-level",
      "warn",
      "--var",
      "SECRETS_KEY:panel-test-secrets-key-0123456789",
      "SESSION_SECRET:panel-test-session-secret-0123456789",
      `GEMINI_API_URL:${gemini.url}`,
      `ADMIN_TOKEN:${ADMIN_TOKEN}`,
      `META_GRAPH_URL:${graph.url}`,
      // Outgoing webhooks may go to a receiver on 127.0.0.1 (the Integrações journey runs one).
      "WEBHOOKS_ALLOW_LOCAL:1",
    ],
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  const stop = async () => {
    await browser.close();
    await stopWrangler(child);
    await gemini.close();
    await graph.close();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${base}/health/live`, child, 120_000);
  } catch (err) {
    await stop();
    throw err;
  }
  /** The admin API as the tenant (for setting the stage; what is tested goes through the page). */
  const api = async (p, init = {}) => {
    const res = await fetch(`${base}${p}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...init.headers } });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const sql = (statement) => executeLocal(statement, { persistTo: stateDir, quiet: true });
  return { base, browser, api, sql, tmp, shots, gemini, graph, stop };
}

/** Waits until the current view has painted its content (not loading, not busy). */
export const viewReady = (page, timeout = 30_000) =>
  page.waitForFunction(
    () => {
      const v = document.querySelector("#view");
      return v && !v.hasAttribute("aria-busy") && !v.querySelector(".state.loading") && v.querySelector("h1");
    },
    null,
    { timeout },
  );

/**
 * Runs `action` (a click or a select that changes the hash) and waits for the view it leads to: a
 * new heading (showView draws one per render) and no loading state. A URL wait alone can return
 * before the hashchange handler has started, so the old view would be read, or the new one mid-render.
 */
export async function rerendered(page, action, timeout = 30_000) {
  await page.evaluate(() => {
    window.__shownHeading = document.querySelector("#view h1");
  });
  await action();
  await page.waitForFunction(
    () => {
      const v = document.querySelector("#view");
      const h = v?.querySelector("h1");
      return h && h !== window.__shownHeading && !v.hasAttribute("aria-busy") && !v.querySelector(".state.loading");
    },
    null,
    { timeout },
  );
}

export function report() {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  if (process.env.PANEL_REPORT) writeFileSync(process.env.PANEL_REPORT, JSON.stringify({ passed, failed }));
  console.log(`panel: ${passed} passed, ${failed} failed`);
  return failed;
}

/** Signs in on the login screen with e-mail and password and waits for the first view (or `expect` on the page). */
export async function signIn(page, { email, password }, expect = "#view h1") {
  await page.waitForSelector("#login");
  await page.fill("#login-email", email);
  await page.fill("#login-password", password);
  await page.click("#login-submit");
  await page.waitForSelector(expect, { timeout: 15_000 });
}

/** Picks a language in the header and waits until the page has switched (en and es are fetched on first use). */
export async function chooseLanguage(page, locale) {
  await page.selectOption("#lang", locale);
  await page.waitForFunction((l) => document.documentElement.lang === l, locale);
}
