/**
 * Reading a dataset's values straight from the file's bytes, past h5wasm: for a file opened read-only on a local
 * disk, the common layouts are read by tsnwb itself, at the speed of the disk and native zlib, with no copy through
 * the WebAssembly heap. Contiguous data, and chunked data indexed by a version 1 B-tree (what HDF5 1.8's format and
 * pynwb's and tsnwb's files use) through the deflate and shuffle filters, little-endian numbers. Anything else (a
 * compact layout, HDF5 1.10's chunk indexes, other filters, chunks never written, which read as the fill value)
 * is left to h5wasm: `plan` gives undefined, or `readInto` false, and the caller reads through h5wasm as before.
 *
 * What a file's bytes are read through (`DirectFile`) is given by the environment: Node's (`direct-node.ts`)
 * reads with `fs` and inflates with `zlib`; this module touches no Node module.
 */
import { MESSAGE, messageBody, readObjectHeader, readUint } from "./object-header.js";
import { boxIndices, product, stridesOf } from "../../data/ndarray.js";
import { unshuffle } from "./byte-shuffle.js";

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

type Layout =
  | { kind: "contiguous"; address: number; size: number }
  | { kind: "chunked"; btree: number; chunk: number[] };

/** A B-tree node of chunk keys, as read. */
interface ChunkNode {
  level: number;
  keys: { size: number; mask: number; offsets: number[] }[];
  children: number[];
}

/** A decoded chunk kept for the next read (a frame of a chunk of several frames). */
interface DecodedChunk {
  address: number;
  bytes: Uint8Array;
}

/** A dataset that tsnwb reads itself. */
export class DirectDataset {
  private readonly nodes = new Map<number, ChunkNode>();
  private readonly decoded: DecodedChunk[] = [];

  private constructor(
    private readonly file: DirectFile,
    private readonly layout: Layout,
    private readonly filters: number[],
    private readonly shape: number[],
    private readonly elementBytes: number,
  ) {}

  /**
   * How the dataset whose object header is at `address` can be read directly, or undefined when its layout, type or
   * filters are ones left to h5wasm.
   */
  static plan(file: DirectFile, address: number, shape: number[], elementBytes: number): DirectDataset | undefined {
    const header = readObjectHeader(file, address);
    let layout: Layout | undefined;
    let filters: number[] = [];
    let typeOk = false;
    for (const m of header.messages) {
      const body = messageBody(m);
      if (m.type === MESSAGE.datatype) typeOk = isLittleEndianNumber(body, elementBytes);
      else if (m.type === MESSAGE.layout) layout = parseLayout(body, shape.length);
      else if (m.type === MESSAGE.filters) {
        const parsed = parseFilters(body);
        if (parsed === undefined) return undefined;
        filters = parsed;
      }
    }
    if (!typeOk || layout === undefined) return undefined;
    if (layout.kind === "contiguous" && filters.length > 0) return undefined;
    return new DirectDataset(file, layout, filters, shape, elementBytes);
  }

  /**
   * Reads the hyperslab `ranges` (one [start, stop) per axis) into `out`, C order. False when it cannot (a chunk
   * that was never written), in which case `out` is to be filled another way.
   */
  readInto(ranges: [number, number][], out: Uint8Array): boolean {
    if (product(ranges.map(([a, b]) => b - a)) === 0) return true;
    return this.layout.kind === "contiguous" ? this.readContiguous(this.layout, ranges, out) : this.readChunked(this.layout, ranges, out);
  }

  /**
   * The selection as the decoded bytes of the one filtered chunk it is exactly (a frame of a movie stored a frame
   * per chunk), handed over without a copy; undefined otherwise.
   */
  readExactChunk(ranges: [number, number][]): Uint8Array | undefined {
    if (this.layout.kind !== "chunked" || this.filters.length === 0) return undefined;
    const chunk = this.layout.chunk;
    const exact = ranges.every(([a, b], k) => a % chunk[k]! === 0 && b - a === chunk[k]!);
    if (!exact) return undefined;
    const bytes = this.chunkAt(this.layout.btree, ranges.map(([a]) => a));
    // Handed to the caller, who may change it: no longer kept for the next read.
    const i = this.decoded.findIndex((d) => d.bytes === bytes);
    if (i >= 0) this.decoded.splice(i, 1);
    return bytes;
  }

