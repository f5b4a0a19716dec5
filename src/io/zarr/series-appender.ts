/**
 * Live acquisition into an NWB Zarr store: append frames (and their timestamps) to a series `NWBZarrIO` wrote, one
 * by one or in blocks, with memory that does not grow with the number of frames; the Zarr counterpart of
 * `SeriesAppender` (HDF5).
 *
 * ```ts
 * const io = await NWBZarrIO.open("live.nwb.zarr", "w");
 * const series = new ImageSeries({ name: "camera", data: H5DataIO.growable([480, 640], "uint8"),
 *   timestamps: H5DataIO.growable([], "float64"), unit: "n.a." });
 * nwbfile.addAcquisition(series);
 * await io.write(nwbfile);
 * const appender = await ZarrSeriesAppender.open(io, series);
 * for await (const { pixels, time } of camera) await appender.append({ data: pixels, shape: [480, 640] }, time);
 * await io.close(); // closes the appender: last frames, new shapes, consolidated metadata
 * ```
 * Frames wait in memory until they fill a row of chunks along the first axis, which is then encoded with the
 * array's compressor and written; `flush()` writes a partial last row too and the arrays' new shapes (`.zarray`,
 * and `.zmetadata` again), after which readers of the store see the frames so far.
 */
import type { ArrayInput } from "../../data/ndarray.js";
import type { TypedArray } from "../../data/dtype.js";
import { type CheckedFrames, type TimestampsInput, checkFrames, timestampsFor } from "../../data/frames.js";
import type { TimeSeries } from "../../containers/base.js";
import { FormatError, ModeError, TsnwbError, ValidationError } from "../../errors.js";
import { ZARRAY, keyOf } from "./layout.js";
import type { NWBZarrIO } from "./nwb-zarr-io.js";
import { GrowingZarrArray } from "./growing-array.js";

/**
 * Appends frames and timestamps to a series of a Zarr store open for writing (`NWBZarrIO`, modes "w" and "a"):
 * `await ZarrSeriesAppender.open(io, series)`. Any numeric array of the series grows (Zarr arrays have no maximum
 * shape); `H5DataIO.growable` makes an empty one chunked for appends.
 */
export class ZarrSeriesAppender {
  private closed = false;
  /** A write that failed: every later call reports it, and `io.close()` leaves the store's old content in place. */
  private failure?: TsnwbError;
  /** Calls run one after the other, in the order made, even when not awaited one by one. */
  private queue: Promise<void> = Promise.resolve();
  /** Calls started and not yet ended. */
  private running = 0;
  private accepted: number;

  private constructor(
    private readonly io: NWBZarrIO,
    private readonly series: TimeSeries,
    private readonly data: GrowingZarrArray,
    private readonly timestamps: GrowingZarrArray | undefined,
  ) {
    this.accepted = data.rows;
  }

  /**
   * An appender for `series`, which must be in the store `io` has open for writing: written by `io.write` (mode
   * "w"), or read by `io.read()` in mode "a" (the store is then copied beside its folder now, if `io.write` was not
   * called, and put in its place by `io.close()`).
   */
  static async open(io: NWBZarrIO, series: TimeSeries): Promise<ZarrSeriesAppender> {
    if (io.mode === "r") throw new ModeError(`cannot append to ${io.path}: it is open in mode "r"`);
    const source = series.container_source;
    if (!source || source.file !== io.path) {
      throw new ValidationError(series.describe(), "data", `a series already written to ${io.path} (write the file first)`);
    }
    const { store, metadata, concurrency } = await io._forAppend();
    const where = series.describe();
    const place = (field: string) => ({ store, path: `${source.path}/${field}`, storeName: io.path, where, field, concurrency });
    const data = await GrowingZarrArray.open(place("data"), metadata);
    let timestamps: GrowingZarrArray | undefined;
    if (series.timestamps !== undefined) {
      if (!metadata.has(keyOf(`${source.path}/timestamps`, ZARRAY))) {
        throw new ValidationError(where, "timestamps", "timestamps stored in the series (not linked to another series' timestamps)");
      }
      timestamps = await GrowingZarrArray.open(place("timestamps"), metadata);
      if (timestamps.rows !== data.rows) throw new ValidationError(where, "timestamps", `as many timestamps as frames (${data.rows})`, `${timestamps.rows}`);
    }
    const appender = new ZarrSeriesAppender(io, series, data, timestamps);
    io._register(appender);
    return appender;
  }

