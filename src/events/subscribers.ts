import { moodSubscriber } from "../feedback/mood";
import { webhookSubscriber } from "../integrations/subscriber";
import type { Subscriber } from "./subscriber";

/** Who reacts to business events: A/B test outcomes, outgoing webhooks. */
export const SUBSCRIBERS: readonly Subscriber[] = [webhookSubscriber, moodSubscriber];
