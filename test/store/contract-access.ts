import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types";
import { sqlRows } from "../support/sql";
import { T0, uid } from "./contract-ids";

/**
 * Integration tokens' lifecycle and the audit log's reading side, on both engines
 * (access.d1.test.ts, access.pg.test.ts). Every call is tried with another tenant's id too.
 */
export function accessContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(name, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    const company = () => store.companies.create({ slug: `access-${uid()}`, name: "Clínica Acesso" });
    async function token(companyId: number, label = "ci", scopes = ["*"]) {
      const hash = `tok-${uid()}`;
      await store.apiTokens.create(companyId, hash, label, { scopes, prefix: `sk_${uid().slice(0, 6)}` });
      const found = await store.apiTokens.byHash(hash);
      if (!found) throw new Error("token not stored");
      return found.token;
    }

    describe("apiTokens: list, byId, revoke, setExpiry", () => {
      it("lists a tenant's tokens newest first, and only its own", async () => {
        const a = await company();
        const b = await company();
        const first = await token(a.id, "first");
        const second = await token(a.id, "second", ["agenda:write"]);
        await token(b.id, "theirs");
        const listed = await store.apiTokens.list(a.id);
        expect(listed.map((t) => t.label)).toEqual(["second", "first"]);
        expect(listed[0]).toMatchObject({ id: second.id, scopes: ["agenda:write"], revokedAt: null, expiresAt: null });
        expect(await store.apiTokens.byId(a.id, first.id)).toEqual(first);
        expect(await store.apiTokens.byId(b.id, first.id)).toBeNull();
      });

      it("revokes once, and not through another tenant", async () => {
        const a = await company();
        const b = await company();
        const t = await token(a.id);
        expect(await store.apiTokens.revoke(b.id, t.id, T0)).toBe(false);
        expect((await store.apiTokens.byId(a.id, t.id))?.revokedAt).toBeNull();
        expect(await store.apiTokens.revoke(a.id, t.id, T0)).toBe(true);
        expect(await store.apiTokens.revoke(a.id, t.id, T0 + 1)).toBe(false);
        expect((await store.apiTokens.byId(a.id, t.id))?.revokedAt).toBe(T0);
      });

      it("moves a live token's expiry, never a revoked one's nor another tenant's", async () => {
        const a = await company();
        const b = await company();
        const t = await token(a.id);
        expect(await store.apiTokens.setExpiry(b.id, t.id, T0)).toBe(false);
        expect(await store.apiTokens.setExpiry(a.id, t.id, T0 + 3_600_000)).toBe(true);
        expect((await store.apiTokens.byId(a.id, t.id))?.expiresAt).toBe(T0 + 3_600_000);
        await store.apiTokens.revoke(a.id, t.id, T0);
        expect(await store.apiTokens.setExpiry(a.id, t.id, null)).toBe(false);
        expect((await store.apiTokens.byId(a.id, t.id))?.expiresAt).toBe(T0 + 3_600_000);
      });
    });

    describe("auditLogs.list", () => {
      async function seeded() {
        const a = await company();
        const b = await company();
        const entry = { userId: 7, actorRole: "admin", ip: "203.0.113.9", correlationId: "req-1" };
        await store.auditLogs.append(a.id, { actor: "user:7", action: "tokens.create", target: "1", detail: { scopes: ["*"] }, ...entry });
        await store.auditLogs.append(a.id, { actor: "token:3", action: "personal_data.read", detail: { what: "conversations", count: 4 } });
        await store.auditLogs.append(a.id, { actor: "user:7", action: "tokens.revoke", target: "1", ...entry });
        await store.auditLogs.append(a.id, { actor: "user:7", action: "tokens_x.other" });
        await store.auditLogs.append(b.id, { actor: "user:7", action: "tokens.create" });
        return { a, b };
      }

      it("reads the tenant's entries newest first with who, what, where", async () => {
        const { a, b } = await seeded();
        const rows = await store.auditLogs.list(a.id, { limit: 10 });
        expect(rows.map((r) => r.action)).toEqual(["tokens_x.other", "tokens.revoke", "personal_data.read", "tokens.create"]);
        expect(rows[3]).toMatchObject({ actor: "user:7", target: "1", detail: { scopes: ["*"] }, userId: 7, actorRole: "admin", ip: "203.0.113.9", correlationId: "req-1" });
        expect(rows[2]).toMatchObject({ target: null, userId: null, actorRole: null, ip: null, correlationId: null, detail: { what: "conversations", count: 4 } });
        expect(typeof rows[0]?.createdAt).toBe("number");
        expect((await store.auditLogs.list(b.id, { limit: 10 })).map((r) => r.action)).toEqual(["tokens.create"]);
      });

      it("filters by action family, actor, time and pages by id", async () => {
        const { a } = await seeded();
        const actions = async (f: Partial<Parameters<Store["auditLogs"]["list"]>[1]>) => (await store.auditLogs.list(a.id, { limit: 10, ...f })).map((r) => r.action);
        // The family is the part before a dot: "tokens" is not a prefix of "tokens_x".
        expect(await actions({ action: "tokens" })).toEqual(["tokens.revoke", "tokens.create"]);
        expect(await actions({ action: "tokens.revoke" })).toEqual(["tokens.revoke"]);
        expect(await actions({ action: "token" })).toEqual([]);
        expect(await actions({ actor: "token:3" })).toEqual(["personal_data.read"]);
        const all = await store.auditLogs.list(a.id, { limit: 2 });
        expect(all.map((r) => r.action)).toEqual(["tokens_x.other", "tokens.revoke"]);
        expect(await actions({ before: all[1]?.id, limit: 2 })).toEqual(["personal_data.read", "tokens.create"]);
        // Times: move one entry back a day by SQL, then ask for windows around it.
        const [oldest] = await store.auditLogs.list(a.id, { limit: 1, action: "personal_data" });
        await sqlRows("UPDATE audit_logs SET created_at = ? WHERE id = ?", T0, oldest?.id);
        expect(await actions({ to: T0 + 1 })).toEqual(["personal_data.read"]);
        expect(await actions({ from: T0 + 1, action: "personal_data" })).toEqual([]);
        expect(await actions({ from: T0, to: T0 + 1 })).toEqual(["personal_data.read"]);
      });
    });
  });
}
