/**
 * The access matrix, over every admin route the Worker serves (read from `app.routes`, so a new route
 * is in it the day it lands): each route names what it needs; each role gets exactly what
 * tenants/roles.ts grants, through the route's own check; another tenant's caller gets 403/404 on
 * every route, never a row, and nothing it touched has changed when read back.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { permissionOf, routeDocOf } from "../../src/http/openapi/meta";
import { sha256Hex } from "../../src/lib/crypto";
import type { Company } from "../../src/store/types";
import { permissionsOf, roleCan, scopesAllow, TENANT_ROLES } from "../../src/tenants/roles";
import { seedCompany, store } from "../support/helpers";
import { browserFetch, type Jar, seedUser, signIn } from "../support/sessions";

interface ApiRoute {
  method: string;
  path: string;
  permission: ReturnType<typeof permissionOf>;
  signedIn: boolean;
}

/** Every documented /api route with its permission (middleware and undocumented routes skipped). */
function apiRoutes(): ApiRoute[] {
  const out = new Map<string, ApiRoute>();
  for (const r of app.routes) {
    const doc = routeDocOf(r.handler);
    if (doc?.kind !== "operation" || !r.path.startsWith("/api/") || doc.operation.auth === "public") continue;
    out.set(`${r.method} ${r.path}`, { method: r.method, path: r.path, permission: permissionOf(doc.operation, r.method), signedIn: doc.operation.permission === "signed-in" });
  }
  return [...out.values()];
}

const UNKNOWN_ID = "2147483647";
/** A concrete path: ids are given (or a well-formed id nobody has), the tenant is the one acting. */
function concrete(path: string, slug: string, ids: Record<string, number> = {}): string {
  const kind = Object.keys(ids).find((prefix) => path.startsWith(prefix));
  return path
    .replace(":tenant", slug)
    .replace(":id", kind ? String(ids[kind]) : UNKNOWN_ID)
    .replace(":section", "tone")
    .replace(/:[a-z_]+(\{[^}]*\})?/gi, "x");
}

/** Valid bodies where an empty one would stop at validation before the route looks the id up. */
const BODIES: Record<string, unknown> = {
  "POST /api/conversations/:id/messages": { text: "oi" },
  "POST /api/conversations/:id/assign": { user_id: null },
  "POST /api/agenda/appointments/:id/reschedule": { start: new Date(Date.now() + 5 * 86_400_000).toISOString() },
  "POST /api/abtests/:id/winner": { variant: "a" },
};

/** An integration token, or a person's signed-in browser (cookies + CSRF header). */
type Credential = string | Jar;

async function call(route: ApiRoute, who: Credential, path: string, headers: Record<string, string> = {}) {
  const init: RequestInit = { method: route.method, headers: { "content-type": "application/json", ...headers } };
  if (route.method !== "GET" && route.method !== "HEAD") init.body = JSON.stringify(BODIES[`${route.method} ${route.path}`] ?? {});
  const res =
    typeof who === "string"
      ? await exports.default.fetch(`http://localhost${path}`, { ...init, headers: { ...headers, "content-type": "application/json", authorization: `Bearer ${who}` } })
      : await browserFetch(who, path, init);
  const text = await res.text();
  let code = "";
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? "";
  } catch {}
  return { status: res.status, code, text };
}

async function tokenFor(company: Company, scopes: string[]): Promise<string> {
  const token = `matrix-${company.slug}-${scopes.join("-").replace(/[^a-z*]+/g, "")}-${crypto.randomUUID()}`;
  await store().apiTokens.create(company.id, await sha256Hex(token), `matrix ${scopes.join(" ")}`, { scopes });
  return token;
}

