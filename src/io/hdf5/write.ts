/**
 * Writes a builder tree into an open HDF5 file: groups, attributes, datasets (from memory, copied from a lazy
 * handle, or streamed), soft links and object references. In append mode, whatever already exists is kept.
 */
import { type AttributeBuilder, type CompoundValue, DatasetBuilder, GroupBuilder, LinkBuilder, type ReferenceValue } from "../../mapping/builders.js";
import { type DType, DTypeRangeError, type NumericDType, type TypedArray, allocate, bytesPerElement, dtypeRange, fitsDType, h5wasmCode, isNumericDType, toTypedArray } from "../../data/dtype.js";
import { type CompoundRow, type FrameSource, type LazyArray, isFrameSource, isLazyArray } from "../../data/lazy.js";
import { type NDArray, isNDArray, product } from "../../data/ndarray.js";
import { type CheckedFrames, checkFrames } from "../../data/frames.js";
import { type StorageOptions, autoChunks, needsChunks } from "../../data/storage.js";
import { StreamError, ValidationError } from "../../errors.js";
import { textProblem } from "../../data/text.js";
import { type H5File, type H5Group, type H5Module, createDatasetWithoutValues, datasetAt, objectAt, objectHeaderAddress } from "./h5.js";
import type { TreeDiff } from "../../mapping/tree-diff.js";
import { SLAB_BYTES } from "./lazy-dataset.js";
import { BOOL_STAND_IN_MEMBER } from "./bool-enum.js";
import { type ChunkCompressor, ChunkSink, chunkBytes, paddedDeflateParameters, sinksOf } from "./chunk-sink.js";
import { FILL_VALUE_ROOM, FILL_VALUE_ROOM_BYTES, type FillValueTarget, fillValueBytes, isDefaultFill } from "./fill-value.js";

export interface WriteProgress {
  /** Called after each block of a streamed or copied dataset with the rows written so far. */
  (event: { path: string; rows: number; totalRows?: number }): void;
}

export class HDF5Writer {
  /**
   * Datasets that hold references (compound ones first, then reference arrays) are written once every other object
   * exists, and reference attributes last, once those datasets exist too (an index's `target` is a compound column).
   */
  private readonly deferredCompounds: (() => void)[] = [];
  private readonly deferredReferences: (() => void)[] = [];
  private readonly deferred: (() => void)[] = [];
  /**
   * Object header addresses of boolean datasets written as stand-ins, whose datatype becomes h5py's enum once the
   * file is closed (see `bool-enum.ts`).
   */
  readonly boolStandIns: number[] = [];
  /** Datasets given a fill value (not the default), which close() writes in their headers (see `fill-value.ts`). */
  readonly fillValues: FillValueTarget[] = [];

  /** Append mode: the attributes of objects in the file to write again (changed), as `path\0name`. */
  private readonly replaced: Set<string>;

  constructor(
    private readonly m: H5Module,
    private readonly file: H5File,
    private readonly options: { append: boolean; changes?: TreeDiff; onProgress?: WriteProgress; compressor?: ChunkCompressor } = { append: false },
  ) {
    this.replaced = new Set(options.changes?.attributes.map((a) => `${a.path}\0${a.name}`));
  }

  /**
   * Writes the whole tree; object references are written last, once their targets exist. In append mode, what the
   * file has is kept, but for the attributes `changes` says were changed or removed.
   */
  async write(root: GroupBuilder): Promise<void> {
    await this.writeGroup(root, true);
    // Chunks still being compressed are stored before anything else may add to their datasets (an appender).
    for (const sink of sinksOf(this.file).values()) await sink.drain();
    for (const write of [...this.deferredCompounds, ...this.deferredReferences, ...this.deferred]) write();
    for (const { path, name } of this.options.changes?.removedAttributes ?? []) objectAt(this.file, path).delete_attribute(name);
    this.file.flush();
  }

  /** The names in each group of the file, listed once per write (append mode only). */
  private readonly names = new Map<string, Set<string>>();

  /** Whether a link of that path exists (only asked in append mode; a new file holds nothing). */
  private exists(path: string): boolean {
    if (!this.options.append) return false;
    const cut = path.lastIndexOf("/");
    const parent = cut <= 0 ? "/" : path.slice(0, cut);
    if (parent !== "/" && !this.exists(parent)) return false;
    let names = this.names.get(parent);
    if (!names) {
      names = new Set(this.m.get_names(this.file.file_id, parent, false) as string[]);
      this.names.set(parent, names);
    }
    return names.has(path.slice(cut + 1));
  }

