/**
 * The reading side of Zarr format 2 as hdmf-zarr writes it: an array's metadata (`.zarray`), its chunks' bytes
 * decoded (the compressor, then the filters in reverse: vlen-utf8, vlen-bytes, json2, and numcodecs' Pickle, which
 * hdmf-zarr uses by default for text scalars, references and compound rows), and the elements of a chunk as tsnwb
 * holds them. No Node-only module is imported: the browser reads stores too.
 */
import { unshuffle } from "../hdf5/byte-shuffle.js";
import { NameRegistry, Parser } from "pickleparser";
import type { Codec } from "numcodecs";
import { type NumericDType, type TypedArray, bytesPerElement, isNumericDType, typedArrayConstructor } from "../../data/dtype.js";
import { FormatError } from "../../errors.js";
import { decodeJSON2, decodeVlenBytes, decodeVlenUtf8 } from "./object-codecs.js";
import { parseZarrDType } from "./layout.js";

/** A numcodecs codec's configuration as `.zarray` stores it (`{"id": "blosc", "cname": "lz4", ...}`). */
export interface ZarrCodecConfig {
  readonly id: string;
  readonly [key: string]: unknown;
}

/** A structured (compound) element type as numpy writes it in `.zarray`: `[name, dtype]` per member. */
export type ZarrStructuredDType = [name: string, dtype: string, shape?: number[]][];

/** An array's `.zarray` (Zarr format 2). */
export interface ZArrayMetadata {
  readonly zarr_format: 2;
  readonly shape: number[];
  readonly chunks: number[];
  readonly dtype: string | ZarrStructuredDType;
  readonly compressor: ZarrCodecConfig | null;
  readonly filters: ZarrCodecConfig[] | null;
  readonly fill_value: unknown;
  readonly order: "C" | "F";
  readonly dimension_separator?: "." | "/";
}

/** Checks that `json`, read from `where`, is a `.zarray` this reader can read; returns it typed. */
export function checkArrayMetadata(json: unknown, where: string): ZArrayMetadata {
  const m = json as Partial<ZArrayMetadata> | null;
  const bad = (what: string): never => {
    throw new FormatError(where, `not a Zarr format 2 array's metadata: ${what}`);
  };
  if (typeof m !== "object" || m === null) return bad("not a JSON object");
  if (m.zarr_format !== 2) return bad(`zarr_format is ${JSON.stringify(m.zarr_format)}, expected 2`);
  if (!Array.isArray(m.shape) || !m.shape.every((n) => Number.isInteger(n) && n >= 0)) return bad("shape is not a list of lengths");
  if (!Array.isArray(m.chunks) || m.chunks.length !== m.shape.length || !m.chunks.every((n) => Number.isInteger(n) && n > 0)) return bad("chunks is not a chunk length per axis");
  if (typeof m.dtype !== "string" && !Array.isArray(m.dtype)) return bad("dtype is neither a type string nor a list of members");
  if (m.order !== undefined && m.order !== "C" && m.order !== "F") return bad(`order is ${JSON.stringify(m.order)}`);
  return { ...m, order: m.order ?? "C", compressor: m.compressor ?? null, filters: m.filters ?? null } as ZArrayMetadata;
}

/** The numeric dtype of a numpy type string (`<f8` is float64), or undefined for others (`|O`, `|b1`, `<U8`). */
export function numericDTypeOf(code: string): NumericDType | undefined {
  const parsed = parseZarrDType(code);
  return parsed !== undefined && isNumericDType(parsed.dtype) ? parsed.dtype : undefined;
}

/** The bytes of one element of a numpy type string (`<f8`: 8, `|b1`: 1, `<U4`: 16), for structured members. */
function itemSize(code: string): number {
  const m = /^[<>|=]([a-zA-Z])(\d*)$/.exec(code);
  if (!m) throw new TypeError(`unknown numpy dtype ${code}`);
  const n = Number(m[2] || "1");
  if (m[1] === "O") return 8;
  if (m[1] === "U") return 4 * n;
  return n;
}

/** Decompressors by numcodecs id, loaded when a store first needs them (Blosc and Zstd are WebAssembly, large). */
const COMPRESSORS: Record<string, () => Promise<{ fromConfig(config: ZarrCodecConfig): Codec }>> = {
  blosc: async () => (await import("numcodecs/blosc")).default as never,
  zstd: async () => (await import("numcodecs/zstd")).default as never,
  lz4: async () => (await import("numcodecs/lz4")).default as never,
  zlib: async () => (await import("numcodecs/zlib")).default as never,
  gzip: async () => (await import("numcodecs/gzip")).default as never,
};

