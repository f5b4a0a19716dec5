/**
 * A group's links read from the file's bytes, without HDF5: names, kinds (hard, soft, external), soft and external
 * targets, and for hard links the address and kind of the object (group, dataset, named datatype). h5wasm answers
 * these with three calls a child (is it a soft link, an external link, what type is it), each finding the child by
 * its path anew: on a file of 2,000 objects, a third of the time its tree took to read once attributes came from
 * their headers. Decoded here: old-style groups (a symbol table: `symbol-table.ts`, what HDF5 1.8 writes by default
 * and pynwb's files hold) and new-style groups, their links in the header (compact) or in a fractal heap indexed by
 * a version 2 B-tree (dense: `dense-storage.ts`, what HDF5 makes of a group of more than 8 links in files of the
 * newer format, as tsnwb's), listed by name or, where the group indexes it, by creation order, as h5wasm lists
 * them. Anything else (user-defined links, filtered heaps, damaged bytes) is undefined, and the caller asks HDF5.
 */
import type { ByteSource } from "./attribute-messages.js";
import { NotDecoded, decodeDenseInfo, denseObjects, hdf5Order } from "./dense-storage.js";
import { type DecodedLink, decodeLinkMessage } from "./link-message.js";
import { type ObjectHeader, messageBody, readObjectHeader, readUint } from "./object-header.js";
import { BTREE1_HEADER_BYTES, LOCAL_HEAP_HEADER_BYTES, SYMBOL_ENTRY_BYTES, decodeGroupNode, decodeLocalHeap, decodeSymbolNode } from "./symbol-table.js";

export type GroupLink =
  | { name: string; kind: "soft"; target: string }
  | { name: string; kind: "external"; file: string; path: string }
  | { name: string; kind: "hard"; address: number; type: "group" | "dataset" | "datatype"; header: ObjectHeader };

const MSG = { dataspace: 0x0001, linkInfo: 0x0002, datatype: 0x0003, link: 0x0006, layout: 0x0008, symbolTable: 0x0011 } as const;
/** B-trees deeper than this, or nodes with more entries, are taken as damage. */
const MAX_LEVEL = 32;
const MAX_ENTRIES = 1 << 16;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function cString(bytes: Uint8Array, at: number): string {
  const end = bytes.indexOf(0, at);
  if (end < 0) throw new NotDecoded();
  return utf8.decode(bytes.subarray(at, end));
}

type Named = DecodedLink & { cached?: { btree: number; heap: number } };

/**
 * The links of the group whose header is at `address` (`read`: that header, when read already), in the order HDF5
 * lists them, or undefined (ask HDF5). Hard links come with their object's header.
 */
export function groupLinks(bytes: ByteSource, address: number, read?: ObjectHeader): GroupLink[] | undefined {
  try {
    const header = read ?? readObjectHeader(bytes, address);
    const table = header.messages.find((m) => m.type === MSG.symbolTable);
    let named: Named[];
    if (table !== undefined) {
      const body = messageBody(table);
      named = symbolTable(bytes, readUint(body, 0, 8), readUint(body, 8, 8));
    } else {
      const infos = header.messages.filter((m) => m.type === MSG.linkInfo);
      if (infos.length !== 1 || infos[0]!.flags & 0x02) throw new NotDecoded();
      const info = decodeDenseInfo(messageBody(infos[0]!), true);
      const compact = header.messages.filter((m) => m.type === MSG.link);
      if (info.heap !== undefined) {
        // Dense: the links are the heap's objects (a header holding link messages too is not one HDF5 wrote).
        if (compact.length > 0 || info.nameIndex === undefined) throw new NotDecoded();
        named = denseObjects(bytes, info.heap, info.nameIndex).map(({ body }) => decodeLinkMessage(body).link);
      } else {
        named = compact.map((m) => decodeLinkMessage(messageBody(m)).link);
      }
      named = hdf5Order(named, info.orderIndexed);
    }
    return named.map((l): GroupLink => {
      if (l.kind === "soft") return { name: l.name, kind: "soft", target: l.target };
      if (l.kind === "external") return { name: l.name, kind: "external", file: l.file, path: l.path };
      const header = readObjectHeader(bytes, l.address);
      // A symbol table entry may keep a copy of its group's B-tree and heap addresses, which HDF5 may use: a copy
      // that differs from the group's own symbol table (damage) is left to HDF5. A group made new-style after its
      // entry was written (an external link added to it) keeps no symbol table, and HDF5 reads its header.
      const table = l.cached && header.messages.find((m) => m.type === MSG.symbolTable);
      if (l.cached !== undefined && table !== undefined) {
        const body = messageBody(table);
        if (readUint(body, 0, 8) !== l.cached.btree || readUint(body, 8, 8) !== l.cached.heap) throw new NotDecoded();
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
  throw new NotDecoded();
}

/** The entries of an old-style group: its B-tree's symbol nodes in order (by name), names from its local heap. */
function symbolTable(bytes: ByteSource, btree: number, heap: number): Named[] {
  const { data, size } = decodeLocalHeap(bytes.read(heap, LOCAL_HEAP_HEADER_BYTES));
  if (size > 64 << 20) throw new NotDecoded();
  const names = bytes.read(data, size);
  const out: Named[] = [];
  const visit = (node: number, depth: number): void => {
    if (depth > MAX_LEVEL) throw new NotDecoded();
    const head = bytes.read(node, BTREE1_HEADER_BYTES);
    const entries = readUint(head, 6, 2);
    if (entries > MAX_ENTRIES) throw new NotDecoded();
    const { level, children } = decodeGroupNode(bytes.read(node, BTREE1_HEADER_BYTES + 8 + entries * 16));
    for (const child of children) {
      if (level > 0) visit(child, depth + 1);
      else symbolNode(child);
    }
  };
  const symbolNode = (address: number): void => {
    const count = readUint(bytes.read(address, 8), 6, 2);
    for (const e of decodeSymbolNode(bytes.read(address, 8 + count * SYMBOL_ENTRY_BYTES))) {
      const name = cString(names, e.nameOffset);
      if (e.soft !== undefined) out.push({ name, kind: "soft", target: cString(names, e.soft) });
      else out.push({ name, kind: "hard", address: e.header, cached: e.cached });
    }
  };
  visit(btree, 0);
  return out;
}
