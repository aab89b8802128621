import { describe, expect, it } from "vitest";
import { csvRecords, type CsvOptions, type CsvRecord } from "../../src/scheduling/csv";
import { parseRow, readHeader } from "../../src/scheduling/import-rows";
import type { ColumnMap, ImportRow } from "../../src/scheduling/import-rows";

const SP = "America/Sao_Paulo";
const NY = "America/New_York";

/** A body delivered in chunks of `size` bytes (1 = every byte its own chunk). */
function body(input: string | Uint8Array, size = 65_536): ReadableStream<Uint8Array> {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function records(input: string | Uint8Array, opts?: CsvOptions & { chunk?: number }): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const rec of csvRecords(body(input, opts?.chunk), opts)) out.push(rec);
  return out;
}

const HEADER = "external_id,contact,booked_at,starts_at,ends_at,status";

function columnsOf(header: string, requireStatus = true): ColumnMap {
  const h = readHeader(header.split(","), { requireStatus });
  if (!h.ok) throw new Error(`bad header: ${JSON.stringify(h)}`);
  return h.columns;
}

type Parsed = ReturnType<typeof parseRow>;

/** One data row under `header` (fields split on ','), in São Paulo unless told. */
function parse(fields: string, header = HEADER, opts: { timeZone?: string; requireStatus?: boolean } = {}): Parsed {
  const requireStatus = opts.requireStatus ?? true;
  return parseRow(columnsOf(header, requireStatus), { line: 7, fields: fields.split(",") }, { timeZone: opts.timeZone ?? SP, requireStatus });
}

function row(p: Parsed): ImportRow {
  if (!p.ok) throw new Error(`line ${p.line}: ${p.reason}`);
  return p.row;
}

function reason(p: Parsed): string {
  if (p.ok) throw new Error(`expected a reason, got ${JSON.stringify(p.row)}`);
  expect(p.line).toBe(7);
  return p.reason;
}

const BASE = "a1,42,2026-02-20T10:00:00-03:00,2026-03-02T14:00:00-03:00,2026-03-02T14:30:00-03:00,attended";

/** BASE with field `i` replaced. */
function withField(i: number, value: string, fields = BASE): string {
  const f = fields.split(",");
  f[i] = value;
  return f.join(",");
}

