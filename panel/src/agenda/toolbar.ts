/** Date navigation (Anterior / Hoje / Próximo), the range shown, and Dia / Semana / Lista. */
import { el } from "../dom";
import { type Key, t } from "../i18n";
import { rangeOf, type Screen } from "./screen";
import { addDays, daysBetween, formatRange, today, weekStart } from "./time";
import type { Mode } from "./types";

const MODES: { mode: Mode; label: Key }[] = [
  { mode: "day", label: "agenda.mode.day" },
  { mode: "week", label: "agenda.mode.week" },
  { mode: "list", label: "agenda.mode.list" },
];

/** Moves the shown range by `dir` of its own length (0 = back to today). */
function move(s: Screen, dir: -1 | 0 | 1): void {
  const st = s.state;
  const day = today(s.tz);
  if (st.mode === "list") {
    const span = daysBetween(st.filters.from, st.filters.to) + 1;
    st.filters.from = dir === 0 ? day : addDays(st.filters.from, dir * span);
    st.filters.to = addDays(st.filters.from, span - 1);
  } else st.date = dir === 0 ? day : addDays(st.mode === "week" ? weekStart(st.date) : st.date, dir * (st.mode === "week" ? 7 : 1));
}

export function toolbar(s: Screen, onChange: () => void): { node: HTMLElement; update: () => void } {
  const label = el("h2", { id: "agenda-range", "aria-live": "polite" });
  const nav = (id: string, key: Key, dir: -1 | 0 | 1) => {
    const b = el("button", { type: "button", class: "secondary small", id }, t(key));
    b.addEventListener("click", () => {
      move(s, dir);
      onChange();
    });
    return b;
  };
  const modes = el("div", { class: "segmented", role: "group", "aria-label": t("agenda.mode.label") });
  for (const m of MODES) {
    const b = el("button", { type: "button", class: "secondary small", "data-mode": m.mode }, t(m.label));
    b.addEventListener("click", () => {
      s.state.mode = m.mode;
      onChange();
    });
    modes.append(b);
  }
  const update = () => {
    const [from, to] = rangeOf(s.state);
    label.textContent = formatRange(from, to);
    for (const b of modes.querySelectorAll<HTMLButtonElement>("button")) b.setAttribute("aria-pressed", String(b.dataset.mode === s.state.mode));
  };
  update();
  const node = el(
    "div",
    { class: "agenda-toolbar", id: "agenda-toolbar" },
    el("div", { class: "nav-buttons" }, nav("agenda-prev", "agenda.nav.prev", -1), nav("agenda-today", "agenda.nav.today", 0), nav("agenda-next", "agenda.nav.next", 1)),
    label,
    modes,
  );
  return { node, update };
}
