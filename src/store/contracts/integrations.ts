/** A tenant's outgoing event webhook; `secret` is sealed (lib/secret-box.ts), never shown after creation or rotation. */
export interface WebhookEndpoint {
  id: number;
  companyId: number;
  url: string;
  description: string | null;
  /** Event types (events/types.ts) it receives. */
  events: string[];
  secret: string;
  active: boolean;
  createdAt: number;
  updatedAt: number | null;
}

export type NewWebhookEndpoint = Pick<WebhookEndpoint, "url" | "description" | "events" | "secret" | "active">;

export type WebhookDeliveryStatus = "pending" | "delivered" | "failed" | "dead";

/** One event to one endpoint, with its attempts and last answer (the delivery log). */
export interface WebhookDelivery {
  id: number;
  companyId: number;
  endpointId: number;
  event: string;
  eventId: string;
  /** The JSON body sent, without the signature (signed at each attempt with its own timestamp). */
  payload: unknown;
  status: WebhookDeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  createdAt: number;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
}

export interface IntegrationsStore {
  webhookEndpoints: {
    create(companyId: number, e: NewWebhookEndpoint, at: number): Promise<WebhookEndpoint>;
    byId(companyId: number, id: number): Promise<WebhookEndpoint | null>;
    /** Oldest first; `activeOnly` for the subscriber. */
    list(companyId: number, opts?: { activeOnly?: boolean }): Promise<WebhookEndpoint[]>;
    update(companyId: number, id: number, patch: Partial<NewWebhookEndpoint>, at: number): Promise<WebhookEndpoint | null>;
    /** Deletes the endpoint and its delivery log; false when it is not the tenant's. */
    remove(companyId: number, id: number): Promise<boolean>;
  };
  webhookDeliveries: {
    /**
     * Inserts one row per (endpoint, event id) not yet there, in one statement, and returns only those:
     * an event published twice is delivered once.
     */
    enqueue(companyId: number, rows: Pick<WebhookDelivery, "endpointId" | "event" | "eventId" | "payload">[], at: number): Promise<WebhookDelivery[]>;
    byId(companyId: number, id: number): Promise<WebhookDelivery | null>;
    /** Newest first; `beforeId` pages on. */
    list(companyId: number, f: { endpointId?: number; status?: WebhookDeliveryStatus; beforeId?: number; limit: number }): Promise<WebhookDelivery[]>;
    /** One attempt's outcome: attempts + 1, its status, answer and error. Null when the row is gone. */
    recordAttempt(
      companyId: number,
      id: number,
      o: { status: WebhookDeliveryStatus; responseStatus: number | null; error: string | null; at: number },
    ): Promise<WebhookDelivery | null>;
    /** Back to pending for a redelivery (attempts kept: the log shows the whole history). */
    reopen(companyId: number, id: number): Promise<WebhookDelivery | null>;
  };
}
