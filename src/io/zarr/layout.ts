/**
 * hdmf-zarr's layout of NWB in Zarr (format 2), as hdmf-zarr 0.x writes and reads it: the names of the metadata
 * keys and reserved attributes, how element types are named (`.zarray`'s numpy dtype and the `zarr_dtype`
 * attribute), how object references and links are stored (JSON objects naming a source store and a path), the
 * chunk keys and chunk shapes. The writer (`zarr-write.ts`) and the reader share this module, so that what one
 * writes the other reads by the same rules.
 */
import type { DType, NumericDType } from "../../data/dtype.js";
import type { StoreKey } from "./store.js";
import { FormatError } from "../../errors.js";
import { type PythonJSONInput, type PythonNumber, stringifyPythonJSON } from "./python-json.js";

export { pythonFloat } from "./python-json.js";

/** Zarr's format version hdmf-zarr writes. */
export const ZARR_FORMAT = 2;
/** The key of a group's metadata (`{"zarr_format": 2}`). */
export const ZGROUP = ".zgroup";
/** The key of an array's metadata (shape, chunks, dtype, compressor, filters, fill value, order). */
export const ZARRAY = ".zarray";
/** The key of a group's or array's attributes (a JSON object). */
export const ZATTRS = ".zattrs";

/** Attribute of every dataset: how its elements are to be understood (see {@link ZarrDTypeTag}). */
export const ZARR_DTYPE_ATTR = "zarr_dtype";
/** Attribute of a group: its links, a list of {@link ZarrLinkJSON}. */
export const ZARR_LINK_ATTR = "zarr_link";
/** Root attribute naming the group of the cached specification (a path relative to the root: "specifications"). */
export const SPEC_LOC_ATTR = ".specloc";
/** Where hdmf-zarr caches the specification. */
export const DEFAULT_SPEC_LOC = "specifications";
/** Attributes that are hdmf-zarr's bookkeeping, not NWB attributes: a reader leaves them out of a builder's attributes. */
export const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set([ZARR_DTYPE_ATTR, ZARR_LINK_ATTR]);

/** `zarr_dtype` of a dataset of shape [1] that NWB sees as a scalar (read as its one element). */
export const SCALAR_TAG = "scalar";
/** `zarr_dtype` of a dataset of object references (elements are {@link ZarrReferenceJSON}). */
export const OBJECT_REFERENCE_TAG = "object";
/** `zarr_dtype` of region references, which hdmf-zarr names but neither writes nor reads. */
export const REGION_REFERENCE_TAG = "region";
/** `zarr_dtype` hdmf-zarr gives variable-length UTF-8 text it writes. */
export const TEXT_TAG = "str";

/** One member of a compound dataset's `zarr_dtype` (a list of them): its name and the tag of its elements. */
export interface CompoundMemberTag {
  name: string;
  /** A numpy type name ("int32", "float64", "str"...) or {@link OBJECT_REFERENCE_TAG}. */
  dtype: string;
}

/**
 * A dataset's `zarr_dtype`: "scalar", "object" (references), a numpy type name of its elements ("float64", "int32",
 * "uint8", "bool_", "str", "bytes", "object_"...), or, for a compound dataset, its members.
 */
export type ZarrDTypeTag = string | CompoundMemberTag[];

/** numpy's type name of each numeric dtype (what `zarr_dtype` holds); tsnwb's names are numpy's. */
export function numericTag(dtype: NumericDType): string {
  return dtype;
}

/** `zarr_dtype` of booleans (numpy's `bool_`). */
export const BOOL_TAG = "bool_";

/** Zarr's dtype string (`.zarray` "dtype", numpy's `dtype.str`) of each numeric dtype, little-endian. */
export const ZARR_NUMERIC_DTYPES: Readonly<Record<NumericDType, string>> = {
  int8: "|i1", uint8: "|u1", int16: "<i2", uint16: "<u2", int32: "<i4", uint32: "<u4",
  int64: "<i8", uint64: "<u8", float32: "<f4", float64: "<f8",
};
/** Zarr's dtype string of booleans (one byte each, 0 or 1). */
export const ZARR_BOOL_DTYPE = "|b1";
/** Zarr's dtype string of Python objects (text, references), encoded by an object codec in `filters`. */
export const ZARR_OBJECT_DTYPE = "|O";