  private readContiguous(layout: { address: number }, ranges: [number, number][], out: Uint8Array): boolean {
    const e = this.elementBytes;
    if (ranges.length === 0) {
      this.file.read(layout.address, e, out, 0);
      return true;
    }
    // Whole rows after the first axis are one run; otherwise one run per row of the last axis.
    const full = ranges.slice(1).every(([a, b], k) => a === 0 && b === this.shape[k + 1]);
    if (full) {
      const rowBytes = product(this.shape.slice(1)) * e;
      const [a, b] = ranges[0]!;
      this.file.read(layout.address + a * rowBytes, (b - a) * rowBytes, out, 0);
      return true;
    }
    const runs = product(ranges.slice(0, -1).map(([a, b]) => b - a));
    // Thousands of tiny reads are slower than HDF5's own gather: left to h5wasm.
    if (runs > 4096) return false;
    // One read per run of the last axis, straight into place.
    const strides = stridesOf(this.shape);
    const runBytes = (ranges[ranges.length - 1]![1] - ranges[ranges.length - 1]![0]) * e;
    let dst = 0;
    for (const pos of boxIndices(ranges.map(([a]) => a), ranges.map(([, b]) => b), ranges.length - 1)) {
      let src = 0;
      for (let k = 0; k < pos.length; k++) src += pos[k]! * strides[k]!;
      this.file.read(layout.address + src * e, runBytes, out, dst);
      dst += runBytes;
    }
    return true;
  }

  private readChunked(layout: { btree: number; chunk: number[] }, ranges: [number, number][], out: Uint8Array): boolean {
    const e = this.elementBytes;
    const chunk = layout.chunk;
    const first = ranges.map(([a], k) => Math.floor(a / chunk[k]!));
    const last = ranges.map(([, b], k) => Math.floor((b - 1) / chunk[k]!));
    const outStrides = stridesOf(ranges.map(([a, b]) => b - a));
    const chunkStrides = stridesOf(chunk);
    const rank = chunk.length;
    for (const index of boxIndices(first, last.map((l) => l + 1))) {
      const origin = index.map((i, k) => i * chunk[k]!);
      // The part of the chunk inside the selection.
      const lo = origin.map((o, k) => Math.max(o, ranges[k]![0]));
      const hi = origin.map((o, k) => Math.min(o + chunk[k]!, ranges[k]![1]));
      // Trailing axes the part spans whole, in the chunk and in the output, make one contiguous run with the axis
      // before them: a whole-frame chunk of a frame read is one copy, not one per row.
      let axis = rank - 1;
      while (axis > 0 && hi[axis]! - lo[axis]! === chunk[axis]! && hi[axis]! - lo[axis]! === ranges[axis]![1] - ranges[axis]![0]) axis--;
      const runBytes = (hi[axis]! - lo[axis]!) * chunkStrides[axis]! * e;
      const wholeChunk = runBytes === product(chunk) * e;
      const found = wholeChunk && this.filters.length === 0 ? this.findChunk(layout.btree, origin) : undefined;
      const bytes = found ? undefined : this.chunkAt(layout.btree, origin);
      if (!found && bytes === undefined) return false;
      for (const pos of boxIndices(lo, hi, axis)) {
        let src = 0;
        let dst = 0;
        for (let k = 0; k < rank; k++) {
          src += (pos[k]! - origin[k]!) * chunkStrides[k]!;
          dst += (pos[k]! - ranges[k]![0]) * outStrides[k]!;
        }
        // An unfiltered chunk that is one run is read from the file straight into place.
        if (found) this.file.read(found.address, runBytes, out, dst * e);
        else out.set(bytes!.subarray(src * e, src * e + runBytes), dst * e);
      }
    }
    return true;
  }

  /** The decoded bytes of the chunk whose first element is at `origin`; undefined when it was never written. */
  private chunkAt(btree: number, origin: number[]): Uint8Array | undefined {
    const found = this.findChunk(btree, origin);
    if (found === undefined) return undefined;
    const cached = this.decoded.find((d) => d.address === found.address);
    if (cached) return cached.bytes;
    const expected = product((this.layout as { chunk: number[] }).chunk) * this.elementBytes;
    let bytes = this.file.read(found.address, found.size);
    // Filters run in reverse on read; a set bit of the mask says the filter was skipped for this chunk.
    for (let i = this.filters.length - 1; i >= 0; i--) {
      if (found.mask & (1 << i)) continue;
      bytes = this.filters[i] === DEFLATE ? this.file.inflate(bytes, expected) : unshuffle(bytes, this.elementBytes);
    }
    if (bytes.length !== expected) throw new Error(`a chunk decoded to ${bytes.length} bytes, ${expected} expected`);
    this.decoded.push({ address: found.address, bytes });
    // A few chunks are kept: enough for frame-by-frame reads across chunks of several frames.
    if (this.decoded.length > 4) this.decoded.shift();
    return bytes;
  }

