/**
 * Writes a builder tree into a Zarr store in hdmf-zarr's layout (`layout.ts`): a group per group, an array per
 * dataset (chunked and compressed, `zarr_dtype` naming its elements), links in their group's `zarr_link`
 * attribute, references as JSON objects naming their target's path, and the consolidated metadata of the whole
 * hierarchy last. Zarr has no single file to serialise on: every chunk is its own key, so many are written at once
 * (a bounded number in flight). Datasets are written chunk row by chunk row: a copied dataset or a stream is never
 * whole in memory.
 */
import { type AttributeBuilder, type Builder, DatasetBuilder, GroupBuilder, type LinkBuilder, type ReferenceValue, builderAtPath } from "../../mapping/builders.js";
import { type DType, DTypeRangeError, type NumericDType, type TypedArray, allocate, bytesPerElement, dtypeRange, isNumericDType, toTypedArray } from "../../data/dtype.js";
import { type CompoundRow, type FrameSource, type LazyArray, isFrameSource, isLazyArray } from "../../data/lazy.js";
import { type NDArray, isNDArray, product } from "../../data/ndarray.js";
import { checkFrames } from "../../data/frames.js";
import { type StorageOptions, autoChunks } from "../../data/storage.js";
import { StreamError, ValidationError } from "../../errors.js";
import type { WriteProgress } from "../hdf5/write.js";
import type { StoreKey, WritableStore } from "./store.js";
import {
  BOOL_TAG, CHUNK_MAX, type CodecConfig, type CompoundMemberTag, DEFAULT_COMPRESSOR, DEFAULT_SPEC_LOC, JSON2, OBJECT_REFERENCE_TAG, SCALAR_TAG, SPEC_LOC_ATTR,
  TEXT_TAG, VLEN_UTF8, ZARRAY, ZARR_BOOL_DTYPE, ZARR_DTYPE_ATTR, ZARR_FORMAT, ZARR_LINK_ATTR, ZARR_NUMERIC_DTYPES, ZARR_OBJECT_DTYPE, ZATTRS, ZGROUP,
  type ZarrArrayMetadata, type ZarrDTypeTag, type ZarrLinkJSON, type ZarrReferenceJSON, chunkKey, guessChunks, keyOf, metadataBytes, numericTag, pythonFloat, referenceTo,
} from "./layout.js";
import { CONSOLIDATED_METADATA_KEY, encodeConsolidatedMetadata } from "./consolidated.js";
import { type PythonJSONInput, PythonNumber } from "./python-json.js";
import { encodeJSON2, encodeVlenUtf8 } from "./object-codecs.js";
import { ChunkEncoder } from "./chunk-encoder.js";
import { chunkRow, gridIndices } from "./chunk-rows.js";
import { BoundedWrites } from "./store-writes.js";
import { type PickleValue, encodePickledCompound } from "./pickle.js";

/** How a tree is written into a store. */
export interface ZarrWriteOptions {
  /** Called after each row of chunks of a streamed or copied dataset. */
  onProgress?: WriteProgress;
  /** Chunk writes in flight at once (default 16): a remote store answers them in parallel. */
  concurrency?: number;
  /**
   * The compressor of datasets whose storage options name none: zarr-python's and hdmf-zarr's default (Blosc
   * LZ4) unless given; null stores chunks uncompressed. Datasets with `compression: "gzip"` are stored with zlib
   * at their level, as hdmf-zarr converts HDF5's gzip.
   */
  compressor?: CodecConfig | null;
  /** Write `.zmetadata`, the consolidated metadata read in one request (default true, as hdmf-zarr). */
  consolidate?: boolean;
}

/**
 * Writes the tree under `root` into `store` (which should be empty: see `clearStore`). Returns every metadata
 * document written (its key and bytes), what `.zmetadata` gathers: an appender that changes an array's shape later
 * writes `.zmetadata` again from them (`series-appender.ts`), without listing or reading the store.
 */