describe("csvRecords", () => {
  it('decodes and parses the same when every byte arrives alone (é, CRLF, "", BOM)', async () => {
    const text = '\uFEFFnome,"obs"\r\nJosé,"diz ""olá"", tchau"\r\n"a\r\nb",ç\r\n';
    const expected = [
      { line: 1, fields: ["nome", "obs"] },
      { line: 2, fields: ["José", 'diz "olá", tchau'] },
      { line: 3, fields: ["a\r\nb", "ç"] },
    ];
    expect(await records(text)).toEqual(expected);
    expect(await records(text, { chunk: 1 })).toEqual(expected);
    expect(await records(text, { chunk: 2 })).toEqual(expected);
  });

  it("counts the newlines inside quoted fields in the line numbers (LF, CRLF, lone CR)", async () => {
    const text = 'h1,h2\n"x\ny",1\n2,3\r\n"p\r\nq\rr",4\r5,6';
    expect(await records(text, { chunk: 3 })).toEqual([
      { line: 1, fields: ["h1", "h2"] },
      { line: 2, fields: ["x\ny", "1"] },
      { line: 4, fields: ["2", "3"] },
      { line: 5, fields: ["p\r\nq\rr", "4"] },
      { line: 8, fields: ["5", "6"] },
    ]);
  });

  it("drops a UTF-8 BOM so the first header name is clean", async () => {
    const [header] = await records("\uFEFFexternal_id,contact\n1,2\n");
    expect(header).toEqual({ line: 1, fields: ["external_id", "contact"] });
  });

  it("detects ';' and tab from the header, and keeps ',' otherwise", async () => {
    expect(await records('a;b;"c,d,e"\n1;"2;3";x,y\n')).toEqual([
      { line: 1, fields: ["a", "b", "c,d,e"] },
      { line: 2, fields: ["1", "2;3", "x,y"] },
    ]);
    expect(await records("a\tb,c\tz\n1\t2\t3\n")).toEqual([
      { line: 1, fields: ["a", "b,c", "z"] },
      { line: 2, fields: ["1", "2", "3"] },
    ]);
    expect(await records("a,b;c,d\n1,2;3,4\n")).toEqual([
      { line: 1, fields: ["a", "b;c", "d"] },
      { line: 2, fields: ["1", "2;3", "4"] },
    ]);
    // Leading blank lines do not make the header look delimiter-free.
    expect(await records("\r\n\na;b\n1;2", { chunk: 1 })).toEqual([
      { line: 3, fields: ["a", "b"] },
      { line: 4, fields: ["1", "2"] },
    ]);
  });

  it("reports one unterminated quote at EOF at the line where its record starts", async () => {
    expect(await records('a,b\n1,2\n3,"open\n4,5\n')).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "2"] },
      { line: 3, error: "unterminated quoted field" },
    ]);
  });

  it("turns an oversized field into an error record and goes on with the next record", async () => {
    const text = 'a,b\n1,123456\n2,3\n"1234\n567",x\n4,5\n';
    const expected = [
      { line: 1, fields: ["a", "b"] },
      { line: 2, error: "field longer than 5 characters" },
      { line: 3, fields: ["2", "3"] },
      { line: 4, error: "field longer than 5 characters" },
      { line: 6, fields: ["4", "5"] },
    ];
    expect(await records(text, { maxFieldChars: 5 })).toEqual(expected);
    expect(await records(text, { maxFieldChars: 5, chunk: 1 })).toEqual(expected);
    expect(await records("a\n12345\n", { maxFieldChars: 5 })).toEqual([
      { line: 1, fields: ["a"] },
      { line: 2, fields: ["12345"] },
    ]);
  });

  it("skips blank and whitespace-only lines, keeps empty fields, needs no final line end", async () => {
    expect(await records("a,b\n\n  \t \r\n1,\n,\n\n2,3")).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 4, fields: ["1", ""] },
      { line: 5, fields: ["", ""] },
      { line: 7, fields: ["2", "3"] },
    ]);
  });

  it("keeps text after a closing quote instead of rejecting the field", async () => {
    expect(await records('a,b\n"x"y,2\n')).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["xy", "2"] },
    ]);
  });

  it("stops after maxRecords data records and cancels the body", async () => {
    let cancelled = false;
    const lines = ["h", "1", "2", "3", "4"].map((l) => `${l}\n`);
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const l = lines.shift();
        if (l === undefined) c.close();
        else c.enqueue(new TextEncoder().encode(l));
      },
      cancel() {
        cancelled = true;
      },
    });
    const out: CsvRecord[] = [];
    for await (const rec of csvRecords(stream, { maxRecords: 2 })) out.push(rec);
    expect(out).toEqual([
      { line: 1, fields: ["h"] },
      { line: 2, fields: ["1"] },
      { line: 3, fields: ["2"] },
      { line: 4, error: "too many records (max 2)" },
    ]);
    expect(cancelled).toBe(true);
  });

  it("streams 100k rows (~10 MB) through records, header and rows", async () => {
    const n = 100_000;
    const lines = [`${HEADER},reminder_sent,confirmed,attr_price,attr_kind,notes`];
    for (let i = 0; i < n; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      lines.push(
        `ext-${i},+55 11 9${String(8000_0000 + (i % 1000)).padStart(8, "0")},2026-02-${day}T09:00:00-03:00,` +
          `${day}/03/2026 14:00,2026-03-${day}T14:30:00-03:00,attended,sim,0,${i % 500},"kind ${i % 7}","free text, ${"x".repeat(16)}"`,
      );
    }
    const csv = lines.join("\r\n");
    expect(csv.length).toBeGreaterThan(10_000_000);
    let columns: ColumnMap | undefined;
    let count = 0;
    let last: ImportRow | undefined;
    for await (const rec of csvRecords(body(csv))) {
      if ("error" in rec) throw new Error(rec.error);
      if (!columns) {
        const h = readHeader(rec.fields, { requireStatus: true });
        if (!h.ok) throw new Error("bad header");
        columns = h.columns;
        continue;
      }
      const p = parseRow(columns, rec, { timeZone: SP, requireStatus: true });
      last = row(p);
      count++;
    }
    expect(count).toBe(n);
    const day = String(1 + ((n - 1) % 28)).padStart(2, "0");
    expect(last).toEqual({
      line: n + 1,
      externalId: `ext-${n - 1}`,
      contact: { phone: "5511980000999" },
      bookedAt: Date.parse(`2026-02-${day}T12:00:00Z`),
      startsAt: Date.parse(`2026-03-${day}T17:00:00Z`),
      endsAt: Date.parse(`2026-03-${day}T17:30:00Z`),
      status: "attended",
      reminderSent: true,
      reminderAnswered: undefined,
      confirmed: false,
      attrs: { price: (n - 1) % 500, kind: `kind ${(n - 1) % 7}` },
    });
  });
});

