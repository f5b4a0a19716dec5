/**
 * A group's links read from the file's bytes, without HDF5: names, kinds (hard, soft, external), soft and external
 * targets, and for hard links the address and kind of the object (group, dataset, named datatype). h5wasm answers
 * these with three calls a child (is it a soft link, an external link, what type is it), each finding the child by
 * its path anew: on a file of 2,000 objects, a third of the time its tree took to read once attributes came from
 * their headers. Decoded here: old-style groups (a symbol table: a version 1 B-tree of symbol nodes and a local
 * heap of names, what HDF5 1.8 writes by default and pynwb's files hold) and new-style compact groups (link
 * messages in the header, what h5wasm writes), and dense ones of up to some tens of links (a fractal heap and its
 * name index, what h5wasm writes for more than 8). Anything else (larger dense groups, links in creation order, user
 * defined links, damaged bytes) is undefined, and the caller asks HDF5.
 */
import type { ByteSource } from "./attribute-messages.js";
import { type ObjectHeader, messageBody, readObjectHeader, readUint } from "./object-header.js";

export type GroupLink =
  | { name: string; kind: "soft"; target: string }
  | { name: string; kind: "external"; file: string; path: string }
  | { name: string; kind: "hard"; address: number; type: "group" | "dataset" | "datatype"; header: ObjectHeader };

/** Thrown (and caught) for what is not decoded here. */
class NotHere extends Error {}

const MSG = { dataspace: 0x0001, linkInfo: 0x0002, datatype: 0x0003, link: 0x0006, layout: 0x0008, symbolTable: 0x0011 } as const;
const UNDEFINED_ADDRESS = 2 ** 64 - 1;
/** B-trees deeper than this, or nodes with more entries, are taken as damage. */
const MAX_LEVEL = 32;
const MAX_ENTRIES = 1 << 16;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function cString(bytes: Uint8Array, at: number): string {
  const end = bytes.indexOf(0, at);
  if (end < 0) throw new NotHere();
  return utf8.decode(bytes.subarray(at, end));
}

/**
 * The links of the group whose header is at `address` (`read`: that header, when read already), in the order HDF5
 * lists them, or undefined (ask HDF5). Hard links come with their object's header.
 */
