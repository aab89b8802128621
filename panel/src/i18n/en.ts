// This language's catalogue, one file per area of the panel (so that screens grow without touching each other).
import analytics from "./en/analytics.json";
import business from "./en/business.json";
import integrations from "./en/integrations.json";
import compliance from "./en/compliance.json";
import access from "./en/access.json";
import agenda from "./en/agenda.json";
import assignment from "./en/assignment.json";
import billing from "./en/billing.json";
import campaigns from "./en/campaigns.json";
import channel from "./en/channel.json";
import common from "./en/common.json";
import conversations from "./en/conversations.json";
import failures from "./en/failures.json";
import followups from "./en/followups.json";
import hours from "./en/hours.json";
import outreach from "./en/outreach.json";
import insights from "./en/insights.json";
import jobs from "./en/jobs.json";
import scheduling from "./en/scheduling.json";
import settings from "./en/settings.json";
import simulator from "./en/simulator.json";
import tenants from "./en/tenants.json";
import templates from "./en/templates.json";
import users from "./en/users.json";

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
