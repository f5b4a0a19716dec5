/**
 * Fetches an HDF5 file's metadata ahead of HDF5, for files read by URL. HDF5 reads synchronously and one piece at
 * a time (an object header, then its group's B-tree, its heap, its symbol nodes, each child's header...), so each
 * piece not cached is one round trip: a file of 2,000 objects whose metadata lies between its data took ~700
 * sequential round trips to open and read. Here the same structures are walked in JS, level by level, and each
 * level's pieces are fetched together in parallel requests (`parallel-ranges.ts`), so opening costs about one round
 * trip per level of the file's structure; HDF5 then finds what it reads in the cache.
 *
 * Walked: the superblock (versions 0 to 3), object headers (versions 1 and 2, with their continuation blocks),
 * groups as symbol tables (version 1 B-trees, symbol table nodes, local heaps), as links in the header, or as dense
 * links (fractal heap direct blocks, the name index's version 2 B-tree to depth 1), global heap collections holding
 * variable-length attribute values, objects named by references, the data of small contiguous datasets, version 1
 * chunk B-trees and the header of version 4 chunk indexes. This is only a guess of what HDF5 will read: what is not
 * recognised is left alone, and HDF5 fetches whatever is still missing itself, so a wrong guess costs bytes, never
 * correctness. Fetching stops at a byte budget and when the cache has no room left.
 */
import { checkSuperblock, readObjectHeader, readUint as u } from "../hdf5/object-header.js";
import { type ByteRange, ParallelRanges, mergeRanges } from "./parallel-ranges.js";
import { PAGE_BYTES, type RangeReader } from "./range-reader.js";

/** What fetching ahead did. */
export interface PrefetchReport {
  /** Rounds of parallel requests (each one round trip, or more when a round's requests waited in turn). */
  rounds: number;
  roundTrips: number;
  requests: number;
  bytes: number;
  /** Why it stopped before the walk ended, if it did. */
  stopped?: string;
}

/** Thrown by a walker step whose bytes are not cached yet: it runs again after the next round of fetches. */
const MISSING = Symbol("missing");

/** Data of contiguous datasets up to this size is fetched with the metadata (HDF5 reads small values at once). */
const SMALL_DATA = 16 << 10;
/** Values of a variable-length or reference dataset or attribute looked at, at most. */
const MAX_VALUES = 4096;
/** Chunk B-tree nodes fetched ahead, at most (the first reads of chunked data then need no lookup round trips). */
const MAX_CHUNK_NODES = 512;
/** Rounds, at most (a file's structure is seldom more than ~30 levels deep). */
const MAX_ROUNDS = 64;
/** Times a step is retried after its bytes came (a header's continuation, then the next...). */
const MAX_TRIES = 6;

type Step = { key: string; run: () => void; tries: number };

/** Walks `reader`'s file fetching ahead through `ranges`, within `budget` bytes. Never throws. */
export async function prefetchMetadata(reader: RangeReader, ranges: ParallelRanges, budget: number): Promise<PrefetchReport> {
  const walker = new Walker(reader);
  const report: PrefetchReport = { rounds: 0, roundTrips: 0, requests: 0, bytes: 0 };
  try {
    walker.start();
    for (;;) {
      const wanted = walker.run();
      if (wanted.length === 0) break;
      if (report.rounds >= MAX_ROUNDS) return { ...report, stopped: "too many rounds" };
      const pages = wanted.reduce((n, r) => n + Math.ceil((r.end - r.start) / PAGE_BYTES), 0);
      if (report.bytes + pages * PAGE_BYTES > budget) return { ...report, stopped: "byte budget spent" };
      if (pages > reader.room) return { ...report, stopped: "cache full" };
      const { parts, cost } = await ranges.fetch(wanted);
      report.rounds++;
      report.roundTrips += cost.roundTrips;
      report.requests += cost.requests;
      report.bytes += cost.bytes;
      reader.count(cost.requests, cost.bytes, cost.roundTrips);
      for (const part of parts) {
        const skip = (PAGE_BYTES - (part.start % PAGE_BYTES)) % PAGE_BYTES;
        if (skip < part.bytes.length) reader.store(part.start + skip, part.bytes.subarray(skip));
      }
    }
  } catch (e) {
    return { ...report, stopped: e instanceof Error ? e.message : String(e) };
  }
  return report;
}

class Walker {
  private readonly size: number;
  private queue: Step[] = [];
  private waiting: Step[] = [];
  private readonly seen = new Set<string>();
  private wants: ByteRange[] = [];
  private groupLeafK = 4;
  private groupInternalK = 16;
  private chunkK = 32;
  private chunkNodes = 0;

  constructor(private readonly reader: RangeReader) {
    this.size = reader.size;
  }

