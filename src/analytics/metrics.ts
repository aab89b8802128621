/**
 * A period's figures (analytics_reports.metrics), built from one read of the raw rows. Counts and sums
 * are stored, rates and averages derived from them, so periods can be added up (`combine`) and the
 * rates recomputed. Distinct counts (contacts, conversations) are per period: a sum of days counts a
 * contact once per day it wrote.
 */
import type { LlmPrice, RawFigures, UsageRow } from "../store/types";
import { costOf, priceFor } from "./prices";

export interface ModelUsage {
  provider: string;
  model: string;
  input: number;
  output: number;
  requests: number;
  cost: number;
}

export interface Metrics {
  messagesIn: number;
  messagesOut: number;
  /** channel → [in, out]. */
  byChannel: Record<string, [number, number]>;
  /** Conversations the contacts wrote in; any message; opened in the period. */
  conversations: number;
  activeConversations: number;
  newConversations: number;
  uniqueContacts: number;
  newContacts: number;
  repliesLlm: number;
  repliesTemplate: number;
  repliesHuman: number;
  /** New conversations answered (bot or person) and the summed time from the first message to the answer. */
  firstResponses: number;
  firstResponseMsSum: number;
  handoffs: number;
  handoffsAnswered: number;
  handoffWaitMsSum: number;
  bookings: number;
  bookingsBySource: Record<string, number>;
  confirmations: number;
  cancellations: number;
  appointments: number;
  attended: number;
  noShows: number;
  followupsSent: number;
  followupAnswers: number;
  followupPositive: number;
  followupNegative: number;
  /** Sum of the follow-up answers' scores (-1 … 1). */
  satisfactionSum: number;
  npsAnswers: number;
  npsPromoters: number;
  npsDetractors: number;
  campaignSent: number;
  campaignReplied: number;
  campaignBooked: number;
  campaignsFinished: number;
  tokensIn: number;
  tokensOut: number;
  llmRequests: number;
  cost: number;
  currency: string;
  byModel: ModelUsage[];
}

/** Rates and averages of a period's figures (null where there is nothing to divide by). */
export interface Derived {
  noShowRate: number | null;
  followupResponseRate: number | null;
  satisfaction: number | null;
  nps: number | null;
  avgFirstResponseMs: number | null;
  avgHandoffWaitMs: number | null;
  llmShare: number | null;
}

export const emptyMetrics = (): Metrics => ({
  messagesIn: 0,
  messagesOut: 0,
  byChannel: {},
  conversations: 0,
  activeConversations: 0,
  newConversations: 0,
  uniqueContacts: 0,
  newContacts: 0,
  repliesLlm: 0,
  repliesTemplate: 0,
  repliesHuman: 0,
  firstResponses: 0,
  firstResponseMsSum: 0,
  handoffs: 0,
  handoffsAnswered: 0,
  handoffWaitMsSum: 0,
  bookings: 0,
  bookingsBySource: {},
  confirmations: 0,
  cancellations: 0,
  appointments: 0,
  attended: 0,
  noShows: 0,
  followupsSent: 0,
  followupAnswers: 0,
  followupPositive: 0,
  followupNegative: 0,
  satisfactionSum: 0,
  npsAnswers: 0,
  npsPromoters: 0,
  npsDetractors: 0,
  campaignSent: 0,
  campaignReplied: 0,
  campaignBooked: 0,
  campaignsFinished: 0,
  tokensIn: 0,
  tokensOut: 0,
  llmRequests: 0,
  cost: 0,
  currency: "USD",
  byModel: [],
});

const FOLLOWUP_KINDS = new Set(["followup_positive", "followup_negative", "followup_feedback"]);
/** Sums of money and scores kept to 9 decimals: floating-point additions do not drift the stored figures. */
const round9 = (x: number) => Math.round(x * 1e9) / 1e9;

