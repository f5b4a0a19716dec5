/**
 * Element types, named as numpy names them so that code and figures translate from pynwb.
 */

/** A numeric element type. */
export type NumericDType =
  | "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "int64" | "uint64" | "float32" | "float64";

/**
 * Any element type tsnwb stores: numbers, variable-length UTF-8 text, or object references; `opaque` marks an
 * HDF5 type in a file that tsnwb does not read yet (enum, ...): its shape is known, reading it is an error. `compound`
 * values are rows: one object per element, a property per member.
 */
export type DType = NumericDType | "text" | "reference" | "compound" | "bool" | "opaque";

/** The typed arrays numeric data is held in, one per numeric dtype (and `Uint8ClampedArray`, read as uint8). */
export type TypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

type TypedArrayConstructor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

const CONSTRUCTORS: Record<NumericDType, TypedArrayConstructor> = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array,
  uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array, float32: Float32Array, float64: Float64Array,
};

/** h5wasm's dtype strings (numpy's struct codes, little-endian). */
const H5WASM_CODES: Record<NumericDType, string> = {
  int8: "<b", uint8: "<B", int16: "<h", uint16: "<H", int32: "<i", uint32: "<I",
  int64: "<q", uint64: "<Q", float32: "<f", float64: "<d",
};

export const NUMERIC_DTYPES = Object.keys(CONSTRUCTORS) as NumericDType[];

export function isNumericDType(d: string): d is NumericDType {
  return d in CONSTRUCTORS;
}

export function typedArrayConstructor(dtype: NumericDType): TypedArrayConstructor {
  return CONSTRUCTORS[dtype];
}

export function bytesPerElement(dtype: NumericDType): number {
  return CONSTRUCTORS[dtype].BYTES_PER_ELEMENT;
}

export function h5wasmCode(dtype: DType): string {
  if (dtype === "text") return "S";
  if (dtype === "reference") return "Reference";
  if (dtype === "opaque" || dtype === "compound" || dtype === "bool") throw new TypeError(`the ${dtype} dtype has no h5wasm code tsnwb writes`);
  return H5WASM_CODES[dtype];
}

/** The dtype of a typed array (a Uint8ClampedArray is uint8). */
export function dtypeOfTypedArray(a: TypedArray): NumericDType {
  if (a instanceof Uint8ClampedArray) return "uint8";
  for (const d of NUMERIC_DTYPES) if (a instanceof CONSTRUCTORS[d]) return d;
  throw new TypeError(`unsupported typed array ${a.constructor.name}`);
}

/** The numpy-style name of an h5wasm dtype string (`<B` -> uint8), or undefined for other classes. */
export function dtypeFromH5wasm(code: unknown): DType | undefined {
  if (code === "Reference") return "reference";
  if (typeof code !== "string") return undefined;
  if (/^[SA]\d*$/.test(code)) return "text";
  for (const d of NUMERIC_DTYPES) if (H5WASM_CODES[d].slice(1) === code.slice(1)) return d;
  return undefined;
}

/** Allocates a zeroed typed array of `length` elements of `dtype`. */
export function allocate(dtype: NumericDType, length: number): TypedArray {
  return new CONSTRUCTORS[dtype](length);
}

/** The smallest and largest value of each integer dtype, and the largest finite float32. */
const INTEGER_RANGES: Partial<Record<NumericDType, [bigint, bigint]>> = {
  int8: [-128n, 127n], uint8: [0n, 255n], int16: [-32768n, 32767n], uint16: [0n, 65535n], int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n], uint64: [0n, 2n ** 64n - 1n],
};
const FLOAT32_MAX = 3.4028234663852886e38;

/** What a dtype holds, for errors: `uint8 (integers 0 to 255)`. */
export function dtypeRange(dtype: NumericDType): string {
  const r = INTEGER_RANGES[dtype];
  return r ? `${dtype} (integers ${r[0]} to ${r[1]})` : dtype === "float32" ? "float32 (numbers up to 3.4e38 in magnitude)" : dtype;
}

/**
 * A value that does not fit the dtype it is stored as: converting it would wrap it, truncate its fraction or turn
 * it into infinity. Callers turn it into an error that names the field.
 */
export class DTypeRangeError extends Error {
  constructor(readonly value: number | bigint, readonly index: number, readonly dtype: NumericDType) {
    super(`value ${String(value)} at index ${index} does not fit ${dtypeRange(dtype)}`);
  }
}

/** Whether every value of `from` fits `to` unchanged, so a conversion needs no check (uint8 into int16...). */
function alwaysFits(from: NumericDType, to: NumericDType): boolean {
  if (from === to) return true;
  const a = INTEGER_RANGES[from];
  const b = INTEGER_RANGES[to];
  if (a && b) return a[0] >= b[0] && a[1] <= b[1];
  if (a && to === "float64") return bytesPerElement(from) <= 4;
  if (a && to === "float32") return bytesPerElement(from) <= 2;
  return from === "float32" && to === "float64";
}

/** Whether `v` is stored as `dtype` without change (floats may round to the nearest float32). */
export function fitsDType(v: number | bigint, dtype: NumericDType): boolean {
  const range = INTEGER_RANGES[dtype];
  if (range) {
    if (typeof v === "bigint") return v >= range[0] && v <= range[1];
    return Number.isInteger(v) && v >= Number(range[0]) && v <= Number(range[1]) && (dtype.endsWith("64") ? Number.isSafeInteger(v) || BigInt(v) <= range[1] : true);
  }
  if (typeof v === "bigint") return BigInt(Number(v)) === v;
  return dtype === "float64" || !Number.isFinite(v) || Math.abs(v) <= FLOAT32_MAX;
}

/**
 * Converts numbers into a typed array of `dtype` (BigInt for 64-bit integers), exactly: a value the dtype cannot
 * hold (a fraction or a negative into an unsigned dtype, 1000 into uint8, 1e39 into float32) is a
 * {@link DTypeRangeError}, never wrapped or truncated.
 */
export function toTypedArray(values: ArrayLike<number | bigint>, dtype: NumericDType): TypedArray {
  const out = allocate(dtype, values.length);
  copyExactly(values, out, 0, dtype);
  return out;
}

/**
 * Writes numbers into `out` (a typed array of `dtype`) from `offset` on, exactly, as {@link toTypedArray} converts
 * them: a table's ragged rows concatenated into one column without a list of every value between. A typed array
 * whose every value fits `dtype` is copied as a block.
 */
export function copyExactly(values: ArrayLike<number | bigint>, out: TypedArray, offset: number, dtype: NumericDType): void {
  const big = dtype === "int64" || dtype === "uint64";
  const checked = !(ArrayBuffer.isView(values) && alwaysFits(dtypeOfTypedArray(values as unknown as TypedArray), dtype));
  if (!checked && !big && !(values instanceof BigInt64Array) && !(values instanceof BigUint64Array)) {
    out.set(values as never, offset);
    return;
  }
  if (!checked && big && (values instanceof BigInt64Array || values instanceof BigUint64Array)) {
    out.set(values as never, offset);
    return;
  }
  const target = out as unknown as (number | bigint)[];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (checked && !fitsDType(v, dtype)) throw new DTypeRangeError(v, i, dtype);
    target[offset + i] = big ? BigInt(v) : Number(v);
  }
}
