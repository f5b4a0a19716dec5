/**
 * Lazy array handles and frame streams: array data that is not in memory.
 */
import { ValidationError } from "../errors.js";
import type { DType, TypedArray } from "./dtype.js";

/** One element of a compound dataset: a property per member (references as the target's path in a file). */
export type CompoundRow = Record<string, unknown>;

/** A compound dataset's member: its name and dtype. */
export interface CompoundMemberType {
  name: string;
  dtype: DType;
}

/**
 * What `read` returns: numbers in a typed array, text as strings, booleans (h5py's FALSE/TRUE enum) as booleans,
 * compound elements as rows; references as the target's path when read from a file, as the objects themselves when
 * built in memory.
 */
export type ArrayValues = TypedArray | string[] | boolean[] | CompoundRow[] | object[];
import type { ArrayInput } from "./ndarray.js";
import type { StorageOptions } from "./storage.js";

/** A hyperslab: one `[start, stop)` range per axis, from the first axis; missing axes are taken whole. */
export type Selection = ReadonlyArray<readonly [start: number, stop: number]>;

/**
 * A dataset in storage. Creating one reads nothing; `read` reads the whole dataset or a hyperslab
 * into one C-order array. A remote backend implements the same interface.
 */
export interface LazyArray {
  /** The length of each axis. */
  readonly shape: number[];
  /** The element type. */
  readonly dtype: DType;
  /** The chunk shape in storage, or null for contiguous data. */
  readonly chunks: number[] | null;
  /** The compression filter in storage (`"gzip"`, ...), or null for none; shuffle is not compression. */
  readonly compression?: string | null;
  /** How the data is stored (chunks, compression...), when the backend knows; a copy keeps it by default. */
  readonly storage?: StorageOptions;
  /** For compound data: its members. */
  readonly members?: CompoundMemberType[];
  /** Where the data is stored (the open file and the dataset's path), when it is in a file. */
  readonly storedAt?: {
    /** The open file. */
    readonly file: object;
    /** The dataset's path in it. */
    readonly path: string;
  };
  /** The whole array, or the hyperslab `selection` (a `[start, stop]` per axis, missing axes whole), C order. */
  read(selection?: Selection): Promise<ArrayValues>;
  /**
   * Numbers only: reads the selection into `out` (a typed array of the dataset's dtype, exactly the selection's
   * size), as h5py's `read_direct`. For loops over frames (playback, processing), where reusing one array spares
   * the allocation, and the memory the system must map, of a new array per frame. Backends that cannot leave it out.
   */
  readInto?(selection: Selection | undefined, out: TypedArray): Promise<void>;
  /**
   * Chunked data whose chunks the backend can list: the chunk shape and the first element of each chunk written, in
   * C order of the chunk grid (elements of chunks never written read as the fill value). A copy of a sparse dataset
   * copies those chunks only. Undefined when the backend does not know.
   */
  writtenChunks?(): {
    /** The chunk shape. */
    chunk: number[];
    /** The first element of each chunk written. */
    origins: number[][];
  } | undefined;
}

export function isLazyArray(x: unknown): x is LazyArray {
  // Arrays in memory are readable too, but are NDArrays first (their values are at hand).
  return typeof x === "object" && x !== null && typeof (x as LazyArray).read === "function" && "shape" in x && !("data" in x);
}

/**
 * Frames that arrive over time: each item is one frame (shape = the frame's shape) or a block of frames
 * (one more axis in front). The number of frames need not be known in advance.
 */
export type FrameSource = AsyncIterable<ArrayInput> | Iterable<ArrayInput>;

export function isFrameSource(x: unknown): x is FrameSource {
  if (typeof x !== "object" || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return false;
  return Symbol.asyncIterator in x || (Symbol.iterator in x && !("data" in x));
}

/** Normalises a selection against a shape: clamps nothing, fills missing axes, checks bounds. */
export function normaliseSelection(shape: readonly number[], selection?: Selection): [number, number][] {
  const where = `an array of shape [${shape.join(", ")}]`;
  if (selection !== undefined && (!Array.isArray(selection) || selection.length > shape.length)) {
    throw new ValidationError(where, "selection", `at most ${shape.length} [start, stop) ranges, one per axis`, JSON.stringify(selection));
  }
  return shape.map((n, axis) => {
    const range = selection?.[axis];
    if (!range) return [0, n];
    const [start, stop] = Array.isArray(range) ? range : [NaN, NaN];
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > n || start > stop) {
      throw new ValidationError(where, "selection", `a [start, stop) range within 0 to ${n} on axis ${axis}`, JSON.stringify(range));
    }
    return [start, stop];
  });
}
