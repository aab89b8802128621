// This language's catalogue, one file per area of the panel (so that screens grow without touching each other).
import agenda from "./agenda.json";
import common from "./common.json";
import conversations from "./conversations.json";
import failures from "./failures.json";
import followups from "./followups.json";
import insights from "./insights.json";
import scheduling from "./scheduling.json";
import settings from "./settings.json";
import simulator from "./simulator.json";

export default { ...common, ...agenda, ...conversations, ...failures, ...insights, ...settings, ...simulator, ...followups, ...scheduling };
