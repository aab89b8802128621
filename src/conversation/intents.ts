/** Keyword intent detection for the template engine and as a cheap signal for the LLM path (pt-BR, en, es). */

export const INTENTS = [
  "greeting",
  "appointment_request",
  "reschedule",
  "cancel",
  "confirm",
  "question",
  "human_request",
  "opt_out",
  "opt_in",
  "thanks",
  "followup_positive",
  "followup_negative",
  "media",
  "unknown",
] as const;

export type Intent = (typeof INTENTS)[number];

export interface IntentContext {
  /** We asked how the visit went and this message is the answer. */
  awaitingFollowup?: boolean;
}

export interface DetectedIntent {
  intent: Intent;
  /** 0–1: how sure the keyword rules are; callers may hand low scores to the LLM. */
  confidence: number;
}

// Whole-message keywords only: a false opt-out silences a customer, so "vou sair mais cedo" must not match.
const OPT_OUT = new Set([
  // pt-BR
  "sair",
  "parar",
  "pare",
  "para",
  "cancelar inscricao",
  "cancelar a inscricao",
  "descadastrar",
  "descadastrar-me",
  "me descadastre",
  "me descadastra",
  "me descadastrar",
  "descadastre",
  "descadastre-me",
  "remover",
  "me remova",
  "remova",
  "remova-me",
  "me tire da lista",
  "sair da lista",
  "nao quero mais receber",
  "nao quero receber mais",
  "nao quero mais receber mensagens",
  "nao quero receber mais mensagens",
  "nao me envie mais mensagens",
  "nao envie mais mensagens",
  "parar de receber",
  "parar mensagens",
  "cancelar mensagens",
  // en
  "stop",
  "stop all",
  "unsubscribe",
  "opt out",
  "optout",
  "opt-out",
  "remove me",
  "stop messages",
  "i don't want to receive more messages",
  "i dont want to receive more messages",
  // es
  "baja",
  "darme de baja",
  "dar de baja",
  "dame de baja",
  "cancelar suscripcion",
  "cancelar mi suscripcion",
  "no quiero recibir mas",
  "no quiero recibir mas mensajes",
  "no quiero mas mensajes",
  "no me envien mas mensajes",
]);

const OPT_IN = new Set([
  "voltar",
  "quero voltar",
  "voltar a receber",
  "quero voltar a receber",
  "iniciar",
  "reativar",
  "start",
  "unstop",
  "subscribe",
  "opt in",
  "optin",
  "opt-in",
  "alta",
  "darme de alta",
  "dar de alta",
  "volver",
  "volver a recibir",
]);

const POLITE = /^(?:por favor|por fa|pfv|pf|please|pls|plz) | (?:por favor|por fa|pfv|pf|please|pls|plz)$/g;

interface Rule {
  intent: Intent;
  confidence: number;
  test: (t: string) => boolean;
}

const anyOf =
  (...res: RegExp[]) =>
  (t: string) =>
    res.some((re) => re.test(t));

const HUMAN = anyOf(
  /\b(?:atendente|humano|humana|operador|operadora)\b/,
  /\b(?:pessoa|alguem) (?:real|de verdade)\b/,
  /\bfalar com (?:a |o |um |uma )?(?:alguem|pessoa|gente|funcionari[oa]|secretaria|recepcao|recepcionista|responsavel|gerente|dono|dona|doutor|doutora|dr|dra)\b/,
  /\b(?:me liga|me ligue|ligar pra mim|ligar para mim)\b/,
  /\b(?:human|real person|live agent|agent|representative|operator|customer service)\b/,
  /\b(?:talk|speak|chat) (?:to|with) (?:a |an |the )?(?:someone|somebody|person|people|staff|manager)\b/,
  /\b(?:persona real|agente|asesor|asesora|una persona|alguien de verdad)\b/,
  /\bhablar con (?:un |una |el |la |alguien)/,
);

