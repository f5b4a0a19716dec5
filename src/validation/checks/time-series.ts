/**
 * The NWB Inspector's checks of any TimeSeries (nwbinspector/checks/_time_series.py): orientation, timestamps, unit,
 * resolution and rate, with its names and importances.
 */
import type { AbstractContainer } from "../../containers/container.js";
import type { TimeSeries } from "../../containers/base.js";
import type { ImageSeries, IndexSeries } from "../../containers/image.js";
import { type Check, NELEMS, isAscending, readable, when } from "./support.js";
import { pyFloat } from "../python-format.js";

/** The NWB Inspector rounds timestamp steps to 9 decimals before comparing them. */
const TIME_TOLERANCE_DECIMALS = 9;

/** numpy's `round(decimals=9)`: half to even at the scaled value. */
function round9(x: number): number {
  const scale = 10 ** TIME_TOLERANCE_DECIMALS;
  const y = x * scale;
  const r = Math.round(y);
  const even = Math.abs(y % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return even / scale;
}

/** Whether an ImageSeries is the target of a legacy IndexSeries (`indexed_timeseries`): then it may have no timestamps. */
function isIndexedByIndexSeries(obj: AbstractContainer, objects: readonly AbstractContainer[]): boolean {
  return objects.some((o) => o.isA("IndexSeries") && (o as IndexSeries).indexed_timeseries === obj);
}

export const TIME_SERIES_CHECKS: readonly Check[] = [
  {
    id: "check_regular_timestamps", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "TimeSeries",
    what: "timestamps with equal steps (3 or more) could be a starting_time and a rate",
    run: async (obj, context) => {
      const t = await context.timestampsOf(obj as TimeSeries);
      if (!t || t.length <= 2) return [];
      const first = round9(t[1]! - t[0]!);
      for (let i = 2; i < t.length; i++) if (round9(t[i]! - t[i - 1]!) !== first) return [];
      if (t[1]! - t[0]! === 0) return [];
      const message = `TimeSeries appears to have a constant sampling rate. Consider specifying starting_time=${pyFloat(t[0]!)} and rate=${pyFloat(1 / (t[1]! - t[0]!))} instead of timestamps.`;
      return [t.length * 8 > 1e9 ? { message, severity: "HIGH" } : message];
    },
  },
  {
    id: "check_data_orientation", importance: "CRITICAL", appliesTo: "TimeSeries",
    what: "the first axis of data (time) is its longest",
    run: (obj) => {
      const { data } = obj as TimeSeries;
      if (!readable(data)) return [];
      const [first, ...rest] = data.shape;
      return when(first !== undefined && rest.some((n) => n > first), () =>
        "Data may be in the wrong orientation. Time should be in the first dimension, and is usually the longest dimension. Here, another dimension is longer.");
    },
  },
  {
    id: "check_timestamps_match_first_dimension", importance: "CRITICAL", appliesTo: "TimeSeries",
    what: "a series' timestamps are as many as its data's first axis",
    run: (obj, context) => {
      const { data, timestamps } = obj as TimeSeries;
      if (!readable(data) || !readable(timestamps)) return [];
      const frames = data.shape[0] ?? 0;
      // External files leave data empty; a legacy IndexSeries' ImageSeries may have no timestamps.
      if ((obj as ImageSeries).external_file !== undefined && frames === 0) return [];
      if (obj.isA("ImageSeries") && timestamps.shape[0] === 0 && isIndexedByIndexSeries(obj, context.objects)) return [];
      return when(timestamps.shape[0] !== frames, () => `The length of the first dimension of data (${frames}) does not match the length of timestamps (${timestamps.shape[0]}).`);
    },
  },
  {
    id: "check_timestamps_ascending", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "TimeSeries",
    what: `the first ${NELEMS} timestamps (NaNs aside) never go back in time`,
    run: async (obj, context) => {
      const t = await context.timestampsOf(obj as TimeSeries);
      return when(t !== undefined && !isAscending(Array.from(t.subarray(0, NELEMS))), () => `${obj.name} timestamps are not ascending.`);
    },
  },
  {
    id: "check_timestamps_without_nans", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "TimeSeries",
    what: `none of the first ${NELEMS} timestamps is NaN`,
    run: async (obj, context) => {
      const t = await context.timestampsOf(obj as TimeSeries);
      return when(t !== undefined && t.subarray(0, NELEMS).some(Number.isNaN), () => `${obj.name} timestamps contain NaN values.`);
    },
  },
  {
    id: "check_timestamp_of_the_first_sample_is_not_negative", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "TimeSeries",
    what: "the first sample's time (starting_time, or the first timestamp) is not negative",
    run: async (obj, context) => {
      const series = obj as TimeSeries;
      const first = series.starting_time ?? (await context.timestampsOf(series))?.[0];
      return when(first !== undefined && first < 0, () =>
        "Timestamps should not be negative. It is recommended to align the `session_start_time` or `timestamps_reference_time` to be the earliest time value that occurs in the data, and shift all other signals accordingly.");
    },
  },
  {
    id: "check_missing_unit", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "TimeSeries",
    what: "the series says its data's unit",
    run: (obj) => when(!(obj as TimeSeries).unit, () => "Missing text for attribute 'unit'. Please specify the scientific unit of the 'data'."),
  },
  {
    id: "check_resolution", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "TimeSeries",
    what: "resolution is positive, or -1.0 (or NaN) for unknown",
    run: (obj) => {
      const { resolution } = obj as TimeSeries;
      if (resolution === undefined || resolution === -1) return [];
      return when(resolution <= 0, () => `'resolution' should use -1.0 or NaN for unknown instead of ${pyFloat(resolution)}.`);
    },
  },
  {
    id: "check_rate_is_not_zero", importance: "CRITICAL", appliesTo: "TimeSeries",
    what: "a series of more than one sample has a sampling rate other than 0",
    run: (obj) => {
      const { rate, data } = obj as TimeSeries;
      if (!readable(data)) return [];
      return when(rate === 0 && (data.shape[0] ?? 0) > 1, () => `${obj.name} has a sampling rate value of 0.0Hz but the series has more than one frame.`);
    },
  },
];
