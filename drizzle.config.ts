import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: [
    "./src/store/schema/tenants.ts",
    "./src/store/schema/messaging.ts",
    "./src/store/schema/agenda.ts",
    "./src/store/schema/scheduling.ts",
    "./src/store/schema/saas.ts",
    "./src/store/schema/jobs.ts",
    "./src/store/schema/campaigns.ts",
    "./src/store/schema/business.ts",
  ],
  out: "./migrations",
});
