// The whole SaaS journey through the page, one fresh browser per person (issue 12): the platform admin
// provisions "Clínica E2E" with an owner and no password, the owner accepts the invitation link, connects
// a (faked) Meta number in Canal and tests it, invites an agent in Usuários e papéis, and the agent, in a
// third browser, sees only an agent's views and is refused a settings change. Screenshots at 1280 and 360.
import assert from "node:assert/strict";
import path from "node:path";
import { check, chooseLanguage, META_TOKEN, PLATFORM, signIn, viewReady } from "./harness.mjs";

const SLUG = "clinica-e2e";
const NAME = "Clínica E2E";
const OWNER = { email: "dona@clinica-e2e.test", name: "Dona E2E", password: "senha-da-dona-e2e-2026" };
const AGENT = { email: "agente@clinica-e2e.test", name: "Beto Agente", password: "senha-do-beto-e2e-2026" };
const PNID = "100000000000777";
// Agents schedule messages too (Mensagens agendadas is conversations:read, its form conversations:write) and see campaigns.
const AGENT_VIEWS = ["insights", "agenda", "conversas", "pos-atendimento", "agendadas", "campanhas"];
const NOT_AGENT = ["configuracao", "canal", "usuarios", "tokens", "auditoria", "plano", "empresas", "falhas"];

const navViews = (p) => p.$$eval("nav a", (as) => as.map((a) => a.dataset.view));

/** Opens an invitation link in `p`, sets the password and waits to be signed in. */
async function accept(p, link, password) {
  await p.goto(link);
  await p.waitForSelector("#accept");
  await p.fill("#accept-password", password);
  await p.fill("#accept-again", password);
  await p.click("#accept-submit");
  await p.waitForSelector("#view h1", { timeout: 15_000 });
  await viewReady(p);
  assert.doesNotMatch(p.url(), /token=/, "the token leaves the address bar");
}

