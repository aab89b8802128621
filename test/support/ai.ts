import { api } from "./helpers";

/** Controls the fake Gemini API for one tenant's key. */
export const gemini = {
  mode: (key: string, mode: "ok" | "500" | "429" | "401" | "flaky" | "slow", text?: string) =>
    fetch(`http://gemini.fake.test/__fake/llm/${key}/mode`, { method: "POST", body: JSON.stringify({ mode, text }) }),
  requests: async (key: string) =>
    (
      (await (await fetch(`http://gemini.fake.test/__fake/llm/${key}/requests`)).json()) as {
        requests: { systemInstruction?: { parts: { text: string }[] }; contents: { role: string; parts: { text: string }[] }[] }[];
      }
    ).requests,
  /** When the fake last answered this key in "slow" mode (ms), or null. */
  answeredAt: async (key: string) => ((await (await fetch(`http://gemini.fake.test/__fake/llm/${key}/requests`)).json()) as { answeredAt: number | null }).answeredAt,
};

export const hooksReceived = async (path: string) =>
  ((await (await fetch(`http://hooks.fake.test/?path=${encodeURIComponent(path)}`)).json()) as { received: { text: string; secretaria?: Record<string, unknown> }[] }).received;

export async function putConfig(tenant: string, section: string, body: unknown) {
  const res = await api(`/api/config/${section}`, { method: "PUT", tenant, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`PUT /api/config/${section} → ${res.status}: ${await res.text()}`);
  return res.json();
}

export async function sandboxSay(tenant: string, from: string, text: string) {
  const res = await api(`/api/sandbox/${tenant}/inbound`, { method: "POST", tenant, body: JSON.stringify({ from, text, name: "Maria Souza" }) });
  if (res.status !== 202) throw new Error(`sandbox inbound → ${res.status}: ${await res.text()}`);
}
