/**
 * A Zarr array read lazily: nothing is fetched until `read`, which fetches only the chunks the selection touches
 * (several at a time: a store over HTTP answers them in parallel), decodes them and copies their part into one
 * C-order result. Values are as tsnwb's HDF5 datasets give them: numbers in typed arrays, text as strings, h5py's
 * booleans as booleans, references as the target's path, compound elements as rows.
 */
import { type DType, type NumericDType, type TypedArray, allocate, bytesPerElement, isNumericDType } from "../../data/dtype.js";
import { type ArrayValues, type CompoundMemberType, type CompoundRow, type LazyArray, type Selection, normaliseSelection } from "../../data/lazy.js";
import { describeArray } from "../../data/arrays.js";
import type { StorageOptions } from "../../data/storage.js";
import { FormatError, ValidationError } from "../../errors.js";
import type { ReadableStore, StoreKey } from "./store.js";
import { referencePath } from "./layout.js";
import {
  type DecodedChunk, type ZArrayMetadata, type ZarrCodecConfig, type ZarrStructuredDType, decodeChunk, numbersFrom, numericDTypeOf,
  numericFill, structuredLayout, structuredMember,
} from "./zarr-decode.js";

/** numcodecs' object codecs: how an object array's elements become bytes, not a filter of the bytes. */
const OBJECT_CODEC_IDS = new Set(["vlen-utf8", "vlen-bytes", "json2", "json", "pickle"]);

/** Chunks fetched at once by one read. */
const PARALLEL_CHUNKS = 32;

/** hdmf-zarr's `zarr_dtype` attribute: a type name (`"float64"`, `"scalar"`, `"object"` for references) or compound members. */
export type HdmfZarrDType = string | { name: string; dtype: string }[];

function bytesPerElementOf(dtype: DType): number {
  return isNumericDType(dtype) ? bytesPerElement(dtype) : 1;
}

/** The tsnwb dtype of an hdmf-zarr type name (compound members' `dtype`). */
function memberDType(name: string, code: string | undefined): DType {
  if (name === "object" || name === "region") return "reference";
  const numeric = code !== undefined ? numericDTypeOf(code) : undefined;
  if (numeric) return numeric;
  const aliases: Record<string, DType> = { float: "float32", double: "float64", long: "int64", int: "int32", bool: "bool", bool_: "bool" };
  if (isNumericDType(name)) return name;
  if (name in aliases) return aliases[name]!;
  return "text";
}

/** What the array is, as read from its `.zarray` and hdmf-zarr's `zarr_dtype`. */
function dtypeOf(meta: ZArrayMetadata, zarrDType: HdmfZarrDType | undefined): DType {
  if (Array.isArray(zarrDType)) return "compound";
  if (zarrDType === "object" || zarrDType === "region") return "reference";
  if (typeof meta.dtype !== "string") return "compound";
  const numeric = numericDTypeOf(meta.dtype);
  if (numeric) return numeric;
  if (/^[<>|]b1$/.test(meta.dtype)) return "bool";
  if (meta.dtype === "|O" || /^[<>|][SU]\d+$/.test(meta.dtype)) return "text";
  return "opaque";
}

/** A Zarr array of a store, read lazily. */
export class ZarrLazyArray implements LazyArray {
  /** The length of each axis (hdmf-zarr's scalars, stored as one element, have none). */
  readonly shape: number[];
  readonly dtype: DType;
  readonly members?: CompoundMemberType[];
  /** Whether this is a scalar dataset (hdmf-zarr's `zarr_dtype` "scalar": one element stored in a 1-D array). */
  readonly scalar: boolean;

