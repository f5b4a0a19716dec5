/**
 * HDF5's dense storage, decoded from a file's bytes: a fractal heap (where a new-style group keeps its links, or an
 * object its attributes, once there are more than a header holds: 8 links, 8 attributes by default) and the
 * version 2 B-tree that indexes its objects by name (or creation order). Each structure is decoded node by node
 * (`decode*` take one node's bytes), so that both the tree reader (which reads the nodes one after another) and the
 * metadata prefetcher (which fetches each level's nodes of every group at once, `metadata-prefetch.ts`) walk them
 * with the same code; `denseObjects` is the whole walk over a synchronous byte source.
 *
 * Decoded: unfiltered heaps of 8-byte offsets and lengths (direct and indirect blocks, managed objects, and tiny
 * ones), B-trees of any depth; the records of link indexes (types 5 and 6) and attribute indexes (types 8 and 9).
 * Anything else (filtered heaps, huge objects, shared attributes, other versions) throws `NotDecoded`: the caller
 * leaves it to HDF5. Checksums are not verified here: every group's names are checked against HDF5's listing by the
 * tree reader, and the prefetcher only guesses what HDF5 will read.
 *
 * Layouts: HDF5 file format specification, sections III.G (fractal heap) and III.A.2 (version 2 B-trees); HDF5's
 * H5HFcache.c, H5HFdtable.c, H5B2cache.c, H5B2hdr.c, H5Gbtree2.c, H5Abtree2.c.
 */
import { readUint } from "./object-header.js";

/** Thrown for what is not decoded here (the caller asks HDF5). */
export class NotDecoded extends Error {}

/** Random access to a file's bytes (read-only). */
export interface ByteReader {
  read(position: number, length: number): Uint8Array;
}

const UNDEFINED_ADDRESS = 2 ** 64 - 1;