/** `_page`, the suite's page, is left as it is: each person gets a fresh browser context. */
export async function saasJourney(stage, _page) {
  const { base, browser, graph } = stage;
  const contexts = [];
  const errors = [];
  const fresh = async (viewport = { width: 1280, height: 900 }) => {
    const context = await browser.newContext({ viewport, locale: "pt-BR", timezoneId: "UTC" });
    contexts.push(context);
    const p = await context.newPage();
    p.on("pageerror", (e) => errors.push(String(e)));
    return p;
  };
  try {
    const admin = await fresh();
    let invitation = "";
    await check("SaaS: the platform admin provisions Clínica E2E with an owner and no password, and reads the invitation link", async () => {
      await admin.goto(base);
      await chooseLanguage(admin, "pt-BR");
      await signIn(admin, PLATFORM, "h1:has-text('Empresas')");
      await viewReady(admin);
      await admin.click("#tenant-new");
      await admin.fill("#tenant-name", NAME);
      await admin.fill("#tenant-slug", SLUG);
      await admin.fill("#tenant-zone", "America/Sao_Paulo");
      await admin.click("#wizard-next");
      await admin.selectOption("#tenant-plan", "pro");
      await admin.click("#wizard-next");
      await admin.fill("#owner-name", OWNER.name);
      await admin.fill("#owner-email", OWNER.email);
      assert.equal(await admin.inputValue("#owner-password"), "");
      await admin.click("#wizard-next");
      assert.match(await admin.textContent("#tenant-wizard dl"), new RegExp(`${NAME}.*${SLUG}.*${OWNER.email}`, "s"));
      await admin.click("#wizard-next");
      await admin.waitForSelector("#result-invitation", { timeout: 15_000 });
      invitation = (await admin.textContent("#result-invitation")).trim();
      assert.match(invitation, new RegExp(`^${base.replace(/[.]/g, "\\.")}/#aceitar\\?token=inv_`));
      await admin.click("#wizard-done");
      await admin.waitForSelector(`tr[data-slug='${SLUG}']`);
    });

    const owner = await fresh();
    await check("SaaS: the owner opens the invitation in a fresh browser, sets a password and is signed in to Clínica E2E with the owner's views", async () => {
      assert.ok(invitation, "no invitation link");
      await accept(owner, invitation, OWNER.password);
      assert.equal(await owner.textContent("#company-name"), NAME);
      const nav = await navViews(owner);
      for (const v of ["canal", "usuarios", "tokens", "configuracao", "auditoria", "plano", "agenda", "conversas"]) assert.ok(nav.includes(v), `${v} missing from ${nav}`);
      assert.ok(!nav.includes("empresas"), nav.join(","));
    });

    await check("SaaS: the owner connects a Meta number in Canal, sees the webhook URL and verify token, and Testar conexão says it works", async () => {
      await owner.evaluate(() => (location.hash = "canal"));
      await viewReady(owner);
      assert.equal(await owner.textContent("#view h1"), "Canal");
      await owner.selectOption("#channel-provider", "meta");
      await owner.fill("#meta-phone-number-id", PNID);
      await owner.fill("#meta-access-token", META_TOKEN);
      await owner.click("#channel-save");
      await owner.waitForSelector("#channel-status:has-text('Salvo.')", { timeout: 15_000 });
      assert.equal(await owner.inputValue("#channel-webhook-url"), `${base}/webhooks/whatsapp`);
      const verify = await owner.inputValue("#channel-verify-token");
      assert.match(verify, new RegExp(`^${SLUG}\\.vt_[A-Za-z0-9_-]{32}$`));
      await owner.click("#channel-test");
      await owner.waitForSelector("#channel-test-result [data-ok='true']", { timeout: 15_000 });
      assert.equal(await owner.textContent("#channel-test-result [data-ok]"), "Conexão funcionando.");
      assert.match(graph.calls.at(-1)?.path ?? "", new RegExp(`/${PNID}\\?`));
      const hs = await fetch(`${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verify)}&hub.challenge=777`);
      assert.deepEqual([hs.status, await hs.text()], [200, "777"]);
    });

    let agentLink = "";
    await check("SaaS: the owner invites an agent in Usuários e papéis and reads the one-time link", async () => {
      await owner.evaluate(() => (location.hash = "usuarios"));
      await viewReady(owner);
      await owner.fill("#invite-email", AGENT.email);
      await owner.fill("#invite-name", AGENT.name);
      await owner.selectOption("#invite-role", "agent");
      await owner.click("#invite-submit");
      await owner.waitForSelector("#user-link-box");
      agentLink = await owner.inputValue("#user-link");
      assert.match(agentLink, /\/#aceitar\?token=/);
      assert.match(await owner.textContent(`#users tr[data-email="${AGENT.email}"]`), /Convidado/);
    });

    const agent = await fresh();
    await check("SaaS: the agent accepts in a fresh browser and sees only an agent's views of Clínica E2E", async () => {
      assert.ok(agentLink, "no agent link");
      await accept(agent, agentLink, AGENT.password);
      assert.equal(await agent.textContent("#company-name"), NAME);
      const nav = await navViews(agent);
      // Exactly these (no Simulador either: the number is on Meta now).
      assert.deepEqual(nav, AGENT_VIEWS);
      for (const v of NOT_AGENT) assert.ok(!nav.includes(v), `${v} in the agent's nav: ${nav}`);
    });

    await check("SaaS: #configuracao falls back to an agent's view, and PUT /api/config/tone from the page answers 403", async () => {
      await agent.evaluate(() => (location.hash = "configuracao"));
      await viewReady(agent);
      const active = await agent.getAttribute("nav a.active", "data-view");
      assert.ok(AGENT_VIEWS.includes(active), `shown: ${active}`);
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
      assert.deepEqual([put.status, put.body?.error?.code], [403, "forbidden_role"]);
    });

    await check("SaaS: the agent's view fits 1280 and 360 px (screenshots)", async () => {
      await agent.evaluate(() => (location.hash = "conversas"));
      await viewReady(agent);
      for (const [w, h] of [
        [1280, 900],
        [360, 780],
      ]) {
        await agent.setViewportSize({ width: w, height: h });
        const width = await agent.evaluate(() => document.scrollingElement.scrollWidth);
        assert.ok(width <= w, `${width}px wide at ${w}px`);
        await agent.screenshot({ path: path.join(stage.shots, `${w}-pt-BR-saas-agent.png`), fullPage: true });
      }
    });
    await check("SaaS: no script errors on the three people's pages", async () => {
      if (errors.length) throw new Error(errors.join("\n"));
    });
  } finally {
    for (const c of contexts) await c.close();
  }
}