const compressorCache = new Map<string, Promise<Codec>>();

/** numcodecs' codec of `config` (one per configuration, shared by reads and writes), its module loaded on first use. */
export async function compressor(config: ZarrCodecConfig, where: string): Promise<Codec> {
  const key = JSON.stringify(config);
  let codec = compressorCache.get(key);
  if (codec === undefined) {
    const load = COMPRESSORS[config.id];
    if (load === undefined) throw new FormatError(where, `compressor '${config.id}' is not one tsnwb reads (it reads ${Object.keys(COMPRESSORS).join(", ")})`);
    codec = load().then((c) => c.fromConfig(config));
    compressorCache.set(key, codec);
  }
  return codec;
}

/** What decoding a chunk's bytes gives: still bytes (numeric and structured numeric data), or the elements (object arrays). */
export type DecodedChunk = { kind: "bytes"; bytes: Uint8Array } | { kind: "objects"; values: unknown[] };

/**
 * A chunk's stored bytes decoded through the array's compressor and filters (`where`: the chunk's key, for errors).
 * Filters decode in reverse: byte codecs (hdmf-zarr's arrays converted from HDF5 keep HDF5's shuffle and deflate as
 * numcodecs' Shuffle and Zlib filters), then at most one object codec, last.
 */
export async function decodeChunk(meta: ZArrayMetadata, stored: Uint8Array, where: string): Promise<DecodedChunk> {
  let bytes = meta.compressor === null ? stored : await decompress(meta.compressor, stored, where);
  const filters = [...(meta.filters ?? [])].reverse();
  for (const [i, filter] of filters.entries()) {
    if (filter.id === "shuffle") bytes = unshuffleFilter(bytes, filter, where);
    else if (filter.id in COMPRESSORS) bytes = await decompress(filter, bytes, where);
    else if (OBJECT_CODECS.has(filter.id)) {
      if (i !== filters.length - 1) throw new FormatError(where, `filter '${filter.id}' (an object codec) is not the array's first: tsnwb reads one object codec, first`);
      return { kind: "objects", values: objectCodec(filter, bytes, where) };
    } else {
      throw new FormatError(where, `filter '${filter.id}' is not one tsnwb reads (it reads shuffle, ${Object.keys(COMPRESSORS).join(", ")}, ${[...OBJECT_CODECS].join(", ")})`);
    }
  }
  return { kind: "bytes", bytes };
}

