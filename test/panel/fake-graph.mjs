// A stand-in for Meta's Graph API on 127.0.0.1, for the Canal screen's "Testar conexão": the recorded
// phone-number answer for a token it knows, the recorded expired-token error (190) for any other.
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "meta");
const fixture = (name) => readFileSync(path.join(FIXTURES, name), "utf8");

/** Starts the fake; `calls` records each request's path and Authorization header. */
export async function startFakeGraph({ goodToken }) {
  const calls = [];
  const server = http.createServer((req, res) => {
    calls.push({ method: req.method, path: req.url, authorization: req.headers.authorization });
    const number = /^\/v[\d.]+\/(\d+)\?/.exec(req.url ?? "");
    res.setHeader("content-type", "application/json");
    if (!number || req.method !== "GET") return res.writeHead(400).end(JSON.stringify({ error: { message: "Unsupported request", code: 100 } }));
    if (req.headers.authorization !== `Bearer ${goodToken}`) return res.writeHead(401).end(fixture("send-error-190.json"));
    res.writeHead(200).end(JSON.stringify({ ...JSON.parse(fixture("phone-number.json")), id: number[1] }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((resolve) => server.close(resolve)) };
}
