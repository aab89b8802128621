/**
 * The input rules of the prompt-injection guard (guard.ts): regular expressions over the folded "words
 * view" of a message, in pt-BR, en and es, each naming its rule and severity. Word lists are written
 * one alternative group per line, as they are read and reviewed, so the formatter leaves this file alone
 * (biome.jsonc).
 */

export type InputRule = "override" | "prompt_exfiltration" | "secret_request" | "role_markers" | "other_customer_data";

// ---------------------------------------------------------------------------------------------------------
// Input rules. Patterns run on the words view unless `on` says otherwise; `\b` is safe there (ASCII after folding).

export type Severity = "suspicious" | "blocked";
export interface Pattern {
  rule: InputRule;
  severity: Severity;
  re: RegExp;
  on?: "words" | "lines" | "raw";
}

const alt = (...words: string[]) => `(?:${words.join("|")})`;
const fill = (...words: string[]) => `(?:${alt(...words)} )*`;

// The object of an instruction must be the assistant's (possessive or qualified): "posso ignorar as orientações
// do médico?" and "ignore my previous message" are customers talking about their own visit or messages.
const PT_IGNORE = alt(
  "ignore", "ignora", "ignorar", "ignorem", "esqueca", "esquece", "esquecer", "esquecam", "desconsidere",
  "desconsidera", "desconsiderar", "despreze", "despreza", "desobedeca", "desobedece", "descarte", "descarta",
  "burle", "burla", "burlar", "contorne", "sobrescreva", "abandone", "abandona",
);
const PT_RULES = alt(
  "instrucoes", "instrucao", "regras", "orientacoes", "diretrizes", "diretivas", "comandos", "prompt", "prompts",
  "restricoes", "limitacoes", "programacao", "configuracoes", "politicas",
);
const PT_POSSESSIVE = alt("suas", "seus", "sua", "seu", "tuas", "teus", "tua", "teu");
const PT_QUAL = alt(
  "anteriores", "anterior", "acima", "previas", "iniciais", "originais", "internas", "ocultas", "secretas",
  "do sistema", "de sistema", "que (?:voce )?recebeu", "que (?:te|lhe) (?:deram|passaram|foram dadas)",
);
// "…suas instruções de preparo", "…as orientações do médico": the business's own instructions to patients.
const PT_NOT_CLINICAL = "(?! (?:de|do|da|dos|das|para|pra|pro|sobre|pos|pre|no|na|antes|depois|medic\\w*)\\b)";

const EN_IGNORE = alt("ignore", "ignoring", "disregard", "forget", "override", "bypass", "skip", "abandon", "discard", "neglect");
const EN_RULES = alt(
  "instructions", "instruction", "rules", "prompts?", "directions", "guidelines", "directives", "commands",
  "programming", "constraints", "restrictions", "guardrails", "policies", "system message", "context",
);
const EN_QUAL = alt("your", "previous", "prior", "above", "earlier", "initial", "original", "system", "preceding", "hidden", "safety", "developer", "all");
const EN_FILL = fill("all", "any", "of", "the", "these", "those", "existing", "current", "other");
const EN_NOT_CLINICAL = "(?! (?:for|about|on|before|after|regarding|from (?:the|my) doctor)\\b)";

const ES_IGNORE = alt(
  "ignora", "ignore", "ignorar", "ignores", "olvida", "olvide", "olvidar", "olvidate de", "olvidense de", "descarta",
  "descartar", "omite", "omitir", "desobedece", "no sigas", "deja de seguir",
);
const ES_RULES = alt("instrucciones", "instruccion", "reglas", "indicaciones", "ordenes", "directrices", "prompt", "restricciones", "programacion");
const ES_POSSESSIVE = alt("tus", "sus", "tu", "su");
const ES_QUAL = alt("anteriores", "previas", "iniciales", "originales", "internas", "ocultas", "secretas", "del sistema", "de arriba");
const ES_NOT_CLINICAL = "(?! (?:de|del|para|sobre|antes|despues|medic\\w*)\\b)";

