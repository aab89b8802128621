/**
 * A Graph API that echoes the access token, and a Cal.com that echoes the API key: nothing we store
 * or serve may carry them (delivery logs, the message's error, dead letters, API answers).
 */
import { describe, expect, it } from "vitest";
import { deliverNotification } from "../../src/jobs/notify";
import { api, eventually, metaText, postMeta, seedCompany, store } from "../support/helpers";
import { sqlRows } from "../support/sql";

const FAKE = "http://graph.fake.test/__fake";
const TOKEN = "EAAGecho+Token/0123456789";

describe("vendor error text is stored and served without the credentials of the call", () => {
  it("Meta echoing the access token: delivery log, message error, dead letter and API answers are clean", async () => {
    const pnid = "100000000000901";
    await seedCompany({ slug: "scrub-meta", channel: "meta", metaPhoneNumberId: pnid, channelSettings: { meta: { phoneNumberId: pnid, accessToken: TOKEN } } });
    await fetch(`${FAKE}/${pnid}/mode`, { method: "POST", body: JSON.stringify({ mode: "echo-token" }) });
    expect((await postMeta(metaText(pnid, "5511987650901", "Oi"))).status).toBe(200);

    const res = await eventually(async () => {
      const r = await api("/api/dead-letters?status=all", { tenant: "scrub-meta" });
      const text = await r.text();
      expect(JSON.parse(text).dead_letters).toHaveLength(1);
      return text;
    }, 25_000);
    const company = (await store().companies.bySlug("scrub-meta"))!;
    const contact = (await store().contacts.byPhone(company.id, "5511987650901"))!;
    const [reply] = await store().messages.listByContact(company.id, contact.id, { direction: "out", limit: 1 });
    const logs = await store().deliveryLogs.list(company.id, reply!.id);
    const [dead] = await sqlRows<{ reason: string }>("SELECT reason, payload FROM dead_letters WHERE company_id = ?", company.id);
    const conv = await (await api(`/api/conversations`, { tenant: "scrub-meta" })).text();

    // Meta's own words are kept (code 190, "Invalid OAuth access token"), its copy of the token is not.
    expect(reply?.error).toMatch(/meta_190.*Invalid OAuth access token/);
    expect(logs.some((l) => /meta_190/.test(l.detail ?? ""))).toBe(true);
    for (const text of [res, reply?.error ?? "", JSON.stringify(logs), JSON.stringify(dead), conv]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(encodeURIComponent(TOKEN));
      expect(text).not.toContain("EAAGecho");
    }
    expect(reply?.error).toContain("[redacted]");
  });

  it("Cal.com echoing the API key: the API answer carries Cal.com's error without the key", async () => {
    await seedCompany({ slug: "scrub-cal" });
    // "-401-": Cal.com refuses the key, a 4xx whose message the API shows the operator (5xx text is not exposed).
    const apiKey = "echo-401-cal_live_AbcXyzQwe";
    const put = await api("/api/agenda/settings", { method: "PUT", tenant: "scrub-cal", body: JSON.stringify({ provider: "calcom", calcom: { eventTypeId: 812345, apiKey } }) });
    expect(put.status).toBe(200);
    const res = await api("/api/agenda/availability?days=2", { tenant: "scrub-cal" });
    const text = await res.text();
    expect(res.status).toBe(422);
    expect(text).toMatch(/ECHO/); // Cal.com's answer did reach the operator
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain("cal_live_AbcXyzQwe");
  });

  it("a notification endpoint failure never quotes the webhook URL (its path is the credential)", async () => {
    const url = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX";
    const outcome = await deliverNotification({ kind: "notify", companyId: 1, url, body: { text: "x" }, dedupKey: "k", generation: 0 }, (async () => {
      throw new TypeError(`fetch to ${url} failed (path /services/T000/B000/XXXXsecretXXXX)`);
    }) as typeof fetch);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.reason).toMatch(/unreachable/);
      expect(outcome.reason).not.toContain("XXXXsecretXXXX");
    }
  });
});
