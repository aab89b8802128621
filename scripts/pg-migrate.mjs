#!/usr/bin/env node
// Applies migrations-pg/ to a Postgres database: `DATABASE_URL=postgres://… node scripts/pg-migrate.mjs`.
// Creates the database first when the server has no such database yet. scripts/dev.mjs uses it for
// `DATABASE_URL=… npm start`; a deployment runs it against the database its Hyperdrive config points at.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { passwordHash, platformAdminSql, ROOT, sha256Hex, sqlString, subscriptionSql } from "./local-wrangler.mjs";

const quiet = { onnotice: () => {}, max: 1 };

async function ensureDatabase(url) {
  const probe = postgres(url, quiet);
  try {
    await probe`SELECT 1`;
  } catch (err) {
    if (err?.code !== "3D000") throw err; // anything but "database does not exist"
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    const admin = postgres(Object.assign(new URL(url), { pathname: "/postgres" }).href, quiet);
    try {
      await admin.unsafe(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    } finally {
      await admin.end();
    }
  } finally {
    await probe.end();
  }
}

/** Creates the database if missing, then applies every migration in migrations-pg/ not yet applied. */
export async function migratePostgres(url) {
  await ensureDatabase(url);
  const client = postgres(url, quiet);
  try {
    await migrate(drizzle(client), { migrationsFolder: path.join(ROOT, "migrations-pg") });
  } finally {
    await client.end();
  }
}

/** The demo tenant (its API token, its knowledge) in Postgres, keeping whatever exists, like tenantSeedSql does for D1. */
export async function seedTenantPostgres(
  url,
  { slug, name, phoneNumberId = null, token = null, tokenLabel = slug, knowledge = null, owner = null, platformAdmin = null, plan = null },
) {
  const client = postgres(url, quiet);
  try {
    await client.unsafe(
      `INSERT INTO companies (slug, name, status, time_zone, locale, channel, meta_phone_number_id, channel_settings)
       VALUES (${sqlString(slug)}, ${sqlString(name)}, 'active', 'America/Sao_Paulo', 'pt-BR', 'sandbox', ${phoneNumberId ? sqlString(phoneNumberId) : "NULL"}, '{}')
       ON CONFLICT DO NOTHING`,
    );
    if (token)
      await client.unsafe(
        `INSERT INTO api_tokens (company_id, token_hash, label) SELECT id, ${sqlString(sha256Hex(token))}, ${sqlString(tokenLabel)} FROM companies WHERE slug = ${sqlString(slug)}
         ON CONFLICT DO NOTHING`,
      );
    if (owner)
      await client.unsafe(
        `INSERT INTO users (company_id, email, name, role, password_hash, status)
         SELECT id, ${sqlString(owner.email.toLowerCase())}, ${sqlString(owner.name ?? "Dono")}, 'owner', ${sqlString(passwordHash(owner.password))}, 'active' FROM companies WHERE slug = ${sqlString(slug)}
         ON CONFLICT DO NOTHING`,
      );
    if (platformAdmin) await client.unsafe(platformAdminSql(platformAdmin));
    if (plan) await client.unsafe(subscriptionSql(slug, plan, "INSERT"));
    if (knowledge)
      await client.unsafe(
        `INSERT INTO company_profiles (company_id, profile, updated_at)
         SELECT id, jsonb_build_object('knowledge', ${sqlString(JSON.stringify(knowledge))}::jsonb), ${Date.now()} FROM companies WHERE slug = ${sqlString(slug)}
         ON CONFLICT (company_id) DO UPDATE SET profile = company_profiles.profile || jsonb_build_object('knowledge', EXCLUDED.profile -> 'knowledge')
         WHERE company_profiles.profile -> 'knowledge' IS NULL`,
      );
  } finally {
    await client.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("set DATABASE_URL=postgres://user:password@host:port/database");
    process.exit(2);
  }
  migratePostgres(url).then(
    () => console.log("[pg] migrations-pg/ applied"),
    (err) => {
      console.error(`[pg] ${err?.message ?? err}`);
      process.exit(1);
    },
  );
}