  start(): void {
    this.spawn("superblock", 0, () => this.superblock());
  }

  /** Runs every step that can run on cached bytes; returns the page ranges the waiting steps need. */
  run(): ByteRange[] {
    this.queue.push(...this.waiting);
    this.waiting = [];
    this.wants = [];
    while (this.queue.length > 0) {
      const step = this.queue.pop()!;
      try {
        step.run();
      } catch (e) {
        // A step that failed otherwise read something it did not recognise: HDF5 will read that part itself.
        if (e === MISSING && ++step.tries < MAX_TRIES) this.waiting.push(step);
      }
    }
    const pages = this.wants.map((r) => ({
      start: Math.floor(r.start / PAGE_BYTES) * PAGE_BYTES,
      end: Math.min(this.size, Math.ceil(r.end / PAGE_BYTES) * PAGE_BYTES),
    }));
    return mergeRanges(pages).filter((r) => !this.reader.has(r.start, r.end - r.start));
  }

  private spawn(kind: string, address: number, run: () => void): void {
    const key = `${kind}@${address}`;
    if (!this.valid(address) && kind !== "superblock") return;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.queue.push({ key, run, tries: 0 });
  }

  private valid(address: number): boolean {
    return address > 0 && address < this.size;
  }

  /** Cached bytes, or MISSING thrown (the range noted for the next round). */
  private bytes(position: number, length: number): Uint8Array {
    const end = Math.min(this.size, position + length);
    if (this.reader.has(position, end - position)) return this.reader.read(position, end - position);
    this.wants.push({ start: position, end });
    throw MISSING;
  }

  private signature(b: Uint8Array, text: string): boolean {
    for (let i = 0; i < 4; i++) if (b[i] !== text.charCodeAt(i)) return false;
    return true;
  }

  private superblock(): void {
    const b = this.bytes(0, 128);
    checkSuperblock({ read: (p, n) => b.subarray(p, p + n) });
    const version = b[8]!;
    if (version <= 1) {
      this.groupLeafK = u(b, 16, 2);
      this.groupInternalK = u(b, 18, 2);
      if (version === 1) this.chunkK = u(b, 24, 2);
      const entry = version === 0 ? 56 : 60;
      this.entry(b, entry);
    } else {
      this.header(u(b, 20, 8));
      this.header(u(b, 36, 8));
    }
  }

  /** A symbol table entry: the object's header, and its group's B-tree and heap when cached in the entry. */
  private entry(b: Uint8Array, at: number): void {
    this.header(u(b, at + 8, 8));
    if (u(b, at + 16, 4) === 1) this.symbolTable(u(b, at + 24, 8), u(b, at + 32, 8));
  }

  private symbolTable(btree: number, heap: number): void {
    this.spawn("groupTree", btree, () => this.groupTree(btree));
    this.spawn("localHeap", heap, () => {
      const h = this.bytes(heap, 32);
      if (!this.signature(h, "HEAP")) return;
      this.raw(u(h, 24, 8), u(h, 8, 8));
    });
  }

  private raw(address: number, length: number): void {
    this.spawn(`raw${length}`, address, () => void this.bytes(address, length));
  }

  private groupTree(address: number): void {
    const k = this.groupInternalK;
    const b = this.bytes(address, 24 + (2 * k + 1) * 8 + 2 * k * 8);
    if (!this.signature(b, "TREE") || b[4] !== 0) return;
    const level = b[5]!;
    const used = u(b, 6, 2);
    for (let i = 0; i < used; i++) {
      const child = u(b, 24 + 8 + 16 * i, 8);
      if (level > 0) this.spawn("groupTree", child, () => this.groupTree(child));
      else this.spawn("snod", child, () => this.symbolNode(child));
    }
  }

  private symbolNode(address: number): void {
    const b = this.bytes(address, 8 + 2 * this.groupLeafK * 40);
    if (!this.signature(b, "SNOD")) return;
    const count = u(b, 6, 2);
    for (let i = 0; i < count; i++) this.entry(b, 8 + 40 * i);
  }

  private header(address: number): void {
    this.spawn("header", address, () => this.readHeader(address));
  }

  private readHeader(address: number): void {
    const header = readObjectHeader({ read: (p, n) => this.bytes(p, n) }, address);
    let datatype: { cls: number; bits: number; size: number } | undefined;
    let count = 1;
    const later: Array<() => void> = [];
    for (const m of header.messages) {
      // A shared message's body points elsewhere: not followed.
      if (m.flags & 0x02) continue;
      const body = m.block.bytes.subarray(m.body, m.body + m.size);
      switch (m.type) {
        case 0x01: count = dataspaceCount(body);
          break;
        case 0x03: datatype = { cls: body[0]! & 0x0f, bits: body[1]!, size: u(body, 4, 4) };
          break;
        case 0x06: this.link(body, 0);
          break;
        case 0x02: case 0x15: this.denseStorage(body, m.type === 0x02);
          break;
        case 0x0c: this.attribute(body);
          break;
        case 0x11: this.symbolTable(u(body, 0, 8), u(body, 8, 8));
          break;
        case 0x08: later.push(() => this.layout(body, datatype, count));
          break;
      }
    }
    for (const f of later) f();
  }

