/**
 * Provisioning a tenant: company, DO, owner, one-time secrets, subscription, in an order that lets a
 * retry finish what a failed call started. The subscription is written last and marks the tenant
 * complete: the same slug and owner again after it is a replay (200, no secrets, since a secret is
 * shown once); before it, the retry picks up from the first step not done and issues the secrets
 * (the failed call never showed any).
 */
import { randomToken, sha256Hex } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { hashPassword } from "../lib/password";
import { DAY_MS, formatterFor } from "../lib/time-zone";
import * as z from "../lib/zod";
import type { Company, Plan, Store, User } from "../store/types";
import { tenantStub } from "./stubs";

/** Lower-case letters, digits and inner hyphens: it is a host-name label (`<slug>.<PANEL_DOMAIN>`) too. */
export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
/** Labels the platform keeps for itself on PANEL_DOMAIN. */
const RESERVED_SLUGS = new Set(["www", "api", "app", "admin", "panel", "static", "webhooks", "mail"]);
export const isReservedSlug = (slug: string) => RESERVED_SLUGS.has(slug);
export const LOCALES = ["pt-BR", "en", "es"] as const;

export const TRIAL_DAYS = 14;
export const INVITE_DAYS = 7;

export const ProvisionBody = z.strictObject({
  slug: z.string().regex(SLUG, "lower-case letters, digits and inner hyphens, 1–40 characters"),
  name: z.string().trim().min(1).max(120),
  time_zone: z.string().min(1).max(64).default("America/Sao_Paulo"),
  locale: z.enum(LOCALES).default("pt-BR"),
  plan: z.string().min(1).max(32).default("trial"),
  owner: z.strictObject({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(120),
    /** Given: the owner is active with it. Left out: the owner is invited with a one-time link. */
    password: z.string().min(10).max(256).optional(),
  }),
});
export type ProvisionBody = z.infer<typeof ProvisionBody>;

export interface Provisioned {
  created: boolean;
  company: Company;
  owner: User;
  /** Shown once, only when `created`. */
  secrets: { integrationToken: string; tokenPrefix: string; invitation: { url: string; expiresAt: number } | null } | null;
  doSchemaVersion: number;
}

/** 422 `invalid_time_zone` unless the runtime knows the IANA zone. */
export function assertTimeZone(zone: string): void {
  try {
    formatterFor(zone);
  } catch {
    throw new AppError(422, "invalid_time_zone", `"${zone}" is not an IANA time zone`);
  }
}

export async function planOrFail(store: Store, code: string): Promise<Plan> {
  const plan = await store.plans.byCode(code);
  if (!plan) throw new AppError(422, "unknown_plan", `No plan "${code}"; see store.plans (trial, starter, pro, enterprise)`);
  return plan;
}

/** The first period: a 14-day trial for "trial", otherwise one calendar month, from now. */
export function firstPeriod(plan: Plan, now: number): { status: "trialing" | "active"; start: number; end: number } {
  if (plan.code === "trial") return { status: "trialing", start: now, end: now + TRIAL_DAYS * DAY_MS };
  const end = new Date(now);
  end.setUTCMonth(end.getUTCMonth() + 1);
  return { status: "active", start: now, end: end.getTime() };
}

/** `origin`: where the panel answers for this tenant (the invitation link is `<origin>/#aceitar?token=…`). */
export async function provision(env: Env, store: Store, body: ProvisionBody, origin: string, now = Date.now()): Promise<Provisioned> {
  if (isReservedSlug(body.slug)) throw new AppError(422, "reserved_slug", `"${body.slug}" is reserved for the platform`);
  assertTimeZone(body.time_zone);
  const plan = await planOrFail(store, body.plan);
  const email = body.owner.email.toLowerCase();

  let company = await store.companies.bySlug(body.slug);
  let owner = company ? await ownerOf(store, company, email) : null;
  if (company && !owner && (await store.users.count(company.id)) > 0) throw slugTaken(body.slug);
  if (company && owner && (await store.subscriptions.get(company.id)))
    return { created: false, company, owner, secrets: null, doSchemaVersion: (await tenantStub(env, company.id).init(company.id)).schemaVersion };
  // Checked before the company exists, so a taken e-mail leaves nothing behind (users_email_uq is the real guard).
  if (!owner && (await store.users.byEmailForLogin(email))) throw new AppError(409, "email_taken", "This e-mail already has an account");

  if (!company) {
    try {
      company = await store.companies.create({ slug: body.slug, name: body.name, timeZone: body.time_zone, locale: body.locale });
    } catch (err) {
      // Another call created the slug a moment ago: answer as if this one came second.
      if (await store.companies.bySlug(body.slug)) return provision(env, store, body, origin, now);
      throw err;
    }
  }
  const { schemaVersion } = await tenantStub(env, company.id).init(company.id);

  owner ??= await store.users.create({
    companyId: company.id,
    email,
    name: body.owner.name,
    role: "owner",
    passwordHash: body.owner.password ? await hashPassword(body.owner.password) : null,
    status: body.owner.password ? "active" : "invited",
  });
  if (!owner) throw new AppError(409, "email_taken", "This e-mail already has an account");

  const invitation = owner.status === "invited" ? await invite(store, owner, origin, now) : null;
  const integrationToken = randomToken("sct");
  const tokenPrefix = integrationToken.slice(0, 10);
  await store.apiTokens.create(company.id, await sha256Hex(integrationToken), "integration (provisioning)", { scopes: ["*"], prefix: tokenPrefix });

  const period = firstPeriod(plan, now);
  await store.subscriptions.create({
    companyId: company.id,
    planId: plan.id,
    status: period.status,
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
    updatedAt: now,
  });
  return { created: true, company, owner, secrets: { integrationToken, tokenPrefix, invitation }, doSchemaVersion: schemaVersion };
}

const slugTaken = (slug: string) => new AppError(409, "slug_taken", `The slug "${slug}" belongs to another tenant`);

/** The owner with that e-mail in this tenant, if any (a tenant has few users; no lookup by e-mail across tenants here). */
async function ownerOf(store: Store, company: Company, email: string): Promise<User | null> {
  return (await store.users.list(company.id)).find((u) => u.email === email && u.role === "owner") ?? null;
}

async function invite(store: Store, owner: User, origin: string, now: number): Promise<{ url: string; expiresAt: number }> {
  const token = randomToken("inv");
  const expiresAt = now + INVITE_DAYS * DAY_MS;
  await store.userLinks.create(owner.id, "invite", await sha256Hex(token), expiresAt);
  return { url: `${origin}/#aceitar?token=${encodeURIComponent(token)}`, expiresAt };
}
