// Analytics e Consumo in the browser: ten days of the tenant's rows seeded in the past, no reports yet
// (the screen says so), the owner recomputes, reads the headline cards (the count equals the rows seeded),
// the charts are drawn, the period picker narrows to 7 days, and the CSV and PDF downloads come through
// the authenticated API (the CSV parsed, the PDF read with pdftotext and rendered with pdftoppm).
// Screenshots at 1366 and 390 px.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { check, chooseLanguage, OWNER, signIn, TENANT, viewReady } from "./harness.mjs";

const DAY = 86_400_000;
const TZ = "America/Sao_Paulo";
const localDay = (ms) => new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));

/** Per day back (1…10): `n` customers write once each at 15:00 UTC (12:00 in São Paulo), the bot answers (odd ones by the LLM). */
async function seed(stage) {
  const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
  const statements = [];
  const counts = [];
  for (let back = 10; back >= 1; back--) {
    const day = localDay(Date.now() - back * DAY);
    const at = Date.parse(`${day}T15:00:00Z`);
    const n = 2 + (back % 4);
    counts.push({ day, n });
    for (let i = 0; i < n; i++) {
      const phone = `55119666${String(back).padStart(2, "0")}${String(i).padStart(3, "0")}`;
      const t = at + i * 60_000;
      const contact = `(SELECT id FROM contacts WHERE company_id = ${company} AND phone = '${phone}')`;
      const conv = `(SELECT max(id) FROM conversations WHERE company_id = ${company} AND contact_id = ${contact})`;
      const payload = i % 2 ? `'{"kind":"text","text":"Olá!","source":"llm"}'` : `'{"kind":"text","text":"Olá!"}'`;
      statements.push(
        `INSERT INTO contacts (company_id, phone, name, created_at) VALUES (${company}, '${phone}', 'Cliente ${back}-${i}', ${t}) ON CONFLICT (company_id, phone) DO NOTHING;`,
        `INSERT INTO conversations (company_id, contact_id, status, created_at, last_message_at) VALUES (${company}, ${contact}, 'closed', ${t}, ${t});`,
        `INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, type, author, purpose, body, status, created_at) VALUES (${company}, ${conv}, ${contact}, 'in', 'sandbox', 'text', 'contact', 'reply', 'Oi', 'received', ${t});`,
        `INSERT INTO messages (company_id, conversation_id, contact_id, direction, channel, type, author, purpose, body, payload, status, created_at) VALUES (${company}, ${conv}, ${contact}, 'out', 'sandbox', 'text', 'bot', 'reply', 'Olá!', ${payload}, 'delivered', ${t + 4_000});`,
      );
    }
    statements.push(
      `INSERT INTO llm_usage (company_id, day, provider, model, direction, tokens, estimated_tokens, requests) VALUES (${company}, '${day}', 'gemini', 'gemini-2.0-flash', 'input', ${1000 * n}, 0, ${n}), (${company}, '${day}', 'gemini', 'gemini-2.0-flash', 'output', ${300 * n}, 0, ${n}) ON CONFLICT DO NOTHING;`,
    );
  }
  await stage.sql(statements.join("\n"));
  return counts;
}

async function narrow(stage, page, name) {
  await page.setViewportSize({ width: 390, height: 844 });
  await viewReady(page);
  // Chart.js resizes its canvases on the next animation frames after the viewport changes.
  await page.waitForFunction(() => document.scrollingElement.scrollWidth <= 390, null, { timeout: 5_000 }).catch(() => undefined);
  await page.screenshot({ path: path.join(stage.shots, `390-pt-BR-${name}.png`), fullPage: true });
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll("#view *")]
      .filter((e) => e.getBoundingClientRect().right > 391)
      .slice(0, 3)
      .map((e) => `${e.tagName}#${e.id}.${e.className}`),
  );
  const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(w <= 390, `${name}: ${w}px wide at 390 (${wide.join(", ")})`);
  await page.setViewportSize({ width: 1366, height: 900 });
  await viewReady(page);
}

