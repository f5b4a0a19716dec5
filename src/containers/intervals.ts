/**
 * The hand-written TimeIntervals (trials, epochs, invalid times and other interval tables): pynwb's `add_interval`,
 * with tags and the sample ranges of the time series each interval covers.
 */
import { TimeIntervalsBase, type TimeIntervalsOptions } from "../generated/core/TimeIntervals.js";
import type { TimeSeries } from "./base.js";
import { AbstractContainer, describeValue } from "./container.js";
import type { TimeSeriesReference, TimeSeriesReferenceValues } from "./timeseries-reference.js";
import type { Cell } from "./table.js";
import { ValidationError } from "../errors.js";
import { InMemoryArray } from "../data/arrays.js";
import { type DType, type TypedArray, allocate, isNumericDType } from "../data/dtype.js";

export type { TimeIntervalsOptions };


/** An interval as `addInterval` takes it; other keys fill the columns the table has. */
export interface IntervalValues {
  /** Where the interval starts, in seconds from the session's reference time. */
  start_time: number;
  /** Where it stops. */
  stop_time: number;
  /** A list, or one comma-separated string (pynwb splits it). */
  tags?: string | string[];
  /** The series the interval covers: their sample ranges within it are computed as pynwb does them. */
  timeseries?: TimeSeries | (TimeSeries | TimeSeriesReferenceValues)[];
  /** The row's id (unique in the table); default: the row's number. */
  id?: number;
  [column: string]: unknown;
}

/**
 * A row of a TimeIntervals table as read: the columns the type defines, typed (the schema fixes their dtypes), and
 * the table's other columns as read.
 */
export interface IntervalRecord extends Record<string, Cell> {
  id: number;
  start_time: number;
  stop_time: number;
  /** When the table has a `tags` column. */
  tags?: string[];
  /** When the table has a `timeseries` column; a missing reference (idx_start -1, which pynwb marks so) is null. */
  timeseries?: (TimeSeriesReference | null)[];
}

/** Time spans, each with a start and stop time, plus optional tags and the time series samples they cover. */
export class TimeIntervals extends TimeIntervalsBase {
  /** Row `i`, its interval columns typed (and so `getRow` and `getRowById`'s). */
  override async readRow(i: number): Promise<IntervalRecord> {
    return (await super.readRow(i)) as IntervalRecord;
  }

  /** Every row (as pynwb's `to_dataframe()`, one record a row), its interval columns typed. */
  override async toRecords(): Promise<IntervalRecord[]> {
    return (await super.toRecords()) as IntervalRecord[];
  }

  /**
   * Adds an interval (pynwb's `add_interval`; `addTrial` and `addEpoch` call it). The `tags` and `timeseries`
   * columns are made by the first row that gives them. A series' covered samples are, for a series with a rate,
   * `trunc((t - starting_time) * rate)` for the start and stop times, otherwise the first timestamp not before each,
   * found by bisection (a stored series reads only the timestamps the search visits); both are kept within the
   * series' samples (pynwb would write a negative `idx_start` for an interval that starts before the series).
   */
  addInterval(values: IntervalValues): this {
    const { id, tags, timeseries, ...row } = values;
    if (typeof row.start_time !== "number" || !Number.isFinite(row.start_time)) this.fail("start_time", "a number of seconds", row.start_time);
    if (typeof row.stop_time !== "number" || !Number.isFinite(row.stop_time)) this.fail("stop_time", "a number of seconds", row.stop_time);
    if (tags !== undefined) row.tags = typeof tags === "string" ? tags.split(",").map((t) => t.trim()).filter((t) => t.length > 0) : tags;
    if (timeseries !== undefined) {
      const list = Array.isArray(timeseries) ? timeseries : [timeseries];
      row.timeseries = list.map((ts, i) => {
        if (ts instanceof AbstractContainer && ts.isA("TimeSeries")) return sampleRange(ts as TimeSeries, row.start_time as number, row.stop_time as number);
        if (typeof ts === "object" && ts !== null && "timeseries" in ts) return ts;
        throw new ValidationError(this.describe(), "timeseries", "TimeSeries objects (or { idx_start, count, timeseries } rows)", `row ${this.length}, element ${i}: ${describeValue(ts)}`);
      });
    }
    return this.addRow(row, id === undefined ? {} : { id });
  }
}

/** The samples of `ts` within [start, stop), as pynwb computes them. */
function sampleRange(ts: TimeSeries, start: number, stop: number): TimeSeriesReferenceValues {
  const n = ts.numSamples;
  const clamp = (i: number) => Math.max(0, n === undefined ? i : Math.min(n, i));
  let first: number;
  let last: number;
  if (ts.rate !== undefined && ts.rate > 0) {
    const t0 = ts.starting_time ?? 0;
    first = clamp(Math.trunc((start - t0) * ts.rate));
    last = clamp(Math.trunc((stop - t0) * ts.rate));
  } else {
    const at = timestampReader(ts);
    first = bisectLeft(at.length, at.read, start);
    last = bisectLeft(at.length, at.read, stop);
  }
  return { idx_start: first, count: Math.max(0, last - first), timeseries: ts };
}

/** The first index whose value is not below `x`, in a sorted array of `length` values. */
function bisectLeft(length: number, valueAt: (i: number) => number, x: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueAt(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Reads one timestamp at a time: from memory, or from the file a series was read from (synchronously, as HDF5 reads). */
function timestampReader(ts: TimeSeries): { length: number; read: (i: number) => number } {
  const stamps = ts.timestamps as unknown;
  if (stamps instanceof InMemoryArray) {
    const data = stamps.data as ArrayLike<number | bigint>;
    return { length: stamps.shape[0] ?? 0, read: (i) => Number(data[i]) };
  }
  const stored = stamps as { shape?: number[]; dtype?: DType; readNumericInto?(ranges: [number, number][], out: TypedArray): void };
  if (typeof stored?.readNumericInto === "function" && stored.dtype !== undefined && isNumericDType(stored.dtype)) {
    const one = allocate(stored.dtype, 1);
    return { length: stored.shape?.[0] ?? 0, read: (i) => (stored.readNumericInto!([[i, i + 1]], one), Number(one[0])) };
  }
  return ts.fail("timestamps", "timestamps in memory or in a file, or a rate, to find the samples an interval covers", stamps);
}