export async function writeZarrTree(store: WritableStore, root: GroupBuilder, options: ZarrWriteOptions = {}): Promise<Map<StoreKey, Uint8Array>> {
  const writer = new ZarrWriter(store, root, options);
  await writer.write();
  return writer.metadata;
}

/** Removes every key of `store` (mode "w" writes a hierarchy anew). */
export async function clearStore(store: WritableStore): Promise<void> {
  const keys: StoreKey[] = [];
  for await (const key of store.list("/")) keys.push(key);
  for (let i = 0; i < keys.length; i += 64) await Promise.all(keys.slice(i, i + 64).map((k) => store.delete(k)));
}

/**
 * A UTF-16 surrogate not in a pair: it has no UTF-8 form, so it cannot be stored unchanged. (NUL, which HDF5 refuses
 * since it ends a C string there, is text like any other in Zarr.)
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Rows of a numeric array, read on demand: `rows(start, stop)` gives rows [start, stop) in C order. */
interface RowSource {
  dtype: NumericDType | "bool";
  shape: number[];
  rows(start: number, stop: number): Promise<TypedArray>;
}

class ZarrWriter {
  /** Every metadata document written (its bytes), by key: `.zmetadata` gathers them. */
  readonly metadata = new Map<StoreKey, Uint8Array>();
  private readonly writes: BoundedWrites;
  private readonly rootObjectId: string | null;

  constructor(private readonly store: WritableStore, private readonly root: GroupBuilder, private readonly options: ZarrWriteOptions) {
    this.writes = new BoundedWrites(store, options.concurrency);
    this.rootObjectId = objectIdOf(root);
  }

  async write(): Promise<void> {
    try {
      await this.writeGroup(this.root);
    } catch (e) {
      // Writes still in flight finish (or fail) before the failure is reported: the caller may remove the store.
      await this.writes.settle();
      throw e;
    }
    await this.writes.drain();
    // The consolidated metadata of everything written, the cached specification included (hdmf-zarr's own lacks
    // it), as zarr-python writes it (`consolidated.ts`, from the documents at hand: no listing of the store).
    if (this.options.consolidate !== false) await this.store.set(CONSOLIDATED_METADATA_KEY, encodeConsolidatedMetadata(this.metadata));
  }

  /** Stores `value` under `key` (a bounded number of writes in flight). */
  private async put(key: StoreKey, value: Uint8Array): Promise<void> {
    await this.writes.put(key, value);
  }

  private async putMetadata(path: string, name: string, document: object): Promise<void> {
    const key = keyOf(path, name);
    const bytes = metadataBytes(document as PythonJSONInput);
    this.metadata.set(key, bytes);
    await this.put(key, bytes);
  }

  private async writeGroup(g: GroupBuilder): Promise<void> {
    await this.putMetadata(g.path, ZGROUP, { zarr_format: ZARR_FORMAT });
    const attrs = this.attributesJSON(g.path, g.attributes, g === this.root);
    if (g.links.size > 0) attrs[ZARR_LINK_ATTR] = [...g.links.values()].map((l) => this.linkJSON(l));
    if (Object.keys(attrs).length > 0) await this.putMetadata(g.path, ZATTRS, attrs);
    for (const sub of g.groups.values()) await this.writeGroup(sub);
    for (const ds of g.datasets.values()) await this.writeDataset(ds);
  }

  private linkJSON(link: LinkBuilder): ZarrLinkJSON {
    if (link.external !== undefined) {
      // hdmf-zarr follows links into other Zarr stores only; an HDF5 file's objects are copied (NWBZarrIO builds no external links).
      throw new ValidationError(link.path, "link", "a link within the store (hdmf-zarr cannot follow a link into an HDF5 file): copy the object instead", `an external link to ${link.external.file}`);
    }
    const target = typeof link.target === "string" ? link.target : link.target.path;
    return { name: link.name, ...this.reference(target, link.path) };
  }

  /** A reference to the object at `path`, checked to be in the tree (`from` names the referrer in errors). */
  private reference(path: string, from: string): ZarrReferenceJSON {
    const target = builderAtPath(this.root, path);
    if (target === undefined) throw new ValidationError(from, "reference", "a target written in the same file", path);
    return referenceTo(target.path, objectIdOf(target), this.rootObjectId);
  }