  /** Frames in the series so far, buffered ones and those of appends still running included. */
  get length(): number {
    return this.accepted;
  }

  /**
   * Appends one frame (shape = the series' frame shape) or a block of frames (one more axis in front), with one
   * timestamp per frame when the series has timestamps. Both are checked before either is taken: a refused call
   * (a ValidationError naming the field) changes nothing. A frame is copied before the call returns when no
   * other call is running; await each call before reusing the frame's buffer.
   */
  async append(frames: ArrayInput, timestamps?: TimestampsInput): Promise<void> {
    this.checkUsable();
    const index = this.accepted;
    const where = this.series.describe();
    const data = checkFrames(frames, index, { where, field: "data", dtype: this.data.dtype, frameShape: this.data.frameShape });
    const times = timestampsFor(where, this.timestamps !== undefined, timestamps, data.rows);
    const ts: CheckedFrames | undefined = times === undefined ? undefined : checkFrames(times, index, { where, field: "timestamps", dtype: this.timestamps!.dtype, frameShape: this.timestamps!.frameShape });
    this.accepted += data.rows;
    await this.run(async () => {
      await this.guard("data", () => this.data.push(data.frame.data as TypedArray, data.rows));
      if (ts) await this.guard("timestamps", () => this.timestamps!.push(ts.frame.data as TypedArray, ts.rows));
    });
  }

  /**
   * Writes the frames buffered (a partial last row of chunks too, written again once completed) and the arrays'
   * new shapes, in `.zarray` and the consolidated `.zmetadata`: readers of the store see the frames so far.
   */
  async flush(): Promise<void> {
    this.checkUsable();
    await this.run(() => this.flushNow());
  }

  /**
   * Flushes, and points the series at the arrays now in the store. `io.close()` closes appenders left open, so no
   * buffered frame is lost; closing one earlier makes its frames readable through the series right away, until
   * `io.close()` (a folder's store then moves to its path: open it again to read). A write that failed is thrown
   * again here (and by `io.close()`, which then leaves the store's old content in place).
   */
  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) return;
    await this.run(() => this.flushNow());
    this.closed = true;
    const store = this.io._storeWhileOpen();
    this.series.data = this.data.lazy(store);
    if (this.timestamps) this.series.timestamps = this.timestamps.lazy(store);
  }

  private async flushNow(): Promise<void> {
    const changed: string[] = [];
    for (const [field, array] of [["data", this.data], ["timestamps", this.timestamps]] as const) {
      if (!array) continue;
      const bytes = await this.guard(field, () => array.flush());
      if (bytes === undefined) continue;
      await this.guard(field, () => this.io._rewriteMetadata(array.metadataKey, bytes));
      changed.push(field);
    }
    // The consolidated metadata once for both arrays: what hdmf-zarr and tsnwb read the shapes from.
    if (changed.length > 0) await this.guard(changed.join("' and '"), () => this.io._consolidate());
  }

  /**
   * Runs `task` after the calls before it; a failure stays (see `failure`). With none running it starts at once, so
   * that a frame is copied into the row being gathered before `append` returns its promise.
   */
  private run(task: () => Promise<void>): Promise<void> {
    const start = async (): Promise<void> => {
      if (this.failure) throw this.failure;
      await task();
    };
    const next = (this.running === 0 ? start() : this.queue.then(start)).finally(() => {
      this.running--;
    });
    this.running++;
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs a write of `field`; a store's failure becomes an error naming the series and the field, and stays. */
  private async guard<T>(field: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.failure ??= new FormatError(this.io.path, `${this.series.describe()}: field '${field}': appending to the store failed: ${why}`, { cause: e });
      throw this.failure;
    }
  }

  private checkUsable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new ModeError(`${this.series.describe()}: the appender is closed`);
  }
}
