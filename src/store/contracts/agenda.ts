export type AppointmentStatus = "scheduled" | "confirmed" | "cancelled" | "attended" | "no_show";

/** One reason for a no-show score: a code and its numbers (src/scheduling/reasons.ts words them). */
export interface RiskFactor {
  code: string;
  params: Record<string, string | number | null>;
}
/** What `risk_reasons` holds: factors; rows scored before codes existed hold pt-BR text. */
export type StoredRiskReason = RiskFactor | string;

export interface Appointment {
  id: number;
  companyId: number;
  contactId: number;
  provider: "builtin" | "calcom" | "import";
  bookingUid: string;
  externalId: string | null;
  service: string | null;
  startsAt: number;
  endsAt: number;
  status: AppointmentStatus;
  source: "whatsapp" | "api" | "calcom" | "import";
  bookedAt: number;
  confirmedAt: number | null;
  cancelledAt: number | null;
  attendedAt: number | null;
  rescheduledFromUid: string | null;
  notes: string | null;
  reminderSent: boolean;
  reminderAnswered: boolean;
  /** Latest stored no-show score (daily run, auto-reschedule), null until scored. */
  noShowProb: number | null;
  riskReasons: StoredRiskReason[] | null;
  riskFlaggedAt: number | null;
  rescheduleOfferedAt: number | null;
}

export interface NewAppointment {
  contactId: number;
  provider: "builtin" | "calcom";
  bookingUid: string;
  service?: string | null;
  startsAt: number;
  endsAt: number;
  status?: AppointmentStatus;
  source: Appointment["source"];
  bookedAt: number;
  rescheduledFromUid?: string | null;
  notes?: string | null;
}

/** Places per slot of the built-in calendar, and the buffer kept around each appointment. */
export interface Room {
  capacity: number;
  bufferMs: number;
}

export interface AppointmentFilter {
  from?: number;
  to?: number;
  contactId?: number;
  status?: AppointmentStatus[];
  limit: number;
  /** Newest start first (so the limit keeps the latest); default oldest first. */
  newestFirst?: boolean;
}

export type TaskKind = "reminder" | "no_show_check" | "followup";

export interface AppointmentTask {
  id: number;
  companyId: number;
  appointmentId: number;
  kind: TaskKind;
  offsetMinutes: number;
  dueAt: number;
  status: "pending" | "done" | "cancelled" | "skipped";
  doneAt: number | null;
  messageId: number | null;
}

/** A follow-up task with what its screen shows: the appointment's start and contact, the message's status (null before it went out). */
export interface FollowupDetail extends AppointmentTask {
  startsAt: number;
  contactId: number;
  messageStatus: string | null;
}

export interface FeedbackEvent {
  id: number;
  appointmentId: number | null;
  contactId: number;
  kind: "no_show" | "followup_positive" | "followup_negative" | "followup_feedback" | "nps" | "comment";
  score: number;
  text: string | null;
  /** followup (the default), no_show, or the external system's name for ingested feedback. */
  source?: string;
  /** 0–10 for kind nps. */
  nps?: number | null;
  /** The external system's id (ingesting it twice stores it once). */
  externalId?: string | null;
  createdAt: number;
}

export interface AgendaStore {
  appointments: {
    /** Idempotent by (company, booking uid): a repeated webhook or retried booking returns the same row. */
    create(companyId: number, a: NewAppointment): Promise<{ appointment: Appointment; inserted: boolean }>;
    /**
     * `create` for a calendar with a limited number of places: inserts only while fewer than
     * `room.capacity` live appointments overlap the new one (each widened by `room.bufferMs`), in one
     * statement, so two bookings racing for the last place can't both land. Null when it is full.
     */
    reserve(companyId: number, a: NewAppointment, room: Room): Promise<{ appointment: Appointment; inserted: boolean } | null>;
    byId(companyId: number, id: number): Promise<Appointment | null>;
    byUid(companyId: number, uid: string): Promise<Appointment | null>;
    list(companyId: number, f: AppointmentFilter): Promise<Appointment[]>;
    /** The contact's next appointment that is still on (scheduled or confirmed), if any. */
    nextForContact(companyId: number, contactId: number, now: number): Promise<Appointment | null>;
    /** Moves status only from the given ones; returns the updated row, or null when it was not in them. */
    transition(companyId: number, id: number, from: AppointmentStatus[], to: AppointmentStatus, at: number): Promise<Appointment | null>;
    /** A new time (and possibly a new uid, as Cal.com gives); back to "scheduled". With `room`, only while the new time has a place (as `reserve`). */
    move(companyId: number, id: number, m: { startsAt: number; endsAt: number; bookingUid: string }, at: number, room?: Room): Promise<Appointment | null>;
    /** Booked intervals overlapping [from, to) that still hold a place (scheduled, confirmed). */
    busy(companyId: number, from: number, to: number): Promise<{ start: number; end: number }[]>;
  };
  appointmentTasks: {
    /** Creates the pending tasks that do not exist yet (unique by appointment, kind, offset) and returns all pending ones. */
    ensure(companyId: number, appointmentId: number, tasks: { kind: TaskKind; offsetMinutes: number; dueAt: number }[]): Promise<AppointmentTask[]>;
    byId(companyId: number, id: number): Promise<AppointmentTask | null>;
    /** pending → done, once; false when another run already took it. */
    complete(companyId: number, id: number, at: number, outcome: { status: "done" | "skipped"; messageId?: number | null; detail?: string }): Promise<boolean>;
    /** Cancels the appointment's pending tasks (all, or of the given kinds); returns their ids. */
    cancelPending(companyId: number, appointmentId: number, kinds?: TaskKind[]): Promise<number[]>;
    list(companyId: number, appointmentId: number): Promise<AppointmentTask[]>;
    /** Follow-ups, newest first, with their appointment (for /api/agenda/followups). */
    followups(companyId: number, limit: number): Promise<AppointmentTask[]>;
    /** Follow-ups due since `since` (all without), newest first, with their appointment's start and contact and their message's status. */
    followupDetails(companyId: number, opts: { since?: number; limit: number }): Promise<FollowupDetail[]>;
  };
  feedback: {
    add(companyId: number, f: Omit<FeedbackEvent, "id" | "createdAt">): Promise<void>;
    /** Newest first; `appointmentIds` keeps those of the given appointments. */
    list(companyId: number, opts: { appointmentId?: number; appointmentIds?: number[]; limit: number }): Promise<FeedbackEvent[]>;
  };
}
