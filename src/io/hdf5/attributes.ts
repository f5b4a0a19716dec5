/**
 * An object's attributes read through h5wasm's low-level calls: each attribute's metadata asked once, its values
 * read into the WebAssembly heap and decoded here. h5wasm's own `Attribute` asks HDF5 the metadata twice (once to
 * make the Attribute, again in `.value`), and each of those calls finds the object by its path and the attribute
 * by its name anew: on a file of 2,000 objects and 6,500 attributes that second question was a third of the time
 * the whole tree took to read. Types decoded here are the ones NWB files hold (strings, integers, floats, object
 * references); others (compound, enum, array, vlen sequences, region references, float16, null dataspaces) are
 * left to h5wasm, whose values the reader takes as before.
 */
import type { TypedArray } from "../../data/dtype.js";
import type { H5Module } from "./h5.js";

/** The part of h5wasm's attribute metadata used here (`get_attribute_metadata`). */
export interface AttributeMetadata {
  type: number;
  size: number;
  signed: boolean;
  vlen: boolean;
  /** 1: UTF-8, 0: ASCII (strings). */
  cset?: number;
  /** `object` or `region` (references). */
  ref_type?: string;
  /** null for a null dataspace. */
  shape: number[] | null;
  total_size: number;
}

/** An attribute's values as decoded here: strings, a typed array, or object references' raw bytes. */
export type DecodedAttribute =
  | { kind: "text"; values: string[]; shape: number[] }
  | { kind: "numbers"; values: TypedArray; shape: number[] }
  | { kind: "references"; refs: Uint8Array[]; shape: number[] };

/** The typed array class of an integer or float of `size` bytes, as h5wasm decodes them; undefined for others. */
function numberClass(m: H5Module, meta: AttributeMetadata): (new (buffer: ArrayBuffer) => TypedArray) | undefined {
  if (meta.type === m.H5T_class_t.H5T_INTEGER.value) {
    const classes: Record<number, [new (b: ArrayBuffer) => TypedArray, new (b: ArrayBuffer) => TypedArray]> = {
      1: [Int8Array, Uint8Array], 2: [Int16Array, Uint16Array], 4: [Int32Array, Uint32Array], 8: [BigInt64Array as never, BigUint64Array as never],
    };
    const pair = classes[meta.size];
    return pair === undefined ? undefined : meta.signed ? pair[0] : pair[1];
  }
  if (meta.type === m.H5T_class_t.H5T_FLOAT.value) return meta.size === 8 ? Float64Array : meta.size === 4 ? Float32Array : undefined;
  return undefined;
}

/** Whether {@link readAttributeValues} decodes attributes of this metadata (else h5wasm's Attribute must). */
function decodable(m: H5Module, meta: AttributeMetadata): boolean {
  if (meta.shape === null) return false;
  if (meta.type === m.H5T_class_t.H5T_STRING.value) return meta.size > 0 || meta.vlen;
  if (meta.type === m.H5T_class_t.H5T_REFERENCE.value) return meta.ref_type === "object";
  return numberClass(m, meta) !== undefined;
}

/**
 * The values of attribute `name` of the object at `path`, given its metadata (asked once by the caller); undefined
 * when its type is one left to h5wasm.
 */
export function readAttributeValues(m: H5Module, fileId: bigint, path: string, name: string, meta: AttributeMetadata): DecodedAttribute | undefined {
  if (!decodable(m, meta)) return undefined;
  const shape = meta.shape!.map(Number);
  const bytes = meta.size * meta.total_size;
  const ptr = m._malloc(Math.max(bytes, 1));
  if (ptr === 0) throw new Error(`the WebAssembly heap cannot hold attribute ${name} of ${path} (${bytes} bytes)`);
  try {
    m.get_attribute_data(fileId, path, name, BigInt(ptr));
    // A copy: the heap may grow (and its views detach) before the values are used.
    const data = m.HEAPU8.slice(ptr, ptr + bytes);
    if (meta.type === m.H5T_class_t.H5T_STRING.value) {
      if (meta.vlen) {
        try {
          // Pointers to the strings HDF5 allocated (wasm32: 4 bytes each), read before HDF5 frees them.
          const read = meta.cset === 1 ? m.UTF8ToString : m.AsciiToString;
          const values = Array.from(new Uint32Array(data.buffer, 0, meta.total_size), (p) => read(p));
          return { kind: "text", values, shape };
        } finally {
          m.reclaim_vlen_memory(fileId, path, name, BigInt(ptr));
        }
      }
      // Fixed-length strings end at their first NUL, as h5wasm (and h5py) read them.
      const decoder = new TextDecoder(meta.cset === 1 ? "utf-8" : "ascii");
      const values: string[] = [];
      for (let i = 0; i < meta.total_size; i++) {
        const one = data.subarray(i * meta.size, (i + 1) * meta.size);
        const end = one.indexOf(0);
        values.push(decoder.decode(end < 0 ? one : one.subarray(0, end)));
      }
      return { kind: "text", values, shape };
    }
    if (meta.type === m.H5T_class_t.H5T_REFERENCE.value) {
      const refs = Array.from({ length: meta.total_size }, (_, i) => data.slice(i * meta.size, (i + 1) * meta.size));
      return { kind: "references", refs, shape };
    }
    const Numbers = numberClass(m, meta)!;
    return { kind: "numbers", values: new Numbers(data.buffer), shape };
  } finally {
    m._free(ptr);
  }
}
