/**
 * HDF5's old-style groups (what HDF5 1.8 writes by default and pynwb's files hold), decoded node by node: a symbol
 * table message names a version 1 B-tree of symbol table nodes ("SNOD") and a local heap ("HEAP") of the names.
 * Shared by the tree reader (`group-links.ts`, which reads the nodes one after another) and the metadata prefetcher
 * (`metadata-prefetch.ts`, which fetches each level's nodes of every group at once).
 */
import { NotDecoded, hasSignature } from "./dense-storage.js";
import { readUint } from "./object-header.js";

/** Bytes of a local heap's header. */
export const LOCAL_HEAP_HEADER_BYTES = 32;
/** Bytes of a version 1 B-tree node's header (before its keys and children). */
export const BTREE1_HEADER_BYTES = 24;
/** Bytes of a symbol table entry. */
export const SYMBOL_ENTRY_BYTES = 40;

/** A local heap's data segment: where it is and how long. */
export function decodeLocalHeap(b: Uint8Array): { data: number; size: number } {
  if (!hasSignature(b, "HEAP") || b[4] !== 0) throw new NotDecoded();
  return { size: readUint(b, 8, 8), data: readUint(b, 24, 8) };
}

/** Bytes of a group B-tree node whose internal nodes hold up to 2K children (the superblock's K). */
export function groupNodeBytes(k: number): number {
  return BTREE1_HEADER_BYTES + (2 * k + 1) * 8 + 2 * k * 8;
}

/**
 * A version 1 B-tree node of a group (type 0): its level (0: its children are symbol nodes) and its children.
 * `b`: the node's bytes (`groupNodeBytes` of them for its K, or its header and `entries` × 16 + 8 bytes after).
 */
export function decodeGroupNode(b: Uint8Array): { level: number; children: number[] } {
  if (!hasSignature(b, "TREE") || b[4] !== 0) throw new NotDecoded();
  const level = b[5]!;
  const entries = readUint(b, 6, 2);
  // Keys (heap offsets, 8 bytes) and children (addresses) alternate: key, child, key, ..., child, key.
  if (BTREE1_HEADER_BYTES + 8 + entries * 16 > b.length) throw new NotDecoded();
  const children: number[] = [];
  for (let i = 0; i < entries; i++) children.push(readUint(b, BTREE1_HEADER_BYTES + 8 + i * 16, 8));
  return { level, children };
}

/** Entries in a symbol node, from its 8-byte header. */
export function symbolNodeCount(b: Uint8Array): number {
  if (!hasSignature(b, "SNOD") || b[4] !== 1) throw new NotDecoded();
  return readUint(b, 6, 2);
}

/** A symbol table entry: its name's heap offset, its object's header, and what its scratch pad caches. */
export interface SymbolEntry {
  nameOffset: number;
  header: number;
  /** 0 nothing cached, 1 a group's B-tree and heap (`cached`), 2 a soft link (its value's heap offset, `soft`). */
  cache: number;
  cached?: { btree: number; heap: number };
  soft?: number;
}

/** The entry at `at` in `b` (a symbol node's, or the superblock's root entry). */
export function decodeSymbolEntry(b: Uint8Array, at: number): SymbolEntry {
  const cache = readUint(b, at + 16, 4);
  const entry: SymbolEntry = { nameOffset: readUint(b, at, 8), header: readUint(b, at + 8, 8), cache };
  if (cache === 1) entry.cached = { btree: readUint(b, at + 24, 8), heap: readUint(b, at + 32, 8) };
  else if (cache === 2) entry.soft = readUint(b, at + 24, 4);
  else if (cache !== 0) throw new NotDecoded();
  return entry;
}

/** The entries of a symbol node (`b`: its header and entries). */
export function decodeSymbolNode(b: Uint8Array): SymbolEntry[] {
  const count = symbolNodeCount(b);
  if (8 + count * SYMBOL_ENTRY_BYTES > b.length) throw new NotDecoded();
  return Array.from({ length: count }, (_, i) => decodeSymbolEntry(b, 8 + i * SYMBOL_ENTRY_BYTES));
}
