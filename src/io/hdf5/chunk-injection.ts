/**
 * Chunks written by tsnwb itself, past h5wasm (which copies every byte through the WebAssembly heap, runs gzip in
 * WebAssembly on one thread and sets one filter per dataset). h5wasm creates the dataset (its shape, chunk shape
 * and, for gzip, a deflate filter whose parameters are padded to leave room in the header) and writes no chunk;
 * `chunk-sink.ts` cuts, compresses and stores the chunks as rows arrive. Once the file is closed, the chunks are
 * indexed by a version 1 B-tree (HDF5 1.8's chunk index, which HDF5 itself keeps growing when the dataset is
 * appended to later), the superblock's end of file is moved past it, and the dataset's filter pipeline (shuffle
 * then deflate, as h5py writes them) and layout message are rewritten (see `injectChunks` for why in that order).
 */
import { MESSAGE, type FileBytes, type ObjectHeader, lookup3, messageBody, readObjectHeader, readUint, replaceMessage, sealBlock, writeUint } from "./object-header.js";
import type { ChunkCompressor, ChunkInjection } from "./chunk-sink.js";

/** Entries per chunk B-tree node: 2K with HDF5's default K of 32 for chunk indexes (files tsnwb makes keep it). */
export const NODE_ENTRIES = 64;

/**
 * Bytes of a version 1 chunk B-tree node of NODE_ENTRIES entries, for a dataset of `rank` axes: its head, then a
 * key (chunk size, filter mask, an offset per axis and one for the element) before and after each child address.
 */
export function chunkNodeBytes(rank: number): number {
  const keyBytes = 8 + 8 * (rank + 1);
  return 24 + (NODE_ENTRIES + 1) * keyBytes + NODE_ENTRIES * 8;
}
const UNDEFINED_ADDRESS = new Uint8Array(8).fill(0xff);

/**
 * Where a superblock's end-of-file address is, and whether a checksum seals it, for the superblocks chunks can be
 * injected under: versions 2 and 3 (h5wasm's new files), 0 (h5py's and pynwb's, to which tsnwb appends) and 1 with
 * HDF5's default B-tree size for chunk indexes (the full nodes written here hold 2 x 32 entries). Undefined for
 * any other: h5wasm writes the chunks there.
 */
export function superblockEndOfFile(head: Uint8Array): { offset: number; checksum: boolean } | undefined {
  const version = head[8];
  if (version === 2 || version === 3) return { offset: 28, checksum: true };
  if (version === 0) return { offset: 40, checksum: false };
  if (version === 1 && readUint(head, 24, 2) === NODE_ENTRIES / 2) return { offset: 44, checksum: false };
  return undefined;
}

/**
 * Puts every dataset's stored chunks in the closed file: their B-trees appended, the superblock's end of file
 * moved, then their filter and layout messages rewritten. `size` is where the HDF5 file's bytes end. With
 * `inPlace`, the file being edited is the compressor's side store, whose head now holds those bytes, and the chunks
 * stay where they are; otherwise they are copied from the store to the end of the file.
 *
 * In that order because a process may be killed between any two writes: what a pointer points at is in the file
 * before the pointer, and the end of file covers the B-trees before a layout points into them. A kill before the
 * last layout leaves some datasets without their chunks, never an address past the file's end.
 */
export function injectChunks(file: FileBytes, size: number, injections: readonly ChunkInjection[], compressor: ChunkCompressor, inPlace: boolean): void {
  if (injections.length === 0) return;
  const superblock = file.read(0, 48);
  const eof = superblockEndOfFile(superblock);
  if (eof === undefined) throw new Error(`superblock version ${superblock[8]}: chunks cannot be put in this file`);
  if (readUint(superblock, eof.offset, 8) > size) throw new Error(`the superblock's end of file (${readUint(superblock, eof.offset, 8)}) is past the file's end (${size})`);
  let end = inPlace ? compressor.size : size;
  const roots: (number | undefined)[] = [];
  for (const injection of injections) {
    if (injection.chunks.length === 0) {
      roots.push(undefined);
      continue;
    }
    const addresses: number[] = [];
    for (const c of injection.chunks) {
      if (inPlace) {
        addresses.push(c.position);
        continue;
      }
      // Copied from the side store one by one, in the order of the chunk grid.
      addresses.push(end);
      file.write(end, compressor.stored(c.position, c.size));
      end += c.size;
    }
    const root = writeBTree(file, injection, addresses, end);
    end = root.end;
    roots.push(root.address);
  }
  writeUint(superblock, eof.offset, 8, end);
  if (eof.checksum) writeUint(superblock, 44, 4, lookup3(superblock.subarray(0, 44)));
  file.write(0, superblock);
  injections.forEach((injection, i) => {
    const header = readObjectHeader(file, injection.header);
    // The filters first: a dataset whose layout points at no chunk yet reads as unwritten whatever its filters.
    if (injection.level !== undefined || injection.fletcher32) rewriteFilters(file, header, injection);
    if (roots[i] !== undefined) rewriteLayout(file, header, injection, roots[i]);
  });
}

