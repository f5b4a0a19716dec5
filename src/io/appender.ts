/**
 * Live acquisition: append frames (and their timestamps) to a series in an open file, one by one or in blocks,
 * with memory that does not grow with the number of frames.
 *
 * ```ts
 * const io = await NWBHDF5IO.open("live.nwb", "w");
 * const series = new ImageSeries({ name: "camera", data: H5DataIO.growable([480, 640], "uint8"),
 *   timestamps: H5DataIO.growable([], "float64"), unit: "n.a." });
 * nwbfile.addAcquisition(series);
 * await io.write(nwbfile);
 * const appender = SeriesAppender.open(io, series);
 * for await (const { pixels, time } of camera) appender.append({ data: pixels, shape: [480, 640] }, time);
 * appender.close();
 * await io.close();
 * ```
 * Reopen the file in mode "a" and call `SeriesAppender.open` on the series read back to append more.
 */
import type { ArrayInput } from "../data/ndarray.js";
import { isNumericDType } from "../data/dtype.js";
import { type TimestampsInput, timestampsFor } from "../data/frames.js";
import type { TimeSeries } from "../containers/base.js";
import { ModeError, ValidationError } from "../errors.js";
import { datasetAt } from "./hdf5/h5.js";
import { H5LazyDataset } from "./hdf5/lazy-dataset.js";
import { HDF5Writer, StreamAppender } from "./hdf5/write.js";
import type { NWBIOBase } from "./io-base.js";
import { NWBZarrIO } from "./zarr/nwb-zarr-io.js";

/** h5py reports an unlimited axis as 2^64 - 1; h5wasm's metadata gives it as a (rounded) number. */
const UNLIMITED = 2 ** 63;

/** Appends frames and timestamps to a series of an open file (its data and timestamps growable): `SeriesAppender.open(io, series)`. */
export class SeriesAppender {
  private readonly data: StreamAppender;
  private readonly timestamps?: StreamAppender;
  private closed = false;

  private constructor(
    private readonly io: NWBIOBase,
    private readonly series: TimeSeries,
    private readonly path: string,
  ) {
    const { m, file } = io._h5;
    const writer = new HDF5Writer(m, file, { append: true });
    this.data = new StreamAppender(writer, { path: `${path}/data` }, this.existing(`${path}/data`, "data"));
    const names = m.get_names(file.file_id, path, false) as string[];
    if (names.includes("timestamps")) {
      this.timestamps = new StreamAppender(writer, { path: `${path}/timestamps`, field: "timestamps", dtype: "float64" }, this.existing(`${path}/timestamps`, "timestamps"));
      if (this.timestamps.rowsWritten !== this.data.rowsWritten) {
        this.fail("timestamps", `as many timestamps as frames (${this.data.rowsWritten})`, `${this.timestamps.rowsWritten}`);
      }
    }
  }

  /** An appender for `series`, which must be in the file `io` has open (written by it, or read from it in mode "a"). */
  static open(io: NWBIOBase, series: TimeSeries): SeriesAppender {
    // A Zarr store has chunks of its own to write, asynchronously: its appender is another class.
    const given: unknown = io;
    if (given instanceof NWBZarrIO) throw new ModeError(`${given.path} is an NWB Zarr store: append to its series with ZarrSeriesAppender (await ZarrSeriesAppender.open(io, series)), not SeriesAppender (HDF5)`);
    if (io.mode === "r") throw new ModeError(`cannot append to ${io.path}: it is open in mode "r"`);
    const source = series.container_source;
    if (!source || source.file !== io.path) {
      throw new ValidationError(series.describe(), "data", `a series already written to ${io.path} (write the file first)`);
    }
    const appender = new SeriesAppender(io, series, source.path);
    io._register(appender);
    return appender;
  }

  /** Frames in the series so far, buffered ones included. */
  get length(): number {
    return this.data.rowsWritten + this.data.rowsBuffered;
  }

  /**
   * Appends one frame (shape = the series' frame shape) or a block of frames (one more axis in front), with one
   * timestamp per frame when the series has timestamps.
   */
  append(frames: ArrayInput, timestamps?: TimestampsInput): void {
    if (this.closed) throw new ModeError(`${this.series.describe()}: the appender is closed`);
    const index = this.length;
    // Everything is checked before anything is buffered, so a refused call leaves data and timestamps aligned.
    const data = this.data.prepare(frames, index);
    const times = timestampsFor(this.series.describe(), this.timestamps !== undefined, timestamps, data.rows);
    const ts = times === undefined ? undefined : this.timestamps!.prepare(times, index);
    if (ts) this.timestamps!.push(ts, index);
    this.data.push(data, index);
    this.io._markWritten();
  }

  /**
   * Writes what is buffered to the file and flushes it, so that readers of a live file see the frames; a live
   * writer killed later is rolled back to here (the file's undo journal starts again: `journal.ts`).
   */
  flush(): void {
    this.data.flush();
    this.timestamps?.flush();
    this.io._h5.file.flush();
    this.io._checkpoint();
  }

  /**
   * Flushes, and points the series at the data now in the file. `io.close()` closes appenders left open, so
   * no buffered frame is lost; closing one earlier makes its frames readable through the series right away.
   */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    const { m, file } = this.io._h5;
    const handle = (name: string) => H5LazyDataset.at(m, file, `${this.path}/${name}`, this.io.path);
    this.series.data = handle("data");
    if (this.timestamps) this.series.timestamps = handle("timestamps");
  }

  private existing(path: string, field: string) {
    const { m, file } = this.io._h5;
    const maxshape = datasetAt(file, path).metadata.maxshape ?? [];
    if (maxshape.length === 0 || Number(maxshape[0]) < UNLIMITED) {
      this.fail(field, "a growable dataset (create it with H5DataIO.growable, or from a stream)", `maxshape [${maxshape.join(", ")}]`);
    }
    const { dtype, shape } = H5LazyDataset.at(m, file, path, this.io.path);
    if (!isNumericDType(dtype)) this.fail(field, "numeric data", dtype);
    return { frameShape: shape.slice(1), dtype, rows: shape[0]! };
  }

  private fail(field: string, expected: string, found?: string): never {
    throw new ValidationError(this.series.describe(), field, expected, found);
  }
}
