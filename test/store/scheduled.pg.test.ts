import { pgStores } from "../support/pg-store";
import { scheduledContract } from "./scheduled-contract";

scheduledContract("Postgres store", pgStores());
