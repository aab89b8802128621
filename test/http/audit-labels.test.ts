import { describe, expect, it } from "vitest";
import en from "../../panel/src/i18n/en/access.json";
import es from "../../panel/src/i18n/es/access.json";
import ptBR from "../../panel/src/i18n/pt-BR/access.json";

// The source as text (Vite's raw import): the actions are whatever the code writes, not a list kept by hand.
const sources = import.meta.glob<string>("../../src/**/*.ts", { query: "?raw", import: "default", eager: true });

const DOTTED = /"((?:[a-z_]+\.)+[a-z_]+)"/g;
/** The actions a template literal can make, from the lists it is built over (a new template fails the test below). */
const TEMPLATED: Record<string, string[]> = {
  "`config.${section}.update`": ["knowledge", "tone", "templates", "handoff"].map((s) => `config.${s}.update`),
  "`tenant.${what}`": ["suspend", "resume", "close"].map((s) => `tenant.${s}`),
  "`campaign.${action}`": ["schedule", "pause", "resume", "cancel"].map((s) => `campaign.${s}`),
  "`abtest.${step.path}`": ["start", "stop"].map((s) => `abtest.${s}`),
  "`recommendation.${path}`": ["dismiss", "done"].map((s) => `recommendation.${s}`),
};

function auditedActions(): Set<string> {
  const found = new Set<string>();
  for (const [file, text] of Object.entries(sources)) {
    for (const line of text.split("\n")) {
      // `action: "…"`, `const action = x ? "…" : "…"`, auditAs(…, "user.login", …), billing's audit("…", …).
      if (/\baction\b\s*[:=]|auditAs\(|\baudit\("/.test(line)) for (const m of line.matchAll(DOTTED)) found.add(m[1] ?? "");
      const template = /\baction: (`[^`]*\$\{[^`]*`)/.exec(line)?.[1];
      if (template) {
        const expanded = TEMPLATED[template];
        if (!expanded) throw new Error(`${file}: audit action ${template} is not expanded by this test`);
        for (const a of expanded) found.add(a);
      }
    }
  }
  return found;
}

describe("Auditoria", () => {
  it("has a label in every locale for every action the code audits", () => {
    const actions = auditedActions();
    // What the newcomer saw as "Outra ação", and the import logged as what it is.
    for (const a of ["user.login", "channel.connect", "appointment.import", "billing.past_due", "tenant.suspend", "campaign.pause"]) expect(actions).toContain(a);
    expect(actions).not.toContain("appointments.import");
    for (const [locale, strings] of Object.entries({ "pt-BR": ptBR, en, es }) as [string, Record<string, string>][]) {
      const missing = [...actions].filter((a) => !strings[`audit.action.${a}`]);
      expect(missing, locale).toEqual([]);
    }
  });
});
