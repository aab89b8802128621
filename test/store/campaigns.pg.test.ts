import { pgStores } from "../support/pg-store";
import { campaignsContract } from "./campaigns-contract";

campaignsContract("Postgres store", pgStores());
