// This language's catalogue, one file per area of the panel (so that screens grow without touching each other).
import analytics from "./es/analytics.json";
import business from "./es/business.json";
import integrations from "./es/integrations.json";
import compliance from "./es/compliance.json";
import access from "./es/access.json";
import agenda from "./es/agenda.json";
import assignment from "./es/assignment.json";
import billing from "./es/billing.json";
import campaigns from "./es/campaigns.json";
import channel from "./es/channel.json";
import common from "./es/common.json";
import conversations from "./es/conversations.json";
import failures from "./es/failures.json";
import followups from "./es/followups.json";
import hours from "./es/hours.json";
import outreach from "./es/outreach.json";
import insights from "./es/insights.json";
import jobs from "./es/jobs.json";
import scheduling from "./es/scheduling.json";
import settings from "./es/settings.json";
import simulator from "./es/simulator.json";
import tenants from "./es/tenants.json";
import templates from "./es/templates.json";
import users from "./es/users.json";

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
