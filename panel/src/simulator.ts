/**
 * Simulador: talk to the tenant's assistant as a customer would, through the sandbox channel (the
 * same path a real WhatsApp webhook takes). The thread is the conversation's own messages, polled;
 * what the customer sends shows at once, before the poll brings it back.
 */
import { ApiError, call, type Session } from "./api";
import { el } from "./dom";
import { errorMessage, formatDateTime, t } from "./i18n";
import { onLeave, showView, type ViewContext } from "./ui/view";

interface Message {
  direction: "in" | "out";
  text: string | null;
  created_at: string;
}

const LAST_PHONE = "secretaria.simulator.phone";

const bubble = (m: Message) => el("li", { class: m.direction }, el("span", {}, m.text ?? ""), el("small", {}, formatDateTime(m.created_at)));

export function renderSimulator(ctx: ViewContext): Promise<void> {
  return showView(ctx.root, t("simulator.title"), async () => buildSimulator(ctx));
}

function buildSimulator(ctx: ViewContext): Node[] {
  const { session, company } = ctx;
  // The last number used is kept for the session, so coming back shows its thread.
  const phone = el("input", { id: "sim-phone", value: sessionStorage.getItem(LAST_PHONE) ?? "5511999990000", inputmode: "tel", autocomplete: "off" });
  const name = el("input", { id: "sim-name", value: t("simulator.defaultName"), autocomplete: "off" });
  const text = el("input", { id: "sim-text", placeholder: t("simulator.placeholder"), autocomplete: "off", "aria-label": t("simulator.placeholder") });
  const send = el("button", { id: "sim-send", type: "submit" }, t("simulator.send"));
  const thread = el("ol", { class: "messages", id: "sim-thread", "aria-live": "polite" });
  const error = el("p", { class: "error", role: "alert" });
  let pending: Message[] = [];

  const empty = () => thread.replaceChildren(el("li", { class: "muted state empty" }, t("simulator.empty")));
  const refresh = async () => {
    // Only a number that wrote in this session is looked up: any other is a 404 on every poll.
    if (sessionStorage.getItem(LAST_PHONE) !== phone.value) return empty();
    // Phones never go in URLs (they are logged): the number is looked up by POST, listings take its id.
    const contact = await lookupContact(session, phone.value);
    const id = contact && (await call<{ conversations: { id: number }[] }>(session, `/api/conversations?contact_id=${contact.id}&limit=1`)).conversations[0]?.id;
    const messages = id ? (await call<{ messages: Message[] }>(session, `/api/conversations/${id}`)).messages : [];
    // A sent message the API does not show yet stays on screen until it does.
    pending = pending.filter((p) => !messages.some((m) => m.direction === "in" && m.text === p.text));
    const all = [...messages, ...pending];
    if (all.length === 0) return empty();
    thread.replaceChildren(...all.map(bubble));
  };
  const form = el("form", { class: "actions sim-form" }, text, send);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const said = text.value.trim();
    if (!said) return;
    send.disabled = true;
    try {
      await call(session, `/api/sandbox/${encodeURIComponent(company.slug)}/inbound`, {
        method: "POST",
        body: JSON.stringify({ from: phone.value, name: name.value, text: said }),
      });
      text.value = "";
      error.textContent = "";
      sessionStorage.setItem(LAST_PHONE, phone.value);
      pending.push({ direction: "in", text: said, created_at: new Date().toISOString() });
      if (thread.querySelector(".empty")) thread.replaceChildren();
      thread.append(bubble(pending[pending.length - 1] as Message));
      await refresh();
    } catch (err) {
      error.textContent = errorMessage(err);
    } finally {
      send.disabled = false;
    }
  });
  void refresh().catch((err: unknown) => {
    error.textContent = errorMessage(err);
  });
  const poller = setInterval(() => void refresh().catch(() => undefined), 1500);
  onLeave(() => clearInterval(poller));
  return [
    el(
      "section",
      { class: "card thread" },
      el("p", { class: "muted" }, t("simulator.intro")),
      el("div", { class: "actions" }, el("label", {}, t("simulator.phone"), phone), el("label", {}, t("simulator.name"), name)),
      thread,
      form,
      error,
    ),
  ];
}

/** The tenant's contact for a phone (`POST /api/contacts/lookup`), or null when nobody wrote from it yet. */
async function lookupContact(session: Session, phone: string): Promise<{ id: number; phone: string; name: string | null } | null> {
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