const OVERRIDE: Pattern[] = [
  // pt-BR
  {
    rule: "override",
    severity: "blocked",
    re: new RegExp(`\\b${PT_IGNORE} ${fill("todas", "todos", "as", "os", "a", "o", "essas", "esses", "estas", "estes", "quaisquer", "qualquer")}${PT_POSSESSIVE} (?:\\w+ )?${PT_RULES}\\b${PT_NOT_CLINICAL}`),
  },
  {
    rule: "override",
    severity: "blocked",
    re: new RegExp(`\\b${PT_IGNORE} ${fill("todas", "todos", "as", "os", "a", "o", "essas", "esses", "estas", "estes", "quaisquer", "qualquer")}${PT_RULES} ${PT_QUAL}\\b`),
  },
  { rule: "override", severity: "blocked", re: new RegExp(`\\b${PT_IGNORE} (?:todas as|todos os) ${PT_RULES}\\b${PT_NOT_CLINICAL}`) },
  {
    rule: "override",
    severity: "blocked",
    re: new RegExp(`\\b${PT_IGNORE} (?:tudo|todo) (?:o )?(?:que (?:(?:te|lhe) )?(?:foi dito|disseram|falaram|mandaram|instruiram|programaram|ensinaram|voce sabe|voce recebeu)|acima|que esta acima|anterior)\\b`),
  },
  {
    rule: "override",
    severity: "blocked",
    re: /\b(?:a partir de agora|de agora em diante|daqui (?:pra|para) frente) (?:voce|vc|tu) (?:(?:e|es|sera|vai ser|passa a ser)(?! (?:minha|meu|nossa|nosso)\b)|age como|vai agir|atua como|vai atuar|deve ignorar|nao tem (?:regras|limites|restricoes|filtros)|esta livre|responde sem|vai responder sem|vai fingir|finge)\b/,
  },
  // en
  { rule: "override", severity: "blocked", re: new RegExp(`\\b${EN_IGNORE} ${EN_FILL}${EN_QUAL} ${fill("all", "any", "of", "the", "your", "previous", "prior", "above", "earlier", "initial", "original", "system", "preceding", "hidden", "safety", "developer")}${EN_RULES}\\b${EN_NOT_CLINICAL}`) },
  { rule: "override", severity: "blocked", re: new RegExp(`\\b${EN_IGNORE} (?:all |everything |anything )?(?:above|before this|you (?:were|have been) told|you know|you learned)\\b`) },
  { rule: "override", severity: "blocked", re: new RegExp(`\\b${EN_IGNORE} (?:all|everything) (?:previous|prior)(?! (?:message|messages|msgs?|text|texts|audio|audios|emails?|bookings?|appointments?)\\b)`) },
  {
    rule: "override",
    severity: "blocked",
    re: /\byou are now (?:an? |the |no longer|free\b|unrestricted|dan\b|jailbroken|in (?:developer|god|dan|unrestricted) mode|going to (?:act|be|ignore|answer|pretend)|acting as|called|named|my (?:new )?(?:assistant|ai|slave|servant))/,
  },
  { rule: "override", severity: "blocked", re: /\bfrom now on (?:you )?(?:are|re|will be|act as|must ignore|have no|answer without|respond without|will ignore|pretend)\b/ },
  { rule: "override", severity: "blocked", re: /\byou are no longer (?:an? |the )?(?:assistant|secretary|ai|bot|bound|restricted|limited)\b/ },
  // es
  { rule: "override", severity: "blocked", re: new RegExp(`\\b${ES_IGNORE} (?:todas |todos )?(?:las |los )?${ES_POSSESSIVE} ${ES_RULES}\\b${ES_NOT_CLINICAL}`) },
  { rule: "override", severity: "blocked", re: new RegExp(`\\b${ES_IGNORE} (?:todas |todos )?(?:las |los )?${ES_RULES} ${ES_QUAL}\\b`) },
  { rule: "override", severity: "blocked", re: new RegExp(`\\b${ES_IGNORE} todo lo que (?:te )?(?:han dicho|dijeron|sabes|ensenaron)\\b`) },
  { rule: "override", severity: "blocked", re: /\b(?:a partir de ahora|de ahora en adelante|desde ahora) (?:tu )?(?:eres|seras|actuas|actuaras|vas a actuar|vas a ser|debes ignorar|no tienes (?:reglas|limites|restricciones|filtros))\b/ },
  { rule: "override", severity: "blocked", re: /\bahora eres (?:un|una|el|la|dan)\b/ },
  // any language
  {
    rule: "override",
    severity: "blocked",
    re: /\b(?:developer|dev|god|sudo|admin|dan) mode\b|\bmodo (?:de )?(?:desenvolvedor|desarrollador|dev|developer|deus|dios|god|sudo|admin|dan)\b/,
  },
  { rule: "override", severity: "blocked", re: /\b(?:do anything now|jail ?break\w*|jailbroken)\b/ },
  { rule: "override", severity: "blocked", re: /\b(?:you are|act as|voce e|aja como|eres|actua como) dan\b/ },
  {
    rule: "override",
    severity: "blocked",
    re: /\b(?:disable|turn off|bypass|override|desative|desativar|desabilite|desligue|desliga|desactiva|desactivar|apaga) (?:your |the |o |a |os |as |seu |seus |sua |suas |tu |tus |el |los )?(?:safety|filters?|filtros?|seguranca|guardrails|restrictions|restricoes|restricciones|moderation|moderacao|moderacion|censura)\b/,
  },
  // weaker: role play and "no rules" requests are common in jailbreaks but have innocent uses too
  {
    rule: "override",
    severity: "suspicious",
    re: /\b(?:pretend (?:to be|you are|youre)|act as (?:if|an?|my)|roleplay|role play|imagine (?:that )?you are|finja (?:que|ser)|finge (?:que|ser)|aja como (?:se|um|uma)|simule ser|imagine que (?:voce|vc) e|haz de cuenta|finge que|actua como (?:si|un|una)|imagina que eres)\b/,
  },
  { rule: "override", severity: "suspicious", re: /\b(?:sem (?:filtros|censura|restricoes|regras)|without (?:any )?(?:filters|restrictions|rules|censorship|guidelines|limits)|sin (?:filtros|censura|restricciones|reglas))\b/ },
  { rule: "override", severity: "suspicious", re: /\b(?:new|updated) instructions\b|\bnovas instrucoes\b(?! (?:de|do|da|para|pra|sobre)\b)|\bnuevas instrucciones\b(?! (?:de|del|para|sobre)\b)/ },
  // An upper-case "DAN" (the classic jailbreak persona) but not the name "Dan".
  { rule: "override", severity: "suspicious", re: /(?<![\p{L}\p{N}])DAN(?![\p{L}\p{N}])/u, on: "raw" },
];