  constructor(
    /** The store the array is in. */
    private readonly store: ReadableStore,
    /** The array's absolute path in the store ("/acquisition/ts/data"). */
    readonly path: string,
    /** Its `.zarray`. */
    readonly meta: ZArrayMetadata,
    /** hdmf-zarr's `zarr_dtype` attribute, when the array has one. */
    readonly zarrDType: HdmfZarrDType | undefined,
    /** The store's name (its folder or URL), for errors. */
    private readonly storeName: string,
    /** The keys of the chunks written, when the store could list them (else undefined). */
    private readonly chunkKeys?: ReadonlySet<string>,
  ) {
    this.scalar = zarrDType === "scalar" && meta.shape.length === 1 && meta.shape[0] === 1;
    this.shape = this.scalar ? [] : [...meta.shape];
    this.dtype = dtypeOf(meta, zarrDType);
    if (this.dtype === "compound") {
      const codes = Array.isArray(meta.dtype) ? meta.dtype : [];
      const named = Array.isArray(zarrDType) ? zarrDType : codes.map(([name, code]) => ({ name, dtype: code }));
      this.members = named.map((m, i) => ({ name: m.name, dtype: memberDType(m.dtype, codes[i]?.[1]) }));
    }
  }

  /**
   * The chunk shape; null for hdmf-zarr's scalars, and for an array in one uncompressed chunk, which is what HDF5
   * calls contiguous (a contiguous HDF5 dataset is converted to one, and back).
   */
  get chunks(): number[] | null {
    if (this.scalar) return null;
    const single = this.meta.chunks.every((c, i) => c >= this.meta.shape[i]!);
    if (single && this.meta.compressor === null && (this.meta.filters ?? []).every((f) => OBJECT_CODEC_IDS.has(f.id))) return null;
    return [...this.meta.chunks];
  }

  /** The compressor's numcodecs id (`"blosc"`, `"gzip"`...), or null. */
  get compression(): string | null {
    return this.meta.compressor?.id ?? null;
  }

  /** The compressor and filters as stored, so that a copy into another Zarr store can keep them. */
  get zarrCodecs(): { compressor: ZarrCodecConfig | null; filters: ZarrCodecConfig[] | null } {
    return { compressor: this.meta.compressor, filters: this.meta.filters };
  }

  /**
   * How the data is stored, in the terms HDF5 shares: chunks when the array is split in more than one (as
   * hdmf-zarr reads `chunks`), gzip and zlib (both deflate) as gzip with their level, numcodecs' shuffle filter as
   * HDF5's shuffle. Compressors HDF5 files have no standard filter for (Blosc, LZ4, Zstd...) become gzip at h5py's
   * default level 4 (Blosc's byte shuffle as HDF5's shuffle): a copy into an HDF5 file stays compressed, readable
   * by any HDF5 reader.
   */
  get storage(): StorageOptions {
    const out: { -readonly [K in keyof StorageOptions]: StorageOptions[K] } = {};
    if (!this.scalar && this.meta.chunks.some((c, i) => c < this.meta.shape[i]!)) out.chunks = [...this.meta.chunks];
    const c = this.meta.compressor;
    const numeric = isNumericDType(this.dtype);
    if (c !== null && (c.id === "gzip" || c.id === "zlib")) {
      out.compression = "gzip";
      if (typeof c.level === "number") out.compression_opts = c.level;
    } else if (c !== null && numeric && !this.scalar) {
      out.compression = "gzip";
      out.compression_opts = 4;
      if (c.id === "blosc" && c.shuffle === 1 && bytesPerElementOf(this.dtype) > 1) out.shuffle = true;
    }
    if (numeric && (this.meta.filters ?? []).some((f) => f.id === "shuffle")) out.shuffle = true;
    const fill = numericFill(this.meta);
    if (isNumericDType(this.dtype) && fill !== 0) out.fillvalue = this.dtype.endsWith("64") && this.dtype !== "float64" ? BigInt(fill) : fill;
    return out;
  }

  /** The store and the array's path: a value read back from the store it is in is known as its own. */
  get storedAt(): { file: object; path: string } {
    return { file: this.store, path: this.path };
  }

