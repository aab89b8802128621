import type { Role } from "../../tenants/roles";
import type { Company } from "./tenants";

/** A person who signs in. Platform admins have companyId null. */
export interface User {
  id: number;
  companyId: number | null;
  email: string;
  name: string;
  role: Role;
  status: "invited" | "active" | "disabled";
  available: boolean;
  lastAssignedAt: number | null;
  lastLoginAt: number | null;
  failedLogins: number;
  lockedUntil: number | null;
  createdAt: number;
}

export interface NewUser {
  companyId: number | null;
  email: string;
  name: string;
  role: Role;
  passwordHash?: string | null;
  status?: User["status"];
}

export type UserPatch = Partial<Pick<User, "name" | "role" | "status" | "available" | "failedLogins" | "lockedUntil" | "lastLoginAt" | "lastAssignedAt">> & {
  passwordHash?: string | null;
};

export interface Session {
  id: string;
  userId: number;
  companyId: number | null;
  expiresAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
}

/** Users, their sessions and one-time links. Every tenant-facing read takes the company (null: the platform's own). */
export interface UserStore {
  users: {
    /** The e-mail is unique platform-wide (users_email_uq): a duplicate is null, never a second account. */
    create(u: NewUser): Promise<User | null>;
    byId(id: number): Promise<User | null>;
    /** For sign-in only: the one read that returns the password hash. */
    byEmailForLogin(email: string): Promise<{ user: User; passwordHash: string | null } | null>;
    list(companyId: number): Promise<User[]>;
    count(companyId: number): Promise<number>;
    /** Users per tenant for many tenants (the platform's tenant list); tenants without users are absent. */
    countMany(companyIds: number[]): Promise<Map<number, number>>;
    /** Changes a user of that tenant (null: a platform admin); null when there is no such user there. */
    update(companyId: number | null, id: number, patch: UserPatch): Promise<User | null>;
    /** One failed sign-in, counted atomically (two wrong passwords at once count twice); returns the new count. */
    loginFailed(id: number): Promise<number>;
  };
  sessions: {
    create(s: { id: string; userId: number; companyId: number | null; refreshHash: string; expiresAt: number; ip?: string | null; userAgent?: string | null }): Promise<void>;
    byId(id: string): Promise<Session | null>;
    byRefreshHash(hash: string): Promise<Session | null>;
    /**
     * Swaps the refresh token (the old one stops working) and extends the session, only while `fromHash`
     * is still the current one: of two refreshes racing with one token, one wins and the other gets false.
     */
    rotate(id: string, fromHash: string, toHash: string, expiresAt: number, at: number): Promise<boolean>;
    /** The one read behind every cookie-authenticated request: the session, its user and the user's company (null: platform). */
    active(id: string): Promise<{ session: Session; user: User; company: Company | null } | null>;
    revoke(id: string, at: number): Promise<void>;
    /** Every session of a user (password change, disabled account, role change). */
    revokeAllOf(userId: number, at: number): Promise<number>;
  };
  userLinks: {
    create(userId: number, purpose: "invite" | "reset", tokenHash: string, expiresAt: number): Promise<void>;
    /** Marks the link used and returns whose it was; null when unknown, used or expired. */
    consume(tokenHash: string, at: number): Promise<{ userId: number; purpose: "invite" | "reset" } | null>;
  };
}