const card = (page, id) => page.textContent(`[data-card=${id}] strong`);

export async function analyticsJourney(stage, page) {
  const counts = await seed(stage);
  await page.context().clearCookies();
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(`${stage.base}/#analytics`);
  await chooseLanguage(page, "pt-BR");
  await signIn(page, OWNER);
  await viewReady(page);

  await check("Analytics e Consumo says which days have no report yet, and the owner recomputes them", async () => {
    assert.equal(await page.textContent("a[data-view=analytics]"), "Analytics e Consumo");
    await page.waitForSelector("#analytics-missing");
    assert.match(await page.textContent("#analytics-missing"), /30 períodos ainda sem relatório/);
    await page.click("#analytics-recompute");
    await page.waitForSelector("#analytics-cards");
    await viewReady(page);
  });

  await check("the headline cards count the seeded rows; the charts are drawn; the cost table names the model", async () => {
    const total = counts.reduce((s, c) => s + c.n, 0);
    assert.equal(await card(page, "messages-in"), String(total));
    assert.equal(await card(page, "messages-out"), String(total));
    assert.equal(await card(page, "new-contacts"), String(total));
    const llm = counts.reduce((s, c) => s + Math.floor(c.n / 2), 0);
    assert.equal(await card(page, "llm-share"), new Intl.NumberFormat("pt-BR", { style: "percent", maximumFractionDigits: 0 }).format(llm / total));
    assert.match(await card(page, "first-response"), /^4,0 s$/);
    for (const id of ["analytics-chart-messages", "analytics-chart-replies"]) {
      const painted = await page.$eval(`#${id}`, (c) => {
        const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
        let ink = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
        return ink;
      });
      assert.ok(painted > 1000, `${id}: ${painted} pixels drawn`);
    }
    assert.match(await page.textContent("#analytics-costs"), /gemini.*gemini-2\.0-flash/s);
    await page.screenshot({ path: path.join(stage.shots, "1366-pt-BR-analytics.png"), fullPage: true });
    await narrow(stage, page, "analytics");
  });

  await check("the period picker narrows to the last 7 days", async () => {
    await page.selectOption("#analytics-period", "7");
    await page.waitForFunction(() => location.hash.includes("p=7"));
    await viewReady(page);
    const last7 = counts.slice(-7).reduce((s, c) => s + c.n, 0);
    await page.waitForFunction((n) => document.querySelector("[data-card=messages-in] strong")?.textContent === String(n), last7);
  });

  await check("CSV and PDF come through the API as downloads: the CSV parses, the PDF reads in Portuguese", async () => {
    const [csvDl] = await Promise.all([page.waitForEvent("download"), page.click("#analytics-export-csv")]);
    assert.match(csvDl.suggestedFilename(), /^analytics-painel-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-day\.csv$/);
    const csv = readFileSync(await csvDl.path(), "utf8");
    assert.equal(csv.charCodeAt(0), 0xfeff);
    const lines = csv.slice(1).trim().split("\r\n");
    assert.equal(lines[0].split(";")[0], "Data");
    assert.equal(lines.length, 8, "a header and seven days");
    const last = counts[counts.length - 1];
    const row = lines.find((l) => l.startsWith(last.day));
    assert.equal(row.split(";")[1], String(last.n));

    const [pdfDl] = await Promise.all([page.waitForEvent("download"), page.click("#analytics-export-pdf")]);
    const file = await pdfDl.path();
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    assert.match(text, /Analytics e Consumo · Clínica Painel/);
    assert.match(text, /Período: \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2} \(7 dias\)/);
    assert.match(text, /Mensagens por período/);
    assert.match(text, /Página 1\/1/);
    execFileSync("pdftoppm", ["-r", "70", "-png", "-singlefile", file, path.join(stage.shots, "analytics-pdf")]);
  });
}
