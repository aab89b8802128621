import { describe, expect, it } from "vitest";
import type { Intent } from "../../src/conversation/intents";
import { INTENTS, detectIntent, foldText } from "../../src/conversation/intents";

const intentOf = (text: string, awaitingFollowup = false): Intent => detectIntent(text, { awaitingFollowup }).intent;

describe("detectIntent", () => {
  it.each<[string, Intent]>([
    // the brief's examples
    ["Oi, bom dia!", "greeting"],
    ["quero marcar uma consulta", "appointment_request"],
    ["tem horário amanhã?", "appointment_request"],
    ["preciso remarcar", "reschedule"],
    ["quero cancelar minha consulta", "cancel"],
    ["confirmo", "confirm"],
    ["sim, confirmado", "confirm"],
    ["quero falar com um atendente", "human_request"],
    ["SAIR", "opt_out"],
    ["sair.", "opt_out"],
    ["obrigado!", "thanks"],
    ["quanto custa a limpeza?", "question"],
    ["I want to book an appointment", "appointment_request"],
    ["quiero hablar con una persona", "human_request"],
    ["STOP", "opt_out"],
    // more pt-BR
    ["Olá", "greeting"],
    ["boa noite", "greeting"],
    ["Gostaria de agendar um horário para sexta", "appointment_request"],
    ["vocês têm vaga na quinta?", "appointment_request"],
    ["dá pra reagendar pra semana que vem?", "reschedule"],
    ["preciso mudar o horário", "reschedule"],
    ["cancelar", "cancel"],
    ["não vou poder ir amanhã", "cancel"],
    ["Sim", "confirm"],
    ["ok, obrigado", "confirm"],
    ["valeu!!", "thanks"],
    ["Qual o horário de atendimento de vocês?", "question"],
    ["onde fica a clínica", "question"],
    ["quero falar com uma pessoa de verdade", "human_request"],
    ["Não quero mais receber", "opt_out"],
    ["Cancelar inscrição", "opt_out"],
    ["descadastrar", "opt_out"],
    ["VOLTAR", "opt_in"],
    ["iniciar", "opt_in"],
    ["blablabla", "unknown"],
    ["", "unknown"],
    // en
    ["Hello!", "greeting"],
    ["I need to reschedule my appointment", "reschedule"],
    ["please cancel my booking", "cancel"],
    ["yes", "confirm"],
    ["thank you so much", "thanks"],
    ["how much is a haircut", "question"],
    ["can I talk to a real person?", "human_request"],
    ["Unsubscribe", "opt_out"],
    ["start", "opt_in"],
    // es
    ["Hola, buenos días", "greeting"],
    ["quiero una cita para mañana", "appointment_request"],
    ["necesito cambiar la cita", "reschedule"],
    ["quiero cancelar la cita", "cancel"],
    ["muchas gracias", "thanks"],
    ["¿dónde están ubicados?", "question"],
    ["BAJA", "opt_out"],
    ["alta", "opt_in"],
  ])("%j → %s", (text, want) => {
    expect(intentOf(text)).toBe(want);
  });

  describe("opt-out is whole-message only", () => {
    it.each(["vou sair mais cedo hoje", "posso sair às 17h?", "stop by tomorrow?", "não posso parar agora", "a baja"])("%j is not opt_out", (text) => {
      expect(intentOf(text)).not.toBe("opt_out");
    });

    it.each(["  sair  ", "Sair!", "SAIR 👋", "pare", "stop.", "sair por favor", "Darme de baja", "opt-out", "Descadastrar!!"])("%j is opt_out", (text) => {
      expect(intentOf(text)).toBe("opt_out");
    });

    it("'cancelar' alone cancels an appointment, not the subscription", () => {
      expect(intentOf("cancelar")).toBe("cancel");
      expect(intentOf("Cancelar!")).toBe("cancel");
    });
  });

  describe("priority when several intents match", () => {
    it.each<[string, Intent]>([
      ["oi, quero falar com um atendente para cancelar", "human_request"],
      ["oi, quero cancelar e remarcar", "cancel"],
      ["bom dia, quero remarcar a consulta", "reschedule"],
      ["boa tarde! tem horário na sexta?", "appointment_request"],
      ["confirmo, obrigado!", "confirm"],
      ["obrigado, bom dia", "thanks"],
      ["oi, tudo bem?", "greeting"],
    ])("%j → %s", (text, want) => {
      expect(intentOf(text)).toBe(want);
    });
  });

  it("does not read negated confirmations as a yes", () => {
    expect(intentOf("não confirmo")).not.toBe("confirm");
    expect(intentOf("não posso confirmar")).not.toBe("confirm");
  });

  it("does not read a price or opening-hours question as a booking", () => {
    expect(intentOf("quanto custa a consulta?")).toBe("question");
    expect(intentOf("tem horário de atendimento no sábado?")).toBe("question");
    expect(intentOf("tem horário no sábado?")).toBe("appointment_request");
  });

  describe("follow-up answers", () => {
    it.each<[string, Intent]>([
      ["foi ótimo", "followup_positive"],
      ["gostei muito!", "followup_positive"],
      ["excelente atendimento", "followup_positive"],
      ["it was great", "followup_positive"],
      ["me gustó mucho", "followup_positive"],
      ["não gostei", "followup_negative"],
      ["péssimo", "followup_negative"],
      ["o atendimento foi ruim", "followup_negative"],
      ["não foi bom", "followup_negative"],
      ["terrible service", "followup_negative"],
      ["no me gustó", "followup_negative"],
    ])("awaiting follow-up: %j → %s", (text, want) => {
      expect(intentOf(text, true)).toBe(want);
    });

    it.each(["foi ótimo", "gostei muito!", "não gostei", "péssimo"])("not awaiting follow-up: %j is no follow-up", (text) => {
      expect(intentOf(text)).not.toMatch(/^followup_/);
      expect(detectIntent(text).intent).not.toMatch(/^followup_/);
    });

    it("keeps higher-priority intents while awaiting follow-up", () => {
      expect(intentOf("gostei, quero marcar de novo", true)).toBe("appointment_request");
      expect(intentOf("SAIR", true)).toBe("opt_out");
    });
  });

  it("never returns media (the caller decides that from the message type)", () => {
    expect(intentOf("[áudio]")).not.toBe("media");
    expect(INTENTS).toContain("media");
  });

  it("scores exact opt-outs above keyword guesses and unknown at 0", () => {
    const optOut = detectIntent("SAIR").confidence;
    const question = detectIntent("onde fica?").confidence;
    expect(optOut).toBeGreaterThan(question);
    expect(detectIntent("xyz").confidence).toBe(0);
    for (const text of ["oi", "quero marcar", "sim", "obrigado", "onde fica?"]) {
      const { confidence } = detectIntent(text);
      expect(confidence).toBeGreaterThan(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });
});

describe("foldText", () => {
  it("strips accents and case and collapses spaces", () => {
    expect(foldText("  Não   QUERO  Inscrição ÑANDÚ ")).toBe("nao quero inscricao nandu");
  });
});
