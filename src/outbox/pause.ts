/**
 * A tenant over its plan's message quota on a "pause_outbound" plan (src/billing) gets its system
 * sends held, not lost: the outbox only needs to know which sends are replies and how a paused one
 * is marked, so billing can release exactly those when the pause ends.
 */

/** The reason a paused send is held with: exact, so releasing it never touches a 24 h-window hold. */
export const QUOTA_HOLD_REASON = "over quota: system messages paused until the next period or a plan change";

/** Purposes that answer a contact who wrote (the bot's reply, an agent's): they go out even when system sends are paused. */
export const REPLY_PURPOSES: ReadonlySet<string> = new Set(["reply", "human"]);
