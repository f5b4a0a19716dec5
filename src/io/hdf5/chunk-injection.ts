/**
 * Compressed chunks written by tsnwb itself, past h5wasm (whose gzip runs in WebAssembly on one thread and which
 * sets one filter per dataset). h5wasm creates the dataset (its shape, chunk shape and a deflate filter whose
 * parameters are padded to leave room in the header) and writes no chunk; tsnwb compresses the chunks with a native
 * deflate on several threads, optionally byte-shuffled first, and keeps them in a side store. Once the file is
 * closed, the chunks are appended to it, indexed by a version 1 B-tree (HDF5 1.8's chunk index, which HDF5 itself
 * keeps growing when the dataset is appended to later), and the dataset's layout message, its filter pipeline
 * (shuffle then deflate, as h5py writes them) and the superblock's end of file are rewritten.
 */
import { MESSAGE, type FileBytes, type ObjectHeader, lookup3, messageBody, readObjectHeader, readUint, replaceMessage, sealBlock, writeUint } from "./object-header.js";
import { boxIndices, product, stridesOf } from "../../data/ndarray.js";
import { shuffle as shuffleChunk } from "./byte-shuffle.js";

/** A native deflate (Node's zlib on its thread pool), and where compressed chunks wait for the file to close. */
export interface ChunkCompressor {
  deflate(bytes: Uint8Array, level: number): Promise<Uint8Array>;
  /** How many chunks to compress at once (the machine's cores). */
  readonly concurrency: number;
  /** Appends compressed bytes to the side store; gives their offset in it. */
  store(bytes: Uint8Array): number;
  /** Bytes of the side store. */
  stored(offset: number, length: number): Uint8Array;
  /** Removes the side store. */
  discard(): void;
}

/** The chunks of one dataset, compressed, waiting to be put in the file when it closes. */
export interface ChunkInjection {
  /** The dataset's object header address. */
  header: number;
  path: string;
  rank: number;
  /** The chunk shape. */
  chunk: number[];
  elementBytes: number;
  shuffle: boolean;
  level: number;
  /** In C order of the chunk grid: each chunk's first element, and where its compressed bytes are in the store. */
  chunks: { origin: number[]; offset: number; size: number }[];
}

/** The deflate parameters h5wasm is given: the level, then padding that makes room for shuffle in the header. */
export function paddedDeflateParameters(level: number): number[] {
  return [level, 0, 0, 0, 0, 0];
}

/**
 * Compresses a C-order array of `shape` chunk by chunk (edge chunks padded with zeros to the full chunk, as HDF5
 * stores them), `concurrency` at a time, storing each as it is done, in order.
 */
export async function compressChunks(
  data: Uint8Array, shape: number[], chunk: number[], elementBytes: number, shuffle: boolean, level: number, compressor: ChunkCompressor,
): Promise<ChunkInjection["chunks"]> {
  const grid = shape.map((n, k) => Math.ceil(n / chunk[k]!));
  const out: ChunkInjection["chunks"] = [];
  const inFlight: { origin: number[]; compressed: Promise<Uint8Array> }[] = [];
  // The oldest chunk in flight, stored as soon as it is compressed, so the store's order is the grid's.
  const storeOldest = async () => {
    const { origin, compressed } = inFlight.shift()!;
    const done = await compressed;
    out.push({ origin, offset: compressor.store(done), size: done.length });
  };
  for (const index of boxIndices(grid.map(() => 0), grid)) {
    const origin = index.map((i, k) => i * chunk[k]!);
    let bytes = chunkBytes(data, shape, chunk, origin, elementBytes);
    if (shuffle) bytes = shuffleChunk(bytes, elementBytes);
    inFlight.push({ origin, compressed: compressor.deflate(bytes, level) });
    if (inFlight.length >= compressor.concurrency) await storeOldest();
  }
  while (inFlight.length > 0) await storeOldest();
  return out;
}