/**
 * The element type of a Zarr dtype string (`<f8`, `|u1`, `>i4`, `|b1`, `|O`): its dtype and byte order. Object
 * arrays are "text" here; their `zarr_dtype` and codec tell text from references.
 */
export function parseZarrDType(code: string): { dtype: DType; littleEndian: boolean } | undefined {
  if (code === ZARR_OBJECT_DTYPE) return { dtype: "text", littleEndian: true };
  const m = /^([<>|=])([iufb])(\d+)$/.exec(code);
  if (!m) return undefined;
  const [, order, kind, size] = m;
  const littleEndian = order !== ">";
  if (kind === "b" && size === "1") return { dtype: "bool", littleEndian };
  const name = `${kind === "i" ? "int" : kind === "u" ? "uint" : "float"}${Number(size) * 8}`;
  return Object.hasOwn(ZARR_NUMERIC_DTYPES, name) ? { dtype: name as NumericDType, littleEndian } : undefined;
}

/**
 * An object reference as hdmf-zarr stores it (in a reference dataset's elements, a compound's reference member, or
 * an attribute's `value`): the store it is in (`source`, relative to the referencing store's root: "." for the same
 * store), the path of the object in it, and the object ids of the target and of the store's root when known.
 */
export interface ZarrReferenceJSON {
  source: string;
  path: string;
  object_id: string | null;
  source_object_id: string | null;
}

/** A reference attribute: `{"zarr_dtype": "object", "value": reference}`. */
export interface ZarrReferenceAttribute {
  zarr_dtype: typeof OBJECT_REFERENCE_TAG;
  value: ZarrReferenceJSON;
}

/** One link of a group's `zarr_link` attribute: its name, and the store (`source`) and path it leads to. */
export interface ZarrLinkJSON {
  name: string;
  source: string;
  path: string;
  /** Written by newer hdmf-zarr versions; older ones leave it out. */
  object_id?: string | null;
  source_object_id?: string | null;
}

/** The `source` of a reference or link within the store that holds it. */
export const SAME_STORE = ".";

/** A reference to `path` (absolute within the store) from the same store. */
export function referenceTo(path: string, objectId: string | null, rootObjectId: string | null): ZarrReferenceJSON {
  return { source: SAME_STORE, path: absolutePath(path), object_id: objectId, source_object_id: rootObjectId };
}

/** Whether an attribute value is a stored reference (`{"zarr_dtype": "object", "value": {...}}`). */
export function isReferenceAttribute(value: unknown): value is ZarrReferenceAttribute {
  return typeof value === "object" && value !== null && !Array.isArray(value) && (value as { zarr_dtype?: unknown }).zarr_dtype === OBJECT_REFERENCE_TAG &&
    typeof (value as { value?: unknown }).value === "object";
}

/**
 * Where a reference or link leads, as an absolute path in the same store, or undefined when it leads into another
 * store (`source` other than "." or the store itself). hdmf-zarr resolves `source` relative to the store's folder;
 * a missing `source` means the path is the store.
 */
export function targetInSameStore(ref: { source?: string | null; path?: string | null }): string | undefined {
  const source = ref.source ?? ".";
  if (source !== "." && source !== "./" && source !== "") return undefined;
  return absolutePath(ref.path ?? "/");
}

/**
 * The path within this store a stored reference names (a reference dataset's element, an attribute's `value`, a
 * `zarr_link` entry); references into other stores (a `source` other than ".") are refused, naming where the
 * reference is (`where`).
 */
export function referencePath(ref: unknown, where: string): string {
  const r = ref as Partial<ZarrReferenceJSON> | null;
  if (typeof r !== "object" || r === null || typeof r.path !== "string") {
    throw new FormatError(where, `a reference is not hdmf-zarr's {source, path} object: ${JSON.stringify(ref)}`);
  }
  const target = targetInSameStore(r);
  if (target === undefined) throw new FormatError(where, `a reference points into another store (${JSON.stringify(r.source)}, ${r.path}): tsnwb reads references within one store`);
  return target;
}

/** "/a/b" from "a/b", "/a/b" or "a/b/". */
export function absolutePath(path: string): string {
  const parts = path.split("/").filter((p) => p.length > 0 && p !== ".");
  return `/${parts.join("/")}`;
}

