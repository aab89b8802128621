import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../../src/lib/scrub";

const TOKEN = "EAAGm0PX4ZCpsBAO+tok/en=";

describe("scrubSecrets", () => {
  it("removes the secret as given, URL-encoded, form-encoded and JSON-escaped", () => {
    const text = `a ${TOKEN} b ${encodeURIComponent(TOKEN)} c ${encodeURIComponent(TOKEN).replace(/%20/g, "+")} d ${JSON.stringify(`x"${TOKEN}`)}`;
    const out = scrubSecrets(text, [TOKEN]);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(encodeURIComponent(TOKEN));
    expect(out).not.toContain("EAAGm0PX4ZCpsBAO");
    expect(out).toContain("[redacted]");
  });

  it("removes echoed credentials it was not told about: Bearer tokens, access_token= and apikey values", () => {
    const out = scrubSecrets('Authorization: Bearer sk_unknown_123456 url ?access_token=abc12345&x=1 {"apikey":"B6D711FCDE4D"} apikey: zz99zz99 key=AIzaSyDUMMY');
    expect(out).toBe('Authorization: Bearer [redacted] url ?access_token=[redacted]&x=1 {"apikey":"[redacted]"} apikey: [redacted] key=[redacted]');
  });

  it("keeps ordinary error text, ignores short or missing secrets and does not double-redact", () => {
    expect(scrubSecrets("Error validating access token: Session has expired", ["short", undefined, null])).toBe("Error validating access token: Session has expired");
    expect(scrubSecrets(`access_token=${TOKEN}`, [TOKEN])).toBe("access_token=[redacted]");
    expect(scrubSecrets(`Bearer ${TOKEN}`, [TOKEN])).toBe("Bearer [redacted]");
  });
});