  /** A link message's body at `at`: a hard link's target is walked. The position after it, or -1 if not a link. */
  private link(b: Uint8Array, at: number): number {
    if (b[at] !== 1) return -1;
    const flags = b[at + 1]!;
    if (flags > 0x1f) return -1;
    let p = at + 2;
    let type = 0;
    if (flags & 0x08) type = b[p++]!;
    if (flags & 0x04) p += 8;
    if (flags & 0x10) p++;
    const lengthBytes = 1 << (flags & 0x03);
    const nameLength = u(b, p, lengthBytes);
    p += lengthBytes;
    if (nameLength === 0 || p + nameLength > b.length) return -1;
    p += nameLength;
    if (type === 0) {
      const target = u(b, p, 8);
      if (!this.valid(target)) return -1;
      this.header(target);
      return p + 8;
    }
    if (type === 1 || type >= 64) return p + 2 + u(b, p, 2);
    return -1;
  }

  /** Link info or attribute info: the fractal heap holding the links (or attributes) and the name index. */
  private denseStorage(b: Uint8Array, links: boolean): void {
    const p = b[1]! & 0x01 ? (links ? 10 : 4) : 2;
    const heap = u(b, p, 8), index = u(b, p + 8, 8);
    this.spawn("fractalHeap", heap, () => this.fractalHeap(heap, links));
    this.spawn("btree2", index, () => this.btree2(index));
  }

  private fractalHeap(address: number, links: boolean): void {
    const h = this.bytes(address, 160);
    if (!this.signature(h, "FRHP")) return;
    const heap = {
      checksummed: (h[9]! & 0x02) !== 0, filtered: u(h, 7, 2) > 0, width: u(h, 110, 2), startBlock: u(h, 112, 8),
      maxDirect: u(h, 120, 8), offsetBytes: Math.ceil(u(h, 128, 2) / 8), root: u(h, 132, 8), rows: u(h, 140, 2), links,
    };
    // Filtered (compressed) heap blocks are left to HDF5.
    if (heap.filtered) return;
    if (heap.rows === 0) this.spawn("direct", heap.root, () => this.directBlock(heap.root, heap.startBlock, heap));
    else this.spawn("indirect", heap.root, () => this.indirectBlock(heap.root, heap));
  }

  private indirectBlock(address: number, heap: Heap): void {
    const entries = heap.rows * heap.width;
    const start = 5 + 8 + heap.offsetBytes;
    const b = this.bytes(address, start + entries * 8 + 4);
    if (!this.signature(b, "FHIB")) return;
    for (let row = 0; row < heap.rows; row++) {
      const blockSize = heap.startBlock * (row < 2 ? 1 : 2 ** (row - 1));
      // Rows of indirect blocks only come with heaps of megabytes of links: left to HDF5.
      if (blockSize > heap.maxDirect) break;
      for (let col = 0; col < heap.width; col++) {
        const child = u(b, start + (row * heap.width + col) * 8, 8);
        this.spawn("direct", child, () => this.directBlock(child, blockSize, heap));
      }
    }
  }

  /** A direct block: fetched whole; its objects, when links, read in turn (a new file's objects are packed). */
  private directBlock(address: number, size: number, heap: Heap): void {
    const b = this.bytes(address, size);
    if (!this.signature(b, "FHDB")) return;
    if (!heap.links) return;
    for (let p = 5 + 8 + heap.offsetBytes + (heap.checksummed ? 4 : 0); p > 0 && p < b.length; ) p = this.link(b, p);
  }

  /** A version 2 B-tree (a group's name index): its header, root, and the root's children. */
  private btree2(address: number): void {
    const h = this.bytes(address, 38);
    if (!this.signature(h, "BTHD")) return;
    const nodeSize = u(h, 6, 4), recordSize = u(h, 10, 2), depth = u(h, 12, 2), root = u(h, 16, 8), rootRecords = u(h, 24, 2);
    this.spawn("btree2node", root, () => {
      const b = this.bytes(root, nodeSize);
      // Deeper trees (tens of thousands of links) are left to HDF5 below their root.
      if (depth !== 1 || !this.signature(b, "BTIN")) return;
      const maxLeaf = Math.floor((nodeSize - 10) / recordSize);
      let countBytes = 1;
      while (2 ** (8 * countBytes) <= maxLeaf) countBytes++;
      for (let i = 0, p = 6 + rootRecords * recordSize; i <= rootRecords; i++, p += 8 + countBytes) this.raw(u(b, p, 8), nodeSize);
    });
  }

