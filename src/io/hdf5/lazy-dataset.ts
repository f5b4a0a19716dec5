/**
 * A dataset in an open HDF5 file, read lazily: nothing is read until `read`, which reads a hyperslab in slabs
 * of a few MB straight into one preallocated output (h5wasm's own `.value` copies the whole array through the
 * WebAssembly heap at once, several times slower on large data).
 */
import { type DType, type NumericDType, type TypedArray, bytesPerElement, dtypeFromH5wasm, isNumericDType, typedArrayConstructor } from "../../data/dtype.js";
import { type ArrayValues, type CompoundMemberType, type CompoundRow, type LazyArray, type Selection, normaliseSelection } from "../../data/lazy.js";
import { product } from "../../data/ndarray.js";
import { describeArray } from "../../data/arrays.js";
import { FormatError, TsnwbError, ValidationError } from "../../errors.js";
import type { StorageOptions } from "../../data/storage.js";
import { type H5Dataset, type H5File, type H5Module, HeapBuffer, datasetAt, hdf5Message, knownDatasetAt, objectHeaderAddress, refuseClosed } from "./h5.js";
import { DirectDataset, directFileOf, pipelineFilterIds, storageMessages } from "./direct-read.js";
import { writtenChunks } from "./chunk-listing.js";
import { fillValueNumber, fillValueOf, isDefaultFill } from "./fill-value.js";
import { refuseReadOfPendingChunks } from "./chunk-sink.js";
import { ReferenceNames } from "./reference-names.js";
import { datasetText, metadataBytesOf } from "./attribute-messages.js";
import { prefetchSelection } from "../remote/chunk-prefetch.js";

/** Slabs of about this many bytes cross the WebAssembly heap per call. */
export const SLAB_BYTES = 8 << 20;
/** Datasets of at least this many bytes are planned for direct reads when opened (few per file: the movies). */
const PLAN_AT_OPEN_BYTES = 1 << 20;

/** HDF5's compression filters by id, named as h5py names them (`deflate` is `"gzip"`). */
const FILTER_NAMES: Record<number, string> = { 1: "gzip", 4: "szip", 5: "nbit", 6: "scaleoffset" };

export class H5LazyDataset implements LazyArray {
  constructor(
    private readonly m: H5Module,
    private readonly file: H5File,
    /** Absolute path of the dataset in the file. */
    readonly path: string,
    readonly shape: number[],
    readonly dtype: DType,
    readonly chunks: number[] | null,
    /** The file's name, for errors. */
    private readonly fileName: string,
    /** For compound data: its members, as tsnwb reads them. */
    readonly members?: CompoundMemberType[],
  ) {}

  /**
   * The handle of the dataset at `path`, with its shape, dtype and chunks from the file's metadata. `known`: the
   * caller has asked HDF5 the object's type already (the tree reader), so it is not asked again.
   */
  static at(m: H5Module, file: H5File, path: string, fileName: string, known = false): H5LazyDataset {
    const ds = known ? knownDatasetAt(file, path) : datasetAt(file, path);
    const meta = ds.metadata;
    const members = compoundMembers(m, meta as unknown as H5Metadata);
    const bool = (meta as unknown as H5Metadata).type === m.H5T_class_t.H5T_ENUM.value && isBooleanEnum(meta as unknown as H5Metadata);
    const lazy = new H5LazyDataset(
      m, file, path, (meta.shape ?? []).map(Number), members ? "compound" : bool ? "bool" : dtypeFromH5wasm(ds.dtype) ?? "opaque",
      meta.chunks ? meta.chunks.map(Number) : null, fileName, members,
    );
    lazy.planIfLarge();
    return lazy;
  }

  /**
   * h5wasm's handle of the dataset, made without asking HDF5 the object's type: this exists for a dataset at this
   * path (one HDF5 call less per read, most of reading a short text).
   */
  private handle(): H5Dataset {
    return knownDatasetAt(this.file, this.path);
  }

  /**
   * The handle of the dataset at `path` whose shape, dtype and chunks the caller read from its header
   * (`dataset-header.ts`: plain types only, neither compound nor enum).
   */
  static known(m: H5Module, file: H5File, path: string, fileName: string, shape: number[], dtype: DType, chunks: number[] | null, headerAddress: number): H5LazyDataset {
    const lazy = new H5LazyDataset(m, file, path, shape, dtype, chunks, fileName);
    lazy.headerAddress = headerAddress;
    lazy.planIfLarge();
    return lazy;
  }

