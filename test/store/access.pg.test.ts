import { pgStores } from "../support/pg-store";
import { accessContract } from "./contract-access";

accessContract("Postgres store: tokens and audit", pgStores());