const PT_ASK = alt(
  "repita", "repete", "repetir", "mostre", "mostra", "mostrar", "exiba", "exibe", "exibir", "imprima", "imprime", "imprimir",
  "revele", "revela", "revelar", "diga", "diz", "dizer", "fala", "fale", "falar", "conte", "conta", "contar", "manda",
  "mande", "mandar", "envie", "envia", "enviar", "passa", "passe", "passar", "copie", "copia", "cole", "escreva", "escreve",
  "digite", "compartilhe", "compartilha", "liste", "traduza", "resuma", "resume", "qual e", "qual eh", "qual era",
  "quais sao", "quais eram", "qual", "quais", "cade", "me da", "me de", "vaza", "vaze",
);
const PT_OBJ = fill("me", "pra mim", "para mim", "o", "a", "os", "as", "todo", "toda", "todas", "todos", "exatamente", "literalmente", "aqui", "agora");
// English "prompt" the adjective: "prompt payment", "prompt reply".
const NOT_ADJECTIVE = String.raw`(?! (?:payment|payments|pay|reply|replies|response|responses|service|attention|delivery|care|action|answer|confirmation|treatment|booking)\b)`;
const PT_PROMPT = alt("system prompt", "prompt (?:do|de) sistema", "prompt inicial", "prompt original", "prompts?", "mensagem (?:do|de) sistema");
const PT_INSTR = alt("instrucoes", "instrucao", "programacao", "diretrizes", "comandos", "prompt");
const PT_INSTR_QUAL = alt("do sistema", "de sistema", "iniciais", "originais", "internas", "ocultas", "secretas", "escondidas", "que (?:voce )?recebeu", "que (?:te|lhe) (?:deram|passaram)");

const EN_ASK = alt(
  "what is", "whats", "what are", "what were", "show", "print", "reveal", "repeat", "tell", "display", "output", "give",
  "dump", "leak", "write out", "write down", "paste", "share", "send", "copy", "list", "recite", "spell out",
  "translate", "summarize", "summarise", "echo",
);
const EN_OBJ = fill("me", "us", "the", "all", "of", "full", "entire", "complete", "exact", "verbatim", "back", "out", "in", "everything in");
const EN_PROMPT = alt("system prompt", "pre ?prompt", "initial prompt", "hidden prompt", "meta prompt", "prompts?", "system message", "(?:instructions|rules) you were given");

