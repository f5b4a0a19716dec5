/**
 * HDF5 1.10's chunk indexes, read from a file's bytes for the direct reader (`direct-read.ts`): a single chunk, the
 * fixed array (chunked datasets of a fixed shape) and the extensible array (one growing axis: the index of SWMR and
 * live files, and of h5py's `libver="latest"`). Each gives a chunk's address, stored size and filter mask from its
 * linear index (C order over the chunk grid). What is not read here (implicit and version 2 B-tree indexes) is left
 * to h5wasm: the parser gives undefined, or the lookup throws.
 */
import { readUint } from "./object-header.js";

/** What a chunk index gives of a chunk. */
export interface ChunkEntry {
  address: number;
  size: number;
  mask: number;
}

/** How a file's bytes are read. */
export interface IndexBytes {
  read(position: number, length: number): Uint8Array;
}

/** A version 1.10 chunk index, as the layout message (version 4) describes it. */
export type ChunkIndex =
  | { kind: "single"; address: number; filteredSize?: number; mask: number }
  | { kind: "fixed"; header: number }
  | { kind: "extensible"; header: number };

const UNDEFINED = 2 ** 64 - 1;

/**
 * The index a version 4 chunked layout names, from the bytes after its dimensions (`at`: the index type), or
 * undefined when tsnwb does not read it. `filtered` is the layout's flag for a single chunk that went through filters.
 */
export function parseChunkIndex(body: Uint8Array, at: number, filtered: boolean): ChunkIndex | undefined {
  const type = body[at]!;
  if (type === 1) {
    if (filtered) return { kind: "single", filteredSize: readUint(body, at + 1, 8), mask: readUint(body, at + 9, 4), address: readUint(body, at + 13, 8) };
    return { kind: "single", address: readUint(body, at + 1, 8), mask: 0 };
  }
  const header = type === 3 ? readUint(body, at + 2, 8) : type === 4 ? readUint(body, at + 6, 8) : undefined;
  // An array index HDF5 has not made yet (it does with the first chunk written) holds no chunk: as a single chunk
  // never written.
  if (header === UNDEFINED) return { kind: "single", address: UNDEFINED, mask: 0 };
  if (type === 3) return { kind: "fixed", header: header! };
  if (type === 4) return { kind: "extensible", header: header! };
  return undefined;
}

/** Looks chunks up in one index, keeping the blocks it has read. */
export class ChunkIndexReader {
  private readonly blocks = new Map<number, Uint8Array>();
  private fixed?: { elementBytes: number; filtered: boolean; count: number; pageElements: number; dataBlock: number; prefix: number; paged: boolean };
  private extensible?: ExtensibleArray;

  constructor(private readonly file: IndexBytes, private readonly index: ChunkIndex, private readonly chunkBytes: number) {}

  /** The chunk at linear index `i`; undefined when it was never written. */
  find(i: number): ChunkEntry | undefined {
    const index = this.index;
    if (index.kind === "single") {
      if (i !== 0 || index.address === UNDEFINED) return undefined;
      return { address: index.address, size: index.filteredSize ?? this.chunkBytes, mask: index.mask };
    }
    if (index.kind === "fixed") return this.findFixed(index.header, i);
    const at = this.extensibleArray(index.header).elementAt(i);
    return "next" in at ? undefined : this.entry(at.block, at.offset, this.extensible!.elementBytes, this.extensible!.filtered);
  }

  private extensibleArray(header: number): ExtensibleArray {
    this.extensible ??= new ExtensibleArray(this.file, header, this.blocks);
    return this.extensible;
  }

  /**
   * The linear indices below `total` of the chunks written, in order: a fixed array's pages never written are passed
   * over whole (a sparse dataset's index is mostly such pages).
   */
  written(total: number): number[] {
    const index = this.index;
    const out: number[] = [];
    if (index.kind === "fixed") {
      const f = this.fixedArray(index.header);
      const end = Math.min(total, f.count);
      if (f.dataBlock === UNDEFINED) return out;
      const block = keptBlock(this.file, this.blocks, f.dataBlock, f.paged ? f.prefix : f.prefix + f.count * f.elementBytes + 4, "FADB");
      const pageElements = f.paged ? f.pageElements : f.count;
      for (let page = 0; page * pageElements < end; page++) {
        if (f.paged && !pageWritten(block, 14, page)) continue;
        const first = page * pageElements;
        const n = Math.min(pageElements, end - first);
        const bytes = f.paged ? this.file.read(f.dataBlock + f.prefix + page * (f.pageElements * f.elementBytes + 4), n * f.elementBytes) : block;
        const at = f.paged ? 0 : f.prefix;
        for (let j = 0; j < n; j++) if (this.entry(bytes, at + j * f.elementBytes, f.elementBytes, f.filtered) !== undefined) out.push(first + j);
      }
      return out;
    }
    if (index.kind === "single") return total > 0 && index.address !== UNDEFINED ? [0] : out;
    // An extensible array: blocks and pages never written are passed over whole.
    const array = this.extensibleArray(index.header);
    for (let i = 0; i < total; ) {
      const at = array.elementAt(i);
      if ("next" in at) {
        i = at.next;
        continue;
      }
      if (this.entry(at.block, at.offset, array.elementBytes, array.filtered) !== undefined) out.push(i);
      i++;
    }
    return out;
  }