  /** Where the dataset's header is, when the tree reader read it (text is then read from the file's bytes). */
  private headerAddress?: number;

  /** The address of the dataset's header: as the tree reader found it, else asked of HDF5. */
  private objectHeader(): number {
    return this.headerAddress ?? objectHeaderAddress(this.file, this.path, this.m);
  }

  /**
   * A large array (a movie) is planned for direct reads as it is opened, as HDF5 parses a dataset's header when
   * h5py opens it: the first frame read then reads only the frame (and its B-tree nodes).
   */
  private planIfLarge(): void {
    if (isNumericDType(this.dtype) && product(this.shape) * bytesPerElement(this.dtype) >= PLAN_AT_OPEN_BYTES) this.directDataset();
  }

  /** The open file and the dataset's path: a value read back from the file it is in is known as its own. */
  get storedAt(): { file: object; path: string } {
    return { file: this.file, path: this.path };
  }

  /** How it prints and serialises: `uint8[200, 50, 50, 3]` (not h5wasm's internals). */
  toJSON(): string {
    return describeArray(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${describeArray(this)} at ${this.path}`;
  }

  /** The compression filter of the dataset's pipeline, named as h5py names it (`deflate` is `"gzip"`). */
  get compression(): string | null {
    refuseClosed(this.file, this.path);
    const filters = this.filters();
    // Shuffle and the Fletcher-32 checksum are filters but not compression (h5py's `shuffle` and `fletcher32`).
    const main = filters.find((f) => f.id !== 2 && f.id !== 3);
    return main === undefined ? null : FILTER_NAMES[main.id] ?? main.name;
  }

  /** Whether the byte-shuffle filter is in the pipeline. */
  get shuffle(): boolean {
    refuseClosed(this.file, this.path);
    return this.filters().some((f) => f.id === 2);
  }

  /** Whether each chunk carries a Fletcher-32 checksum. */
  get fletcher32(): boolean {
    refuseClosed(this.file, this.path);
    return this.filters().some((f) => f.id === 3);
  }

  /**
   * The filters of the dataset's pipeline: from its header where the tree reader read it and the filters are
   * HDF5's own (named by their id), else as h5wasm gives them (a file read without HDF5 needs none for these).
   */
  private filters(): { id: number; name?: string }[] {
    const file = this.headerAddress === undefined ? undefined : directFileOf(this.file);
    if (file !== undefined) {
      try {
        const { filters } = storageMessages(file, this.headerAddress!);
        const ids = filters === undefined ? [] : pipelineFilterIds(filters);
        if (ids.every((id) => id === 2 || id === 3 || Object.hasOwn(FILTER_NAMES, id))) return ids.map((id) => ({ id }));
      } catch {
        // A header or message not read here: h5wasm's.
      }
    }
    return this.handle().filters;
  }

  /** How the dataset is stored, as options that write it the same way (a copy keeps its source's layout). */
  get storage(): StorageOptions {
    refuseClosed(this.file, this.path);
    if (!this.chunks) return {};
    const ds = this.handle();
    const filters = ds.filters;
    const deflate = filters.find((f) => f.id === 1) as { cd_values?: number[] } | undefined;
    const maxshape = (ds.metadata.maxshape ?? []).map((m) => (Number(m) >= 2 ** 63 ? null : Number(m)));
    return {
      chunks: this.chunks,
      ...(deflate ? { compression: "gzip" as const, compression_opts: deflate.cd_values?.[0] ?? 4 } : {}),
      ...(filters.some((f) => f.id === 2) ? { shuffle: true } : {}),
      ...(filters.some((f) => f.id === 3) ? { fletcher32: true } : {}),
      ...(maxshape.some((m) => m === null) ? { maxshape } : {}),
      ...(this.fillValue !== undefined ? { fillvalue: this.fillValue } : {}),
    };
  }

  /**
   * The dataset's fill value when it is not the default (0), read from its header by the direct reader; undefined
   * for the default, and where the file's bytes are not at hand (then a copy reads unwritten chunks as values).
   */
  private get fillValue(): number | bigint | undefined {
    if (this.fill === undefined) {
      this.fill = "unknown";
      const file = directFileOf(this.file);
      if (file !== undefined && isNumericDType(this.dtype)) {
        try {
          const fill = fillValueOf(storageMessages(file, this.objectHeader()).messages, bytesPerElement(this.dtype));
          if (fill !== undefined) this.fill = isDefaultFill(fill) ? "default" : fillValueNumber(fill, this.dtype);
        } catch {
          // A header tsnwb cannot read: unknown.
        }
      }
    }
    return typeof this.fill === "string" ? undefined : this.fill;
  }

  /** The fill value once read; "default" (0), or "unknown" where the file's bytes or its message are not read. */
  private fill?: number | bigint | "default" | "unknown";

  /** See {@link LazyArray.writtenChunks}: listed from the file's chunk index by the direct reader (`chunk-listing.ts`). */
  writtenChunks(): { chunk: number[]; origins: number[][] } | undefined {
    refuseClosed(this.file, this.path);
    const file = directFileOf(this.file);
    if (file === undefined || !this.chunks || !isNumericDType(this.dtype)) return undefined;
    refuseReadOfPendingChunks(this.file, this.path);
    // A copy that leaves chunks unwritten must give them its source's fill value: it must be known.
    if (this.fillValue === undefined && this.fill === "unknown") return undefined;
    try {
      return writtenChunks(file, this.objectHeader(), this.shape);
    } catch {
      // An index tsnwb cannot list: the copy reads the dataset whole, as HDF5 gives it.
      return undefined;
    }
  }

  /** Reads the dataset, or the hyperslab `selection`, as one C-order array. */
  async read(selection?: Selection): Promise<ArrayValues> {
    refuseClosed(this.file, this.path);
    const ranges = normaliseSelection(this.shape, selection);
    refuseReadOfPendingChunks(this.file, this.path);
    if (this.dtype === "opaque") {
      throw new FormatError(this.fileName, `${this.path} has an HDF5 type tsnwb does not read yet (${describeH5Type(this.handle().dtype)})`);
    }
    try {
      if (this.dtype === "compound") return this.readCompound(ranges);
      if (this.dtype === "bool") return this.readBooleans(ranges);
      if (!isNumericDType(this.dtype)) return this.readOther(ranges);
      const whole = this.exactChunk(ranges);
      if (whole) return whole;
      const out = allocateOutput(this.dtype, product(ranges.map(([a, b]) => b - a)));
      await this.fetchAhead(ranges);
      this.readNumericInto(ranges, out);
      return out;
    } catch (e) {
      throw this.readError(e);
    }
  }

  /** A read's failure as tsnwb reports it: a range request that failed says so itself (naming the URL and status). */
  private readError(e: unknown): unknown {
    if (e instanceof RangeError || e instanceof TsnwbError) return e;
    return new FormatError(this.fileName, `cannot read ${this.path}: ${hdf5Message(e)}`, { cause: e });
  }

  /** Reads a numeric selection into `out` (h5py's `read_direct`): see {@link LazyArray.readInto}. */
  async readInto(selection: Selection | undefined, out: TypedArray): Promise<void> {
    refuseClosed(this.file, this.path);
    const ranges = normaliseSelection(this.shape, selection);
    refuseReadOfPendingChunks(this.file, this.path);
    if (!isNumericDType(this.dtype)) throw new ValidationError(this.path, "readInto", "numeric data (readInto reads numbers into a typed array)", this.dtype);
    const length = product(ranges.map(([a, b]) => b - a));
    if (!(out instanceof typedArrayConstructor(this.dtype)) || out.length !== length) {
      throw new ValidationError(this.path, "out", `a ${typedArrayConstructor(this.dtype).name} of ${length} elements`, `${(out as object)?.constructor?.name ?? typeof out} of ${(out as TypedArray)?.length}`);
    }
    try {
      await this.fetchAhead(ranges);
      this.readNumericInto(ranges, out);
    } catch (e) {
      throw this.readError(e);
    }
  }

  /** A file read by URL: the chunks a numeric read needs, fetched together first (`chunk-prefetch.ts`). */
  private async fetchAhead(ranges: [number, number][]): Promise<void> {
    if (this.directDataset() === null && product(ranges.map(([a, b]) => b - a)) > 0) {
      await prefetchSelection(this.file, () => this.objectHeader(), this.shape, bytesPerElement(this.dtype as NumericDType), ranges);
    }
  }

  /** How tsnwb reads this dataset itself (`direct-read.ts`): null once found it cannot, undefined until asked. */
  private direct?: DirectDataset | null;

  private directDataset(): DirectDataset | null {
    if (this.direct !== undefined) return this.direct;
    this.direct = null;
    const file = directFileOf(this.file);
    if (file === undefined || !isNumericDType(this.dtype)) return null;
    try {
      this.direct = DirectDataset.plan(file, this.objectHeader(), this.shape, bytesPerElement(this.dtype)) ?? null;
    } catch {
      // Whatever the direct reader does not understand is read by h5wasm.
    }
    return this.direct;
  }

  /**
   * A selection that is exactly one compressed chunk, as that chunk's decoded bytes (no copy), when read directly;
   * undefined otherwise.
   */
  private exactChunk(ranges: [number, number][]): TypedArray | undefined {
    const direct = this.directDataset();
    if (!direct) return undefined;
    const dtype = this.dtype as NumericDType;
    try {
      let bytes = direct.exactChunk(ranges);
      if (bytes === undefined) return undefined;
      const e = bytesPerElement(dtype);
      // Decoded bytes that do not start on an element are copied to an array that does.
      if (bytes.byteOffset % e !== 0) bytes = bytes.slice();
      return new (typedArrayConstructor(dtype))(bytes.buffer, bytes.byteOffset, bytes.byteLength / e);
    } catch {
      // A file that is not as the plan expected: read by h5wasm, which reports what is wrong.
      this.direct = null;
      return undefined;
    }
  }

  /** Reads a hyperslab into `out` (whose length is the hyperslab's size): directly when it can, else by h5wasm. */
  readNumericInto(ranges: [number, number][], out: TypedArray): void {
    if (product(ranges.map(([a, b]) => b - a)) === 0) return;
    const direct = this.directDataset();
    if (direct) {
      try {
        if (direct.readInto(ranges, new Uint8Array(out.buffer, out.byteOffset, out.byteLength))) return;
      } catch {
        // A file that is not as the plan expected: read by h5wasm, which reports what is wrong.
        this.direct = null;
      }
    }
    this.readSlabs(ranges, out);
  }

  /** Reads a hyperslab into `out` through h5wasm, slab by slab along the first axis. */
  private readSlabs(ranges: [number, number][], out: TypedArray): void {
    const dtype = this.dtype as NumericDType;
    const count = ranges.map(([a, b]) => b - a);
    if (product(count) === 0) return;
    const heap = new HeapBuffer(this.m);
    try {
      if (count.length === 0) {
        this.readBlock([], [], out, 0, dtype, heap);
        return;
      }
      const rowElements = product(count.slice(1));
      let rowsPerSlab = Math.max(1, Math.floor(SLAB_BYTES / Math.max(rowElements * bytesPerElement(dtype), 1)));
      const chunk0 = this.chunks?.[0];
      // Whole chunks per slab, so no chunk is decompressed twice.
      if (chunk0 && rowsPerSlab > chunk0) rowsPerSlab -= rowsPerSlab % chunk0;
      const [first, end] = ranges[0]!;
      for (let row = first; row < end; ) {
        let stop = Math.min(end, row + rowsPerSlab);
        if (chunk0 && stop < end) stop = Math.max(row + 1, stop - (stop % chunk0));
        const offset = [row, ...ranges.slice(1).map(([a]) => a)];
        this.readBlock(offset, [stop - row, ...count.slice(1)], out, (row - first) * rowElements, dtype, heap);
        row = stop;
      }
    } finally {
      heap.free();
    }
  }

  private readBlock(offset: number[], count: number[], out: TypedArray, outOffset: number, dtype: NumericDType, heap: HeapBuffer): void {
    const bytes = product(count) * bytesPerElement(dtype);
    const ptr = heap.reserve(bytes);
    this.m.get_dataset_data(
      this.file.file_id, this.path,
      count.length ? count.map(BigInt) : null, offset.length ? offset.map(BigInt) : null,
      count.length ? count.map(() => 1n) : null, BigInt(ptr),
    );
    new Uint8Array(out.buffer, out.byteOffset + outOffset * bytesPerElement(dtype), bytes).set(heap.view(bytes));
  }

  /**
   * Compound elements as rows, decoded member by member from the bytes HDF5 gives (h5wasm's own decoding drops
   * reference members): numbers, text, booleans, and references as the target's path.
   */
  private readCompound(ranges: [number, number][]): CompoundRow[] {
    const meta = this.handle().metadata as unknown as H5Metadata;
    const count = ranges.map(([a, b]) => b - a);
    const total = product(count);
    if (total === 0) return [];
    const bytes = meta.size * total;
    const heap = new HeapBuffer(this.m);
    const ptr = heap.reserve(bytes);
    const hasVlen = meta.compound_type!.members.some((m) => m.vlen);
    const counts = count.map(BigInt);
    try {
      this.m.get_dataset_data(this.file.file_id, this.path, counts, ranges.map(([a]) => BigInt(a)), count.map(() => 1n), BigInt(ptr));
      const raw = this.m.HEAPU8.slice(ptr, ptr + bytes);
      const view = new DataView(raw.buffer);
      const rows: CompoundRow[] = [];
      const names = new ReferenceNames(this.m, this.file);
      for (let i = 0; i < total; i++) {
        const row: CompoundRow = {};
        for (const member of meta.compound_type!.members) row[member.name] = this.decodeMember(view, raw, i * meta.size + member.offset, member, names);
        rows.push(row);
      }
      return rows;
    } finally {
      if (hasVlen) this.m.reclaim_vlen_memory_count(this.file.file_id, this.path, "", BigInt(ptr), counts);
      heap.free();
    }
  }

  /** h5py's booleans (an enum of FALSE = 0 and TRUE = 1 over one byte) as booleans. */
  private readBooleans(ranges: [number, number][]): boolean[] {
    const count = ranges.map(([a, b]) => b - a);
    const total = product(count);
    if (total === 0) return [];
    const heap = new HeapBuffer(this.m);
    try {
      const ptr = heap.reserve(total);
      this.m.get_dataset_data(this.file.file_id, this.path, count.map(BigInt), ranges.map(([a]) => BigInt(a)), count.map(() => 1n), BigInt(ptr));
      return Array.from(heap.view(total), (b) => b !== 0);
    } finally {
      heap.free();
    }
  }

  private decodeMember(view: DataView, raw: Uint8Array, at: number, member: H5Metadata, names: ReferenceNames): unknown {
    const T = this.m.H5T_class_t;
    switch (member.type) {
      case T.H5T_INTEGER.value:
      case T.H5T_ENUM.value: {
        const base = member.type === T.H5T_ENUM.value ? { ...member, ...member.enum_type } : member;
        const size = base.size;
        const signed = base.signed;
        const v = size === 1 ? (signed ? view.getInt8(at) : view.getUint8(at))
          : size === 2 ? (signed ? view.getInt16(at, true) : view.getUint16(at, true))
          : size === 4 ? (signed ? view.getInt32(at, true) : view.getUint32(at, true))
          : exactNumber(signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true));
        return member.type === T.H5T_ENUM.value && isBooleanEnum(member) ? v !== 0 : v;
      }
      case T.H5T_FLOAT.value:
        return member.size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
      case T.H5T_STRING.value: {
        if (member.vlen) return this.m.UTF8ToString(view.getUint32(at, true));
        const b = raw.subarray(at, at + member.size);
        const end = b.indexOf(0);
        return new TextDecoder().decode(end < 0 ? b : b.subarray(0, end));
      }
      case T.H5T_REFERENCE.value:
        return names.name(raw.slice(at, at + member.size));
      default:
        throw new FormatError(this.fileName, `${this.path}: compound member '${member.name}' has an HDF5 type tsnwb does not read yet`);
    }
  }

  /** Text and references: small metadata, read with h5wasm's own slice (references by their bytes, below). */
  private readOther(ranges: [number, number][]): string[] {
    if (this.dtype === "reference") return this.readReferences(ranges);
    const bytes = this.headerAddress === undefined ? undefined : metadataBytesOf(this.file);
    if (bytes !== undefined && ranges.every(([a, b], k) => a === 0 && b === this.shape[k])) {
      const text = datasetText(bytes, this.headerAddress!, new Map());
      if (text !== undefined) return text;
    }
    const ds = this.handle();
    const value = ranges.length === 0 ? ds.value : ds.slice(ranges.map(([a, b]) => [a, b] as [number, number]));
    const items = Array.isArray(value) ? value : [value];
    return items.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)));
  }

  /**
   * Object references as their targets' paths, from the bytes HDF5 gives for the selection. h5wasm's own slice
   * makes as many references as the whole dataset holds, the ones past the selection from bytes it never read
   * (HDF5 then refuses them: "invalid reference pointer"), so a table row's `group` could not be read.
   */
  private readReferences(ranges: [number, number][]): string[] {
    const size = this.handle().metadata.size;
    const count = ranges.map(([a, b]) => b - a);
    const total = product(count);
    if (total === 0) return [];
    const heap = new HeapBuffer(this.m);
    try {
      const ptr = heap.reserve(size * total);
      this.m.get_dataset_data(
        this.file.file_id, this.path,
        count.length ? count.map(BigInt) : null, count.length ? ranges.map(([a]) => BigInt(a)) : null, count.length ? count.map(() => 1n) : null, BigInt(ptr),
      );
      const bytes = this.m.HEAPU8.slice(ptr, ptr + size * total);
      // Rows often name the same few objects (an electrode's group): each asked of HDF5 once.
      const names = new ReferenceNames(this.m, this.file);
      return Array.from({ length: total }, (_, i) => names.name(bytes.subarray(i * size, (i + 1) * size)));
    } finally {
      heap.free();
    }
  }
}

/** A 64-bit integer as a number when a number holds it exactly, else as the bigint it is. */
function exactNumber(v: bigint): number | bigint {
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

/** The parts of h5wasm's type metadata tsnwb reads. */
interface H5Metadata {
  type: number;
  size: number;
  signed?: boolean;
  vlen?: boolean;
  name: string;
  offset: number;
  compound_type?: { members: H5Metadata[] };
  enum_type?: { type: number; size?: number; signed?: boolean; members: Record<string, number> };
}

function isBooleanEnum(m: H5Metadata): boolean {
  const members = m.enum_type?.members ?? {};
  return Object.keys(members).length === 2 && members.FALSE === 0 && members.TRUE === 1;
}

/** A compound dataset's members as tsnwb names their dtypes; undefined for other types. */
function compoundMembers(m: H5Module, meta: H5Metadata): CompoundMemberType[] | undefined {
  if (meta.type !== m.H5T_class_t.H5T_COMPOUND.value || !meta.compound_type) return undefined;
  const T = m.H5T_class_t;
  return meta.compound_type.members.map((member) => {
    let dtype: DType = "opaque";
    if (member.type === T.H5T_STRING.value) dtype = "text";
    else if (member.type === T.H5T_REFERENCE.value) dtype = "reference";
    else if (member.type === T.H5T_FLOAT.value) dtype = member.size === 4 ? "float32" : "float64";
    else if (member.type === T.H5T_INTEGER.value) dtype = `${member.signed ? "int" : "uint"}${member.size * 8}` as DType;
    else if (member.type === T.H5T_ENUM.value && isBooleanEnum(member)) dtype = "uint8";
    return { name: member.name, dtype };
  });
}

/**
 * The output array of a read. A plain typed array: V8 takes its zeroed memory from the allocator's reusable pages,
 * where Node's unzeroed `Buffer.allocUnsafeSlow` maps fresh pages every time, ten times slower for a 256 KB frame.
 */
function allocateOutput(dtype: NumericDType, length: number): TypedArray {
  return new (typedArrayConstructor(dtype))(length);
}

function describeH5Type(dtype: unknown): string {
  if (Array.isArray(dtype)) return `compound of ${dtype.map((m) => (Array.isArray(m) ? m[0] : String(m))).join(", ")}`;
  return typeof dtype === "string" ? dtype : JSON.stringify(dtype);
}
