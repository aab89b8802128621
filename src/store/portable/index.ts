import { appointmentTasks, feedback } from "./appointment-tasks";
import { analytics, llmPrices } from "./analytics";
import { appointments } from "./appointments";
import { billingEvents, billingOps, plans, subscriptions, usage } from "./billing";
import { assignment } from "./assignment";
import { campaigns } from "./campaigns";
import { apiTokens, auditLogs, companies, profiles } from "./companies";
import { companyChannel } from "./company-channel";
import { compliance } from "./compliance";
import { contacts } from "./contacts";
import type { PortableCtx } from "./context";
import { conversations } from "./conversations";
import { deadLetters } from "./dead-letters";
import { deliveryLogs } from "./delivery-logs";
import { experiments } from "./experiments";
import { recommendations } from "./recommendations";
import { hours } from "./hours";
import { llmUsage } from "./llm-usage";
import { messages } from "./messages";
import { outreachReports } from "./outreach-reports";
import { satisfaction } from "./satisfaction";
import { scheduledMessages } from "./scheduled-messages";
import { jobControls, jobs } from "./jobs";
import { importJobs, scheduling } from "./scheduling";
import { sessions, userLinks, users } from "./users";
import { channelHealth, waTemplates } from "./wa-templates";
import { webhookDeliveries, webhookEndpoints } from "./webhooks";

export type { Dialect, EngineSpecific, PortableCtx } from "./context";

/**
 * Every repository (or method) whose logic is the same on D1 and Postgres, written once in drizzle's
 * query builder. An engine's index adds what it writes itself (EngineSpecific, batch, ops, ping).
 */
export function portableRepositories(x: PortableCtx) {
  return {
    companies: companies(x),
    companyChannel: companyChannel(x),
    apiTokens: apiTokens(x),
    contacts: contacts(x),
    conversations: conversations(x),
    profiles: profiles(x),
    llmUsage: llmUsage(x),
    messages: messages(x),
    deliveryLogs: deliveryLogs(x),
    deadLetters: deadLetters(x),
    appointments: appointments(x),
    appointmentTasks: appointmentTasks(x),
    feedback: feedback(x),
    scheduling: scheduling(x),
    importJobs: importJobs(x),
    auditLogs: auditLogs(x),
    users: users(x),
    sessions: sessions(x),
    userLinks: userLinks(x),
    plans: plans(x),
    subscriptions: subscriptions(x),
    usage: usage(x),
    billingEvents: billingEvents(x),
    billingOps: billingOps(x),
    assignment: assignment(x),
    ...hours(x),
    scheduledMessages: scheduledMessages(x),
    outreachReports: outreachReports(x),
    waTemplates: waTemplates(x),
    channelHealth: channelHealth(x),
    jobs: jobs(x),
    jobControls: jobControls(x),
    campaigns: campaigns(x),
    analytics: analytics(x),
    llmPrices: llmPrices(x),
    abTests: experiments(x),
    recommendations: recommendations(x),
    webhookEndpoints: webhookEndpoints(x),
    webhookDeliveries: webhookDeliveries(x),
    satisfaction: satisfaction(x),
    compliance: compliance(x),
  };
}