describe("the role matrix", () => {
  it("names a permission on every admin route (or says any signed-in caller may call it)", () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => !r.permission && !r.signedIn).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it("lets an owner do everything in the tenant, an admin all but billing changes, an agent conversations and agenda, a viewer only read", () => {
    expect(roleCan("owner", "billing:write")).toBe(true);
    expect(roleCan("admin", "billing:write")).toBe(false);
    expect(roleCan("admin", "users:write")).toBe(true);
    expect(roleCan("agent", "conversations:write") && roleCan("agent", "agenda:write")).toBe(true);
    expect(roleCan("agent", "config:write") || roleCan("agent", "users:read") || roleCan("agent", "tokens:read")).toBe(false);
    expect(permissionsOf("viewer").every((p) => p.endsWith(":read"))).toBe(true);
    for (const role of TENANT_ROLES) expect(roleCan(role, "tenants:read")).toBe(false);
    expect(roleCan("platform", "tenants:write")).toBe(true);
  });

  it("reads token scopes: write implies read, resource wildcards, nothing for webhooks:none, never the platform's resources", () => {
    expect(scopesAllow(["agenda:write"], "agenda:read")).toBe(true);
    expect(scopesAllow(["agenda:read"], "agenda:write")).toBe(false);
    expect(scopesAllow(["conversations:*"], "conversations:write")).toBe(true);
    expect(scopesAllow(["webhooks:none"], "conversations:read")).toBe(false);
    expect(scopesAllow(["*"], "tenants:write")).toBe(false);
    expect(scopesAllow([], "config:read")).toBe(false);
  });

  describe("route by route, for each tenant role: a signed-in person of that role, and a token holding exactly its permissions", () => {
    let company: Company;
    const callers = new Map<string, Credential>();
    beforeAll(async () => {
      company = await seedCompany({ slug: "matrix-roles" });
      for (const role of TENANT_ROLES) {
        callers.set(`${role} token`, await tokenFor(company, permissionsOf(role)));
        await seedUser(company, role, `${role}@matrix-roles.test`);
        callers.set(`${role} session`, (await signIn(`${role}@matrix-roles.test`)).jar);
      }
    });

    for (const [role, how] of TENANT_ROLES.flatMap((r) => [[r, "token"] as const, [r, "session"] as const])) {
      it(`${role} (${how}): forbidden exactly where the matrix says, and never a 500`, async () => {
        const wrong: string[] = [];
        for (const route of apiRoutes()) {
          const r = await call(route, callers.get(`${role} ${how}`) ?? "", concrete(route.path, company.slug));
          const allowed = !route.permission || roleCan(role, route.permission);
          const refused = r.status === 403 && r.code === "forbidden_role";
          // Allowed is not merely "not forbidden": the caller must have been recognised (no 401) as well.
          if (allowed === refused || r.status >= 500 || r.status === 401)
            wrong.push(`${route.method} ${route.path} → ${r.status} ${r.code} (${route.permission}, allowed: ${allowed})`);
        }
        expect(wrong).toEqual([]);
      });
    }
  });
});

