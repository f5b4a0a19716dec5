/**
 * The hand-written Units table: pynwb's per-unit reads (`get_unit_spike_times`, `get_unit_obs_intervals`), which
 * read one unit's rows of a ragged column, not the column.
 */
import { UnitsBase, type UnitsOptions } from "../generated/core/Units.js";
import { StreamedArray } from "../data/arrays.js";

export type { UnitsOptions };

/** Sorted units (pynwb's Units): spike times per unit, ragged, with their waveforms and electrodes. */
export class Units extends UnitsBase {
  /**
   * The spike times of unit `index` (its row), or of each of a list of units (pynwb's `get_unit_spike_times`);
   * with `in_interval` `[start, stop]`, only the times within it, both ends included, as pynwb's bisection gives.
   * Reads only those units' rows.
   */
  async getUnitSpikeTimes(index: number, in_interval?: readonly [number, number]): Promise<Float64Array>;
  async getUnitSpikeTimes(index: readonly number[], in_interval?: readonly [number, number]): Promise<Float64Array[]>;
  async getUnitSpikeTimes(index: number | readonly number[], in_interval?: readonly [number, number]): Promise<Float64Array | Float64Array[]> {
    if (Array.isArray(index)) return Promise.all(index.map((i: number) => this.getUnitSpikeTimes(i, in_interval)));
    const times = await this.unitRow("spike_times", index as number);
    if (in_interval === undefined) return times;
    const [start, stop] = in_interval;
    if (typeof start !== "number" || typeof stop !== "number") this.fail("in_interval", "[start, stop] in seconds", in_interval);
    // Spike times are sorted within a unit: pynwb's bisect_left(start) to bisect_right(stop).
    let from = 0;
    while (from < times.length && times[from]! < start) from++;
    let to = from;
    while (to < times.length && times[to]! <= stop) to++;
    return times.subarray(from, to);
  }

  /** The observation intervals of unit `index` as `[start, stop]` pairs (pynwb's `get_unit_obs_intervals`). */
  async getUnitObsIntervals(index: number): Promise<[number, number][]> {
    const flat = await this.unitRow("obs_intervals", index);
    return Array.from({ length: flat.length / 2 }, (_, k) => [flat[2 * k]!, flat[2 * k + 1]!] as [number, number]);
  }

  /**
   * Row `index` of a ragged column of numbers, flat, as float64: its two index ends and its span of the data, read
   * directly (a unit among thousands in a fraction of a millisecond).
   */
  private async unitRow(column: "spike_times" | "obs_intervals", index: number): Promise<Float64Array> {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) this.fail("index", `a unit's row (0 to ${this.length - 1})`, index);
    if (!this.colnames.includes(column)) this.fail(column, `a '${column}' column in this table (it has: ${this.colnames.join(", ")})`);
    await this.loadStoredRows();
    this.flushRows();
    const values = this.getColumn(column);
    const ends = this.getColumn(`${column}_index`).data;
    const data = values.data;
    if (ends instanceof StreamedArray || data instanceof StreamedArray) this.fail(column, "values in memory or in a file, not a stream");
    const bounds = Array.from((await ends.read([[Math.max(0, index - 1), index + 1]])) as ArrayLike<number | bigint>, Number);
    const [from, to] = index === 0 ? [0, bounds[0]!] : [bounds[0]!, bounds[1]!];
    if (from === to) return new Float64Array(0);
    const cells = await data.read([[from, to]]);
    return cells instanceof Float64Array ? cells : Float64Array.from(cells as ArrayLike<number | bigint>, Number);
  }
}
