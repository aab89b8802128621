/** The admin panel: sign in with a token, then the views (hash routes: #insights, #agenda, #conversas, #simulador, #falhas). */
import { ApiError, call, loadSession, saveSession, type Session } from "./api";
import { renderAgenda } from "./agenda";
import { renderConversations } from "./conversations";
import { el } from "./dom";
import { renderFailures } from "./failures";
import { renderInsights } from "./insights";
import { renderSimulator, stopSimulator } from "./simulator";

interface Me {
  kind: "platform" | "tenant";
  company: { slug: string; name: string; channel: string } | null;
}

const app = document.querySelector<HTMLElement>("#app");
if (!app) throw new Error("#app missing");

function showLogin(message = ""): void {
  stopSimulator();
  const token = el("input", { id: "login-token", type: "password", autocomplete: "current-password", placeholder: "Token da empresa ou da plataforma", required: "" });
  const tenant = el("input", { id: "login-tenant", placeholder: "Empresa (slug, só com o token da plataforma)" });
  const form = el(
    "form",
    { class: "card login", id: "login" },
    el("h1", {}, "Secretaria"),
    el("label", {}, "Token", token),
    el("label", {}, "Empresa", tenant),
    el("button", { id: "login-submit", type: "submit" }, "Entrar"),
    el("p", { class: "error", id: "login-error" }, message),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const session: Session = { token: token.value.trim(), tenant: tenant.value.trim() };
    try {
      const me = await call<Me>(session, "/api/me");
      if (!me.company) return showLogin("Com o token da plataforma, informe a empresa (slug).");
      saveSession(session);
      void enter(session, me);
    } catch (err) {
      showLogin(err instanceof ApiError ? err.message : String(err));
    }
  });
  app?.replaceChildren(form);
}

const VIEWS = [
  ["insights", "Insights de Agenda"],
  ["agenda", "Agenda"],
  ["conversas", "Conversas"],
  ["simulador", "Simulador"],
  ["falhas", "Falhas"],
] as const;

async function route(session: Session, me: Me): Promise<void> {
  const company = me.company;
  if (!company) return showLogin();
  const view = VIEWS.find(([id]) => `#${id}` === location.hash)?.[0] ?? "insights";
  const main = el("main", { id: "view" });
  const logout = el("button", { class: "link", id: "logout" }, "Sair");
  logout.addEventListener("click", () => {
    saveSession(null);
    window.onhashchange = null;
    showLogin();
  });
  const nav = el(
    "nav",
    {},
    ...VIEWS.filter(([id]) => id !== "simulador" || company.channel === "sandbox").map(([id, label]) =>
      el("a", { href: `#${id}`, "data-view": id, class: id === view ? "active" : "" }, label),
    ),
  );
  app?.replaceChildren(el("header", {}, el("strong", {}, "Secretaria"), nav, el("span", { class: "muted", id: "company-name" }, company.name), logout), main);
  stopSimulator();
  try {
    if (view === "conversas") await renderConversations(main, session);
    else if (view === "agenda") await renderAgenda(main, session);
    else if (view === "simulador") renderSimulator(main, session, company.slug);
    else if (view === "falhas") await renderFailures(main, session);
    else await renderInsights(main, session);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return showLogin("Sessão expirada: entre de novo.");
    main.replaceChildren(el("p", { class: "error" }, err instanceof Error ? err.message : String(err)));
  }
}

/** Signed in: the hash picks the view from now on. */
function enter(session: Session, me: Me): Promise<void> {
  window.onhashchange = () => void route(session, me);
  return route(session, me);
}

async function start(): Promise<void> {
  const session = loadSession();
  if (!session) return showLogin();
  try {
    await enter(session, await call<Me>(session, "/api/me"));
  } catch {
    saveSession(null);
    showLogin();
  }
}

void start();
