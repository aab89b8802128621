/** The admin panel: sign in with a token, then the views (Insights de Agenda for now). */
import { ApiError, call, loadSession, saveSession, type Session } from "./api";
import { el } from "./dom";
import { renderInsights } from "./insights";

const app = document.querySelector<HTMLElement>("#app");
if (!app) throw new Error("#app missing");

function showLogin(message = ""): void {
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
      await call(session, "/api/agenda/settings");
      saveSession(session);
      void showApp(session);
    } catch (err) {
      showLogin(err instanceof ApiError ? err.message : String(err));
    }
  });
  app?.replaceChildren(form);
}

async function showApp(session: Session): Promise<void> {
  const main = el("main", { id: "view" });
  const logout = el("button", { class: "link", id: "logout" }, "Sair");
  logout.addEventListener("click", () => {
    saveSession(null);
    showLogin();
  });
  app?.replaceChildren(el("header", {}, el("strong", {}, "Secretaria"), el("nav", {}, el("a", { href: "#insights", "data-view": "insights", class: "active" }, "Insights de Agenda")), el("span", { class: "muted" }, session.tenant), logout), main);
  try {
    await renderInsights(main, session);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return showLogin("Sessão expirada: entre de novo.");
    main.replaceChildren(el("p", { class: "error" }, err instanceof Error ? err.message : String(err)));
  }
}

const session = loadSession();
if (session) void showApp(session);
else showLogin();
