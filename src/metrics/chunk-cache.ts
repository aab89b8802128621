/**
 * The aggregate's pre-rendered chunks in memory (src/metrics/chunks.ts), arranged so a scrape moves
 * bytes it already has. Per family, owners are grouped in blocks of tenant ids (src/metrics/gzip.ts);
 * a block keeps its text with the company labels put in and, once asked for, that text as one gzip
 * member. Both are built again only when one of the block's chunks changed (a push) or one of its
 * labels did (a rename, a deleted tenant): a scrape of unchanged data compresses nothing.
 */
import { gzipMember, ownerBlock } from "./gzip";
import { COMPANY_SLOT } from "./render";

interface CachedChunk {
  /** The chunk as stored. */
  raw: string;
  /** The same text cut at each COMPANY_SLOT. */
  pieces: string[];
}

interface Block {
  chunks: Map<string, CachedChunk>;
  /** The lines of the block's owners that have a label, built with labels of version `labelsVersion`. */
  text?: string;
  labelsVersion: number;
  gzip?: Uint8Array;
}

interface Family {
  blocks: Map<number, Block>;
  /** Block ids ascending: the order of the lines, the same on the plain and the gzip path. */
  order?: number[];
}

/**
 * ~2× the chunks' size in memory, plus the members (8 MB and ~160 KB at 1,000 tenants). The SQLite
 * table stays the durable copy; this is loaded from it when the object starts and updated after each
 * committed push.
 */
export class ChunkCache {
  private readonly families = new Map<string, Family>();
  /** Per block, the labels it was last asked for (owner=label lines) and a number that changes with them. */
  private readonly blockLabels = new Map<number, { signature: string; version: number }>();
  private labelsVersions = 0;
  private lastLabels: { labels: Readonly<Record<string, string>>; versions: Map<number, number> } | undefined;

  set(metric: string, owner: string, text: string | undefined): void {
    let family = this.families.get(metric);
    const id = ownerBlock(owner);
    const block = family?.blocks.get(id);
    if (text === undefined) {
      if (!family || !block?.chunks.delete(owner)) return;
      this.invalidate(block);
      if (block.chunks.size === 0) {
        family.blocks.delete(id);
        family.order = undefined;
      }
      return;
    }
    if (!family) {
      family = { blocks: new Map() };
      this.families.set(metric, family);
    }
    const target = block ?? { chunks: new Map(), labelsVersion: -1 };
    if (!block) {
      family.blocks.set(id, target);
      family.order = undefined;
    }
    target.chunks.set(owner, { raw: text, pieces: text.split(COMPANY_SLOT) });
    this.invalidate(target);
  }

  /** The chunk as stored, if there is one. */
  get(metric: string, owner: string): string | undefined {
    return this.families.get(metric)?.blocks.get(ownerBlock(owner))?.chunks.get(owner)?.raw;
  }

  /** Per family, the lines of the owners `labels` names (owner → escaped company label); the others are left out. */
  exposition(labels: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    this.eachFamily(labels, (metric, blocks) => {
      const text = blocks.map((b) => b.text ?? "").join("");
      if (text !== "") out[metric] = text;
    });
    return out;
  }

  /** The same lines as `exposition`, as gzip members: per family, its blocks' members one after another. */
  gzipExposition(labels: Readonly<Record<string, string>>): Record<string, Uint8Array[]> {
    const out: Record<string, Uint8Array[]> = {};
    this.eachFamily(labels, (metric, blocks) => {
      const members: Uint8Array[] = [];
      for (const b of blocks) {
        if (b.text === undefined || b.text === "") continue;
        b.gzip ??= gzipMember(b.text);
        members.push(b.gzip);
      }
      if (members.length > 0) out[metric] = members;
    });
    return out;
  }

  private invalidate(block: Block): void {
    block.text = undefined;
    block.gzip = undefined;
  }

  /** Every family's blocks in order, each block's text current for `labels`. */
  private eachFamily(labels: Readonly<Record<string, string>>, visit: (metric: string, blocks: Block[]) => void): void {
    const versions = this.labelVersions(labels);
    for (const [metric, family] of this.families) {
      family.order ??= [...family.blocks.keys()].sort((a, b) => a - b);
      const blocks: Block[] = [];
      for (const id of family.order) {
        const block = family.blocks.get(id);
        if (!block) continue;
        const version = versions.get(id) ?? 0;
        if (block.text === undefined || block.labelsVersion !== version) {
          let text = "";
          for (const [owner, chunk] of block.chunks) {
            const label = Object.hasOwn(labels, owner) ? labels[owner] : undefined;
            if (label !== undefined) text += chunk.pieces.join(label);
          }
          if (text !== block.text) block.gzip = undefined;
          block.text = text;
          block.labelsVersion = version;
        }
        blocks.push(block);
      }
      visit(metric, blocks);
    }
  }

  /**
   * Block id → a number that changes whenever the labels of the block's owners do (version 0: a
   * block none of whose owners has a label). One pass over the labels per scrape, not one per family.
   */
  private labelVersions(labels: Readonly<Record<string, string>>): Map<number, number> {
    // The same labels object as last time (the aggregate's own, until a refresh replaces it): same versions.
    if (labels === this.lastLabels?.labels) return this.lastLabels.versions;
    const versions = this.computeLabelVersions(labels);
    this.lastLabels = { labels, versions };
    return versions;
  }

  private computeLabelVersions(labels: Readonly<Record<string, string>>): Map<number, number> {
    const signatures = new Map<number, string>();
    for (const owner of Object.keys(labels)) {
      const id = ownerBlock(owner);
      signatures.set(id, `${signatures.get(id) ?? ""}${owner}=${labels[owner]}\n`);
    }
    const versions = new Map<number, number>();
    for (const [id, signature] of signatures) {
      let known = this.blockLabels.get(id);
      if (known?.signature !== signature) {
        known = { signature, version: ++this.labelsVersions };
        this.blockLabels.set(id, known);
      }
      versions.set(id, known.version);
    }
    // A block whose owners all lost their label: forget it, so it is version 0 (nothing labelled).
    for (const id of this.blockLabels.keys()) if (!signatures.has(id)) this.blockLabels.delete(id);
    return versions;
  }
}
