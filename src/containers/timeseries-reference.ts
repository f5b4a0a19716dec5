/**
 * pynwb's TimeSeriesReference: a row of a TimeSeriesReferenceVectorData column (an interval's `timeseries`, an
 * intracellular recording's stimulus or response), `count` samples of `timeseries` from `idx_start`, with pynwb's
 * `isvalid`, and reads of the samples it covers (pynwb's `data` and `timestamps`, read here when asked for).
 */
import type { TimeSeries } from "./base.js";
import type { ArrayValues } from "../data/lazy.js";

/** A reference as given to `addInterval` or `addRow`: `count` samples of `timeseries` from `idx_start`. */
export interface TimeSeriesReferenceValues {
  /** The first sample referenced. */
  idx_start: number;
  /** How many samples are referenced (from `idx_start`). */
  count: number;
  /** The series referenced. */
  timeseries: TimeSeries;
}

/** `count` samples of `timeseries` from `idx_start`, as a TimeSeriesReferenceVectorData column holds them. */
export class TimeSeriesReference implements TimeSeriesReferenceValues {
  constructor(
    /** The first sample referenced. */
    readonly idx_start: number,
    /** How many samples are referenced (from `idx_start`). */
    readonly count: number,
    /** The series referenced. */
    readonly timeseries: TimeSeries,
  ) {}

  /**
   * Whether the reference points at samples: false when `idx_start` and `count` are both negative (pynwb's mark of
   * a missing reference); an error when its samples are not within the series', as pynwb's `isvalid`.
   */
  isvalid(): boolean {
    if (!Number.isInteger(this.idx_start)) this.timeseries.fail("idx_start", "an integer", this.idx_start);
    if (!Number.isInteger(this.count)) this.timeseries.fail("count", "an integer", this.count);
    if (this.idx_start < 0 && this.count < 0) return false;
    const n = this.timeseries.numSamples;
    if (n !== undefined) {
      if (this.idx_start < 0 || this.idx_start >= n) this.timeseries.fail("idx_start", `a sample of the series (0 to ${n - 1})`, this.idx_start);
      if (this.count < 0) this.timeseries.fail("count", "a number of samples, not negative", this.count);
      if (this.idx_start + this.count > n) this.timeseries.fail("count", `at most ${n - this.idx_start} samples from idx_start ${this.idx_start}`, this.count);
    }
    return true;
  }

  /**
   * The referenced samples of the series' data (pynwb's `data`: `timeseries.data[idx_start:idx_start + count]`),
   * read from the file if it is stored there; undefined for a missing reference.
   */
  async readData(): Promise<ArrayValues | undefined> {
    if (!this.isvalid()) return undefined;
    return this.timeseries.data.read([[this.idx_start, this.idx_start + this.count]]);
  }

  /**
   * The times of the referenced samples (pynwb's `timestamps`): the series' timestamps, or `starting_time +
   * i / rate` for a series timed by a rate (pynwb multiplies by the rate there, which is the same for rate 1 only);
   * undefined for a missing reference.
   */
  async readTimestamps(): Promise<Float64Array | undefined> {
    if (!this.isvalid()) return undefined;
    if (this.timeseries.timestamps === undefined) {
      const rate = this.timeseries.rate!;
      const t0 = this.timeseries.starting_time ?? 0;
      return Float64Array.from({ length: this.count }, (_, i) => (this.idx_start + i) / rate + t0);
    }
    const stamps = await this.timeseries.timestamps.read([[this.idx_start, this.idx_start + this.count]]);
    return Float64Array.from(stamps as ArrayLike<number>, Number);
  }
}