/** A version 1 B-tree over the chunks, written from `at`, leaves first; gives the root's address and the new end. */
function writeBTree(file: FileBytes, injection: ChunkInjection, addresses: number[], at: number): { address: number; end: number } {
  const dims = injection.rank + 1;
  const keyBytes = 8 + 8 * dims;
  // Nodes are written at their full size: HDF5 inserts into them when the dataset grows later.
  const nodeBytes = chunkNodeBytes(injection.rank);
  let level = 0;
  let entries = injection.chunks.map((c, i) => ({ key: [...c.origin, 0], size: c.size, child: addresses[i]! }));
  // The right key of the last chunk: one chunk past it on every axis, as HDF5 writes it.
  const last = injection.chunks[injection.chunks.length - 1]!;
  const beyond = [...last.origin.map((o, k) => o + injection.chunk[k]!), 0];
  let end = at;
  for (;;) {
    const nodes: (typeof entries)[] = [];
    for (let i = 0; i < entries.length; i += NODE_ENTRIES) nodes.push(entries.slice(i, i + NODE_ENTRIES));
    const nodeAddresses = nodes.map((_, j) => end + j * nodeBytes);
    nodes.forEach((node, j) => {
      const b = new Uint8Array(nodeBytes);
      b.set([0x54, 0x52, 0x45, 0x45], 0); // "TREE"
      b[4] = 1; // raw data chunks
      b[5] = level;
      writeUint(b, 6, 2, node.length);
      if (j > 0) writeUint(b, 8, 8, nodeAddresses[j - 1]!);
      else b.set(UNDEFINED_ADDRESS, 8);
      if (j < nodes.length - 1) writeUint(b, 16, 8, nodeAddresses[j + 1]!);
      else b.set(UNDEFINED_ADDRESS, 16);
      let p = 24;
      for (const entry of node) {
        writeKey(b, p, level === 0 ? entry.size : 0, entry.key);
        writeUint(b, p + keyBytes, 8, entry.child);
        p += keyBytes + 8;
      }
      writeKey(b, p, 0, j < nodes.length - 1 ? nodes[j + 1]![0]!.key : beyond);
      file.write(nodeAddresses[j]!, b);
    });
    end += nodes.length * nodeBytes;
    if (nodes.length === 1) return { address: nodeAddresses[0]!, end };
    entries = nodes.map((node, j) => ({ key: node[0]!.key, size: 0, child: nodeAddresses[j]! }));
    level++;
  }
}

function writeKey(b: Uint8Array, at: number, size: number, offsets: number[]): void {
  writeUint(b, at, 4, size);
  writeUint(b, at + 4, 4, 0);
  offsets.forEach((o, k) => writeUint(b, at + 8 + 8 * k, 8, o));
}

/** The layout message (version 3, chunked) pointed at the new B-tree. */
function rewriteLayout(file: FileBytes, header: ObjectHeader, injection: ChunkInjection, btree: number): void {
  const m = header.messages.find((x) => x.type === MESSAGE.layout);
  const body = m ? messageBody(m) : undefined;
  if (!m || !body || body[0] !== 3 || body[1] !== 2) throw new Error(`${injection.path}: not a version 3 chunked layout`);
  writeUint(m.block.bytes, m.body + 3, 8, btree);
  sealBlock(file, m.block);
}

/**
 * The filter pipeline as h5py writes it: shuffle (its element size) and deflate (its level), optional, then
 * Fletcher-32, mandatory; the rest NIL.
 */
function rewriteFilters(file: FileBytes, header: ObjectHeader, injection: ChunkInjection): void {
  const m = header.messages.find((x) => x.type === MESSAGE.filters);
  if (!m || header.version !== 2 || messageBody(m)[0] !== 2) throw new Error(`${injection.path}: not a version 2 filter pipeline`);
  const filters: { id: number; optional: boolean; value?: number }[] = [
    ...(injection.shuffle ? [{ id: 2, optional: true, value: injection.elementBytes }] : []),
    ...(injection.level !== undefined ? [{ id: 1, optional: true, value: injection.level }] : []),
    ...(injection.fletcher32 ? [{ id: 3, optional: false }] : []),
  ];
  const body = new Uint8Array(2 + filters.reduce((n, f) => n + 6 + (f.value === undefined ? 0 : 4), 0));
  body[0] = 2;
  body[1] = filters.length;
  let p = 2;
  for (const f of filters) {
    writeUint(body, p, 2, f.id);
    writeUint(body, p + 2, 2, f.optional ? 1 : 0);
    writeUint(body, p + 4, 2, f.value === undefined ? 0 : 1);
    if (f.value !== undefined) writeUint(body, p + 6, 4, f.value);
    p += f.value === undefined ? 6 : 10;
  }
  if (!replaceMessage(file, header, m, body)) throw new Error(`${injection.path}: no room for the filter pipeline`);
}
