// TEMPORARY allowlist for scripts/check-cycles.mjs: the import cycles that existed when the check was
// added (issue 9), each written from its alphabetically first module. It must shrink to empty, and then
// this file goes: the outbox becomes a leaf module (queueOutbound out of conversation/turn.ts) and the
// agenda chat flow moves under conversation/, which removes all three. Never add an entry; the check
// also fails on an entry that no longer occurs, so whoever removes a cycle deletes its line here.
export default [
  "src/agenda/flow.ts → src/agenda/service.ts → src/conversation/turn.ts",
  "src/agenda/flow.ts → src/scheduling/auto-reschedule.ts → src/agenda/service.ts → src/conversation/turn.ts",
  "src/agenda/flow.ts → src/scheduling/auto-reschedule.ts → src/conversation/turn.ts",
];