/** True when `b` starts with the 4-character signature `text`. */
export function hasSignature(b: Uint8Array, text: string): boolean {
  for (let i = 0; i < 4; i++) if (b[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** floor(log2(n)) for n >= 1 (0 for 0), exact beyond 2^32. */
function log2(n: number): number {
  let bits = 0;
  while (n >= 2) {
    n = Math.floor(n / 2);
    bits++;
  }
  return bits;
}

/** Bytes HDF5 uses to encode values up to `max` (H5VM_limit_enc_size). */
function encodedSize(max: number): number {
  return Math.floor(log2(max) / 8) + 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Link info and attribute info messages: where a group's links or an object's attributes are stored densely.

/** A link info (0x0002) or attribute info (0x0015) message. */
export interface DenseInfo {
  /** Creation order tracked (its values are kept with each link or attribute). */
  orderTracked: boolean;
  /** Creation order indexed: HDF5 (and h5wasm) then list in creation order, not by name. */
  orderIndexed: boolean;
  /** The fractal heap holding the objects, or undefined when they are in the header (compact storage). */
  heap?: number;
  /** The version 2 B-tree indexing them by name. */
  nameIndex?: number;
  /** The version 2 B-tree indexing them by creation order (when indexed). */
  orderIndex?: number;
}

/** A link info message's body (`links`) or an attribute info message's: version 0 only. */
export function decodeDenseInfo(b: Uint8Array, links: boolean): DenseInfo {
  if (b[0] !== 0) throw new NotDecoded();
  const flags = b[1]!;
  if (flags & ~0x03) throw new NotDecoded();
  // The maximum creation index so far: 8 bytes for links, 2 for attributes.
  let at = 2 + (flags & 0x01 ? (links ? 8 : 2) : 0);
  const address = (p: number) => {
    const a = readUint(b, p, 8);
    return a === UNDEFINED_ADDRESS ? undefined : a;
  };
  const heap = address(at), nameIndex = address(at + 8);
  at += 16;
  const orderIndex = flags & 0x02 ? address(at) : undefined;
  return { orderTracked: (flags & 0x01) !== 0, orderIndexed: (flags & 0x02) !== 0, heap, nameIndex, orderIndex };
}

// ---------------------------------------------------------------------------------------------------------------
// Fractal heaps.

/** A fractal heap's header, with what its doubling table implies. */
export interface FractalHeap {
  address: number;
  /** Bytes of the heap IDs that name its objects. */
  idLength: number;
  /** Direct blocks end their header with a checksum. */
  checksummedBlocks: boolean;
  /** Blocks per row of the doubling table. */
  width: number;
  startBlock: number;
  maxDirect: number;
  /** Bytes of a heap offset (in IDs and block headers). */
  offsetBytes: number;
  /** Bytes of an object's length in a managed object's ID. */
  lengthBytes: number;
  /** The root block: a direct block when `rootRows` is 0, else an indirect block of that many rows. */
  root: number;
  rootRows: number;
  /** Rows of direct blocks in an indirect block (the rows after them hold indirect blocks). */
  directRows: number;
  /** log2 of the first row's span (width × start block size). */
  firstRowBits: number;
  /** Objects in the heap (managed, huge and tiny): the links or attributes it holds. */
  objects: number;
}

/** Bytes of a fractal heap's header without I/O filters (as read to decode it). */
export const FRACTAL_HEAP_HEADER_BYTES = 146;

/** A fractal heap's header (`b`: its first FRACTAL_HEAP_HEADER_BYTES bytes). Filtered heaps are not decoded. */
export function decodeFractalHeap(address: number, b: Uint8Array): FractalHeap {
  if (b.length < FRACTAL_HEAP_HEADER_BYTES || !hasSignature(b, "FRHP") || b[4] !== 0) throw new NotDecoded();
  if (readUint(b, 7, 2) !== 0) throw new NotDecoded(); // I/O filters (compressed blocks)
  const maxManaged = readUint(b, 10, 4);
  const width = readUint(b, 110, 2), startBlock = readUint(b, 112, 8), maxDirect = readUint(b, 120, 8), maxHeapBits = readUint(b, 128, 2);
  const powerOfTwo = (n: number) => n > 0 && 2 ** log2(n) === n;
  if (!powerOfTwo(width) || !powerOfTwo(startBlock) || !powerOfTwo(maxDirect) || maxDirect < startBlock || maxHeapBits < 8 || maxHeapBits > 64) throw new NotDecoded();
  const offsetBytes = Math.ceil(maxHeapBits / 8);
  const directBlockOffsetBytes = Math.ceil(log2(maxDirect) / 8);
  return {
    address, idLength: readUint(b, 5, 2), checksummedBlocks: (b[9]! & 0x02) !== 0, width, startBlock, maxDirect, offsetBytes,
    lengthBytes: Math.min(directBlockOffsetBytes, encodedSize(maxManaged)),
    root: readUint(b, 132, 8), rootRows: readUint(b, 140, 2),
    directRows: log2(maxDirect) - log2(startBlock) + 2, firstRowBits: log2(startBlock) + log2(width),
    objects: readUint(b, 70, 8) + readUint(b, 86, 8) + readUint(b, 102, 8),
  };
}

/** Block size of row `row` of the doubling table. */
export function rowBlockSize(heap: FractalHeap, row: number): number {
  return row === 0 ? heap.startBlock : heap.startBlock * 2 ** (row - 1);
}

/** Bytes of an indirect block of `rows` rows. */
export function indirectBlockBytes(heap: FractalHeap, rows: number): number {
  return 5 + 8 + heap.offsetBytes + rows * heap.width * 8 + 4;
}

/** A block an indirect block points to: a direct block (`size` bytes) or an indirect one (`rows` rows). */
export type HeapChild = { kind: "direct"; address: number; size: number } | { kind: "indirect"; address: number; rows: number };

/** The blocks an indirect block of `rows` rows points to (allocated ones only, in heap order). */
export function decodeIndirectBlock(heap: FractalHeap, b: Uint8Array, rows: number): HeapChild[] {
  if (!hasSignature(b, "FHIB") || b[4] !== 0 || readUint(b, 5, 8) !== heap.address) throw new NotDecoded();
  const out: HeapChild[] = [];
  const start = 5 + 8 + heap.offsetBytes;
  for (let row = 0; row < rows; row++) {
    const size = rowBlockSize(heap, row);
    for (let col = 0; col < heap.width; col++) {
      const address = readUint(b, start + (row * heap.width + col) * 8, 8);
      if (address === UNDEFINED_ADDRESS) continue;
      if (row < heap.directRows) out.push({ kind: "direct", address, size });
      else out.push({ kind: "indirect", address, rows: log2(size) - heap.firstRowBits + 1 });
    }
  }
  return out;
}

/** A direct block's offset in the heap (from its header). */
export function directBlockOffset(heap: FractalHeap, b: Uint8Array): number {
  if (!hasSignature(b, "FHDB") || b[4] !== 0 || readUint(b, 5, 8) !== heap.address) throw new NotDecoded();
  return readUint(b, 13, heap.offsetBytes);
}

/** Bytes of a direct block's header, before its first object. */
export function directBlockHeaderBytes(heap: FractalHeap): number {
  return 5 + 8 + heap.offsetBytes + (heap.checksummedBlocks ? 4 : 0);
}

/** What a heap ID names: a managed object (at an offset in the heap's blocks) or a tiny one (in the ID itself). */
export type HeapObjectId = { kind: "managed"; offset: number; length: number } | { kind: "tiny"; bytes: Uint8Array };

export function decodeHeapId(heap: FractalHeap, id: Uint8Array): HeapObjectId {
  const flags = id[0]!;
  if (flags & 0xc0) throw new NotDecoded(); // version
  const type = (flags >> 4) & 0x03;
  if (type === 0) {
    const offset = readUint(id, 1, heap.offsetBytes);
    const length = readUint(id, 1 + heap.offsetBytes, heap.lengthBytes);
    return { kind: "managed", offset, length };
  }
  if (type === 2 && heap.idLength <= 18) {
    // Tiny: the length (less one) in the low bits, the bytes after.
    const length = (flags & 0x0f) + 1;
    if (1 + length > id.length) throw new NotDecoded();
    return { kind: "tiny", bytes: id.subarray(1, 1 + length) };
  }
  throw new NotDecoded(); // huge objects (stored apart), extended tiny ones
}

/** The direct blocks of a heap with their bytes, sorted by heap offset: where managed objects are looked up. */
export interface HeapBlocks {
  blocks: { offset: number; address: number; size: number; bytes: Uint8Array }[];
}

/** The `length` bytes of the managed object at heap offset `offset`, among `blocks` (sorted by offset). */
export function managedObject(heap: FractalHeap, blocks: HeapBlocks, offset: number, length: number): Uint8Array {
  const list = blocks.blocks;
  let lo = 0, hi = list.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.offset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  const block = found >= 0 ? list[found]! : undefined;
  if (block === undefined) throw new NotDecoded();
  const at = offset - block.offset;
  if (at < directBlockHeaderBytes(heap) || at + length > block.size) throw new NotDecoded();
  return block.bytes.subarray(at, at + length);
}

/** Most blocks of a heap read (a group of 100,000 links has a few hundred). */
const MAX_HEAP_BLOCKS = 1 << 14;
/** Indirect blocks nest no deeper than a heap's offset bits allow (64 bits: about 60 levels, far fewer in practice). */
const MAX_HEAP_DEPTH = 16;

/** Every direct block of a heap, read through `bytes`. */
export function readHeapBlocks(bytes: ByteReader, heap: FractalHeap): HeapBlocks {
  const blocks: HeapBlocks["blocks"] = [];
  const direct = (address: number, size: number) => {
    if (blocks.length >= MAX_HEAP_BLOCKS) throw new NotDecoded();
    const b = bytes.read(address, size);
    if (b.length !== size) throw new NotDecoded();
    blocks.push({ offset: directBlockOffset(heap, b), address, size, bytes: b });
  };
  const indirect = (address: number, rows: number, depth: number) => {
    if (depth > MAX_HEAP_DEPTH) throw new NotDecoded();
    for (const child of decodeIndirectBlock(heap, bytes.read(address, indirectBlockBytes(heap, rows)), rows)) {
      if (child.kind === "direct") direct(child.address, child.size);
      else indirect(child.address, child.rows, depth + 1);
    }
  };
  if (heap.root === UNDEFINED_ADDRESS) return { blocks };
  if (heap.rootRows === 0) direct(heap.root, heap.startBlock);
  else indirect(heap.root, heap.rootRows, 0);
  blocks.sort((a, b) => a.offset - b.offset);
  return { blocks };
}

// ---------------------------------------------------------------------------------------------------------------
// Version 2 B-trees.

/** A version 2 B-tree's header, with the sizes of its nodes' fields by depth. */
export interface BTree2 {
  address: number;
  type: number;
  nodeSize: number;
  recordSize: number;
  depth: number;
  root: number;
  rootRecords: number;
  totalRecords: number;
  /** Bytes of a child pointer's record count (all depths). */
  countBytes: number;
  /** By depth (1 to depth): bytes of a child pointer's total record count below it (0 at depth 1). */
  totalBytes: number[];
}

/** Bytes of a version 2 B-tree's header. */
export const BTREE2_HEADER_BYTES = 38;
const BTREE2_PREFIX = 10; // signature, version, type, checksum

export function decodeBTree2(address: number, b: Uint8Array): BTree2 {
  if (b.length < BTREE2_HEADER_BYTES || !hasSignature(b, "BTHD") || b[4] !== 0) throw new NotDecoded();
  const nodeSize = readUint(b, 6, 4), recordSize = readUint(b, 10, 2), depth = readUint(b, 12, 2);
  if (recordSize === 0 || nodeSize <= BTREE2_PREFIX + recordSize || depth > 16) throw new NotDecoded();
  // H5B2__hdr_init: the most records of a leaf, then of internal nodes by depth, and the bytes counting them.
  const leafMax = Math.floor((nodeSize - BTREE2_PREFIX) / recordSize);
  const countBytes = encodedSize(leafMax);
  const cumulative = [leafMax];
  const cumulativeBytes = [0];
  const totalBytes = [0, 0];
  for (let d = 1; d <= depth; d++) {
    const pointer = 8 + countBytes + (d > 1 ? cumulativeBytes[d - 1]! : 0);
    const max = Math.floor((nodeSize - (BTREE2_PREFIX + pointer)) / (recordSize + pointer));
    if (max <= 0) throw new NotDecoded();
    cumulative.push((max + 1) * cumulative[d - 1]! + max);
    cumulativeBytes.push(encodedSize(cumulative[d]!));
    if (d >= 2) totalBytes[d] = cumulativeBytes[d - 1]!;
  }
  return {
    address, type: b[5]!, nodeSize, recordSize, depth, root: readUint(b, 16, 8), rootRecords: readUint(b, 24, 2), totalRecords: readUint(b, 26, 8),
    countBytes, totalBytes,
  };
}

/** A node's records and (internal nodes) children, each with its record count. */
export interface BTree2Node {
  records: Uint8Array[];
  children: { address: number; records: number }[];
}

/** The node of `tree` at depth `depth` (0: a leaf) holding `records` records. */
export function decodeBTree2Node(tree: BTree2, b: Uint8Array, depth: number, records: number): BTree2Node {
  if (b.length < tree.nodeSize || !hasSignature(b, depth === 0 ? "BTLF" : "BTIN") || b[4] !== 0 || b[5] !== tree.type) throw new NotDecoded();
  const out: BTree2Node = { records: [], children: [] };
  let at = 6;
  for (let i = 0; i < records; i++, at += tree.recordSize) out.records.push(b.subarray(at, at + tree.recordSize));
  if (depth > 0) {
    for (let i = 0; i <= records; i++) {
      const address = readUint(b, at, 8);
      const count = readUint(b, at + 8, tree.countBytes);
      at += 8 + tree.countBytes + tree.totalBytes[depth]!;
      out.children.push({ address, records: count });
    }
  }
  if (at + 4 > b.length) throw new NotDecoded();
  return out;
}

/** Most nodes of a B-tree read. */
const MAX_BTREE_NODES = 1 << 14;

/** Every record of the B-tree at `address`, read through `bytes` (in no particular order). */
export function readBTree2Records(bytes: ByteReader, address: number): { tree: BTree2; records: Uint8Array[] } {
  const tree = decodeBTree2(address, bytes.read(address, BTREE2_HEADER_BYTES));
  const records: Uint8Array[] = [];
  let nodes = 0;
  const visit = (node: number, depth: number, count: number) => {
    if (++nodes > MAX_BTREE_NODES) throw new NotDecoded();
    const decoded = decodeBTree2Node(tree, bytes.read(node, tree.nodeSize), depth, count);
    records.push(...decoded.records);
    for (const child of decoded.children) visit(child.address, depth - 1, child.records);
  };
  if (tree.rootRecords > 0 && tree.root !== UNDEFINED_ADDRESS) visit(tree.root, tree.depth, tree.rootRecords);
  if (records.length !== tree.totalRecords) throw new NotDecoded();
  return { tree, records };
}

/** A dense index record: the heap ID of an object and, where the record keeps it, its creation order. */
export interface IndexRecord {
  id: Uint8Array;
  order?: number;
}

/** Record types: 5 links by name, 6 links by creation order, 8 attributes by name, 9 attributes by creation order. */
export function decodeIndexRecord(type: number, r: Uint8Array, idLength: number): IndexRecord {
  switch (type) {
    case 5: // name's hash (4), heap ID
      return { id: r.subarray(4, 4 + idLength) };
    case 6: // creation order (8), heap ID
      return { id: r.subarray(8, 8 + idLength), order: readUint(r, 0, 8) };
    case 8: // heap ID (8), message flags (1), creation order (4), name's hash (4)
    case 9: // heap ID (8), message flags (1), creation order (4)
      // A shared attribute (flags bit 1): its ID names the file's shared message heap, not this one.
      if (r[8]! & 0x02) throw new NotDecoded();
      return { id: r.subarray(0, 8), order: readUint(r, 9, 4) };
    default:
      throw new NotDecoded();
  }
}

/**
 * The objects (link messages' or attribute messages' bodies) of dense storage whose heap and name index are at
 * `heapAddress` and `indexAddress`, read through `bytes`, with their creation order where the index keeps it.
 */
export function denseObjects(bytes: ByteReader, heapAddress: number, indexAddress: number): { body: Uint8Array; order?: number }[] {
  const heap = decodeFractalHeap(heapAddress, bytes.read(heapAddress, FRACTAL_HEAP_HEADER_BYTES));
  const { tree, records } = readBTree2Records(bytes, indexAddress);
  if (tree.type !== 5 && tree.type !== 8) throw new NotDecoded();
  if (records.length !== heap.objects) throw new NotDecoded();
  const blocks = readHeapBlocks(bytes, heap);
  return records.map((r) => {
    const { id, order } = decodeIndexRecord(tree.type, r, heap.idLength);
    const where = decodeHeapId(heap, id);
    const body = where.kind === "tiny" ? where.bytes : managedObject(heap, blocks, where.offset, where.length);
    return { body, order };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The order HDF5 lists by.

const encoder = new TextEncoder();

/** strcmp on the names' UTF-8 bytes (HDF5 sorts names so, whatever their characters). */
export function compareNames(a: string, b: string): number {
  if (/^[\x01-\x7f]*$/.test(a) && /^[\x01-\x7f]*$/.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = encoder.encode(a), y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * `items` in the order HDF5 (and h5wasm's listings) give: by creation order when it is indexed (every item then has
 * one), else by name.
 */
export function hdf5Order<T extends { name: string; order?: number }>(items: T[], byCreationOrder: boolean): T[] {
  if (byCreationOrder) {
    if (items.some((i) => i.order === undefined)) throw new NotDecoded();
    return [...items].sort((a, b) => a.order! - b.order!);
  }
  return [...items].sort((a, b) => compareNames(a.name, b.name));
}
