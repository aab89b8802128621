/**
 * CSV for the appointment-history import (`POST /api/agenda/appointments/import`) and the risk batch
 * (`POST /api/agenda/risk`): a streaming RFC 4180 reader over a request body. The mapping of one record
 * to an appointment row is import-rows.ts.
 *
 * Hand-written because the CSV libraries assume Node streams and the Worker only has Web streams.
 * Memory stays bounded by one record (plus one decoded chunk), whatever the body size.
 */

export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

export interface CsvOptions {
  /** Longer fields turn their record into an error record. Default 10 000. */
  maxFieldChars?: number;
  /** Data records (after the header) read before one "too many records" error ends the stream. */
  maxRecords?: number;
}

const QUOTE = 34; // "
const CR = 13;
const LF = 10;
const DELIMITERS = { ",": 44, ";": 59, "\t": 9 };

// The header is scanned for its delimiter before parsing, from the start on each chunk until its line
// end arrives; past this length (a header has a few hundred) the counts so far decide.
const HEADER_SCAN_CHARS = 8192;

// Parser states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted field: either the first of a `""` pair or the closing quote. */
const QUOTE_IN_QUOTED = 3;

/**
 * The records of a CSV body, each with the 1-based physical line it starts on (the header is line 1),
 * so that a reason points at the line a spreadsheet user sees. Blank lines are skipped; a broken
 * record (oversized field, unterminated quote) is yielded as `{ line, error }` and reading goes on.
 * Leaving the iteration early cancels the body.
 */
export async function* csvRecords(body: ReadableStream<Uint8Array>, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const maxRecords = opts.maxRecords ?? Number.POSITIVE_INFINITY;
  const reader = body.getReader();
  // Non-fatal: a stray Latin-1 byte becomes U+FFFD in that one field instead of failing the file.
  // The decoder drops a leading BOM by itself (ignoreBOM defaults to false).
  const decoder = new TextDecoder();
  let parser: CsvParser | undefined;
  let head = ""; // decoded text held back until the header's delimiter is known
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      let text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (!parser) {
        head += text;
        const delimiter = headerDelimiter(head, done);
        if (delimiter === undefined) continue;
        parser = new CsvParser(delimiter, opts.maxFieldChars ?? 10_000);
        text = head;
        head = "";
      }
      parser.feed(text);
      if (done) parser.end();
      for (const rec of parser.take()) {
        // The header is record 0.
        if (seen++ > maxRecords) {
          yield { line: rec.line, error: `too many records (max ${maxRecords})` };
          return;
        }
        yield rec;
      }
      if (done) return;
    }
  } finally {
    // Stops the upload when the consumer leaves early; a no-op on a finished body.
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The delimiter of the header (the first non-blank line): ';' (Brazilian spreadsheets) or tab when it
 * outnumbers ',' there outside quotes, else ','. undefined while the header's end has not arrived.
 */
function headerDelimiter(text: string, final: boolean): number | undefined {
  const count = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  let blank = true;
  let i = 0;
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    // Each quote toggles, so a `""` escape toggles twice and changes nothing.
    if (ch === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (ch === "\n" || ch === "\r") {
      if (!blank) break;
      continue;
    } else if (ch === "," || ch === ";" || ch === "\t") count[ch]++;
    if (ch.trim() !== "") blank = false;
  }
  if (i === text.length && !final && text.length < HEADER_SCAN_CHARS) return undefined;
  if (count["\t"] > count[","] && count["\t"] > count[";"]) return DELIMITERS["\t"];
  return count[";"] > count[","] ? DELIMITERS[";"] : DELIMITERS[","];
}

/**
 * The RFC 4180 state machine, fed decoded text chunk by chunk. Field text is taken as slices of the
 * chunk; only a field that spans chunks (or holds a `""`) is concatenated, once per piece.
 */
class CsvParser {
  private state = FIELD_START;
  private fields: string[] = [];
  private field = ""; // the current field's text from earlier pieces
  private oversized = false;
  private line = 1; // physical line at the cursor
  private recordLine = 1;
  private prevCR = false; // a CR just passed: an LF right after it ends no further line
  private out: CsvRecord[] = [];

  constructor(
    private readonly delimiter: number,
    private readonly maxFieldChars: number,
  ) {}

  feed(s: string): void {
    const delimiter = this.delimiter;
    let state = this.state;
    let prevCR = this.prevCR;
    let start = 0; // where the current field's text begins in `s`
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const crlfTail = c === LF && prevCR;
      prevCR = c === CR;
      if (state === QUOTED) {
        if (c === QUOTE) {
          this.append(s, start, i);
          state = QUOTE_IN_QUOTED;
        } else if (c === CR || (c === LF && !crlfTail)) this.line++;
        continue;
      }
      if (state === QUOTE_IN_QUOTED) {
        start = i;
        // `""`: the second quote starts the next piece of the field.
        if (c === QUOTE) {
          state = QUOTED;
          continue;
        }
        // Text after a closing quote (`"a"b`) is kept as if unquoted rather than rejected.
        state = UNQUOTED;
      }
      if (c === delimiter) {
        this.append(s, start, i);
        this.fields.push(this.field);
        this.field = "";
        state = FIELD_START;
        start = i + 1;
      } else if (c === CR || c === LF) {
        // The LF of a CRLF: the record and the line were both ended at the CR.
        if (!crlfTail) {
          this.append(s, start, i);
          this.endRecord();
        }
        state = FIELD_START;
        start = i + 1;
      } else if (state === FIELD_START) {
        state = c === QUOTE ? QUOTED : UNQUOTED;
        start = c === QUOTE ? i + 1 : i;
      }
    }
    if (state === QUOTED || state === UNQUOTED) this.append(s, start, s.length);
    this.state = state;
    this.prevCR = prevCR;
  }

  /** End of input: the last record needs no line end; an open quote is an error. */
  end(): void {
    if (this.state === QUOTED) this.out.push({ line: this.recordLine, error: "unterminated quoted field" });
    else this.endRecord();
  }

  /** The records completed since the last call. */
  take(): CsvRecord[] {
    const done = this.out;
    this.out = [];
    return done;
  }

  private append(s: string, from: number, to: number): void {
    if (this.oversized || to <= from) return;
    if (this.field.length + (to - from) > this.maxFieldChars) {
      // Dropped rather than kept: the record is reported, and memory stays bounded.
      this.oversized = true;
      this.field = "";
    } else {
      this.field += s.slice(from, to);
    }
  }

  private endRecord(): void {
    const fields = this.fields;
    fields.push(this.field);
    if (this.oversized) {
      this.out.push({ line: this.recordLine, error: `field longer than ${this.maxFieldChars} characters` });
    } else if (fields.length > 1 || (fields[0] ?? "").trim() !== "") {
      this.out.push({ line: this.recordLine, fields });
    }
    this.fields = [];
    this.field = "";
    this.oversized = false;
    this.line++;
    this.recordLine = this.line;
  }
}
