import type { Company } from "../store/types";
import { channelCredentials } from "./credentials";
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

/**
 * The sender for a tenant's configured channel; a channel without credentials fails permanently, with
 * the reason. Credentials are unsealed on the first send (once per cached company row).
 */
export function senderFor(env: Env, company: Company): ChannelSender {
  if (company.channel === "sandbox") return sandboxSender;
  let sender: Promise<ChannelSender> | undefined;
  return {
    async send(req) {
      sender ??= build(env, company);
      return (await sender).send(req);
    },
  };
}

const missing = (what: string): ChannelSender => ({
  async send() {
    return { ok: false, kind: "permanent", code: "channel_not_configured", reason: `${what} credentials are not configured for this tenant` };
  },
});

async function build(env: Env, company: Company): Promise<ChannelSender> {
  const creds = await channelCredentials(env, company);
  switch (company.channel) {
    case "sandbox":
      return sandboxSender;
    case "meta": {
      const token = creds.meta?.accessToken.current;
      if (!creds.meta || !token) return missing("Meta");
      return createMetaSender({ graphUrl: env.META_GRAPH_URL, apiVersion: env.META_API_VERSION, phoneNumberId: creds.meta.phoneNumberId, accessToken: token });
    }
    case "evolution": {
      const apikey = creds.evolution?.apikey.current;
      if (!creds.evolution || !apikey) return missing("Evolution");
      return createEvolutionSender({ baseUrl: creds.evolution.baseUrl, instance: creds.evolution.instance, apikey });
    }
    case "whaticket": {
      const token = creds.whaticket?.token.current;
      if (!creds.whaticket || !token) return missing("Whaticket");
      return createWhaticketSender({ baseUrl: creds.whaticket.baseUrl, token });
    }
  }
}
