// A stand-in for Google's Gemini API on 127.0.0.1 (the only outside vendor the panel test needs): it
// answers the address question from the system prompt it is sent, the way a model given the
// business's knowledge would, so the test sees whether the knowledge really reached the model.
import http from "node:http";

/** Starts the fake; `calls` records each request's system prompt and last user text. */
export async function startFakeGemini() {
  const calls = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const json = JSON.parse(body || "{}");
      const system = json.systemInstruction?.parts?.map((p) => p.text).join("\n") ?? "";
      const user =
        json.contents
          ?.at(-1)
          ?.parts?.map((p) => p.text)
          .join("\n") ?? "";
      calls.push({ path: req.url, key: req.headers["x-goog-api-key"], system, user });
      const address = /^Address: (.+)$/m.exec(system)?.[1];
      const hours = /^Opening hours: (.+)$/m.exec(system)?.[1];
      const text = /endere|address|direcci/i.test(user)
        ? address
          ? `Estamos na ${address}.${hours ? ` Atendemos ${hours}.` : ""}`
          : "Ainda não tenho o endereço cadastrado; vou confirmar com a equipe."
        : "Olá! Como posso ajudar?";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP" }],
          usageMetadata: { promptTokenCount: 50, candidatesTokenCount: 20 },
        }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((resolve) => server.close(resolve)) };
}
