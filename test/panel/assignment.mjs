// Handoff goes to a person, in Conversas: with Ana (agent) available and Bia (admin) not, a customer
// who asks for a person lands with Ana; the row and the header say so, the "Fila da equipe" filter
// shows the ones nobody holds, the header's select hands it to Bia, and a human message names who
// wrote it. The page is signed in as the owner (a person: "Minhas" and the availability toggle are
// there). Photographed at 1280 and 360 (no horizontal scroll).
import assert from "node:assert/strict";
import path from "node:path";
import { check, TENANT, viewReady } from "./harness.mjs";

const PHONE = "5511944443321";
const NAME = "Carla Mendes";

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

export async function assignmentJourney(stage, page) {
  const { api, sql } = stage;
  const company = `(SELECT id FROM companies WHERE slug = '${TENANT}')`;
  await sql(
    `INSERT INTO users (company_id, email, name, role, status, available) VALUES
       (${company}, 'ana@painel.test', 'Ana Recepção', 'agent', 'active', 1),
       (${company}, 'bia@painel.test', 'Bia Gerente', 'admin', 'active', 0)`,
  );
  const { body: team } = await api("/api/conversations/assignees");
  const ana = team.assignees.find((p) => p.name === "Ana Recepção");
  const bia = team.assignees.find((p) => p.name === "Bia Gerente");
  let id = 0;
  const row = () => `#conversation-list li[data-id="${id}"]`;

  await check("Conversas: a customer who asks for a person is assigned to the available agent, shown on the row and in the header", async () => {
    assert.ok(ana && bia, "the two people are the tenant's assignees");
    assert.equal(
      (await api(`/api/sandbox/${TENANT}/inbound`, { method: "POST", body: JSON.stringify({ from: PHONE, name: NAME, text: "Quero falar com um atendente" }) })).status,
      202,
    );
    const conv = await until(async () => {
      const { body } = await api(`/api/conversations?assignee=${ana.id}`);
      return body.conversations.find((c) => c.contact?.name === NAME);
    }, "the assignment");
    id = conv.id;
    assert.deepEqual(conv.assignee, { id: ana.id, name: "Ana Recepção" });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(() => (location.hash = "conversas"));
    await viewReady(page);
    await page.waitForSelector(`${row()} .assignee`, { timeout: 15_000 });
    assert.equal(await page.textContent(`${row()} .assignee`), "Atendente: Ana Recepção");
    assert.ok(await page.$("button[data-scope=me]"), "“Minhas” for a signed-in person");
    assert.ok(await page.$("#availability"), "the availability toggle for a signed-in person");
    await page.click(`${row()} a`);
    await page.waitForSelector("#conversation-assignee", { timeout: 15_000 });
    assert.equal(await page.textContent("#conversation-assignee"), "Atendente: Ana Recepção");
    assert.equal(await page.inputValue("#assignee-select"), String(ana.id));
    await page.screenshot({ path: path.join(stage.shots, "1280x900-pt-BR-assignment.png"), fullPage: true });
  });

  await check("the “Fila da equipe” filter lists only the handed-over conversations nobody holds", async () => {
    await page.click("button[data-scope=none]");
    await page.waitForFunction(() => location.hash.includes("assignee=none"));
    await viewReady(page);
    const { body } = await api("/api/conversations?assignee=none");
    const shown = await page.$$eval("#conversation-list li", (lis) => lis.map((li) => Number(li.dataset.id)));
    assert.deepEqual(
      shown,
      body.conversations.map((c) => c.id),
    );
    assert.ok(!shown.includes(id), "Ana's conversation is not in the queue");
    assert.ok(await page.$$eval("#conversation-list li .assignee", (tags) => tags.every((t) => t.textContent === "Fila da equipe")), "every queued row says “Fila da equipe”");
    await page.click("button[data-scope='']");
    await page.waitForSelector(row(), { timeout: 15_000 });
  });

  await check("reassigning from the header moves it to Bia (and the API says so); a human message names its author", async () => {
    await page.evaluate((conv) => (location.hash = `conversas?id=${conv}`), id);
    await page.waitForSelector("#assignee-select", { timeout: 15_000 });
    await page.selectOption("#assignee-select", String(bia.id));
    await page.click("#assign-apply");
    await page.waitForSelector("#conversation-assignee:has-text('Bia Gerente')", { timeout: 15_000 });
    await until(async () => (await api(`/api/conversations/${id}`)).body.assignee?.id === bia.id, "the reassignment");
    assert.equal(await page.textContent(`${row()} .assignee`), "Atendente: Bia Gerente");
    // A signed-in reply records its author; sessions are built elsewhere, so the row is marked as one would be.
    const sent = await api(`/api/conversations/${id}/messages`, { method: "POST", body: JSON.stringify({ text: "Oi Carla, é a Bia." }) });
    assert.equal(sent.status, 202);
    await sql(`UPDATE messages SET author_user_id = ${bia.id} WHERE id = ${sent.body.message.id}`);
    await page.waitForSelector("#messages li.out:has-text('Oi Carla, é a Bia.') small:has-text('Bia Gerente')", { timeout: 30_000 });
  });

  await check("at 360 px the assignee, the select and the filter fit without horizontal scroll", async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.waitForSelector("#assignee-select", { state: "visible", timeout: 15_000 });
    const f = await fits(page);
    assert.ok(f.scroll <= f.inner, `scrollWidth ${f.scroll} > ${f.inner}`);
    await page.screenshot({ path: path.join(stage.shots, "360x800-pt-BR-assignment-open.png"), fullPage: true });
    await page.evaluate(() => (location.hash = "conversas"));
    await viewReady(page);
    const g = await fits(page);
    assert.ok(g.scroll <= g.inner, `list: scrollWidth ${g.scroll} > ${g.inner}`);
    await page.screenshot({ path: path.join(stage.shots, "360x800-pt-BR-assignment-list.png"), fullPage: true });
    await page.setViewportSize({ width: 1366, height: 900 });
  });
}
