/** Template replies: the embedded reply engine (no LLM key needed) and the LLM path's fallback. */

import type { Intent } from "./intents";

export const LOCALES = ["pt-BR", "en", "es"] as const;
export type Locale = (typeof LOCALES)[number];

export interface ReplyVars {
  businessName: string;
  /** WhatsApp profile name; only its first name is used. */
  contactName?: string;
}

/**
 * Reply texts keyed by locale, then intent. Placeholders: {businessName}, {firstName}; {businessName}
 * only inside a [segment] (a tenant may have no name yet) and never after a preposition: "equipe de
 * Clínica Demo" is wrong where the name wants an article ("da"), so the texts say "nossa equipe".
 * A [bracketed segment] disappears when a placeholder inside it is empty, so "Olá[, {firstName}]!"
 * reads "Olá, Maria!" or "Olá!". A new locale is one more entry here (the type makes it complete).
 */
export const REPLY_TEMPLATES: Readonly<Record<Locale, Readonly<Record<Intent, string>>>> = {
  "pt-BR": {
    greeting: "Olá[, {firstName}]! 👋 Aqui é a assistente virtual.[ {businessName} agradece seu contato!] Como posso ajudar você hoje?",
    appointment_request:
      "Claro[, {firstName}]! Recebi seu pedido de agendamento. Me conte qual serviço você deseja e quais dias e períodos são melhores para você, que a nossa equipe confirma o horário por aqui.",
    reschedule: "Sem problema[, {firstName}], vamos remarcar. Me diga quais dias e períodos ficam melhores para você, que a equipe confirma o novo horário por aqui.",
    cancel: "Entendido[, {firstName}]. Recebi seu pedido de cancelamento e a equipe vai confirmar por aqui. Quando quiser marcar uma nova data, é só me chamar.",
    confirm: "Obrigada pela confirmação[, {firstName}]! Sua resposta foi registrada. Se precisar remarcar ou cancelar, é só me avisar por aqui.",
    question: "Boa pergunta[, {firstName}]! Vou confirmar essa informação com a nossa equipe e retorno por aqui assim que possível.",
    human_request: "Claro[, {firstName}]! Vou chamar uma pessoa da equipe para continuar o atendimento. Assim que possível, alguém responde você por aqui.",
    opt_out: "Pronto[, {firstName}]. Você não vai mais receber nossas mensagens. Se mudar de ideia, envie VOLTAR para voltar a receber.",
    opt_in: "Que bom ter você de volta[, {firstName}]! Você voltará a receber nossas mensagens. Para parar a qualquer momento, envie SAIR.",
    thanks: "Eu que agradeço[, {firstName}]! Se precisar de mais alguma coisa, é só chamar.",
    followup_positive: "Que ótimo saber disso[, {firstName}]! Obrigada pelo retorno, ele é muito importante para a nossa equipe. Quando quiser agendar de novo, é só me chamar.",
    followup_negative: "Sinto muito pela sua experiência[, {firstName}]. Obrigada por nos contar; vou repassar seu relato à nossa equipe. Se quiser, conte mais detalhes por aqui.",
    media: "Recebi seu arquivo ou áudio[, {firstName}], obrigada! Se puder, descreva em texto o que você precisa, assim consigo ajudar mais rápido.",
    unknown:
      "Desculpe[, {firstName}], não entendi bem. Posso ajudar você a:\n• marcar, remarcar ou cancelar um horário\n• confirmar um agendamento\n• tirar dúvidas sobre nossos serviços\n• falar com uma pessoa da equipe\nÉ só me dizer o que precisa.",
  },
  en: {
    greeting: "Hi[, {firstName}]! 👋 This is the virtual assistant[ for {businessName}]. How can I help you today?",
    appointment_request:
      "Of course[, {firstName}]! I got your booking request. Tell me which service you need and which days and times work best for you, and our team will confirm the time here.",
    reschedule: "No problem[, {firstName}], let's reschedule. Tell me which days and times work better for you, and the team will confirm the new time here.",
    cancel: "Understood[, {firstName}]. I got your cancellation request and the team will confirm it here. Whenever you want to book a new date, just message me.",
    confirm: "Thanks for confirming[, {firstName}]! Your reply has been recorded. If you need to reschedule or cancel, just let me know here.",
    question: "Good question[, {firstName}]! I'll check that with our team and get back to you here as soon as possible.",
    human_request: "Sure[, {firstName}]! I'm bringing in someone from our team to continue. A person will reply to you here as soon as possible.",
    opt_out: "Done[, {firstName}]. You won't receive any more messages from us. If you change your mind, send START to receive them again.",
    opt_in: "Welcome back[, {firstName}]! You'll receive our messages again. To stop at any time, send STOP.",
    thanks: "You're welcome[, {firstName}]! If you need anything else, just message me.",
    followup_positive: "So glad to hear that[, {firstName}]! Thank you for the feedback, it means a lot to our team. Whenever you want to book again, just message me.",
    followup_negative: "I'm sorry about your experience[, {firstName}]. Thank you for telling us; I'll pass it on to our team. Feel free to share more details here.",
    media: "I received your file or audio[, {firstName}], thank you! If you can, please describe in text what you need so I can help you faster.",
    unknown:
      "Sorry[, {firstName}], I didn't quite get that. I can help you:\n• book, reschedule or cancel an appointment\n• confirm an appointment\n• answer questions about our services\n• talk to a person from the team\nJust tell me what you need.",
  },
  es: {
    greeting: "¡Hola[, {firstName}]! 👋 Soy la asistente virtual.[ {businessName} agradece tu mensaje.] ¿En qué puedo ayudarte hoy?",
    appointment_request:
      "¡Claro[, {firstName}]! Recibí tu solicitud de cita. Cuéntame qué servicio necesitas y qué días y horarios te quedan mejor, y nuestro equipo te confirmará la hora por aquí.",
    reschedule: "Sin problema[, {firstName}], vamos a reprogramar. Dime qué días y horarios te quedan mejor, y el equipo te confirmará la nueva hora por aquí.",
    cancel: "Entendido[, {firstName}]. Recibí tu solicitud de cancelación y el equipo la confirmará por aquí. Cuando quieras agendar una nueva fecha, escríbeme.",
    confirm: "¡Gracias por confirmar[, {firstName}]! Tu respuesta quedó registrada. Si necesitas reprogramar o cancelar, avísame por aquí.",
    question: "¡Buena pregunta[, {firstName}]! Voy a consultarlo con nuestro equipo y te respondo por aquí lo antes posible.",
    human_request: "¡Claro[, {firstName}]! Voy a llamar a una persona de nuestro equipo para continuar la atención. Te responderán por aquí lo antes posible.",
    opt_out: "Listo[, {firstName}]. Ya no recibirás más mensajes nuestros. Si cambias de opinión, envía ALTA para volver a recibirlos.",
    opt_in: "¡Qué bueno tenerte de vuelta[, {firstName}]! Volverás a recibir nuestros mensajes. Para dejar de recibirlos en cualquier momento, envía BAJA.",
    thanks: "¡Gracias a ti[, {firstName}]! Si necesitas algo más, escríbeme.",
    followup_positive: "¡Qué bueno saberlo[, {firstName}]! Gracias por tu opinión, es muy importante para nuestro equipo. Cuando quieras agendar de nuevo, escríbeme.",
    followup_negative: "Lamento mucho tu experiencia[, {firstName}]. Gracias por contárnoslo; se lo haré llegar a nuestro equipo. Si quieres, cuéntame más detalles por aquí.",
    media: "Recibí tu archivo o audio[, {firstName}], ¡gracias! Si puedes, describe por texto lo que necesitas para ayudarte más rápido.",
    unknown:
      "Disculpa[, {firstName}], no entendí bien. Puedo ayudarte a:\n• agendar, reprogramar o cancelar una cita\n• confirmar una cita\n• resolver dudas sobre nuestros servicios\n• hablar con una persona del equipo\nDime qué necesitas.",
  },
};