/** The bytes of the chunk at `origin`: whole, zero-padded past the array's edges. */
function chunkBytes(data: Uint8Array, shape: number[], chunk: number[], origin: number[], e: number): Uint8Array {
  const rank = shape.length;
  const inside = origin.every((o, k) => o + chunk[k]! <= shape[k]!);
  const strides = stridesOf(shape);
  // A chunk spanning whole trailing axes of the array is one contiguous run of it.
  let contiguous = inside;
  for (let k = 1; k < rank && contiguous; k++) contiguous = chunk[k] === shape[k];
  const start = origin.reduce((a, o, k) => a + o * strides[k]!, 0) * e;
  if (contiguous) return data.subarray(start, start + product(chunk) * e);
  const out = new Uint8Array(product(chunk) * e);
  const hi = origin.map((o, k) => Math.min(o + chunk[k]!, shape[k]!));
  const run = (hi[rank - 1]! - origin[rank - 1]!) * e;
  const chunkStrides = stridesOf(chunk);
  for (const pos of boxIndices(origin, hi, rank - 1)) {
    let src = 0;
    let dst = 0;
    for (let k = 0; k < rank; k++) {
      src += pos[k]! * strides[k]!;
      dst += (pos[k]! - origin[k]!) * chunkStrides[k]!;
    }
    out.set(data.subarray(src * e, src * e + run), dst * e);
  }
  return out;
}

/** Entries per B-tree node: 2K with HDF5's default K of 32 for chunk indexes (files tsnwb makes keep it). */
const NODE_ENTRIES = 64;
const UNDEFINED_ADDRESS = new Uint8Array(8).fill(0xff);

/**
 * Puts every dataset's stored chunks in the closed file (`size` its length): appended with their B-trees, their
 * layout and filter messages rewritten, the superblock's end of file moved.
 */
export function injectChunks(file: FileBytes, size: number, injections: readonly ChunkInjection[], compressor: ChunkCompressor): void {
  if (injections.length === 0) return;
  const superblock = file.read(0, 48);
  if (superblock[8] !== 2 && superblock[8] !== 3) throw new Error(`superblock version ${superblock[8]} (2 or 3 expected)`);
  if (readUint(superblock, 28, 8) !== size) throw new Error(`the superblock's end of file (${readUint(superblock, 28, 8)}) is not the file's size (${size})`);
  let end = size;
  for (const injection of injections) {
    // The chunks, copied from the side store one by one, in the order of the chunk grid.
    const addresses: number[] = [];
    for (const c of injection.chunks) {
      addresses.push(end);
      file.write(end, compressor.stored(c.offset, c.size));
      end += c.size;
    }
    const root = writeBTree(file, injection, addresses, end);
    end = root.end;
    const header = readObjectHeader(file, injection.header);
    rewriteLayout(file, header, injection, root.address);
    rewriteFilters(file, header, injection);
  }
  writeUint(superblock, 28, 8, end);
  writeUint(superblock, 44, 4, lookup3(superblock.subarray(0, 44)));
  file.write(0, superblock);
}

/** A version 1 B-tree over the chunks, written from `at`, leaves first; gives the root's address and the new end. */
function writeBTree(file: FileBytes, injection: ChunkInjection, addresses: number[], at: number): { address: number; end: number } {
  const dims = injection.rank + 1;
  const keyBytes = 8 + 8 * dims;
  // Nodes are written at their full size: HDF5 inserts into them when the dataset grows later.
  const nodeBytes = 24 + (NODE_ENTRIES + 1) * keyBytes + NODE_ENTRIES * 8;
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

/** The filter pipeline as h5py writes it: shuffle (its element size), then deflate (its level); the rest NIL. */
function rewriteFilters(file: FileBytes, header: ObjectHeader, injection: ChunkInjection): void {
  const m = header.messages.find((x) => x.type === MESSAGE.filters);
  if (!m || header.version !== 2 || messageBody(m)[0] !== 2) throw new Error(`${injection.path}: not a version 2 filter pipeline`);
  const filters = [...(injection.shuffle ? [[2, injection.elementBytes]] : []), [1, injection.level]];
  const body = new Uint8Array(2 + filters.length * 10);
  body[0] = 2;
  body[1] = filters.length;
  filters.forEach(([id, value], i) => {
    const p = 2 + i * 10;
    writeUint(body, p, 2, id!);
    writeUint(body, p + 2, 2, 1); // optional, as h5py's
    writeUint(body, p + 4, 2, 1); // one parameter
    writeUint(body, p + 6, 4, value!);
  });
  if (!replaceMessage(file, header, m, body)) throw new Error(`${injection.path}: no room for the filter pipeline`);
}
