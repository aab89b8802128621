import { portableRepositories } from "../portable";
import { importScreen } from "../portable/scheduling";
import * as schema from "../schema";
import type { Store } from "../types";
import { calendarWrites } from "./appointments";
import { consentWrites } from "./consent";
import { createOutboxStore, createTurnsStore } from "./batch";
import { d1Ctx } from "./db";
import { d1Dialect } from "./dialect";
import { jobsInsertDue } from "./jobs";
import { ops } from "./ops";
import { schedulingBulk } from "./scheduling";
import { statusMoves } from "./statuses";

/**
 * The D1 engine: the portable repositories (store/portable/) on this engine's drizzle handle, plus
 * what only SQLite's single writer or D1's batch API can do. Code outside store/ opens a store with
 * `openStore(env)` (store/index.ts); only the engine's own tests call this directly.
 */
export function createD1Store(binding: D1Database): Store {
  const x = d1Ctx(binding);
  const portable = { db: x.db, schema, dialect: d1Dialect };
  const shared = portableRepositories(portable);
  return {
    ...shared,
    turns: createTurnsStore(binding),
    outbox: createOutboxStore(binding),
    contacts: { ...shared.contacts, ...consentWrites(x) },
    messages: { ...shared.messages, ...statusMoves(x) },
    appointments: { ...shared.appointments, ...calendarWrites(x, shared.appointments) },
    scheduling: { ...shared.scheduling, ...schedulingBulk(x, importScreen(portable)) },
    jobs: { ...shared.jobs, ...jobsInsertDue(x) },
    ops: ops(x),
    async ping() {
      await binding.prepare("SELECT 1").first();
    },
  };
}