  /** Records a new link in its group's cached names. */
  private created(path: string): void {
    const cut = path.lastIndexOf("/");
    this.names.get(cut <= 0 ? "/" : path.slice(0, cut))?.add(path.slice(cut + 1));
  }

  private async writeGroup(g: GroupBuilder, isRoot = false): Promise<void> {
    const existed = isRoot || this.exists(g.path);
    if (!existed) {
      this.m.create_group(this.file.file_id, g.path, false);
      this.created(g.path);
    }
    this.writeAttributes(g.path, g.attributes, existed);
    for (const sub of g.groups.values()) await this.writeGroup(sub);
    for (const ds of g.datasets.values()) {
      if (this.exists(ds.path)) continue;
      await this.writeDataset(ds);
      this.created(ds.path);
    }
    for (const link of g.links.values()) {
      if (this.exists(link.path)) continue;
      this.writeLink(link);
      this.created(link.path);
    }
  }

  private writeAttributes(path: string, attributes: Map<string, AttributeBuilder>, existed: boolean): void {
    const obj = path === "/" ? this.file : (this.file.get(path) as H5Group);
    const present = existed ? new Set(Object.keys(obj.attrs)) : new Set<string>();
    for (const [name, attr] of attributes) {
      if (present.has(name)) {
        if (!this.replaced.has(`${path}\0${name}`)) continue;
        obj.delete_attribute(name);
      }
      const value = attr.value;
      if ("kind" in value) {
        this.deferred.push(() => {
          const refs = value.targets.map((t) => this.referenceTo(typeof t === "string" ? t : t.path, path));
          obj.create_attribute(name, attr.scalar ? refs[0]! : refs, attr.scalar ? [] : [refs.length], "Reference");
        });
        continue;
      }
      const shape = attr.scalar ? [] : value.shape;
      if (value.dtype === "text" && !attr.scalar && product(shape) === 0) {
        this.createEmptyTextAttribute(obj, path, name);
        continue;
      }
      if (value.dtype === "text") exactTexts(path, name, value.data as string[]);
      const data = value.dtype === "text" ? (attr.scalar ? (value.data as string[])[0]! : (value.data as string[])) : (value.data as TypedArray);
      obj.create_attribute(name, data as never, shape, h5wasmCode(value.dtype));
    }
  }

  /**
   * An empty array of strings (a table's `colnames` before it has columns, as pynwb writes it). HDF5 creates the
   * attribute, then h5wasm's write of no strings passes it a null buffer, which HDF5 refuses: with nothing to write,
   * that refusal is expected and muted, and the attribute is checked to be there.
   */
  private createEmptyTextAttribute(obj: { create_attribute: H5Group["create_attribute"]; attrs: object }, path: string, name: string): void {
    this.m.deactivate_throwing_error_handler();
    try {
      obj.create_attribute(name, [] as never, [0], "S");
    } catch {
      // The write of no elements; the attribute itself was created (checked below).
    } finally {
      this.m.activate_throwing_error_handler();
    }
    if (!(name in (path === "/" ? this.file : (this.file.get(path) as H5Group)).attrs)) throw new Error(`${path}: could not create the empty attribute ${name}`);
  }

  private referenceTo(path: string, from: string) {
    const target = this.file.get(path);
    if (!target || !("create_reference" in target)) throw new Error(`${from}: reference target ${path} was not written`);
    return target.create_reference();
  }

  private writeLink(link: LinkBuilder): void {
    const target = typeof link.target === "string" ? link.target : link.target.path;
    // An external link names its file as given (relative to this file's folder); HDF5 does not open it here.
    if (link.external !== undefined) this.m.create_external_link(this.file.file_id, link.external.file, target, link.path);
    else this.m.create_soft_link(this.file.file_id, target, link.path);
  }

