import { describe, expect, it } from "vitest";
import type { SentimentLabel } from "../../src/conversation/sentiment";
import { detectSentiment } from "../../src/conversation/sentiment";

const label = (t: string): SentimentLabel => detectSentiment(t).label;
const score = (t: string): number => detectSentiment(t).score;

describe("detectSentiment labels", () => {
  it.each<[string, SentimentLabel]>([
    // positive, pt-BR
    ["Adorei o atendimento, muito obrigada!", "positive"],
    ["amei o resultado 😍", "positive"],
    ["Gostei muito, recomendo!", "positive"],
    ["fui muito bem atendida", "positive"],
    ["Ótimooooo, nota 10", "positive"],
    ["Excelente profissional, super atenciosa", "positive"],
    ["perfeito, pode marcar", "positive"],
    ["obrigado 🙏", "positive"],
    // a polite refusal: "não" does not undo the thanks
    ["Não, obrigado", "positive"],
    ["não obrigado", "positive"],
    ["de nada tenha um ótimo dia", "positive"],
    ["ok :)", "positive"],
    ["não tenho nada a reclamar", "positive"],
    ["não foi ruim", "positive"],
    ["Demorou um pouco, mas adorei o resultado", "positive"],
    ["👍", "positive"],
    ["sem problemas, fica pra sexta", "positive"],
    // positive, en / es
    ["Great service, thank you!", "positive"],
    ["loved it, will definitely come back", "positive"],
    ["no problem at all", "positive"],
    ["Me encantó, muchas gracias", "positive"],
    ["muy buena atención", "positive"],
    // negative, pt-BR
    ["Não gostei do atendimento", "negative"],
    ["nada bom", "negative"],
    ["Péssimo atendimento", "negative"],
    ["que absurdo, ninguém responde", "negative"],
    ["horrível, vou reclamar no procon", "negative"],
    ["A demora foi enorme", "negative"],
    ["que vergonha", "negative"],
    ["quero fazer uma reclamação", "negative"],
    ["estou esperando há horas e nada", "negative"],
    ["o atendimento foi bom, mas a demora foi absurda", "negative"],
    // what follows "mas" weighs more than what came before
    ["Adorei a limpeza, mas a recepção foi ruim", "negative"],
    ["ok :(", "negative"],
    ["não foi bom", "negative"],
    ["a recepcionista foi grossa comigo", "negative"],
    ["muito caro pelo que entregaram", "negative"],
    ["nunca mais volto aí", "negative"],
    ["😡", "negative"],
    ["ok 👎", "negative"],
    ["demorou muito", "negative"],
    ["péssimoooo", "negative"],
    // negative, en / es
    ["not good", "negative"],
    ["I didn't like the service", "negative"],
    ["terrible experience, nobody answers the phone", "negative"],
    ["No me gustó", "negative"],
    ["muy mal servicio", "negative"],
    ["qué vergüenza, voy a poner una queja", "negative"],
    // neutral
    ["quero marcar uma consulta", "neutral"],
    ["Oi, bom dia!", "neutral"],
    ["boa tarde, tudo bem?", "neutral"],
    ["Qual o endereço de vocês?", "neutral"],
    ["vocês atendem no sábado?", "neutral"],
    ["não posso amanhã", "neutral"],
    ["quanto tempo demora o procedimento?", "neutral"],
    ["a consulta demora muito?", "neutral"],
    ["tem problema se eu levar meu filho?", "neutral"],
    ["meu cabelo é grosso, quanto custa a progressiva?", "neutral"],
    ["vou chegar 10 minutos atrasada", "neutral"],
    ["desculpa a demora pra responder", "neutral"],
    ["Demorou! Até amanhã", "neutral"],
    ["No geral, tudo certo com o horário das 15h", "neutral"],
    ["Good morning, can I book for Tuesday?", "neutral"],
    ["Buenos días, ¿tienen cita el lunes?", "neutral"],
    ["de nada", "neutral"],
    ["mal posso esperar pela consulta", "neutral"],
    ["", "neutral"],
    ["😊😞", "neutral"],
    ["I'd like to book a haircut", "neutral"],
    ["vou no sábado, no horário de sempre", "neutral"],
  ])("%j → %s", (text, expected) => {
    expect(label(text)).toBe(expected);
  });
});

describe("detectSentiment scores", () => {
  it("stays within -1..1 however much is piled on", () => {
    const hate = "PÉSSIMO HORRÍVEL ABSURDO VERGONHA PROCON 😡😡😡🤬🤬👎👎!!!!! ".repeat(20);
    const love = "adorei amei perfeito maravilhoso excelente 😍😍🥰🙏 ".repeat(20);
    expect(score(hate)).toBeGreaterThanOrEqual(-1);
    expect(score(hate)).toBeLessThan(-0.95);
    expect(score(love)).toBeLessThanOrEqual(1);
    expect(score(love)).toBeGreaterThan(0.95);
  });

  it("is exactly 0 for a plain request", () => {
    expect(detectSentiment("quero remarcar para quinta às 14h")).toEqual({ label: "neutral", score: 0 });
  });

  it("is deterministic: the same text always gets the same result", () => {
    const t = "o atendimento foi bom, mas a demora foi absurda 😠";
    const first = detectSentiment(t);
    expect(first.label).toBe("negative");
    for (let i = 0; i < 20; i++) expect(detectSentiment(t)).toEqual(first);
  });

  it("reads intensifiers as stronger", () => {
    expect(score("muito ruim")).toBeLessThan(score("ruim"));
    expect(score("very good")).toBeGreaterThan(score("good"));
    expect(score("muy malo")).toBeLessThan(score("malo"));
    expect(score("gostei demais")).toBeGreaterThan(score("gostei"));
  });

  it("makes shouting and '!!!' more negative only when the message already is", () => {
    expect(score("PÉSSIMO ATENDIMENTO")).toBeLessThan(score("péssimo atendimento"));
    expect(score("péssimo atendimento!!!")).toBeLessThan(score("péssimo atendimento"));
    expect(score("ADOREI O ATENDIMENTO!!!")).toBe(score("adorei o atendimento"));
    expect(label("QUERO MARCAR UMA CONSULTA!!!")).toBe("neutral");
  });

  it("counts a repeated emoji at most three times", () => {
    expect(score("😡😡😡😡😡😡")).toBe(score("😡😡😡"));
    expect(score("😡😡😡")).toBeLessThan(score("😡"));
  });

  it("weighs a complaint word more than mild disappointment", () => {
    expect(score("péssimo")).toBeLessThan(score("ruim"));
    expect(score("vou no procon")).toBeLessThan(score("não gostei"));
  });

  it("is accent- and case-insensitive", () => {
    expect(label("pessimo")).toBe("negative");
    expect(detectSentiment("PESSIMO")).toEqual(detectSentiment("PÉSSIMO"));
    expect(label("Ótimo")).toBe("positive");
    expect(detectSentiment("otimo")).toEqual(detectSentiment("Ótimo"));
    // decomposed accents (NFD input from some keyboards) too
    expect(detectSentiment("o\u0301timo")).toEqual(detectSentiment("ótimo"));
  });
});
