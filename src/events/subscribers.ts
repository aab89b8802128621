import { abOutcomes } from "../experiments/subscriber";
import { moodSubscriber } from "../feedback/mood";
import { webhookSubscriber } from "../integrations/subscriber";
import type { Subscriber } from "./subscriber";

/** Who reacts to business events: outgoing webhooks, the contact's mood for the reply tone, A/B test outcomes. */
export const SUBSCRIBERS: readonly Subscriber[] = [webhookSubscriber, moodSubscriber, abOutcomes];
