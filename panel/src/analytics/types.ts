/** What GET /api/analytics/history answers (the Worker's src/analytics/metrics.ts names the figures). */
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
  conversations: number;
  uniqueContacts: number;
  newContacts: number;
  repliesLlm: number;
  repliesTemplate: number;
  repliesHuman: number;
  firstResponses: number;
  firstResponseMsSum: number;
  handoffs: number;
  handoffsAnswered: number;
  handoffWaitMsSum: number;
  bookings: number;
  confirmations: number;
  attended: number;
  noShows: number;
  followupsSent: number;
  followupAnswers: number;
  npsAnswers: number;
  npsPromoters: number;
  npsDetractors: number;
  campaignSent: number;
  campaignReplied: number;
  tokensIn: number;
  tokensOut: number;
  cost: number;
  currency: string;
  byModel: ModelUsage[];
}

export interface History {
  granularity: "day" | "week";
  from: string;
  to: string;
  periods: { period_start: string; metrics: Metrics }[];
  missing: string[];
}

export const canWrite = (permissions: readonly string[]) => permissions.includes("analytics:write");
