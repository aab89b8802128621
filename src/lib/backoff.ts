/**
 * Exponential backoff with full jitter, in whole seconds for Queues' delaySeconds.
 * `backoffSeconds(3, 5)` is between 10 and 20 (5·2², jittered down to half); capped at 15 minutes.
 */
export function backoffSeconds(attempt: number, baseSeconds: number, capSeconds = 900): number {
  const ceiling = Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
