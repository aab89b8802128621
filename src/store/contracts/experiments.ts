/** A/B tests of replies: the tests, which variant each contact got, and what happened after a send. */

export type AbGoal = "replied" | "confirmed" | "booked";
export type AbStatus = "draft" | "running" | "stopped" | "applied";
/** What an ab_events row records; `sent` is written at the send, the rest by the events subscriber. */
export type AbEventKind = "sent" | "replied" | "confirmed" | "booked" | "opted_out";

export interface AbVariant {
  key: string;
  label: string;
  text: string;
}

export interface AbTest {
  id: number;
  companyId: number;
  name: string;
  target: string;
  goal: AbGoal;
  epsilon: number;
  variants: AbVariant[];
  status: AbStatus;
  winner: string | null;
  createdAt: number;
  startedAt: number | null;
  stoppedAt: number | null;
  updatedAt: number | null;
}

export interface NewAbTest {
  name: string;
  target: string;
  goal: AbGoal;
  epsilon: number;
  variants: AbVariant[];
}

/** Distinct contacts per variant and event of one test (a contact counts once however many events). */
export interface AbCount {
  variant: string;
  event: AbEventKind;
  contacts: number;
}

/** A contact's variant in a running test, and when it was first sent to them (null: not yet). */
export interface AbAssignment {
  testId: number;
  contactId: number;
  variant: string;
  firstSentAt: number | null;
}

export interface AbEventRow {
  testId: number;
  contactId: number;
  variant: string;
  event: AbEventKind;
  /** What it is about (the message's client ref, the appointment): one row per (test, contact, event, ref). */
  ref: string;
  at: number;
}

export interface ExperimentStore {
  abTests: {
    create(companyId: number, t: NewAbTest, at: number): Promise<AbTest>;
    byId(companyId: number, id: number): Promise<AbTest | null>;
    list(companyId: number, limit: number): Promise<AbTest[]>;
    /**
     * Compare-and-set: moves the test from one of `from` to `to` (stamping started/stopped), null when it
     * was not in `from`. Starting also requires no other running test on the same target (one statement).
     */
    transition(companyId: number, id: number, from: readonly AbStatus[], to: AbStatus, at: number): Promise<AbTest | null>;
    /** Sets the winner of a stopped test (it may be changed until applied); null when not stopped. */
    declareWinner(companyId: number, id: number, variant: string, at: number): Promise<AbTest | null>;
    /** The test's counts (one grouped statement). */
    counts(companyId: number, testId: number): Promise<AbCount[]>;
    /** The contact's variant if already drawn. */
    assignment(companyId: number, testId: number, contactId: number): Promise<string | null>;
    /** Stores the draw unless one exists (ON CONFLICT DO NOTHING); returns the variant that holds. */
    assign(companyId: number, testId: number, contactId: number, variant: string, at: number): Promise<string>;
    /** These contacts' assignments in these tests, with their first send (one grouped statement). */
    assignments(companyId: number, testIds: readonly number[], contactIds: readonly number[]): Promise<AbAssignment[]>;
    /** Inserts the rows not already there (by test, contact, event, ref); how many were new. */
    record(companyId: number, rows: readonly AbEventRow[]): Promise<number>;
  };
}
