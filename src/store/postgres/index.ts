import { portableRepositories } from "../portable";
import { importScreen } from "../portable/scheduling";
import type { Store } from "../types";
import { calendarWrites } from "./appointments";
import { consentWrites } from "./consent";
import { createOutboxStore, createTurnsStore } from "./batch";
import { pgClient, pgCtx } from "./db";
import { jobsInsertDue } from "./jobs";
import { ops } from "./ops";
import { portableCtx } from "./portable";
import { schedulingBulk } from "./scheduling";
import { statusMoves } from "./statuses";

/**
 * The Postgres engine (through Hyperdrive in a deployment): the portable repositories (store/portable/)
 * on this engine's drizzle handle, plus what Postgres does with transactions and locks where D1 relies
 * on SQLite's single writer. `connectionString` is the Hyperdrive binding's (or a local URL).
 */
export function createPostgresStore(connectionString: string, opts: { max?: number } = {}): Store & { close(): Promise<void> } {
  const client = pgClient(connectionString, opts);
  const x = pgCtx(client);
  const portable = portableCtx(x);
  const shared = portableRepositories(portable);
  return {
    ...shared,
    turns: createTurnsStore(x),
    outbox: createOutboxStore(x),
    contacts: { ...shared.contacts, ...consentWrites(x) },
    messages: { ...shared.messages, ...statusMoves(x) },
    appointments: { ...shared.appointments, ...calendarWrites(x) },
    scheduling: { ...shared.scheduling, ...schedulingBulk(x, importScreen(portable)) },
    jobs: { ...shared.jobs, ...jobsInsertDue(x) },
    ops: ops(x),
    async ping() {
      await client`SELECT 1`;
    },
    close: () => client.end({ timeout: 1 }),
  };
}
