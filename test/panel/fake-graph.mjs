// A stand-in for Meta's Graph API on 127.0.0.1, for the Canal screen's "Testar conexão": the recorded
// phone-number answer for a token it knows, the recorded expired-token error (190) for any other; and
// the recorded template listing for Modelos.
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "meta");
const fixture = (name) => readFileSync(path.join(FIXTURES, name), "utf8");

/** Starts the fake; `calls` records each request's path and Authorization header. */
export async function startFakeGraph({ goodToken }) {
  const calls = [];
  const fake = { url: "", calls, templates: "two-pages", close: async () => {} };
  const server = http.createServer((req, res) => {
    calls.push({ method: req.method, path: req.url, authorization: req.headers.authorization });
    // Modelos: the recorded template listing, two pages (or the account after Meta's reviews: fake.templates = "changed").
    const listing = /^\/v[\d.]+\/\d+\/message_templates\?/.exec(req.url ?? "");
    if (listing) {
      res.setHeader("content-type", "application/json");
      if (req.headers.authorization !== `Bearer ${goodToken}`) return res.writeHead(401).end(fixture("templates/error-190.json"));
      const page = fake.templates === "changed" ? "after-changes" : (req.url ?? "").includes("&after=") ? "page-2" : "page-1";
      return res.writeHead(200).end(fixture(`templates/${page}.json`));
    }
    const number = /^\/v[\d.]+\/(\d+)\?/.exec(req.url ?? "");
    res.setHeader("content-type", "application/json");
    if (!number || req.method !== "GET") return res.writeHead(400).end(JSON.stringify({ error: { message: "Unsupported request", code: 100 } }));
    if (req.headers.authorization !== `Bearer ${goodToken}`) return res.writeHead(401).end(fixture("send-error-190.json"));
    res.writeHead(200).end(JSON.stringify({ ...JSON.parse(fixture("phone-number.json")), id: number[1] }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () => new Promise((resolve) => server.close(resolve));
  return fake;
}
