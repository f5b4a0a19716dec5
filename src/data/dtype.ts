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

/** Converts plain numbers into a typed array of `dtype` (BigInt for 64-bit integers). */
export function toTypedArray(values: ArrayLike<number | bigint>, dtype: NumericDType): TypedArray {
  const out = allocate(dtype, values.length);
  const big = dtype === "int64" || dtype === "uint64";
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    (out as unknown as (number | bigint)[])[i] = big ? BigInt(v) : Number(v);
  }
  return out;
}
