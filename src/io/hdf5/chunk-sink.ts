/**
 * Where the chunks of a dataset tsnwb writes itself go while the file is open: rows arrive in order (a whole array
 * from memory, slabs of a copy, frames of a stream or of an appender), are cut into chunks as soon as a row of
 * chunks is complete, shuffled and deflated when asked (native zlib, several chunks at once), and kept in the side
 * store of a {@link ChunkCompressor}. When the file closes, `chunk-injection.ts` puts them in it. h5wasm has
 * created the dataset and never writes a chunk of it, so its copies through the WebAssembly heap, its one filter per
 * dataset and its single-threaded gzip are out of the way.
 */
import { boxIndices, product, stridesOf } from "../../data/ndarray.js";
import { ModeError } from "../../errors.js";
import { shuffle as shuffleChunk } from "./byte-shuffle.js";
import { withChecksum } from "./fletcher32.js";

/** A native deflate, and the side store where chunks wait for the file to close. */
export interface ChunkCompressor {
  /** Deflates on another thread. */
  deflate(bytes: Uint8Array, level: number): Promise<Uint8Array>;
  /** Deflates on this thread (appenders, whose calls cannot wait). */
  deflateNow(bytes: Uint8Array, level: number): Uint8Array;
  /** How many chunks to compress at once (the machine's cores). */
  readonly concurrency: number;
  /** Appends bytes to the side store; gives their position in it (at least `headRoom`). */
  store(bytes: Uint8Array): number;
  /** Bytes of the side store. */
  stored(position: number, length: number): Uint8Array;
  /**
   * Bytes left free at the start of the side store: when the HDF5 file's own bytes fit there, they are copied in
   * and the store becomes the file, so its chunks are never copied (`chunk-injection.ts`).
   */
  readonly headRoom: number;
  /** Where the store ends. */
  readonly size: number;
  /** Removes the side store. */
  discard(): void;
}

/** A stored chunk: its first element, and where its bytes are in the side store. */
export interface StoredChunk {
  origin: number[];
  position: number;
  size: number;
}

/** The chunks of one dataset, waiting to be put in the file when it closes. */
export interface ChunkInjection {
  /** The dataset's object header address. */
  header: number;
  path: string;
  rank: number;
  /** The chunk shape. */
  chunk: number[];
  elementBytes: number;
  shuffle: boolean;
  /** The gzip level; undefined for chunks stored as they are. */
  level?: number;
  /** Whether each chunk ends with its Fletcher-32 checksum (`fletcher32.ts`). */
  fletcher32: boolean;
  /** In C order of the chunk grid. */
  chunks: StoredChunk[];
}

/** The deflate parameters h5wasm is given: the level, then padding that makes room for shuffle in the header. */
export function paddedDeflateParameters(level: number): number[] {
  return [level, 0, 0, 0, 0, 0];
}

/** The open sinks of each h5wasm file, by dataset path: appenders continue them, reads are refused until close. */
const sinks = new WeakMap<object, Map<string, ChunkSink>>();

/** The sinks of an open h5wasm file (made on first use). */
export function sinksOf(file: object): Map<string, ChunkSink> {
  let map = sinks.get(file);
  if (!map) sinks.set(file, (map = new Map()));
  return map;
}

/** Refuses to read a dataset whose chunks are still in a sink: the file holds none of them yet. */
export function refuseReadOfPendingChunks(file: object, path: string): void {
  if (sinks.get(file)?.has(path)) {
    throw new ModeError(`${path} is being written: its chunks are put in the file when it closes; read it after close()`);
  }
}

/** What a sink is told about its dataset. */
export type SinkTarget = Omit<ChunkInjection, "chunks" | "rank"> & { frameShape: number[] };

/** A chunk cut from the rows, waiting for its bytes (deflated on another thread) to be stored. */
interface Unit {
  origin: number[];
  bytes: Uint8Array;
  /** Whether `bytes` is the caller's memory (which it may change once the call returns). */
  borrowed: boolean;
}