describe("readHeader", () => {
  it("maps trimmed, lower-cased names; lists ignored columns; reads attr_ columns", () => {
    const h = readHeader([" External_ID ", "CONTACT", "booked_at", "starts_at", "ends_at", "Status", "notes", "attr_Plan", "attr_", "attr_médico", "", "Confirmed"], {
      requireStatus: true,
    });
    expect(h).toEqual({
      ok: true,
      columns: {
        width: 12,
        externalId: 0,
        contact: 1,
        bookedAt: 2,
        startsAt: 3,
        endsAt: 4,
        status: 5,
        reminderSent: undefined,
        reminderAnswered: undefined,
        confirmed: 11,
        lastContactAt: undefined,
        attrs: [["plan", 7]],
      },
      ignored: ["notes", "attr_", "attr_médico"],
    });
  });

  it("names the missing and duplicated columns", () => {
    expect(readHeader(["external_id", "Contact", "contact ", "starts_at", "attr_x", "attr_X", "notes", "notes"], { requireStatus: true })).toEqual({
      ok: false,
      missing: ["booked_at", "ends_at", "status"],
      duplicate: ["contact", "attr_x"],
    });
  });

  it("requires status only for the import; the risk batch ignores it", () => {
    const fields = ["external_id", "contact", "booked_at", "starts_at", "ends_at"];
    expect(readHeader(fields, { requireStatus: true })).toEqual({ ok: false, missing: ["status"], duplicate: [] });
    expect(readHeader(fields, { requireStatus: false }).ok).toBe(true);
    const h = readHeader([...fields, "status"], { requireStatus: false });
    expect(h.ok && h.ignored).toEqual(["status"]);
    expect(h.ok && h.columns.status).toBeUndefined();
    expect(row(parse(BASE, HEADER, { requireStatus: false })).status).toBeUndefined();
  });
});

