/**
 * Why an appointment scores high, in pt-BR: the feature families (lead time, slot, contact history,
 * reminder, confirmation, silence, each attr_ column) that push this appointment's logit above an
 * average appointment's the most (w · (x − mean)), at most three.
 */
import { WEEKDAYS } from "../lib/time-zone";
import { factsAt } from "./features";
import type { FactTable, RowFacts } from "./features";
import type { RiskInput } from "./history";

/** Contributions below this (logit units) are not worth a reason. */
const REASON_MIN = 0.02;

export const pct = (p: number) => `${Math.round(p * 100)}%`;

const WEEKDAY_PT: Record<string, string> = {
  mon: "segunda",
  tue: "terça",
  wed: "quarta",
  thu: "quinta",
  fri: "sexta",
  sat: "sábado",
  sun: "domingo",
};

function familyOf(name: string): string {
  if (name.startsWith("attr_")) {
    const rest = name.slice(5);
    const cut = rest.search(/=|_missing$/);
    return `attr:${cut === -1 ? rest : rest.slice(0, cut)}`;
  }
  if (name === "lead_log_days" || name === "same_day") return "lead";
  if (name === "slot_logit") return "slot";
  if (name.startsWith("contact_")) return "contact";
  if (name.startsWith("reminder_")) return "reminder";
  if (name.startsWith("silence_")) return "silence";
  return name;
}

export function reasonsFor(names: readonly string[], contributions: Float64Array, row: RiskInput, table: FactTable, i: number, sign: number): string[] {
  const byFamily = new Map<string, number>();
  names.forEach((n, j) => {
    const f = familyOf(n);
    byFamily.set(f, (byFamily.get(f) ?? 0) + sign * (contributions[j] ?? 0));
  });
  const facts = factsAt(table, i);
  return [...byFamily.entries()]
    .filter(([, c]) => c > REASON_MIN)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([family]) => describe(family, row, facts));
}

function describe(family: string, row: RiskInput, f: RowFacts): string {
  switch (family) {
    case "lead": {
      if (f.sameDay === 1) return "Marcado no mesmo dia";
      const days = f.leadHours / 24;
      return days < 2 ? `Marcado com ${Math.round(f.leadHours)} h de antecedência` : `Marcado com ${Math.round(days)} dias de antecedência`;
    }
    case "slot": {
      const wd = WEEKDAY_PT[WEEKDAYS[f.weekday] ?? "mon"] ?? "";
      return `Horário com mais faltas: ${wd} às ${f.hour}h (${pct(f.slotRate)} de faltas)`;
    }
    case "contact":
      if (f.contactResolved === 0) return "Primeiro atendimento do contato (sem histórico)";
      return `Faltou em ${f.contactNoShows} de ${f.contactResolved} atendimentos anteriores`;
    case "reminder":
      return row.reminderSent ? "Lembrete sem resposta" : "Lembrete não enviado";
    case "confirmed":
      return "Atendimento não confirmado";
    case "silence": {
      if (Number.isNaN(f.silenceDays)) return "Nenhuma mensagem do contato registrada";
      const d = Math.round(f.silenceDays);
      return d < 1 ? "Contato escreveu nas últimas horas" : `Contato sem escrever há ${d} ${d === 1 ? "dia" : "dias"}`;
    }
    default: {
      const name = family.slice(5);
      const v = row.attrs[name];
      return `Atributo ${name}: ${v === undefined || v === "" ? "não informado" : String(v)}`;
    }
  }
}
