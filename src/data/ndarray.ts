/**
 * In-memory n-dimensional arrays, and the normalisation of everything a caller may pass as array data.
 */
import { textProblem } from "./text.js";
import { type DType, DTypeRangeError, type NumericDType, type TypedArray, dtypeOfTypedArray, isNumericDType, toTypedArray } from "./dtype.js";

/** A C-order n-dimensional array in memory. Text arrays hold strings. */
export interface NDArray {
  /** The values, C order. */
  readonly data: TypedArray | string[];
  /** The length of each axis. */
  readonly shape: number[];
  /** The element type. */
  readonly dtype: DType;
}

/** What callers may pass as array data: a typed array with its shape, or (for small data) nested JS arrays. */
export type ArrayInput =
  | {
    /** The values, C order. */
    data: TypedArray;
    /** The length of each axis. */
    shape: number[];
  }
  | {
    /** The values, C order. */
    data: string[] | number[];
    /** The length of each axis (default: one axis, the values' count). */
    shape?: number[];
  }
  | NestedArray
  | TypedArray;

export type NestedArray = number | string | bigint | readonly NestedArray[];

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** C-order strides, in elements, of an array of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) out[k] = out[k + 1]! * shape[k + 1]!;
  return out;
}

/**
 * The indices of the box [lo, hi) over its first `axes` axes, in C order; the other axes stay at `lo` (each index
 * starts a run along them). The one array yielded is updated in place: copy it to keep it. Nothing is yielded
 * when the box is empty on those axes; a box of no axes yields once.
 */
export function* boxIndices(lo: readonly number[], hi: readonly number[], axes = lo.length): Generator<number[]> {
  for (let k = 0; k < axes; k++) if (lo[k]! >= hi[k]!) return;
  const pos = [...lo];
  for (;;) {
    yield pos;
    let k = axes - 1;
    for (; k >= 0; k--) {
      if (++pos[k]! < hi[k]!) break;
      pos[k] = lo[k]!;
    }
    if (k < 0) return;
  }
}

export function isNDArray(x: unknown): x is NDArray {
  return typeof x === "object" && x !== null && "data" in x && "shape" in x && "dtype" in x;
}

/** Thrown by {@link toNDArray}; the caller turns it into an error that names the field. */
export class ArrayShapeError extends Error {}

/** A value that does not fit the dtype asked for (thrown by {@link toNDArray}, as its shape errors are). */
export class ArrayValueError extends ArrayShapeError {
  constructor(readonly dtype: NumericDType, message: string) {
    super(message);
  }
}

/** Numbers as `dtype`, exactly: a value the dtype cannot hold is an {@link ArrayValueError} saying which. */
function exactly(values: ArrayLike<number | bigint>, dtype: NumericDType): TypedArray {
  try {
    return toTypedArray(values, dtype);
  } catch (e) {
    if (e instanceof DTypeRangeError) throw new ArrayValueError(dtype, e.message);
    throw e;
  }
}

/**
 * Normalises array input. `dtype`, when given, is the dtype the schema fixes: numbers are converted to it.
 * Without it, typed arrays keep their own dtype and nested numbers become int64 (all integers) or float64,
 * as numpy would make them.
 */
