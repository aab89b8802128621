import type { Store } from "../types";
import { appointmentTasks, feedback } from "./appointment-tasks";
import { appointments } from "./appointments";
import { apiTokens, auditLogs, companies, profiles } from "./companies";
import { contacts } from "./contacts";
import { conversations } from "./conversations";
import { createOutboxStore, createTurnsStore } from "./batch";
import { d1Ctx } from "./db";
import { deadLetters } from "./dead-letters";
import { deliveryLogs } from "./delivery-logs";
import { llmUsage } from "./llm-usage";
import { messages } from "./messages";
import { importJobs, scheduling } from "./scheduling";

/**
 * The D1 engine: one repository per file, all on one drizzle handle. Code outside store/ opens a store
 * with `openStore(env)` (store/index.ts); only the engine's own contract test calls this directly.
 */
export function createD1Store(binding: D1Database): Store {
  const x = d1Ctx(binding);
  return {
    turns: createTurnsStore(binding),
    outbox: createOutboxStore(binding),
    companies: companies(x),
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
    async ping() {
      await binding.prepare("SELECT 1").first();
    },
  };
}