const CANCEL = anyOf(
  /\b(?:cancel\w*|desmarc\w*|anul\w*)\b/,
  /\bnao (?:vou|vamos|irei) (?:mais )?(?:poder )?(?:ir|comparecer)\b/,
  /\b(?:can't|cannot|won't be able to) (?:make it|come|attend)\b/,
);

const RESCHEDULE = anyOf(
  /\b(?:remarc\w*|reagend\w*|adiar|adia|antecipar|reprogram\w*|reschedul\w*|postpone)\b/,
  /\b(?:mudar|trocar|alterar) (?:o |a |meu |minha |de )?(?:horario|data|dia|hora|consulta|agendamento|sessao)\b/,
  /\b(?:outro|outra) (?:horario|data|dia)\b/,
  /\b(?:change|move) (?:my |the )?(?:appointment|booking|time|date)\b/,
  /\bcambiar (?:la |mi |el )?(?:cita|hora|fecha|turno|dia)\b/,
  /\b(?:otro dia|otra hora|otra fecha)\b/,
);

const APPOINTMENT = anyOf(
  /\b(?:marcar|agendar|agenda|agendo|agendamento|reservar|reserva)\b/,
  // Not bare "marca" (brand) or "marco" (folded "março").
  /\b(?:me marca|marca (?:pra|para) mim)\b/,
  /\b(?:tem|ha|teria|tens|existe|tiene|hay|tienen) (?:algum |alguma |um |uma )?(?:horario|vaga|hora|turno|cita|disponibilidade|disponibilidad)\b/,
  /\bhorario (?:livre|disponivel|vago)\b/,
  /\b(?:quero|queria|gostaria de|preciso de|preciso) (?:uma |um |de uma |de um )?(?:consulta|horario|sessao|avaliacao|atendimento)\b/,
  /\b(?:book|booking|appointment|schedule an?|available slots?|availability)\b/,
  /\b(?:cita|turno)\b/,
);

