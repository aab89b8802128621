/**
 * Pós-atendimento as the panel reads it: each follow-up with a state a person understands (scheduled,
 * answered, unanswered, failed, skipped, cancelled) and the answer it got, plus the last 30 days in
 * numbers — response rate and how satisfied the answers were.
 */
import type { FeedbackEvent, FollowupDetail } from "../store/types";

export const FOLLOWUP_STATES = ["scheduled", "answered", "unanswered", "failed", "skipped", "cancelled"] as const;
export type FollowupState = (typeof FOLLOWUP_STATES)[number];
export type Sentiment = "positive" | "neutral" | "negative";

/** Scores are −1…1 (agenda-flow.ts: a positive answer is ≥ 0.5, a negative one ≤ −0.5); this band is neutral. */
const NEUTRAL_BAND = 0.2;
const FAILED_MESSAGES = new Set(["failed", "dead"]);

export const sentimentOf = (f: FeedbackEvent): Sentiment =>
  f.kind === "followup_positive" || f.score > NEUTRAL_BAND ? "positive" : f.kind === "followup_negative" || f.score < -NEUTRAL_BAND ? "negative" : "neutral";

/** The first follow-up answer to the task's message: the earliest feedback at or after it went out. */
export function answerOf(task: FollowupDetail, feedback: readonly FeedbackEvent[]): FeedbackEvent | null {
  if (task.doneAt === null) return null;
  // created_at defaults to the database's clock in whole seconds (D1): a second's slack.
  const sentAt = task.doneAt - 1000;
  let first: FeedbackEvent | null = null;
  for (const f of feedback) {
    if (f.appointmentId !== task.appointmentId || !f.kind.startsWith("followup") || f.createdAt < sentAt) continue;
    if (!first || f.createdAt < first.createdAt) first = f;
  }
  return first;
}

export function stateOf(task: FollowupDetail, answer: FeedbackEvent | null): FollowupState {
  if (task.status === "pending") return "scheduled";
  if (task.status === "cancelled") return "cancelled";
  // Done without a message: the contact had opted out (or was gone) when it was due.
  if (task.status === "skipped" || task.messageId === null) return "skipped";
  if (answer) return "answered";
  return task.messageStatus !== null && FAILED_MESSAGES.has(task.messageStatus) ? "failed" : "unanswered";
}

export interface FollowupSummary {
  days: number;
  /** Appointments whose follow-up went out (a resend counts once). */
  sent: number;
  answered: number;
  failed: number;
  /** answered / sent; null when nothing went out. */
  responseRate: number | null;
  positive: number;
  neutral: number;
  negative: number;
  /** Mean answer score (−1…1); null without answers. */
  averageScore: number | null;
}

/**
 * The window's numbers, one appointment at a time: its follow-up counts as sent when any of its
 * tasks went out, answered when any got an answer, failed when every message it sent failed.
 * @example summarize(tasks, feedback, 30) // { sent: 12, answered: 9, responseRate: 0.75, positive: 7, … }
 */
export function summarize(tasks: readonly FollowupDetail[], feedback: readonly FeedbackEvent[], days: number): FollowupSummary {
  const byAppointment = new Map<number, FollowupState[]>();
  const answers = new Map<number, FeedbackEvent>();
  for (const t of tasks) {
    const answer = answerOf(t, feedback);
    if (answer) answers.set(t.appointmentId, answer);
    const list = byAppointment.get(t.appointmentId) ?? [];
    list.push(stateOf(t, answer));
    byAppointment.set(t.appointmentId, list);
  }
  let sent = 0;
  let failed = 0;
  for (const states of byAppointment.values()) {
    const out = states.filter((s) => s === "answered" || s === "unanswered" || s === "failed");
    if (out.length === 0) continue;
    if (out.every((s) => s === "failed")) failed++;
    else sent++;
  }
  const counts = { positive: 0, neutral: 0, negative: 0 };
  let total = 0;
  for (const a of answers.values()) {
    counts[sentimentOf(a)]++;
    total += a.score;
  }
  const answered = answers.size;
  return {
    days,
    sent,
    answered,
    failed,
    responseRate: sent > 0 ? Math.min(1, answered / sent) : null,
    ...counts,
    averageScore: answered > 0 ? Math.round((total / answered) * 100) / 100 : null,
  };
}