export function groupLinks(bytes: ByteSource, address: number, read?: ObjectHeader): GroupLink[] | undefined {
  try {
    const header = read ?? readObjectHeader(bytes, address);
    const table = header.messages.find((m) => m.type === MSG.symbolTable);
    let named: ({ name: string } & ({ kind: "soft"; target: string } | { kind: "external"; file: string; path: string } | { kind: "hard"; address: number; cached?: number[] }))[];
    if (table !== undefined) {
      const body = messageBody(table);
      named = symbolTable(bytes, readUint(body, 0, 8), readUint(body, 8, 8));
    } else {
      const info = header.messages.find((m) => m.type === MSG.linkInfo);
      if (info === undefined) throw new NotHere();
      const body = messageBody(info);
      // Creation order tracked (flags bit 0): HDF5 may list by it. A fractal heap: links stored densely (more
      // than 8, as h5wasm writes them), read from the heap through the B-tree of their names.
      if (body[0] !== 0 || body[1]! & 0x01) throw new NotHere();
      const heap = readUint(body, 2, 8);
      named = heap !== UNDEFINED_ADDRESS ? denseLinks(bytes, heap, readUint(body, 10, 8)).map(linkMessage)
        : header.messages.filter((m) => m.type === MSG.link).map((m) => linkMessage(messageBody(m)));
      // HDF5 lists compact links by name (strcmp): the order of JS strings when all are ASCII.
      if (named.some(({ name }) => !/^[\x01-\x7f]*$/.test(name))) throw new NotHere();
      named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    return named.map((l) => {
      if (l.kind !== "hard") return l;
      const header = readObjectHeader(bytes, l.address);
      // A symbol table entry may keep a copy of its group's B-tree and heap addresses, which HDF5 may use: a copy
      // that differs from the group's own (damage) is left to HDF5.
      if (l.cached !== undefined) {
        const table = header.messages.find((m) => m.type === MSG.symbolTable);
        const body = table && messageBody(table);
        if (body === undefined || readUint(body, 0, 8) !== l.cached[0] || readUint(body, 8, 8) !== l.cached[1]) throw new NotHere();
      }
      return { name: l.name, kind: "hard", address: l.address, type: objectType(header), header };
    });
  } catch {
    return undefined;
  }
}

/** What HDF5 takes an object to be (H5O__obj_class_real: group, then dataset, then named datatype). */
function objectType(header: ObjectHeader): "group" | "dataset" | "datatype" {
  const has = (type: number) => header.messages.some((m) => m.type === type);
  if (has(MSG.symbolTable) || has(MSG.linkInfo)) return "group";
  if (has(MSG.datatype) && has(MSG.dataspace)) return "dataset";
  if (has(MSG.datatype)) return "datatype";
  throw new NotHere();
}

/** A link message (version 1): hard, soft or external. */
function linkMessage(b: Uint8Array): { name: string } & ({ kind: "soft"; target: string } | { kind: "external"; file: string; path: string } | { kind: "hard"; address: number }) {
  if (b[0] !== 1) throw new NotHere();
  const flags = b[1]!;
  let at = 2;
  let type = 0;
  if (flags & 0x08) type = b[at++]!;
  if (flags & 0x04) at += 8; // creation order
  if (flags & 0x10) at += 1; // name's character set (ASCII or UTF-8: both decoded as UTF-8)
  const lengthBytes = 1 << (flags & 0x03);
  const nameLength = readUint(b, at, lengthBytes);
  at += lengthBytes;
  if (at + nameLength > b.length) throw new NotHere();
  const name = utf8.decode(b.subarray(at, at + nameLength));
  at += nameLength;
  if (type === 0) return { name, kind: "hard", address: readUint(b, at, 8) };
  const length = readUint(b, at, 2);
  const value = b.subarray(at + 2, at + 2 + length);
  if (value.length !== length) throw new NotHere();
  if (type === 1) {
    const end = value.indexOf(0);
    return { name, kind: "soft", target: utf8.decode(end < 0 ? value : value.subarray(0, end)) };
  }
  if (type === 64) {
    // Version 0, flags 0, then the file's name and the object's path, each NUL-terminated.
    if (value[0] !== 0) throw new NotHere();
    const fileEnd = value.indexOf(0, 1);
    if (fileEnd < 0) throw new NotHere();
    return { name, kind: "external", file: cString(value, 1), path: cString(value, fileEnd + 1) };
  }
  throw new NotHere();
}

/** Whether `bytes` at `at` hold the 4-character `signature`. */
function signed(bytes: Uint8Array, signature: string, at = 0): boolean {
  for (let i = 0; i < 4; i++) if (bytes[at + i] !== signature.charCodeAt(i)) return false;
  return true;
}

/** Bytes that hold values up to `limit` (HDF5's H5VM_limit_enc_size). */
function bytesFor(limit: number): number {
  return Math.floor(Math.log2(limit) / 8) + 1;
}

/**
 * The link messages of a group stored densely: their heap ids from the leaf that is the root of the group's name
 * index (a version 2 B-tree of depth 0: up to some hundred links), each message read from the fractal heap's
 * direct block that holds it (the root block, or one of the root indirect block's direct blocks). Deeper trees,
 * heaps with filters or nested indirect blocks, and objects not managed in the heap are not decoded here.
 */
function denseLinks(bytes: ByteSource, heapAddress: number, nameIndex: number): Uint8Array[] {
  // The fractal heap's header ("FRHP", version 0, 8-byte offsets and lengths).
  const h = bytes.read(heapAddress, 146);
  if (!signed(h, "FRHP") || h[4] !== 0) throw new NotHere();
  const idLength = readUint(h, 5, 2);
  if (readUint(h, 7, 2) !== 0) throw new NotHere(); // I/O filters
  const checksummedBlocks = (h[9]! & 0x02) !== 0;
  const maxManaged = readUint(h, 10, 4);
  const width = readUint(h, 110, 2);
  const startSize = readUint(h, 112, 8);
  const maxDirect = readUint(h, 120, 8);
  const maxHeapBits = readUint(h, 128, 2);
  const root = readUint(h, 132, 8);
  const rows = readUint(h, 140, 2);
  // HDF5's defaults: width 4, blocks of 512 bytes to 64 KiB. Sizes far past them are taken as damage.
  if (width === 0 || width > 1024 || startSize === 0 || maxDirect < startSize || maxDirect > 64 << 20 || maxHeapBits === 0 || maxHeapBits > 64) throw new NotHere();
  const offsetSize = Math.ceil(maxHeapBits / 8);
  // HDF5's heap_len_size: the bytes of an offset within the largest direct block (a power of 2), or fewer.
  const lengthSize = Math.min(Math.ceil(Math.log2(maxDirect) / 8), bytesFor(maxManaged));
  // Direct blocks by the heap offset they start at: the root block alone, or the root indirect block's.
  const blocks: { offset: number; size: number; address: number }[] = [];
  if (rows === 0) {
    blocks.push({ offset: 0, size: startSize, address: root });
  } else {
    const rowSize = (row: number) => (row === 0 ? startSize : startSize * 2 ** (row - 1));
    if (rows > 64 || rows * width > 1 << 16 || rowSize(rows - 1) > maxDirect) throw new NotHere();
    const entries = rows * width;
    const ib = bytes.read(root, 5 + 8 + offsetSize + entries * 8);
    if (!signed(ib, "FHIB") || ib[4] !== 0 || readUint(ib, 5, 8) !== heapAddress) throw new NotHere();
    let offset = 0;
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < width; col++) {
        const address = readUint(ib, 5 + 8 + offsetSize + (row * width + col) * 8, 8);
        if (address !== UNDEFINED_ADDRESS) blocks.push({ offset, size: rowSize(row), address });
        offset += rowSize(row);
      }
    }
  }
  const read = new Map<number, Uint8Array>();
  const object = (id: Uint8Array): Uint8Array => {
    // Managed objects only (type 0, version 0): an offset into the heap's space, and a length.
    if (id[0] !== 0) throw new NotHere();
    const offset = readUint(id, 1, offsetSize);
    const length = readUint(id, 1 + offsetSize, lengthSize);
    const block = blocks.find((b) => offset >= b.offset && offset + length <= b.offset + b.size);
    if (block === undefined) throw new NotHere();
    let data = read.get(block.address);
    if (data === undefined) {
      data = bytes.read(block.address, block.size);
      if (!signed(data, "FHDB") || data[4] !== 0 || readUint(data, 5, 8) !== heapAddress || readUint(data, 13, offsetSize) !== block.offset) throw new NotHere();
      read.set(block.address, data);
    }
    // Offsets within a direct block count from its start, its header included.
    const start = offset - block.offset;
    if (start < 13 + offsetSize + (checksummedBlocks ? 4 : 0) || length === 0) throw new NotHere();
    return data.subarray(start, start + length);
  };
  // The name index: a version 2 B-tree ("BTHD") of type 5 records (a name's hash, then its heap id).
  const t = bytes.read(nameIndex, 38);
  if (!signed(t, "BTHD") || t[4] !== 0 || t[5] !== 5) throw new NotHere();
  const nodeSize = readUint(t, 6, 4);
  const recordSize = readUint(t, 10, 2);
  const depth = readUint(t, 12, 2);
  const leaf = readUint(t, 16, 8);
  const records = readUint(t, 24, 2);
  if (depth !== 0 || nodeSize > 1 << 20 || recordSize !== 4 + idLength || idLength < 1 + offsetSize + lengthSize || records * recordSize + 10 > nodeSize) throw new NotHere();
  if (records === 0) return [];
  const node = bytes.read(leaf, 6 + records * recordSize);
  if (!signed(node, "BTLF") || node[4] !== 0 || node[5] !== 5) throw new NotHere();
  const out: Uint8Array[] = [];
  for (let i = 0; i < records; i++) out.push(object(node.subarray(6 + i * recordSize + 4, 6 + (i + 1) * recordSize)));
  return out;
}