  private async writeDataset(ds: DatasetBuilder): Promise<void> {
    const value = ds.value;
    if (isNDArray(value)) await this.writeArray(ds, value);
    else if (isLazyArray(value)) {
      if (!(await this.copyLazy(ds, value))) return;
    } else if (isFrameSource(value)) await this.writeStream(ds, value);
    else if (value.kind === "compound") {
      // Reference members need their targets: written last, like references.
      this.deferredCompounds.push(() => this.writeCompound(ds, value));
      return;
    } else {
      // References need their targets: written once every other object exists.
      this.deferredReferences.push(() => this.writeReferences(ds, value));
      return;
    }
    this.writeAttributes(ds.path, ds.attributes, false);
  }

  private writeReferences(ds: DatasetBuilder, refs: ReferenceValue): void {
    const references = refs.targets.map((t) => this.referenceTo(typeof t === "string" ? t : t.path, ds.path));
    const parent = this.file.get(ds.parent!.path) as H5Group;
    parent.create_dataset({ name: ds.name, data: references, shape: [references.length], dtype: "Reference" });
    this.writeAttributes(ds.path, ds.attributes, false);
  }

  /**
   * A compound dataset, column by column (h5wasm interleaves them). Text members are stored as fixed-length UTF-8
   * strings as long as the longest value: h5wasm cannot write variable-length strings inside a compound.
   */
  private writeCompound(ds: DatasetBuilder, value: CompoundValue): void {
    const columns = new Map<string, unknown>();
    const dtype: [string, string][] = [];
    for (const member of value.members) {
      const cells = value.rows.map((r) => r[member.name]);
      if (member.dtype === "reference") {
        columns.set(member.name, cells.map((t) => this.referenceTo(typeof t === "string" ? t : (t as DatasetBuilder | GroupBuilder).path, ds.path)));
      } else if (isNumericDType(member.dtype)) {
        columns.set(member.name, exactNumbers(ds.path, member.name, cells.map((c) => (typeof c === "boolean" ? Number(c) : (c as number | bigint))), member.dtype));
      } else if (member.dtype === "text") {
        const texts = exactTexts(ds.path, member.name, cells.map((c) => String(c)));
        const longest = Math.max(1, ...texts.map((t) => new TextEncoder().encode(t).length));
        columns.set(member.name, texts);
        dtype.push([member.name, `S${longest}`]);
        continue;
      } else {
        throw new ValidationError(ds.path, member.name, "numbers, text or references in a compound member", member.dtype);
      }
      dtype.push([member.name, h5wasmCode(member.dtype)]);
    }
    const parent = this.file.get(ds.parent!.path) as H5Group;
    parent.create_dataset({ name: ds.name, data: columns as never, shape: [value.rows.length], dtype: dtype as never });
    this.writeAttributes(ds.path, ds.attributes, false);
  }

  private async writeArray(ds: DatasetBuilder, a: NDArray): Promise<void> {
    const parent = this.file.get(ds.parent!.path) as H5Group;
    const shape = ds.scalar ? [] : a.shape;
    if (a.dtype === "text" || a.dtype === "reference") {
      exactTexts(ds.path, "data", a.data as string[]);
      parent.create_dataset({ name: ds.name, data: ds.scalar ? (a.data as string[])[0]! : (a.data as string[]), shape, dtype: "S" });
      return;
    }
    if (a.dtype === "bool") return this.writeBool(ds, a);
    if (!isNumericDType(a.dtype)) throw new ValidationError(ds.path, "data", "numbers, text, booleans or references", a.dtype);
    const { dtype, data } = storedNumbers(ds, a);
    if (!needsChunks(ds.storage)) {
      if (data.length * bytesPerElement(dtype) <= SLAB_BYTES || shape.length === 0) {
        parent.create_dataset({ name: ds.name, data: data as never, shape, dtype: h5wasmCode(dtype) });
      } else {
        createDatasetWithoutValues(this.m, this.file, ds.path, h5wasmCode(dtype), shape);
        this.writeRows(ds.path, data, shape, 0);
      }
      return;
    }
    this.createChunked(ds, dtype, shape, shape[0]!);
    await this.putRows(ds.path, data, shape, 0);
  }

