import { describe, expect, it } from "vitest";
import { createEvolutionSender } from "../../src/channels/evolution";
import { createMetaSender } from "../../src/channels/meta-sender";
import type { OutboundPayload } from "../../src/channels/types";
import success from "../fixtures/meta/send-success.json";
import evoSuccess from "../fixtures/evolution/send-text-success.json";
import { fakeFetch, jsonResponse } from "./fake-fetch";

const list: OutboundPayload = {
  kind: "list",
  body: "Tenho estes horários disponíveis:\n1. qua, 26/11 às 08:00\n2. qua, 26/11 às 08:30",
  button: "Ver horários",
  rows: [
    { id: "slot:1", title: "Opção 1", description: "qua, 26/11 às 08:00" },
    { id: "slot:2", title: "Opção 2 com um título longo demais para a Meta", description: "qua, 26/11 às 08:30" },
  ],
};

describe("interactive lists", () => {
  it("go to Meta as an interactive list message within Meta's limits", async () => {
    const f = fakeFetch(() => jsonResponse(success));
    const result = await createMetaSender({ graphUrl: "http://graph.test", apiVersion: "v21.0", phoneNumberId: "100000000000001", accessToken: "EAAG", fetch: f.fetch }).send({
      to: "5511987654321",
      payload: list,
    });
    expect(result.ok).toBe(true);
    expect(f.requests[0]?.json).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "5511987654321",
      type: "interactive",
      interactive: {
        type: "list",
        body: { text: list.kind === "list" ? list.body : "" },
        action: {
          button: "Ver horários",
          sections: [
            {
              title: "Ver horários",
              rows: [
                { id: "slot:1", title: "Opção 1", description: "qua, 26/11 às 08:00" },
                { id: "slot:2", title: "Opção 2 com um título lo", description: "qua, 26/11 às 08:30" },
              ],
            },
          ],
        },
      },
    });
  });

  it("go to channels without lists as their text body", async () => {
    const f = fakeFetch(() => jsonResponse(evoSuccess, 201));
    await createEvolutionSender({ baseUrl: "http://evo.test", instance: "clinica", apikey: "k", fetch: f.fetch }).send({ to: "5511987654321", payload: list });
    expect(f.requests[0]?.json).toMatchObject({ number: "5511987654321", text: list.kind === "list" ? list.body : "" });
  });
});
