import type { OutboundPayload } from "../channels/types";
import type { Locale } from "../conversation/templates";

/** What the agenda says to contacts, per locale. `{x}` placeholders are filled by `say`. */
const TEXTS = {
  "pt-BR": {
    offer: "Tenho estes horários disponíveis:\n{options}\nResponda com o número da opção (ou me diga outro dia e horário).",
    offerReschedule: "Vamos remarcar sua consulta de {current}. Tenho estes horários:\n{options}\nResponda com o número da opção.",
    offerFor: "{When}, tenho estes horários:\n{options}\nResponda com o número da opção (ou me diga outro dia e horário).",
    offerRescheduleFor: "Vamos remarcar sua consulta de {current}. {When}, tenho estes horários:\n{options}\nResponda com o número da opção.",
    noSlots: "No momento não encontrei horários livres{when}. Quer que eu procure outro dia? É só me dizer quando fica melhor.",
    booked: "Pronto{name}! Seu horário está marcado para {slot}. Vou te lembrar antes. Se precisar remarcar ou cancelar, é só me avisar.",
    rescheduled: "Feito! Sua consulta foi remarcada para {slot}.",
    cancelled: "Sua consulta de {slot} foi cancelada. Quando quiser marcar de novo, é só me chamar.",
    confirmed: "Obrigada por confirmar! Te esperamos {slot}.",
    nothingToChange: "Não encontrei nenhum agendamento seu em aberto. Quer marcar um horário?",
    slotTaken: "Esse horário acabou de ser ocupado. Vou procurar outras opções para você.",
    reminder: "Olá{name}! Lembrete: sua consulta em {business} é {slot}. Responda 1 para confirmar, REMARCAR para mudar o horário ou CANCELAR para cancelar.",
    noShow: "Sentimos sua falta na consulta de {slot}. Quer remarcar? Responda com o dia e horário que ficam melhores para você.",
    followup: "Olá{name}! Como foi seu atendimento em {business}? Sua opinião nos ajuda muito.",
    followupPositive: "Que bom saber disso! Obrigada pelo retorno. Quando quiser agendar de novo, é só me dizer o dia e horário.",
    followupNegative: "Sentimos muito pela experiência. Vou chamar uma pessoa da equipe para conversar com você.",
    followupFeedback: "Obrigada pelo seu retorno, ele foi registrado e vai para a equipe.",
    riskOffer:
      "Olá{name}! Sua consulta em {business} está marcada para {current}, um horário que costuma ter mais imprevistos. Se ficar melhor, tenho estes horários com mais presença:\n{options}\nResponda com o número da opção para remarcar, ou MANTER para ficar com o horário atual.",
    kept: "Combinado, mantivemos seu horário de {slot}. Te esperamos!",
    keepOption: "Manter o horário atual",
    flowReceived: "Recebemos suas respostas, obrigada! Se precisar de algo mais, é só me chamar.",
  },
  en: {
    offer: "Here are the times I have available:\n{options}\nReply with the option number (or tell me another day and time).",
    offerReschedule: "Let's move your appointment on {current}. These times are free:\n{options}\nReply with the option number.",
    offerFor: "{When}, I have these times:\n{options}\nReply with the option number (or tell me another day and time).",
    offerRescheduleFor: "Let's move your appointment on {current}. {When}, these times are free:\n{options}\nReply with the option number.",
    noSlots: "I couldn't find free times{when} right now. Shall I look at another day? Just tell me what suits you.",
    booked: "All set{name}! You're booked for {slot}. I'll remind you beforehand. If you need to reschedule or cancel, just tell me.",
    rescheduled: "Done! Your appointment is now {slot}.",
    cancelled: "Your appointment on {slot} is cancelled. Whenever you want to book again, just message me.",
    confirmed: "Thanks for confirming! See you {slot}.",
    nothingToChange: "I couldn't find an open appointment for you. Would you like to book one?",
    slotTaken: "That time was just taken. Let me find other options for you.",
    reminder: "Hi{name}! Reminder: your appointment at {business} is {slot}. Reply 1 to confirm, RESCHEDULE to change the time or CANCEL to cancel.",
    noShow: "We missed you at your appointment on {slot}. Would you like to rebook? Tell me the day and time that suit you.",
    followup: "Hi{name}! How was your visit to {business}? Your feedback helps us a lot.",
    followupPositive: "Great to hear! Thanks for the feedback. Whenever you want to book again, just tell me a day and time.",
    followupNegative: "We're very sorry about your experience. I'm bringing in someone from the team to talk with you.",
    followupFeedback: "Thank you for your feedback, it has been passed on to the team.",
    riskOffer:
      "Hi{name}! Your appointment at {business} is {current}, a time that often runs into last-minute trouble. If it suits you better, these times have better attendance:\n{options}\nReply with the option number to move it, or KEEP to stay with your current time.",
    kept: "Great, we kept your appointment on {slot}. See you then!",
    keepOption: "Keep my current time",
    flowReceived: "We got your answers, thank you! If you need anything else, just message me.",
  },
  es: {
    offer: "Tengo estos horarios disponibles:\n{options}\nResponde con el número de la opción (o dime otro día y hora).",
    offerReschedule: "Vamos a cambiar tu cita del {current}. Tengo estos horarios:\n{options}\nResponde con el número de la opción.",
    offerFor: "{When}, tengo estos horarios:\n{options}\nResponde con el número de la opción (o dime otro día y hora).",
    offerRescheduleFor: "Vamos a cambiar tu cita del {current}. {When}, tengo estos horarios:\n{options}\nResponde con el número de la opción.",
    noSlots: "Por ahora no encontré horarios libres{when}. ¿Busco otro día? Dime cuándo te queda mejor.",
    booked: "¡Listo{name}! Tu cita quedó para {slot}. Te lo recordaré antes. Si necesitas cambiarla o cancelarla, avísame.",
    rescheduled: "¡Hecho! Tu cita ahora es {slot}.",
    cancelled: "Tu cita del {slot} fue cancelada. Cuando quieras reservar de nuevo, escríbeme.",
    confirmed: "¡Gracias por confirmar! Te esperamos {slot}.",
    nothingToChange: "No encontré ninguna cita tuya pendiente. ¿Quieres reservar una?",
    slotTaken: "Ese horario acaba de ocuparse. Voy a buscar otras opciones para ti.",
    reminder: "¡Hola{name}! Recordatorio: tu cita en {business} es {slot}. Responde 1 para confirmar, CAMBIAR para otro horario o CANCELAR para cancelar.",
    noShow: "Te echamos de menos en tu cita del {slot}. ¿Quieres reprogramarla? Dime qué día y hora te vienen bien.",
    followup: "¡Hola{name}! ¿Qué tal tu atención en {business}? Tu opinión nos ayuda mucho.",
    followupPositive: "¡Qué bueno! Gracias por tu opinión. Cuando quieras volver a reservar, dime día y hora.",
    followupNegative: "Lamentamos mucho tu experiencia. Voy a llamar a alguien del equipo para hablar contigo.",
    followupFeedback: "Gracias por tu opinión, ya la pasamos al equipo.",
    riskOffer:
      "¡Hola{name}! Tu cita en {business} es {current}, un horario que suele tener más imprevistos. Si te queda mejor, tengo estos horarios con más asistencia:\n{options}\nResponde con el número de la opción para cambiarla, o MANTENER para quedarte con tu horario actual.",
    kept: "Perfecto, mantuvimos tu cita del {slot}. ¡Te esperamos!",
    keepOption: "Mantener mi horario actual",
    flowReceived: "Recibimos tus respuestas, ¡gracias! Si necesitas algo más, escríbeme.",
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type AgendaText = keyof (typeof TEXTS)["pt-BR"];

/** e.g. say("pt-BR", "booked", { name: "Maria", slot: "amanhã às 14:00" }) */
export function say(locale: Locale, key: AgendaText, vars: Record<string, string> = {}): string {
  return fill(builtInText(locale, key), vars);
}

/** The built-in text with its `{x}` placeholders unfilled (what an A/B variant is checked against). */
export const builtInText = (locale: Locale, key: AgendaText): string => TEXTS[locale][key];

/** Fills `{x}` placeholders: a tenant's own text (an A/B variant) the same way as the built-in ones. */
export function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");
}

const LIST_BUTTON = { "pt-BR": "Ver horários", en: "See times", es: "Ver horarios" } as const;
const ROW_TITLE = { "pt-BR": "Opção", en: "Option", es: "Opción" } as const;

/**
 * Slots offered as an interactive list (text on channels without lists). Row ids are "slot:1"…, so
 * a tapped row resolves like a typed "1"; `extra` rows (such as "keep my time") come after them.
 */
export function slotList(locale: Locale, body: string, labels: string[], extra: { id: string; title: string }[] = []): Extract<OutboundPayload, { kind: "list" }> {
  return {
    kind: "list",
    body,
    button: LIST_BUTTON[locale],
    rows: [...labels.map((l, i) => ({ id: `slot:${i + 1}`, title: `${ROW_TITLE[locale]} ${i + 1}`, description: l })), ...extra],
  };
}

/** "1. amanhã às 14:00\n2. …" */
export const numbered = (labels: string[]) => labels.map((l, i) => `${i + 1}. ${l}`).join("\n");

/** ", Maria" or "" — for greetings that read well with and without a name. */
export const commaName = (name: string | null | undefined) => {
  const first = name?.trim().split(/\s+/)[0];
  return first ? `, ${first}` : "";
};