  /**
   * Creates a chunked dataset with `rows` rows along its first axis (growable when maxshape says so). Given a
   * native compressor (Node, files not live), tsnwb writes its chunks itself (`chunk-sink.ts`): h5wasm only creates
   * it, with room in its header for the filters, and rows go to its sink.
   */
  private createChunked(ds: DatasetBuilder, dtype: NumericDType, shape: number[], rows: number, growable = false): void {
    const parent = this.file.get(ds.parent!.path) as H5Group;
    const compressor = ds.scalar || shape.length === 0 ? undefined : this.options.compressor;
    if (!compressor) refuseTwoFilters(ds);
    const e = bytesPerElement(dtype);
    const layout = chunkedLayout(ds, e, shape, rows, growable);
    const level = ds.storage.compression === "gzip" ? ds.storage.compression_opts ?? 4 : undefined;
    const fletcher32 = ds.storage.fletcher32 === true;
    // A deflate filter whose padded parameters leave room in the header for the pipeline put there at close.
    const filters = compressor && (level !== undefined || fletcher32) ? { compression: 1, compression_opts: paddedDeflateParameters(level ?? 0) } : {};
    parent.create_dataset({ name: ds.name, data: toTypedArray([], dtype) as never, shape: [0, ...shape.slice(1)], dtype: h5wasmCode(dtype), ...layout, ...filters } as never);
    if (rows > 0) this.resize(ds.path, [rows, ...shape.slice(1)]);
    this.keepRoomForFillValue(ds, dtype);
    if (!compressor) return;
    const target = { header: objectHeaderAddress(this.file, ds.path), path: ds.path, frameShape: shape.slice(1), chunk: layout.chunks, elementBytes: e, shuffle: ds.storage.shuffle === true, level, fletcher32 };
    sinksOf(this.file).set(ds.path, new ChunkSink(target, compressor));
  }

  /**
   * A fill value other than the default: h5wasm cannot set one, so the dataset gets an attribute as room for it,
   * first of its attributes (in its header), which close() turns into its fill value message.
   */
  private keepRoomForFillValue(ds: DatasetBuilder, dtype: NumericDType): void {
    const value = ds.storage.fillvalue;
    if (value === undefined) return;
    let bytes: Uint8Array;
    try {
      bytes = fillValueBytes(value, dtype);
      if (!fitsDType(value, dtype)) throw new Error();
    } catch {
      throw new ValidationError(ds.path, "storage.fillvalue", `a value that fits ${dtypeRange(dtype)}`, String(value));
    }
    if (isDefaultFill(bytes)) return;
    // HDF5 keeps 8 attributes in a header, then moves them all out of it (the room too).
    if (ds.attributes.size > 7) {
      throw new ValidationError(ds.path, "storage.fillvalue", "a dataset of at most 7 attributes (tsnwb keeps room for the fill value among them)", `${ds.attributes.size} attributes`);
    }
    datasetAt(this.file, ds.path).create_attribute(FILL_VALUE_ROOM, new Uint8Array(FILL_VALUE_ROOM_BYTES) as never, [FILL_VALUE_ROOM_BYTES], "<B");
    this.fillValues.push({ header: objectHeaderAddress(this.file, ds.path), path: ds.path, bytes });
  }

  /** The sink of a dataset whose chunks tsnwb writes itself, if it is one. */
  sinkOf(path: string): ChunkSink | undefined {
    return sinksOf(this.file).get(path);
  }

  /** Writes whole rows at row `start`: to the dataset's sink (which takes rows in order), or through h5wasm. */
  private async putRows(path: string, data: TypedArray, shape: number[], start: number): Promise<void> {
    const sink = this.sinkOf(path);
    if (!sink) return this.writeRows(path, data, shape, start);
    if (sink.rows !== start) throw new Error(`${path}: rows written out of order (${start} after ${sink.rows})`);
    await sink.add(bytesOf(data), data.length / Math.max(1, product(shape.slice(1))));
  }

  /**
   * Booleans: a stand-in dataset of the same bytes (a compound of one uint8 member), whose datatype is rewritten
   * as h5py's enum once the file is closed; its object header's address is kept for that.
   */
  private writeBool(ds: DatasetBuilder, a: NDArray): void {
    const parent = this.file.get(ds.parent!.path) as H5Group;
    const shape = ds.scalar ? [] : a.shape;
    const values = a.data instanceof Uint8Array ? a.data : Uint8Array.from(a.data as ArrayLike<number>, (v) => (v ? 1 : 0));
    refuseTwoFilters(ds);
    const layout = needsChunks(ds.storage) && shape.length > 0 ? chunkedLayout(ds, 1, shape, shape[0]!, false) : {};
    const dtype = [[BOOL_STAND_IN_MEMBER, "<B"]];
    parent.create_dataset({ name: ds.name, data: new Map([[BOOL_STAND_IN_MEMBER, values]]), shape, dtype, ...layout } as never);
    this.boolStandIns.push(objectHeaderAddress(this.file, ds.path));
  }

