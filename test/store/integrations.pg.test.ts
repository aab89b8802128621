import { pgStores } from "../support/pg-store";
import { integrationsContract } from "./integrations-contract";

integrationsContract("Postgres store", pgStores());