describe("another tenant's caller, on every admin route", () => {
  let a: Company;
  let bToken: string;
  let bSession: Jar;
  let aToken: string;
  const ids: Record<string, number> = {};
  const secret = { name: "Maria Sigilosa", phone: "5511988887777", body: "meu exame deu positivo" };

  beforeAll(async () => {
    a = await seedCompany({ slug: "matrix-a" });
    const b = await seedCompany({ slug: "matrix-b" });
    aToken = await tokenFor(a, ["*"]);
    bToken = await tokenFor(b, ["*"]);
    await seedUser(b, "owner", "owner@matrix-b.test");
    bSession = (await signIn("owner@matrix-b.test")).jar;
    const s = store();
    const contact = await s.contacts.upsertInbound(a.id, { phone: secret.phone, name: secret.name, at: Date.now() });
    const conversation = await s.conversations.open(a.id, contact.id, Date.now());
    await s.messages.insertInbound(a.id, {
      conversationId: conversation.id,
      contactId: contact.id,
      channel: "sandbox",
      providerMessageId: `wamid.matrix-${crypto.randomUUID()}`,
      type: "text",
      body: secret.body,
      unanswered: null,
      correlationId: "matrix",
      providerTimestamp: Date.now(),
    });
    const start = Date.now() + 3 * 86_400_000;
    const { appointment } = await s.appointments.create(a.id, {
      contactId: contact.id,
      provider: "builtin",
      bookingUid: `matrix-${crypto.randomUUID()}`,
      startsAt: start,
      endsAt: start + 1_800_000,
      source: "api",
      bookedAt: Date.now(),
    });
    await s.deadLetters.insert(a.id, { queue: "secretaria-outbound", payload: { secret: secret.body }, reason: "matrix", attempts: 1, dedupKey: "matrix-dl" });
    const [dl] = await s.deadLetters.list(a.id, { pendingOnly: true, limit: 1 });
    const aOwner = await seedUser(a, "owner", "owner@matrix-a.test");
    Object.assign(ids, {
      "/api/users/": aOwner.id,
      "/api/conversations/": conversation.id,
      "/api/contacts/": contact.id,
      "/api/agenda/appointments/": appointment.id,
      "/api/agenda/followups/": appointment.id,
      "/api/dead-letters/": dl?.id ?? 0,
    });
  });

  /** What B might have changed in A, read back through A's own token and the store. */
  async function stateOfA() {
    const s = store();
    const [user, conversation, contact, appointment, deadLetter, profile, messages] = await Promise.all([
      s.users.byId(ids["/api/users/"] ?? 0),
      s.conversations.byId(a.id, ids["/api/conversations/"] ?? 0),
      s.contacts.byId(a.id, ids["/api/contacts/"] ?? 0),
      s.appointments.byId(a.id, ids["/api/agenda/appointments/"] ?? 0),
      s.deadLetters.byId(a.id, ids["/api/dead-letters/"] ?? 0),
      s.profiles.get(a.id),
      exports.default.fetch(`http://localhost/api/conversations/${ids["/api/conversations/"]}`, { headers: { authorization: `Bearer ${aToken}` } }).then((r) => r.json()),
    ]);
    return { user, conversation, contact, appointment, deadLetter, profile, messages };
  }

  it("is refused with 403/404 everywhere, sees none of A's data, and changes nothing", async () => {
    const before = await stateOfA();
    expect(JSON.stringify(before.messages)).toContain(secret.body);
    const leaks: string[] = [];
    for (const route of apiRoutes()) {
      // B's token and B's owner session, naming A, and on A's ids (no x-tenant): all must fail.
      for (const [how, path, headers, who] of [
        ["token, x-tenant A", concrete(route.path, a.slug, ids), { "x-tenant": a.slug }, bToken],
        ["token, A's ids", concrete(route.path, a.slug, ids), {}, bToken],
        ["session, x-tenant A", concrete(route.path, a.slug, ids), { "x-tenant": a.slug }, bSession],
        ["session, A's ids", concrete(route.path, a.slug, ids), {}, bSession],
      ] as const) {
        const r = await call(route, who, path, headers);
        const visible = [secret.name, secret.phone, secret.body].some((x) => r.text.includes(x));
        const refused = r.status === 403 || r.status === 404;
        // Routes with no id in the path act on B itself when no x-tenant is sent: those may answer, with B's data only.
        const actsOnB = how.endsWith("A's ids") && !/:(id|tenant)/.test(route.path);
        if (visible || r.status >= 500 || (!refused && !actsOnB)) leaks.push(`${how}: ${route.method} ${path} → ${r.status} ${r.code}${visible ? " LEAKED A's data" : ""}`);
      }
    }
    expect(leaks).toEqual([]);
    const after = await stateOfA();
    expect(after).toEqual(before);
  });

  it("cannot reach the platform's routes with a tenant token", async () => {
    const res = await exports.default.fetch("http://localhost/api/me", { headers: { authorization: `Bearer ${bToken}`, "x-tenant": a.slug } });
    expect(res.status).toBe(403);
    expect(env.ADMIN_TOKEN).not.toBe(bToken);
  });
});