  private resize(path: string, shape: number[]): void {
    this.m.resize_dataset(this.file.file_id, path, shape.map(BigInt) as never);
  }

  /** Writes `data` (whole rows of a C-order array of `shape`) at row `start`, in slabs of a few MB. */
  private writeRows(path: string, data: TypedArray, shape: number[], start: number): void {
    const rowElements = product(shape.slice(1));
    const rows = rowElements === 0 ? 0 : data.length / rowElements;
    const rowsPerSlab = Math.max(1, Math.floor(SLAB_BYTES / Math.max(1, rowElements * data.BYTES_PER_ELEMENT)));
    const ds = datasetAt(this.file, path);
    for (let r = 0; r < rows; r += rowsPerSlab) {
      const stop = Math.min(rows, r + rowsPerSlab);
      ds.write_slice([[start + r, start + stop]], data.subarray(r * rowElements, stop * rowElements));
    }
  }

  /**
   * Copies a lazy handle (a dataset of another file, or of this one) in slabs, stored as its source was.
   * Returns false when the copy is deferred (references), in which case its attributes are written with it.
   */
  private async copyLazy(ds: DatasetBuilder, src: LazyArray): Promise<boolean> {
    if (src.dtype === "compound") {
      const rows = (await src.read()) as CompoundRow[];
      this.deferredCompounds.push(() => this.writeCompound(ds, { kind: "compound", members: src.members ?? [], rows }));
      return false;
    }
    if (src.dtype === "bool") {
      const values = (await src.read()) as boolean[];
      await this.writeArray(ds, { data: Uint8Array.from(values, Number), shape: src.shape, dtype: "bool" });
      return true;
    }
    if (src.dtype === "reference") {
      // Object references stay references: written last, to the same paths in this file.
      const targets = (await src.read()) as string[];
      this.deferredReferences.push(() => this.writeReferences(ds, { kind: "reference", targets }));
      return false;
    }
    if (!isNumericDType(src.dtype)) {
      await this.writeArray(ds, { data: (await src.read()) as string[], shape: src.shape, dtype: "text" });
      return true;
    }
    // Options given for the copy win; otherwise the copy is stored as its source was.
    const storage = needsChunks(ds.storage) ? ds.storage : { ...(src.storage ?? (src.chunks ? { chunks: src.chunks } : {})), ...ds.storage };
    // A copy keeps its source's dtype too: converting (say pynwb's uint64 indices to the schema's uint32) could
    // silently change values, and the source's dtype was valid where it was written.
    const dtype = src.dtype;
    const target = new DatasetBuilderView(ds, storage, dtype);
    const shape = ds.scalar ? [] : src.shape;
    const written = sparseChunks(src, storage, shape);
    if (written) {
      await this.copyChunks(target, src, dtype, shape, written);
      return true;
    }
    const rowBytes = product(shape.slice(1)) * bytesPerElement(dtype);
    if (shape.length === 0 || shape[0]! * rowBytes <= SLAB_BYTES) {
      await this.writeArray(target, { data: (await src.read()) as TypedArray, shape: src.shape, dtype: src.dtype });
      return true;
    }
    if (needsChunks(storage)) this.createChunked(target, dtype, shape, shape[0]!);
    else createDatasetWithoutValues(this.m, this.file, ds.path, h5wasmCode(dtype), shape);
    const step = Math.max(1, Math.floor(SLAB_BYTES / Math.max(1, rowBytes)));
    for (let r = 0; r < shape[0]!; r += step) {
      const stop = Math.min(shape[0]!, r + step);
      await this.putRows(ds.path, (await src.read([[r, stop]])) as TypedArray, shape, r);
      this.options.onProgress?.({ path: ds.path, rows: stop, totalRows: shape[0] });
    }
    return true;
  }

