/**
 * Array data as a container holds it: one interface, `ArrayData`, with `shape`, `dtype` and `read(selection?)`,
 * whether the values are in memory, in a file, or still arriving from a stream. Code that reads a field works
 * the same on an object built in memory and on one read from a file.
 */
import type { DType, TypedArray } from "./dtype.js";
import { type ArrayValues, type CompoundMemberType, type CompoundRow, type LazyArray, type Selection, type FrameSource, normaliseSelection } from "./lazy.js";
import { type NDArray, boxIndices, product, stridesOf } from "./ndarray.js";
import { ValidationError } from "../errors.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** `uint8[200, 50, 50, 3]`: how array data prints. */
export function describeArray(a: { dtype: DType; shape: readonly number[] }): string {
  return `${a.dtype}[${a.shape.join(", ")}]`;
}

/** Values in memory, C order. */
export class InMemoryArray implements NDArray, LazyArray {
  readonly chunks = null;
  constructor(
    /** The values, C order. */
    readonly data: TypedArray | string[],
    /** The length of each axis. */
    readonly shape: number[],
    /** The element type. */
    readonly dtype: DType,
  ) {}

  /** The whole array or a hyperslab, as a new C-order array. */
  async read(selection?: Selection): Promise<ArrayValues> {
    return sliceArray(this, normaliseSelection(this.shape, selection));
  }

  /** Its dtype and shape, `uint8[200, 50]`, not its values. */
  toJSON(): string {
    return describeArray(this);
  }

  /** How Node prints it: as {@link InMemoryArray.toJSON}. */
  [INSPECT](): string {
    return describeArray(this);
  }
}

/**
 * Frames still to come from an iterable: written when the file is (then the object's field becomes the dataset
 * in the file). Its `shape` is unknown until then: `[]`.
 */
export class StreamedArray implements LazyArray {
  readonly chunks = null;
  /** `[]`: unknown until written. */
  readonly shape: number[] = [];
  constructor(
    /** Where the frames come from. */
    readonly source: FrameSource,
    /** The dtype the schema fixes, or "opaque": unknown until the first frame. */
    readonly dtype: DType = "opaque",
  ) {}

  /** Refused: a stream is read once, as it is written; read the field of the written file. */
  async read(): Promise<ArrayValues> {
    throw new ValidationError("a stream", "data", "data written to a file before it is read (a stream is read once, as it is written)");
  }

  /** `stream (not written yet)`. */
  toJSON(): string {
    return "stream (not written yet)";
  }

  /** How Node prints it: as {@link StreamedArray.toJSON}. */
  [INSPECT](): string {
    return this.toJSON();
  }
}

/** A 1-D list of JS values in memory (compound rows, referenced objects): read in slices of the list. */
abstract class ListArray<T extends object> implements LazyArray {
  readonly chunks = null;
  abstract readonly dtype: DType;
  readonly shape: number[];
  constructor(protected readonly items: T[]) {
    this.shape = [items.length];
  }

  async read(selection?: Selection): Promise<T[]> {
    const [[start, stop]] = normaliseSelection(this.shape, selection) as [[number, number]];
    return this.items.slice(start, stop).map((item) => this.copy(item));
  }

  /** What a read hands out for one item. */
  protected abstract copy(item: T): T;

  toJSON(): string {
    return describeArray(this);
  }

  [INSPECT](): string {
    return describeArray(this);
  }
}

/** Compound values in memory: one row per element, a property per member (references as the objects). */
export class CompoundArray extends ListArray<CompoundRow> {
  readonly dtype = "compound" as const;
  constructor(readonly members: CompoundMemberType[], readonly rows: CompoundRow[]) {
    super(rows);
  }

  protected copy(row: CompoundRow): CompoundRow {
    return { ...row };
  }
}

/** Object references in memory, to objects given where the schema fixes no dtype (a VectorData column of groups). */
export class ReferenceArray extends ListArray<object> {
  readonly dtype = "reference" as const;
  constructor(readonly targets: object[]) {
    super(targets);
  }

  /** The objects referred to, themselves. */
  protected copy(target: object): object {
    return target;
  }
}

/** Copies the hyperslab `ranges` of a C-order array. */
export function sliceArray(a: NDArray, ranges: [number, number][]): TypedArray | string[] {
  const count = ranges.map(([s, e]) => e - s);
  const total = product(count);
  const src = a.data;
  const whole = ranges.every(([s, e], i) => s === 0 && e === a.shape[i]);
  if (whole) return ArrayBuffer.isView(src) ? (src as TypedArray).slice() : [...(src as string[])];
  const out: TypedArray | string[] = ArrayBuffer.isView(src)
    ? new (src.constructor as new (n: number) => TypedArray)(total)
    : new Array<string>(total);
  const strides = stridesOf(a.shape);
  const rank = count.length;
  const inner = rank === 0 ? 1 : count[rank - 1]!;
  let o = 0;
  // One run of the last axis per index of the others.
  for (const pos of boxIndices(ranges.map(([s]) => s), ranges.map(([, e]) => e), Math.max(0, rank - 1))) {
    let offset = 0;
    for (let i = 0; i < rank; i++) offset += pos[i]! * strides[i]!;
    if (ArrayBuffer.isView(src)) (out as TypedArray).set((src as TypedArray).subarray(offset, offset + inner) as never, o);
    else for (let k = 0; k < inner; k++) (out as string[])[o + k] = (src as string[])[offset + k]!;
    o += inner;
  }
  return out;
}
