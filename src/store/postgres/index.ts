import type { Store } from "../types";
import { appointmentTasks, feedback } from "./appointment-tasks";
import { appointments } from "./appointments";
import { apiTokens, auditLogs, companies, profiles } from "./companies";
import { contacts } from "./contacts";
import { conversations } from "./conversations";
import { createOutboxStore, createTurnsStore } from "./batch";
import { pgClient, pgCtx } from "./db";
import { deadLetters } from "./dead-letters";
import { deliveryLogs } from "./delivery-logs";
import { llmUsage } from "./llm-usage";
import { messages } from "./messages";
import { ops } from "./ops";
import { importJobs, scheduling } from "./scheduling";

/**
 * The Postgres engine (through Hyperdrive in a deployment): the same repositories as store/d1/, one
 * file each, on one drizzle handle. `connectionString` is the Hyperdrive binding's (or a local URL).
 */
export function createPostgresStore(connectionString: string, opts: { max?: number } = {}): Store & { close(): Promise<void> } {
  const client = pgClient(connectionString, opts);
  const x = pgCtx(client);
  return {
    turns: createTurnsStore(x),
    outbox: createOutboxStore(x),
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
    ops: ops(x),
    async ping() {
      await client`SELECT 1`;
    },
    close: () => client.end({ timeout: 1 }),
  };
}
