import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { openStore } from "../store";
import { notFound, onError } from "./errors";
import { hostTenant } from "./host-tenant";
import { agenda } from "./routes/agenda";
import { alerts } from "./routes/alerts";
import { apiDocs } from "./routes/api-docs";
import { auth } from "./routes/auth";
import { assignment } from "./routes/assignment";
import { bench } from "./routes/bench";
import { analytics } from "./routes/analytics";
import { campaigns } from "./routes/campaigns";
import { abtests } from "./routes/abtests";
import { recommendations } from "./routes/recommendations";
import { compliance } from "./routes/compliance";
import { channel } from "./routes/channel";
import { billing } from "./routes/billing";
import { billingWebhook } from "./routes/billing-webhook";
import { config } from "./routes/config";
import { contacts } from "./routes/contacts";
import { conversations } from "./routes/conversations";
import { deadLetters } from "./routes/dead-letters";
import { feedback } from "./routes/feedback";
import { followups } from "./routes/followups";
import { integrations } from "./routes/integrations";
import { jobs } from "./routes/jobs";
import { warnIfMetricsUnprotected } from "./routes/metrics-access";
import { ops } from "./routes/ops";
import { sandbox } from "./routes/sandbox";
import { scheduling } from "./routes/scheduling";
import { scheduledMessages } from "./routes/scheduled-messages";
import { reports } from "./routes/reports";
import { users } from "./routes/users";
import { tenants } from "./routes/tenants";
import { webhooks } from "./routes/webhooks";
import { templates } from "./routes/templates";
import { tokens } from "./routes/tokens";
import { auditTrail } from "./routes/audit";
import { securityHeaders } from "./security-headers";
import type { AppEnv } from "./types";

export const app = new Hono<AppEnv>();

// Honours an incoming x-request-id so a provider's or proxy's id follows the message through queues and logs.
// First, so every answer carries them, the error envelope and 404s included.
app.use(securityHeaders);
app.use(requestId({ headerName: "x-request-id", limitLength: 128 }));
app.use(async (c, next) => {
  c.set("store", openStore(c.env));
  // The startup check: Workers have no start hook, so the first request of an isolate logs it.
  warnIfMetricsUnprotected(c.env);
  await next();
});
app.use(hostTenant);

app.route("/", webhooks);
app.route("/", billingWebhook);
app.route("/", sandbox);
app.route("/", deadLetters);
app.route("/", compliance); // before reports: PUT /api/config/retention is its own
app.route("/", reports); // before config: its /api/config/:section answers unknown sections
app.route("/", jobs);
app.route("/", config);
app.route("/", alerts);
app.route("/", assignment); // before conversations: /api/conversations/assignees is not an id
app.route("/", channel);
app.route("/", templates);
app.route("/", conversations);
app.route("/", contacts);
app.route("/", campaigns);
app.route("/", analytics);
app.route("/", abtests);
app.route("/", recommendations);
app.route("/", scheduling);
app.route("/", followups);
app.route("/", feedback);
app.route("/", integrations);
app.route("/", scheduledMessages);
app.route("/", agenda);
app.route("/", auth);
app.route("/", users);
app.route("/", tokens);
app.route("/", auditTrail);
app.route("/", ops);
app.route("/", tenants);
app.route("/", billing);
app.route("/", bench);
app.route(
  "/",
  apiDocs(() => app.routes),
);

app.onError(onError);
app.notFound(notFound);