  /** A group's or dataset's attributes as JSON values (text, numbers, booleans, lists of them; references as hdmf-zarr's objects). */
  private attributesJSON(path: string, attributes: Map<string, AttributeBuilder>, isRoot: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, attr] of attributes) {
      const value = attr.value;
      // References: targets (builders, or paths when read from a file), also as an array of paths.
      if ("kind" in value || value.dtype === "reference") {
        const targets = "kind" in value ? value.targets.map((t) => (typeof t === "string" ? t : t.path)) : (value.data as string[]);
        // The root names its cached specification by path, as hdmf-zarr reads it (not a reference).
        if (isRoot && name === SPEC_LOC_ATTR) {
          out[name] = targets[0]!.replace(/^\/+/, "") || DEFAULT_SPEC_LOC;
          continue;
        }
        const refs = targets.map((t) => ({ zarr_dtype: OBJECT_REFERENCE_TAG, value: this.reference(t, `${path} attribute ${name}`) }));
        out[name] = attr.scalar ? refs[0] : refs;
        continue;
      }
      const items = attributeItems(path, name, value);
      out[name] = attr.scalar ? items[0] : items;
    }
    return out;
  }

  private async writeDataset(ds: DatasetBuilder): Promise<void> {
    const value = ds.value;
    let tag: ZarrDTypeTag;
    if (isNDArray(value)) tag = await this.writeArray(ds, value);
    else if (isLazyArray(value)) tag = await this.copyLazy(ds, value);
    else if (isFrameSource(value)) tag = await this.writeStream(ds, value);
    else if (value.kind === "compound") tag = await this.writeCompound(ds, value.members, value.rows);
    else tag = await this.writeReferences(ds, value);
    const attrs = this.attributesJSON(ds.path, ds.attributes, false);
    attrs[ZARR_DTYPE_ATTR] = tag;
    await this.putMetadata(ds.path, ZATTRS, attrs);
  }

  private async writeArray(ds: DatasetBuilder, a: NDArray): Promise<ZarrDTypeTag> {
    if (a.dtype === "text") return this.writeText(ds, a.data as string[], a.shape);
    if (a.dtype === "reference") return this.writeReferences(ds, { kind: "reference", targets: a.data as string[] });
    if (a.dtype === "bool") {
      const values = a.data instanceof Uint8Array ? a.data : Uint8Array.from(a.data as ArrayLike<number>, (v) => (v ? 1 : 0));
      return this.writeNumbers(ds, { dtype: "bool", shape: a.shape, rows: rowsOf(values, a.shape) });
    }
    if (!isNumericDType(a.dtype)) throw new ValidationError(ds.path, "data", "numbers, text, booleans or references", a.dtype);
    const dtype = ds.dtype && isNumericDType(ds.dtype) ? ds.dtype : a.dtype;
    const data = dtype === a.dtype ? (a.data as TypedArray) : exactNumbers(ds.path, a.data as TypedArray, dtype);
    return this.writeNumbers(ds, { dtype, shape: a.shape, rows: rowsOf(data, a.shape) });
  }

  /** A dataset read from a file (HDF5 or Zarr), copied chunk row by chunk row, stored as its source was unless told otherwise. */
  private async copyLazy(ds: DatasetBuilder, src: LazyArray): Promise<ZarrDTypeTag> {
    if (src.dtype === "compound") return this.writeCompound(ds, src.members ?? [], (await src.read()) as CompoundRow[]);
    if (src.dtype === "reference") return this.writeReferences(ds, { kind: "reference", targets: (await src.read()) as string[] });
    if (src.dtype === "bool") {
      const values = Uint8Array.from((await src.read()) as boolean[], Number);
      return this.writeNumbers(ds, { dtype: "bool", shape: src.shape, rows: rowsOf(values, src.shape) }, src.storage);
    }
    if (!isNumericDType(src.dtype)) return this.writeText(ds, (await src.read()) as string[], src.shape);
    const shape = src.shape;
    const rows = shape.length === 0
      ? async () => (await src.read()) as TypedArray
      : async (start: number, stop: number) => (await src.read([[start, stop]])) as TypedArray;
    // A copy keeps its source's dtype (as the HDF5 writer does) and, unless told otherwise, its chunks and compression.
    let storage = hasStorage(ds.storage) ? ds.storage : { ...(src.storage ?? (src.chunks ? { chunks: src.chunks } : {})), ...ds.storage };
    // A contiguous HDF5 dataset is one chunk (up to zarr-python's largest chunk), so that it is contiguous again
    // when copied back into HDF5 (`ZarrLazyArray.chunks`: an uncompressed single chunk is contiguous).
    if (src.chunks === null && storage.chunks === undefined && shape.length > 0 && product(shape) * bytesPerElement(src.dtype) <= CHUNK_MAX) {
      storage = { ...storage, chunks: shape.map((n) => Math.max(1, n)) };
    }
    // From another Zarr store: its compressor and filters as they are (Blosc stays Blosc), when this writer has them.
    const zarrCodecs = (src as { zarrCodecs?: { compressor: CodecConfig | null; filters: CodecConfig[] | null } }).zarrCodecs;
    const keep = !hasStorage(ds.storage) && zarrCodecs !== undefined && ChunkEncoder.supports(zarrCodecs.compressor, zarrCodecs.filters) ? zarrCodecs : undefined;
    // And its chunks, which `storage` leaves out when one chunk holds the array: a series grown by an appender,
    // copied by mode "a", keeps chunks sized for appends rather than a guess from its length now.
    if (keep && storage.chunks === undefined && src.chunks) storage = { ...storage, chunks: src.chunks };
    return this.writeNumbers(ds, { dtype: src.dtype, shape, rows }, storage, keep);
  }

  /**
   * Numbers or booleans: the array's metadata, then its chunks, a row of chunks at a time (the rows of one chunk
   * along the first axis are read at once, then cut into the chunks across the other axes).
   */
  private async writeNumbers(ds: DatasetBuilder, src: RowSource, storageGiven?: StorageOptions, codecsGiven?: { compressor: CodecConfig | null; filters: CodecConfig[] | null }): Promise<ZarrDTypeTag> {
    const storage = storageGiven ?? ds.storage;
    const scalar = ds.scalar || src.shape.length === 0;
    const shape = scalar ? [1] : src.shape;
    const e = src.dtype === "bool" ? 1 : bytesPerElement(src.dtype);
    const chunks = chunkShape(ds, storage, shape, e);
    const { compressor, filters } = codecsGiven ?? this.codecsFor(storage, e);
    const meta: ZarrArrayMetadata = {
      zarr_format: ZARR_FORMAT, shape, chunks, dtype: src.dtype === "bool" ? ZARR_BOOL_DTYPE : ZARR_NUMERIC_DTYPES[src.dtype],
      compressor, fill_value: fillValue(src.dtype, storage), filters, order: "C",
    };
    await this.putMetadata(ds.path, ZARRAY, meta);
    const pipeline = new ChunkEncoder(compressor, filters);
    const fill = meta.fill_value;
    for (let r = 0; r < shape[0]!; r += chunks[0]!) {
      const stop = Math.min(shape[0]!, r + chunks[0]!);
      const block = await (scalar ? src.rows(0, 1) : src.rows(r, stop));
      await this.writeChunkRow(ds.path, block, [stop - r, ...shape.slice(1)], shape, chunks, r / chunks[0]!, e, fill, pipeline);
      if (!scalar) this.options.onProgress?.({ path: ds.path, rows: stop, totalRows: shape[0] });
    }
    return scalar ? SCALAR_TAG : src.dtype === "bool" ? BOOL_TAG : numericTag(src.dtype);
  }

  /** Cuts a block of whole rows (the rows of chunk row `row`) into its chunks, each padded to the full chunk shape. */
  private async writeChunkRow(path: string, block: TypedArray, blockShape: number[], shape: number[], chunks: number[], row: number, e: number, fill: unknown, pipeline: ChunkEncoder): Promise<void> {
    for (const { index, bytes } of chunkRow(block, blockShape, shape, chunks, row, e, fill)) await this.put(chunkKey(path, index), await pipeline.encode(bytes));
  }

  /** Text: variable-length UTF-8 (zarr-python's `dtype=str`), chunks padded with empty strings. */
  private async writeText(ds: DatasetBuilder, texts: string[], givenShape: number[]): Promise<ZarrDTypeTag> {
    for (const [i, t] of texts.entries()) {
      if (typeof t !== "string") throw new ValidationError(ds.path, "data", "text", `element ${i}: ${String(t)}`);
      if (LONE_SURROGATE.test(t)) throw new ValidationError(ds.path, "data", "text Zarr stores unchanged", `element ${i} holds a lone UTF-16 surrogate (it has no UTF-8 form)`);
    }
    const scalar = ds.scalar || givenShape.length === 0;
    const shape = scalar ? [1] : givenShape;
    const chunks = chunkShape(ds, ds.storage, shape, 8);
    const { compressor } = this.codecsFor(ds.storage, 8);
    await this.putMetadata(ds.path, ZARRAY, {
      zarr_format: ZARR_FORMAT, shape, chunks, dtype: ZARR_OBJECT_DTYPE, compressor, fill_value: 0, filters: [VLEN_UTF8], order: "C",
    } satisfies ZarrArrayMetadata);
    await this.writeObjects(ds.path, texts, shape, chunks, compressor, (items) => encodeVlenUtf8(items.map((t) => t ?? "")));
    return scalar ? SCALAR_TAG : TEXT_TAG;
  }

  /** Object references: JSON objects naming each target's path (numcodecs' JSON codec). */
  private async writeReferences(ds: DatasetBuilder, refs: ReferenceValue): Promise<ZarrDTypeTag> {
    const items = refs.targets.map((t) => this.reference(typeof t === "string" ? t : t.path, ds.path));
    const shape = [items.length];
    const chunks = chunkShape(ds, ds.storage, shape, 8);
    const { compressor } = this.codecsFor(ds.storage, 8);
    await this.putMetadata(ds.path, ZARRAY, {
      zarr_format: ZARR_FORMAT, shape, chunks, dtype: ZARR_OBJECT_DTYPE, compressor, fill_value: 0, filters: [JSON2], order: "C",
    } satisfies ZarrArrayMetadata);
    await this.writeObjects(ds.path, items, shape, chunks, compressor, (part, chunkShape) => encodeJSON2(part.map((r) => r ?? 0), chunkShape));
    return OBJECT_REFERENCE_TAG;
  }

  /**
   * A compound dataset. Numbers only: a structured dtype, stored as packed rows. With text or references (a table's
   * `timeseries` column): an object array of tuples, as hdmf-zarr stores them (pickled, its object codec; JSON
   * cannot rebuild numpy's rows).
   */
  private async writeCompound(ds: DatasetBuilder, members: { name: string; dtype: DType }[], rows: CompoundRow[]): Promise<ZarrDTypeTag> {
    const tags: CompoundMemberTag[] = members.map((m) => ({
      name: m.name,
      dtype: m.dtype === "reference" ? OBJECT_REFERENCE_TAG : m.dtype === "text" ? TEXT_TAG : m.dtype === "bool" ? BOOL_TAG : isNumericDType(m.dtype) ? numericTag(m.dtype) : badMember(ds, m),
    }));
    const shape = [rows.length];
    const { compressor } = this.codecsFor(ds.storage, 8);
    if (members.every((m) => isNumericDType(m.dtype) || m.dtype === "bool")) {
      const columns = members.map((m) => ({ name: m.name, dtype: m.dtype as NumericDType | "bool", size: m.dtype === "bool" ? 1 : bytesPerElement(m.dtype as NumericDType) }));
      const rowBytes = columns.reduce((n, c) => n + c.size, 0);
      const chunks = chunkShape(ds, ds.storage, shape, rowBytes);
      const packed = new Uint8Array(Math.max(1, rows.length) * rowBytes);
      const view = new DataView(packed.buffer);
      rows.forEach((row, i) => {
        let at = i * rowBytes;
        for (const c of columns) {
          writeMember(view, at, c.dtype, row[c.name], ds.path, c.name);
          at += c.size;
        }
      });
      await this.putMetadata(ds.path, ZARRAY, {
        zarr_format: ZARR_FORMAT, shape, chunks, dtype: columns.map((c) => [c.name, c.dtype === "bool" ? ZARR_BOOL_DTYPE : ZARR_NUMERIC_DTYPES[c.dtype]] as [string, string]),
        compressor, fill_value: null, filters: null, order: "C",
      } satisfies ZarrArrayMetadata);
      const pipeline = new ChunkEncoder(compressor, null);
      const typed = packed.subarray(0, rows.length * rowBytes);
      for (let r = 0, row = 0; r < Math.max(1, rows.length); r += chunks[0]!, row++) {
        const chunk = new Uint8Array(chunks[0]! * rowBytes);
        chunk.set(typed.subarray(r * rowBytes, Math.min(rows.length, r + chunks[0]!) * rowBytes));
        await this.put(chunkKey(ds.path, [row]), await pipeline.encode(chunk));
      }
      return tags;
    }
    const values = rows.map((row) => members.map((m) => {
      const v = row[m.name];
      if (m.dtype === "reference") return this.reference(typeof v === "string" ? v : (v as Builder).path, ds.path);
      if (m.dtype === "text") return String(v);
      if (m.dtype === "bool") return Boolean(v);
      return v as number | bigint;
    }));
    const chunks = chunkShape(ds, ds.storage, shape, 8);
    const dtype = members.map((m) => [m.name, m.dtype === "reference" || m.dtype === "text" ? ZARR_OBJECT_DTYPE : m.dtype === "bool" ? ZARR_BOOL_DTYPE : ZARR_NUMERIC_DTYPES[m.dtype as NumericDType]] as [string, string]);
    const pickle = { id: "pickle", protocol: 2 };
    await this.putMetadata(ds.path, ZARRAY, { zarr_format: ZARR_FORMAT, shape, chunks, dtype, compressor, fill_value: null, filters: [pickle], order: "C" } satisfies ZarrArrayMetadata);
    await this.writeObjects(ds.path, values, shape, chunks, compressor, (part) => encodePickledCompound(dtype, part.map((v) => (v ?? members.map((m) => zeroOf(m.dtype))) as PickleValue[])));
    return tags;
  }

  /** A 1-D (or scalar) object array: its items cut into chunks, each encoded by `encode` then compressed. */
  private async writeObjects<T>(path: string, items: T[], shape: number[], chunks: number[], compressor: CodecConfig | null, encode: (part: (T | undefined)[], chunkShape: number[]) => Uint8Array): Promise<void> {
    const pipeline = new ChunkEncoder(compressor, null);
    const grid = shape.map((n, k) => Math.max(1, Math.ceil(n / chunks[k]!)));
    const strides = shape.map((_, k) => product(shape.slice(k + 1)));
    for (const cell of gridIndices(grid)) {
      const part: (T | undefined)[] = [];
      for (const within of gridIndices(chunks)) {
        const at = cell.map((c, k) => c * chunks[k]! + within[k]!);
        part.push(at.every((a, k) => a < shape[k]!) ? items[at.reduce((n, a, k) => n + a * strides[k]!, 0)] : undefined);
      }
      await this.put(chunkKey(path, cell), await pipeline.encode(encode(part, chunks)));
    }
  }

  /**
   * A stream of frames: gathered into rows of chunks (as many frames as a chunk holds along the first axis), each
   * row written once full; the array's metadata, which holds the frame count, last. Memory holds one row of chunks.
   */
  private async writeStream(ds: DatasetBuilder, source: FrameSource): Promise<ZarrDTypeTag> {
    const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
    let dtype: NumericDType | undefined;
    let frameShape: number[] | undefined;
    let chunks: number[] = [];
    let block: TypedArray | undefined;
    let blockRows = 0;
    let rowsWritten = 0;
    let row = 0;
    let pipeline: ChunkEncoder | undefined;
    let codecs: { compressor: CodecConfig | null; filters: CodecConfig[] | null } | undefined;
    const flush = async (): Promise<void> => {
      if (blockRows === 0) return;
      const perRow = product(frameShape!);
      const shape = [rowsWritten + blockRows, ...frameShape!];
      await this.writeChunkRow(ds.path, block!.subarray(0, blockRows * perRow), [blockRows, ...frameShape!], shape, chunks, row, bytesPerElement(dtype!), fillValue(dtype!, ds.storage), pipeline!);
      rowsWritten += blockRows;
      blockRows = 0;
      row++;
      this.options.onProgress?.({ path: ds.path, rows: rowsWritten });
    };
    for (let index = 0; ; ) {
      let next: IteratorResult<unknown>;
      try {
        next = await iterator.next();
      } catch (e) {
        throw new StreamError(ds.path, index, e);
      }
      if (next.done) break;
      const { frame, rows } = checkFrames(next.value, index, { where: ds.path, field: "data", dtype, schemaDType: ds.dtype, frameShape });
      if (dtype === undefined) {
        dtype = frame.dtype as NumericDType;
        frameShape = frame.shape;
        const e = bytesPerElement(dtype);
        chunks = Array.isArray(ds.storage.chunks) ? checkedChunks(ds, ds.storage.chunks, 1 + frameShape.length) : autoChunks([1, ...frameShape], e);
        codecs = this.codecsFor(ds.storage, e);
        pipeline = new ChunkEncoder(codecs.compressor, codecs.filters);
        block = allocate(dtype, chunks[0]! * product(frameShape));
      }
      const perRow = product(frameShape!);
      const data = frame.data as TypedArray;
      for (let r = 0; r < rows; ) {
        const take = Math.min(rows - r, chunks[0]! - blockRows);
        block!.set(data.subarray(r * perRow, (r + take) * perRow) as never, blockRows * perRow);
        blockRows += take;
        r += take;
        if (blockRows === chunks[0]) await flush();
      }
      index += rows;
    }
    if (dtype === undefined) throw new ValidationError(ds.path, "data", "at least one frame from the stream");
    await flush();
    await this.putMetadata(ds.path, ZARRAY, {
      zarr_format: ZARR_FORMAT, shape: [rowsWritten, ...frameShape!], chunks, dtype: ZARR_NUMERIC_DTYPES[dtype], compressor: codecs!.compressor,
      fill_value: fillValue(dtype, ds.storage), filters: codecs!.filters, order: "C",
    } satisfies ZarrArrayMetadata);
    return numericTag(dtype);
  }

  /** The compressor and filters of a dataset: gzip as zlib at its level, shuffle as numcodecs' filter, else the default compressor. */
  private codecsFor(storage: StorageOptions, elementBytes: number): { compressor: CodecConfig | null; filters: CodecConfig[] | null } {
    const compressor = storage.compression === "gzip" ? { id: "zlib", level: storage.compression_opts ?? 4 } : this.options.compressor === undefined ? DEFAULT_COMPRESSOR : this.options.compressor;
    const filters = storage.shuffle && elementBytes > 1 ? [{ id: "shuffle", elementsize: elementBytes }] : null;
    return { compressor, filters };
  }
}

