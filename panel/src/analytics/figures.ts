/** Headline figures of a run of periods, added up in the browser (the same sums as the Worker's combine()). */
import type { Metrics, ModelUsage } from "./types";

export interface Totals {
  messagesIn: number;
  messagesOut: number;
  conversations: number;
  newContacts: number;
  llmShare: number | null;
  avgFirstResponseMs: number | null;
  handoffs: number;
  avgHandoffWaitMs: number | null;
  bookings: number;
  noShowRate: number | null;
  followupResponseRate: number | null;
  nps: number | null;
  cost: number;
  currency: string;
  byModel: ModelUsage[];
}

export function totalsOf(list: readonly Metrics[]): Totals {
  const sum = (k: keyof Metrics) => list.reduce((s, m) => s + (typeof m[k] === "number" ? (m[k] as number) : 0), 0);
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const byModel = new Map<string, ModelUsage>();
  for (const m of list)
    for (const u of m.byModel ?? []) {
      const key = `${u.provider}/${u.model}`;
      const x = byModel.get(key) ?? { provider: u.provider, model: u.model, input: 0, output: 0, requests: 0, cost: 0 };
      byModel.set(key, { ...x, input: x.input + u.input, output: x.output + u.output, requests: x.requests + u.requests, cost: x.cost + u.cost });
    }
  const llm = sum("repliesLlm");
  const nps = sum("npsAnswers");
  return {
    messagesIn: sum("messagesIn"),
    messagesOut: sum("messagesOut"),
    conversations: sum("conversations"),
    newContacts: sum("newContacts"),
    llmShare: ratio(llm, llm + sum("repliesTemplate")),
    avgFirstResponseMs: ratio(sum("firstResponseMsSum"), sum("firstResponses")),
    handoffs: sum("handoffs"),
    avgHandoffWaitMs: ratio(sum("handoffWaitMsSum"), sum("handoffsAnswered")),
    bookings: sum("bookings"),
    noShowRate: ratio(sum("noShows"), sum("noShows") + sum("attended")),
    followupResponseRate: ratio(sum("followupAnswers"), sum("followupsSent")),
    nps: nps > 0 ? (100 * (sum("npsPromoters") - sum("npsDetractors"))) / nps : null,
    cost: sum("cost"),
    currency: list.find((m) => m.currency)?.currency ?? "USD",
    byModel: [...byModel.values()].sort((a, b) => b.cost - a.cost),
  };
}

/** The relative change from `before` to `now` (null when there was nothing before). */
export const change = (now: number | null, before: number | null): number | null => (now === null || before === null || before === 0 ? null : (now - before) / Math.abs(before));
