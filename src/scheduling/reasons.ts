/**
 * Why an appointment scores high: the feature families (lead time, slot, contact history, reminder,
 * confirmation, silence, each attr_ column) that push this appointment's logit above an average
 * appointment's the most, at most three: w · (x − mean) for the logistic model, the Saabas path
 * contributions (gbdt.ts) for the trees. Each reason is a code with its numbers
 * (`RiskFactor`), so the panel says it in the reader's language; `reasonText` is the one pt-BR
 * rendering the API keeps in `risk_reasons` / `reasons` for integrations.
 */
import { WEEKDAYS } from "../lib/time-zone";
import type { RiskFactor, StoredRiskReason } from "../store/types";
import { factsAt } from "./features";
import type { FactTable, RowFacts } from "./features";
import type { RiskInput } from "./history";

export type { RiskFactor };

/** Contributions below this (logit units) are not worth a reason. */
const REASON_MIN = 0.02;

export const pct = (p: number) => `${Math.round(p * 100)}%`;
/** A rate as a factor parameter: four decimals. */
export const roundRate = (p: number) => Math.round(p * 10_000) / 10_000;

const WEEKDAY_PT: Record<string, string> = {
  mon: "segunda",
  tue: "terça",
  wed: "quarta",
  thu: "quinta",
  fri: "sexta",
  sat: "sábado",
  sun: "domingo",
};

/**
 * The top reasons (codes + params) for row `i`, most important first: the families (design.ts'
 * featureFamilies, one per column) whose summed contributions push the logit up the most.
 */
export function factorsFor(families: readonly string[], contributions: Float64Array, row: RiskInput, table: FactTable, i: number, sign: number): RiskFactor[] {
  const byFamily = new Map<string, number>();
  families.forEach((f, j) => {
    byFamily.set(f, (byFamily.get(f) ?? 0) + sign * (contributions[j] ?? 0));
  });
  const facts = factsAt(table, i);
  return [...byFamily.entries()]
    .filter(([, c]) => c > REASON_MIN)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([family]) => describe(family, row, facts));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function describe(family: string, row: RiskInput, f: RowFacts): RiskFactor {
  switch (family) {
    case "lead": {
      if (f.sameDay === 1) return { code: "same_day", params: {} };
      const days = f.leadHours / 24;
      return days < 2 ? { code: "lead_hours", params: { hours: Math.round(f.leadHours) } } : { code: "lead_days", params: { days: Math.round(days) } };
    }
    case "slot":
      // weekday: 0 = Monday, as the insights' weekday_index.
      return { code: "slot_no_shows", params: { weekday: f.weekday, hour: f.hour, rate: round2(f.slotRate) } };
    case "contact":
      if (f.contactResolved === 0) return { code: "first_visit", params: {} };
      return { code: "contact_no_shows", params: { no_shows: f.contactNoShows, resolved: f.contactResolved } };
    case "reminder":
      return { code: row.reminderSent ? "reminder_unanswered" : "reminder_not_sent", params: {} };
    case "confirmed":
      return { code: "not_confirmed", params: {} };
    case "silence": {
      if (Number.isNaN(f.silenceDays)) return { code: "no_messages", params: {} };
      const d = Math.round(f.silenceDays);
      return d < 1 ? { code: "wrote_recently", params: {} } : { code: "silence_days", params: { days: d } };
    }
    default: {
      const name = family.slice(5);
      const v = row.attrs[name];
      return { code: "attribute", params: { name, value: v === undefined || v === "" ? null : String(v) } };
    }
  }
}

const num = (p: RiskFactor["params"], k: string) => Number(p[k] ?? 0);

/**
 * The pt-BR sentence for one reason (what `risk_reasons` carries).
 * @example reasonText({ code: "contact_no_shows", params: { no_shows: 2, resolved: 3 } }) // "Faltou em 2 de 3 atendimentos anteriores"
 */
export function reasonText(f: RiskFactor): string {
  const p = f.params;
  switch (f.code) {
    case "same_day":
      return "Marcado no mesmo dia";
    case "lead_hours":
      return `Marcado com ${num(p, "hours")} h de antecedência`;
    case "lead_days":
      return `Marcado com ${num(p, "days")} dias de antecedência`;
    case "slot_no_shows":
      return `Horário com mais faltas: ${WEEKDAY_PT[WEEKDAYS[num(p, "weekday")] ?? "mon"] ?? ""} às ${num(p, "hour")}h (${pct(num(p, "rate"))} de faltas)`;
    case "first_visit":
      return "Primeiro atendimento do contato (sem histórico)";
    case "contact_no_shows":
      return `Faltou em ${num(p, "no_shows")} de ${num(p, "resolved")} atendimentos anteriores`;
    case "reminder_unanswered":
      // The model's fact is "a reminder went out and the appointment is not confirmed", however recent the reminder.
      return "Lembrete enviado, ainda sem confirmação";
    case "reminder_not_sent":
      return "Lembrete não enviado";
    case "not_confirmed":
      return "Atendimento não confirmado";
    case "no_messages":
      return "Nenhuma mensagem do contato registrada";
    case "wrote_recently":
      return "Contato escreveu nas últimas horas";
    case "silence_days": {
      const d = num(p, "days");
      return `Contato sem escrever há ${d} ${d === 1 ? "dia" : "dias"}`;
    }
    case "attribute":
      return `Atributo ${String(p.name ?? "")}: ${p.value === null || p.value === undefined ? "não informado" : String(p.value)}`;
    case "prior_no_history":
      return `Sem histórico com desfecho: usando a taxa padrão de faltas (${pct(num(p, "rate"))}).`;
    case "prior_few_rows":
      return `Histórico insuficiente: ${num(p, "rows")} atendimentos com desfecho (mínimo ${num(p, "min")}); usando a taxa média de faltas (${pct(num(p, "rate"))}).`;
    case "prior_one_outcome":
      return `Histórico sem ${p.missing === "no_shows" ? "faltas" : "comparecimentos"} (${num(p, "rows")} atendimentos): não há o que aprender; usando a taxa média suavizada (${pct(num(p, "rate"))}).`;
    case "prior_train_one_class":
      return `O período de treino tem uma só classe (${num(p, "rows")} atendimentos); usando a taxa média de faltas (${pct(num(p, "rate"))}).`;
    case "prior_not_better":
      return `O modelo não superou a taxa base no período de teste (Brier ${fixed(p.brier)} vs ${fixed(p.base)}); usando a taxa média de faltas (${pct(num(p, "rate"))}).`;
    case "prior_untrained":
      return `Modelo ainda não treinado (a primeira análise roda após importar o histórico ou na análise diária): usando a taxa média de faltas (${pct(num(p, "rate"))}).`;
    case "legacy_text":
      return String(p.text ?? "");
    default:
      return `Histórico insuficiente: usando a taxa média de faltas (${pct(num(p, "rate"))}).`;
  }
}

const fixed = (v: RiskFactor["params"][string] | undefined) => (typeof v === "number" ? v.toFixed(4) : "—");

/**
 * Stored reasons as the API shows them. Rows scored before reasons became codes hold pt-BR text:
 * each becomes a `legacy_text` factor (the panel says "from an earlier analysis" in en/es) and keeps
 * its text in `reasons`; the next scoring (daily run, listings) replaces them.
 */
export function readReasons(stored: readonly StoredRiskReason[] | null | undefined): { factors: RiskFactor[]; reasons: string[] } {
  const factors = (stored ?? []).map((r): RiskFactor => (typeof r === "string" ? { code: "legacy_text", params: { text: r } } : r));
  return { factors, reasons: factors.map(reasonText) };
}
