import type { Company } from "../store/types";
import { readSettings } from "../tenants/settings";
import { createEvolutionSender } from "./evolution";
import { createMetaSender } from "./meta-sender";
import type { ChannelSender } from "./types";
import { createWhaticketSender } from "./whaticket";

/**
 * The sandbox "sends" by keeping the message: the outbound row it already lives in is the outbox the
 * simulator and GET /api/sandbox/:tenant/outbox read.
 */
export const sandboxSender: ChannelSender = {
  async send() {
    return { ok: true, providerMessageId: `sandbox-${crypto.randomUUID()}` };
  },
};

/** The sender for a tenant's configured channel; a channel without credentials fails permanently, with the reason. */
export function senderFor(env: Env, company: Company): ChannelSender {
  const settings = readSettings(company.channelSettings);
  const missing = (what: string): ChannelSender => ({
    async send() {
      return { ok: false, kind: "permanent", code: "channel_not_configured", reason: `${what} credentials are not configured for this tenant` };
    },
  });
  switch (company.channel) {
    case "sandbox":
      return sandboxSender;
    case "meta":
      if (!settings.meta) return missing("Meta");
      return createMetaSender({
        graphUrl: env.META_GRAPH_URL,
        apiVersion: env.META_API_VERSION,
        phoneNumberId: settings.meta.phoneNumberId,
        accessToken: settings.meta.accessToken,
      });
    case "evolution":
      if (!settings.evolution) return missing("Evolution");
      return createEvolutionSender(settings.evolution);
    case "whaticket":
      if (!settings.whaticket) return missing("Whaticket");
      return createWhaticketSender({ baseUrl: settings.whaticket.baseUrl, token: settings.whaticket.token });
  }
}
