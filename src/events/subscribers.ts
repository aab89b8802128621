import { abOutcomes } from "../experiments/subscriber";
import type { Subscriber } from "./types";

/** Who reacts to business events: A/B test outcomes, outgoing webhooks. */
export const SUBSCRIBERS: readonly Subscriber[] = [abOutcomes];
