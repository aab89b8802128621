import { pgStores } from "../support/pg-store";
import { analyticsContract } from "./analytics-contract";

analyticsContract("Postgres store", pgStores());
