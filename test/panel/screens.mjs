// Every screen at a laptop's and a phone's width, in pt-BR and English: nothing wider than the
// window, no catalogue key or API code on the page, no console error, and a contact whose name is
// markup shown as text. Each screen is photographed for a person to look at.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../../scripts/dev.mjs";
import { check, chooseLanguage, OWNER, signIn, TENANT, viewReady } from "./harness.mjs";

export const VIEWS = [
  "insights",
  "agenda",
  "conversas",
  "pos-atendimento",
  "agendadas",
  "campanhas",
  "compliance",
  "configuracao",
  "canal",
  "modelos",
  "simulador",
  "falhas",
  "usuarios",
  "tokens",
  "plano",
  "auditoria",
];
const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
// Spanish is walked at the phone's width only (its layout is the same; the words are what differ).
const PASSES = [
  ["pt-BR", [WIDE, PHONE]],
  ["en", [WIDE, PHONE]],
  ["es", [PHONE]],
];
const NAV_SETTINGS = { "pt-BR": "Configuração", en: "Settings", es: "Configuración" };
const XSS = "<img src=x onerror=alert(1)>";
// The catalogue is one file per area (panel/src/i18n/pt-BR/<area>.json): every key of every area.
const CATALOGUE = path.join(ROOT, "panel/src/i18n/pt-BR");
const KEYS = readdirSync(CATALOGUE)
  .filter((f) => f.endsWith(".json"))
  .flatMap((f) => Object.keys(JSON.parse(readFileSync(path.join(CATALOGUE, f), "utf8"))));
// What leaked into the pt-BR page before (issue 11), and the API's one-word statuses.
const PT_LEAKS = ["Invalid token", "Internal error", "Choose File", "No file chosen", "received", "accepted", "scheduled", "confirmed", "delivered", "queued"];

/** A contact named with markup, with a conversation and an appointment, so it shows on Conversas and Agenda. */
async function seedMarkupContact(stage) {
  const phone = "5511977776666";
  assert.equal((await stage.api(`/api/sandbox/${TENANT}/inbound`, { method: "POST", body: JSON.stringify({ from: phone, name: XSS, text: "Oi, bom dia!" }) })).status, 202);
  const { body } = await stage.api("/api/agenda/availability?days=7");
  assert.equal((await stage.api("/api/agenda/appointments", { method: "POST", body: JSON.stringify({ contact: phone, name: XSS, start: body.slots[6].start }) })).status, 201);
  for (let i = 0; i < 60; i++) {
    const { body: found } = await stage.api("/api/contacts/lookup", { method: "POST", body: JSON.stringify({ phone }) });
    const id = found?.contact?.id;
    const conversations = id ? (await stage.api(`/api/conversations?contact_id=${id}&limit=1`)).body.conversations : [];
    if (conversations[0]) return conversations[0].id;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the markup contact's conversation never appeared");
}

/** What the page shows that a person should never read: keys, snake_case codes, unfilled {placeholders}, known leaks. */
function untranslated(page, leaks) {
  return page.evaluate(
    ({ keys, leaks }) => {
      // Each text node on its own (textContent would glue "received" to the next word); <code> holds
      // what is meant literally (CSV columns, a vendor's error text).
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
        acceptNode: (n) => (n.parentElement?.closest("code, script, style") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
      });
      const parts = [];
      while (walker.nextNode()) parts.push(walker.currentNode.nodeValue);
      const text = parts.join(" ");
      return {
        keys: keys.filter((k) => text.includes(k)),
        codes: text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? [],
        placeholders: text.match(/\{[A-Za-z_]+\}/g) ?? [],
        leaks: leaks.filter((w) => new RegExp(`\\b${w}\\b`).test(text)),
      };
    },
    { keys: KEYS, leaks },
  );
}

