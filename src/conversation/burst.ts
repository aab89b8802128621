/** What a contact's burst of messages asks for: one intent to route the turn, and every request to answer. */
import type { TurnMessage } from "../inbound/messages";
import { detectIntent, type Intent } from "./intents";

const MEDIA_TYPES = new Set(["image", "audio", "video", "document", "sticker"]);
/** Requests that get their own answer when a burst holds several; greetings and "unknown" only stand alone. */
const ANSWERABLE = new Set<Intent>(["question", "thanks", "media", "confirm", "appointment_request", "reschedule", "cancel", "human_request"]);

/** Opt-out and opt-in are whole-message commands, so they are looked for message by message. */
export function turnIntent(messages: Pick<TurnMessage, "text" | "type">[]): Intent {
  for (const m of messages) {
    const { intent } = detectIntent(m.text);
    if (intent === "opt_out" || intent === "opt_in") return intent;
  }
  const text = messages
    .map((m) => m.text)
    .filter(Boolean)
    .join("\n");
  if (!text && messages.some((m) => MEDIA_TYPES.has(m.type))) return "media";
  return detectIntent(text).intent;
}

/**
 * The distinct requests of a burst, in the order they were made ("Onde fica a clínica?" then
 * "Obrigado!" → question, thanks), with thanks last; a lone greeting or unknown is kept only when
 * nothing else was asked. A media message with a caption is answered from its caption.
 */
export function burstIntents(messages: Pick<TurnMessage, "text" | "type">[], main: Intent): Intent[] {
  const seen: Intent[] = [];
  for (const m of messages) {
    const intent = m.text ? detectIntent(m.text).intent : MEDIA_TYPES.has(m.type) ? "media" : "unknown";
    if (!seen.includes(intent)) seen.push(intent);
  }
  const asked = seen.filter((i) => ANSWERABLE.has(i));
  if (asked.length <= 1) return [main];
  return [...asked.filter((i) => i !== "thanks"), ...asked.filter((i) => i === "thanks")];
}
