// The Configuração journey: with no AI key the preview says why it cannot use the knowledge; the
// tenant's own key is saved write-only; the address typed (unsaved) already shows in the preview's
// answer; once saved, the simulator's customer gets it through the real message path.
import assert from "node:assert/strict";
import path from "node:path";
import { check, viewReady } from "./harness.mjs";

const ADDRESS = "Rua das Flores, 123 – Centro, São Paulo";
const HOURS = "segunda a sexta, das 8h às 18h";
const KEY = "tenant-own-gemini-key-0001";

export async function settingsJourney(stage, page) {
  const { api, gemini } = stage;
  await page.evaluate(() => (location.hash = "configuracao"));
  await viewReady(page);
  await check("Configuração: without a key the preview answers from the ready-made texts and says why", async () => {
    await page.waitForSelector("#preview-source:has-text('Texto pronto')", { timeout: 15_000 });
    assert.equal(await page.inputValue("#preview-question"), "Qual o endereço e o horário?");
    assert.equal(await page.textContent("#preview-source"), "Texto pronto · sem chave de API");
    assert.match(await page.textContent("#preview-hint"), /responde endereço, horário, telefones, serviços e perguntas frequentes com o conhecimento/);
    // The knowledge is still empty: nothing to answer with, so the team will confirm.
    assert.match(await page.textContent("#preview-reply"), /Vou confirmar essa informação com a nossa equipe/);
  });
  await check("a settings form refuses a value out of range before sending it", async () => {
    await page.fill("#tone-length", "10");
    await page.click("#tone-save");
    assert.equal(await page.textContent("#tone-status"), "Confira os campos destacados.");
    assert.equal((await api("/api/config")).body.tone.maxReplyChars, 700);
    await page.fill("#tone-length", "700");
  });
  await check("switching AI off is saved in the tone and the preview says the AI is off", async () => {
    await page.uncheck("#ai-enabled");
    await page.click("#ai-save");
    await page.waitForSelector("#ai-status:has-text('Salvo.')", { timeout: 15_000 });
    assert.equal((await api("/api/config")).body.tone.aiEnabled, false);
    await page.waitForSelector("#preview-source:has-text('IA desligada')", { timeout: 15_000 });
    assert.equal(await page.isVisible("#ai-key-remove"), false, "no key: nothing to remove");
  });
  await check("the AI key is saved write-only: the page and the API only say there is one", async () => {
    assert.equal(await page.textContent("#ai-key-state"), "Nenhuma chave salva.");
    await page.check("#ai-enabled");
    await page.fill("#ai-key", KEY);
    await page.click("#ai-save");
    await page.waitForSelector("#ai-status:has-text('Salvo.')", { timeout: 15_000 });
    assert.equal(await page.inputValue("#ai-key"), "");
    assert.equal(await page.textContent("#ai-key-state"), "Há uma chave salva.");
    const { body } = await api("/api/config");
    assert.equal(body.ai.hasApiKey, true);
    assert.ok(!JSON.stringify(body).includes(KEY), "the key never comes back");
    await page.waitForSelector("#preview-source:has-text('Resposta da IA')", { timeout: 15_000 });
    assert.equal(gemini.calls.at(-1)?.key, KEY, "the model was called with the tenant's own key");
  });
  await check("typing the address updates the preview's answer before saving (the unsaved knowledge reaches the model)", async () => {
    await page.fill("#knowledge-address", ADDRESS);
    await page.fill("#knowledge-hours", HOURS);
    await page.waitForSelector(`#preview-reply:has-text("${ADDRESS}")`, { timeout: 15_000 });
    assert.equal(await page.textContent("#preview-reply"), `Estamos na ${ADDRESS}. Atendemos ${HOURS}.`);
    assert.equal((await api("/api/config")).body.knowledge.address, "", "nothing saved yet");
    await page.screenshot({ path: path.join(stage.shots, "1366x900-pt-BR-configuracao-preview.png"), fullPage: true });
  });
  await check("saving the knowledge stores it; the simulator's customer asking for the address gets it", async () => {
    await page.click("#knowledge-save");
    await page.waitForSelector("#knowledge-status:has-text('Salvo.')", { timeout: 15_000 });
    const { body } = await api("/api/config");
    assert.equal(body.knowledge.address, ADDRESS);
    assert.equal(body.knowledge.hours, HOURS);
    await page.click("a[data-view=simulador]");
    await viewReady(page);
    await page.fill("#sim-phone", "5511955554444");
    await page.fill("#sim-name", "Paulo Reis");
    await page.fill("#sim-text", "Qual o endereço e o horário?");
    await page.click("#sim-send");
    await page.waitForSelector(`#sim-thread li.out:has-text("${ADDRESS}")`, { timeout: 60_000 });
    assert.match(await page.textContent("#sim-thread li.out"), new RegExp(`^Estamos na ${ADDRESS}\\. Atendemos ${HOURS}\\.`));
  });
  await check("a service with price and duration, a FAQ, a reminder template and the handoff settings are saved from the page", async () => {
    await page.click("a[data-view=configuracao]");
    await viewReady(page);
    await page.click("#services-add");
    await page.fill("#services [data-field=service-name]", "Consulta de rotina");
    await page.fill("#services [data-field=service-price]", "R$ 200");
    await page.fill("#services [data-field=service-duration]", "30");
    await page.click("#faq-add");
    await page.fill("#faq [data-field=faq-q]", "Aceitam convênio?");
    await page.fill("#faq [data-field=faq-a]", "Sim, os principais.");
    await page.click("#knowledge-save");
    await page.waitForSelector("#knowledge-status:has-text('Salvo.')", { timeout: 15_000 });
    await page.click("#template-reminder summary");
    await page.fill("#template-reminder-name", "lembrete_consulta");
    await page.fill("#template-reminder-parameters", "{contact_name}, {text}");
    assert.equal(await page.textContent("#template-reminder summary .muted"), "lembrete_consulta");
    await page.click("#templates-save");
    await page.waitForSelector("#templates-status:has-text('Salvo.')", { timeout: 15_000 });
    await page.fill("#handoff-keywords", "urgente\nreclamação");
    await page.fill("#handoff-sla", "30");
    await page.click("#handoff-save");
    await page.waitForSelector("#handoff-status:has-text('Salvo.')", { timeout: 15_000 });
    const { body } = await api("/api/config");
    assert.deepEqual(body.knowledge.services, [{ name: "Consulta de rotina", price: "R$ 200", durationMinutes: 30 }]);
    assert.deepEqual(body.knowledge.faq, [{ q: "Aceitam convênio?", a: "Sim, os principais." }]);
    assert.equal(body.knowledge.address, ADDRESS, "the rest of the knowledge kept");
    assert.deepEqual(body.handoff.keywords, ["urgente", "reclamação"]);
    assert.equal(body.handoff.slaMinutes, 30);
    assert.deepEqual(body.templates, { reminder: { name: "lembrete_consulta", language: "pt_BR", parameters: ["{contact_name}", "{text}"] } });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(stage.shots, "390x844-pt-BR-configuracao-filled.png"), fullPage: true });
    await page.setViewportSize({ width: 1366, height: 900 });
  });
}
