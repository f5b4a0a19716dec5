/**
 * One numeric Zarr array grown along its first axis, for `ZarrSeriesAppender`: frames are gathered into the row
 * of chunks they fall in (as many frames as a chunk holds along the first axis), and a row is cut into its chunks,
 * encoded with the array's own compressor and filters and written (several keys at once) as soon as it is full.
 * The last, partial row is written when flushed, padded with the fill value as zarr-python pads an edge chunk, and
 * written again once later frames complete it. Memory holds one row of chunks, whatever the frame count.
 *
 * The array's `.zarray` is rewritten only by `flush`, with its new length; its other fields are kept byte for byte.
 */
import { type NumericDType, type TypedArray, allocate, bytesPerElement, isNumericDType } from "../../data/dtype.js";
import { product } from "../../data/ndarray.js";
import { ValidationError } from "../../errors.js";
import { ChunkEncoder } from "./chunk-encoder.js";
import { chunkRow } from "./chunk-rows.js";
import { ZARRAY, ZARR_DTYPE_ATTR, ZATTRS, keyOf, parseZarrDType } from "./layout.js";
import { type HdmfZarrDType, ZarrLazyArray } from "./lazy-zarr-array.js";
import { type PythonJSON, parsePythonJSON, stringifyPythonJSON, toPlainJSON } from "./python-json.js";
import type { ReadableStore, StoreKey, WritableStore } from "./store.js";
import { BoundedWrites } from "./store-writes.js";
import { checkArrayMetadata, type ZArrayMetadata } from "./zarr-decode.js";

/** Where the array is and what errors name. */
export interface GrowingArrayPlace {
  store: WritableStore;
  /** The array's absolute path in the store ("/acquisition/camera/data"). */
  path: string;
  /** The store's name, for a lazy array over it. */
  storeName: string;
  /** The object errors name (the series) and its field ("data", "timestamps"). */
  where: string;
  field: string;
  /** Chunk writes in flight at once. */
  concurrency?: number;
}

/** A numeric array of a store, grown along its first axis. */
export class GrowingZarrArray {
  readonly dtype: NumericDType;
  readonly frameShape: number[];
  /** Frames in the array, those buffered included. */
  rows: number;
  /** Frames the `.zarray` in the store says the array has. */
  private shapeRows: number;
  private readonly rowsPerChunk: number;
  private readonly perFrame: number;
  private readonly elementBytes: number;
  private readonly block: TypedArray;
  /** Frames of the current row of chunks in `block` (some may be in the store already: see `stored`). */
  private blockRows: number;
  /** Whether the store holds the current row's chunks as `block` has them. */
  private stored: boolean;
  private readonly encoder: ChunkEncoder;
  private readonly zarrayKey: StoreKey;

  private constructor(
    private readonly place: GrowingArrayPlace,
    /** The `.zarray` as written (numbers kept as Python wrote them), rewritten with a new shape. */
    private readonly document: { [key: string]: PythonJSON },
    private readonly meta: ZArrayMetadata,
    private readonly zarrDType: HdmfZarrDType | undefined,
  ) {
    this.zarrayKey = keyOf(place.path, ZARRAY);
    const parsed = typeof meta.dtype === "string" ? parseZarrDType(meta.dtype) : undefined;
    const fail = (expected: string, found: string): never => {
      throw new ValidationError(place.where, place.field, expected, `${place.path}: ${found}`);
    };
    if (parsed === undefined || !isNumericDType(parsed.dtype) || !parsed.littleEndian) fail("a little-endian numeric Zarr array", `dtype ${JSON.stringify(meta.dtype)}`);
    if (meta.shape.length === 0) fail("an array with a first axis to grow", "shape []");
    if (meta.order !== "C") fail('an array in C order (numpy\'s default, as hdmf-zarr writes)', `order ${meta.order}`);
    if (!ChunkEncoder.supports(meta.compressor, meta.filters)) {
      fail("a compressor tsnwb encodes (blosc, zlib, gzip or none) and no filter but shuffle", JSON.stringify({ compressor: meta.compressor, filters: meta.filters }));
    }
    this.dtype = parsed!.dtype as NumericDType;
    this.frameShape = meta.shape.slice(1);
    this.rows = meta.shape[0]!;
    this.shapeRows = this.rows;
    this.rowsPerChunk = meta.chunks[0]!;
    this.perFrame = product(this.frameShape);
    this.elementBytes = bytesPerElement(this.dtype);
    this.block = allocate(this.dtype, this.rowsPerChunk * this.perFrame);
    this.blockRows = this.rows % this.rowsPerChunk;
    this.stored = true;
    this.encoder = new ChunkEncoder(meta.compressor, meta.filters);
  }

