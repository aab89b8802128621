/** Recommendations in plain words, in the tenant's language (pt-BR, en, es), from their figures. */
import type { Locale } from "../conversation/templates";
import type { Candidate } from "./rules";

type F = Record<string, number>;
type Words = { title: (f: F) => string; body: (f: F) => string };

const plural = (n: number | undefined, one: string, other: string) => (n === 1 ? one : other);
const METRIC: Record<Locale, Record<string, string>> = {
  "pt-BR": { messages: "mensagens", llm_tokens: "tokens de IA", contacts: "contatos", users: "usuários" },
  en: { messages: "messages", llm_tokens: "AI tokens", contacts: "contacts", users: "users" },
  es: { messages: "mensajes", llm_tokens: "tokens de IA", contacts: "contactos", users: "usuarios" },
};

const quota = (locale: Locale, metric: string): Words => {
  const m = METRIC[locale][metric] ?? metric;
  return {
    "pt-BR": {
      title: () => `Plano perto do limite de ${m}`,
      body: (f: F) => `Você já usou ${f.used} de ${f.quota} ${m} deste mês (${f.percent}%). Um plano maior evita que o atendimento pare no limite.`,
    },
    en: {
      title: () => `Your plan is close to its ${m} limit`,
      body: (f: F) => `You have used ${f.used} of ${f.quota} ${m} this month (${f.percent}%). A larger plan keeps the assistant going past the limit.`,
    },
    es: {
      title: () => `El plan está cerca del límite de ${m}`,
      body: (f: F) => `Ya usaste ${f.used} de ${f.quota} ${m} este mes (${f.percent}%). Un plan mayor evita que la atención se detenga en el límite.`,
    },
  }[locale];
};

