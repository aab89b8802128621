import { exports } from "cloudflare:workers";
import { hashPassword } from "../../src/lib/password";
import type { Company, User } from "../../src/store/types";
import type { Role } from "../../src/tenants/roles";
import { store } from "./helpers";

export const PASSWORD = "senha-de-teste-2026";
/** One PBKDF2 run per file, not per user: 100,000 iterations cost real time in workerd. */
let hashed: Promise<string> | undefined;

/** An active user of the tenant (or of the platform, company null) who can sign in with PASSWORD. */
export async function seedUser(company: Company | null, role: Role, email = `${role}-${crypto.randomUUID().slice(0, 8)}@teste.local`): Promise<User> {
  hashed ??= hashPassword(PASSWORD);
  const user = await store().users.create({ companyId: company?.id ?? null, email, name: `Pessoa ${role}`, role, passwordHash: await hashed, status: "active" });
  if (!user) throw new Error(`could not seed ${email}`);
  return user;
}

/** A browser's cookie jar, just enough for the session cookies (name=value, replaced or cleared by Set-Cookie). */
export class Jar {
  readonly cookies = new Map<string, string>();
  /** The Set-Cookie lines of the last answer, as sent (for asserting their flags). */
  lastSet: string[] = [];
  take(res: Response): Response {
    this.lastSet = res.headers.getSetCookie();
    for (const line of this.lastSet) {
      const [pair = ""] = line.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
  get csrf(): string {
    return this.cookies.get("__Host-secretaria-csrf") ?? "";
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** A request as the panel makes it: cookies, the CSRF header on writes, JSON. */
export async function browserFetch(jar: Jar, path: string, init: RequestInit & { csrf?: string | null; tenant?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (jar.cookies.size) headers.set("cookie", jar.header());
  const method = init.method ?? "GET";
  const csrf = init.csrf === undefined ? jar.csrf : init.csrf;
  if (method !== "GET" && csrf !== null) headers.set("x-csrf-token", csrf);
  if (init.tenant) headers.set("x-tenant", init.tenant);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  return jar.take(await exports.default.fetch(`https://panel.test${path}`, { ...init, headers }));
}

/** Signs in; the jar holds the session afterwards. `ip` keeps tests off each other's per-IP budget. */
export async function signIn(email: string, password = PASSWORD, ip = `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) {
  const jar = new Jar();
  const res = await browserFetch(jar, "/api/auth/login", { method: "POST", body: JSON.stringify({ email, password }), headers: { "cf-connecting-ip": ip }, csrf: null });
  return { jar, res, body: (await res.clone().json()) as Record<string, unknown> };
}

export const codeOf = async (res: Response) => ((await res.json()) as { error?: { code: string } }).error?.code;
