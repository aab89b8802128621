/** What operations read across tenants: /health's ping and the /metrics gauges derived from stored rows. */

/** The tables whose growth `secretaria_store_rows` reports. */
export const STORE_ROW_TABLES = ["messages", "conversations", "contacts", "appointments", "dead_letters"] as const;
export type StoreRowTable = (typeof STORE_ROW_TABLES)[number];

export interface CompanyCount {
  companyId: number;
  n: number;
}

export type StoreRowCount = CompanyCount & { table: StoreRowTable };

/** Every tenant's gauges from stored rows; tenants with nothing to count are absent (read as 0). */
export interface OpsGauges {
  /** Conversations handed to a person with no human reply for longer than the tenant's SLA. */
  overdueHandoffs: CompanyCount[];
  /** Dead letters not reprocessed yet. */
  deadLettersPending: CompanyCount[];
  /** Outbound messages the provider has not accepted yet (queued, sending, retrying). */
  outboundBacklog: CompanyCount[];
  /** The last analysis' attendance rate per weekday (0 = Monday, as lib/time-zone WEEKDAYS) and local hour. */
  attendance: { companyId: number; weekday: number; hour: number; rate: number }[];
}

/**
 * The only store reads that span tenants, for operators (never for a tenant's own API): a constant
 * number of grouped queries whatever the tenant count, so a scrape costs the same at 10 or 1,000.
 */
export interface OpsStore {
  /** Resolves when the database answers a trivial query (GET /health times it). */
  ping(): Promise<void>;
  ops: {
    /**
     * `now` and each tenant's `handoff.slaMinutes` from its profile (`defaultSlaMinutes` when unset
     * or out of 1..10080) decide what is overdue.
     */
    gauges(now: number, defaultSlaMinutes: number): Promise<OpsGauges>;
    /**
     * Rows per tenant and table (storage growth). Counting reads every row of the biggest tables, so
     * it runs far less often than `gauges` (src/metrics/store-gauges.ts).
     */
    rowCounts(): Promise<StoreRowCount[]>;
  };
}