const ES_ASK = alt(
  "muestrame", "muestra", "muestre", "mostrar", "repite", "repita", "repetir", "dime", "digame", "decime", "cual es",
  "cuales son", "cual era", "imprime", "imprimir", "revela", "revelar", "ensename", "escribe", "copia", "comparte",
  "envia", "enviame", "pasame", "dame",
);

const EXFILTRATION: Pattern[] = [
  // "system prompt" and friends are never customer talk, whatever the verb.
  { rule: "prompt_exfiltration", severity: "blocked", re: /\b(?:system prompt|prompt (?:do|de|del) sistema|prompt inicial|initial prompt|hidden prompt|meta prompt|pre ?prompt|mensagem (?:do|de) sistema|mensaje del sistema|system message)\b/ },
  { rule: "prompt_exfiltration", severity: "blocked", re: new RegExp(`\\b${PT_ASK} ${PT_OBJ}(?:${PT_POSSESSIVE} )?(?:\\w+ )?${PT_PROMPT}\\b`) },
  { rule: "prompt_exfiltration", severity: "blocked", re: new RegExp(`\\b${PT_ASK} ${PT_OBJ}${PT_POSSESSIVE} (?:\\w+ )?${PT_INSTR}\\b${PT_NOT_CLINICAL}`) },
  { rule: "prompt_exfiltration", severity: "blocked", re: new RegExp(`\\b${PT_ASK} ${PT_OBJ}(?:${PT_POSSESSIVE} )?(?:instrucoes|regras|diretrizes|orientacoes|mensagens?) ${PT_INSTR_QUAL}\\b`) },
  { rule: "prompt_exfiltration", severity: "blocked", re: new RegExp(`\\b${EN_ASK} ${EN_OBJ}(?:your )?(?:\\w+ )?${EN_PROMPT}\\b${NOT_ADJECTIVE}`) },
  { rule: "prompt_exfiltration", severity: "blocked", re: new RegExp(`\\b${EN_ASK} ${EN_OBJ}your (?:\\w+ )?(?:instructions|directives|programming|guidelines)\\b${EN_NOT_CLINICAL}`) },
  { rule: "prompt_exfiltration", severity: "blocked", re: new RegExp(`\\b${EN_ASK} ${EN_OBJ}(?:your )?(?:initial|original|hidden|secret|system|internal) (?:instructions|rules|directives|guidelines)\\b`) },
  { rule: "prompt_exfiltration", severity: "blocked", re: /\b(?:repeat|print|output|copy|write out|recite) (?:the |all |of )*(?:text|words|everything|message|messages|lines|content|instructions) (?:above|before this|so far)\b/ },
  { rule: "prompt_exfiltration", severity: "blocked", re: /\b(?:repita|repete|copie|escreva|imprima|mostre) (?:o |todo o |tudo o )?(?:texto|tudo|conteudo) (?:que esta |que vem )?(?:acima|anterior a esta)\b/ },
  { rule: "prompt_exfiltration", severity: "blocked", re: new RegExp(`\\b${ES_ASK} (?:el |la |los |las |todo |todas |me )*(?:${ES_POSSESSIVE} )?(?:\\w+ )?(?:prompt|mensaje del sistema)\\b`) },
  { rule: "prompt_exfiltration", severity: "blocked", re: new RegExp(`\\b${ES_ASK} (?:todas |todos |las |los )*${ES_POSSESSIVE} (?:\\w+ )?(?:instrucciones|directrices|programacion|ordenes)\\b${ES_NOT_CLINICAL}`) },
  { rule: "prompt_exfiltration", severity: "blocked", re: new RegExp(`\\b${ES_ASK} (?:todas |todos |las |los |tus |sus )*(?:instrucciones|reglas|directrices) ${ES_QUAL}\\b`) },
  // weaker: could be a patient who lost the preparation instructions sent earlier in the chat
  { rule: "prompt_exfiltration", severity: "suspicious", re: new RegExp(`\\b${PT_ASK} ${PT_OBJ}(?:${PT_POSSESSIVE} )?(?:instrucoes|regras|orientacoes) (?:anteriores|acima)\\b`) },
  { rule: "prompt_exfiltration", severity: "suspicious", re: new RegExp(`\\b${PT_ASK} ${PT_OBJ}${PT_POSSESSIVE} (?:regras|orientacoes|configuracoes)\\b${PT_NOT_CLINICAL}`) },
  { rule: "prompt_exfiltration", severity: "suspicious", re: new RegExp(`\\b${EN_ASK} ${EN_OBJ}your (?:rules|configuration|settings)\\b${EN_NOT_CLINICAL}`) },
  { rule: "prompt_exfiltration", severity: "suspicious", re: /\b(?:what (?:were|have) you been (?:told|instructed|programmed)|what were you told|how (?:were|are) you programmed|o que (?:te|lhe) (?:disseram|mandaram|instruiram|programaram)|como (?:voce|vc) foi programad[oa]|que te (?:dijeron|ordenaron)|como te programaron)\b/ },
  { rule: "prompt_exfiltration", severity: "suspicious", re: new RegExp(String.raw`\bprompts?\b${NOT_ADJECTIVE}`) },
];