  /**
   * The array at `place.path`, from its metadata documents as written (`metadata`: key to bytes). A last row of
   * chunks the array fills only in part is read back, so that appended frames complete it.
   */
  static async open(place: GrowingArrayPlace, metadata: ReadonlyMap<StoreKey, Uint8Array>): Promise<GrowingZarrArray> {
    const bytes = metadata.get(keyOf(place.path, ZARRAY));
    if (bytes === undefined) throw new ValidationError(place.where, place.field, "an array written to the store", `no ${keyOf(place.path, ZARRAY)}`);
    const document = parsePythonJSON(new TextDecoder().decode(bytes), keyOf(place.path, ZARRAY));
    if (typeof document !== "object" || document === null || Array.isArray(document)) throw new ValidationError(place.where, place.field, "an array's metadata", "not a JSON object");
    const meta = checkArrayMetadata(toPlainJSON(document), `${place.storeName}: ${keyOf(place.path, ZARRAY)}`);
    const attrs = metadata.get(keyOf(place.path, ZATTRS));
    const attributes = attrs && (toPlainJSON(parsePythonJSON(new TextDecoder().decode(attrs), keyOf(place.path, ZATTRS))) as Record<string, unknown>);
    const zarrDType = attributes?.[ZARR_DTYPE_ATTR] as HdmfZarrDType | undefined;
    const array = new GrowingZarrArray(place, document as { [key: string]: PythonJSON }, meta, zarrDType);
    await array.readPartialRow();
    return array;
  }

  /** The array as a reader sees it once flushed: a lazy array over `store` (the store written, by default). */
  lazy(store: ReadableStore = this.place.store): ZarrLazyArray {
    return new ZarrLazyArray(store, this.place.path, { ...this.meta, shape: [this.rows, ...this.frameShape] }, this.zarrDType, this.place.storeName);
  }

  /** Adds `rows` frames (C order, the array's dtype), writing each row of chunks they complete. */
  async push(data: TypedArray, rows: number): Promise<void> {
    for (let r = 0; r < rows; ) {
      const take = Math.min(rows - r, this.rowsPerChunk - this.blockRows);
      this.block.set(data.subarray(r * this.perFrame, (r + take) * this.perFrame) as never, this.blockRows * this.perFrame);
      this.blockRows += take;
      this.rows += take;
      this.stored = false;
      r += take;
      if (this.blockRows === this.rowsPerChunk) {
        await this.writeRow();
        this.blockRows = 0;
      }
    }
  }

  /**
   * Writes the partial last row of chunks (kept, to be written again when completed); returns the `.zarray`'s new
   * bytes when the array's length changed since the last flush (the caller stores them and the consolidated metadata).
   */
  async flush(): Promise<Uint8Array | undefined> {
    if (this.blockRows > 0 && !this.stored) await this.writeRow();
    if (this.rows === this.shapeRows) return undefined;
    const shape = [this.rows, ...this.frameShape];
    const bytes = new TextEncoder().encode(stringifyPythonJSON({ ...this.document, shape }));
    this.shapeRows = this.rows;
    return bytes;
  }

  /** The `.zarray`'s key. */
  get metadataKey(): StoreKey {
    return this.zarrayKey;
  }

  /** The current row of chunks: cut into its chunks, encoded, written several at once. */
  private async writeRow(): Promise<void> {
    const row = Math.floor((this.rows - this.blockRows) / this.rowsPerChunk);
    const writes = new BoundedWrites(this.place.store, this.place.concurrency);
    const block = this.block.subarray(0, this.blockRows * this.perFrame);
    const separator = this.meta.dimension_separator ?? ".";
    try {
      for (const { index, bytes } of chunkRow(block, [this.blockRows, ...this.frameShape], [this.rows, ...this.frameShape], this.meta.chunks, row, this.elementBytes, this.meta.fill_value)) {
        await writes.put(keyOf(this.place.path, index.join(separator)), await this.encoder.encode(bytes));
      }
      await writes.drain();
    } catch (e) {
      await writes.settle();
      throw e;
    }
    this.stored = true;
  }

  /** The frames of a partial last row already in the store, into `block`. */
  private async readPartialRow(): Promise<void> {
    if (this.blockRows === 0) return;
    const start = this.rows - this.blockRows;
    const values = (await this.lazy().read([[start, this.rows]])) as TypedArray;
    this.block.set(values as never, 0);
  }
}
