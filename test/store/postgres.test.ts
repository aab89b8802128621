import { pgStores } from "../support/pg-store";
import { storeContract } from "./contract";

// Runs in the Postgres vitest project (vitest.pg.config.ts), where HYPERDRIVE points at secretaria_test.
storeContract("Postgres store", pgStores());