/** Whether storage options say anything about chunks or compression (a copy otherwise keeps its source's). */
function hasStorage(s: StorageOptions): boolean {
  return s.chunks !== undefined || s.compression !== undefined || s.shuffle !== undefined;
}

/** The chunk shape: the one given (a chunk may not be larger than zarr allows: each at least 1), else zarr-python's guess. */
function chunkShape(ds: DatasetBuilder, storage: StorageOptions, shape: number[], typesize: number): number[] {
  if (Array.isArray(storage.chunks) && !ds.scalar) return checkedChunks(ds, storage.chunks, shape.length);
  // A growable array (`H5DataIO.growable`: empty, its first axis unlimited) is sized for the frames to come, as a
  // stream is: zarr-python's guess on its zero rows would be one frame per chunk, one key per appended frame.
  if (storage.maxshape?.[0] === null && shape.length > 0) return autoChunks([1, ...shape.slice(1)], typesize);
  return guessChunks(shape, typesize);
}

function checkedChunks(ds: DatasetBuilder, chunks: number[], rank: number): number[] {
  if (chunks.length !== rank || !chunks.every((c) => Number.isInteger(c) && c > 0)) {
    throw new ValidationError(ds.path, "storage.chunks", `${rank} positive chunk dimensions`, JSON.stringify(chunks));
  }
  return chunks;
}

