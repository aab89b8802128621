/**
 * Checking an e-mail and password. Unknown e-mail, no password yet and a wrong password all answer
 * the same 401 `invalid_credentials`, after the same PBKDF2 work (a dummy hash stands in for a user
 * who does not exist). Five wrong passwords in a row lock the account for 15 minutes.
 */
import { AppError } from "../lib/errors";
import { verifyPassword } from "../lib/password";
import type { Company, Store, User } from "../store/types";

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60_000;

/** A hash of a password nobody has, at the same iteration count as real ones, so timing matches. */
const DUMMY_HASH = "pbkdf2-sha256$100000$nva0I89jrIo05Q2ZEkbRjA$Mpc0M46rTTmsRuePLhOPxP_kFx-j4RXcT91GenhSZBs";

/** A 429 that says when to come back (the route turns it into Retry-After). */
export class TooManyAttempts extends AppError {
  constructor(readonly retryAfterS: number) {
    super(429, "too_many_attempts", `Too many sign-in attempts; try again in ${retryAfterS} s`);
  }
}

const invalid = () => new AppError(401, "invalid_credentials", "Wrong e-mail or password");

/** The user, once the password is right and the account may sign in; throws the envelope otherwise. */
export async function checkPassword(store: Store, email: string, password: string, now: number): Promise<{ user: User; company: Company | null }> {
  const found = await store.users.byEmailForLogin(email);
  if (!found?.passwordHash) {
    await verifyPassword(password, DUMMY_HASH);
    throw invalid();
  }
  const { user } = found;
  const ok = await verifyPassword(password, found.passwordHash);
  // A locked account refuses even the right password: a guesser learns nothing from the lock's end.
  if (user.lockedUntil !== null && user.lockedUntil > now) throw new TooManyAttempts(Math.ceil((user.lockedUntil - now) / 1000));
  if (!ok) {
    const failed = await store.users.loginFailed(user.id);
    if (failed >= MAX_FAILED_LOGINS) await store.users.update(user.companyId, user.id, { failedLogins: 0, lockedUntil: now + LOCK_MS });
    throw invalid();
  }
  if (user.status !== "active") throw new AppError(401, "account_disabled", "This account is disabled; ask the business's owner");
  const company = user.companyId === null ? null : await store.companies.byId(user.companyId);
  if (company && company.status !== "active") throw new AppError(403, "tenant_suspended", `This tenant is ${company.status}`);
  const signedIn = await store.users.update(user.companyId, user.id, { failedLogins: 0, lockedUntil: null, lastLoginAt: now });
  return { user: signedIn ?? user, company };
}
