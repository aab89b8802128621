import { defineConfig } from "drizzle-kit";

// The Postgres (Hyperdrive) engine's migrations, generated beside D1's by `npm run db:generate`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/postgres/schema.ts",
  out: "./migrations-pg",
});
