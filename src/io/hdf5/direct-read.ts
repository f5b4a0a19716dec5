/**
 * Reading a dataset's values straight from the file's bytes, past h5wasm: for a file opened read-only on a local
 * disk, the common layouts are read by tsnwb itself, at the speed of the disk and native zlib, with no copy through
 * the WebAssembly heap. Contiguous data, and chunked data indexed by a version 1 B-tree (what HDF5 1.8's format and
 * pynwb's and tsnwb's files use) or by HDF5 1.10's single chunk, fixed array and extensible array (live files,
 * h5py's `libver="latest"`: `chunk-indexes.ts`), through the deflate and shuffle filters, little-endian numbers.
 * Chunks never written (a sparse dataset) read as the dataset's fill value (`fill-value.ts`), without reading
 * anything. Anything else (a compact layout, HDF5 1.10's other indexes, other filters) is left to h5wasm: `plan`
 * gives undefined, or `readInto` false, and the caller reads through h5wasm.
 *
 * What a file's bytes are read through (`DirectFile`) is given by the environment: Node's (`native-node.ts`)
 * reads with `fs` and inflates with `zlib`; this module touches no Node module.
 */
import { type HeaderMessage, MESSAGE, messageBody, readObjectHeader, readUint } from "./object-header.js";
import { product, stridesOf } from "../../data/ndarray.js";
import { unshuffle } from "./byte-shuffle.js";
import { type ChunkEntry, type ChunkIndex, ChunkIndexReader, parseChunkIndex } from "./chunk-indexes.js";
import { chunkNodeBytes } from "./chunk-injection.js";
import { fillValueOf, isDefaultFill } from "./fill-value.js";

/** A file tsnwb may read itself: its bytes, and a native inflate for gzip chunks. */
export interface DirectFile {
  /** `length` bytes from `position`; into `target` at `offset` when given (no copy), else a new array. */
  read(position: number, length: number, target?: Uint8Array, offset?: number): Uint8Array;
  /** Inflates a zlib stream whose output is `expectedLength` bytes (sized once, not grown). */
  inflate(bytes: Uint8Array, expectedLength: number): Uint8Array;
  close(): void;
}

const files = new WeakMap<object, DirectFile>();

/** Lets datasets of `h5file` (an open h5wasm file, read-only) be read through `direct`. */
export function registerDirectFile(h5file: object, direct: DirectFile): void {
  files.set(h5file, direct);
}

/** The direct reader of an open h5wasm file, if it has one. */
export function directFileOf(h5file: object): DirectFile | undefined {
  return files.get(h5file);
}

/** Closes and forgets the direct reader of `h5file` (when the file closes). */
export function closeDirectFile(h5file: object): void {
  files.get(h5file)?.close();
  files.delete(h5file);
}

const UNDEFINED_ADDRESS = 2 ** 64 - 1;
const DEFLATE = 1;
const SHUFFLE = 2;
/** Compressed chunks up to this size are read into one buffer kept for the next (fresh memory is slow to touch). */
const SCRATCH_LIMIT = 4 << 20;

export type Layout =
  | { kind: "contiguous"; address: number; size: number }
  | { kind: "chunked"; chunk: number[]; index: BTreeIndex | ChunkIndex };

/** A version 1 B-tree of chunk keys at `address`; null when no chunk was ever written (HDF5 makes it with the first). */
export interface BTreeIndex {
  kind: "btree";
  address: number | null;
}

/** A decoded chunk kept for the next read (a frame of a chunk of several frames). */
interface DecodedChunk {
  address: number;
  bytes: Uint8Array;
}

/** Compressed chunks are read into this (never handed out) and inflated from it. */
let scratch: Uint8Array | undefined;

/** A dataset that tsnwb reads itself. */
export class DirectDataset {
  /**
   * B-tree nodes of chunk keys, as read: entry j (key, then child address) starts at 24 + j * (keyBytes + 8), the
   * node's last key after its last child. Searched in place: most keys are never looked at.
   */
  private readonly nodes = new Map<number, Uint8Array>();
  private readonly decoded: DecodedChunk[] = [];
  /** Bytes of one B-tree key: chunk size, filter mask, and an offset per axis plus one for the element. */
  private readonly keyBytes: number;
  /** C-order strides, in elements, of the dataset (contiguous) or of a chunk (chunked). */
  private readonly strides: number[];
  private readonly chunkBytes: number;