export function toNDArray(input: ArrayInput, dtype?: DType): NDArray {
  if (ArrayBuffer.isView(input)) {
    const ta = input as TypedArray;
    return convert({ data: ta, shape: [ta.length], dtype: dtypeOfTypedArray(ta) }, dtype);
  }
  if (typeof input === "object" && input !== null && !Array.isArray(input) && "data" in input) {
    const obj = input as { data: TypedArray | string[] | number[]; shape?: number[] };
    if (Array.isArray(obj.data)) {
      // A flat JS array with a shape: strings stay text, numbers are typed as nested numbers would be.
      const shape = obj.shape ?? [obj.data.length];
      checkLength(obj.data.length, shape);
      const flat = toNDArray(obj.data as NestedArray, dtype);
      return { ...flat, shape: [...shape] };
    }
    if (!ArrayBuffer.isView(obj.data)) throw new ArrayShapeError("'data' must be a typed array or an array of strings");
    const shape = obj.shape ?? [obj.data.length];
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new ArrayShapeError(`'shape' must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    checkLength(obj.data.length, shape);
    return convert({ data: obj.data, shape: [...shape], dtype: dtypeOfTypedArray(obj.data) }, dtype);
  }
  const shape: number[] = [];
  let level: NestedArray = input as NestedArray;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] as NestedArray;
    if (level === undefined) break;
  }
  const flat: unknown[] = [];
  flatten(input as NestedArray, 0, shape, flat);
  if (flat.length === 0 && dtype !== "text") {
    // Nothing tells text from numbers: the dtype asked for, else numbers.
    const empty: DType = dtype ?? "float64";
    if (!isNumericDType(empty)) throw new ArrayShapeError(`expected ${empty}, got an empty array`);
    return { data: exactly([], empty), shape, dtype: empty };
  }
  if (flat.every((v) => typeof v === "string")) {
    if (dtype !== undefined && dtype !== "text") throw new ArrayShapeError(`expected numbers, got text`);
    for (const [i, t] of (flat as string[]).entries()) {
      const problem = textProblem(t);
      if (problem) throw new ArrayShapeError(`element ${i} holds ${problem}`);
    }
    return { data: flat as string[], shape, dtype: "text" };
  }
  if (!flat.every((v) => typeof v === "number" || typeof v === "bigint")) {
    throw new ArrayShapeError("array elements must be all numbers or all strings");
  }
  const nums = flat as (number | bigint)[];
  const target: DType = dtype ?? (nums.every((v) => typeof v === "bigint" || Number.isInteger(v)) ? "int64" : "float64");
  if (!isNumericDType(target)) throw new ArrayShapeError(`expected ${target}, got numbers`);
  return { data: exactly(nums, target), shape, dtype: target };
}

function flatten(x: NestedArray, depth: number, shape: number[], out: unknown[]): void {
  if (Array.isArray(x)) {
    if (depth >= shape.length || x.length !== shape[depth]) {
      throw new ArrayShapeError(`nested arrays are ragged: expected length ${shape[depth] ?? "scalar"} at depth ${depth}, got ${x.length}`);
    }
    for (const v of x) flatten(v as NestedArray, depth + 1, shape, out);
  } else {
    if (depth !== shape.length) throw new ArrayShapeError(`nested arrays are ragged at depth ${depth}`);
    out.push(x);
  }
}

function checkLength(length: number, shape: number[]): void {
  if (product(shape) !== length) {
    throw new ArrayShapeError(`shape [${shape.join(", ")}] holds ${product(shape)} elements but data has ${length}`);
  }
}

function convert(a: NDArray, dtype?: DType): NDArray {
  if (dtype === undefined || dtype === a.dtype) return a;
  // An empty array ([] as an empty column's default) has no values to be of another kind: it takes the dtype asked.
  if (a.data.length === 0 && dtype === "text") return { data: [] as string[], shape: a.shape, dtype };
  if (!isNumericDType(dtype)) throw new ArrayShapeError(`expected ${dtype}, got ${a.dtype} numbers`);
  return { data: exactly(a.data as ArrayLike<number | bigint>, dtype), shape: a.shape, dtype };
}

/** Turns a C-order array into nested JS arrays (numbers for 64-bit integers that fit). */
export function toNested(a: NDArray): NestedArray {
  const values = Array.from(a.data as ArrayLike<number | bigint | string>, (v) =>
    typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v,
  );
  if (a.shape.length === 0) return values[0] as NestedArray;
  const build = (dim: number, offset: number): NestedArray[] => {
    const stride = product(a.shape.slice(dim + 1));
    const out: NestedArray[] = [];
    for (let i = 0; i < a.shape[dim]!; i++) {
      out.push(dim === a.shape.length - 1 ? (values[offset + i] as NestedArray) : build(dim + 1, offset + i * stride));
    }
    return out;
  };
  return build(0, 0);
}

/** A numeric scalar or vector given as numbers becomes a plain number list. */
export function numbersOf(a: NDArray): number[] {
  return Array.from(a.data as ArrayLike<number | bigint>, Number);
}

export type { DType, NumericDType, TypedArray };