export async function screens(stage, page) {
  const conversationId = await seedMarkupContact(stage);
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  const dialogs = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const shots = [];
  for (const [locale, sizes] of PASSES) {
    await chooseLanguage(page, locale);
    await check(`the language switch turns the panel into ${locale} and is remembered after a reload`, async () => {
      await page.reload();
      await viewReady(page);
      assert.equal(await page.getAttribute("html", "lang"), locale);
      assert.equal(await page.textContent("a[data-view=configuracao]"), NAV_SETTINGS[locale]);
    });
    for (const size of sizes) {
      await page.setViewportSize(size);
      const problems = [];
      for (const view of VIEWS) {
        // Agenda as its list: the markup contact's appointment is in it whatever the weekday (agenda.mjs walks the calendar).
        const hash = view === "conversas" ? `conversas?id=${conversationId}` : view === "agenda" ? "agenda?mode=list" : view;
        await page.evaluate((h) => (location.hash = h), hash);
        await viewReady(page);
        if (view === "conversas") await page.waitForSelector("#messages li");
        if (view === "simulador") await page.waitForSelector("#sim-thread li");
        if (view === "configuracao") await page.waitForFunction(() => document.querySelector("#preview-reply")?.textContent);
        const width = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: innerWidth }));
        if (width.scroll > width.inner) problems.push(`${view}: ${width.scroll}px wide in a ${width.inner}px window`);
        const found = await untranslated(page, locale === "pt-BR" ? PT_LEAKS : []);
        for (const [what, list] of Object.entries(found)) if (list.length) problems.push(`${view}: ${what} ${[...new Set(list)].join(", ")}`);
        if (view === "conversas" || view === "agenda") {
          const text = await page.textContent("#view");
          if (!text.includes(XSS)) problems.push(`${view}: the markup name is not shown as text`);
          if (await page.$("#view img")) problems.push(`${view}: the markup name became an element`);
        }
        const file = path.join(stage.shots, `${size.width}x${size.height}-${locale}-${view}.png`);
        await page.screenshot({ path: file, fullPage: true });
        shots.push(file);
      }
      await check(`${size.width}×${size.height} ${locale}: every screen fits the width, is fully translated and shows the markup name as text`, async () => {
        assert.deepEqual(problems, []);
      });
    }
  }
  await check("no console error and no script dialog while walking the screens", async () => {
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(dialogs, []);
  });
  await page.setViewportSize({ width: 360, height: 740 });
  await chooseLanguage(page, "pt-BR");
  await check("at 360 px, the narrowest phone served, no screen is wider than the window", async () => {
    const wide = [];
    for (const view of VIEWS) {
      await page.evaluate((h) => (location.hash = h), view);
      await viewReady(page);
      const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
      if (w > 360) wide.push(`${view}: ${w}px`);
    }
    assert.deepEqual(wide, []);
  });
  await check("keyboard focus is visible: each of the first Tab stops draws an outline", async () => {
    await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
    const stops = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press("Tab");
      stops.push(
        await page.evaluate(() => {
          const e = document.activeElement;
          const s = e ? getComputedStyle(e) : null;
          return { what: `${e?.tagName.toLowerCase()}#${e?.id ?? ""}`, outline: s ? `${s.outlineStyle} ${s.outlineWidth}` : "" };
        }),
      );
    }
    // The body is where Tab wraps around past the last control, not a stop.
    const unseen = stops.filter((s) => s.what !== "body#" && (s.outline.startsWith("none") || s.outline.endsWith(" 0px")));
    assert.deepEqual(unseen, [], JSON.stringify(stops));
  });
  await check("on a phone an open conversation takes the screen, and its back link returns to the list", async () => {
    await page.setViewportSize(PHONE);
    await page.evaluate((h) => (location.hash = h), `conversas?id=${conversationId}`);
    await viewReady(page);
    assert.equal(await page.isVisible("#conversation-list"), false);
    await page.click("#conversation-back");
    await page.waitForURL(/#conversas$/);
    await viewReady(page);
    assert.equal(await page.isVisible("#conversation-list"), true);
  });
  await page.setViewportSize(WIDE);
  await stateChecks(page);
  await check("the sign-in screen fits both widths and reads in the chosen language", async () => {
    await page.click("#logout");
    await page.waitForSelector("#login");
    for (const size of [WIDE, PHONE]) {
      await page.setViewportSize(size);
      const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(w <= size.width, `${w}px wide`);
      await page.screenshot({ path: path.join(stage.shots, `${size.width}x${size.height}-pt-BR-login.png`) });
    }
    assert.equal(await page.textContent("#login-submit"), "Entrar");
    await page.setViewportSize(WIDE);
    await signIn(page, OWNER);
    await viewReady(page);
  });
  console.log(`  screenshots: ${stage.shots} (${shots.length + 2})`);
}

/** While the API fails, the view shows the error in the chosen language and "Tentar novamente" brings it back. */
async function stateChecks(page) {
  await check("every view shows “Carregando…”, then a translated error with “Tentar novamente” when the API fails, and the retry loads it", async () => {
    const broken = [];
    for (const view of VIEWS.filter((v) => v !== "simulador")) {
      // Every API call fails until the error shows; then the API is back and the retry must load the view.
      // A slow answer first, so the loading state has time to show.
      const fail = async (route) => {
        await new Promise((r) => setTimeout(r, 400));
        await route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: { status: 503, code: "internal", message: "Internal error" } }) });
      };
      await page.route("**/api/**", fail);
      await page.evaluate((h) => (location.hash = h), view);
      await page.waitForSelector("#view .state.loading:has-text('Carregando…')", { timeout: 5_000 }).catch(() => broken.push(`${view}: no loading state`));
      await page.waitForSelector("#view-retry", { timeout: 15_000 });
      const text = await page.textContent("#view .error-state");
      if (!text.includes("Não foi possível carregar esta tela.") || !text.includes("O servidor teve um problema")) broken.push(`${view}: ${text}`);
      await page.unroute("**/api/**", fail);
      await page.click("#view-retry");
      await viewReady(page);
      if (await page.$("#view .error-state")) broken.push(`${view}: still an error after the retry`);
    }
    assert.deepEqual(broken, []);
  });
}
