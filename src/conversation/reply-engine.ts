import type { ContextEntry } from "../../durable-objects/tenant";
import type { Intent } from "./intents";
import { renderReply, resolveLocale } from "./templates";

export interface ReplyInput {
  businessName: string;
  locale: string;
  contactName?: string;
  /** The turn's answerable messages, joined in arrival order. */
  text: string;
  intent: Intent;
  /** Recent turns of this contact (short context from the tenant's Durable Object). */
  context: ContextEntry[];
}

export interface Reply {
  text: string;
  source: "template" | "llm";
}

/**
 * The seam where the LLM layer plugs in: the pipeline asks an engine for a reply and does not care
 * which one answered. Templates are the embedded default and the fallback of every other engine.
 */
export interface ReplyEngine {
  reply(input: ReplyInput): Promise<Reply>;
}

export const templateEngine: ReplyEngine = {
  async reply(input) {
    return { text: renderReply(input.intent, resolveLocale(input.locale), { businessName: input.businessName, contactName: input.contactName }), source: "template" };
  },
};
