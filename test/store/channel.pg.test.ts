import { pgStores } from "../support/pg-store";
import { channelContract } from "./channel-contract";

channelContract("Postgres store", pgStores());
