/**
 * A group's links read from the file's bytes, without HDF5: names, kinds (hard, soft, external), soft and external
 * targets, and for hard links the address and kind of the object (group, dataset, named datatype). h5wasm answers
 * these with three calls a child (is it a soft link, an external link, what type is it), each finding the child by
 * its path anew: on a file of 2,000 objects, a third of the time its tree took to read once attributes came from
 * their headers. Decoded here: old-style groups (a symbol table: a version 1 B-tree of symbol nodes and a local
 * heap of names, what HDF5 1.8 writes by default and pynwb's files hold) and new-style compact groups (link
 * messages in the header, what h5wasm writes). Anything else (dense link storage, links in creation order, user
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
      // Creation order tracked (flags bit 0): HDF5 may list by it. A fractal heap: links stored densely.
      if (body[0] !== 0 || body[1]! & 0x01) throw new NotHere();
      if (readUint(body, 2, 8) !== UNDEFINED_ADDRESS) throw new NotHere();
      named = header.messages.filter((m) => m.type === MSG.link).map((m) => linkMessage(messageBody(m)));
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
