// The inbox as a receptionist works it (Conversas): a customer asks for a person and writes again;
// the row shows bold with its unread count, the last message and the SLA timer; the search finds it
// by name and by phone digits; opening it clears the mark and shows the contact beside it; the
// receptionist answers (the reply is in the thread and in the channel's outbox), gives it back and
// takes it over again. Photographed at 1366 and 390 (no horizontal scroll), then read in English.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../../scripts/dev.mjs";
import { check, chooseLanguage, TENANT, viewReady } from "./harness.mjs";

const PHONE = "5511966665555";
const SHOWN_PHONE = "+55 11 96666-5555";
const NAME = "Bruno Teixeira";
const SECOND = "Meu número novo é este, pode anotar?";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WAITING = /^aguardando há (?:menos de 1 min|\d+ min)$/;

/** Every catalogue text of one language, per key. */
const catalogue = (locale) => {
  const dir = path.join(ROOT, "panel/src/i18n", locale);
  return Object.assign(
    {},
    ...readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8"))),
  );
};

async function until(fn, what, timeout = 60_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 400));
  }
}

const fits = (page) => page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: innerWidth }));

export async function inboxJourney(stage, page) {
  const { api } = stage;
  const say = async (text) => assert.equal((await api(`/api/sandbox/${TENANT}/inbound`, { method: "POST", body: JSON.stringify({ from: PHONE, name: NAME, text }) })).status, 202);
  let contactId = null;
  const conversation = async () => {
    contactId ??= (await api("/api/contacts/lookup", { method: "POST", body: JSON.stringify({ phone: PHONE }) })).body?.contact?.id ?? null;
    return contactId ? (await api(`/api/conversations?contact_id=${contactId}&limit=1`)).body.conversations[0] : undefined;
  };
  const search = async (q) => {
    await page.fill("#inbox-search", q);
    // Debounced: the list repaints once the typing stops.
    await page.waitForFunction(
      (name) => {
        const rows = [...document.querySelectorAll("#conversation-list li")];
        return rows.length > 0 && rows.every((li) => li.textContent.includes(name));
      },
      NAME,
      { timeout: 10_000 },
    );
  };
  let id = 0;
  const row = () => `#conversation-list li[data-id="${id}"]`;

  await check("Conversas: a customer's new message shows bold with its unread count and preview, and the SLA timer once a person is asked for", async () => {
    await say("Oi, quero falar com uma pessoa, por favor");
    await until(async () => (await conversation())?.status === "human", "the handoff");
    await say(SECOND);
    const c = await until(async () => {
      const now = await conversation();
      return now?.last_message?.text === SECOND && now;
    }, "the second message");
    id = c.id;
    assert.ok(c.unread >= 2, `unread ${c.unread}`);
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.evaluate(() => (location.hash = "conversas"));
    await viewReady(page);
    await page.waitForSelector(`${row()}.unread`, { timeout: 15_000 });
    assert.equal(await page.textContent(`${row()} .unread-count`), String(c.unread));
    assert.equal(await page.getAttribute(`${row()} .unread-count`, "aria-label"), `${c.unread} mensagens não lidas`);
    assert.equal(await page.textContent(`${row()} .preview`), SECOND);
    assert.match(await page.textContent(`${row()} .who`), new RegExp(`^${NAME} · \\+55 11 96666-5555$`));
    assert.match(await page.textContent(`${row()} .sla`), WAITING);
    const weight = await page.$eval(`${row()} .preview`, (e) => getComputedStyle(e).fontWeight);
    assert.equal(weight, "700");
    await page.click("button[data-filter=waiting]");
    await page.waitForSelector(`${row()}`, { timeout: 15_000 });
    assert.ok(await page.$$eval("#conversation-list li", (lis) => lis.every((li) => li.querySelector(".sla"))), "only waiting conversations under “Aguardando resposta”");
    await page.click("button[data-filter='']");
    await page.waitForSelector(`${row()}`, { timeout: 15_000 });
  });

  await check("the search finds the conversation by name and by the phone's digits as people type them, and says when nothing matches", async () => {
    await search("teixeira"); // any case (another journey has a "Bruno" too)
    await search("96666-5555");
    await page.fill("#inbox-search", "ninguém com esse nome");
    await page.waitForSelector("#conversations-empty:has-text('Nenhuma conversa encontrada para “ninguém com esse nome”.')", { timeout: 10_000 });
    await search("Teixeira");
  });

  await check("opening it shows the thread and the contact, clears the unread mark, and keeps the search", async () => {
    await page.click(`${row()} a`);
    await page.waitForSelector(`#messages li.in:has-text('${SECOND}')`, { timeout: 15_000 });
    assert.equal(await page.inputValue("#inbox-search"), "Teixeira");
    assert.equal(await page.$(`${row()}.unread`), null, "the open row has no unread badge");
    assert.equal(await page.textContent("#contact-name"), NAME);
    assert.equal(await page.textContent("#contact-phone"), SHOWN_PHONE);
    assert.equal(await page.getAttribute("#contact-panel", "open"), "", "open beside the thread on a wide screen");
    assert.equal(await page.$("#contact-habits"), null, "a new contact has no habit to show");
    assert.match(
      await page.textContent("#conversation-status"),
      /^com uma pessoa · passou para uma pessoa em .+ \(o contato pediu uma pessoa\) · aguardando há (?:menos de 1 min|\d+ min)$/,
    );
    await until(async () => (await conversation())?.unread === 0, "the read mark");
    await page.screenshot({ path: path.join(stage.shots, "1366x900-pt-BR-inbox-open.png"), fullPage: true });
  });

  await check("take over a conversation and answer: the reply is in the thread and in the outbox, and nobody waits any more", async () => {
    // It is with a person already (the customer asked): give it back, then take it over from the assistant.
    await page.click("#release");
    await page.waitForSelector("#conversation-status:has-text('com a assistente')", { timeout: 15_000 });
    await page.click("#handoff");
    await page.waitForSelector("#conversation-status:has-text('com uma pessoa')", { timeout: 15_000 });
    const reply = "Oi Bruno, aqui é a Ana. Já anotei o número novo.";
    await page.fill("#reply-text", reply);
    await page.click("#reply-send");
    await page.waitForSelector(`#messages li.out:has-text('${reply}')`, { timeout: 15_000 });
    assert.equal(await page.inputValue("#reply-text"), "", "the box is emptied once sent");
    const { body } = await api(`/api/sandbox/${TENANT}/outbox?contact_id=${contactId}`);
    assert.ok(
      body.messages.some((m) => m.text === reply),
      "the reply went out through the channel",
    );
    await page.waitForFunction((sel) => !document.querySelector(`${sel} .sla`), row(), { timeout: 20_000 });
    assert.doesNotMatch(await page.textContent("#conversation-status"), /aguardando/);
  });

  await check("a live refresh keeps the typed reply and shows the customer's new message", async () => {
    await page.fill("#reply-text", "rascunho que não pode sumir");
    await say("Obrigado! Qual o horário de sábado?");
    await page.waitForSelector("#messages li.in:has-text('horário de sábado')", { timeout: 40_000 });
    assert.equal(await page.inputValue("#reply-text"), "rascunho que não pode sumir");
    assert.match(await page.textContent(`${row()} .sla`), WAITING);
    await page.fill("#reply-text", "");
  });

  await check("on a phone the open conversation fits the width, the contact is a folded section under it", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await phoneChecks();
    } finally {
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });
  async function phoneChecks() {
    await page.reload();
    await viewReady(page);
    await page.waitForSelector("#messages li");
    assert.equal(await page.getAttribute("#contact-panel", "open"), null, "folded on a phone");
    await page.click("#contact-panel summary");
    await page.waitForSelector("#contact-phone", { state: "visible" });
    // Opt-out asks first; the new card stays unfolded with the keyboard on its switch; opt-in undoes it.
    for (const [shown, button] of [
      ["pediu para não receber", "Voltar a enviar mensagens"],
      ["aceita receber", "Parar mensagens"],
    ]) {
      await page.click("#contact-opt");
      await page.click("#confirm-ok");
      await page.waitForSelector(`#contact-opted:has-text('${shown}')`, { timeout: 15_000 });
      assert.equal(await page.getAttribute("#contact-panel", "open"), "", "still unfolded after the switch");
      assert.equal(await page.textContent("#contact-opt"), button);
      assert.equal(await page.evaluate(() => document.activeElement?.id), "contact-opt");
    }
    const w = await fits(page);
    assert.ok(w.scroll <= w.inner, `${w.scroll}px wide in a ${w.inner}px window`);
    await page.screenshot({ path: path.join(stage.shots, "390x844-pt-BR-inbox-open.png"), fullPage: true });
    await page.click("#conversation-back");
    await viewReady(page);
    await page.waitForSelector(row());
    const l = await fits(page);
    assert.ok(l.scroll <= l.inner, `the list: ${l.scroll}px wide in a ${l.inner}px window`);
    await page.screenshot({ path: path.join(stage.shots, "390x844-pt-BR-inbox-list.png"), fullPage: true });
  }

  await check("in English the inbox has no Portuguese left: filters, timer, contact panel and statuses", async () => {
    const pt = catalogue("pt-BR");
    const en = catalogue("en");
    // The inbox's own words and the statuses it shows, where the two languages differ.
    const words = Object.keys(pt)
      .filter((k) => /^(conversations\.|status\.(conversation|message|appointment)\.|author\.|handoff\.reason\.)/.test(k) && pt[k] !== en[k] && pt[k].length > 3)
      .map((k) => pt[k].replace(/\{\w+\}/g, "").trim())
      .filter((w) => w.length > 3);
    await chooseLanguage(page, "en");
    await page.evaluate((h) => (location.hash = h), `conversas?id=${id}`);
    await page.reload();
    await viewReady(page);
    await page.waitForSelector("#messages li");
    await page.fill("#inbox-search", "");
    const chrome = await page.evaluate(() => {
      // The customer's and the receptionist's messages are Portuguese on purpose: only the panel's own words count.
      const clone = document.querySelector("#view").cloneNode(true);
      for (const n of clone.querySelectorAll("#messages li > span, .preview, .who, #contact-name, h2")) n.remove();
      return clone.textContent;
    });
    const left = words.filter((w) => chrome.includes(w));
    assert.deepEqual(left, []);
    assert.match(await page.textContent("#conversation-status"), /^with a person/);
    assert.ok(chrome.includes("Awaiting reply") && chrome.includes("Contact"));
    await page.screenshot({ path: path.join(stage.shots, "1366x900-en-inbox-open.png"), fullPage: true });
    await chooseLanguage(page, "pt-BR");
    await page.reload();
    await viewReady(page);
  });
  await check("times are the business's (America/Sao_Paulo), whatever the browser's zone (UTC here)", async () => {
    const { body } = await api(`/api/conversations/${id}`);
    const first = body.messages[0];
    const expected = new Intl.DateTimeFormat("pt-BR", { dateStyle: "short", timeStyle: "short", timeZone: "America/Sao_Paulo" }).format(new Date(first.created_at));
    await page.evaluate((h) => (location.hash = h), `conversas?id=${id}`);
    await viewReady(page);
    await page.waitForSelector("#messages li small");
    assert.match(await page.textContent("#messages li small"), new RegExp(` · ${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( · |$)`));
    assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), "UTC");
  });

  await check("an address naming a conversation that does not exist keeps the inbox and says so; “Todas” shows as chosen", async () => {
    await page.evaluate(() => (location.hash = "conversas?id=987654321"));
    await viewReady(page);
    await page.waitForSelector("#conversation-gone", { timeout: 15_000 });
    assert.equal(await page.textContent("#conversation-gone"), "Esta conversa não existe mais (ou não é deste negócio).");
    assert.ok(await page.$("#conversation-list li"), "the list is still there");
    assert.equal(await page.getAttribute("button[data-filter='']", "aria-pressed"), "true");
  });

  await check("a long inbox shows one page, and “Mostrar mais conversas” brings the next", async () => {
    // 60 archived conversations of 60 contacts, written straight into the local D1, then removed again.
    const ARCHIVE = "551195550";
    const ofTenant = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
    await stage.sql(
      `INSERT INTO contacts (company_id, phone, name) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 60) SELECT ${ofTenant}, '${ARCHIVE}' || printf('%04d', n), 'Arquivo ' || n FROM s;` +
        `INSERT INTO conversations (company_id, contact_id, status, last_message_at) SELECT company_id, id, 'closed', 1700000000000 FROM contacts WHERE company_id = ${ofTenant} AND phone LIKE '${ARCHIVE}%';`,
    );
    try {
      await page.evaluate(() => (location.hash = "conversas"));
      await viewReady(page);
      await page.waitForSelector("#inbox-more", { timeout: 15_000 });
      assert.equal(await page.locator("#conversation-list > li").count(), 50);
      await page.click("#inbox-more");
      await page.waitForFunction(() => document.querySelectorAll("#conversation-list > li").length > 50, null, { timeout: 15_000 });
      // Every conversation is on screen now: no button promises more.
      assert.equal(await page.$("#inbox-more"), null);
    } finally {
      await stage.sql(
        `DELETE FROM conversations WHERE contact_id IN (SELECT id FROM contacts WHERE company_id = ${ofTenant} AND phone LIKE '${ARCHIVE}%');` +
          `DELETE FROM contacts WHERE company_id = ${ofTenant} AND phone LIKE '${ARCHIVE}%';`,
      );
    }
  });

  await check("a regular's contact card says when they usually come (“Costuma vir”), from their kept visits only, at 1366 and 390", async () => {
    const REGULAR = "5511944443333";
    assert.equal(
      (await api(`/api/sandbox/${TENANT}/inbound`, { method: "POST", body: JSON.stringify({ from: REGULAR, name: "Carla Mendes", text: "Oi, tudo bem?" }) })).status,
      202,
    );
    const contact = await until(
      async () => (await api("/api/contacts/lookup", { method: "POST", body: JSON.stringify({ phone: REGULAR }) })).body?.contact,
      "the regular's contact",
    );
    const open = await until(async () => (await api(`/api/conversations?contact_id=${contact.id}&limit=1`)).body.conversations[0], "the regular's conversation");
    // Two Tuesday mornings and a Thursday afternoon kept (all "Limpeza"), and a Friday no-show that is no habit.
    let tuesday = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 7, 12); // 09:00 in São Paulo
    while (new Date(tuesday).getUTCDay() !== 2) tuesday -= DAY;
    const visits = [
      [tuesday, "attended", "Limpeza"],
      [tuesday - 7 * DAY, "attended", "Limpeza"],
      [tuesday - 12 * DAY + 6 * HOUR, "attended", "Limpeza"],
      [tuesday - 4 * DAY + 7 * HOUR, "no_show", "Clareamento"],
    ];
    const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
    await stage.sql(
      visits
        .map(
          ([at, status, service], i) =>
            `INSERT INTO appointments (company_id, contact_id, provider, booking_uid, service, starts_at, ends_at, status, source, booked_at) VALUES (${company}, ${contact.id}, 'builtin', 'panel-habit-${i}', '${service}', ${at}, ${at + 1_800_000}, '${status}', 'api', ${at - 3 * DAY});`,
        )
        .join(""),
    );
    try {
      // The business lists no services yet (Configuração comes later in this suite): the usual service is
      // shown only while listed, so the card names the day and period alone.
      assert.deepEqual((await api("/api/config")).body.knowledge.services ?? [], []);
      assert.deepEqual((await api(`/api/contacts/${contact.id}`)).body.preferences, { weekday: "tue", period: "morning", service: null, visits: 3 });
      await page.evaluate((h) => (location.hash = h), `conversas?id=${open.id}`);
      await viewReady(page);
      await page.waitForSelector("#contact-habits", { timeout: 15_000 });
      assert.equal(await page.textContent("#contact-habits"), "Terça-feira · de manhã");
      assert.equal(await page.$eval("#contact-habits", (dd) => dd.previousElementSibling?.textContent), "Costuma vir");
      await page.locator("#contact-panel").screenshot({ path: path.join(stage.shots, "1366x900-pt-BR-contact-habits.png") });
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await page.reload();
        await viewReady(page);
        await page.click("#contact-panel summary");
        await page.waitForSelector("#contact-habits", { state: "visible" });
        const w = await fits(page);
        assert.ok(w.scroll <= w.inner, `${w.scroll}px wide in a ${w.inner}px window`);
        await page.locator("#contact-panel").screenshot({ path: path.join(stage.shots, "390x844-pt-BR-contact-habits.png") });
      } finally {
        await page.setViewportSize({ width: 1366, height: 900 });
      }
    } finally {
      // The other journeys count the tenant's appointments: the seeded past goes again.
      await stage.sql(`DELETE FROM appointments WHERE company_id = ${company} AND booking_uid LIKE 'panel-habit-%';`);
    }
  });
}
