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
 * links (fractal heaps of direct and indirect blocks, their name index's version 2 B-tree to every depth), dense
 * attributes, global heap collections holding variable-length attribute values, objects named by references, the
 * data of small contiguous datasets, version 1 chunk B-trees and the header of version 4 chunk indexes, each decoded
 * by the decoders the tree reader uses (`symbol-table.ts`, `link-message.ts`, `dense-storage.ts`). The bytes each
 * round brings are looked through for structures HDF5 signs (heap blocks, version 2 headers, B-tree and symbol
 * nodes) and for version 1 headers (recognised by their form), walked as soon as found: HDF5 allocates metadata
 * made together side by side, so a group's heap blocks and children's headers often come with something fetched
 * rounds before the walk would reach them (on the files of 2,000 objects of `bench/remote-open.mjs`: 6 rounds
 * instead of 14 for tsnwb's, whose groups keep their links in fractal heaps three or four structures deep; 6
 * instead of 8 for pynwb's). This is only a guess of what HDF5 will read: what is not recognised is left alone, and
 * HDF5 fetches whatever is still missing itself, so a wrong guess costs bytes, never correctness. Fetching stops at
 * a byte budget and when the cache has no room left.
 */
import {
  BTREE2_HEADER_BYTES, type BTree2, type ByteReader, type DenseInfo, FRACTAL_HEAP_HEADER_BYTES, type FractalHeap, decodeBTree2, decodeBTree2Node, decodeDenseInfo,
  decodeFractalHeap, decodeIndirectBlock, denseObjects, directBlockHeaderBytes, directBlockOffset, hasSignature, indirectBlockBytes,
} from "../hdf5/dense-storage.js";
import { type DecodedLink, decodeLinkMessage } from "../hdf5/link-message.js";
import { checkSuperblock, lookup3, messageBody, readObjectHeader, readUint as u } from "../hdf5/object-header.js";
import { LOCAL_HEAP_HEADER_BYTES, SYMBOL_ENTRY_BYTES, type SymbolEntry, decodeGroupNode, decodeLocalHeap, decodeSymbolEntry, decodeSymbolNode, groupNodeBytes } from "../hdf5/symbol-table.js";
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
/** The most bytes one piece of metadata is taken to have (a header's block, a heap's block, a global heap). */
const MAX_PIECE = 4 << 20;
/** Rounds, at most (a file's structure is seldom more than ~30 levels deep). */
const MAX_ROUNDS = 64;
/** Times a step is retried after its bytes came (a header's continuation, then the next...). */
const MAX_TRIES = 6;
/**
 * Steps whose bytes are fetched with the next page: a group's B-tree nodes, symbol nodes, local heap, fractal heap
 * and name index, which HDF5 allocates as a group grows, next to each other more often than not (found by `scan`).
 * On the 2,000-object test files: a round less for pynwb's, for 8% more bytes; a wider neighbourhood or one for
 * every step saved at most another round for 35-50% more bytes, which a link of limited bandwidth pays back.
 */
const WITH_NEIGHBOURS: ReadonlySet<string> = new Set(["groupTree", "snod", "localHeap", "fractalHeap", "btree2"]);
const NEIGHBOUR_BYTES = 4096;
/** Times the walk of dense storage's objects is retried: once per level of its heap and of its index, at most. */
const MAX_DENSE_TRIES = 24;

type Step = { key: string; run: () => void; tries: number; maxTries: number };

/** Walks `reader`'s file fetching ahead through `ranges`, within `budget` bytes. Never throws. */
export async function prefetchMetadata(reader: RangeReader, ranges: ParallelRanges, budget: number): Promise<PrefetchReport> {
  const walker = new Walker(reader);
  const report: PrefetchReport = { rounds: 0, roundTrips: 0, requests: 0, bytes: 0 };
  try {
    walker.start();
    // What the reader fetched to learn the file's size (its first block) is looked through like every round's bytes.
    const first = Math.min(reader.size, 64 << 10);
    if (reader.has(0, first)) walker.scan(0, reader.read(0, first));
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
        walker.scan(part.start, part.bytes);
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
  /** The kind of step running (what its reads are for). */
  private current = "";
  /** Cached bytes, or MISSING thrown (the range noted for the next round): what the shared decoders read through. */
  private readonly source: ByteReader = { read: (position, length) => this.bytes(position, length) };

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
      this.current = step.key.split("@")[0]!;
      try {
        step.run();
      } catch (e) {
        // A step that failed otherwise read something it did not recognise: HDF5 will read that part itself.
        if (e === MISSING && ++step.tries < step.maxTries) this.waiting.push(step);
      }
    }
    const pages = this.wants.map((r) => ({
      start: Math.floor(r.start / PAGE_BYTES) * PAGE_BYTES,
      end: Math.min(this.size, Math.ceil(r.end / PAGE_BYTES) * PAGE_BYTES),
    }));
    return mergeRanges(pages).filter((r) => !this.reader.has(r.start, r.end - r.start));
  }

  /**
   * Looks through fetched bytes for the structures HDF5 writes with a signature, and version 1 object headers
   * (which have none, but a form nothing else has): HDF5 allocates metadata made at
   * the same time side by side (a group's heap blocks, its children's headers), so the bytes around what a round
   * asked for often hold what the walk would reach only rounds later. Each found is walked at once: a heap's
   * direct block gives its links' headers now, rather than after the heap's header and its indirect block (two
   * rounds a dense group). A guess, as the rest of the walk: what is not what it seems costs bytes, not correctness.
   */
  scan(start: number, b: Uint8Array): void {
    // A byte at a time, allocating nothing: most bytes are data, and rule themselves out at the first comparison.
    const last = b.length - 24;
    for (let i = 0; i <= last; i++) {
      const c = b[i]!;
      if (c === 0x01) {
        // A version 1 header: a reserved zero after the version, four zeros ending its prefix, a message's three.
        if (b[i + 1] === 0 && b[i + 12] === 0 && b[i + 13] === 0 && b[i + 14] === 0 && b[i + 15] === 0 && b[i + 21] === 0 && b[i + 22] === 0 && b[i + 23] === 0) {
          this.found("header1", start + i, b.subarray(i));
        }
      } else if (c === 0x46 || c === 0x4f || c === 0x53 || c === 0x54 || c === 0x42) { // F O S T B
        const found = SIGNATURES.get((c | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
        if (found !== undefined) this.found(found, start + i, b.subarray(i));
      }
    }
  }

  /** A structure `scan` found at `at` (`here`: its bytes on), walked as it would be when reached. */
  private found(kind: string, at: number, here: Uint8Array): void {
    try {
      if (kind === "FHDB") this.foundDirectBlock(at, here);
      else if (kind === "OHDR" && sealedHeader(here)) this.header(at);
      else if (kind === "header1" && versionOneHeader(here)) this.header(at);
      else if (kind === "FHIB" || kind === "FRHP") this.spawnHeap(kind === "FRHP" ? at : u(here, 5, 8));
      else if (kind === "BTHD" && here[4] === 0 && (here[5] === 5 || here[5] === 8)) this.spawn("btree2", at, () => this.btree2(at));
      else if (kind === "SNOD" && here[4] === 1 && here[5] === 0) this.spawn("snod", at, () => this.symbolNode(at));
      else if (kind === "TREE" && here[4] === 0) this.spawn("groupTree", at, () => this.groupTree(at));
    } catch {
      // Not what it seemed.
    }
  }

  /** A heap found by its signature (or a block's): links or attributes, as its blocks will tell. */
  private spawnHeap(address: number): void {
    this.spawn("fractalHeap", address, () => this.fractalHeap(address, true));
  }

  /**
   * A direct block found by its signature: its links are read now, its heap's header (which says where its objects
   * start) guessed as HDF5 makes a group's (40-bit offsets; a checksum or not: the reading that decodes is taken).
   */
  private foundDirectBlock(at: number, b: Uint8Array): void {
    const heap = u(b, 5, 8);
    if (!this.valid(heap)) return;
    this.spawnHeap(heap);
    if (this.seen.has(`direct@${at}`)) return;
    for (const first of [5 + 8 + 5 + 4, 5 + 8 + 5]) {
      const found: DecodedLink[] = [];
      for (let p = first; p < b.length; ) {
        try {
          const next = decodeLinkMessage(b, p);
          found.push(next.link);
          p = next.end;
        } catch {
          break;
        }
      }
      if (found.length > 0) {
        for (const link of found) this.link(link);
        return;
      }
    }
  }

  private spawn(kind: string, address: number, run: () => void, maxTries = MAX_TRIES): void {
    const key = `${kind}@${address}`;
    if (!this.valid(address) && kind !== "superblock") return;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.queue.push({ key, run, tries: 0, maxTries });
  }

  private valid(address: number): boolean {
    return address > 0 && address < this.size;
  }

  /** Cached bytes, or MISSING thrown (the range noted for the next round). */
  private bytes(position: number, length: number): Uint8Array {
    // Larger than any metadata HDF5 writes: a structure misread (or not one at all) would spend the budget.
    if (length > MAX_PIECE) throw new Error(`${length} bytes at ${position}: not metadata`);
    const end = Math.min(this.size, position + length);
    if (this.reader.has(position, end - position)) return this.reader.read(position, end - position);
    // A group's structures come with the page after them, where HDF5 tends to have put what was made next.
    const after = WITH_NEIGHBOURS.has(this.current) ? NEIGHBOUR_BYTES : 0;
    this.wants.push({ start: position, end: Math.min(this.size, end + after) });
    throw MISSING;
  }

  private superblock(): void {
    const b = this.bytes(0, 128);
    checkSuperblock({ read: (p, n) => b.subarray(p, p + n) });
    const version = b[8]!;
    if (version <= 1) {
      this.groupLeafK = u(b, 16, 2);
      this.groupInternalK = u(b, 18, 2);
      if (version === 1) this.chunkK = u(b, 24, 2);
      this.entry(decodeSymbolEntry(b, version === 0 ? 56 : 60));
    } else {
      this.header(u(b, 20, 8));
      this.header(u(b, 36, 8));
    }
  }

  /** A symbol table entry: the object's header, and its group's B-tree and heap when cached in the entry. */
  private entry(e: SymbolEntry): void {
    this.header(e.header);
    if (e.cached) this.symbolTable(e.cached.btree, e.cached.heap);
  }

  private symbolTable(btree: number, heap: number): void {
    this.spawn("groupTree", btree, () => this.groupTree(btree));
    this.spawn("localHeap", heap, () => {
      const { data, size } = decodeLocalHeap(this.bytes(heap, LOCAL_HEAP_HEADER_BYTES));
      this.raw(data, size);
    });
  }

  private raw(address: number, length: number): void {
    this.spawn(`raw${length}`, address, () => void this.bytes(address, length));
  }

  private groupTree(address: number): void {
    const { level, children } = decodeGroupNode(this.bytes(address, groupNodeBytes(this.groupInternalK)));
    for (const child of children) {
      if (level > 0) this.spawn("groupTree", child, () => this.groupTree(child));
      else this.spawn("snod", child, () => this.symbolNode(child));
    }
  }

  private symbolNode(address: number): void {
    for (const e of decodeSymbolNode(this.bytes(address, 8 + 2 * this.groupLeafK * SYMBOL_ENTRY_BYTES))) this.entry(e);
  }

  private header(address: number): void {
    this.spawn("header", address, () => this.readHeader(address));
  }

  private readHeader(address: number): void {
    const header = readObjectHeader(this.source, address);
    let datatype: { cls: number; bits: number; size: number } | undefined;
    let count = 1;
    const later: Array<() => void> = [];
    for (const m of header.messages) {
      // A shared message's body points elsewhere: not followed.
      if (m.flags & 0x02) continue;
      const body = messageBody(m);
      // What is not recognised in one message is left to HDF5; the header's other messages are still walked.
      try {
        switch (m.type) {
          case 0x01: count = dataspaceCount(body);
            break;
          case 0x03: datatype = { cls: body[0]! & 0x0f, bits: body[1]!, size: u(body, 4, 4) };
            break;
          case 0x06: this.link(decodeLinkMessage(body).link);
            break;
          case 0x02: case 0x15: this.dense(decodeDenseInfo(body, m.type === 0x02), m.type === 0x02);
            break;
          case 0x0c: this.attribute(body);
            break;
          case 0x11: this.symbolTable(u(body, 0, 8), u(body, 8, 8));
            break;
          case 0x08: later.push(() => this.layout(body, datatype, count));
            break;
        }
      } catch (e) {
        if (e === MISSING) throw e;
      }
    }
    for (const f of later) f();
  }

  /** A link: a hard link's target is walked. */
  private link(link: DecodedLink): void {
    if (link.kind === "hard") this.header(link.address);
  }

  /**
   * Dense links or attributes: the heap's blocks and the name index's nodes are fetched level by level, side by
   * side; the heap's direct blocks are read for links as they come (a group's links are packed in them), and once
   * every node is in, the objects the index names are walked (links and attributes alike), as HDF5 will read them.
   */
  private dense(info: DenseInfo, links: boolean): void {
    const { heap, nameIndex } = info;
    if (heap === undefined || nameIndex === undefined) return;
    this.spawn("fractalHeap", heap, () => this.fractalHeap(heap, links));
    this.spawn("btree2", nameIndex, () => this.btree2(nameIndex));
    this.spawn("denseObjects", heap, () => {
      for (const { body } of denseObjects(this.source, heap, nameIndex)) {
        if (links) this.link(decodeLinkMessage(body).link);
        else this.attribute(body);
      }
    }, MAX_DENSE_TRIES);
  }

  private fractalHeap(address: number, links: boolean): void {
    const heap = decodeFractalHeap(address, this.bytes(address, FRACTAL_HEAP_HEADER_BYTES));
    if (heap.rootRows === 0) this.spawn("direct", heap.root, () => this.directBlock(heap.root, heap.startBlock, heap, links));
    else this.spawn("indirect", heap.root, () => this.indirectBlock(heap.root, heap.rootRows, heap, links));
  }

  private indirectBlock(address: number, rows: number, heap: FractalHeap, links: boolean): void {
    for (const child of decodeIndirectBlock(heap, this.bytes(address, indirectBlockBytes(heap, rows)), rows)) {
      if (child.kind === "direct") this.spawn("direct", child.address, () => this.directBlock(child.address, child.size, heap, links));
      else this.spawn("indirect", child.address, () => this.indirectBlock(child.address, child.rows, heap, links));
    }
  }

  /** A direct block: fetched whole; its objects, when links, read in turn (a new file's links are packed). */
  private directBlock(address: number, size: number, heap: FractalHeap, links: boolean): void {
    const b = this.bytes(address, size);
    directBlockOffset(heap, b);
    if (!links) return;
    for (let p = directBlockHeaderBytes(heap); p < b.length; ) {
      let next: { link: DecodedLink; end: number };
      try {
        next = decodeLinkMessage(b, p);
      } catch {
        return;
      }
      this.link(next.link);
      p = next.end;
    }
  }

  /** A version 2 B-tree (a name index): its header, then its nodes level by level. */
  private btree2(address: number): void {
    const tree = decodeBTree2(address, this.bytes(address, BTREE2_HEADER_BYTES));
    if (tree.rootRecords > 0) this.btree2Node(tree, tree.root, tree.depth, tree.rootRecords);
  }

  private btree2Node(tree: BTree2, address: number, depth: number, records: number): void {
    this.spawn("btree2node", address, () => {
      const node = decodeBTree2Node(tree, this.bytes(address, tree.nodeSize), depth, records);
      for (const child of node.children) this.btree2Node(tree, child.address, depth - 1, child.records);
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
      if (!hasSignature(h, "GCOL")) return;
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
    if (!hasSignature(b, "TREE") || b[4] !== 1) return;
    const level = b[5]!, used = u(b, 6, 2);
    if (level === 0) return;
    for (let i = 0; i < used; i++) {
      const child = u(b, 24 + key + i * (key + 8), 8);
      this.spawn("chunkTree", child, () => this.chunkTree(child, dims));
    }
  }
}

/** The signatures `Walker.scan` looks for, by their 4 bytes read as a little-endian number. */
const SIGNATURES: ReadonlyMap<number, string> = new Map(
  ["FHDB", "FHIB", "FRHP", "OHDR", "BTHD", "SNOD", "TREE"].map((s) => [Array.from(s).reduceRight((n, ch) => n * 256 + ch.charCodeAt(0), 0), s]),
);

/**
 * Whether `b` starts with a version 2 object header whose first block's checksum holds (when the block is all in
 * `b`): bytes that only look like one are not walked.
 */
function sealedHeader(b: Uint8Array): boolean {
  if (b[4] !== 2) return false;
  const flags = b[5]!;
  const at = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
  const sizeBytes = 1 << (flags & 0x03);
  if (at + sizeBytes > b.length) return true;
  const end = at + sizeBytes + u(b, at, sizeBytes);
  if (end + 4 > b.length) return end < MAX_PIECE;
  return lookup3(b.subarray(0, end)) === u(b, end, 4);
}

/**
 * Whether `b` starts with what can only be a version 1 object header (which has no signature): version 1, a
 * reserved zero, a count of messages, a reference count and a size that its messages, each of a known type and a
 * size a multiple of 8 after a zero-padded 16-byte prefix, fill exactly.
 */
function versionOneHeader(b: Uint8Array): boolean {
  if (b.length < 24 || b[1] !== 0 || b[12] !== 0 || b[13] !== 0 || b[14] !== 0 || b[15] !== 0) return false;
  const messages = u(b, 2, 2), references = u(b, 4, 4), size = u(b, 8, 4);
  if (messages === 0 || messages > 4096 || references === 0 || references > 1 << 16 || size === 0 || size % 8 !== 0 || size > 1 << 16) return false;
  if (16 + size > b.length) return false;
  let count = 0;
  for (let p = 16; p < 16 + size; ) {
    const type = u(b, p, 2), length = u(b, p + 2, 2);
    if (type > 0x18 || length % 8 !== 0 || b[p + 5] !== 0 || b[p + 6] !== 0 || b[p + 7] !== 0) return false;
    p += 8 + length;
    count++;
    if (p > 16 + size) return false;
  }
  // The messages counted include those in continuation blocks: at least as many as in the first.
  return count <= messages && count > 0;
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