  /** A fixed array's header, read once. */
  private fixedArray(header: number) {
    if (!this.fixed) {
      const h = this.file.read(header, 28);
      signature(h, "FAHD", header);
      const elementBytes = h[6]!;
      const pageBits = h[7]!;
      const count = readUint(h, 8, 8);
      const dataBlock = readUint(h, 16, 8);
      const pageElements = 2 ** pageBits;
      const paged = count > pageElements;
      // Signature, version, class, the header's address; a paged block's bitmap of initialised pages and checksum.
      const prefix = 14 + (paged ? Math.ceil(Math.ceil(count / pageElements) / 8) + 4 : 0);
      this.fixed = { elementBytes, filtered: h[5] === 1, count, pageElements, dataBlock, prefix, paged };
    }
    return this.fixed;
  }

  private findFixed(header: number, i: number): ChunkEntry | undefined {
    const f = this.fixedArray(header);
    if (i >= f.count || f.dataBlock === UNDEFINED) return undefined;
    if (!f.paged) return this.entry(keptBlock(this.file, this.blocks, f.dataBlock, f.prefix + f.count * f.elementBytes + 4, "FADB"), f.prefix + i * f.elementBytes, f.elementBytes, f.filtered);
    // Pages follow the prefix, each of `pageElements` elements and a checksum (the last one possibly shorter); a page
    // the prefix's bitmap does not mark as written holds no chunk (its bytes were never written either).
    const page = Math.floor(i / f.pageElements);
    if (!pageWritten(keptBlock(this.file, this.blocks, f.dataBlock, f.prefix, "FADB"), 14, page)) return undefined;
    const pageBytes = f.pageElements * f.elementBytes + 4;
    const at = f.dataBlock + f.prefix + page * pageBytes + (i - page * f.pageElements) * f.elementBytes;
    return this.entry(this.file.read(at, f.elementBytes), 0, f.elementBytes, f.filtered);
  }

  /** A chunk's entry at `offset` of `bytes`: its address, then (filtered chunks) its size and filter mask. */
  private entry(bytes: Uint8Array, offset: number, elementBytes: number, filtered: boolean): ChunkEntry | undefined {
    const address = readUint(bytes, offset, 8);
    if (address === UNDEFINED) return undefined;
    if (!filtered) return { address, size: this.chunkBytes, mask: 0 };
    const sizeBytes = elementBytes - 12;
    return { address, size: readUint(bytes, offset + 8, sizeBytes), mask: readUint(bytes, offset + 8 + sizeBytes, 4) };
  }

}

/**
 * An extensible array (HDF5's H5EA): an index block holding the first elements and the addresses of the first data
 * blocks and of super blocks, which hold the addresses of the others. Data block u of super block s holds
 * 2^floor((s + 1) / 2) x the minimum elements; super block s has 2^floor(s / 2) data blocks.
 */
class ExtensibleArray {
  readonly elementBytes: number;
  readonly filtered: boolean;
  private readonly indexElements: number;
  private readonly dataBlockMin: number;
  /** Bytes of a block's offset in the array: enough for the maximum element count. */
  private readonly offsetBytes: number;
  private readonly pageElements: number;
  /** Super blocks whose data blocks the index block addresses directly. */
  private readonly directSuperBlocks: number;
  private readonly indexBlock: Uint8Array;
  /** Where the index block's data block addresses start, and its super block addresses. */
  private readonly dataBlockAddresses: number;
  private readonly superBlockAddresses: number;
  private readonly superBlocks: { dataBlocks: number; elements: number; start: number; firstDataBlock: number }[] = [];

