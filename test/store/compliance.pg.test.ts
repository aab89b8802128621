import { pgStores } from "../support/pg-store";
import { complianceContract } from "./compliance-contract";

complianceContract("Postgres store", pgStores());
