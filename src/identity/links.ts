/**
 * Invitation and password-reset links: a random token shown once (to the admin, or posted to the
 * tenant's notify URL, since there is no e-mail channel yet), stored as its hash, used once.
 */
import type { NotifyJob } from "../jobs/notify";
import { sha256Hex } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { hashPassword } from "../lib/password";
import type { Company, Store, User } from "../store/types";
import { readProfile } from "../tenants/profile";
import { randomSecret } from "./tokens";

export type LinkPurpose = "invite" | "reset";
/** An invitation waits a week; a reset link an hour, since whoever holds it takes over the account. */
export const LINK_TTL_MS: Record<LinkPurpose, number> = { invite: 7 * 86_400_000, reset: 3_600_000 };

/** The panel's screen that takes the link: `<origin>/#aceitar?token=…`. */
export const linkUrl = (origin: string, token: string) => `${origin}/#aceitar?token=${encodeURIComponent(token)}`;

/** A new link for the user; returns the token, which exists nowhere else afterwards. */
export async function issueLink(store: Store, userId: number, purpose: LinkPurpose, now: number): Promise<string> {
  const token = randomSecret(32);
  await store.userLinks.create(userId, purpose, await sha256Hex(token), now + LINK_TTL_MS[purpose]);
  return token;
}

/** The tenant's notify URL (the handoff one), where links go while there is no e-mail channel. */
export async function notifyUrlOf(store: Store, company: Company): Promise<string | null> {
  return readProfile(await store.profiles.get(company.id)).handoff.notifyUrl ?? null;
}

/** Queues the link for the notify URL (delivered with retries by the jobs queue, jobs/notify.ts). */
export async function postLink(env: Env, notifyUrl: string, company: Company, user: User, purpose: LinkPurpose, url: string, now: number): Promise<void> {
  const what = purpose === "invite" ? `convite para ${user.name} (${user.email}) entrar no painel` : `link para ${user.name} (${user.email}) criar uma nova senha`;
  const job: NotifyJob = {
    kind: "notify",
    companyId: company.id,
    url: notifyUrl,
    dedupKey: `user-link:${user.id}:${purpose}:${now}`,
    generation: 0,
    body: {
      text: `🔑 ${company.name}: ${what} (válido por ${purpose === "invite" ? "7 dias" : "1 hora"}): ${url}`,
      secretaria: { event: `user.${purpose}`, company: company.slug, user_id: user.id, url },
    },
  };
  await env.JOBS_QUEUE.send(job, { contentType: "json" });
}

/**
 * Uses the link: sets the password, activates the account, clears any lock and ends every other
 * session (a reset means the old password may be known). Returns the user, ready to sign in.
 */
export async function acceptLink(store: Store, token: string, password: string, now: number): Promise<User> {
  const link = await store.userLinks.consume(await sha256Hex(token), now);
  if (!link) throw new AppError(400, "invalid_link", "This link is unknown, already used or expired; ask for a new one");
  const user = await store.users.byId(link.userId);
  if (!user || user.status === "disabled") throw new AppError(403, "account_disabled", "This account is disabled; ask the business's owner");
  const passwordHash = await hashPassword(password);
  const updated = await store.users.update(user.companyId, user.id, { passwordHash, status: "active", failedLogins: 0, lockedUntil: null });
  await store.sessions.revokeAllOf(user.id, now);
  return updated ?? user;
}
