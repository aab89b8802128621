import type { AgendaStore } from "./contracts/agenda";
import type { MessagingStore } from "./contracts/messaging";
import type { OpsStore } from "./contracts/ops";
import type { SchedulingStore } from "./contracts/scheduling";
import type { TenantStore } from "./contracts/tenants";
import type { OutboxStore, TurnsStore } from "./batch-types";

/**
 * The repositories the rest of the code uses. D1 implements it today (store/d1/, opened by
 * openStore in store/index.ts); a Postgres (Hyperdrive) engine must pass the same contract suite
 * (test/store/contract.ts). Every tenant-owned call takes companyId first: there is no way to ask
 * across tenants. The row types and each repository's methods live in store/contracts/, one file per
 * area; import them from here.
 */
export interface Store extends TenantStore, MessagingStore, AgendaStore, SchedulingStore, OpsStore {
  /** The message path's batched writes (store/d1/batch.ts). */
  turns: TurnsStore;
  outbox: OutboxStore;
}

export type * from "./contracts/agenda";
export type * from "./contracts/messaging";
export type * from "./contracts/ops";
export type * from "./contracts/scheduling";
export type * from "./contracts/tenants";
export type * from "./batch-types";