const HONORIFIC = /^(?:dr|dra|sr|sra|srta|prof|profa|mr|mrs|ms|miss|don|dona)\.?$/i;
const MAX_FIRST_NAME = 30;

/**
 * Map a locale tag from a tenant, contact or Accept-Language header to a supported locale.
 * @example resolveLocale("pt_BR") // "pt-BR"
 */
export function resolveLocale(s: string | null | undefined): Locale {
  const m = /^(pt|en|es)(?:[-_]|$)/i.exec((s ?? "").trim());
  switch (m?.[1]?.toLowerCase()) {
    case "en":
      return "en";
    case "es":
      return "es";
    default:
      return "pt-BR";
  }
}

/**
 * The template reply for one intent; the caller combines replies when a turn has several intents.
 * @example renderReply("greeting", "pt-BR", { businessName: "Clínica Sorriso", contactName: "Maria Silva" })
 * // "Olá, Maria! 👋 Aqui é a assistente virtual. Clínica Sorriso agradece seu contato! Como posso ajudar você hoje?"
 */
export function renderReply(intent: Intent, locale: Locale, vars: ReplyVars): string {
  const values: Record<string, string> = {
    businessName: vars.businessName.trim(),
    firstName: firstName(vars.contactName),
  };
  // One pass, so a business or contact name containing "{...}" or "[...]" is never expanded.
  return REPLY_TEMPLATES[locale][intent].replace(/\[([^[\]]*)\]|\{(\w+)\}/g, (_m, segment?: string, key?: string) => {
    if (key !== undefined) return values[key] ?? "";
    let empty = false;
    const out = (segment ?? "").replace(/\{(\w+)\}/g, (_k, k: string) => {
      const v = values[k] ?? "";
      if (v === "") empty = true;
      return v;
    });
    return empty ? "" : out;
  });
}

/** First usable given name of a WhatsApp profile name: "🌸 dra. MARIA silva" → "Maria"; "" when none. */
export function firstName(contactName: string | undefined): string {
  for (const raw of (contactName ?? "").normalize("NFC").split(/\s+/)) {
    // Emoji, quotes and punctuation around the name are decoration, not part of it.
    const word = raw.replace(/^[^\p{L}]+|[^\p{L}'-]+$/gu, "");
    if (word === "" || HONORIFIC.test(raw.replace(/[^\p{L}.]/gu, ""))) continue;
    // A profile "name" made of digits or symbols (often the phone itself) is not a name.
    if (!/^\p{L}[\p{L}\p{M}'-]*$/u.test(word) || Array.from(word).length > MAX_FIRST_NAME) return "";
    const mixedCase = word !== word.toUpperCase() && word !== word.toLowerCase();
    return mixedCase ? word : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
  }
  return "";
}
