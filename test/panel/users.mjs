// Usuários e papéis in a real browser: the session cookies' flags as Chromium keeps them on
// http://127.0.0.1, the owner invites an agent, the agent accepts the link in a fresh browser,
// sees only an agent's screens, is refused a settings change, and is signed out once disabled.
import assert from "node:assert/strict";
import path from "node:path";
import { check, signIn, viewReady } from "./harness.mjs";

const AGENT = { email: "ana.agente@painel.local", name: "Ana Agente", password: "senha-da-ana-2026" };

export async function usersJourney(stage, page) {
  await check("the session is in Secure, HttpOnly, SameSite=Strict cookies Chromium keeps on http://127.0.0.1 (nothing in storage)", async () => {
    const cookies = Object.fromEntries((await page.context().cookies()).map((c) => [c.name, c]));
    const access = cookies["__Host-secretaria-access"];
    const refresh = cookies["__Secure-secretaria-refresh"];
    const csrf = cookies["__Host-secretaria-csrf"];
    assert.ok(access && refresh && csrf, `cookies: ${Object.keys(cookies).join(", ")}`);
    for (const c of [access, refresh, csrf]) assert.deepEqual([c.secure, c.sameSite], [true, "Strict"], c.name);
    assert.deepEqual([access.httpOnly, refresh.httpOnly, csrf.httpOnly], [true, true, false]);
    assert.equal(refresh.path, "/api/auth");
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
    assert.doesNotMatch(stored, /secretaria-access|eyJ/);
  });

  let link = "";
  await check("the owner invites an agent in Usuários e papéis and gets the one-time link, with a copy button", async () => {
    await page.evaluate(() => (location.hash = "usuarios"));
    await viewReady(page);
    await page.fill("#invite-email", AGENT.email);
    await page.fill("#invite-name", AGENT.name);
    await page.selectOption("#invite-role", "agent");
    await page.click("#invite-submit");
    await page.waitForSelector("#user-link-box");
    link = await page.inputValue("#user-link");
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#aceitar\?token=/);
    assert.equal(await page.textContent("#user-link-copy"), "Copiar");
    assert.match(await page.textContent(`#users tr[data-email="${AGENT.email}"]`), /Convidado/);
    for (const size of [
      { width: 1280, height: 900 },
      { width: 360, height: 780 },
    ]) {
      await page.setViewportSize(size);
      const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(w <= size.width, `${w}px wide at ${size.width}`);
      await page.screenshot({ path: path.join(stage.shots, `${size.width}-pt-BR-usuarios-invite.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  const context = await stage.browser.newContext({ viewport: { width: 360, height: 780 }, locale: "pt-BR" });
  const agent = await context.newPage();
  try {
    await check("the agent opens the link in a fresh browser, sets a password and is signed in", async () => {
      await agent.goto(link);
      await agent.waitForSelector("#accept");
      await agent.screenshot({ path: path.join(stage.shots, "360-pt-BR-aceitar.png") });
      await agent.fill("#accept-password", AGENT.password);
      await agent.fill("#accept-again", AGENT.password);
      await agent.click("#accept-submit");
      await agent.waitForSelector("#view h1", { timeout: 15_000 });
      assert.doesNotMatch(agent.url(), /token=/);
    });
    await check("signed in again with e-mail and password, the agent's nav has no Configuração and no Usuários, and PUT config answers 403", async () => {
      await agent.click("#logout");
      await signIn(agent, AGENT);
      await viewReady(agent);
      const nav = await agent.$$eval("nav a", (as) => as.map((a) => a.getAttribute("data-view")));
      assert.ok(nav.includes("conversas") && nav.includes("agenda"), nav.join(","));
      assert.ok(!nav.includes("configuracao") && !nav.includes("usuarios"), nav.join(","));
      await agent.screenshot({ path: path.join(stage.shots, "360-pt-BR-agent-nav.png") });
      const put = await agent.evaluate(async () => {
        const csrf =
          document.cookie
            .split("; ")
            .find((c) => c.startsWith("__Host-secretaria-csrf="))
            ?.split("=")[1] ?? "";
        const res = await fetch("/api/config/tone", {
          method: "PUT",
          credentials: "same-origin",
          headers: { "content-type": "application/json", "x-csrf-token": csrf },
          body: '{"formality":"casual"}',
        });
        return { status: res.status, body: await res.json() };
      });
      assert.deepEqual([put.status, put.body.error.code], [403, "forbidden_role"]);
    });
    await check("the owner disables the agent (confirmed first); the agent's next request lands on the sign-in screen", async () => {
      await page.reload();
      await viewReady(page);
      await page.click(`#users tr[data-email="${AGENT.email}"] [data-toggle]`);
      await page.click("#confirm-ok");
      await page.waitForSelector(`#users tr[data-email="${AGENT.email}"]:has-text('Desativado')`);
      await agent.evaluate(() => (location.hash = "agenda"));
      await agent.waitForSelector("#login", { timeout: 15_000 });
    });
  } finally {
    await context.close();
  }
}
