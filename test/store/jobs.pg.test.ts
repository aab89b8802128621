import { pgStores } from "../support/pg-store";
import { jobsContract } from "./jobs-contract";

jobsContract("Postgres store", pgStores());