  private constructor(
    private readonly file: DirectFile,
    private readonly layout: Layout,
    private readonly filters: number[],
    private readonly shape: number[],
    private readonly elementBytes: number,
    /** What chunks never written read as: one element's bytes, or undefined for zeros (the default). */
    private readonly fill: Uint8Array | undefined,
  ) {
    this.keyBytes = 8 + 8 * (shape.length + 1);
    this.strides = stridesOf(layout.kind === "chunked" ? layout.chunk : shape);
    this.chunkBytes = layout.kind === "chunked" ? product(layout.chunk) * elementBytes : 0;
  }

  /**
   * How the dataset whose object header is at `address` can be read directly, or undefined when its layout, type or
   * filters are ones left to h5wasm.
   */
  static plan(file: DirectFile, address: number, shape: number[], elementBytes: number): DirectDataset | undefined {
    const m = storageMessages(file, address);
    if (m.datatype === undefined || m.layout === undefined || !isLittleEndianNumber(m.datatype, elementBytes)) return undefined;
    const layout = parseLayout(m.layout, shape.length);
    // HDF5 1.10's indexes number chunks in C order over the grid of the maximum shape: read here when the axes after
    // the first keep their size (the first, growing or not, is the slowest).
    if (layout?.kind === "chunked" && layout.index.kind !== "btree" && (m.dataspace === undefined || !laterAxesFixed(m.dataspace, shape))) return undefined;
    const filters = m.filters === undefined ? [] : parseFilters(m.filters);
    if (layout === undefined || filters === undefined) return undefined;
    if (layout.kind === "contiguous" && filters.length > 0) return undefined;
    const fill = fillValueOf(m.messages, elementBytes);
    if (fill === undefined) return undefined;
    return new DirectDataset(file, layout, filters, shape, elementBytes, isDefaultFill(fill) ? undefined : fill);
  }

  /**
   * The selection as the decoded bytes of the one filtered chunk it is exactly (a frame of a movie stored a frame
   * per chunk), handed over without a copy: the caller's from now on. Undefined for any other selection, and for a
   * chunk never written.
   */
  exactChunk(ranges: [number, number][]): Uint8Array | undefined {
    if (this.layout.kind !== "chunked" || this.filters.length === 0) return undefined;
    const origin = this.oneChunk(ranges);
    if (origin === undefined) return undefined;
    const bytes = this.chunkAt(origin);
    // Handed to the caller, who may change it: no longer kept for the next read.
    for (let i = 0; i < this.decoded.length; i++) if (this.decoded[i]!.bytes === bytes) this.decoded.splice(i, 1);
    return bytes;
  }

  /**
   * Reads the hyperslab `ranges` (one [start, stop) per axis) into `out`, C order, chunks never written as the fill
   * value. False when it cannot (thousands of tiny runs of contiguous data), in which case `out` is to be filled
   * another way.
   */
  readInto(ranges: [number, number][], out: Uint8Array): boolean {
    for (let k = 0; k < ranges.length; k++) if (ranges[k]![1] <= ranges[k]![0]) return true;
    const layout = this.layout;
    if (layout.kind === "contiguous") return this.readContiguous(layout.address, ranges, out);
    const origin = this.filters.length === 0 ? this.oneChunk(ranges) : undefined;
    if (origin === undefined) return this.readChunked(layout, ranges, out);
    // One whole unfiltered chunk (a frame of a movie written a frame per chunk): one read, straight into place.
    const found = this.findChunk(origin);
    if (found === undefined) this.fillRun(out, 0, this.chunkBytes);
    else this.file.read(found.address, this.chunkBytes, out, 0);
    return true;
  }

