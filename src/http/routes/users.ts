import { Hono, type Context } from "hono";
import { issueLink, LINK_TTL_MS, type LinkPurpose, linkUrl, notifyUrlOf, postLink } from "../../identity/links";
import { assertKeepsAnOwner, assertMayTouchOwners, assertUserQuota, userView } from "../../identity/members";
import { AppError } from "../../lib/errors";
import * as z from "../../lib/zod";
import type { Company, User } from "../../store/types";
import { TENANT_ROLES } from "../../tenants/roles";
import { audit, callerCompany, requireCaller } from "../auth";
import { describer } from "../openapi/meta";
import { jsonBody, pathId } from "../openapi/validate";
import type { AppEnv, Caller } from "../types";

/** A tenant's people and their roles: invitations, role changes, disabling, reset links. */
export const users = new Hono<AppEnv>();
users.use("/api/users", requireCaller);
users.use("/api/users/*", requireCaller);
const doc = describer({ tag: "Users", auth: "admin", resource: "users" });

const Role = z.enum(TENANT_ROLES);
const Invite = z.strictObject({ email: z.email().max(254), name: z.string().trim().min(1).max(120), role: Role });
const Patch = z.strictObject({ name: z.string().trim().min(1).max(120).optional(), role: Role.optional(), status: z.enum(["active", "disabled"]).optional() });
const userId = pathId("User");

/** An owner, a token (it acts as the owner) or the platform may touch owners; an admin may not. */
const managesOwners = (caller: Caller) => caller.kind === "platform" || caller.role === "owner";

/** A fresh link, shown once in the answer and posted to the notify URL when the tenant has one. */
async function linkFor(c: Context<AppEnv>, company: Company, user: User, purpose: LinkPurpose) {
  const now = Date.now();
  const store = c.get("store");
  const url = linkUrl(new URL(c.req.url).origin, await issueLink(store, user.id, purpose, now));
  const notifyUrl = await notifyUrlOf(store, company);
  if (notifyUrl) await postLink(c.env, notifyUrl, company, user, purpose, url, now);
  c.header("cache-control", "no-store");
  return { url, expires_at: new Date(now + LINK_TTL_MS[purpose]).toISOString(), notified: notifyUrl !== null };
}

async function target(c: Context<AppEnv>, company: Company, id: number): Promise<User> {
  // Through update with no change: the same tenant-filtered read every write uses.
  const user = await c.get("store").users.update(company.id, id, {});
  if (!user) throw new AppError(404, "user_not_found", "No such user in this tenant");
  return user;
}

users.get(
  "/api/users",
  doc({ summary: "The tenant's users and their roles", responses: { 200: { description: "`{users: [{id, email, name, role, status, locked, last_login_at, created_at}]}`" } } }),
  async (c) => {
    const company = callerCompany(c.get("caller"));
    return c.json({ users: (await c.get("store").users.list(company.id)).map((u) => userView(u)) });
  },
);

users.post(
  "/api/users",
  doc({
    summary: "Invite a user: the one-time link (…/#aceitar?token=…) is in the answer, shown once",
    responses: { 201: { description: "`{user, invitation: {url, expires_at, notified}}`" } },
    errors: { 403: "`owner_only`: only an owner invites owners", 409: "`email_taken`: that e-mail already has an account" },
  }),
  jsonBody(Invite),
  async (c) => {
    const caller = c.get("caller");
    const company = callerCompany(caller);
    const body = c.req.valid("json");
    assertMayTouchOwners(managesOwners(caller), [body.role]);
    await assertUserQuota(c.get("store"), company);
    const user = await c.get("store").users.create({ companyId: company.id, email: body.email, name: body.name, role: body.role, status: "invited" });
    if (!user) throw new AppError(409, "email_taken", "That e-mail already has an account");
    const invitation = await linkFor(c, company, user, "invite");
    await audit(c, company.id, { action: "user.invite", target: `user:${user.id}`, detail: { role: user.role, notified: invitation.notified } });
    return c.json({ user: userView(user), invitation }, 201);
  },
);

users.patch(
  "/api/users/:id",
  doc({
    summary: "Rename, change the role of, disable or enable a user (disabling signs them out at once)",
    responses: { 200: { description: "`{user}`" } },
    errors: { 403: "`owner_only`: only an owner makes or changes owners", 404: "`user_not_found`", 409: "`last_owner`: the tenant's last active owner" },
  }),
  userId,
  jsonBody(Patch),
  async (c) => {
    const caller = c.get("caller");
    const company = callerCompany(caller);
    const patch = c.req.valid("json");
    const store = c.get("store");
    const before = await target(c, company, c.req.valid("param").id);
    assertMayTouchOwners(managesOwners(caller), [before.role, patch.role]);
    // An invited user becomes active by accepting the link, not by a switch.
    const status = patch.status === "active" && before.status === "invited" ? undefined : patch.status;
    assertKeepsAnOwner(await store.users.list(company.id), before, { role: patch.role, status });
    const changes = Object.fromEntries(Object.entries({ name: patch.name, role: patch.role, status }).filter(([, v]) => v !== undefined));
    const user = await store.users.update(company.id, before.id, changes);
    if (!user) throw new AppError(404, "user_not_found", "No such user in this tenant");
    const revoked = status === "disabled" ? await store.sessions.revokeAllOf(user.id, Date.now()) : 0;
    await audit(c, company.id, {
      action: "user.update",
      target: `user:${user.id}`,
      detail: { from: { role: before.role, status: before.status }, to: { role: user.role, status: user.status }, sessions_revoked: revoked },
    });
    return c.json({ user: userView(user) });
  },
);

users.post(
  "/api/users/:id/reset",
  doc({
    summary: "A password reset link for a user, shown once (and posted to the notify URL if set)",
    responses: { 201: { description: "`{reset: {url, expires_at, notified}}`" } },
    errors: { 403: "`owner_only`: only an owner resets an owner", 404: "`user_not_found`", 409: "`user_disabled`" },
  }),
  userId,
  async (c) => {
    const caller = c.get("caller");
    const company = callerCompany(caller);
    const user = await target(c, company, c.req.valid("param").id);
    assertMayTouchOwners(managesOwners(caller), [user.role]);
    if (user.status === "disabled") throw new AppError(409, "user_disabled", "Enable the user before sending a reset link");
    const reset = await linkFor(c, company, user, user.status === "invited" ? "invite" : "reset");
    await audit(c, company.id, { action: "user.reset_link", target: `user:${user.id}`, detail: { notified: reset.notified } });
    return c.json({ reset }, 201);
  },
);