  /**
   * Copies the chunks a sparse dataset holds, one by one, to the same places (chunks it does not hold stay
   * unwritten, and read as the fill value the copy keeps): the copy is about the size of its source, not of its
   * shape.
   */
  private async copyChunks(ds: DatasetBuilder, src: LazyArray, dtype: NumericDType, shape: number[], written: { chunk: number[]; origins: number[][] }): Promise<void> {
    this.createChunked(ds, dtype, shape, shape[0]!);
    const sink = this.sinkOf(ds.path);
    const { chunk, origins } = written;
    const e = bytesPerElement(dtype);
    for (const origin of origins) {
      const ranges = origin.map((o, k): [number, number] => [o, Math.min(o + chunk[k]!, shape[k]!)]);
      const values = (await src.read(ranges)) as TypedArray;
      // Edge chunks are padded to the chunk shape, as HDF5 stores them; without a sink, h5wasm writes the part.
      if (sink) await sink.addChunk(origin, chunkBytes(bytesOf(values), ranges.map(([a, b]) => b - a), chunk, origin.map(() => 0), e));
      else datasetAt(this.file, ds.path).write_slice(ranges, values);
      this.options.onProgress?.({ path: ds.path, rows: ranges[0]![1], totalRows: shape[0] });
    }
  }

  /**
   * Writes a frame stream to a dataset whose first axis grows. The first item fixes the frame shape and dtype;
   * frames are gathered into blocks of a few MB before each write, so memory does not grow with the stream.
   */
  private async writeStream(ds: DatasetBuilder, source: FrameSource): Promise<void> {
    const appender = new StreamAppender(this, { path: ds.path, dtype: ds.dtype, create: (dtype, frameShape) => this.createChunked(ds, dtype, [0, ...frameShape], 0, true) });
    const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
    let index = 0;
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = await iterator.next();
      } catch (e) {
        // Only the source's own failures are StreamErrors; a refused frame or an HDF5 error keeps its own type.
        throw new StreamError(ds.path, index, e);
      }
      if (next.done) break;
      index = await appender.addAndWait(next.value, index);
      this.options.onProgress?.({ path: ds.path, rows: index });
    }
    appender.finish();
  }

  /** @internal used by StreamAppender */
  _appendRows(path: string, data: TypedArray, frameShape: number[], start: number): void {
    const rows = data.length / Math.max(1, product(frameShape));
    this.resize(path, [start + rows, ...frameShape]);
    this.writeRows(path, data, [rows, ...frameShape], start);
  }

  /** @internal used by StreamAppender: the dataset's shape in the file, for rows given to its sink. */
  _setRows(path: string, rows: number, frameShape: number[]): void {
    this.resize(path, [rows, ...frameShape]);
  }
}

/**
 * The chunks a copy of `src` writes when `src` is sparse (chunks of it were never written) and the copy keeps its
 * chunk shape; undefined for a dense source, whose copy goes by slabs.
 */
function sparseChunks(src: LazyArray, storage: StorageOptions, shape: number[]): { chunk: number[]; origins: number[][] } | undefined {
  if (shape.length === 0 || !Array.isArray(storage.chunks) || src.writtenChunks === undefined) return undefined;
  const written = src.writtenChunks();
  if (written === undefined || written.chunk.length !== shape.length || written.chunk.some((c, k) => c !== (storage.chunks as number[])[k])) return undefined;
  const total = product(shape.map((n, k) => Math.ceil(n / written.chunk[k]!)));
  return written.origins.length < total ? written : undefined;
}

/** Numbers in the dtype they are stored as: the one the schema fixes for the dataset, else their own. */
function storedNumbers(ds: DatasetBuilder, a: NDArray): { dtype: NumericDType; data: TypedArray } {
  const dtype = ds.dtype && isNumericDType(ds.dtype) ? ds.dtype : (a.dtype as NumericDType);
  return { dtype, data: dtype === a.dtype ? (a.data as TypedArray) : exactNumbers(ds.path, "data", a.data as TypedArray as ArrayLike<number>, dtype) };
}

/** Numbers as `dtype`, exactly: one the dtype cannot hold is refused, naming the dataset, never wrapped. */
function exactNumbers(path: string, field: string, values: ArrayLike<number | bigint>, dtype: NumericDType): TypedArray {
  try {
    return toTypedArray(values, dtype);
  } catch (e) {
    if (e instanceof DTypeRangeError) throw new ValidationError(path, field, `values that fit ${dtypeRange(dtype)}`, e.message);
    throw e;
  }
}

