/**
 * Who holds a conversation with a person. A handoff takes the next available person of the tenant
 * (store.assignment.claimNext: agents first, round robin by the oldest last assignment, race-safe),
 * or leaves it in the team queue when nobody is available; operators reassign or send it back to the
 * queue; a signed-in person who replies to a conversation nobody holds takes it.
 */
import { AppError } from "../lib/errors";
import type { Conversation, Store, User } from "../store/types";
import type { Role } from "../tenants/roles";

/** The roles that take conversations (viewers only read). Agents are preferred by claimNext. */
export const ASSIGNABLE_ROLES: readonly Role[] = ["agent", "admin", "owner"];

export const isAssignable = (u: User, companyId: number) => u.companyId === companyId && u.status === "active" && ASSIGNABLE_ROLES.includes(u.role);

/** The assignee as the API shows it. */
export const assigneeView = (conv: { assignedUserId: number | null; assigneeName?: string | null }) =>
  conv.assignedUserId === null ? null : { id: conv.assignedUserId, name: conv.assigneeName ?? null };

/**
 * Checks who a conversation may be given to: a user of the same tenant (else 404, as for any other
 * tenant's row), active and of a role that answers (else 422).
 */
export async function eligibleAssignee(store: Store, companyId: number, userId: number): Promise<User> {
  const user = await store.users.byId(userId);
  if (!user || user.companyId !== companyId) throw new AppError(404, "user_not_found", "No such user in this tenant");
  if (!isAssignable(user, companyId)) throw new AppError(422, "user_not_assignable", "Only active agents, admins and owners take conversations");
  return user;
}

/**
 * Reassigns a conversation with a person, or (null) sends it back to the team queue. Returns
 * whether the assignee changed (assigning to the current holder changes nothing).
 */
export async function reassign(store: Store, conv: Conversation, userId: number | null, at: number): Promise<{ changed: boolean; user: User | null }> {
  if (conv.status !== "human") throw new AppError(409, "not_with_a_person", "Only a conversation handed over to a person is assigned; hand it over first");
  const user = userId === null ? null : await eligibleAssignee(store, conv.companyId, userId);
  if (conv.assignedUserId === userId) return { changed: false, user };
  const changed = await store.conversations.assign(conv.companyId, conv.id, userId, at);
  return { changed, user };
}