/** The `.zarray` fill value: the one given, else 0 (false for booleans), as zarr-python. */
function fillValue(dtype: NumericDType | "bool", storage: StorageOptions): number | boolean | string | PythonNumber {
  if (dtype === "bool") return storage.fillvalue !== undefined ? Boolean(storage.fillvalue) : false;
  const v = storage.fillvalue === undefined ? 0 : Number(storage.fillvalue);
  // Zarr v2 writes a fill value that is not finite as a string ("NaN", "Infinity", "-Infinity").
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  return dtype.startsWith("float") ? pythonFloat(v) : v;
}

/** Rows [start, stop) of an in-memory C-order array. */
function rowsOf(data: TypedArray, shape: number[]): (start: number, stop: number) => Promise<TypedArray> {
  const perRow = product(shape.slice(1));
  return async (start, stop) => (shape.length === 0 ? data : data.subarray(start * perRow, stop * perRow));
}

/** An attribute's elements as JSON values (64-bit integers as numbers, their digits exact beyond 2^53; floats as floats). */
function attributeItems(path: string, name: string, value: NDArray): unknown[] {
  if (value.dtype === "text") {
    const texts = value.data as string[];
    for (const [i, t] of texts.entries()) {
      if (LONE_SURROGATE.test(t)) throw new ValidationError(path, name, "text Zarr stores unchanged", `element ${i} holds a lone UTF-16 surrogate (it has no UTF-8 form)`);
    }
    return texts;
  }
  if (value.dtype === "bool") return Array.from(value.data as unknown as ArrayLike<number>, (v) => Boolean(v));
  const floats = value.dtype === "float32" || value.dtype === "float64";
  return Array.from(value.data as TypedArray, (v: number | bigint) => (typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v) : floats ? pythonFloat(v) : v));
}

