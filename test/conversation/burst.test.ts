import { describe, expect, it } from "vitest";
import { burstIntents, turnIntent } from "../../src/conversation/burst";

const msgs = (...texts: string[]) => texts.map((text) => ({ text, type: "text" as const }));

describe("a burst of messages", () => {
  it("answers every request it holds, in the order asked, thanks last", () => {
    const burst = msgs("Onde fica a clínica?", "Obrigado!");
    const main = turnIntent(burst);
    expect(burstIntents(burst, main)).toEqual(["question", "thanks"]);
    expect(burstIntents(msgs("Obrigado!", "vocês abrem sábado?"), turnIntent(msgs("Obrigado!", "vocês abrem sábado?")))).toEqual(["question", "thanks"]);
  });

  it("keeps a single request as the turn's own intent, and drops greetings next to a real request", () => {
    expect(burstIntents(msgs("Oi", "tudo bem?"), "greeting")).toEqual(["greeting"]);
    expect(burstIntents(msgs("Oi", "Qual o preço da limpeza?"), "question")).toEqual(["question"]);
  });

  it("answers a media message by its caption, and a caption-less one as media", () => {
    expect(turnIntent([{ text: "", type: "image" }])).toBe("media");
    expect(burstIntents([{ text: "", type: "image" }, ...msgs("Obrigada")], "thanks")).toEqual(["media", "thanks"]);
  });
});