/** Cuts rows of one dataset into chunks and stores them, in the order of the chunk grid. */
export class ChunkSink {
  /** Rows given so far (stored in chunks, or waiting for their row of chunks to be complete). */
  rows = 0;
  private readonly stored: StoredChunk[] = [];
  private readonly inFlight: { origin: number[]; bytes: Promise<Uint8Array> }[] = [];
  /** The incomplete row of chunks: `pendingRows` rows of a frame each, in a buffer of a whole row of chunks. */
  private pending?: Uint8Array;
  private pendingRows = 0;
  private readonly rowBytes: number;

  constructor(readonly target: SinkTarget, private readonly compressor: ChunkCompressor) {
    this.rowBytes = product(target.frameShape) * target.elementBytes;
  }

  /**
   * Adds whole rows (C order), deflating on other threads, at most the compressor's concurrency at a time; chunks
   * may still be in flight when it returns (a stream's next frame is made meanwhile): `drain` waits for them.
   */
  async add(bytes: Uint8Array, rows: number): Promise<void> {
    for (const unit of this.cut(bytes, rows)) await this.put(unit);
  }

  /**
   * Adds one whole chunk whose first element is `origin` (its bytes in C order, padded to the chunk shape past the
   * dataset's edges): a copy of a sparse dataset gives only the chunks its source holds, in C order of the chunk
   * grid, and no rows. The chunks never given stay unwritten (they read as the fill value).
   */
  async addChunk(origin: number[], bytes: Uint8Array): Promise<void> {
    const expected = product(this.target.chunk) * this.target.elementBytes;
    if (bytes.length !== expected) throw new Error(`${this.target.path}: a chunk of ${bytes.length} bytes (${expected} expected)`);
    const last = this.stored[this.stored.length - 1]?.origin ?? this.inFlight[this.inFlight.length - 1]?.origin;
    if (this.rows > 0 || (last !== undefined && compareOrigins(last, origin) >= 0)) {
      throw new Error(`${this.target.path}: chunks given out of order (${origin.join(",")}), or after rows`);
    }
    await this.put({ origin, bytes, borrowed: true });
  }

  /** Stores a chunk: encoded on this thread when stored as it is, else deflated on another (in flight). */
  private async put(unit: Unit): Promise<void> {
    const level = this.target.level;
    if (level === undefined) {
      this.keep(unit.origin, this.encodeNow(unit.bytes));
      return;
    }
    const checksum = this.target.fletcher32;
    // The thread reads the bytes while this one goes on: never the caller's memory, which may change (the shuffle
    // of one-byte elements gives its input back).
    const shuffled = this.target.shuffle ? shuffleChunk(unit.bytes, this.target.elementBytes) : unit.bytes;
    const input = shuffled === unit.bytes && unit.borrowed ? unit.bytes.slice() : shuffled;
    const deflated = this.compressor.deflate(input, level);
    const bytes = checksum ? deflated.then(withChecksum) : deflated;
    // Awaited later (in order): a failure then surfaces there, not as an unhandled rejection meanwhile.
    bytes.catch(() => {});
    this.inFlight.push({ origin: unit.origin, bytes });
    if (this.inFlight.length >= this.compressor.concurrency) await this.storeOldest();
  }

  /** Adds whole rows (C order), deflating on this thread: for callers that cannot wait (after `drain`). */
  addNow(bytes: Uint8Array, rows: number): void {
    if (this.inFlight.length > 0) throw new Error(`${this.target.path}: chunks still in flight (drain first)`);
    for (const unit of this.cut(bytes, rows)) this.keep(unit.origin, this.encodeNow(unit.bytes));
  }

