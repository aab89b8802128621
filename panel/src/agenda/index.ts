/**
 * Agenda: the screen a clinic's reception works in. A day or week calendar of the tenant's hours (in
 * the TENANT's time zone) with the appointments on it and the free slots to book, a filtered list,
 * the period's attendance, each appointment's actions, and the calendar and risk settings. What is
 * shown reloads softly every 30 s while the tab is visible and after every action.
 */
import { ApiError, call } from "../api";
import { el } from "../dom";
import { errorMessage, t } from "../i18n";
import { can } from "../ui/can";
import { onLeave, showView, type ViewContext } from "../ui/view";
import { calendarView } from "./calendar";
import { byName, filtersForm, listView, looksLikePhone } from "./list";
import { riskForm } from "./risk-form";
import { rangeOf, type Screen, type State } from "./screen";
import { calendarForm } from "./settings-form";
import { statsView } from "./stats";
import { addDays, daysBetween, instantOf, today } from "./time";
import { toolbar } from "./toolbar";
import type { AgendaSettings, Appointment, Mode, Slot } from "./types";

const REFRESH_MS = 30_000;
// Kept while the panel is open: coming back to Agenda shows the same day and filters.
let kept: State | null = null;

export function renderAgenda(ctx: ViewContext, soft = false): Promise<void> {
  return showView(ctx.root, t("agenda.title"), () => buildAgenda(ctx), soft);
}

function initialState(tz: string, params: URLSearchParams): State {
  const day = today(tz);
  const mode = params.get("mode");
  const date = params.get("date");
  const state: State = kept ?? { mode: "week", date: day, filters: { from: day, to: addDays(day, 6), contact: "", status: "", highRisk: false } };
  if (mode === "day" || mode === "week" || mode === "list") state.mode = mode as Mode;
  if (date && /^\d{4}-\d{2}-\d{2}$/.test(date)) state.date = date;
  kept = state;
  return state;
}

/** The mode and day in the address (so a reload or a shared link opens the same), never a contact. */
function syncUrl(state: State): void {
  history.replaceState(null, "", `#agenda?mode=${state.mode}&date=${state.date}`);
}

async function buildAgenda(ctx: ViewContext): Promise<Node[]> {
  const { session } = ctx;
  const [settings, config, zone] = await Promise.all([
    call<AgendaSettings>(session, "/api/agenda/settings"),
    call<{ knowledge?: { services?: { name: string }[] } }>(session, "/api/config").catch(() => ({ knowledge: { services: [] } })),
    // The zone the slots are labelled in; a calendar provider that does not answer still leaves the company's.
    call<{ time_zone: string }>(session, "/api/agenda/availability?days=1").catch(() => ({ time_zone: ctx.company.time_zone })),
  ]);
  const tz = zone.time_zone || ctx.company.time_zone;
  const status = el("p", { id: "agenda-status", class: "muted", role: "status" });
  const errorBox = el("div", { id: "agenda-error" });
  const statsHost = el("div", {});
  const bodyHost = el("div", { id: "agenda-body" });
  let generation = 0;
  const s: Screen = {
    ctx,
    tz,
    settings,
    services: (config.knowledge?.services ?? []).map((x) => x.name),
    state: initialState(tz, ctx.params),
    errorBox,
    say: (text) => {
      status.textContent = text;
    },
    refresh: async () => {
      const mine = ++generation;
      // Busy while it loads (screen readers, and tests, know when the new content is there).
      bodyHost.setAttribute("aria-busy", "true");
      try {
        const painted = await load(s);
        if (mine !== generation || !bodyHost.isConnected) return;
        paint(painted);
        errorBox.replaceChildren();
      } catch (err) {
        if (mine !== generation) return;
        const retry = el("button", { type: "button", class: "secondary small", id: "agenda-retry" }, t("state.retry"));
        retry.addEventListener("click", () => void s.refresh());
        errorBox.replaceChildren(el("p", { class: "error", role: "alert" }, errorMessage(err), " ", retry));
      } finally {
        if (mine === generation) bodyHost.removeAttribute("aria-busy");
      }
    },
  };
  const filters = filtersForm(s);
  const bar = toolbar(s, () => {
    syncUrl(s.state);
    filters.dispatchEvent(new Event("agenda:sync"));
    void s.refresh();
  });
  const paint = ({ appointments, slots, shown }: Loaded) => {
    // Soft: the scroll position and the focused control survive the new content.
    const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.key : undefined;
    const [from, to] = rangeOf(s.state);
    bar.update();
    filters.hidden = s.state.mode !== "list";
    statsHost.replaceChildren(statsView(shown));
    bodyHost.replaceChildren(s.state.mode === "list" ? listView(s, shown) : calendarView(s, from, daysBetween(from, to) + 1, { appointments, slots }));
    if (focusKey) bodyHost.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`)?.focus({ preventScroll: true });
  };
  paint(await load(s));
  const timer = setInterval(() => {
    if (document.visibilityState === "visible") void s.refresh();
  }, REFRESH_MS);
  onLeave(() => clearInterval(timer));
  syncUrl(s.state);
  // The calendar's and the risk's rules are the tenant's settings (config:write): not an agent's or a viewer's.
  const settingsForms = can(ctx, "config:write") ? [calendarForm(s), riskForm(s)] : [];
  return [el("section", { class: "card agenda-main" }, bar.node, status, errorBox, statsHost, filters, bodyHost), ...settingsForms];
}

interface Loaded {
  appointments: Appointment[];
  slots: Slot[];
  /** What the list and the numbers count: the range with the list's filters applied in list mode. */
  shown: Appointment[];
}

async function load(s: Screen): Promise<Loaded> {
  const [from, to] = rangeOf(s.state);
  const start = instantOf(from, 0, s.tz);
  const end = instantOf(addDays(to, 1), 0, s.tz);
  const list = s.state.mode === "list";
  const f = s.state.filters;
  const q = new URLSearchParams({ from: new Date(start).toISOString(), to: new Date(end).toISOString(), limit: "500" });
  if (list && f.status) q.set("status", f.status);
  if (list && looksLikePhone(f.contact)) {
    // The phone goes in a body; the list is then asked by the contact's id.
    const found = await call<{ contact: { id: number } }>(s.ctx.session, "/api/contacts/lookup", { method: "POST", body: JSON.stringify({ phone: f.contact }) }).catch((err) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    });
    if (!found) return { appointments: [], slots: [], shown: [] };
    q.set("contact_id", String(found.contact.id));
  }
  const days = daysBetween(from, to) + 1;
  const [{ appointments }, slots] = await Promise.all([
    call<{ appointments: Appointment[] }>(s.ctx.session, `/api/agenda/appointments?${q}`),
    !list && end > Date.now()
      ? call<{ slots: Slot[] }>(s.ctx.session, `/api/agenda/availability?from=${encodeURIComponent(new Date(Math.max(start, Date.now())).toISOString())}&days=${days}`).then(
          (r) => r.slots,
        )
      : Promise.resolve([] as Slot[]),
  ]);
  let shown = appointments;
  if (list) {
    if (!looksLikePhone(f.contact)) shown = byName(shown, f.contact);
    if (f.highRisk) shown = shown.filter((a) => a.high_risk || (a.no_show_prob ?? 0) >= s.settings.risk.threshold);
  }
  return { appointments, slots, shown };
}
