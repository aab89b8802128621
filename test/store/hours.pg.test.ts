import { pgStores } from "../support/pg-store";
import { hoursContract } from "./hours-contract";

hoursContract("Postgres store", pgStores());
