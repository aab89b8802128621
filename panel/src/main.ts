/** The admin panel: sign in with a token, then the views, each at its own hash route (#agenda, #configuracao…). */
import { renderAgenda } from "./agenda";
import { renderBilling } from "./billing";
import { ApiError, call, loadSession, type Session, saveSession } from "./api";
import { renderConversations } from "./conversations";
import { el } from "./dom";
import { renderFailures } from "./failures";
import { renderFollowups } from "./followups";
import { currentLocale, errorMessage, type Key, LOCALES, type Locale, restoreLocale, setDisplayTimeZone, setLocale, t } from "./i18n";
import { renderInsights } from "./insights";
import { renderSettings } from "./settings";
import { renderSimulator } from "./simulator";
import { currentRoute, startRouter, stopRouter } from "./ui/router";
import { type Company, leaveView, type ViewContext, whenUnauthorized } from "./ui/view";

interface Me {
  kind: "platform" | "user" | "token";
  company: Company | null;
}

const app = document.querySelector<HTMLElement>("#app");
if (!app) throw new Error("#app missing");

const VIEWS: { id: string; label: Key; render: (ctx: ViewContext) => unknown; sandboxOnly?: boolean; permission?: string }[] = [
  { id: "insights", label: "nav.insights", render: renderInsights },
  { id: "agenda", label: "nav.agenda", render: renderAgenda },
  { id: "conversas", label: "nav.conversations", render: renderConversations },
  { id: "pos-atendimento", label: "nav.followups", render: renderFollowups },
  { id: "configuracao", label: "nav.settings", render: renderSettings },
  { id: "simulador", label: "nav.simulator", render: renderSimulator, sandboxOnly: true },
  { id: "falhas", label: "nav.failures", render: renderFailures },
  { id: "plano", label: "nav.billing", render: renderBilling, permission: "billing:read" },
];

/** The language switch: each language named in itself; the choice is remembered and applied at once. */
function languageSwitch(onChange: () => void): HTMLElement {
  const select = el("select", { id: "lang", "aria-label": t("lang.label") });
  for (const code of LOCALES) {
    const option = el("option", { value: code, lang: code }, t(`lang.${code}` as Key));
    option.selected = code === currentLocale();
    select.append(option);
  }
  select.addEventListener("change", async () => {
    select.disabled = true;
    try {
      await setLocale(select.value as Locale);
      onChange();
    } catch {
      select.value = currentLocale(); // the catalogue could not be fetched: stay in the language shown
    } finally {
      select.disabled = false;
    }
  });
  return select;
}

function showLogin(messageKey?: Key, detail?: string): void {
  stopRouter();
  leaveView();
  const token = el("input", { id: "login-token", type: "password", autocomplete: "current-password", placeholder: t("login.tokenPlaceholder"), required: "" });
  const tenant = el("input", { id: "login-tenant", placeholder: t("login.tenantPlaceholder"), autocapitalize: "off" });
  const form = el(
    "form",
    { class: "card login", id: "login" },
    el(
      "div",
      { class: "login-top" },
      el("h1", {}, t("app.name")),
      languageSwitch(() => showLogin(messageKey, detail)),
    ),
    el("label", {}, t("login.token"), token),
    el("label", {}, t("login.tenant"), tenant),
    el("button", { id: "login-submit", type: "submit" }, t("login.submit")),
    el("p", { class: "error", id: "login-error", role: "alert" }, detail ?? (messageKey ? t(messageKey) : "")),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const session: Session = { token: token.value.trim(), tenant: tenant.value.trim() };
    try {
      const me = await call<Me>(session, "/api/me");
      if (!me.company) return showLogin("login.needTenant");
      saveSession(session);
      enter(session, me.company);
    } catch (err) {
      showLogin(undefined, errorMessage(err));
    }
  });
  app?.replaceChildren(form);
  token.focus();
}

function signOut(messageKey?: Key): void {
  saveSession(null);
  showLogin(messageKey);
}

/** The header (brand, views, company, language, sign out) and the current view under it. */
let shownView = "";
function route(session: Session, company: Company, moved = false): void {
  leaveView();
  const views = VIEWS.filter((v) => !v.sandboxOnly || company.channel === "sandbox");
  const { view: wanted, params } = currentRoute();
  const view = views.find((v) => v.id === wanted) ?? views[0];
  if (!view) return;
  const main = el("main", { id: "view", tabindex: "-1" });
  const logout = el("button", { class: "link", id: "logout", type: "button" }, t("nav.logout"));
  logout.addEventListener("click", () => signOut());
  const nav = el(
    "nav",
    { "aria-label": t("nav.label") },
    ...views.map((v) => el("a", { href: `#${v.id}`, "data-view": v.id, ...(v === view ? { class: "active", "aria-current": "page" } : {}) }, t(v.label))),
  );
  app?.replaceChildren(
    el(
      "header",
      {},
      el("strong", { class: "brand" }, t("app.name")),
      el("span", { class: "muted", id: "company-name" }, company.name),
      el(
        "div",
        { class: "header-tools" },
        languageSwitch(() => route(session, company)),
        logout,
      ),
      nav,
    ),
    main,
  );
  document.title = `${t(view.label)} · ${t("app.name")}`;
  view.render({ root: main, session, params, company });
  // After going to another view, keyboard and screen-reader users continue from it, not the header.
  if (moved && view.id !== shownView) main.focus({ preventScroll: true });
  shownView = view.id;
}

/** Signed in: the hash picks the view from now on; a 401 anywhere goes back to sign-in. */
function enter(session: Session, company: Company): void {
  setDisplayTimeZone(company.time_zone);
  whenUnauthorized(() => signOut("login.expired"));
  startRouter(() => route(session, company, true));
  route(session, company);
}

async function start(): Promise<void> {
  await restoreLocale();
  const session = loadSession();
  if (!session) return showLogin();
  try {
    const me = await call<Me>(session, "/api/me");
    if (!me.company) return signOut();
    enter(session, me.company);
  } catch (err) {
    signOut(err instanceof ApiError && err.status === 401 ? "login.expired" : undefined);
  }
}

void start();
