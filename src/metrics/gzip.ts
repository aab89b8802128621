/**
 * Gzip for /metrics without compressing megabytes per scrape. A gzip file may be several members one
 * after another (RFC 1952 §2.2) and readers decompress them as one text (Prometheus: Go's
 * compress/gzip is multistream by default; Node's zlib and curl too). So each piece of a scrape is
 * compressed once, when its text changes, and a scrape sends the concatenated members as they are.
 */
import { gzipSync } from "node:zlib";
import type { AggregateGzipExposition } from "./push";

/**
 * Tenant ids per block: a family's lines are cut in blocks of this many tenants, each its own member,
 * so a change re-compresses one block, not the family. 64 costs ~7 % in size over one member (bench).
 */
export const BLOCK_TENANTS = 64;

/** The block of an aggregate owner (`company:<id>`); anything else (the unattributed bucket) is block -1. */
export function ownerBlock(owner: string): number {
  const id = /^company:(\d+)$/.exec(owner)?.[1];
  return id === undefined ? -1 : tenantBlock(Number(id));
}

export const tenantBlock = (companyId: number): number => Math.floor(companyId / BLOCK_TENANTS);

/** One gzip member of `text`, as a plain Uint8Array of its own (so RPC copies these bytes only). */
export function gzipMember(text: string): Uint8Array<ArrayBuffer> {
  const out = gzipSync(text);
  return new Uint8Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const p of parts) length += p.byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Per family, its members one after another in one buffer (one array for RPC to copy). */
export function packMembers(families: Readonly<Record<string, readonly Uint8Array[]>>): AggregateGzipExposition {
  const parts: Uint8Array[] = [];
  const ranges: AggregateGzipExposition["families"] = {};
  let at = 0;
  for (const [name, members] of Object.entries(families)) {
    const start = at;
    for (const m of members) {
      parts.push(m);
      at += m.byteLength;
    }
    ranges[name] = { start, end: at };
  }
  return { bytes: concatBytes(parts), families: ranges };
}

/**
 * Gzip members remembered by key and compressed again only when the key's text changed. A round
 * (one scrape) keeps only the keys it used, so blocks of deleted tenants do not linger. The text is
 * compared, not trusted to a version: a cache hit is always the compression of the current text.
 */
export class GzipMemo {
  private previous = new Map<string, { text: string; gzip: Uint8Array<ArrayBuffer> }>();
  private used = new Map<string, { text: string; gzip: Uint8Array<ArrayBuffer> }>();
  /** Members compressed since the memo was made (tests and the bench read it). */
  compressions = 0;

  member(key: string, text: string): Uint8Array<ArrayBuffer> {
    const known = this.used.get(key) ?? this.previous.get(key);
    if (known?.text === text) {
      this.used.set(key, known);
      return known.gzip;
    }
    const entry = { text, gzip: gzipMember(text) };
    this.compressions++;
    this.used.set(key, entry);
    return entry.gzip;
  }

  endRound(): void {
    this.previous = this.used;
    this.used = new Map();
  }
}
