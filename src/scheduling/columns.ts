/**
 * A tenant's history as columns: one typed array per field, contacts as small integers and every
 * `attr_` column dictionary-encoded (a code per row into its distinct values). The analysis and the
 * training read this, not row objects:
 * - a million rows are a few dozen MB of typed arrays instead of a few million heap objects, so a
 *   collection that happens during training marks little (with row objects alive, each full
 *   collection cost 250–400 ms at 1M rows, and training's own allocations triggered one per run);
 * - the contacts are interned once, and an attribute's parsing and normalising (numbers, levels)
 *   happens once per distinct value instead of once per row.
 *
 * `historyColumns(rows)` builds them from `HistoryRow`s (the CSV import, the store, tests); target
 * rows appended with `withTargets` keep no status, so their own outcome is never read.
 */
import type { AppointmentOutcome, HistoryRow, ScoredAppointment } from "./history";

export const STATUSES = ["scheduled", "confirmed", "attended", "no_show", "cancelled"] as const satisfies readonly AppointmentOutcome[];
export const ATTENDED = 2;
export const NO_SHOW = 3;
export const CANCELLED = 4;
/** A row whose status is not known or not to be read (a row being scored). */
export const NO_STATUS = 255;

/** One `attr_` column: row j's value is values[codes[j]], absent when the code is −1. */
export interface AttrColumn {
  name: string;
  codes: Int32Array;
  values: (string | number)[];
}

export interface HistoryColumns {
  length: number;
  /** Contact of each row as 0..contacts − 1 (rows of one person share it). */
  contact: Int32Array;
  contacts: number;
  /** Index into STATUSES, or NO_STATUS. */
  status: Uint8Array;
  bookedAt: Float64Array;
  startsAt: Float64Array;
  endsAt: Float64Array;
  /** NaN when unknown. */
  lastContactAt: Float64Array;
  reminderSent: Uint8Array;
  /** 1 only when the reminder was answered (unknown reads as no). */
  reminderAnswered: Uint8Array;
  confirmed: Uint8Array;
  attrs: Map<string, AttrColumn>;
}

/** Rows to score after a history: `targets` are their indices in `columns`. */
export interface WithTargets {
  columns: HistoryColumns;
  targets: Uint32Array;
}

type Row = ScoredAppointment & { status?: AppointmentOutcome };

const STATUS_CODE = new Map<string, number>(STATUSES.map((s, k) => [s, k]));

/** Columns from rows (any statuses); `readStatus` false drops them (rows being scored). */
function build(parts: { rows: readonly Row[]; readStatus: boolean }[]): HistoryColumns {
  const n = parts.reduce((s, p) => s + p.rows.length, 0);
  const c: HistoryColumns = {
    length: n,
    contact: new Int32Array(n),
    contacts: 0,
    status: new Uint8Array(n),
    bookedAt: new Float64Array(n),
    startsAt: new Float64Array(n),
    endsAt: new Float64Array(n),
    lastContactAt: new Float64Array(n),
    reminderSent: new Uint8Array(n),
    reminderAnswered: new Uint8Array(n),
    confirmed: new Uint8Array(n),
    attrs: new Map(),
  };
  const contactIds = new Map<string, number>();
  const valueIds = new Map<string, Map<string | number, number>>();
  let j = 0;
  for (const { rows, readStatus } of parts) {
    for (const r of rows) {
      let id = contactIds.get(r.contact);
      if (id === undefined) {
        id = contactIds.size;
        contactIds.set(r.contact, id);
      }
      c.contact[j] = id;
      c.status[j] = readStatus && r.status !== undefined ? (STATUS_CODE.get(r.status) ?? NO_STATUS) : NO_STATUS;
      c.bookedAt[j] = r.bookedAt;
      c.startsAt[j] = r.startsAt;
      c.endsAt[j] = r.endsAt;
      c.lastContactAt[j] = r.lastContactAt ?? Number.NaN;
      c.reminderSent[j] = r.reminderSent ? 1 : 0;
      c.reminderAnswered[j] = r.reminderAnswered === true ? 1 : 0;
      c.confirmed[j] = r.confirmed ? 1 : 0;
      const attrs = r.attrs;
      for (const name in attrs) {
        const v = attrs[name];
        if (v === undefined) continue;
        let col = c.attrs.get(name);
        let ids = valueIds.get(name);
        if (!col || !ids) {
          col = { name, codes: new Int32Array(n).fill(-1), values: [] };
          ids = new Map();
          c.attrs.set(name, col);
          valueIds.set(name, ids);
        }
        let code = ids.get(v);
        if (code === undefined) {
          code = col.values.length;
          col.values.push(v);
          ids.set(v, code);
        }
        col.codes[j] = code;
      }
      j++;
    }
  }
  c.contacts = contactIds.size;
  return c;
}

/** The history as columns. */
export function historyColumns(rows: readonly HistoryRow[]): HistoryColumns {
  return build([{ rows, readStatus: true }]);
}

/** A history and the rows to score after it, in one set of columns (the targets' statuses unread). */
export function withTargets(history: readonly HistoryRow[], targets: readonly Row[]): WithTargets {
  const columns = build([
    { rows: history, readStatus: true },
    { rows: targets, readStatus: false },
  ]);
  return { columns, targets: Uint32Array.from(targets, (_, k) => history.length + k) };
}

/** Columns as given, or built from rows. */
export function asColumns(history: HistoryColumns | readonly HistoryRow[]): HistoryColumns {
  return Array.isArray(history) ? historyColumns(history) : (history as HistoryColumns);
}

/** attended or no_show and ended by `now` (the model's labels). */
export function knownAt(c: HistoryColumns, j: number, now: number): boolean {
  const s = c.status[j] as number;
  return (s === ATTENDED || s === NO_SHOW) && (c.endsAt[j] as number) <= now;
}

/**
 * What each row's value of `col` becomes, worked out once per distinct value: `of(value)` for the
 * values, `absent` for rows without one (and for every row when the column does not exist).
 * @example const levelAt = byCode(c.attrs.get("bairro"), (v) => levelOf(v), MISSING_LEVEL); levelAt(j)
 */
export function byCode<T>(col: AttrColumn | undefined, of: (v: string | number) => T, absent: T): (j: number) => T {
  if (!col) return () => absent;
  const { codes } = col;
  const mapped = col.values.map(of);
  return (j) => {
    const code = codes[j] as number;
    return code < 0 ? absent : (mapped[code] as T);
  };
}