  /** Descends the version 1 B-tree of chunk keys to the chunk at `origin`. */
  private findChunk(address: number, origin: number[]): { address: number; size: number; mask: number } | undefined {
    for (let node = this.node(address); ; ) {
      if (node.level === 0) {
        const i = node.keys.findIndex((key, j) => j < node.children.length && compare(key.offsets, origin) === 0);
        return i < 0 ? undefined : { address: node.children[i]!, size: node.keys[i]!.size, mask: node.keys[i]!.mask };
      }
      // The last child whose left key is not after the origin.
      let child = -1;
      for (let j = 0; j < node.children.length; j++) if (compare(node.keys[j]!.offsets, origin) <= 0) child = j;
      if (child < 0) return undefined;
      node = this.node(node.children[child]!);
    }
  }

  private node(address: number): ChunkNode {
    let node = this.nodes.get(address);
    if (node) return node;
    const head = this.file.read(address, 24);
    if (String.fromCharCode(head[0]!, head[1]!, head[2]!, head[3]!) !== "TREE" || head[4] !== 1) throw new Error(`no chunk B-tree node at ${address}`);
    const level = head[5]!;
    const used = readUint(head, 6, 2);
    const rank = this.shape.length;
    const keyBytes = 8 + 8 * (rank + 1);
    const body = this.file.read(address + 24, used * (keyBytes + 8) + keyBytes);
    const keys: ChunkNode["keys"] = [];
    const children: number[] = [];
    for (let i = 0, p = 0; i <= used; i++) {
      const offsets: number[] = [];
      for (let k = 0; k < rank; k++) offsets.push(readUint(body, p + 8 + 8 * k, 8));
      keys.push({ size: readUint(body, p, 4), mask: readUint(body, p + 4, 4), offsets });
      p += keyBytes;
      if (i < used) {
        children.push(readUint(body, p, 8));
        p += 8;
      }
    }
    node = { level, keys, children };
    this.nodes.set(address, node);
    return node;
  }
}

/** Little-endian integers or IEEE floats of `size` bytes: what the typed arrays of a little-endian machine hold. */
function isLittleEndianNumber(body: Uint8Array, size: number): boolean {
  const cls = body[0]! & 0x0f;
  if (readUint(body, 4, 4) !== size) return false;
  if (cls === 0) return (body[1]! & 0x01) === 0;
  if (cls === 1) return (body[1]! & 0x41) === 0;
  return false;
}

/** Contiguous layouts with their data written, and chunked ones indexed by a version 1 B-tree (layout version 3). */
function parseLayout(body: Uint8Array, rank: number): Layout | undefined {
  const version = body[0]!;
  if (version !== 3 && version !== 4) return undefined;
  const cls = body[1]!;
  if (cls === 1) {
    const address = readUint(body, 2, 8);
    return address === UNDEFINED_ADDRESS || address >= Number.MAX_SAFE_INTEGER ? undefined : { kind: "contiguous", address, size: readUint(body, 10, 8) };
  }
  if (cls === 2 && version === 3) {
    const dims = body[2]!;
    if (dims !== rank + 1) return undefined;
    const btree = readUint(body, 3, 8);
    if (btree >= Number.MAX_SAFE_INTEGER) return undefined;
    const chunk: number[] = [];
    for (let k = 0; k < rank; k++) chunk.push(readUint(body, 11 + 4 * k, 4));
    return { kind: "chunked", btree, chunk };
  }
  return undefined;
}

/** The filter ids of a pipeline, when every one is deflate or shuffle. */
function parseFilters(body: Uint8Array): number[] | undefined {
  const version = body[0]!;
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
    if (id !== DEFLATE && id !== SHUFFLE) return undefined;
    ids.push(id);
  }
  return ids;
}

/** Compares two chunk origins in C order. */
function compare(a: number[], b: number[]): number {
  for (let k = 0; k < b.length; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? -1 : 1;
  return 0;
}