  /**
   * Where the stored chunks a read of `ranges` touches are in the file (contiguous data: the span read), at most
   * `limit` of them (undefined beyond): what a reader by URL fetches in one round before the read asks for each in
   * turn. Chunks never written are left out.
   */
  storedSpans(ranges: [number, number][], limit: number): { address: number; size: number }[] | undefined {
    for (let k = 0; k < ranges.length; k++) if (ranges[k]![1] <= ranges[k]![0]) return [];
    const layout = this.layout;
    if (layout.kind === "contiguous") {
      // From the first element read to the last: one span.
      let first = 0, last = 0;
      for (let k = 0; k < ranges.length; k++) {
        first += ranges[k]![0] * this.strides[k]!;
        last += (ranges[k]![1] - 1) * this.strides[k]!;
      }
      return [{ address: layout.address + first * this.elementBytes, size: (last - first + 1) * this.elementBytes }];
    }
    const chunk = layout.chunk;
    const first = chunk.map((c, k) => Math.floor(ranges[k]![0] / c));
    const end = chunk.map((c, k) => Math.floor((ranges[k]![1] - 1) / c) + 1);
    if (end.reduce((n, e, k) => n * (e - first[k]!), 1) > limit) return undefined;
    const out: { address: number; size: number }[] = [];
    const index = first.slice();
    do {
      const found = this.findChunk(index.map((i, k) => i * chunk[k]!));
      if (found) out.push({ address: found.address, size: found.size });
    } while (step(index, first, end, chunk.length));
    return out;
  }

  /** The origin of the one chunk the selection is exactly, if it is one. */
  private oneChunk(ranges: [number, number][]): number[] | undefined {
    const chunk = (this.layout as { chunk: number[] }).chunk;
    const origin: number[] = [];
    for (let k = 0; k < chunk.length; k++) {
      const a = ranges[k]![0];
      if (a % chunk[k]! !== 0 || ranges[k]![1] - a !== chunk[k]!) return undefined;
      origin.push(a);
    }
    return origin;
  }

  private readContiguous(address: number, ranges: [number, number][], out: Uint8Array): boolean {
    const e = this.elementBytes;
    const rank = ranges.length;
    if (rank === 0) {
      this.file.read(address, e, out, 0);
      return true;
    }
    // The axes from `axis` on are one run per index of the axes before it: those after it are taken whole. Frames
    // of a movie are one run, one read straight into place.
    let axis = rank - 1;
    while (axis > 0 && ranges[axis]![0] === 0 && ranges[axis]![1] === this.shape[axis]) axis--;
    const strides = this.strides;
    const runBytes = (ranges[axis]![1] - ranges[axis]![0]) * strides[axis]! * e;
    let runs = 1;
    for (let k = 0; k < axis; k++) runs *= ranges[k]![1] - ranges[k]![0];
    if (runs === 1) {
      let src = 0;
      for (let k = 0; k < rank; k++) src += ranges[k]![0] * strides[k]!;
      this.file.read(address + src * e, runBytes, out, 0);
      return true;
    }
    // Thousands of tiny reads are slower than HDF5's own gather: left to h5wasm.
    if (runs > 4096) return false;
    const lo: number[] = [];
    const hi: number[] = [];
    for (let k = 0; k < rank; k++) {
      lo.push(ranges[k]![0]);
      hi.push(ranges[k]![1]);
    }
    const pos = lo.slice();
    for (let dst = 0; ; dst += runBytes) {
      let src = 0;
      for (let k = 0; k < rank; k++) src += pos[k]! * strides[k]!;
      this.file.read(address + src * e, runBytes, out, dst);
      if (!step(pos, lo, hi, axis)) return true;
    }
  }