  toJSON(): string {
    return describeArray(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${describeArray(this)} at ${this.path}`;
  }

  /** See {@link LazyArray.writtenChunks}: from the store's keys, when it could list them. */
  writtenChunks(): { chunk: number[]; origins: number[][] } | undefined {
    if (this.chunkKeys === undefined || this.scalar) return undefined;
    const grid = this.meta.shape.map((n, a) => Math.ceil(n / this.meta.chunks[a]!));
    const origins: number[][] = [];
    forEachIndex(grid.map((n) => [0, n] as [number, number]), (index) => {
      if (this.chunkKeys!.has(this.chunkName(index))) origins.push(index.map((i, a) => i * this.meta.chunks[a]!));
    });
    return { chunk: [...this.meta.chunks], origins };
  }

  /** The key of the chunk at grid `index`, relative to the array ("0.3"). */
  private chunkName(index: number[]): string {
    return index.length === 0 ? "0" : index.join(this.meta.dimension_separator ?? ".");
  }

  async read(selection?: Selection): Promise<ArrayValues> {
    const ranges = this.storageRanges(selection);
    const count = ranges.reduce((a, [s, e]) => a * (e - s), 1);
    if (isNumericDType(this.dtype)) {
      const out = allocate(this.dtype, count);
      await this.assemble(ranges, out);
      return out;
    }
    const out: unknown[] = new Array(count);
    await this.assemble(ranges, out);
    return out as ArrayValues;
  }

  async readInto(selection: Selection | undefined, out: TypedArray): Promise<void> {
    if (!isNumericDType(this.dtype)) throw new ValidationError(this.path, "readInto", "numeric data (readInto reads numbers into a typed array)", this.dtype);
    const ranges = this.storageRanges(selection);
    const count = ranges.reduce((a, [s, e]) => a * (e - s), 1);
    if (!ArrayBuffer.isView(out) || out.length !== count || (out.constructor as unknown) !== allocate(this.dtype, 0).constructor) {
      throw new ValidationError(this.path, "readInto", `a ${this.dtype} typed array of ${count} elements (the selection's size)`, describeOut(out));
    }
    await this.assemble(ranges, out);
  }

  /** The selection as ranges over the stored shape (a scalar's one element). */
  private storageRanges(selection?: Selection): [number, number][] {
    if (this.scalar) {
      normaliseSelection([], selection);
      return [[0, 1]];
    }
    return normaliseSelection(this.shape, selection);
  }

  /** Fetches the chunks `ranges` touch, several at a time, and copies their part of the selection into `out`. */
  private async assemble(ranges: [number, number][], out: TypedArray | unknown[]): Promise<void> {
    if (ranges.some(([s, e]) => s === e)) return;
    const chunks = this.meta.chunks;
    if (chunks.length === 0) {
      // A 0-d array (zarr-python's scalar): one element, in chunk "0".
      out[0] = (await this.chunkElements([]))[0] as never;
      return;
    }
    const gridRanges = ranges.map(([s, e], a) => [Math.floor(s / chunks[a]!), Math.floor((e - 1) / chunks[a]!) + 1] as [number, number]);
    const indices: number[][] = [];
    forEachIndex(gridRanges, (index) => indices.push([...index]));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < indices.length) {
        const index = indices[next++]!;
        const elements = await this.chunkElements(index);
        copyPart(elements, index, chunks, ranges, out);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, indices.length) }, worker));
  }

  /** Chunks fetched ahead (`prefetch`), by key: small arrays read once, at open, kept. */
  private prefetched?: Map<string, Promise<TypedArray | unknown[]>>;

  /**
   * Fetches every chunk now and keeps them: for the small arrays a file's objects read as they are made (text,
   * scalars, references), fetched together when the store is opened rather than one round trip each. `priority`
   * "low": after any other request of the store's (an HttpStore's), what the reader waits for first.
   */
  prefetch(priority?: "low"): Promise<unknown> {
    if (this.prefetched === undefined) {
      this.prefetched = new Map();
      const grid = this.meta.shape.map((n, a) => [0, Math.ceil(n / this.meta.chunks[a]!)] as [number, number]);
      forEachIndex(grid, (index) => {
        const p = this.fetchChunk(index, priority);
        // A failure is the read's to report, when the values are read (as without prefetching).
        p.catch(() => undefined);
        this.prefetched!.set(this.chunkKey(index), p);
      });
    }
    return Promise.allSettled(this.prefetched.values());
  }

  /** The number of chunks the array is stored in. */
  get chunkCount(): number {
    return this.meta.shape.reduce((a, n, i) => a * Math.ceil(n / this.meta.chunks[i]!), 1);
  }

  private chunkKey(index: number[]): StoreKey {
    return `${this.path === "/" ? "" : this.path}/${this.chunkName(index)}` as StoreKey;
  }

  /** The elements of the chunk at grid `index` (the fill value where it was never written), as tsnwb holds them. */
  private chunkElements(index: number[]): Promise<TypedArray | unknown[]> {
    return this.prefetched?.get(this.chunkKey(index)) ?? this.fetchChunk(index);
  }

  private async fetchChunk(index: number[], priority?: "low"): Promise<TypedArray | unknown[]> {
    const key = this.chunkKey(index);
    const count = this.meta.chunks.reduce((a, b) => a * b, 1);
    // Stores that take no options (memory, folders) ignore the second argument.
    const stored = await (priority === undefined ? this.store.get(key) : (this.store.get as (key: StoreKey, options: { priority: "low" }) => Promise<Uint8Array | undefined>)(key, { priority }));
    const where = `${this.storeName}: ${key}`;
    if (stored === undefined) return this.fillChunk(count);
    const elements = this.elements(await decodeChunk(this.meta, stored, where), count, where);
    return this.meta.order === "F" && this.meta.chunks.length > 1 ? toCOrder(elements, this.meta.chunks) : elements;
  }

  private fillChunk(count: number): TypedArray | unknown[] {
    const fill = numericFill(this.meta);
    if (isNumericDType(this.dtype)) {
      const a = allocate(this.dtype, count);
      if (fill !== 0) a.fill((typeof a[0] === "bigint" ? BigInt(fill) : fill) as never);
      return a;
    }
    if (this.dtype === "bool") return new Array<boolean>(count).fill(fill !== 0);
    if (this.dtype === "text") return new Array<string>(count).fill("");
    return new Array<unknown>(count).fill(undefined);
  }

  private elements(decoded: DecodedChunk, count: number, where: string): TypedArray | unknown[] {
    const dtype = this.dtype;
    if (decoded.kind === "bytes") {
      const code = typeof this.meta.dtype === "string" ? this.meta.dtype : "";
      if (isNumericDType(dtype)) return numbersFrom(decoded.bytes, dtype as NumericDType, code, count);
      if (dtype === "bool") return Array.from(decoded.bytes.subarray(0, count), (b) => b !== 0);
      if (dtype === "compound" && Array.isArray(this.meta.dtype)) return this.structuredRows(decoded.bytes, count, this.meta.dtype);
      if (dtype === "text" && /^[<>|][SU]\d+$/.test(code)) {
        const view = new DataView(decoded.bytes.buffer, decoded.bytes.byteOffset, decoded.bytes.byteLength);
        const size = structuredLayout([["s", code]]).size;
        return Array.from({ length: count }, (_, i) => String(structuredMember(view, i * size, code)));
      }
      throw new FormatError(where, `the chunk's bytes are not elements tsnwb reads as ${dtype} (numpy dtype ${JSON.stringify(this.meta.dtype)})`);
    }
    const values = decoded.values;
    if (values.length < count) throw new FormatError(where, `the chunk holds ${values.length} elements, its shape ${count}`);
    if (dtype === "reference") return values.slice(0, count).map((v) => referencePath(v, where));
    if (dtype === "compound") {
      return values.slice(0, count).map((v) => {
        const items = Array.isArray(v) ? v : [];
        const row: CompoundRow = {};
        this.members!.forEach((m, i) => {
          row[m.name] = this.memberValue(items[i], m.dtype, where);
        });
        return row;
      });
    }
    if (dtype === "text") return values.slice(0, count).map(textOf);
    if (dtype === "bool") return values.slice(0, count).map(Boolean);
    if (isNumericDType(dtype)) return numbersOf(values.slice(0, count), dtype);
    return values.slice(0, count);
  }

  private memberValue(v: unknown, dtype: DType, where: string): unknown {
    if (dtype === "reference") return referencePath(v, where);
    if (dtype === "text") return textOf(v);
    if (dtype === "bool") return Boolean(v);
    if (dtype === "int64" || dtype === "uint64") return typeof v === "bigint" ? v : BigInt(v as number);
    return v;
  }

  private structuredRows(bytes: Uint8Array, count: number, dtype: ZarrStructuredDType): CompoundRow[] {
    const { members, size } = structuredLayout(dtype);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Array.from({ length: count }, (_, i) => {
      const row: CompoundRow = {};
      members.forEach((m, j) => {
        row[this.members![j]!.name] = structuredMember(view, i * size + m.offset, m.code);
      });
      return row;
    });
  }
}