const WORDS: Record<Locale, Record<string, Words>> = {
  "pt-BR": {
    volume_falling: {
      title: () => "Volume de mensagens em queda",
      body: (f) =>
        `Seus clientes enviaram ${f.this_week} mensagens nos últimos 7 dias, contra ${f.last_week} na semana anterior (${f.drop_percent}% a menos). Uma campanha pode reativar quem sumiu.`,
    },
    no_shows_rising: {
      title: () => "Faltas em alta",
      body: (f) =>
        `A taxa de faltas subiu de ${f.previous_rate_percent}% para ${f.rate_percent}% nesta semana (${f.no_shows} de ${f.appointments} consultas). Confirme os próximos agendamentos e ofereça horários melhores a quem tem risco alto.`,
    },
    negative_followups: {
      title: () => "Clientes insatisfeitos no pós-atendimento",
      body: (f) =>
        `${f.negative} de ${f.answers} respostas de pós-atendimento das últimas duas semanas foram negativas (${f.negative_percent}%). Vale ler essas conversas e falar com esses clientes.`,
    },
    confirm_tomorrow: {
      title: (f) => `Confirmar ${plural(f.appointments, "o agendamento de amanhã sem confirmação", `os ${f.appointments} agendamentos de amanhã sem confirmação`)}`,
      body: (f) =>
        `${plural(f.appointments, "1 agendamento de amanhã ainda não foi confirmado", `${f.appointments} agendamentos de amanhã ainda não foram confirmados`)}. Um lembrete ou uma ligação reduz as faltas.`,
    },
    reactivate_90d: {
      title: (f) => `Reativar ${f.contacts} clientes sem visita há 90 dias`,
      body: (f) => `${f.contacts} clientes não têm agendamento há mais de 90 dias. Uma campanha de reativação pode trazê-los de volta.`,
    },
    handoffs_waiting: {
      title: (f) => plural(f.conversations, "1 conversa esperando uma pessoa", `${f.conversations} conversas esperando uma pessoa`),
      body: (f) =>
        `${plural(f.conversations, "1 conversa foi passada", `${f.conversations} conversas foram passadas`)} para a equipe e ainda não ${plural(f.conversations, "teve", "tiveram")} resposta humana.`,
    },
  },
  en: {
    volume_falling: {
      title: () => "Message volume is falling",
      body: (f) =>
        `Your customers sent ${f.this_week} messages in the last 7 days, against ${f.last_week} the week before (${f.drop_percent}% fewer). A campaign can bring back those who went quiet.`,
    },
    no_shows_rising: {
      title: () => "No-shows are rising",
      body: (f) =>
        `The no-show rate went from ${f.previous_rate_percent}% to ${f.rate_percent}% this week (${f.no_shows} of ${f.appointments} appointments). Confirm upcoming appointments and offer better times to high-risk ones.`,
    },
    negative_followups: {
      title: () => "Unhappy customers after their visit",
      body: (f) =>
        `${f.negative} of ${f.answers} follow-up answers in the last two weeks were negative (${f.negative_percent}%). Read those conversations and reach out to those customers.`,
    },
    confirm_tomorrow: {
      title: (f) => `Confirm ${plural(f.appointments, "tomorrow's unconfirmed appointment", `the ${f.appointments} unconfirmed appointments of tomorrow`)}`,
      body: (f) => `${plural(f.appointments, "1 appointment tomorrow is", `${f.appointments} appointments tomorrow are`)} not confirmed yet. A reminder or a call cuts no-shows.`,
    },
    reactivate_90d: {
      title: (f) => `Win back ${f.contacts} customers with no visit in 90 days`,
      body: (f) => `${f.contacts} customers have had no appointment for over 90 days. A reactivation campaign can bring them back.`,
    },
    handoffs_waiting: {
      title: (f) => plural(f.conversations, "1 conversation waiting for a person", `${f.conversations} conversations waiting for a person`),
      body: (f) => `${plural(f.conversations, "1 conversation was", `${f.conversations} conversations were`)} handed to the team and got no human reply yet.`,
    },
  },
  es: {
    volume_falling: {
      title: () => "El volumen de mensajes está bajando",
      body: (f) =>
        `Tus clientes enviaron ${f.this_week} mensajes en los últimos 7 días, frente a ${f.last_week} la semana anterior (${f.drop_percent}% menos). Una campaña puede reactivar a quienes desaparecieron.`,
    },
    no_shows_rising: {
      title: () => "Las ausencias están subiendo",
      body: (f) =>
        `La tasa de ausencias pasó de ${f.previous_rate_percent}% a ${f.rate_percent}% esta semana (${f.no_shows} de ${f.appointments} citas). Confirma las próximas citas y ofrece mejores horarios a las de riesgo alto.`,
    },
    negative_followups: {
      title: () => "Clientes insatisfechos tras la atención",
      body: (f) =>
        `${f.negative} de ${f.answers} respuestas de seguimiento de las últimas dos semanas fueron negativas (${f.negative_percent}%). Lee esas conversaciones y habla con esos clientes.`,
    },
    confirm_tomorrow: {
      title: (f) => `Confirmar ${plural(f.appointments, "la cita de mañana sin confirmar", `las ${f.appointments} citas de mañana sin confirmar`)}`,
      body: (f) =>
        `${plural(f.appointments, "1 cita de mañana aún no está confirmada", `${f.appointments} citas de mañana aún no están confirmadas`)}. Un recordatorio o una llamada reduce las ausencias.`,
    },
    reactivate_90d: {
      title: (f) => `Reactivar ${f.contacts} clientes sin visita hace 90 días`,
      body: (f) => `${f.contacts} clientes no tienen cita desde hace más de 90 días. Una campaña de reactivación puede traerlos de vuelta.`,
    },
    handoffs_waiting: {
      title: (f) => plural(f.conversations, "1 conversación esperando a una persona", `${f.conversations} conversaciones esperando a una persona`),
      body: (f) =>
        `${plural(f.conversations, "1 conversación pasó", `${f.conversations} conversaciones pasaron`)} al equipo y aún no ${plural(f.conversations, "tiene", "tienen")} respuesta humana.`,
    },
  },
};

export function words(locale: Locale, c: Candidate): { title: string; body: string } {
  const w = c.kind === "upgrade" ? quota(locale, c.key.replace(/^quota_/, "")) : WORDS[locale][c.key];
  if (!w) throw new Error(`no words for recommendation ${c.key}`);
  return { title: w.title(c.figures), body: w.body(c.figures) };
}
