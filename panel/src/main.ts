/** The admin panel: sign in with e-mail and password, then the views the role allows, each at its own hash route (#agenda, #configuracao…). */
import { renderAudit } from "./access/audit";
import { renderTokens } from "./access/tokens";
import { renderAgenda } from "./agenda";
import { renderAnalytics } from "./analytics";
import { ApiError, call, loadSession, logout, type Session, saveTenant } from "./api";
import { renderAccept, renderLogin, tenantSwitcher } from "./auth/screens";
import { renderChannel } from "./channel";
import { renderBilling } from "./billing";
import { renderCampaigns } from "./campaigns";
import { renderBusiness } from "./business";
import { renderCompliance } from "./compliance";
import { renderConversations } from "./conversations";
import { el } from "./dom";
import { renderFailures } from "./failures";
import { renderJobs } from "./jobs";
import { renderFollowups } from "./followups";
import { currentLocale, type Key, LOCALES, type Locale, restoreLocale, setDisplayTimeZone, setLocale, t } from "./i18n";
import { renderInsights } from "./insights";
import { renderIntegrations } from "./integrations";
import { renderScheduled } from "./outreach";
import { renderSatisfaction } from "./satisfaction";
import { renderSettings } from "./settings";
import { renderSimulator } from "./simulator";
import { renderTemplates } from "./templates";
import { renderTenants } from "./tenants";
import { currentRoute, startRouter, stopRouter } from "./ui/router";
import { renderUsers } from "./users";
import { type Company, leaveView, type ViewContext, whenUnauthorized } from "./ui/view";

interface Me {
  kind: "platform" | "user" | "token";
  role: string;
  permissions: string[];
  company: Company | null;
}

const app = document.querySelector<HTMLElement>("#app");
if (!app) throw new Error("#app missing");

/** Each view and the permission (GET /api/me's `permissions`) without which it is not in the nav. */
const VIEWS: { id: string; label: Key; render: (ctx: ViewContext) => unknown; needs: string; sandboxOnly?: boolean }[] = [
  { id: "insights", label: "nav.insights", render: renderInsights, needs: "scheduling:read" },
  { id: "agenda", label: "nav.agenda", render: renderAgenda, needs: "agenda:read" },
  { id: "conversas", label: "nav.conversations", render: renderConversations, needs: "conversations:read" },
  { id: "pos-atendimento", label: "nav.followups", render: renderFollowups, needs: "agenda:read" },
  { id: "agendadas", label: "nav.scheduled", render: renderScheduled, needs: "conversations:read" },
  { id: "campanhas", label: "nav.campaigns", render: renderCampaigns, needs: "campaigns:read" },
  { id: "analytics", label: "nav.analytics", render: renderAnalytics, needs: "analytics:read" },
  { id: "negocios", label: "nav.business", render: renderBusiness, needs: "analytics:read" },
  { id: "satisfacao", label: "nav.satisfaction", render: renderSatisfaction, needs: "feedback:read" },
  { id: "integracoes", label: "nav.integrations", render: renderIntegrations, needs: "integrations:read" },
  { id: "compliance", label: "nav.compliance", render: renderCompliance, needs: "compliance:read" },
  // Configuração is for those who may change it; an agent reads the settings only through the views that use them.
  { id: "configuracao", label: "nav.settings", render: renderSettings, needs: "config:write" },
  { id: "canal", label: "nav.channel", render: renderChannel, needs: "channel:read" },
  { id: "modelos", label: "nav.templates", render: renderTemplates, needs: "channel:read" },
  { id: "simulador", label: "nav.simulator", render: renderSimulator, needs: "sandbox:write", sandboxOnly: true },
  { id: "falhas", label: "nav.failures", render: renderFailures, needs: "dead_letters:read" },
  { id: "tarefas", label: "nav.jobs", render: renderJobs, needs: "jobs:read" },
  { id: "usuarios", label: "nav.users", render: renderUsers, needs: "users:read" },
  { id: "tokens", label: "nav.tokens", render: renderTokens, needs: "tokens:read" },
  { id: "plano", label: "nav.billing", render: renderBilling, needs: "billing:read" },
  { id: "auditoria", label: "nav.audit", render: renderAudit, needs: "audit:read" },
  // The platform's own view: the only one it has before choosing a tenant.
  { id: "empresas", label: "nav.tenants", render: renderTenants, needs: "tenants:read" },
];

/** The platform signed in without a tenant: the views that need none (Empresas) get this stand-in. */
const platformCompany = (): Company => ({ slug: "", name: t("tenants.platform"), channel: "", time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone });

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

const frame = (root: HTMLElement) => ({ root, languageSwitch, onSignedIn: () => void start() });

function showLogin(messageKey?: Key): void {
  stopRouter();
  leaveView();
  if (app) renderLogin(frame(app), messageKey);
}