  /**
   * Stores the last, incomplete row of chunks (padded with zeros, as HDF5 stores edge chunks) and gives the chunks
   * to inject. The sink is done: its dataset is readable once the file closes.
   */
  async finish(): Promise<ChunkInjection> {
    await this.drain();
    if (this.pendingRows > 0) {
      const origin = this.rows - this.pendingRows;
      const block = this.pending!;
      this.pending = undefined;
      for (const unit of this.unitsOf(block, this.pendingRows, origin, false)) this.keep(unit.origin, this.encodeNow(unit.bytes));
      this.pendingRows = 0;
    }
    const { frameShape: _, ...target } = this.target;
    return { ...target, rank: this.target.frameShape.length + 1, chunks: this.stored };
  }

  /** Waits for every chunk in flight and stores it. */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.storeOldest();
  }

  /** The oldest chunk in flight, stored once deflated, so the store's order is the grid's. */
  private async storeOldest(): Promise<void> {
    const { origin, bytes } = this.inFlight.shift()!;
    this.keep(origin, await bytes);
  }

  private keep(origin: number[], bytes: Uint8Array): void {
    this.stored.push({ origin, position: this.compressor.store(bytes), size: bytes.length });
  }

  private encodeNow(bytes: Uint8Array): Uint8Array {
    const level = this.target.level;
    if (this.target.shuffle) bytes = shuffleChunk(bytes, this.target.elementBytes);
    if (level !== undefined) bytes = this.compressor.deflateNow(bytes, level);
    return this.target.fletcher32 ? withChecksum(bytes) : bytes;
  }

  /** The chunks the rows complete: whole rows of chunks straight from `bytes`, the rest through `pending`. */
  private *cut(bytes: Uint8Array, rows: number): Generator<Unit> {
    const rowsPerChunk = this.target.chunk[0]!;
    const rb = this.rowBytes;
    if (bytes.length !== rows * rb) throw new Error(`${this.target.path}: ${bytes.length} bytes for ${rows} rows of ${rb}`);
    for (let r = 0; r < rows; ) {
      if (this.pendingRows === 0 && rows - r >= rowsPerChunk) {
        yield* this.unitsOf(bytes.subarray(r * rb, (r + rowsPerChunk) * rb), rowsPerChunk, this.rows, true);
        this.rows += rowsPerChunk;
        r += rowsPerChunk;
        continue;
      }
      this.pending ??= new Uint8Array(rowsPerChunk * rb);
      const take = Math.min(rowsPerChunk - this.pendingRows, rows - r);
      this.pending.set(bytes.subarray(r * rb, (r + take) * rb), this.pendingRows * rb);
      this.pendingRows += take;
      this.rows += take;
      r += take;
      if (this.pendingRows === rowsPerChunk) {
        // A new buffer for the next row of chunks: this one may still be read by a deflate in flight.
        const block = this.pending;
        this.pending = undefined;
        this.pendingRows = 0;
        yield* this.unitsOf(block, rowsPerChunk, this.rows - rowsPerChunk, false);
      }
    }
  }

  /** The chunks of a block of `rows` rows starting at row `first`, in C order of the chunk grid. */
  private *unitsOf(block: Uint8Array, rows: number, first: number, borrowed: boolean): Generator<Unit> {
    const { chunk, frameShape, elementBytes } = this.target;
    const shape = [rows, ...frameShape];
    const grid = frameShape.map((n, k) => Math.ceil(n / chunk[k + 1]!));
    for (const index of boxIndices(grid.map(() => 0), grid)) {
      const within = [0, ...index.map((i, k) => i * chunk[k + 1]!)];
      const bytes = chunkBytes(block, shape, chunk, within, elementBytes);
      yield { origin: [first, ...within.slice(1)], bytes, borrowed: borrowed && bytes.buffer === block.buffer };
    }
  }
}

/** The C order of two chunk origins: negative when `a` comes first. */
function compareOrigins(a: number[], b: number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
}

/** The bytes of the chunk at `origin` of a C-order array: whole, zero-padded past the array's edges. */
export function chunkBytes(data: Uint8Array, shape: number[], chunk: number[], origin: number[], e: number): Uint8Array {
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