const REQUEST = String.raw`(?:qual|quais|me passa|me passe|passa|passe|me manda|manda|mande|me envia|envie|envia|me diga|diga|diz|fala|me fala|mostre|mostra|revele|informe|what|whats|give|send|tell|show|share|reveal|print|cual|cuales|dame|pasame|dime|muestrame|enviame)`;


const WEAK_SECRET = String.raw`(?:senhas? (?:do|da|de) (?:sistema|admin|administrador|administracao|painel|servidor|banco de dados|bot|root|api)|contrasenas? (?:del|de la) (?:sistema|admin|administrador|panel|servidor|base de datos)|(?:admin|root|system|database|server) passwords?|passwords? (?:of|for) (?:the )?(?:system|admin|panel|database|server|bot)|credenciais|credentials|credenciales|tokens? (?:secreto|de acesso|de autenticacao|de autenticacion))`;

const SECRETS: Pattern[] = [
  {
    rule: "secret_request",
    severity: "blocked",
    re: /\b(?:api ?keys?|apikeys?|chaves? (?:da |de |do )?api|chave secreta|chave privada|claves? (?:de la |de |del )?api|clave secreta|secret keys?|private keys?|(?:access|auth|bearer|api|jwt|oauth|refresh) tokens?|tokens? (?:da|de|do|del) api|tokens? (?:do|da|del) (?:sistema|servidor|admin|bot|whatsapp|meta|openai|gemini|anthropic|cloudflare)|app secret|client secret|webhook secret|segredo (?:do|da) (?:app|aplicativo|webhook|sistema)|variave(?:is|l) de ambiente|environment variables?|env vars?|variables? de entorno|dev vars|process env)\b/,
  },
  // Environment variable names: OPENAI_API_KEY, META_APP_SECRET, ADMIN_TOKEN…
  { rule: "secret_request", severity: "blocked", re: /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:API_KEY|KEY|TOKEN|SECRET|PASSWORD|PASS|PWD)\b|\benv\.[A-Z][A-Z0-9_]{2,}/, on: "raw" },
  // Weaker nouns: "a senha do sistema de vocês não funciona" is a patient locked out of a portal; asking for it is not.
  { rule: "secret_request", severity: "blocked", re: new RegExp(`\\b${REQUEST} (?:\\w+ ){0,3}${WEAK_SECRET}\\b`) },
  { rule: "secret_request", severity: "suspicious", re: new RegExp(`\\b${WEAK_SECRET}\\b`) },
];

