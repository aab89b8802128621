/**
 * The screens before the panel: sign in with e-mail and password, set a password from an invitation
 * or reset link (#aceitar?token=…), and, for a platform admin, the tenant switcher.
 */
import { acceptLink, call, login, type Session } from "../api";
import { el } from "../dom";
import { errorMessage, type Key, t } from "../i18n";

interface Frame {
  root: HTMLElement;
  /** The language switch, re-rendering the same screen in the new language. */
  languageSwitch: (onChange: () => void) => HTMLElement;
  /** Called once the browser holds a session. */
  onSignedIn: () => void;
}

// Fields carry a blank placeholder: the stylesheet marks :invalid only once something is typed (:not(:placeholder-shown)).
function card(frame: Frame, id: string, redraw: () => void, ...children: HTMLElement[]): HTMLFormElement {
  return el("form", { class: "card login", id }, el("div", { class: "login-top" }, el("h1", {}, t("app.name")), frame.languageSwitch(redraw)), ...children);
}

/** Runs a form's submit: the button disabled meanwhile, the error (translated) in `error`. */
function onSubmit(form: HTMLFormElement, error: HTMLElement, work: () => Promise<void>): void {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = form.querySelector<HTMLButtonElement>("button[type=submit]");
    if (button) button.disabled = true;
    error.textContent = "";
    try {
      await work();
    } catch (err) {
      error.textContent = errorMessage(err);
    } finally {
      if (button) button.disabled = false;
    }
  });
}

export function renderLogin(frame: Frame, messageKey?: Key): void {
  const email = el("input", { id: "login-email", type: "email", autocomplete: "username", required: "", placeholder: " ", autocapitalize: "off", spellcheck: "false" });
  const password = el("input", { id: "login-password", type: "password", autocomplete: "current-password", required: "", placeholder: " " });
  const error = el("p", { class: "error", id: "login-error", role: "alert" }, messageKey ? t(messageKey) : "");
  const form = card(
    frame,
    "login",
    () => renderLogin(frame, messageKey),
    el("label", {}, t("auth.email"), email),
    el("label", {}, t("auth.password"), password),
    el("button", { id: "login-submit", type: "submit" }, t("login.submit")),
    error,
    el("p", { class: "muted" }, t("auth.forgot")),
  );
  onSubmit(form, error, async () => {
    await login(email.value.trim(), password.value);
    frame.onSignedIn();
  });
  frame.root.replaceChildren(form);
  email.focus();
}

/** #aceitar?token=…: choose a password (typed twice), then the panel opens signed in. */
export function renderAccept(frame: Frame, token: string): void {
  const password = el("input", { id: "accept-password", type: "password", autocomplete: "new-password", minlength: "10", required: "", placeholder: " " });
  const again = el("input", { id: "accept-again", type: "password", autocomplete: "new-password", minlength: "10", required: "", placeholder: " " });
  const error = el("p", { class: "error", id: "accept-error", role: "alert" });
  const form = card(
    frame,
    "accept",
    () => renderAccept(frame, token),
    el("h2", {}, t("auth.acceptTitle")),
    el("p", { class: "muted" }, t("auth.acceptIntro")),
    el("label", {}, t("auth.newPassword"), password),
    el("label", {}, t("auth.repeatPassword"), again),
    el("button", { id: "accept-submit", type: "submit" }, t("auth.acceptSubmit")),
    error,
  );
  onSubmit(form, error, async () => {
    if (password.value !== again.value) {
      error.textContent = t("auth.mismatch");
      return;
    }
    await acceptLink(token, password.value);
    // The link is used: keep it out of the address bar and the history.
    history.replaceState(null, "", location.pathname);
    frame.onSignedIn();
  });
  frame.root.replaceChildren(form);
  password.focus();
}

interface TenantSummary {
  slug: string;
  name: string;
}

/**
 * The tenant switcher: a select of tenants when GET /api/tenants answers (the provisioning API),
 * else a field for the slug. `pick` receives the chosen slug.
 */
export async function tenantSwitcher(session: Session, pick: (slug: string) => void): Promise<HTMLElement> {
  const tenants = await call<{ tenants?: TenantSummary[] }>({ tenant: "" }, "/api/tenants")
    .then((r) => r.tenants ?? null)
    .catch(() => null);
  let control: HTMLInputElement | HTMLSelectElement;
  if (tenants) {
    control = el("select", { id: "tenant-switch" }, el("option", { value: "" }, t("auth.chooseTenant")));
    for (const x of tenants) control.append(el("option", { value: x.slug }, `${x.name} (${x.slug})`));
  } else control = el("input", { id: "tenant-switch", placeholder: t("auth.tenantSlug"), autocapitalize: "off", spellcheck: "false" });
  control.value = session.tenant;
  control.setAttribute("aria-label", t("auth.tenant"));
  const go = el("button", { type: "submit", class: "secondary", id: "tenant-go" }, t("auth.switch"));
  const form = el("form", { class: "tenant-switcher", id: "tenant-switcher" }, control, go);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    pick(control.value.trim());
  });
  return form;
}