/** The figures of each period from one read (`periods` long); `usage[i]` is period i's llm_usage rows. */
export function buildMetrics(raw: RawFigures, usage: readonly UsageRow[][], prices: readonly LlmPrice[], companyId: number, periods: number): Metrics[] {
  const out = Array.from({ length: periods }, emptyMetrics);
  const at = (b: number) => out[b] ?? emptyMetrics();
  for (const r of raw.messages) {
    const x = at(r.b);
    const ch = (x.byChannel[r.channel] ??= [0, 0]);
    if (r.direction === "in") {
      x.messagesIn += r.n;
      ch[0] += r.n;
    } else {
      x.messagesOut += r.n;
      ch[1] += r.n;
      x.repliesLlm += r.llm;
      x.repliesTemplate += r.replies - r.llm;
      if (r.author === "human") x.repliesHuman += r.n;
    }
  }
  for (const r of raw.people) Object.assign(at(r.b), { conversations: r.conversations, uniqueContacts: r.contacts, activeConversations: r.active });
  for (const r of raw.opened) Object.assign(at(r.b), { newConversations: r.n, firstResponses: r.answered, firstResponseMsSum: r.responseMs });
  for (const r of raw.newContacts) at(r.b).newContacts = r.n;
  for (const r of raw.handoffs) Object.assign(at(r.b), { handoffs: r.n, handoffsAnswered: r.answered, handoffWaitMsSum: r.waitMs });
  for (const r of raw.bookings) {
    const x = at(r.b);
    x.bookings += r.n;
    x.bookingsBySource[r.source] = (x.bookingsBySource[r.source] ?? 0) + r.n;
  }
  for (const r of raw.confirmations) Object.assign(at(r.b), { confirmations: r.confirmed, cancellations: r.cancelled });
  for (const r of raw.outcomes) Object.assign(at(r.b), { appointments: r.total, attended: r.attended, noShows: r.noShow });
  for (const r of raw.followupsSent) at(r.b).followupsSent = r.n;
  for (const r of raw.feedback) {
    const x = at(r.b);
    if (FOLLOWUP_KINDS.has(r.kind)) {
      x.followupAnswers += r.n;
      x.satisfactionSum = round9(x.satisfactionSum + r.scoreSum);
      if (r.kind === "followup_positive") x.followupPositive += r.n;
      if (r.kind === "followup_negative") x.followupNegative += r.n;
    }
    x.npsAnswers += r.npsAnswers;
    x.npsPromoters += r.promoters;
    x.npsDetractors += r.detractors;
  }
  for (const r of raw.campaigns) Object.assign(at(r.b), { campaignSent: r.sent, campaignReplied: r.replied, campaignBooked: r.booked, campaignsFinished: r.finished });
  usage.forEach((rows, b) => {
    const x = at(b);
    for (const u of rows) {
      const price = priceFor(prices, companyId, u.provider, u.model);
      const cost = costOf(price, u.input, u.output);
      addModel(x.byModel, { provider: u.provider, model: u.model, input: u.input, output: u.output, requests: u.requests, cost });
      x.tokensIn += u.input;
      x.tokensOut += u.output;
      x.llmRequests += u.requests;
      x.cost = round9(x.cost + cost);
      x.currency = price.currency;
    }
  });
  return out;
}

function addModel(list: ModelUsage[], u: ModelUsage): void {
  const same = list.find((m) => m.provider === u.provider && m.model === u.model);
  if (!same) {
    list.push({ ...u });
    return;
  }
  same.input += u.input;
  same.output += u.output;
  same.requests += u.requests;
  same.cost = round9(same.cost + u.cost);
}

/** Several periods' figures added up (a summary over days); a stored report missing a field counts 0. */
export function combine(list: readonly Partial<Metrics>[]): Metrics {
  const sum = emptyMetrics();
  for (const m of list) {
    for (const [k, v] of Object.entries(m)) {
      const key = k as keyof Metrics;
      if (typeof v === "number" && typeof sum[key] === "number") (sum as unknown as Record<string, number>)[key] = round9((sum[key] as number) + v);
    }
    for (const [ch, [i, o]] of Object.entries(m.byChannel ?? {})) {
      const c = (sum.byChannel[ch] ??= [0, 0]);
      c[0] += i;
      c[1] += o;
    }
    for (const [src, v] of Object.entries(m.bookingsBySource ?? {})) sum.bookingsBySource[src] = (sum.bookingsBySource[src] ?? 0) + v;
    for (const u of m.byModel ?? []) addModel(sum.byModel, u);
    if (m.currency) sum.currency = m.currency;
  }
  return sum;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

export function derive(m: Metrics): Derived {
  return {
    noShowRate: ratio(m.noShows, m.attended + m.noShows),
    followupResponseRate: ratio(m.followupAnswers, m.followupsSent),
    satisfaction: ratio(m.satisfactionSum, m.followupAnswers),
    nps: m.npsAnswers > 0 ? Math.round(((m.npsPromoters - m.npsDetractors) / m.npsAnswers) * 1000) / 10 : null,
    avgFirstResponseMs: m.firstResponses > 0 ? Math.round(m.firstResponseMsSum / m.firstResponses) : null,
    avgHandoffWaitMs: m.handoffsAnswered > 0 ? Math.round(m.handoffWaitMsSum / m.handoffsAnswered) : null,
    llmShare: ratio(m.repliesLlm, m.repliesLlm + m.repliesTemplate),
  };
}