const ROLE_MARKERS: Pattern[] = [
  { rule: "role_markers", severity: "blocked", re: /<\|\s*[a-z_]{2,24}\s*\|>|\[\/?(?:inst|sys|system)\]|<<\/?sys>>|<\/?(?:system|assistant|instructions?|sys)>/, on: "lines" },
  { rule: "role_markers", severity: "blocked", re: /^ ?#+ ?(?:instructions?|system|response|assistant|instrucao|instrucoes|sistema|instruccion|instrucciones)\b/m, on: "lines" },
  { rule: "role_markers", severity: "blocked", re: /^ ?(?:system|assistant|developer) ?:/m, on: "lines" },
  { rule: "role_markers", severity: "suspicious", re: /\b(?:system|assistant) ?:|^ ?(?:sistema|assistente|asistente) ?:/m, on: "lines" },
];

const DATA_PT = alt(
  "telefones?", "numeros?", "celular(?:es)?", "whatsapp", "whats", "zap", "contatos?", "dados", "enderecos?", "e ?mails?",
  "cpfs?", "rg", "nomes?", "lista", "historicos?", "prontuarios?", "agenda", "agendamentos", "horarios", "consultas",
  "exames", "informacoes", "info", "fichas?", "cadastros?",
);
const WHO_PT = alt("clientes?", "pacientes?", "usuari[oa]s?", "contatos", "pessoas", "consumidor(?:es|as)?", "alun[oa]s?");
const DATA_EN = alt(
  "phone numbers?", "numbers", "phones?", "contacts?", "contact info", "contact details", "data", "details", "records",
  "emails?", "addresses", "names", "information", "info", "list", "files", "history", "appointments", "bookings",
);
const WHO_EN = alt("customers?", "clients?", "patients?", "users?", "people", "contacts");
const DATA_ES = alt(
  "telefonos?", "numeros?", "celular(?:es)?", "datos", "direccion(?:es)?", "correos?", "nombres?", "lista", "historial",
  "expedientes?", "informacion", "contactos?", "citas",
);
const WHO_ES = alt("clientes?", "pacientes?", "usuari[oa]s?", "personas");

const OTHER_CUSTOMERS: Pattern[] = [
  {
    rule: "other_customer_data",
    severity: "blocked",
    re: new RegExp(`\\b${DATA_PT} (?:\\w+ ){0,2}(?:de|do|da|dos|das) (?:outr[oa]s?|demais|todos os|todas as|cada) (?:\\w+ )?${WHO_PT}\\b`),
  },
  {
    rule: "other_customer_data",
    severity: "blocked",
    re: new RegExp(`\\b${DATA_PT} (?:\\w+ ){0,2}(?:de|do|da|dos|das) (?:paciente|cliente|pessoa) (?:anterior|seguinte|antes de mim|depois de mim|que (?:estava|saiu|veio|ligou|esteve|chegou))\\b`),
  },
  { rule: "other_customer_data", severity: "blocked", re: /\b(?:lista|listar|liste|listem|relacao|relatorio)\s(?:(?:completa|completo|inteira|toda|de|dos|das|com|todos|todas|os|as|seus|suas)\s)*(?:clientes|pacientes|usuarios|contatos)\b/ },
  { rule: "other_customer_data", severity: "blocked", re: new RegExp(`\\b${DATA_EN} (?:of|for|from) (?:other|another|all|every|all the|all your|all of your|the other|your other|each) (?:\\w+ )?${WHO_EN}\\b`) },
  { rule: "other_customer_data", severity: "blocked", re: /\b(?:list|show|give|send|dump|export|share) (?:me |us )?(?:all|every|all the|all of the|all your|all of your|your) (?:\w+ )?(?:customers|clients|patients|users|contacts)\b/ },
  { rule: "other_customer_data", severity: "blocked", re: new RegExp(`\\b(?:other|another|the other|previous|next) ${WHO_EN}s? ${DATA_EN}\\b`) },
  {
    rule: "other_customer_data",
    severity: "blocked",
    re: new RegExp(`\\b${DATA_ES} (?:\\w+ ){0,2}(?:de|del|de los|de las) (?:otr[oa]s?|todos los|todas las|los demas|las demas|demas) (?:\\w+ )?${WHO_ES}\\b`),
  },
  { rule: "other_customer_data", severity: "blocked", re: /\b(?:lista|listar|listado)\s(?:(?:completa|completo|de|los|las|todos|todas|tus|sus|con)\s)*(?:clientes|pacientes|usuarios|contactos)\b/ },
  // weaker: "quem mais está marcado hoje?" probes the agenda without naming data
  {
    rule: "other_customer_data",
    severity: "suspicious",
    re: /\b(?:quem|quais (?:pacientes|clientes)|que (?:pacientes|clientes)) (?:mais )?(?:esta|estao|ta|tao|tem|marcou|marcaram|agendou|agendaram) (?:marcad[oa]s?|agendad[oa]s?|consulta|horario)\b|\bwho else (?:is|has) (?:booked|scheduled|coming)\b|\bquien mas (?:tiene|esta) (?:cita|agendad[oa])\b/,
  },
];

export const PATTERNS: Pattern[] = [...OVERRIDE, ...EXFILTRATION, ...SECRETS, ...ROLE_MARKERS, ...OTHER_CUSTOMERS];
export const RULE_ORDER: InputRule[] = ["override", "prompt_exfiltration", "secret_request", "role_markers", "other_customer_data"];
