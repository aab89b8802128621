// This language's catalogue, one file per area of the panel (so that screens grow without touching each other).
import analytics from "./pt-BR/analytics.json";
import business from "./pt-BR/business.json";
import integrations from "./pt-BR/integrations.json";
import compliance from "./pt-BR/compliance.json";
import access from "./pt-BR/access.json";
import agenda from "./pt-BR/agenda.json";
import assignment from "./pt-BR/assignment.json";
import billing from "./pt-BR/billing.json";
import campaigns from "./pt-BR/campaigns.json";
import channel from "./pt-BR/channel.json";
import common from "./pt-BR/common.json";
import conversations from "./pt-BR/conversations.json";
import failures from "./pt-BR/failures.json";
import followups from "./pt-BR/followups.json";
import hours from "./pt-BR/hours.json";
import outreach from "./pt-BR/outreach.json";
import insights from "./pt-BR/insights.json";
import jobs from "./pt-BR/jobs.json";
import scheduling from "./pt-BR/scheduling.json";
import settings from "./pt-BR/settings.json";
import simulator from "./pt-BR/simulator.json";
import tenants from "./pt-BR/tenants.json";
import templates from "./pt-BR/templates.json";
import users from "./pt-BR/users.json";

export default {
  ...analytics,
  ...business,
  ...integrations,
  ...compliance,
  ...common,
  ...agenda,
  ...conversations,
  ...failures,
  ...insights,
  ...settings,
  ...simulator,
  ...followups,
  ...scheduling,
  ...users,
  ...access,
  ...tenants,
  ...channel,
  ...billing,
  ...assignment,
  ...hours,
  ...outreach,
  ...templates,
  ...jobs,
  ...campaigns,
};
