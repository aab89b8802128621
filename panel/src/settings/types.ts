/** The shapes of GET /api/config (src/tenants/profile.ts), as the panel reads and writes them. */
export interface Service {
  name: string;
  price?: string;
  durationMinutes?: number;
  description?: string;
}
export interface Knowledge {
  services: Service[];
  hours: string;
  address: string;
  phones: string[];
  faq: { q: string; a: string }[];
  notes: string;
}
export interface Tone {
  formality: "formal" | "neutral" | "casual";
  empathy: number;
  humor: number;
  maxReplyChars: number;
  openingPhrases: string[];
  aiEnabled: boolean;
}
export interface Ai {
  provider: string;
  model: string;
  monthlyTokenLimit: number;
  hasApiKey: boolean;
}
export interface TemplateRef {
  name: string;
  language: string;
  parameters: string[];
}
export interface Handoff {
  keywords: string[];
  notifyUrl?: string;
  slaMinutes: number;
  negativeTurns: number;
  unhandledTurns: number;
}
export interface Config {
  knowledge: Knowledge;
  tone: Tone;
  ai: Ai;
  templates: Partial<Record<string, TemplateRef>>;
  handoff: Handoff;
}

/** Message purposes that can have an approved template (MESSAGE_PURPOSES on the server). */
export const PURPOSES = ["reply", "human", "reminder", "followup", "reactivation", "reschedule", "campaign", "report"] as const;
export const PROVIDERS = ["gemini", "openai", "anthropic", "workers-ai"] as const;