async function decompress(config: ZarrCodecConfig, bytes: Uint8Array, where: string): Promise<Uint8Array> {
  const codec = await compressor(config, where);
  try {
    return await codec.decode(bytes);
  } catch (e) {
    throw new FormatError(where, `cannot decompress the chunk (${config.id}): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** numcodecs' shuffle filter undone: the same byte shuffle as HDF5's, by the element size the filter names. */
function unshuffleFilter(bytes: Uint8Array, filter: ZarrCodecConfig, where: string): Uint8Array {
  const size = filter.elementsize;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1) throw new FormatError(where, `the shuffle filter's elementsize is ${JSON.stringify(size)}`);
  // Bytes past the last whole element stay as they are (numcodecs leaves them too, as HDF5's shuffle does).
  return unshuffle(bytes, size);
}

const OBJECT_CODECS = new Set(["vlen-utf8", "vlen-bytes", "json2", "json", "pickle"]);

/** Decodes the elements an object codec (vlen-utf8, vlen-bytes, json2, pickle) encoded. */
function objectCodec(filter: ZarrCodecConfig, bytes: Uint8Array, where: string): unknown[] {
  try {
    switch (filter.id) {
      case "vlen-utf8":
        return decodeVlenUtf8(bytes, where);
      case "vlen-bytes":
        return decodeVlenBytes(bytes, where).map((b) => utf8.decode(b));
      case "json2":
      case "json":
        return decodeJSON2(bytes, where);
      case "pickle":
        return unpickleObjectArray(bytes);
      default:
        throw new FormatError(where, `filter '${filter.id}' is not one tsnwb reads (it reads vlen-utf8, vlen-bytes, json2, pickle)`);
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(where, `cannot decode the chunk's '${filter.id}' elements: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

const utf8 = new TextDecoder("utf-8");

/** A numpy array being unpickled: `_reconstruct` makes it, BUILD gives it its state (shape, dtype, ..., elements). */
class UnpickledArray {
  shape: number[] = [];
  values: unknown[] = [];
  __setstate__(state: unknown[]): void {
    this.shape = (state[1] as number[]) ?? [];
    const data = state[4];
    this.values = Array.isArray(data) ? data : [];
  }
}

/** A numpy dtype being unpickled: its state is not needed (an object array's elements carry their own values). */
class UnpickledDType {
  __setstate__(): void {}
}

/**
 * Names a pickle may call (GLOBAL): numpy's array reconstruction (and `numpy.array`, as tsnwb writes compound rows). Any other name (hdmf-zarr's ZarrReference, a dict
 * subclass) becomes pickleparser's inert object holding its items: nothing a pickle names is ever run.
 */
const pickleNames = new NameRegistry()
  .register("numpy.core.multiarray", "_reconstruct", () => new UnpickledArray())
  .register("numpy._core.multiarray", "_reconstruct", () => new UnpickledArray())
  .register("numpy", "dtype", () => new UnpickledDType())
  .register("numpy", "ndarray", () => undefined)
  // tsnwb's own writer pickles compound chunks as one call, `numpy.array(rows, dtype)` (`pickle.ts`).
  .register("numpy", "array", (rows: unknown) => {
    const array = new UnpickledArray();
    array.values = Array.isArray(rows) ? rows : [];
    array.shape = [array.values.length];
    return array;
  });

/** The elements of a numpy object array pickled by numcodecs' Pickle codec, in C order. */
function unpickleObjectArray(bytes: Uint8Array): unknown[] {
  const value = new Parser({ nameResolver: pickleNames, unpicklingTypeOfDictionary: "object", unpicklingTypeOfSet: "array" }).parse<unknown>(bytes);
  if (!(value instanceof UnpickledArray)) throw new TypeError("the pickle is not a numpy array");
  // numpy pickles an object array's elements as one flat list, in C order (a compound element is a tuple: a list).
  return value.values;
}

/** Numbers of `dtype` from a chunk's bytes (`code`: the numpy type string, for its byte order). */
export function numbersFrom(bytes: Uint8Array, dtype: NumericDType, code: string, count: number): TypedArray {
  const size = bytesPerElement(dtype);
  if (bytes.length < count * size) throw new RangeError(`${bytes.length} bytes hold fewer than ${count} elements of ${dtype}`);
  const copy = new Uint8Array(count * size);
  copy.set(bytes.subarray(0, count * size));
  if (code.startsWith(">") && size > 1) {
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  }
  const Ctor = typedArrayConstructor(dtype);
  return new Ctor(copy.buffer, 0, count);
}

/** The fill value of `.zarray` as a number (NaN, Infinity as numpy's JSON writes them; null as 0). */
export function numericFill(meta: ZArrayMetadata): number {
  const f = meta.fill_value;
  if (typeof f === "number") return f;
  if (f === "NaN") return NaN;
  if (f === "Infinity") return Infinity;
  if (f === "-Infinity") return -Infinity;
  if (typeof f === "boolean") return f ? 1 : 0;
  return 0;
}

/** The layout of a structured element in bytes: each member's offset, numpy type string and size (numpy packs them). */
export function structuredLayout(dtype: ZarrStructuredDType): { members: { name: string; code: string; offset: number }[]; size: number } {
  let offset = 0;
  const members = dtype.map(([name, code, shape]) => {
    const m = { name, code, offset };
    offset += itemSize(code) * (shape ?? []).reduce((a, b) => a * b, 1);
    return m;
  });
  return { members, size: offset };
}

/** One structured element's member from its bytes (numbers and booleans; text and objects are pickled instead). */
export function structuredMember(view: DataView, at: number, code: string): number | bigint | boolean | string {
  const little = !code.startsWith(">");
  const numeric = numericDTypeOf(code);
  switch (numeric) {
    case "int8": return view.getInt8(at);
    case "uint8": return view.getUint8(at);
    case "int16": return view.getInt16(at, little);
    case "uint16": return view.getUint16(at, little);
    case "int32": return view.getInt32(at, little);
    case "uint32": return view.getUint32(at, little);
    case "int64": return view.getBigInt64(at, little);
    case "uint64": return view.getBigUint64(at, little);
    case "float32": return view.getFloat32(at, little);
    case "float64": return view.getFloat64(at, little);
    default:
  }
  if (code.endsWith("b1")) return view.getUint8(at) !== 0;
  const fixed = /^[<>|]([SU])(\d+)$/.exec(code);
  if (fixed) {
    const n = Number(fixed[2]);
    if (fixed[1] === "S") return utf8.decode(new Uint8Array(view.buffer, view.byteOffset + at, n)).replace(/\0+$/, "");
    let s = "";
    for (let i = 0; i < n; i++) {
      const c = view.getUint32(at + 4 * i, little);
      if (c === 0) break;
      s += String.fromCodePoint(c);
    }
    return s;
  }
  throw new TypeError(`structured member type ${code} is not one tsnwb reads`);
}
