// The Modelos journey: a Meta number with its WABA id, "Sincronizar agora" against the fake Graph API
// (the recorded two pages), status badges and body previews, a purpose mapped to an approved template,
// then Meta rejects it: the purpose is flagged on the screen. Back on the simulator, the screen says
// there are no templates there; the Canal screen shows the channel health line. Photographed at 1280 and 360.
import assert from "node:assert/strict";
import path from "node:path";
import { check, META_TOKEN, OWNER, signIn, viewReady } from "./harness.mjs";

const PNID = "109876543210077";
const WABA = "102290129340398";

export async function templatesJourney(stage, page) {
  const { api, base, graph } = stage;
  const shoot = async (name) => {
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: path.join(stage.shots, `${width}x900-pt-BR-${name}.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${name} scrolls sideways at ${width} px (${overflow} px)`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  };
  await page.context().clearCookies();
  graph.templates = "two-pages";
  // What Configuração's journey leaves (a reminder template typed by hand, two parameters): set here too, so the journey runs alone.
  await api("/api/config/templates", {
    method: "PUT",
    body: JSON.stringify({ reminder: { name: "lembrete_consulta", language: "pt_BR", parameters: ["{contact_name}", "{text}"] } }),
  });
  const connected = await api("/api/channel", { method: "PUT", body: JSON.stringify({ provider: "meta", phone_number_id: PNID, waba_id: WABA, access_token: META_TOKEN }) });
  assert.equal(connected.status, 200);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}/#modelos`);
  await signIn(page, OWNER);
  await page.evaluate(() => (location.hash = "modelos"));
  await viewReady(page);

  await check("Modelos: nothing synced yet, then Sincronizar agora lists the account's nine templates with their status", async () => {
    assert.equal(await page.textContent("#view h1"), "Modelos de mensagem");
    assert.equal(await page.textContent("#templates-last-sync"), "Ainda não sincronizado.");
    await page.click("#templates-sync");
    await page.waitForSelector("#templates-last-sync[data-ok='true']", { timeout: 15_000 });
    assert.match(await page.textContent("#templates-last-sync"), /9 modelos/);
    assert.equal(await page.locator(".template-card").count(), 9);
    const card = page.locator(".template-card[data-template='pesquisa_satisfacao|pt_BR']");
    assert.equal(await card.locator(".tpl-status").textContent(), "Rejeitado");
    assert.match(await card.textContent(), /Motivo da Meta: INVALID_FORMAT/);
    assert.match(await page.locator(".template-card[data-template='lembrete_consulta|pt_BR'] .template-body").textContent(), /Olá, \{\{1\}\}! Sua consulta na \{\{2\}\}/);
    assert.ok(
      graph.calls.some((c) => c.path.includes(`/${WABA}/message_templates`) && c.path.includes("&after=")),
      "the second page was asked for",
    );
  });
  await check("a reminder template typed by hand with two parameters is flagged: the approved one has three", async () => {
    const warning = await page.textContent(".purpose-warning[data-purpose='reminder']");
    assert.match(warning, /^O modelo desta finalidade não pode ser usado: Parâmetros não conferem \(o modelo tem 3, a finalidade preenche 2\)/);
  });
  await check("a purpose maps onto an approved template; rejected and paused ones are not offered", async () => {
    const options = await page.locator("#purpose-reminder option").allTextContents();
    assert.ok(options.includes("lembrete_consulta (pt_BR)"));
    assert.ok(!options.some((o) => o.startsWith("pesquisa_satisfacao") || o.startsWith("promo_black_friday") || o.startsWith("boas_vindas_nome")));
    await page.selectOption("#purpose-reminder", "lembrete_consulta|pt_BR");
    await page.click("#templates-purposes-save");
    await page.waitForSelector("#templates-purposes-status:has-text('Salvo.')", { timeout: 15_000 });
    assert.equal(await page.inputValue("#purpose-reminder"), "lembrete_consulta|pt_BR");
    assert.match(await page.locator(".template-card[data-template='lembrete_consulta|pt_BR']").textContent(), /usado em: Lembrete/);
    const { body } = await api("/api/templates");
    assert.deepEqual(body.purposes.find((p) => p.purpose === "reminder").template.parameters, ["{contact_name}", "{business_name}", "{text}"]);
    await shoot("modelos");
  });
  await check("after Meta rejects the mapped template, the purpose is flagged with the reason", async () => {
    graph.templates = "changed";
    await page.click("#templates-sync");
    await page.waitForSelector(".purpose-warning[data-purpose='reminder']", { timeout: 15_000 });
    assert.equal(
      await page.textContent(".purpose-warning[data-purpose='reminder']"),
      "O modelo desta finalidade não pode ser usado: Rejeitado (TAG_CONTENT_MISMATCH). As mensagens ficam retidas até ele ser aprovado de novo ou você escolher outro.",
    );
    assert.equal(await page.locator(".template-card[data-template='retomada_contato|pt_BR'] .tpl-status").textContent(), "Excluído");
    await shoot("modelos-rejeitado");
    // A closer look at the mapping on a phone (the full-page shot is long).
    await page.setViewportSize({ width: 360, height: 900 });
    await page.locator("#templates-purposes").screenshot({ path: path.join(stage.shots, "360-pt-BR-modelos-finalidades.png") });
    await page.locator(".template-card[data-template='lembrete_consulta|pt_BR']").screenshot({ path: path.join(stage.shots, "360-pt-BR-modelos-cartao.png") });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
  await check("Canal shows the channel health line", async () => {
    await page.evaluate(() => (location.hash = "canal"));
    await viewReady(page);
    assert.equal(await page.textContent("#channel-health"), "Saúde do canal: ainda não verificada (a cada 5 minutos).");
  });
  await check("on the simulator Modelos says there are no templates there", async () => {
    assert.equal((await api("/api/channel", { method: "PUT", body: JSON.stringify({ provider: "sandbox" }) })).status, 200);
    await page.evaluate(() => (location.hash = "modelos"));
    await viewReady(page);
    assert.match(await page.textContent("#templates-unsupported"), /O simulador não tem conta WhatsApp Business/);
    assert.equal(await page.locator("#templates-sync").count(), 0);
    await shoot("modelos-sem-suporte");
  });
}
