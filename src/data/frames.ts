/**
 * The checks every writer of frames makes (a stream written to HDF5 or Zarr, `SeriesAppender`,
 * `ZarrSeriesAppender`): a frame, or a block of frames with one more axis in front, of the series' frame shape and
 * numbers its dtype holds; and, for appenders, one timestamp per frame when the series is timed by timestamps. They
 * change nothing: a writer buffers frames only once both data and timestamps passed, so a refused call leaves the
 * two aligned.
 */
import { type DType, type NumericDType, dtypeRange, isNumericDType } from "./dtype.js";
import { type ArrayInput, type NDArray, ArrayShapeError, ArrayValueError, toNDArray } from "./ndarray.js";
import { ValidationError } from "../errors.js";

/** What frames are checked against, and what errors name. */
export interface FrameTarget {
  /** The object errors name (a dataset's path, a series' description). */
  where: string;
  /** The field errors name ("data", "timestamps"). */
  field: string;
  /** The dtype of the frames so far (undefined before the first frame of a stream). */
  dtype?: NumericDType;
  /** The dtype the schema fixes, when no frame fixed one yet. */
  schemaDType?: DType;
  /** The shape of one frame (undefined before the first frame of a stream: it sets it). */
  frameShape?: number[];
}

/** A frame or block of frames, checked: its values and how many frames it holds. */
export interface CheckedFrames {
  frame: NDArray;
  rows: number;
}

/** Checks one frame or block of frames (`index`: the first one's, for errors) against `target`, changing nothing. */
export function checkFrames(item: unknown, index: number, target: FrameTarget): CheckedFrames {
  const { where, field } = target;
  let frame: NDArray;
  try {
    // Plain JS numbers in a stream are float64 unless the schema says otherwise: the first frame cannot tell
    // whether later ones hold fractions (a 0 then 0.5 would otherwise fix int64).
    const typed = ArrayBuffer.isView(item) || (typeof item === "object" && item !== null && ArrayBuffer.isView((item as { data?: unknown }).data));
    frame = toNDArray(item as never, target.dtype ?? target.schemaDType ?? (typed ? undefined : "float64"));
  } catch (e) {
    // A frame whose values the series' dtype cannot hold is refused: storing it would wrap or truncate them.
    if (e instanceof ArrayValueError) throw new ValidationError(where, field, `frames whose values fit ${dtypeRange(e.dtype)}`, `frame ${index}: ${e.message}`);
    const why = e instanceof ArrayShapeError ? e.message : String(e);
    throw new ValidationError(where, field, "frames given as typed arrays with a shape, or nested arrays", `frame ${index}: ${why}`);
  }
  if (!isNumericDType(frame.dtype)) throw new ValidationError(where, field, "numeric frames", `frame ${index}: ${frame.dtype}`);
  const fs = target.frameShape ?? frame.shape;
  if (sameShape(frame.shape, fs)) return { frame, rows: 1 };
  if (sameShape(frame.shape.slice(1), fs)) return { frame, rows: frame.shape[0]! };
  throw new ValidationError(where, field, `frames of shape [${fs.join(", ")}] (or blocks of them)`, `frame ${index} of shape [${frame.shape.join(", ")}]`);
}

/** Timestamps as an appender takes them: one number per frame. */
export type TimestampsInput = number | number[] | Float64Array;

/**
 * The timestamps given with `rows` frames, as frames of shape [] to check and buffer; undefined for a series timed
 * by its rate (which takes none). Refuses timestamps missing, given to a series timed by its rate, or not one per frame.
 */
export function timestampsFor(where: string, hasTimestamps: boolean, timestamps: TimestampsInput | undefined, rows: number): ArrayInput | number | Float64Array | undefined {
  if (!hasTimestamps) {
    if (timestamps !== undefined) throw new ValidationError(where, "timestamps", "none: the series is timed by 'rate'");
    return undefined;
  }
  if (timestamps === undefined) throw new ValidationError(where, "timestamps", `${rows} timestamp(s) for the frames appended`);
  const count = typeof timestamps === "number" ? 1 : timestamps.length;
  if (count !== rows) throw new ValidationError(where, "timestamps", `one timestamp per frame (${rows})`, `${count}`);
  if (typeof timestamps === "number" || timestamps instanceof Float64Array) return timestamps;
  return { data: Float64Array.from(timestamps), shape: [timestamps.length] };
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
