/** What the agenda screen reads from the API (the shapes of src/http/routes/agenda.ts). */
import type { RiskFactor } from "../scheduling-text";

export interface Appointment {
  id: number;
  status: "scheduled" | "confirmed" | "cancelled" | "attended" | "no_show";
  service: string | null;
  starts_at: string;
  ends_at: string;
  contact: { id: number; phone: string; name: string | null } | null;
  notes: string | null;
  no_show_prob: number | null;
  risk_reasons: string[];
  risk_factors?: RiskFactor[];
  high_risk: boolean;
  reschedule_offered_at: string | null;
}
export interface Slot {
  start: string;
  end: string;
  label: string;
}
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
export interface Interval {
  start: string;
  end: string;
}
/** src/agenda/calendar.ts CalendarSettings. */
export interface CalendarSettings {
  weeklyHours: Partial<Record<Weekday, Interval[]>>;
  slotMinutes: number;
  bufferMinutes: number;
  capacity: number;
  closedDates: string[];
  minNoticeMinutes: number;
  horizonDays: number;
}
export interface RiskSettings {
  threshold: number;
  unansweredReminderMinutes: number;
  horizonHours: number;
  autoRescheduleDaily: boolean;
}
/** GET /api/agenda/settings (src/tenants/profile.ts AgendaSettings, calendar parsed). */
export interface AgendaSettings {
  provider: "builtin" | "calcom";
  calendar: CalendarSettings;
  reminderOffsetsMinutes: number[];
  noShowGraceMinutes: number;
  rebookOnNoShow: boolean;
  followupEnabled: boolean;
  followupDelayMinutes: number;
  risk: RiskSettings;
}
export type Mode = "day" | "week" | "list";
export const STATUSES = ["scheduled", "confirmed", "cancelled", "attended", "no_show"] as const;