function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return v === null || v === undefined ? "" : String(v);
}

function numbersOf(values: unknown[], dtype: NumericDType): TypedArray {
  const out = allocate(dtype, values.length);
  const big = dtype === "int64" || dtype === "uint64";
  values.forEach((v, i) => {
    out[i] = (big ? BigInt(v as number) : Number(v)) as never;
  });
  return out;
}

function describeOut(out: unknown): string {
  return ArrayBuffer.isView(out) ? `${out.constructor.name} of ${(out as TypedArray).length}` : typeof out;
}

/** A chunk's elements stored in Fortran order (first axis fastest), in C order. */
function toCOrder(elements: TypedArray | unknown[], shape: number[]): TypedArray | unknown[] {
  const out = ArrayBuffer.isView(elements) ? elements.slice() : new Array<unknown>(elements.length);
  const fStride: number[] = [];
  let stride = 1;
  for (const n of shape) {
    fStride.push(stride);
    stride *= n;
  }
  let c = 0;
  forEachIndex(shape.map((n) => [0, n] as [number, number]), (index) => {
    let f = 0;
    for (let a = 0; a < index.length; a++) f += index[a]! * fStride[a]!;
    (out as unknown[])[c++] = (elements as unknown[])[f];
  });
  return out;
}

/** Calls `f` with every index of the box `ranges` (a `[start, stop)` per axis), last axis fastest. */
function forEachIndex(ranges: [number, number][], f: (index: number[]) => void): void {
  if (ranges.some(([s, e]) => s >= e)) return;
  const index = ranges.map(([s]) => s);
  for (;;) {
    f(index);
    let a = ranges.length - 1;
    while (a >= 0) {
      index[a]!++;
      if (index[a]! < ranges[a]![1]) break;
      index[a] = ranges[a]![0];
      a--;
    }
    if (a < 0) return;
  }
}