describe("parseRow", () => {
  it("reads a full row", () => {
    const header = `${HEADER},reminder_sent,reminder_answered,confirmed,last_contact_at,attr_price,attr_plan,attr_empty`;
    const p = parseRow(
      columnsOf(header),
      { line: 7, fields: [...BASE.split(","), "yes", "NÃO", "1", "2026-03-01 09:15", "3,5", " Gold ", ""] },
      { timeZone: SP, requireStatus: true },
    );
    expect(row(p)).toEqual({
      line: 7,
      externalId: "a1",
      contact: { contactId: 42 },
      bookedAt: Date.parse("2026-02-20T13:00:00Z"),
      startsAt: Date.parse("2026-03-02T17:00:00Z"),
      endsAt: Date.parse("2026-03-02T17:30:00Z"),
      status: "attended",
      reminderSent: true,
      reminderAnswered: false,
      confirmed: true,
      lastContactAt: Date.parse("2026-03-01T12:15:00Z"),
      attrs: { price: 3.5, plan: "Gold" },
    });
  });

  it("rejects a record whose field count differs from the header's", () => {
    expect(reason(parse("a1,42,x,y,z"))).toBe("expected 6 fields, found 5");
    expect(reason(parse(`${BASE},extra`))).toBe("expected 6 fields, found 7");
  });

  it("takes external_id of 1–200 characters", () => {
    expect(row(parse(withField(0, ` ${"x".repeat(200)} `))).externalId).toHaveLength(200);
    expect(reason(parse(withField(0, "  ")))).toBe("external_id: must be 1–200 characters");
    expect(reason(parse(withField(0, "y".repeat(201))))).toBe("external_id: must be 1–200 characters");
  });

  it("reads contact as a contact id (1–9 digits) or a normalised phone", () => {
    const contact = (v: string) => parse(withField(1, v));
    expect(row(contact(" 123456789 ")).contact).toEqual({ contactId: 123456789 });
    expect(row(contact("+55 (11) 98765-4321")).contact).toEqual({ phone: "5511987654321" });
    expect(row(contact("(11) 8765.4321")).contact).toEqual({ phone: "5511987654321" });
    expect(row(contact("+1 212 555 0100")).contact).toEqual({ phone: "12125550100" });
    for (const bad of ["8765-4321", "1234567890123456789", "0", "ana@example.com", "", "(00) 0000-0000"]) {
      expect(reason(contact(bad))).toBe(`contact must be a phone number or a contact id (${JSON.stringify(bad)})`);
    }
  });

  it("reads ISO instants with an offset or Z, and wall times in the tenant zone", () => {
    const startsAt = (v: string, timeZone = SP) => row(parse(withField(3, v, withField(4, "2030-01-01T00:00Z")), HEADER, { timeZone })).startsAt;
    const at = Date.parse("2026-03-02T17:00:00Z");
    expect(startsAt("2026-03-02T14:00:00-03:00")).toBe(at);
    expect(startsAt("2026-03-02T17:00:00Z")).toBe(at);
    expect(startsAt("2026-03-02t22:30+0530")).toBe(at);
    expect(startsAt("2026-03-02T17:00:00.25Z")).toBe(at + 250);
    expect(startsAt("2026-03-02 14:00")).toBe(at);
    expect(startsAt("2026-03-02T14:00")).toBe(at);
    expect(startsAt("2026-03-02 14:00:30")).toBe(at + 30_000);
    expect(startsAt("02/03/2026 14:00")).toBe(at);
    expect(startsAt("2/3/2026 14:00:30")).toBe(at + 30_000);
    expect(startsAt("2026-03-02")).toBe(Date.parse("2026-03-02T03:00:00Z"));
    expect(startsAt("02/03/2026")).toBe(Date.parse("2026-03-02T03:00:00Z"));
    expect(startsAt("2026-03-09 08:00", NY)).toBe(Date.parse("2026-03-09T12:00:00Z"));
    // Days with a clock change: either side of the jump, and the first of a repeated hour.
    expect(startsAt("2026-03-08 01:59", NY)).toBe(Date.parse("2026-03-08T06:59:00Z"));
    expect(startsAt("2026-03-08 03:00", NY)).toBe(Date.parse("2026-03-08T07:00:00Z"));
    expect(startsAt("2026-11-01 01:30", NY)).toBe(Date.parse("2026-11-01T05:30:00Z"));
    expect(startsAt("2026-11-01 02:30", NY)).toBe(Date.parse("2026-11-01T07:30:00Z"));
  });

  it("names the column of an impossible, malformed, missing or non-existent instant", () => {
    expect(reason(parse(withField(3, "31/02/2026 10:00")))).toBe('starts_at: not a date ("31/02/2026 10:00")');
    expect(reason(parse(withField(3, "2026-02-29")))).toBe('starts_at: not a date ("2026-02-29")');
    expect(reason(parse(withField(4, "2026-03-02 24:00")))).toBe('ends_at: not a date ("2026-03-02 24:00")');
    expect(reason(parse(withField(2, "2026-03-02T14:00+15:00")))).toBe('booked_at: not a date ("2026-03-02T14:00+15:00")');
    expect(reason(parse(withField(2, "yesterday")))).toBe('booked_at: not a date ("yesterday")');
    expect(reason(parse(withField(2, "03/02/26")))).toBe('booked_at: not a date ("03/02/26")');
    expect(reason(parse(withField(2, "")))).toBe("booked_at: missing");
    const gap = parse(withField(3, "2026-03-08 02:30", withField(4, "2026-03-08T12:00Z")), HEADER, { timeZone: NY });
    expect(reason(gap)).toBe("starts_at: 2026-03-08 02:30 does not exist in America/New_York (clock change)");
  });

  it("checks ends_at against starts_at and booked_at against starts_at", () => {
    expect(reason(parse(withField(4, "2026-03-02T16:59:59Z")))).toBe("ends_at is before starts_at");
    expect(row(parse(withField(4, "2026-03-02T17:00:00Z"))).endsAt).toBe(Date.parse("2026-03-02T17:00:00Z"));
    expect(reason(parse(withField(2, "2026-03-02 14:01")))).toBe("booked_at is after starts_at");
    expect(row(parse(withField(2, "2026-03-02 14:00"))).bookedAt).toBe(Date.parse("2026-03-02T17:00:00Z"));
  });

  it("reads status case-insensitively, with no-show spellings, and rejects others", () => {
    const status = (v: string) => parse(withField(5, v));
    expect(row(status(" Attended ")).status).toBe("attended");
    for (const v of ["no_show", "No-Show", "NOSHOW", "no show"]) expect(row(status(v)).status).toBe("no_show");
    for (const v of ["scheduled", "confirmed", "cancelled"]) expect(row(status(v.toUpperCase())).status).toBe(v);
    expect(reason(status("done"))).toBe('status: must be one of scheduled, confirmed, attended, no_show, cancelled ("done")');
    expect(reason(status(""))).toBe('status: must be one of scheduled, confirmed, attended, no_show, cancelled ("")');
  });

  it("reads yes/no columns in English and Portuguese; empty is false, or unknown for reminder_answered", () => {
    const header = `${HEADER},reminder_sent,reminder_answered,confirmed`;
    const flags = (sent: string, answered: string, confirmed: string) => parse(`${BASE},${sent},${answered},${confirmed}`, header);
    for (const v of ["true", "1", "YES", "y", "Sim", "s"]) {
      expect(row(flags(v, v, v))).toMatchObject({ reminderSent: true, reminderAnswered: true, confirmed: true });
    }
    for (const v of ["false", "0", "No", "n", "NÃO", "nao"]) {
      expect(row(flags(v, v, v))).toMatchObject({ reminderSent: false, reminderAnswered: false, confirmed: false });
    }
    const empty = row(flags("", " ", ""));
    expect(empty).toMatchObject({ reminderSent: false, confirmed: false });
    expect(empty.reminderAnswered).toBeUndefined();
    expect(row(parse(BASE))).toMatchObject({ reminderSent: false, confirmed: false });
    expect(reason(flags("talvez", "", ""))).toBe('reminder_sent: not a yes/no value ("talvez")');
    expect(reason(flags("", "2", ""))).toBe('reminder_answered: not a yes/no value ("2")');
    expect(reason(flags("", "", "ok"))).toBe('confirmed: not a yes/no value ("ok")');
  });

  it("reads last_contact_at as an optional instant", () => {
    const header = `${HEADER},last_contact_at`;
    expect(row(parse(`${BASE},`, header)).lastContactAt).toBeUndefined();
    expect(row(parse(`${BASE},01/03/2026 09:00`, header)).lastContactAt).toBe(Date.parse("2026-03-01T12:00:00Z"));
    expect(reason(parse(`${BASE},31/04/2026`, header))).toBe('last_contact_at: not a date ("31/04/2026")');
  });

  it("reads attr_ values as numbers (decimal comma too) or trimmed categories, omitting empty ones", () => {
    const attrs = (...values: string[]) => {
      const header = `${HEADER},${values.map((_, i) => `attr_a${i}`).join(",")}`;
      return parseRow(columnsOf(header), { line: 7, fields: [...BASE.split(","), ...values] }, { timeZone: SP, requireStatus: true });
    };
    expect(row(attrs("-12", "3.5", "3,5", "007", "", "  ", " VIP ", "1.000,50", "1e3", "R$ 10")).attrs).toEqual({
      a0: -12,
      a1: 3.5,
      a2: 3.5,
      a3: 7,
      a6: "VIP",
      a7: "1.000,50",
      a8: "1e3",
      a9: "R$ 10",
    });
    expect(row(attrs("x".repeat(200))).attrs.a0).toHaveLength(200);
    expect(reason(attrs("ok", "x".repeat(201)))).toBe("attr_a1: longer than 200 characters");
  });
});