  constructor(private readonly file: IndexBytes, header: number, private readonly blocks: Map<number, Uint8Array>) {
    const h = file.read(header, 12 + 6 * 8 + 8 + 4);
    signature(h, "EAHD", header);
    this.filtered = h[5] === 1;
    this.elementBytes = h[6]!;
    const maxBits = h[7]!;
    this.indexElements = h[8]!;
    this.dataBlockMin = h[9]!;
    const superBlockMinPointers = h[10]!;
    this.pageElements = 2 ** h[11]!;
    this.offsetBytes = Math.floor((maxBits + 7) / 8);
    const indexBlock = readUint(h, 12 + 6 * 8, 8);
    const superBlockCount = 1 + maxBits - Math.log2(this.dataBlockMin);
    let start = 0;
    let firstDataBlock = 0;
    for (let s = 0; s < superBlockCount; s++) {
      const dataBlocks = 2 ** Math.floor(s / 2);
      const elements = 2 ** Math.floor((s + 1) / 2) * this.dataBlockMin;
      this.superBlocks.push({ dataBlocks, elements, start, firstDataBlock });
      start += dataBlocks * elements;
      firstDataBlock += dataBlocks;
    }
    this.directSuperBlocks = 2 * Math.log2(superBlockMinPointers);
    const dataBlockPointers = 2 * (superBlockMinPointers - 1);
    const superBlockPointers = superBlockCount - this.directSuperBlocks;
    this.dataBlockAddresses = 14 + this.indexElements * this.elementBytes;
    this.superBlockAddresses = this.dataBlockAddresses + dataBlockPointers * 8;
    if (indexBlock === UNDEFINED) throw new Error("an extensible array with no index block");
    this.indexBlock = file.read(indexBlock, this.superBlockAddresses + superBlockPointers * 8 + 4);
    signature(this.indexBlock, "EAIB", indexBlock);
  }

  /**
   * Where element `i` is: a block's bytes and the element's offset in them; when its block or page was never
   * written, the first element after that block or page (`next`).
   */
  elementAt(i: number): { block: Uint8Array; offset: number } | { next: number } {
    if (i < this.indexElements) return { block: this.indexBlock, offset: 14 + i * this.elementBytes };
    const j = i - this.indexElements;
    const s = Math.floor(Math.log2(Math.floor(j / this.dataBlockMin) + 1));
    const info = this.superBlocks[s];
    if (!info) return { next: Infinity };
    const within = j - info.start;
    const u = Math.floor(within / info.elements);
    const element = within - u * info.elements;
    const paged = info.elements > this.pageElements;
    // A paged data block's pages say whether they were written in their super block's bitmap: one bit per page of
    // each data block in turn, in a field of a whole number of bytes per data block.
    const pages = paged ? info.elements / this.pageElements : 0;
    const pageBitmapBytes = Math.ceil(pages / 8);
    let dataBlock: number;
    if (s < this.directSuperBlocks) {
      if (paged) throw new Error("paged data blocks addressed by the index block are left to h5wasm");
      dataBlock = readUint(this.indexBlock, this.dataBlockAddresses + (info.firstDataBlock + u) * 8, 8);
    } else {
      const superBlock = readUint(this.indexBlock, this.superBlockAddresses + (s - this.directSuperBlocks) * 8, 8);
      if (superBlock === UNDEFINED) return { next: this.indexElements + info.start + info.dataBlocks * info.elements };
      // Signature, version, class, the header's address, the block's offset; the bitmaps; data block addresses.
      const head = 14 + this.offsetBytes;
      const addresses = head + info.dataBlocks * pageBitmapBytes;
      const sb = keptBlock(this.file, this.blocks, superBlock, addresses + info.dataBlocks * 8 + 4, "EASB");
      dataBlock = readUint(sb, addresses + u * 8, 8);
      if (dataBlock !== UNDEFINED && paged && !pageWritten(sb, head, u * pages + Math.floor(element / this.pageElements))) {
        return { next: i - (element % this.pageElements) + this.pageElements };
      }
    }
    if (dataBlock === UNDEFINED) return { next: i - element + info.elements };
    const prefix = 14 + this.offsetBytes;
    if (!paged) {
      const block = keptBlock(this.file, this.blocks, dataBlock, prefix + info.elements * this.elementBytes + 4, "EADB");
      return { block, offset: prefix + element * this.elementBytes };
    }
    // Pages follow the block's prefix and its checksum, each of `pageElements` elements and a checksum.
    const page = Math.floor(element / this.pageElements);
    const at = dataBlock + prefix + 4 + page * (this.pageElements * this.elementBytes + 4) + (element - page * this.pageElements) * this.elementBytes;
    return { block: this.file.read(at, this.elementBytes), offset: 0 };
  }
}

/** Whether bit `page` (most significant bit first) of the bitmap at `offset` of `bytes` is set. */
function pageWritten(bytes: Uint8Array, offset: number, page: number): boolean {
  return (bytes[offset + (page >> 3)]! & (0x80 >> (page & 7))) !== 0;
}

/** The block of `kind` at `address`, read once and kept in `blocks`. */
function keptBlock(file: IndexBytes, blocks: Map<number, Uint8Array>, address: number, length: number, kind: string): Uint8Array {
  let bytes = blocks.get(address);
  if (!bytes) {
    bytes = file.read(address, length);
    signature(bytes, kind, address);
    blocks.set(address, bytes);
  }
  return bytes;
}

function signature(bytes: Uint8Array, expected: string, address: number): void {
  for (let k = 0; k < 4; k++) if (bytes[k] !== expected.charCodeAt(k)) throw new Error(`no ${expected} block at ${address}`);
}
