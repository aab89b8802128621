import type { AgendaStore } from "./contracts/agenda";
import type { AnalyticsStore } from "./contracts/analytics";
import type { BillingStore } from "./contracts/billing";
import type { CampaignStore } from "./contracts/campaigns";
import type { ComplianceStore } from "./contracts/compliance";
import type { ChannelStore } from "./contracts/channels";
import type { AssignmentStore } from "./contracts/assignment";
import type { JobsStore } from "./contracts/jobs";
import type { MessagingStore } from "./contracts/messaging";
import type { OpsStore } from "./contracts/ops";
import type { HoursStore } from "./contracts/hours";
import type { IntegrationsStore } from "./contracts/integrations";
import type { SatisfactionStore } from "./contracts/satisfaction";
import type { OutreachStore } from "./contracts/outreach";
import type { SchedulingStore } from "./contracts/scheduling";
import type { TenantStore } from "./contracts/tenants";
import type { UserStore } from "./contracts/users";
import type { WaTemplatesStore } from "./contracts/wa-templates";
import type { ExperimentStore } from "./contracts/experiments";
import type { RecommendationStore } from "./contracts/recommendations";
import type { OutboxStore, TurnsStore } from "./batch-types";

/**
 * The repositories the rest of the code uses. D1 (store/d1/) and Postgres through Hyperdrive
 * (store/postgres/) implement it, opened by openStore in store/index.ts, and pass one contract suite
 * (test/store/contract.ts). Every tenant-owned call takes companyId first: there is no way to ask
 * across tenants. The row types and each repository's methods live in store/contracts/, one file per
 * area; import them from here.
 */
export interface Store
  extends TenantStore,
    ChannelStore,
    UserStore,
    AssignmentStore,
    BillingStore,
    MessagingStore,
    AgendaStore,
    SchedulingStore,
    OpsStore,
    HoursStore,
    OutreachStore,
    WaTemplatesStore,
    JobsStore,
    CampaignStore,
    AnalyticsStore,
    ExperimentStore,
    RecommendationStore,
    IntegrationsStore,
    SatisfactionStore,
    ComplianceStore {
  /** The message path's batched writes (store/d1/batch.ts). */
  turns: TurnsStore;
  outbox: OutboxStore;
  /** One trivial round trip to the database (the deep health check). */
  ping(): Promise<void>;
}

export type * from "./contracts/agenda";
export type * from "./contracts/analytics";
export type * from "./contracts/billing";
export type * from "./contracts/campaigns";
export type * from "./contracts/compliance";
export type * from "./contracts/consent";
export type * from "./contracts/channels";
export type * from "./contracts/assignment";
export type * from "./contracts/jobs";
export type * from "./contracts/messaging";
export type * from "./contracts/ops";
export type * from "./contracts/hours";
export type * from "./contracts/integrations";
export type * from "./contracts/satisfaction";
export type * from "./contracts/outreach";
export type * from "./contracts/scheduling";
export type * from "./contracts/tenants";
export type * from "./contracts/users";
export type * from "./contracts/wa-templates";
export type * from "./contracts/experiments";
export type * from "./contracts/recommendations";
export type * from "./batch-types";