  private readChunked(layout: { chunk: number[] }, ranges: [number, number][], out: Uint8Array): boolean {
    const e = this.elementBytes;
    const chunk = layout.chunk;
    const rank = chunk.length;
    const chunkStrides = this.strides;
    const first: number[] = [];
    const end: number[] = [];
    const count: number[] = [];
    for (let k = 0; k < rank; k++) {
      first.push(Math.floor(ranges[k]![0] / chunk[k]!));
      end.push(Math.floor((ranges[k]![1] - 1) / chunk[k]!) + 1);
      count.push(ranges[k]![1] - ranges[k]![0]);
    }
    const outStrides = stridesOf(count);
    const index = first.slice();
    const origin = new Array<number>(rank);
    const lo = new Array<number>(rank);
    const hi = new Array<number>(rank);
    do {
      for (let k = 0; k < rank; k++) {
        origin[k] = index[k]! * chunk[k]!;
        // The part of the chunk inside the selection.
        lo[k] = Math.max(origin[k]!, ranges[k]![0]);
        hi[k] = Math.min(origin[k]! + chunk[k]!, ranges[k]![1]);
      }
      // Trailing axes the part spans whole, in the chunk and in the output, make one contiguous run with the axis
      // before them: a whole-frame chunk of a frame read is one copy, not one per row.
      let axis = rank - 1;
      while (axis > 0 && hi[axis]! - lo[axis]! === chunk[axis]! && hi[axis]! - lo[axis]! === count[axis]!) axis--;
      const runBytes = (hi[axis]! - lo[axis]!) * chunkStrides[axis]! * e;
      const wholeChunk = runBytes === this.chunkBytes;
      const found = wholeChunk && this.filters.length === 0 ? this.findChunk(origin) : undefined;
      const bytes = found ? undefined : this.chunkAt(origin);
      const pos = lo.slice();
      do {
        let src = 0;
        let dst = 0;
        for (let k = 0; k < rank; k++) {
          src += (pos[k]! - origin[k]!) * chunkStrides[k]!;
          dst += (pos[k]! - ranges[k]![0]) * outStrides[k]!;
        }
        // An unfiltered chunk that is one run is read from the file straight into place; one never written is the
        // fill value.
        if (found) this.file.read(found.address, runBytes, out, dst * e);
        else if (bytes) out.set(bytes.subarray(src * e, src * e + runBytes), dst * e);
        else this.fillRun(out, dst * e, runBytes);
      } while (step(pos, lo, hi, axis));
    } while (step(index, first, end, rank));
    return true;
  }

  /** Sets `length` bytes of `out` from `at` to the fill value (whole elements). */
  private fillRun(out: Uint8Array, at: number, length: number): void {
    const fill = this.fill;
    if (fill === undefined) {
      out.fill(0, at, at + length);
      return;
    }
    // One element, then the filled part doubled until the run is full.
    out.set(fill, at);
    for (let done = fill.length; done < length; done *= 2) out.copyWithin(at + done, at, at + Math.min(done, length - done));
  }

  /** The decoded bytes of the chunk whose first element is at `origin`; undefined when it was never written. */
  private chunkAt(origin: number[]): Uint8Array | undefined {
    const found = this.findChunk(origin);
    if (found === undefined) return undefined;
    for (const d of this.decoded) if (d.address === found.address) return d.bytes;
    const expected = this.chunkBytes;
    // Filters run in reverse on read; a set bit of the mask says the filter was skipped for this chunk. The stored
    // bytes go to the scratch buffer when a filter makes new bytes of them (they are kept below otherwise).
    let decoding = false;
    for (let i = 0; i < this.filters.length; i++) if (!(found.mask & (1 << i)) && (this.filters[i] === DEFLATE || this.elementBytes > 1)) decoding = true;
    let bytes: Uint8Array;
    if (decoding && found.size <= SCRATCH_LIMIT) {
      if (scratch === undefined || scratch.length < found.size) scratch = new Uint8Array(Math.max(found.size, scratch?.length ?? 0));
      bytes = this.file.read(found.address, found.size, scratch, 0);
    } else bytes = this.file.read(found.address, found.size);
    for (let i = this.filters.length - 1; i >= 0; i--) {
      if (found.mask & (1 << i)) continue;
      if (this.filters[i] === DEFLATE) bytes = this.file.inflate(bytes, expected);
      // The shuffle of one-byte elements moves nothing.
      else if (this.elementBytes > 1) bytes = unshuffle(bytes, this.elementBytes);
    }
    if (bytes.length !== expected) throw new Error(`a chunk decoded to ${bytes.length} bytes, ${expected} expected`);
    this.decoded.push({ address: found.address, bytes });
    // A few chunks are kept: enough for frame-by-frame reads across chunks of several frames.
    if (this.decoded.length > 4) this.decoded.shift();
    return bytes;
  }

  /** The chunk whose first element is at `origin`, as the dataset's chunk index gives it; undefined if never written. */
  private findChunk(origin: number[]): ChunkEntry | undefined {
    const index = (this.layout as { index: BTreeIndex | ChunkIndex }).index;
    if (index.kind !== "btree") return this.findIndexed(index, origin);
    return index.address === null ? undefined : this.findInBTree(index.address, origin);
  }

