/**
 * Simulador: talk to the tenant's assistant as a customer would, through the sandbox channel (the
 * same path a real WhatsApp webhook takes). The thread is the conversation's own messages, polled.
 */
import { ApiError, call, type Session } from "./api";
import { el, formatDate } from "./dom";

interface Message {
  direction: "in" | "out";
  text: string | null;
  created_at: string;
}

let poller: ReturnType<typeof setInterval> | undefined;
export const stopSimulator = () => clearInterval(poller);

export function renderSimulator(root: HTMLElement, session: Session, tenant: string): void {
  const phone = el("input", { id: "sim-phone", value: "5511999990000", inputmode: "tel" });
  const name = el("input", { id: "sim-name", value: "Cliente Teste" });
  const text = el("input", { id: "sim-text", placeholder: "Escreva como o cliente…", autocomplete: "off" });
  const send = el("button", { id: "sim-send", type: "submit" }, "Enviar");
  const thread = el("ol", { class: "messages", id: "sim-thread" });
  const error = el("p", { class: "error" });

  const empty = () => thread.replaceChildren(el("li", { class: "muted" }, "Nenhuma mensagem ainda."));
  const refresh = async () => {
    // Phones never go in URLs (they are logged): the number is looked up by POST, listings take its id.
    const contact = await lookupContact(session, phone.value);
    if (contact === null) return empty();
    const { conversations } = await call<{ conversations: { id: number }[] }>(session, `/api/conversations?contact_id=${contact.id}&limit=1`);
    const id = conversations[0]?.id;
    if (!id) return empty();
    const { messages } = await call<{ messages: Message[] }>(session, `/api/conversations/${id}`);
    thread.replaceChildren(...messages.map((m) => el("li", { class: m.direction }, el("span", {}, m.text ?? ""), el("small", {}, formatDate(m.created_at)))));
  };
  const form = el("form", { class: "actions" }, text, send);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!text.value.trim()) return;
    try {
      await call(session, `/api/sandbox/${encodeURIComponent(tenant)}/inbound`, {
        method: "POST",
        body: JSON.stringify({ from: phone.value, name: name.value, text: text.value }),
      });
      text.value = "";
      error.textContent = "";
      await refresh();
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err);
    }
  });
  root.replaceChildren(
    el("h1", {}, "Simulador WhatsApp"),
    el(
      "section",
      { class: "card thread" },
      el("p", { class: "muted" }, "As mensagens seguem o mesmo caminho de um webhook real do WhatsApp; as respostas aparecem aqui em alguns segundos."),
      el("div", { class: "actions" }, el("label", {}, "Telefone ", phone), el("label", {}, "Nome ", name)),
      thread,
      form,
      error,
    ),
  );
  stopSimulator();
  void refresh();
  poller = setInterval(() => void refresh().catch(() => undefined), 1500);
}

/** The tenant's contact for a phone (`POST /api/contacts/lookup`), or null when nobody wrote from it yet. */
export async function lookupContact(session: Session, phone: string): Promise<{ id: number; phone: string; name: string | null } | null> {
  try {
    const { contact } = await call<{ contact: { id: number; phone: string; name: string | null } }>(session, "/api/contacts/lookup", {
      method: "POST",
      body: JSON.stringify({ phone }),
    });
    return contact;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 422)) return null;
    throw err;
  }
}