/** The object id a builder has (its `object_id` attribute), or null. */
function objectIdOf(b: Builder): string | null {
  const a = b.attributes.get("object_id")?.value;
  return a && "data" in a && a.dtype === "text" ? ((a.data as string[])[0] ?? null) : null;
}

function exactNumbers(path: string, values: ArrayLike<number | bigint>, dtype: NumericDType): TypedArray {
  try {
    return toTypedArray(values, dtype);
  } catch (e) {
    if (e instanceof DTypeRangeError) throw new ValidationError(path, "data", `values that fit ${dtypeRange(dtype)}`, e.message);
    throw e;
  }
}

/** One number of a packed compound row. */
function writeMember(view: DataView, at: number, dtype: NumericDType | "bool", v: unknown, path: string, member: string): void {
  if (typeof v !== "number" && typeof v !== "bigint" && typeof v !== "boolean") throw new ValidationError(path, member, `a ${dtype} in every row`, String(v));
  const one = dtype === "bool" ? Uint8Array.of(v ? 1 : 0) : exactNumbers(path, [typeof v === "boolean" ? Number(v) : v], dtype);
  new Uint8Array(view.buffer).set(new Uint8Array(one.buffer, one.byteOffset, one.byteLength), at);
}

function zeroOf(dtype: DType): unknown {
  return dtype === "text" ? "" : dtype === "bool" ? false : dtype === "int64" || dtype === "uint64" ? 0n : 0;
}

function badMember(ds: DatasetBuilder, m: { name: string; dtype: DType }): never {
  throw new ValidationError(ds.path, m.name, "numbers, booleans, text or references in a compound member", m.dtype);
}