  /** Descends the version 1 B-tree of chunk keys to the chunk at `origin`. */
  private findInBTree(address: number, origin: number[]): ChunkEntry | undefined {
    const stride = this.keyBytes + 8;
    for (;;) {
      const node = this.nodes.get(address) ?? this.readNode(address);
      // Keys are in C order of their chunks: the child to follow, or the chunk itself in a leaf, is the last one
      // whose key is not after the origin.
      let child = -1;
      for (let low = 0, high = readUint(node, 6, 2) - 1; low <= high; ) {
        const mid = (low + high) >> 1;
        if (compareKey(node, 24 + mid * stride, origin) <= 0) {
          child = mid;
          low = mid + 1;
        } else high = mid - 1;
      }
      if (child < 0) return undefined;
      const key = 24 + child * stride;
      address = readUint(node, key + this.keyBytes, 8);
      if (node[5] === 0) return compareKey(node, key, origin) === 0 ? { address, size: readUint(node, key, 4), mask: readUint(node, key + 4, 4) } : undefined;
    }
  }

  /** A chunk of an HDF5 1.10 index, by its position in C order over the chunk grid. */
  private findIndexed(index: ChunkIndex, origin: number[]): ChunkEntry | undefined {
    const chunk = (this.layout as { chunk: number[] }).chunk;
    this.indexReader ??= new ChunkIndexReader(this.file, index, this.chunkBytes);
    let linear = 0;
    for (let k = 0; k < chunk.length; k++) linear = linear * (k === 0 ? 1 : Math.ceil(this.shape[k]! / chunk[k]!)) + origin[k]! / chunk[k]!;
    return this.indexReader.find(linear);
  }

  private indexReader?: ChunkIndexReader;

  /** The B-tree node at `address`, kept as read. */
  private readNode(address: number): Uint8Array {
    const bytes = readChunkNode(this.file, address, this.shape.length);
    this.nodes.set(address, bytes);
    return bytes;
  }
}

/**
 * The version 1 B-tree node of chunk keys at `address`, of a dataset of `rank` axes: one read when it is as HDF5
 * writes it (of HDF5's default size). Entry j (key, then child address) starts at 24 + j * (keyBytes + 8), where a
 * key is 8 + 8 * (rank + 1) bytes; byte 5 is the node's level (0: a leaf, whose children are chunks).
 */
export function readChunkNode(file: Pick<DirectFile, "read">, address: number, rank: number): Uint8Array {
  const keyBytes = 8 + 8 * (rank + 1);
  let bytes: Uint8Array;
  try {
    bytes = file.read(address, chunkNodeBytes(rank));
  } catch {
    // That would pass the file's end: the head alone says how much there is.
    bytes = file.read(address, 24);
  }
  if (bytes[0] !== 0x54 || bytes[1] !== 0x52 || bytes[2] !== 0x45 || bytes[3] !== 0x45 || bytes[4] !== 1) throw new Error(`no chunk B-tree node at ${address}`);
  const length = 24 + readUint(bytes, 6, 2) * (keyBytes + 8) + keyBytes;
  if (bytes.length < length) bytes = file.read(address, length);
  return bytes;
}

/** The bodies of the messages that say how a dataset is stored, and every message (for its fill value). */
export interface StorageMessages {
  dataspace?: Uint8Array;
  datatype?: Uint8Array;
  layout?: Uint8Array;
  filters?: Uint8Array;
  messages: HeaderMessage[];
}

/**
 * The dataspace, datatype, layout and filter pipeline messages of the object header at `address`. A datatype shared
 * with other objects (its message a reference to it) is not given: it is left to h5wasm.
 */
export function storageMessages(file: Pick<DirectFile, "read">, address: number): StorageMessages {
  const messages = readObjectHeader(file, address).messages;
  const found: StorageMessages = { messages };
  for (const m of messages) {
    if (m.type === MESSAGE.datatype && (m.flags & 0x02) === 0) found.datatype = messageBody(m);
    else if (m.type === MESSAGE.layout) found.layout = messageBody(m);
    else if (m.type === MESSAGE.dataspace) found.dataspace = messageBody(m);
    else if (m.type === MESSAGE.filters) found.filters = messageBody(m);
  }
  return found;
}

/** Steps `pos` to the next index of the box [lo, hi) over its first `axes` axes, in C order; false after the last. */
function step(pos: number[], lo: readonly number[], hi: readonly number[], axes: number): boolean {
  for (let k = axes - 1; k >= 0; k--) {
    if (++pos[k]! < hi[k]!) return true;
    pos[k] = lo[k]!;
  }
  return false;
}