// Negated confirmations ("não confirmo") must not count as a yes.
const NEGATED_CONFIRM = /\b(?:nao|no|not|don't|dont)\s+(?:\w+\s+)?confirm/;
const CONFIRM_WORD = /\b(?:confirm\w*|confirmad[oa])\b/;
// Short affirmatives only count when they are (nearly) the whole message: "sim, mas quanto custa?" is a question.
const SHORT_YES =
  /^(?:sim|s|ok|okay|okey|certo|beleza|blz|combinado|fechado|pode ser|com certeza|claro|yes|yep|yeah|sure|si|vale|de acuerdo|perfecto|perfeito|estarei la|vou sim|i'll be there|alli estare)(?: (?:sim|obrigad[oa]|pode|claro|thanks|gracias))?$/;

const FOLLOWUP_NEGATIVE = anyOf(
  /\bnao (?:gostei|curti|amei|fiquei satisfeit[oa])\b/,
  /\bnao (?:foi|estava|achei|ficou) (?:muito )?(?:bom|boa|otimo|otima|legal|bem)\b/,
  // Not bare "demorou": in Rio slang it means "deal!".
  /\b(?:pessim\w*|ruim|horrivel|terrivel|insatisfeit\w*|decepcion\w*|demorou muito|muito demorad[oa]|mal atendid[oa]|nada bom)\b/,
  /\b(?:didn't like|did not like|bad|terrible|awful|disappointed|poor|horrible)\b/,
  /\b(?:no me gusto|malo|mala|pesimo|pesima|horrible|decepcionad[oa])\b/,
);

const FOLLOWUP_POSITIVE = anyOf(
  /\b(?:gostei|adorei|amei|curti|otim[oa]|excelente|maravilh\w*|perfeit[oa]|satisfeit[oa]|recomendo|top|nota (?:10|dez)|muito bom|muito boa|foi bom|foi boa|tudo certo)\b/,
  /\b(?:great|loved|liked it|excellent|amazing|awesome|wonderful|perfect)\b|\bgood\b(?! (?:morning|afternoon|evening|night))/,
  /\b(?:me gusto|me encanto|muy bien|muy bueno|genial|excelente)\b/,
);

const THANKS = /\b(?:obrigad[oa]s?|obg|brigad[oa]|valeu|agradec\w*|grat[oa]|thanks?|thank you|thx|ty|gracias|agradezco)\b/;

const GREETING = anyOf(
  /^(?:oi+|ola|oie|opa|eai|e ai|alo|hello|hi|hey|hola|buenas|salve)\b/,
  /\b(?:bom dia|boa tarde|boa noite|tudo bem|tudo bom|good morning|good afternoon|good evening|buenos dias|buenas tardes|buenas noches)\b/,
);

// Questions about business hours are questions even though they mention "horário".
const QUESTION = anyOf(
  /\?[^\p{L}\p{N}]*$/u,
  /^(?:quanto|quanta|quantos|quantas|qual|quais|onde|como|quando|que horas|que dia|por que|pq|voces|vcs|voce|vc|tem como|aceita|aceitam|atende|atendem|posso|podem|funciona|e possivel)\b/,
  /^(?:what|how|where|when|which|who|why|do you|does|can i|can you|is there|are you|are there)\b/,
  /^(?:cuanto|cuanta|cuantos|cual|cuales|donde|cuando|que hora|por que|tienen|aceptan|puedo)\b/,
);
const BUSINESS_HOURS = /\bhorario (?:de )?(?:atendimento|funcionamento)\b|\bque horas (?:abre|fecha|voces abrem)\b|\bopening hours\b|\bhorario de atencion\b/;

/** Lower-case, accent-free, single-spaced: the form every rule matches against. */
export function foldText(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

/** Letters, digits and apostrophes only, single-spaced: "Sim, obrigado!" → "sim obrigado". */
function wordsOnly(folded: string): string {
  return folded.replace(/[^\p{L}\p{N}']+/gu, " ").trim();
}

/** The whole message reduced to a keyword: outer punctuation/emoji and politeness dropped. */
function keywordForm(folded: string): string {
  return folded
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")
    .replace(POLITE, "")
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}

/**
 * Classify one customer message by keywords (accent- and case-insensitive). Never returns "media":
 * the caller assigns it from the message type.
 * @example detectIntent("quero marcar uma consulta") // { intent: "appointment_request", confidence: 0.85 }
 */
export function detectIntent(text: string, ctx?: IntentContext): DetectedIntent {
  const t = foldText(text);
  if (t === "") return { intent: "unknown", confidence: 0 };

  const kw = keywordForm(t);
  if (OPT_OUT.has(kw)) return { intent: "opt_out", confidence: 0.99 };
  if (OPT_IN.has(kw)) return { intent: "opt_in", confidence: 0.95 };

  // Rules in priority order; the first that matches wins.
  const rules: Rule[] = [
    { intent: "human_request", confidence: 0.9, test: HUMAN },
    { intent: "cancel", confidence: 0.85, test: CANCEL },
    { intent: "reschedule", confidence: 0.85, test: RESCHEDULE },
    { intent: "appointment_request", confidence: 0.85, test: (s) => APPOINTMENT(s) && !BUSINESS_HOURS.test(s) },
    { intent: "confirm", confidence: 0.85, test: (s) => CONFIRM_WORD.test(s) && !NEGATED_CONFIRM.test(s) },
    { intent: "confirm", confidence: 0.7, test: (s) => SHORT_YES.test(wordsOnly(s)) },
  ];
  if (ctx?.awaitingFollowup) {
    // Negative first: "não gostei" contains "gostei", and a complaint must not be read as praise.
    rules.push({ intent: "followup_negative", confidence: 0.8, test: FOLLOWUP_NEGATIVE }, { intent: "followup_positive", confidence: 0.8, test: FOLLOWUP_POSITIVE });
  }
  rules.push(
    { intent: "thanks", confidence: 0.9, test: (s) => THANKS.test(s) },
    { intent: "greeting", confidence: 0.9, test: GREETING },
    { intent: "question", confidence: 0.6, test: QUESTION },
  );
  for (const rule of rules) if (rule.test(t)) return { intent: rule.intent, confidence: rule.confidence };
  return { intent: "unknown", confidence: 0 };
}
