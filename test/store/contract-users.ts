import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types";
import { T0, uid } from "./contract-ids";

/** Users, sessions and one-time links (store/contracts/users.ts), part of the store contract: both engines run it. */
export function usersContract(makeStore: () => Store | Promise<Store>): void {
  describe("users, sessions, links", () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    const company = () => store.companies.create({ slug: `users-${uid()}`, name: "Clínica Usuários" });

    it("one account per e-mail (case-insensitive), tenant-filtered lists and updates, atomic failed-login counts", async () => {
      const a = await company();
      const b = await company();
      const email = `Pessoa.${uid()}@Contrato.test`;
      const user = await store.users.create({ companyId: a.id, email, name: "Pessoa", role: "agent", passwordHash: "h" });
      expect(user).toMatchObject({ companyId: a.id, email: email.toLowerCase(), status: "invited", failedLogins: 0, lockedUntil: null });
      expect(await store.users.create({ companyId: b.id, email: email.toUpperCase(), name: "Outra", role: "owner" })).toBeNull();
      expect(await store.users.byEmailForLogin(email.toUpperCase())).toMatchObject({ user: { id: user?.id }, passwordHash: "h" });
      expect((await store.users.list(a.id)).map((u) => u.id)).toEqual([user?.id]);
      expect(await store.users.list(b.id)).toEqual([]);
      expect(await store.users.count(a.id)).toBe(1);
      const id = user?.id ?? 0;
      // Another tenant cannot change it, nor can the platform's own scope (company null).
      expect(await store.users.update(b.id, id, { role: "owner" })).toBeNull();
      expect(await store.users.update(null, id, { role: "owner" })).toBeNull();
      expect(await store.users.update(a.id, id, { role: "viewer", status: "active" })).toMatchObject({ role: "viewer", status: "active" });
      const counts = await Promise.all([1, 2, 3].map(() => store.users.loginFailed(id)));
      expect(counts.sort()).toEqual([1, 2, 3]);
      expect((await store.users.byId(id))?.failedLogins).toBe(3);
      const platform = await store.users.create({ companyId: null, email: `root.${uid()}@contrato.test`, name: "Root", role: "platform" });
      expect(await store.users.update(null, platform?.id ?? 0, { name: "Raiz" })).toMatchObject({ name: "Raiz", companyId: null });
    });

    it("sessions: one read with the user and company, rotation only from the current refresh hash, revocation", async () => {
      const a = await company();
      const user = await store.users.create({ companyId: a.id, email: `s.${uid()}@contrato.test`, name: "S", role: "owner", status: "active" });
      const userId = user?.id ?? 0;
      const sid = `sid-${uid()}`;
      await store.sessions.create({ id: sid, userId, companyId: a.id, refreshHash: `r1-${sid}`, expiresAt: T0 + 1000, ip: "10.0.0.1" });
      expect(await store.sessions.active(sid)).toMatchObject({ session: { id: sid, userId, revokedAt: null, ip: "10.0.0.1" }, user: { id: userId }, company: { id: a.id } });
      expect(await store.sessions.active("no-such-session")).toBeNull();
      expect(await store.sessions.byRefreshHash(`r1-${sid}`)).toMatchObject({ id: sid });
      // Two refreshes racing with one token: one wins.
      const raced = await Promise.all([store.sessions.rotate(sid, `r1-${sid}`, `r2-${sid}`, T0 + 2000, T0), store.sessions.rotate(sid, `r1-${sid}`, `r3-${sid}`, T0 + 2000, T0)]);
      expect(raced.filter(Boolean)).toHaveLength(1);
      expect(await store.sessions.byRefreshHash(`r1-${sid}`)).toBeNull();
      expect((await store.sessions.byId(sid))?.expiresAt).toBe(T0 + 2000);
      const other = `sid-${uid()}`;
      await store.sessions.create({ id: other, userId, companyId: a.id, refreshHash: `r1-${other}`, expiresAt: T0 + 1000 });
      await store.sessions.revoke(sid, T0 + 5);
      expect((await store.sessions.active(sid))?.session.revokedAt).toBe(T0 + 5);
      // A revoked session cannot be rotated back to life.
      const current = (await store.sessions.byRefreshHash(`r2-${sid}`)) ? `r2-${sid}` : `r3-${sid}`;
      expect(await store.sessions.rotate(sid, current, `r4-${sid}`, T0 + 3000, T0)).toBe(false);
      expect(await store.sessions.revokeAllOf(userId, T0 + 9)).toBe(1);
      expect((await store.sessions.byId(other))?.revokedAt).toBe(T0 + 9);
      // A platform user's session has no company.
      const root = await store.users.create({ companyId: null, email: `r.${uid()}@contrato.test`, name: "R", role: "platform", status: "active" });
      const rsid = `sid-${uid()}`;
      await store.sessions.create({ id: rsid, userId: root?.id ?? 0, companyId: null, refreshHash: `r-${rsid}`, expiresAt: T0 + 1000 });
      expect(await store.sessions.active(rsid)).toMatchObject({ user: { role: "platform" }, company: null });
    });

    it("links are used once, and never after they expire", async () => {
      const a = await company();
      const user = await store.users.create({ companyId: a.id, email: `l.${uid()}@contrato.test`, name: "L", role: "agent" });
      const userId = user?.id ?? 0;
      await store.userLinks.create(userId, "invite", `invite-${uid()}-hash`, T0 + 1000);
      const hash = `reset-${uid()}-hash`;
      await store.userLinks.create(userId, "reset", hash, T0 + 1000);
      const twice = await Promise.all([store.userLinks.consume(hash, T0), store.userLinks.consume(hash, T0)]);
      expect(twice.filter(Boolean)).toEqual([{ userId, purpose: "reset" }]);
      const late = `late-${uid()}-hash`;
      await store.userLinks.create(userId, "invite", late, T0 + 1000);
      expect(await store.userLinks.consume(late, T0 + 1000)).toBeNull();
      expect(await store.userLinks.consume("unknown-hash", T0)).toBeNull();
    });
  });
}
