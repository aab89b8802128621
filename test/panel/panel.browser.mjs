// The admin panel in a real browser (Debian's Chromium driven by playwright-core) against a private
// `wrangler dev` on 127.0.0.1 (harness.mjs): the working flows in pt-BR (flows.mjs), the inbox (inbox.mjs), every screen at
// two widths in two languages (screens.mjs), the Configuração journey (settings.mjs), Pós-Atendimento (followups.mjs), the Agenda journey (agenda.mjs), Usuários e papéis (users.mjs), Tokens and Auditoria (access.mjs), Empresas as the platform (tenants.mjs), Plano e consumo (billing.mjs), Mensagens agendadas (outreach.mjs), assignment (assignment.mjs), the SaaS journey from provisioning to an agent (saas.mjs) and Canal (channel.mjs).
// two widths in two languages (screens.mjs), the Configuração journey (settings.mjs), Pós-Atendimento (followups.mjs), the Agenda journey (agenda.mjs), Usuários e papéis (users.mjs), Tokens and Auditoria (access.mjs), Empresas as the platform (tenants.mjs), Plano e consumo (billing.mjs), assignment (assignment.mjs), the SaaS journey from provisioning to an agent (saas.mjs), Canal (channel.mjs) and Modelos (templates.mjs).
// two widths in two languages (screens.mjs), the Configuração journey (settings.mjs), Pós-Atendimento (followups.mjs), the Agenda journey (agenda.mjs), Usuários e papéis (users.mjs), Tokens and Auditoria (access.mjs), Empresas as the platform (tenants.mjs), Plano e consumo (billing.mjs), Tarefas automáticas (jobs.mjs), assignment (assignment.mjs), the SaaS journey from provisioning to an agent (saas.mjs) and Canal (channel.mjs).
// Run by `npm test` (scripts/test.mjs); writes {passed, failed} to $PANEL_REPORT when set and keeps
// its screenshots in $PANEL_SCREENSHOTS (default: a new directory in the OS temp dir, printed).
import { check, report, results, startStage } from "./harness.mjs";
import { flows } from "./flows.mjs";
import { followupsJourney } from "./followups.mjs";
import { inboxJourney } from "./inbox.mjs";
import { screens } from "./screens.mjs";
import { settingsJourney } from "./settings.mjs";
import { agendaJourney } from "./agenda.mjs";
import { usersJourney } from "./users.mjs";
import { accessJourney } from "./access.mjs";
import { tenantsJourney } from "./tenants.mjs";
import { channelJourney } from "./channel.mjs";
import { templatesJourney } from "./templates.mjs";
import { billingJourney } from "./billing.mjs";
import { hoursJourney } from "./hours.mjs";
import { jobsJourney } from "./jobs.mjs";
import { assignmentJourney } from "./assignment.mjs";
import { saasJourney } from "./saas.mjs";
import { outreachJourney } from "./outreach.mjs";
import { campaignsJourney } from "./campaigns.mjs";
import { rolesJourney } from "./roles.mjs";
import { analyticsJourney } from "./analytics.mjs";
import { businessJourney } from "./business.mjs";
import { integrationsJourney } from "./integrations.mjs";
import { complianceJourney } from "./compliance.mjs";

try {
  const stage = await startStage();
  try {
    // The browser in UTC, the tenant in São Paulo: times shown must be the business's, not the browser's.
    const page = await stage.browser.newPage({ viewport: { width: 1366, height: 900 }, locale: "pt-BR", timezoneId: "UTC" });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await flows(stage, page);
    await followupsJourney(stage, page);
    await inboxJourney(stage, page);
    await assignmentJourney(stage, page);
    await screens(stage, page);
    await settingsJourney(stage, page);
    await agendaJourney(stage, page);
    await usersJourney(stage, page);
    await accessJourney(stage, page);
    await billingJourney(stage, page);
    await hoursJourney(stage, page);
    await outreachJourney(stage, page);
    await jobsJourney(stage, page);
    // Signs in as the platform admin; the Canal journey signs the owner in again.
    await tenantsJourney(stage, page);
    // Provision → owner → Meta number → agent, each person in a fresh browser (issue 12).
    await saasJourney(stage, page);
    // Campanhas: signs the owner in again, builds an audience with its live preview, schedules, pauses.
    await campaignsJourney(stage, page);
    // Analytics e Consumo: signs the owner in again, recomputes seeded days, reads cards, charts, downloads.
    await analyticsJourney(stage, page);
    // IA de Negócios: signs the owner in again; recommendations, A/B tests (results, winner, a new one).
    await businessJourney(stage, page);
    // Integrações (a receiver on 127.0.0.1) and Satisfação: signs the owner in again.
    await integrationsJourney(stage, page);
    // Compliance (LGPD): signs the owner in again, exports and erases a seeded contact, sets retention.
    await complianceJourney(stage, page);
    // Last: it connects the tenant to Meta for a while (the simulator's journeys need the sandbox).
    await channelJourney(stage, page);
    // After Canal: it connects a Meta number with its WABA id, and leaves the tenant on the simulator again.
    await templatesJourney(stage, page);
    // A viewer and an agent, invited through the API, see on every screen only the controls their role may use.
    await rolesJourney(stage, page);
    await check("no script errors on the page", async () => {
      if (errors.length) throw new Error(errors.join("\n"));
    });
    console.log(`  screenshots kept in ${stage.shots}`);
  } finally {
    await stage.stop();
  }
} catch (err) {
  results.push({ name: "panel test setup", ok: false });
  console.log(`  ✘ setup: ${err?.stack ?? err}`);
}
process.exit(report() === 0 ? 0 : 1);
