/**
 * How a dataset is laid out on disk: tsnwb's equivalent of pynwb's `H5DataIO`.
 */
import { ValidationError } from "../errors.js";

/** How a dataset is stored: chunks, compression, filters, maximum shape (pynwb's `H5DataIO` arguments). */
export interface StorageOptions {
  /**
   * Chunk shape; `true` picks one automatically ({@link autoChunks}); `false` or absent stores contiguous data,
   * unless compression, shuffle, a growing axis or a stream needs chunks, in which case they are picked automatically.
   */
  chunks?: number[] | boolean;
  /** `"gzip"` (deflate, readable everywhere), or undefined for none. */
  compression?: "gzip";
  /** gzip level, 0-9; default 4, as h5py. */
  compression_opts?: number;
  /**
   * Byte shuffle before compression. With gzip, written by tsnwb's own chunk writer (files written in Node, not
   * live); in a live file or a browser h5wasm writes the chunks and applies one filter per dataset, so gzip with
   * shuffle there is an error at write rather than a silent drop of one.
   */
  shuffle?: boolean;
  /**
   * A Fletcher-32 checksum stored with each chunk (after shuffle and gzip, as h5py orders them), which HDF5 checks
   * on every read. Written by tsnwb's chunk writer (files written in Node, not live); refused where h5wasm writes
   * the chunks.
   */
  fletcher32?: boolean;
  /** Maximum shape per axis; `null` is unlimited. Streams and appenders make the first axis unlimited. */
  maxshape?: (number | null)[];
  /**
   * What elements never written read as (HDF5's fill value; 0 by default), in the dataset's dtype: NaN for a float
   * matrix of which only some chunks are written, as pynwb's iterative write tutorial makes. A copy keeps its source's.
   */
  fillvalue?: number | bigint;
}

/** Chunks are kept at or under this size: one frame read touches only its own chunks, and gzip stays fast. */
export const TARGET_CHUNK_BYTES = 1 << 20;
/** Frames smaller than this are packed several to a chunk, so tiny frames do not make millions of chunks. */
export const MIN_CHUNK_BYTES = 1 << 16;

/**
 * The default chunk shape for an array whose first axis is frames (or rows): whole frames when a frame is
 * at most 1 MiB, else the frame split in tiles along its largest axes until a tile fits 1 MiB; frames under
 * 64 KiB are grouped so that a chunk holds about 64 KiB.
 */
export function autoChunks(shape: readonly number[], bytesPerElement: number): number[] {
  if (shape.length === 0) return [];
  const chunk = shape.map((n) => Math.max(1, n));
  chunk[0] = 1;
  const bytes = (): number => chunk.reduce((a, b) => a * b, bytesPerElement);
  while (bytes() > TARGET_CHUNK_BYTES) {
    let axis = 1;
    for (let i = 1; i < chunk.length; i++) if (chunk[i]! > chunk[axis]!) axis = i;
    if (chunk[axis]! <= 1) break;
    chunk[axis] = Math.ceil(chunk[axis]! / 2);
  }
  const frameBytes = bytes();
  if (frameBytes < MIN_CHUNK_BYTES) {
    const frames = Math.max(1, Math.floor(MIN_CHUNK_BYTES / frameBytes));
    chunk[0] = shape.length === 1 ? Math.min(frames, 1 << 16) : frames;
  }
  return chunk;
}

/**
 * Checks options against the dataset's shape (undefined for a stream, whose first frame tells it later);
 * `where` names the object and field for errors.
 */
export function checkStorageOptions(opts: StorageOptions, shape: readonly number[] | undefined, where: { object: string; field: string }): void {
  const rank = shape?.length;
  const fail = (expected: string, found?: string) => {
    throw new ValidationError(where.object, `${where.field}.storage`, expected, found);
  };
  if (Array.isArray(opts.chunks)) {
    const count = rank ?? opts.chunks.length;
    if (opts.chunks.length !== count || !opts.chunks.every((c) => Number.isInteger(c) && c > 0)) {
      fail(`chunks of ${count} positive integers`, JSON.stringify(opts.chunks));
    }
  }
  if (opts.compression !== undefined && opts.compression !== "gzip") fail(`compression "gzip"`, String(opts.compression));
  if (opts.compression_opts !== undefined && !(Number.isInteger(opts.compression_opts) && opts.compression_opts >= 0 && opts.compression_opts <= 9)) {
    fail("compression_opts (gzip level) an integer 0-9", String(opts.compression_opts));
  }
  if (opts.fillvalue !== undefined && typeof opts.fillvalue !== "number" && typeof opts.fillvalue !== "bigint") fail("fillvalue: a number", String(opts.fillvalue));
  for (const flag of ["shuffle", "fletcher32"] as const) {
    if (opts[flag] !== undefined && typeof opts[flag] !== "boolean") fail(`${flag} true or false`, String(opts[flag]));
  }
  if (opts.maxshape !== undefined) {
    const valid = Array.isArray(opts.maxshape) && opts.maxshape.every((m) => m === null || (Number.isInteger(m) && m >= 0));
    if (!valid) fail("maxshape: an array of non-negative integers or null (unlimited)", JSON.stringify(opts.maxshape));
    if (shape !== undefined && opts.maxshape.length !== shape.length) fail(`maxshape of ${shape.length} axes`, JSON.stringify(opts.maxshape));
    // HDF5 cannot make a dataset larger than its maxshape: the data would not fit, not be cut.
    const small = shape?.findIndex((n, i) => opts.maxshape![i] !== null && opts.maxshape![i]! < n) ?? -1;
    if (small >= 0) fail(`maxshape at least the data's shape [${shape!.join(", ")}]`, `${JSON.stringify(opts.maxshape)} (axis ${small})`);
  }
}

/** True when the options need a chunked layout (a fill value is for chunks never written, so it needs chunks too). */
export function needsChunks(opts: StorageOptions): boolean {
  return opts.chunks === true || Array.isArray(opts.chunks) || opts.compression !== undefined || opts.shuffle === true || opts.fletcher32 === true ||
    (opts.maxshape?.some((m) => m === null) ?? false) || opts.fillvalue !== undefined;
}
