// The Canal journey: connect a (faked) Meta number, see the webhook URL and verify token to paste at
// Meta, the token kept write-only, "Testar conexão" against the fake Graph API (ok, then a refused
// token), and back to the simulator through the confirmation a provider switch asks for.
import assert from "node:assert/strict";
import path from "node:path";
import { check, chooseLanguage, META_TOKEN, OWNER, signIn, viewReady } from "./harness.mjs";

const PNID = "109876543210001";

export async function channelJourney(stage, page) {
  const { api, base, graph } = stage;
  // The journeys before may have left a platform admin signed in: the tenant's owner connects the channel.
  await page.context().clearCookies();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}/#canal`);
  await chooseLanguage(page, "pt-BR");
  await signIn(page, OWNER);
  await page.evaluate(() => (location.hash = "canal"));
  await viewReady(page);
  await check("Canal: the simulator needs no webhook, and nothing was tested yet", async () => {
    assert.equal(await page.inputValue("#channel-provider"), "sandbox");
    assert.equal(await page.textContent("#channel-webhook-none"), "O simulador não precisa de webhook.");
    assert.equal(await page.textContent("#channel-test-result"), "Ainda não testado.");
    assert.equal(await page.isVisible("#meta-access-token"), false, "only the chosen provider's fields are shown");
  });
  await check("connecting a Meta number shows the webhook URL and the verify token, and keeps the token write-only", async () => {
    await page.selectOption("#channel-provider", "meta");
    await page.fill("#meta-phone-number-id", PNID);
    assert.equal(await page.getAttribute("#meta-access-token", "placeholder"), "nenhum guardado");
    await page.fill("#meta-access-token", META_TOKEN);
    await page.click("#channel-save");
    await page.waitForSelector("#channel-status:has-text('Salvo.')", { timeout: 15_000 });
    assert.equal(await page.inputValue("#channel-webhook-url"), `${base}/webhooks/whatsapp`);
    assert.match(await page.inputValue("#channel-verify-token"), /^painel\.vt_[A-Za-z0-9_-]{32}$/);
    assert.equal(await page.inputValue("#meta-access-token"), "");
    assert.equal(await page.getAttribute("#meta-access-token", "placeholder"), "guardado — deixe em branco para manter");
    const { body } = await api("/api/channel");
    assert.equal(body.meta.phone_number_id, PNID);
    assert.equal(body.meta.has_access_token, true);
    assert.ok(!JSON.stringify(body).includes(META_TOKEN), "the token never comes back");
  });
  await check("Meta's handshake accepts the verify token shown on the screen", async () => {
    const token = await page.inputValue("#channel-verify-token");
    const res = await fetch(`${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=314`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "314");
  });
  await check("Testar conexão asks Graph with the stored token and shows the number", async () => {
    await page.click("#channel-test");
    await page.waitForSelector("#channel-test-result [data-ok='true']", { timeout: 15_000 });
    assert.equal(await page.textContent("#channel-test-result [data-ok]"), "Conexão funcionando.");
    assert.match(await page.textContent("#channel-test-result"), /\+55 11 3000-1000 · Clínica Sorriso · quality GREEN/);
    assert.equal(graph.calls.at(-1)?.authorization, `Bearer ${META_TOKEN}`);
    assert.match(graph.calls.at(-1)?.path ?? "", new RegExp(`/${PNID}\\?fields=display_phone_number,verified_name,quality_rating$`));
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: path.join(stage.shots, `${width}x900-pt-BR-canal.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  });
  await check("a token Meta refuses is reported in words, not as a failure of the page", async () => {
    await page.fill("#meta-access-token", "EAAG-revoked-token-9999");
    await page.click("#channel-save");
    await page.waitForSelector("#channel-status:has-text('Salvo.')", { timeout: 15_000 });
    await page.click("#channel-test");
    await page.waitForSelector("#channel-test-result [data-ok='false']", { timeout: 15_000 });
    assert.equal(await page.textContent("#channel-test-result [data-ok]"), "A Meta recusou o token de acesso (inválido ou expirado).");
  });
  await check("switching back to the simulator asks first, and then the number no longer routes here", async () => {
    await page.selectOption("#channel-provider", "sandbox");
    await page.click("#channel-save");
    await page.waitForSelector("dialog.confirm[open]");
    assert.match(await page.textContent("#confirm-body"), /Meta — WhatsApp Cloud API/);
    await page.click("#confirm-ok");
    await page.waitForSelector("#channel-webhook-none", { timeout: 15_000 });
    const { body } = await api("/api/channel");
    assert.equal(body.provider, "sandbox");
    assert.equal(body.webhook_url, null);
  });
}
