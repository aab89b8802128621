import { isoDate, localAt } from "./when-words";

/**
 * The options of an offer over a range of days ("próxima semana", "depois do dia 10"): one per local day
 * first, in the order given (soonest, or the contact's habits first), then the rest. Three times on one
 * Monday morning answer "next week" worse than Monday, Tuesday and Wednesday.
 * @example spreadOverDays(slots, 3, "America/Sao_Paulo") // [mon 08:00, tue 08:00, wed 08:00]
 */
export function spreadOverDays<T extends { start: string }>(slots: readonly T[], count: number, timeZone: string): T[] {
  const picked: T[] = [];
  const later: T[] = [];
  const days = new Set<string>();
  for (const slot of slots) {
    if (picked.length >= count) break;
    const day = isoDate(localAt(Date.parse(slot.start), timeZone));
    if (days.has(day)) later.push(slot);
    else {
      days.add(day);
      picked.push(slot);
    }
  }
  return [...picked, ...later].slice(0, count);
}
