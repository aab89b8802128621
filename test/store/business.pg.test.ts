import { pgStores } from "../support/pg-store";
import { businessContract } from "./business-contract";

businessContract("Postgres store", pgStores());
