/** Business hours' store side: handoffs waiting for their escalation, and the alerts fired to tenants. */

/** A handed-over conversation with no human reply yet, not escalated (store.escalations.candidates). */
export interface EscalationCandidate {
  companyId: number;
  conversationId: number;
  contactId: number;
  handoffAt: number;
  assignedUserId: number | null;
}

export interface TenantAlert {
  id: number;
  companyId: number;
  kind: string;
  key: string;
  detail: Record<string, unknown>;
  firedAt: number;
  resolvedAt: number | null;
}

/** What the alerts job looks at, per tenant with anything to count (grouped across tenants). */
export interface AlertSignals {
  /** Dead letters filed since `deadLettersSince`. */
  deadLetters: { companyId: number; n: number }[];
  /** Outbound messages written since `sendsSince` (held and withdrawn left out) and how many of them failed. */
  sends: { companyId: number; total: number; failed: number }[];
  /** Outbound messages held (closed 24 h window, no template) since `heldSince`. */
  held: { companyId: number; n: number }[];
}

export interface HoursStore {
  escalations: {
    /**
     * Waiting handoffs of these tenants older than `olderThan`, not escalated: one statement on
     * conversations_company_status_idx (company_id IN …, status = 'human', handoff_at < …), oldest first.
     */
    candidates(companyIds: readonly number[], olderThan: number, limit: number): Promise<EscalationCandidate[]>;
    /** Compare-and-set null → at for this handoff (still waiting, same handoff_at): true for the one caller that set it. */
    markEscalated(companyId: number, conversationId: number, handoffAt: number, at: number): Promise<boolean>;
  };
  alerts: {
    /**
     * Fires once per (company, kind, key): the alert when this call opened it (new, or reopened after it
     * was resolved: it happened again), null while it is still open — so two runs notify once.
     */
    fire(companyId: number, a: { kind: string; key: string; detail: Record<string, unknown> }, at: number): Promise<TenantAlert | null>;
    /** Resolves the tenant's open alerts of this kind (and key, when given); how many it resolved. */
    resolveOpen(companyId: number, kind: string, at: number, key?: string): Promise<number>;
    /** The tenant's open alerts of this kind, oldest first. */
    open(companyId: number, kind: string): Promise<TenantAlert[]>;
    list(companyId: number, opts: { open?: boolean; limit: number }): Promise<TenantAlert[]>;
    /** Marks it resolved (once); null when the tenant has no such alert. */
    resolve(companyId: number, id: number, at: number): Promise<TenantAlert | null>;
    /** Cross-tenant grouped counts for the alerts job (platform only, never a tenant's API). */
    signals(since: { deadLetters: number; sends: number; held: number }): Promise<AlertSignals>;
  };
}