/** The entries of an old-style group: its B-tree's symbol nodes in order (by name), names from its local heap. */
function symbolTable(bytes: ByteSource, btree: number, heap: number): ({ name: string } & ({ kind: "soft"; target: string } | { kind: "hard"; address: number; cached?: number[] }))[] {
  const heapHeader = bytes.read(heap, 32);
  if (heapHeader[0] !== 0x48 || heapHeader[1] !== 0x45 || heapHeader[2] !== 0x41 || heapHeader[3] !== 0x50 || heapHeader[4] !== 0) throw new NotHere();
  const heapSize = readUint(heapHeader, 8, 8);
  if (heapSize > 64 << 20) throw new NotHere();
  const names = bytes.read(readUint(heapHeader, 24, 8), heapSize);
  const out: ({ name: string } & ({ kind: "soft"; target: string } | { kind: "hard"; address: number; cached?: number[] }))[] = [];
  const visit = (node: number, depth: number): void => {
    if (depth > MAX_LEVEL) throw new NotHere();
    const head = bytes.read(node, 24);
    if (head[0] !== 0x54 || head[1] !== 0x52 || head[2] !== 0x45 || head[3] !== 0x45 || head[4] !== 0) throw new NotHere();
    const level = head[5]!;
    const entries = readUint(head, 6, 2);
    if (entries > MAX_ENTRIES) throw new NotHere();
    // Keys (heap offsets, 8 bytes) and children (addresses) alternate: key, child, key, ..., child, key.
    const body = bytes.read(node + 24, 8 + entries * 16);
    for (let i = 0; i < entries; i++) {
      const child = readUint(body, 8 + i * 16, 8);
      if (level > 0) visit(child, depth + 1);
      else symbolNode(child);
    }
  };
  const symbolNode = (address: number): void => {
    const head = bytes.read(address, 8);
    if (head[0] !== 0x53 || head[1] !== 0x4e || head[2] !== 0x4f || head[3] !== 0x44 || head[4] !== 1) throw new NotHere();
    const count = readUint(head, 6, 2);
    const entries = bytes.read(address + 8, count * 40);
    for (let i = 0; i < count; i++) {
      const e = entries.subarray(i * 40, i * 40 + 40);
      const name = cString(names, readUint(e, 0, 8));
      const cache = readUint(e, 16, 4);
      if (cache === 2) out.push({ name, kind: "soft", target: cString(names, readUint(e, 24, 4)) });
      else if (cache === 0) out.push({ name, kind: "hard", address: readUint(e, 8, 8) });
      else if (cache === 1) out.push({ name, kind: "hard", address: readUint(e, 8, 8), cached: [readUint(e, 24, 8), readUint(e, 32, 8)] });
      else throw new NotHere();
    }
  };
  visit(btree, 0);
  return out;
}
