import { pgStores } from "../support/pg-store";
import { concurrencyContract } from "./concurrency";

// Each racer its own client and connection, as concurrent requests through Hyperdrive would be (max 1: one connection each).
concurrencyContract("Postgres store", pgStores({ max: 1 }));
