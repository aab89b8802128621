// Tokens de integração and Auditoria in the browser: a token created in the page is shown once and
// works, the list shows only its prefix, revoking asks first and the token stops at once; the audit
// screen lists it and filters. The panel's own answers carry the CSP, and nothing on the page breaks it.
import assert from "node:assert/strict";
import path from "node:path";
import { check, rerendered, viewReady } from "./harness.mjs";

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export async function accessJourney(stage, page) {
  const violations = [];
  await page.exposeFunction("__cspViolation", (v) => violations.push(v)).catch(() => undefined);
  await page.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation?.(`${e.violatedDirective} ${e.blockedURI}`)));
  const shot = (name) => page.screenshot({ path: path.join(stage.shots, `${name}.png`), fullPage: true });
  const asToken = (secret, p) => fetch(`${stage.base}${p}`, { headers: { authorization: `Bearer ${secret}` } });

  await check("the panel's index, its script and an API answer carry the CSP, nosniff and frame denial", async () => {
    for (const p of ["/", "/app.js", "/styles.css"]) {
      const res = await fetch(`${stage.base}${p}`);
      assert.equal(res.headers.get("content-security-policy"), CSP, p);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", p);
      assert.equal(res.headers.get("x-frame-options"), "DENY", p);
    }
    const api = await fetch(`${stage.base}/api/me`);
    assert.equal(api.status, 401);
    assert.equal(api.headers.get("content-security-policy"), CSP);
    assert.equal(api.headers.get("referrer-policy"), "no-referrer");
    assert.equal(api.headers.get("strict-transport-security"), null, "no HSTS on http://127.0.0.1");
  });

  let secret = "";
  await check("Tokens de integração: a token made with a name, a scope and an expiry is shown once, with a copy button, and works", async () => {
    await page.reload();
    await page.evaluate(() => (location.hash = "tokens"));
    await viewReady(page);
    assert.equal(await page.textContent("#view h1"), "Tokens de integração");
    await page.fill("#token-name", "CRM da recepção");
    await page.check("input[data-scope='agenda:read']");
    await page.check("input[data-scope='conversations:read']");
    await page.selectOption("#token-expiry", "30");
    await page.click("#token-create");
    await page.waitForSelector("#token-secret");
    secret = await page.inputValue("#token-secret");
    assert.match(secret, /^sk_[A-Za-z0-9_-]{32}$/);
    assert.match(await page.textContent("#token-revealed"), /não será mostrado de novo/);
    assert.ok(await page.isVisible("#token-copy"));
    const row = page.locator("#tokens tbody tr").first();
    assert.match(await row.textContent(), /CRM da recepção/);
    assert.match(await row.textContent(), /Conversas \(leitura\), Agenda \(leitura\)/);
    assert.match(await row.textContent(), new RegExp(`${secret.slice(0, 9)}…`));
    assert.match(await row.textContent(), /Nunca usado/);
    assert.equal((await asToken(secret, "/api/agenda/appointments")).status, 200);
    const write = await fetch(`${stage.base}/api/config/tone`, {
      method: "PUT",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: '{"formality":"formal"}',
    });
    assert.equal(write.status, 403, "read scopes do not write");
    for (const [w, h] of [
      [1280, 900],
      [360, 740],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(width <= w, `${width}px wide at ${w}px`);
      await shot(`${w}-pt-BR-tokens-revealed`);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  await check("after a reload the token is nowhere on the page; its last use shows; revoking asks first and the token stops at once", async () => {
    await page.reload();
    await viewReady(page);
    assert.equal(await page.$("#token-secret"), null);
    assert.ok(!(await page.content()).includes(secret));
    const row = page.locator("#tokens tbody tr").first();
    assert.doesNotMatch(await row.textContent(), /Nunca usado/);
    await row.locator("button[data-revoke]").click();
    await page.waitForSelector("dialog.confirm #confirm-ok");
    await page.keyboard.press("Escape");
    assert.equal((await asToken(secret, "/api/me")).status, 200, "Escape cancels: still valid");
    await row.locator("button[data-revoke]").click();
    await page.click("#confirm-ok");
    await page.waitForSelector("#tokens tbody tr[data-status='revoked']");
    assert.match(await page.locator("#tokens tbody tr[data-status='revoked']").first().textContent(), /Revogado/);
    assert.equal((await asToken(secret, "/api/me")).status, 401);
  });

  await check("Auditoria lists the token's creation and revocation newest first, filters by action, and fits 360 px", async () => {
    await page.evaluate(() => (location.hash = "auditoria"));
    await viewReady(page);
    assert.equal(await page.textContent("#view h1"), "Auditoria");
    await page.fill("#audit-action", "tokens");
    await rerendered(page, () => page.click("#audit-apply"));
    assert.match(page.url(), /#auditoria\?action=tokens/);
    const actions = await page.$$eval("#audit tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-action")));
    assert.deepEqual(actions.slice(0, 2), ["tokens.revoke", "tokens.create"]);
    assert.ok(
      actions.every((a) => a.startsWith("tokens.")),
      actions.join(),
    );
    assert.match(await page.locator("#audit tbody tr").first().textContent(), /Token revogado/);
    assert.equal(await page.isVisible("#audit-more"), false);
    for (const [w, h] of [
      [1280, 900],
      [360, 740],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(width <= w, `${width}px wide at ${w}px`);
      await shot(`${w}-pt-BR-audit`);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  await check("no Content-Security-Policy violation on these screens", async () => {
    assert.deepEqual(violations, []);
  });
}
