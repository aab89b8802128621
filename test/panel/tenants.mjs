// Empresas as the platform: the platform token signs in without a tenant and lands on Empresas; "Nova
// empresa" walks its steps and shows the integration token and the invitation link once; the new
// company is suspended after a confirmation (and the API agrees). Screenshots at 1280 and 360 wide.
import assert from "node:assert/strict";
import path from "node:path";
import { ADMIN_TOKEN, check, chooseLanguage, PLATFORM, signIn, viewReady } from "./harness.mjs";

export async function tenantsJourney(stage, page) {
  const shot = (name) => page.screenshot({ path: path.join(stage.shots, name), fullPage: true });
  await check("a platform admin signs in with e-mail and password, without a company, to Empresas (and only Empresas)", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.context().clearCookies();
    await page.goto(stage.base);
    await chooseLanguage(page, "pt-BR");
    await signIn(page, PLATFORM, "h1:has-text('Empresas')");
    await viewReady(page);
    assert.deepEqual(await page.$$eval("nav a", (as) => as.map((a) => a.dataset.view)), ["empresas"]);
    assert.ok(await page.$("tr[data-slug='painel']"), "the stage's company is listed");
  });
  await check("Nova empresa: company → plan → owner → review → the token and the invitation link shown once", async () => {
    await page.click("#tenant-new");
    await page.fill("#tenant-name", "Clínica Provisionada");
    await page.fill("#tenant-slug", "clinica-prov");
    await page.fill("#tenant-zone", "America/Recife");
    await page.click("#wizard-next");
    await page.selectOption("#tenant-plan", "starter");
    await page.click("#wizard-next");
    await page.fill("#owner-name", "Ana Dona");
    await page.fill("#owner-email", "ana@clinica-prov.test");
    await page.click("#wizard-next");
    assert.match(await page.textContent("#tenant-wizard dl"), /clinica-prov.*America\/Recife/s);
    await shot("1280x900-pt-BR-tenants-review.png");
    await page.click("#wizard-next");
    await page.waitForSelector("#result-token", { timeout: 15_000 });
    assert.match(await page.textContent("#result-token"), /^sct_/);
    assert.match(await page.textContent("#result-invitation"), /#aceitar\?token=inv_/);
    assert.match(await page.textContent("#wizard-warning"), /só esta vez/);
    await shot("1280x900-pt-BR-tenants-result.png");
    await page.setViewportSize({ width: 360, height: 800 });
    await shot("360x800-pt-BR-tenants-result.png");
    await page.setViewportSize({ width: 1280, height: 900 });
    // The token works for that company.
    const token = await page.textContent("#result-token");
    const me = await (await fetch(`${stage.base}/api/me`, { headers: { authorization: `Bearer ${token}` } })).json();
    assert.equal(me.company.slug, "clinica-prov");
    await page.click("#wizard-done");
    await page.waitForSelector("tr[data-slug='clinica-prov']");
  });
  await check("suspending asks first, then the row and the API say suspended", async () => {
    await page.click("tr[data-slug='clinica-prov'] [data-action='suspend']");
    await page.waitForSelector("dialog.confirm[open]");
    await page.click("#confirm-ok");
    await page.waitForSelector("tr[data-slug='clinica-prov'] [data-status='suspended']", { timeout: 15_000 });
    assert.ok(await page.$("tr[data-slug='clinica-prov'] [data-action='resume']"));
    await shot("1280x900-pt-BR-tenants-list.png");
    await page.setViewportSize({ width: 360, height: 800 });
    await shot("360x800-pt-BR-tenants-list.png");
    const res = await fetch(`${stage.base}/api/tenants/clinica-prov`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal((await res.json()).status, "suspended");
    await page.setViewportSize({ width: 1280, height: 900 });
  });
  await check("closing asks for the slug typed: a wrong one keeps the button off", async () => {
    await page.click("tr[data-slug='clinica-prov'] [data-action='close']");
    await page.fill("#close-confirm", "clinica-pro");
    assert.equal(await page.isDisabled("#close-ok"), true);
    await page.click("#close-cancel");
    assert.equal(await page.$("dialog[open]"), null);
  });
  await check("the header's tenant switcher takes the platform admin into a company's screens and back to Empresas", async () => {
    await page.selectOption("#tenant-switch", "painel");
    await page.click("#tenant-go");
    await page.waitForSelector("nav a[data-view='conversas']", { timeout: 15_000 });
    await viewReady(page);
    const views = await page.$$eval("nav a", (as) => as.map((a) => a.dataset.view));
    assert.ok(views.includes("agenda") && views.includes("empresas"), `a company's screens and Empresas: ${views.join(", ")}`);
    const me = await page.evaluate(async () => (await fetch("/api/me", { headers: { "x-tenant": sessionStorage.getItem("secretaria.tenant") ?? "" } })).json());
    assert.equal(me.company?.slug, "painel");
    await page.selectOption("#tenant-switch", "");
    await page.click("#tenant-go");
    await page.waitForFunction(() => [...document.querySelectorAll("nav a")].map((a) => a.dataset.view).join() === "empresas", null, { timeout: 15_000 });
  });
}