/** Copies the part of the chunk at grid `index` (its `elements`, a full chunk in C order) inside `ranges` into `out`. */
function copyPart(elements: TypedArray | unknown[], index: number[], chunks: number[], ranges: [number, number][], out: TypedArray | unknown[]): void {
  const n = chunks.length;
  const lo = index.map((i, a) => Math.max(ranges[a]![0], i * chunks[a]!));
  const hi = index.map((i, a) => Math.min(ranges[a]![1], (i + 1) * chunks[a]!));
  const chunkStride = new Array<number>(n);
  const outStride = new Array<number>(n);
  let cs = 1;
  let os = 1;
  for (let a = n - 1; a >= 0; a--) {
    chunkStride[a] = cs;
    outStride[a] = os;
    cs *= chunks[a]!;
    os *= ranges[a]![1] - ranges[a]![0];
  }
  const last = n - 1;
  const run = hi[last]! - lo[last]!;
  const outer = lo.slice(0, last).map((l, a) => [l, hi[a]!] as [number, number]);
  const typed = ArrayBuffer.isView(out) && ArrayBuffer.isView(elements);
  forEachIndex(outer, (head) => {
    let src = (lo[last]! - index[last]! * chunks[last]!) * chunkStride[last]!;
    let dst = (lo[last]! - ranges[last]![0]) * outStride[last]!;
    for (let a = 0; a < last; a++) {
      src += (head[a]! - index[a]! * chunks[a]!) * chunkStride[a]!;
      dst += (head[a]! - ranges[a]![0]) * outStride[a]!;
    }
    if (typed) (out as TypedArray).set((elements as TypedArray).subarray(src, src + run) as never, dst);
    else for (let i = 0; i < run; i++) (out as unknown[])[dst + i] = (elements as unknown[])[src + i];
  });
}
