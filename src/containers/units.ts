/**
 * The hand-written Units table: pynwb's per-unit reads (`get_unit_spike_times`, `get_unit_obs_intervals`), which
 * read one unit's rows of a ragged column, not the column.
 */
import { UnitsBase, type UnitsOptions } from "../generated/core/Units.js";

export type { UnitsOptions };

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

  /** Row `index` of a ragged column of numbers, flat, as float64. */
  private async unitRow(column: "spike_times" | "obs_intervals", index: number): Promise<Float64Array> {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) this.fail("index", `a unit's row (0 to ${this.length - 1})`, index);
    if (!this.colnames.includes(column)) this.fail(column, `a '${column}' column in this table (it has: ${this.colnames.join(", ")})`);
    const [row] = await this.readColumn(column, [index, index + 1]);
    const values: number[] = [];
    for (const cell of row as unknown[]) {
      if (ArrayBuffer.isView(cell)) values.push(...Array.from(cell as unknown as ArrayLike<number | bigint>, Number));
      else values.push(Number(cell));
    }
    return Float64Array.from(values);
  }
}