/** The login screen only once the server has revoked the session (and cleared the cookies). */
function signOut(messageKey?: Key): void {
  saveTenant("");
  void logout().then(() => showLogin(messageKey));
}

function switchTenant(slug: string): void {
  saveTenant(slug);
  void start();
}

/** The header (brand, views, company, language, sign out) and the current view under it. */
let shownView = "";
function route(session: Session, me: Me, company: Company, moved = false): void {
  leaveView();
  const views = VIEWS.filter((v) => me.permissions.includes(v.needs) && (me.company ? !v.sandboxOnly || company.channel === "sandbox" : v.needs === "tenants:read"));
  const { view: wanted, params } = currentRoute();
  const view = views.find((v) => v.id === wanted) ?? views[0];
  if (!view) return;
  const main = el("main", { id: "view", tabindex: "-1" });
  const logout = el("button", { class: "link", id: "logout", type: "button" }, t("nav.logout"));
  logout.addEventListener("click", () => signOut());
  const nav = el(
    "nav",
    { "aria-label": t("nav.label"), id: "main-nav" },
    ...views.map((v) => el("a", { href: `#${v.id}`, "data-view": v.id, ...(v === view ? { class: "active", "aria-current": "page" } : {}) }, t(v.label))),
  );
  const header = el(
    "header",
    {},
    el("strong", { class: "brand" }, t("app.name")),
    el("span", { class: "muted", id: "company-name" }, company.name),
    el(
      "div",
      { class: "header-tools" },
      ...(me.kind === "platform" ? [platformSwitcher(session)] : []),
      languageSwitch(() => route(session, me, company)),
      logout,
    ),
    navToggle(nav, t(view.label)),
    nav,
  );
  app?.replaceChildren(
    header,
    // A screen the role may read but not change says so; the API refuses the changes anyway (403, translated).
    ...(me.permissions.includes(view.needs.replace(/:read$/, ":write")) ? [] : [el("p", { class: "readonly-note", id: "readonly-note", role: "note" }, t("auth.readOnly"))]),
    main,
  );
  document.title = `${t(view.label)} · ${t("app.name")}`;
  view.render({ root: main, session, params, company, permissions: me.permissions });
  // After going to another view, keyboard and screen-reader users continue from it, not the header.
  if (moved && view.id !== shownView) main.focus({ preventScroll: true });
  shownView = view.id;
}

/**
 * On a phone the ~17 views do not fit a line: a "Menu" button (shown by the stylesheet below 640 px
 * only) opens and closes the list; it names the current view, Escape closes it and returns focus.
 * On a desktop the button is hidden and the nav is the usual row.
 */
function navToggle(nav: HTMLElement, current: string): HTMLElement {
  const button = el(
    "button",
    { type: "button", class: "nav-toggle secondary", id: "nav-toggle", "aria-expanded": "false", "aria-controls": "main-nav" },
    el("span", { "aria-hidden": "true" }, "☰ "),
    `${t("nav.menu")}: `,
    el("strong", {}, current),
  );
  const set = (open: boolean) => {
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  };
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
  nav.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && nav.classList.contains("open")) {
      set(false);
      button.focus();
    }
  });
  return button;
}

/** The header's tenant switcher for a platform admin (filled in when its list arrives). */
function platformSwitcher(session: Session): HTMLElement {
  const slot = el("span", { class: "tenant-slot" });
  void tenantSwitcher(session, switchTenant).then((f) => slot.replaceChildren(f));
  return slot;
}

/** Signed in: the hash picks the view from now on; a 401 anywhere goes back to sign-in. */
function enter(session: Session, me: Me, company: Company): void {
  setDisplayTimeZone(company.time_zone);
  whenUnauthorized(() => signOut("login.expired"));
  startRouter(() => route(session, me, company, true));
  route(session, me, company);
}

async function start(): Promise<void> {
  const { view, params } = currentRoute();
  const token = params.get("token");
  if (view === "aceitar" && token) {
    stopRouter();
    leaveView();
    return app ? renderAccept(frame(app), token) : undefined;
  }
  const session = loadSession();
  try {
    const me = await call<Me>(session, "/api/me");
    if (me.company) return enter(session, me, me.company);
    if (me.kind === "platform") return enter(session, me, platformCompany());
    signOut();
  } catch (err) {
    if (!(err instanceof ApiError)) return showLogin();
    // A platform admin's remembered tenant may be gone: pick again rather than sign out.
    if (err.code === "unknown_tenant") {
      saveTenant("");
      return start();
    }
    // No cookie at all is a first visit, not an expired session.
    showLogin(err.status === 401 && err.code !== "unauthorized" ? "login.expired" : undefined);
  }
}

void restoreLocale().then(start);