/**
 * Text as HDF5 will store it unchanged (no NUL, which ends a C string; no lone surrogate, which has no UTF-8 form):
 * the last check before the file, for text that reached a builder without a constructor's.
 */
function exactTexts(path: string, field: string, texts: string[]): string[] {
  for (const [i, t] of texts.entries()) {
    const problem = typeof t === "string" ? textProblem(t) : undefined;
    if (problem) throw new ValidationError(path, field, "text HDF5 stores unchanged", `element ${i} holds ${problem}`);
  }
  return texts;
}

/** The bytes of a typed array (no copy). */
function bytesOf(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** gzip with shuffle, or Fletcher-32, where h5wasm writes the chunks: it sets one filter per dataset. */
function refuseTwoFilters(ds: DatasetBuilder): void {
  if (ds.storage.fletcher32) {
    throw new ValidationError(ds.path, "storage.fletcher32", "no Fletcher-32 checksum here: tsnwb writes it itself in files written in Node (not in a live file or a browser, where h5wasm writes the chunks)");
  }
  if (ds.storage.compression && ds.storage.shuffle) {
    throw new ValidationError(ds.path, "storage", "gzip or shuffle, not both, here: tsnwb writes gzip with shuffle itself in files written in Node (not in a live file or a browser, where h5wasm writes the chunks and sets one filter per dataset)");
  }
}

/** The chunks, limits and filter of a chunked dataset of `rows` rows, from its storage options. */
function chunkedLayout(ds: DatasetBuilder, elementBytes: number, shape: number[], rows: number, growable: boolean) {
  const opts: StorageOptions = ds.storage;
  const chunks = Array.isArray(opts.chunks) ? opts.chunks : autoChunks(shape, elementBytes);
  if (chunks.length !== shape.length) {
    throw new ValidationError(ds.path, "storage.chunks", `${shape.length} chunk dimensions`, JSON.stringify(chunks));
  }
  const maxshape = opts.maxshape ?? (growable ? [null, ...shape.slice(1)] : undefined);
  const filters = opts.compression === "gzip"
    ? { compression: "gzip" as const, compression_opts: opts.compression_opts ?? 4 }
    : opts.shuffle ? { compression: 2, compression_opts: [] as number[] } : {};
  const limits = maxshape ?? [rows, ...shape.slice(1)];
  return {
    maxshape: limits,
    // A chunk is no larger than a fixed-size axis (older HDF5 versions refuse that at creation).
    chunks: chunks.map((c, i) => (limits[i] === null || limits[i] === undefined ? c : Math.max(1, Math.min(c, limits[i]!)))),
    ...filters,
  };
}

/** A builder seen with other storage options and dtype (a copy keeps its source's chunking and dtype). */
class DatasetBuilderView extends DatasetBuilder {
  constructor(base: DatasetBuilder, storage: StorageOptions, dtype: DType | undefined) {
    super(base.name, base.value, base.scalar, storage, dtype);
    this.parent = base.parent;
    // The same attributes (written with the base builder), for what is decided by them (room for a fill value).
    for (const [name, a] of base.attributes) this.attributes.set(name, a);
  }
}

/** Where a stream goes: a dataset path, the dtype the schema fixes (if any), and how to create the dataset. */
export interface StreamTarget {
  path: string;
  /** The field named in errors; default "data". */
  field?: string;
  dtype?: DType;
  /** Creates the growable dataset once the first frame gives its shape and dtype; absent when it exists. */
  create?: (dtype: NumericDType, frameShape: number[]) => void;
}

/**
 * Gathers frames of one growing dataset into blocks of a few MB and appends them, so memory does not grow with
 * the number of frames. Used for streams written by {@link HDF5Writer} and by the live {@link SeriesAppender}.
 */
export class StreamAppender {
  private frameShape?: number[];
  private dtype?: NumericDType;
  private block?: TypedArray;
  private blockRows = 0;
  private capacityRows = 0;
  rowsWritten = 0;
  /** Rows the dataset has in the file's metadata (a sink's dataset is resized on flush). */
  private rowsShaped = 0;

  constructor(private readonly writer: HDF5Writer, private readonly target: StreamTarget, existing?: { frameShape: number[]; dtype: NumericDType; rows: number }) {
    if (existing) {
      this.frameShape = existing.frameShape;
      this.dtype = existing.dtype;
      this.rowsWritten = existing.rows;
      this.rowsShaped = existing.rows;
      this.allocate();
    }
  }

  get rowsBuffered(): number {
    return this.blockRows;
  }

  /** Adds one frame, or a block of frames (one more axis); returns the index of the next frame. */
  add(item: unknown, index: number): number {
    return this.push(this.prepare(item, index), index);
  }

  /**
   * As `add`, for callers that can wait: frames of a dataset whose chunks tsnwb writes itself are compressed on
   * other threads while the next ones are made.
   */
  async addAndWait(item: unknown, index: number): Promise<number> {
    const prepared = this.prepare(item, index);
    this.create(prepared.frame);
    const sink = this.writer.sinkOf(this.target.path);
    if (!sink) return this.push(prepared, index);
    await sink.add(bytesOf(prepared.frame.data as TypedArray), prepared.rows);
    this.rowsWritten += prepared.rows;
    return index + prepared.rows;
  }

  /** Checks one frame or block of frames against the dataset, changing nothing; returns it with its frame count. */
  prepare(item: unknown, index: number): CheckedFrames {
    return checkFrames(item, index, { where: this.target.path, field: this.target.field ?? "data", dtype: this.dtype, schemaDType: this.target.dtype, frameShape: this.frameShape });
  }

  /** Creates the dataset on the first frame. */
  private create(frame: NDArray): void {
    if (this.frameShape !== undefined) return;
    this.frameShape = frame.shape;
    this.dtype = frame.dtype as NumericDType;
    this.target.create?.(this.dtype, this.frameShape);
    this.allocate();
  }

  /**
   * Buffers a prepared item, creating the dataset on the first one; returns the index of the next frame. Frames of
   * a dataset whose chunks tsnwb writes itself go to its sink, which gathers its own rows of chunks.
   */
  push({ frame, rows }: { frame: NDArray; rows: number }, index: number): number {
    this.create(frame);
    const data = frame.data as TypedArray;
    const sink = this.writer.sinkOf(this.target.path);
    if (sink) {
      sink.addNow(bytesOf(data), rows);
      this.rowsWritten += rows;
      return index + rows;
    }
    const perRow = product(this.frameShape!);
    this.block ??= allocate(this.dtype!, this.capacityRows * perRow);
    for (let r = 0; r < rows; ) {
      const take = Math.min(rows - r, this.capacityRows - this.blockRows);
      (this.block as TypedArray).set(data.subarray(r * perRow, (r + take) * perRow) as never, this.blockRows * perRow);
      this.blockRows += take;
      r += take;
      if (this.blockRows === this.capacityRows) this.flush();
    }
    return index + rows;
  }

  /** Writes what is buffered (for a sink's dataset: gives the file its shape; the sink holds the rows). */
  flush(): void {
    if (this.frameShape && this.writer.sinkOf(this.target.path)) {
      if (this.rowsShaped !== this.rowsWritten) this.writer._setRows(this.target.path, this.rowsWritten, this.frameShape);
      this.rowsShaped = this.rowsWritten;
      return;
    }
    if (this.blockRows === 0 || !this.block || !this.frameShape) return;
    const perRow = product(this.frameShape);
    this.writer._appendRows(this.target.path, this.block.subarray(0, this.blockRows * perRow), this.frameShape, this.rowsWritten);
    this.rowsWritten += this.blockRows;
    this.blockRows = 0;
  }

  /** Flushes; a stream with no frames at all is an error (its frame shape is unknown). */
  finish(): void {
    if (this.frameShape === undefined) {
      throw new ValidationError(this.target.path, "data", "at least one frame from the stream");
    }
    this.flush();
  }

  /** Sizes the block frames are gathered in (made on the first frame that needs it: a sink's frames do not). */
  private allocate(): void {
    const frameBytes = product(this.frameShape!) * bytesPerElement(this.dtype!);
    this.capacityRows = Math.max(1, Math.floor(SLAB_BYTES / Math.max(1, frameBytes)));
  }
}

