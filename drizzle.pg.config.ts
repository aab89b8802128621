import { defineConfig } from "drizzle-kit";

// The Postgres (Hyperdrive) engine's migrations, generated beside D1's by `npm run db:generate`.
export default defineConfig({
  dialect: "postgresql",
  schema: [
    "./src/store/postgres/schema/tenants.ts",
    "./src/store/postgres/schema/messaging.ts",
    "./src/store/postgres/schema/agenda.ts",
    "./src/store/postgres/schema/scheduling.ts",
    "./src/store/postgres/schema/saas.ts",
    "./src/store/postgres/schema/jobs.ts",
    "./src/store/postgres/schema/campaigns.ts",
    "./src/store/postgres/schema/business.ts",
  ],
  out: "./migrations-pg",
});
