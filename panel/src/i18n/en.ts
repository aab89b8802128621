// This language's catalogue, one file per area of the panel (so that screens grow without touching each other).
import agenda from "./en/agenda.json";
import assignment from "./en/assignment.json";
import common from "./en/common.json";
import conversations from "./en/conversations.json";
import failures from "./en/failures.json";
import followups from "./en/followups.json";
import insights from "./en/insights.json";
import scheduling from "./en/scheduling.json";
import settings from "./en/settings.json";
import simulator from "./en/simulator.json";

export default { ...common, ...agenda, ...conversations, ...failures, ...insights, ...settings, ...simulator, ...followups, ...scheduling, ...assignment };