/**
 * Compares the chunk offsets of the B-tree key at `at` of a node with a chunk origin, in C order: negative, zero or
 * positive as the key is before, at or after it.
 */
function compareKey(node: Uint8Array, at: number, origin: number[]): number {
  for (let k = 0; k < origin.length; k++) {
    const d = readUint(node, at + 8 + 8 * k, 8) - origin[k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether a dataspace's axes after the first have maximum sizes equal to their sizes (`shape`). */
export function laterAxesFixed(body: Uint8Array, shape: number[]): boolean {
  const rank = body[1]!;
  if (rank !== shape.length || (body[2]! & 0x01) === 0) return rank === shape.length;
  // Version 1 has five reserved bytes after the flags, version 2 one byte of dataspace type.
  const dims = body[0] === 1 ? 8 : 4;
  for (let k = 1; k < rank; k++) if (readUint(body, dims + 8 * (rank + k), 8) !== shape[k]) return false;
  return true;
}

/** Little-endian integers or IEEE floats of `size` bytes: what the typed arrays of a little-endian machine hold. */
function isLittleEndianNumber(body: Uint8Array, size: number): boolean {
  const cls = body[0]! & 0x0f;
  if (readUint(body, 4, 4) !== size) return false;
  if (cls === 0) return (body[1]! & 0x01) === 0;
  if (cls === 1) return (body[1]! & 0x41) === 0;
  return false;
}

/**
 * Contiguous layouts with their data written, chunked ones indexed by a version 1 B-tree (layout version 3) or by
 * an HDF5 1.10 index `chunk-indexes.ts` reads (layout version 4).
 */
export function parseLayout(body: Uint8Array, rank: number): Layout | undefined {
  const version = body[0]!;
  if (version !== 3 && version !== 4) return undefined;
  const cls = body[1]!;
  if (cls === 1) {
    const address = readUint(body, 2, 8);
    return address === UNDEFINED_ADDRESS || address >= Number.MAX_SAFE_INTEGER ? undefined : { kind: "contiguous", address, size: readUint(body, 10, 8) };
  }
  if (cls === 2 && version === 4) {
    // Flags, dimensions (the chunk's, then the element's size), each of a given number of bytes, then the index.
    const dims = body[3]!;
    const bytes = body[4]!;
    if (dims !== rank + 1) return undefined;
    const chunk: number[] = [];
    for (let k = 0; k < rank; k++) chunk.push(readUint(body, 5 + bytes * k, bytes));
    const index = parseChunkIndex(body, 5 + bytes * dims, (body[2]! & 0x02) !== 0);
    return index === undefined ? undefined : { kind: "chunked", chunk, index };
  }
  if (cls === 2 && version === 3) {
    const dims = body[2]!;
    if (dims !== rank + 1) return undefined;
    const btree = readUint(body, 3, 8);
    const chunk: number[] = [];
    for (let k = 0; k < rank; k++) chunk.push(readUint(body, 11 + 4 * k, 4));
    return { kind: "chunked", chunk, index: { kind: "btree", address: btree >= Number.MAX_SAFE_INTEGER ? null : btree } };
  }
  return undefined;
}

/** The filter ids of a pipeline, when every one is deflate or shuffle. */
function parseFilters(body: Uint8Array): number[] | undefined {
  const ids = pipelineFilterIds(body);
  return ids.every((id) => id === DEFLATE || id === SHUFFLE) ? ids : undefined;
}

/** The filter ids of a filter pipeline message (versions 1 and 2), in the order of the pipeline. */
export function pipelineFilterIds(body: Uint8Array): number[] {
  const version = body[0]!;
  if (version !== 1 && version !== 2) throw new Error(`filter pipeline message version ${version}`);
  const count = body[1]!;
  const ids: number[] = [];
  let p = version === 1 ? 8 : 2;
  for (let i = 0; i < count; i++) {
    const id = readUint(body, p, 2);
    const nameLength = version === 1 || id >= 256 ? readUint(body, p + 2, 2) : 0;
    p += version === 1 || id >= 256 ? 4 : 2;
    const values = readUint(body, p + 2, 2);
    p += 4;
    p += version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength;
    p += 4 * values + (version === 1 && values % 2 === 1 ? 4 : 0);
    ids.push(id);
  }
  return ids;
}

