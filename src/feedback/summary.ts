import { addDays, utcToZoned, weekdayIndex, weekdayOf, zonedTimeToUtc } from "../lib/time-zone";
import type { FeedbackEvent, FeedbackScore, Store } from "../store/types";
import { npsCategory } from "./ingest";

export type Granularity = "day" | "week" | "month";
/** Rows a summary reads at most (feedback is a few per appointment, far fewer than messages); past it `truncated`. */
export const MAX_ROWS = 50_000;

export interface Figures {
  nps: { responses: number; promoters: number; passives: number; detractors: number; score: number | null };
  followups: { answers: number; positive: number; negative: number; neutral: number; satisfaction: number | null };
  comments: number;
  average_score: number | null;
}

const empty = (): Figures => ({
  nps: { responses: 0, promoters: 0, passives: 0, detractors: 0, score: null },
  followups: { answers: 0, positive: 0, negative: 0, neutral: 0, satisfaction: null },
  comments: 0,
  average_score: null,
});

/** The local date a period starts on: the day, its ISO week's Monday, or the month's first. */
export function periodOf(date: string, g: Granularity): string {
  if (g === "day") return date;
  if (g === "month") return `${date.slice(0, 7)}-01`;
  return addDays(date, -weekdayIndex(weekdayOf(date)));
}

/** Adds up rows: NPS = % promoters − % detractors; satisfaction = positive follow-ups over those with a leaning, in %. */
export function figures(rows: readonly Pick<FeedbackScore, "kind" | "nps" | "score">[]): Figures {
  const f = empty();
  let sum = 0;
  for (const r of rows) {
    sum += r.score;
    if (r.kind === "nps" && r.nps !== null) {
      f.nps.responses++;
      const c = npsCategory(r.nps);
      if (c === "promoter") f.nps.promoters++;
      else if (c === "passive") f.nps.passives++;
      else f.nps.detractors++;
    } else if (r.kind === "followup_positive") f.followups.positive++;
    else if (r.kind === "followup_negative") f.followups.negative++;
    else if (r.kind === "followup_feedback") f.followups.neutral++;
    else if (r.kind === "comment") f.comments++;
  }
  const n = f.nps;
  if (n.responses) n.score = Math.round(((n.promoters - n.detractors) / n.responses) * 1000) / 10;
  const u = f.followups;
  u.answers = u.positive + u.negative + u.neutral;
  if (u.positive + u.negative) u.satisfaction = Math.round((u.positive / (u.positive + u.negative)) * 1000) / 10;
  if (rows.length) f.average_score = Math.round((sum / rows.length) * 100) / 100;
  return f;
}

/** [from, to] local dates → the UTC instants of from's midnight and the midnight after `to`. */
export function rangeOf(from: string, to: string, timeZone: string): { start: number; end: number } {
  const start = zonedTimeToUtc(from, "00:00", timeZone)?.getTime() ?? Date.parse(`${from}T00:00:00Z`);
  const next = addDays(to, 1);
  const end = zonedTimeToUtc(next, "00:00", timeZone)?.getTime() ?? Date.parse(`${next}T00:00:00Z`);
  return { start, end };
}

/** The tenant's satisfaction over [from, to] (local dates), in total and per period, with its recent comments. */
export async function feedbackSummary(store: Store, companyId: number, q: { from: string; to: string; granularity: Granularity; timeZone: string }) {
  const { start, end } = rangeOf(q.from, q.to, q.timeZone);
  const [rows, comments] = await Promise.all([
    store.satisfaction.scores(companyId, start, end, MAX_ROWS + 1),
    store.satisfaction.list(companyId, { from: start, to: end, withText: true, limit: 10 }),
  ]);
  const truncated = rows.length > MAX_ROWS;
  const kept = truncated ? rows.slice(0, MAX_ROWS) : rows;
  const byPeriod = new Map<string, FeedbackScore[]>();
  for (const r of kept) {
    const p = periodOf(utcToZoned(r.createdAt, q.timeZone).date, q.granularity);
    const list = byPeriod.get(p) ?? [];
    list.push(r);
    byPeriod.set(p, list);
  }
  return {
    from: q.from,
    to: q.to,
    granularity: q.granularity,
    time_zone: q.timeZone,
    truncated,
    total: figures(kept),
    periods: [...byPeriod].map(([period_start, list]) => ({ period_start, ...figures(list) })),
    recent_comments: comments.map(commentView),
  };
}

export const commentView = (f: FeedbackEvent) => ({
  id: f.id,
  contact_id: f.contactId,
  kind: f.kind,
  source: f.source ?? "followup",
  nps: f.nps ?? null,
  score: f.score,
  text: f.text,
  external_id: f.externalId ?? null,
  created_at: new Date(f.createdAt).toISOString(),
});
