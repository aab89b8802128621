import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { openStore } from "../store";
import { notFound, onError } from "./errors";
import { agenda } from "./routes/agenda";
import { apiDocs } from "./routes/api-docs";
import { assignment } from "./routes/assignment";
import { bench } from "./routes/bench";
import { config } from "./routes/config";
import { contacts } from "./routes/contacts";
import { conversations } from "./routes/conversations";
import { deadLetters } from "./routes/dead-letters";
import { followups } from "./routes/followups";
import { warnIfMetricsUnprotected } from "./routes/metrics-access";
import { ops } from "./routes/ops";
import { sandbox } from "./routes/sandbox";
import { scheduling } from "./routes/scheduling";
import { webhooks } from "./routes/webhooks";
import type { AppEnv } from "./types";

export const app = new Hono<AppEnv>();

// Honours an incoming x-request-id so a provider's or proxy's id follows the message through queues and logs.
app.use(requestId({ headerName: "x-request-id", limitLength: 128 }));
app.use(async (c, next) => {
  c.set("store", openStore(c.env));
  // The startup check: Workers have no start hook, so the first request of an isolate logs it.
  warnIfMetricsUnprotected(c.env);
  await next();
});

app.route("/", webhooks);
app.route("/", sandbox);
app.route("/", deadLetters);
app.route("/", config);
app.route("/", assignment); // before conversations: /api/conversations/assignees is not an id
app.route("/", conversations);
app.route("/", contacts);
app.route("/", scheduling);
app.route("/", followups);
app.route("/", agenda);
app.route("/", ops);
app.route("/", bench);
app.route(
  "/",
  apiDocs(() => app.routes),
);

app.onError(onError);
app.notFound(notFound);