/** The store key of `name` (".zarray", a chunk) under the node at absolute `path` ("/" is the root). */
export function keyOf(path: string, name: string): StoreKey {
  const base = absolutePath(path);
  return (base === "/" ? `/${name}` : `${base}/${name}`) as StoreKey;
}

/** The key of the chunk at grid index `index` (zarr's "." dimension separator; "0" for a 0-d array). */
export function chunkKey(path: string, index: readonly number[]): StoreKey {
  return keyOf(path, index.length === 0 ? "0" : index.join("."));
}

/** zarr-python's chunk sizes: about 128 KiB to 64 MiB, growing with the array (`zarr.util.guess_chunks`). */
const CHUNK_BASE = 256 * 1024;
const CHUNK_MIN = 128 * 1024;
/** The largest chunk zarr-python guesses (64 MiB): a contiguous HDF5 dataset up to this size is copied as one chunk. */
export const CHUNK_MAX = 64 * 1024 * 1024;

/**
 * The chunk shape zarr-python (and so hdmf-zarr) gives an array it is not told how to chunk: the shape halved axis
 * by axis, first axis first, until a chunk is near a size that grows with the array's (`zarr.util.guess_chunks`).
 */
export function guessChunks(shape: readonly number[], typesize: number): number[] {
  const chunks = shape.map((n) => Math.max(1, n));
  if (chunks.length === 0) return [];
  const bytes = (): number => chunks.reduce((a, b) => a * b, 1) * typesize;
  const datasetBytes = bytes();
  const target = Math.min(CHUNK_MAX, Math.max(CHUNK_MIN, CHUNK_BASE * 2 ** Math.log10(datasetBytes / (1024 * 1024))));
  for (let i = 0; ; i++) {
    const b = bytes();
    if ((b < target || Math.abs(b - target) / target < 0.5) && b < CHUNK_MAX) break;
    if (chunks.every((c) => c === 1)) break;
    const axis = i % chunks.length;
    chunks[axis] = Math.ceil(chunks[axis]! / 2);
  }
  return chunks;
}

/** A numcodecs codec's configuration, as `.zarray` names it in `compressor` and `filters`. */
export interface CodecConfig {
  id: string;
  [option: string]: unknown;
}

/** zarr-python's default compressor, which hdmf-zarr keeps: Blosc with LZ4, level 5, byte shuffle. */
export const DEFAULT_COMPRESSOR: CodecConfig = { blocksize: 0, clevel: 5, cname: "lz4", id: "blosc", shuffle: 1 };

/** The object codec of variable-length UTF-8 text (zarr-python's choice for `dtype=str`). */
export const VLEN_UTF8: CodecConfig = { id: "vlen-utf8" };
/** The object codec of variable-length bytes. */
export const VLEN_BYTES: CodecConfig = { id: "vlen-bytes" };
/**
 * numcodecs' JSON object codec as zarr-python configures it: the codec of hdmf-zarr's cached specification, and
 * the one tsnwb writes references with (hdmf-zarr itself pickles them; both read back as the same dicts).
 */
export const JSON2: CodecConfig = {
  allow_nan: true, check_circular: true, encoding: "utf-8", ensure_ascii: true, id: "json2", indent: null,
  separators: [",", ":"], skipkeys: false, sort_keys: true, strict: true,
};

/** An array's `.zarray`. */
export interface ZarrArrayMetadata {
  zarr_format: 2;
  shape: number[];
  chunks: number[];
  dtype: string | [string, string][];
  compressor: CodecConfig | null;
  fill_value: number | boolean | string | null | PythonNumber;
  filters: CodecConfig[] | null;
  order: "C" | "F";
  dimension_separator?: "." | "/";
}

/** A group's `.zgroup`. */
export interface ZarrGroupMetadata {
  zarr_format: 2;
}

/**
 * A metadata document as zarr-python writes it (`json.dumps(indent=4, sort_keys=True, ensure_ascii=True)`), as UTF-8
 * bytes: floats that must read back as floats are {@link pythonFloat}s ("1.0", not "1": pynwb refuses `rate=1`
 * where a float is due), NaN and Infinity as Python writes them (`python-json.ts`, tsnwb's one JSON writer).
 */
export function metadataBytes(document: PythonJSONInput): Uint8Array {
  return new TextEncoder().encode(stringifyPythonJSON(document));
}
