import { pgStores } from "../support/pg-store";
import { assignmentContract } from "./assignment";

// Each racer its own client and connection, as concurrent requests through Hyperdrive would be (max 1: one connection each).
assignmentContract("Postgres store", pgStores({ max: 1 }));
