import type { User } from "./users";

/** Who takes a handed-over conversation (conversation/assignment.ts decides when to ask). */
export interface AssignmentStore {
  assignment: {
    /**
     * The next person in the tenant's round robin, taken: among active users marked available with
     * role agent (first) or admin/owner (only when no agent is available), the one assigned longest
     * ago (never assigned first), whose last_assigned_at is moved to `at` (or just past the tenant's
     * latest, if that is later) by a compare-and-set, so two handoffs at once never take the same person by a stale read. Null when
     * nobody is available: the conversation stays in the team queue.
     */
    claimNext(companyId: number, at: number): Promise<User | null>;
  };
}