  private attribute(b: Uint8Array): void {
    const version = b[0]!;
    // Bit 0: the datatype is shared (stored elsewhere).
    if (b[1]! & 0x01) return;
    const nameSize = u(b, 2, 2), typeSize = u(b, 4, 2), spaceSize = u(b, 6, 2);
    const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
    let p = version === 3 ? 9 : 8;
    p += pad(nameSize);
    const type = b.subarray(p, p + typeSize);
    p += pad(typeSize);
    const count = dataspaceCount(b.subarray(p, p + spaceSize));
    p += pad(spaceSize);
    this.values(b.subarray(p), { cls: type[0]! & 0x0f, bits: type[1]!, size: u(type, 4, 4) }, count);
  }

  /** Values that name other places: variable-length ones (in global heaps) and references (objects, regions). */
  private values(data: Uint8Array, type: { cls: number; bits: number; size: number }, count: number): void {
    const n = Math.min(count, MAX_VALUES);
    if (type.cls === 9) {
      for (let i = 0; i < n && i * 16 + 16 <= data.length; i++) if (u(data, i * 16, 4) > 0) this.globalHeap(u(data, i * 16 + 4, 8));
    } else if (type.cls === 7 && (type.bits & 0x0f) === 0) {
      for (let i = 0; i < n && i * 8 + 8 <= data.length; i++) this.header(u(data, i * 8, 8));
    } else if (type.cls === 7 && (type.bits & 0x0f) === 1) {
      for (let i = 0; i < n && i * 12 + 12 <= data.length; i++) this.globalHeap(u(data, i * 12, 8));
    }
  }

  private globalHeap(address: number): void {
    this.spawn("gcol", address, () => {
      const h = this.bytes(address, 16);
      if (!this.signature(h, "GCOL")) return;
      this.raw(address, Math.min(u(h, 8, 8), 1 << 20));
    });
  }

  private layout(b: Uint8Array, type: { cls: number; bits: number; size: number } | undefined, count: number): void {
    const version = b[0]!;
    if (version < 3) return;
    const cls = b[1]!;
    if (cls === 0 && type) {
      this.values(b.subarray(4, 4 + u(b, 2, 2)), type, count);
    } else if (cls === 1) {
      const address = u(b, 2, 8), size = u(b, 10, 8);
      if (size > SMALL_DATA) return;
      this.spawn("data", address, () => {
        const data = this.bytes(address, size);
        if (type) this.values(data, type, count);
      });
    } else if (cls === 2 && version === 3) {
      const dims = b[2]!, address = u(b, 3, 8);
      this.spawn("chunkTree", address, () => this.chunkTree(address, dims));
    } else if (cls === 2 && version === 4) {
      const dims = b[3]!, encoded = b[4]!;
      const at = 5 + dims * encoded;
      const index = b[at]!;
      // Fixed and extensible arrays, version 2 B-trees: their header (the array's first block follows it closely).
      const address = index === 3 ? u(b, at + 2, 8) : index === 4 ? u(b, at + 6, 8) : index === 5 ? u(b, at + 7, 8) : 0;
      this.raw(address, 512);
    }
  }

  private chunkTree(address: number, dims: number): void {
    if (++this.chunkNodes > MAX_CHUNK_NODES) return;
    const k = this.chunkK;
    const key = 8 + 8 * dims;
    const b = this.bytes(address, 24 + (2 * k + 1) * key + 2 * k * 8);
    if (!this.signature(b, "TREE") || b[4] !== 1) return;
    const level = b[5]!, used = u(b, 6, 2);
    if (level === 0) return;
    for (let i = 0; i < used; i++) {
      const child = u(b, 24 + key + i * (key + 8), 8);
      this.spawn("chunkTree", child, () => this.chunkTree(child, dims));
    }
  }
}

interface Heap {
  checksummed: boolean;
  rows: number;
  width: number;
  startBlock: number;
  maxDirect: number;
  offsetBytes: number;
  links: boolean;
}

/** Elements in a dataspace message's space (1 for a scalar, 0 for a null space). */
function dataspaceCount(b: Uint8Array): number {
  const version = b[0]!, rank = b[1]!;
  if (version === 2 && b[3] === 2) return 0;
  const at = version === 1 ? 8 : 4;
  let n = 1;
  for (let i = 0; i < rank; i++) n *= u(b, at + 8 * i, 8);
  return n;
}
