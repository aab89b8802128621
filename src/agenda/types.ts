/** Booking-provider contracts: the built-in calendar and Cal.com both implement BookingProvider. */

/** A bookable time, as an instant (UTC ISO) plus its end; labels are made in the tenant's time zone. */
export interface Slot {
  start: string;
  end: string;
}

export interface AvailabilityQuery {
  /** Inclusive range start / exclusive end, UTC ISO instants. */
  from: string;
  to: string;
  /** Optional service (maps to a Cal.com event type); the built-in calendar uses the tenant's slot length. */
  service?: string;
  /** IANA time zone of the tenant (America/Sao_Paulo by default). */
  timeZone: string;
}

export interface BookingRequest {
  start: string;
  /** phone: absent for a contact known only by its BSUID (a username user whose number is withheld). */
  attendee: { name: string; phone?: string; userId?: string; email?: string; timeZone: string; language?: string };
  service?: string;
  notes?: string;
  /** Our idempotency key; the built-in calendar uses it as the booking uid, Cal.com gets it in metadata. */
  idempotencyKey: string;
}

export interface Booking {
  /** The provider's booking uid: the key every webhook and update uses. */
  uid: string;
  start: string;
  end: string;
  status: "accepted" | "pending" | "cancelled";
}

/** slot_in_past … outside_hours: the built-in calendar's own refusals, before anything booked is looked at. */
export const CALENDAR_REFUSALS = ["slot_taken", "slot_in_past", "too_soon", "beyond_horizon", "outside_hours"] as const;
export type BookingErrorCode = (typeof CALENDAR_REFUSALS)[number] | "not_found" | "invalid_request" | "unauthorized" | "unavailable" | "no_phone";
/** A refusal of the time itself: the chat offers other times instead of giving up. */
export const isSlotRefusal = (code: string) => (CALENDAR_REFUSALS as readonly string[]).includes(code);

/** Provider failures come back as values with a clear message for the contact or the operator. */
export type BookingResult<T> = { ok: true; value: T } | { ok: false; code: BookingErrorCode; message: string; retryable: boolean };

export interface BookingProvider {
  readonly name: "builtin" | "calcom";
  availability(q: AvailabilityQuery): Promise<BookingResult<Slot[]>>;
  book(req: BookingRequest): Promise<BookingResult<Booking>>;
  cancel(uid: string, reason?: string): Promise<BookingResult<Booking>>;
  reschedule(uid: string, newStart: string, reason?: string): Promise<BookingResult<Booking>>;
}
