import { pgStores } from "../support/pg-store";
import { waTemplatesContract } from "./wa-templates-contract";

waTemplatesContract("Postgres store", pgStores());
