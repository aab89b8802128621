/** What the parts of the agenda screen share: the tenant's zone and settings, the filters, the data shown. */
import type { ViewContext } from "../ui/view";
import { addDays, weekStart } from "./time";
import type { AgendaSettings, Appointment, Mode, Slot } from "./types";

export interface Filters {
  /** The list's range (local dates, inclusive). */
  from: string;
  to: string;
  /** What was typed in "Contato": a name filters here, a phone is looked up (never sent in a URL). */
  contact: string;
  status: string;
  highRisk: boolean;
}
export interface State {
  mode: Mode;
  /** The day shown, or a day of the week shown. */
  date: string;
  filters: Filters;
}
export interface Data {
  appointments: Appointment[];
  slots: Slot[];
}
export interface Screen {
  ctx: ViewContext;
  tz: string;
  settings: AgendaSettings;
  /** The knowledge's service names, offered when booking. */
  services: string[];
  state: State;
  /** Reloads what is shown without blanking it (after an action, every 30 s). */
  refresh(): Promise<void>;
  /** A short confirmation in the status line ("Lembrete enviado."). */
  say(text: string): void;
  /** Where an action's failure is shown when it has no dialog of its own. */
  errorBox: HTMLElement;
}

/** The local dates shown now, inclusive. */
export function rangeOf(state: State): [string, string] {
  const { mode, date, filters } = state;
  if (mode === "day") return [date, date];
  if (mode === "week") {
    const start = weekStart(date);
    return [start, addDays(start, 6)];
  }
  return [filters.from, filters.to];
}
