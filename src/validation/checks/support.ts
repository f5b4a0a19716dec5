/**
 * What the inspector's checks share: the shape of a check, what it may ask of the inspection, and small readers of
 * array heads (the NWB Inspector reads the first 200 values of a column or of timestamps, not the whole).
 */
import type { AbstractContainer, ArrayData } from "../../containers/container.js";
import type { TimeSeries } from "../../containers/base.js";
import { CompoundArray, ReferenceArray, StreamedArray } from "../../data/arrays.js";

/** How much a finding matters: the NWB Inspector's importances, most important first. */
export type Importance = "CRITICAL" | "BEST_PRACTICE_VIOLATION" | "BEST_PRACTICE_SUGGESTION";

/** The NWB Inspector's severity: orders findings of one importance (a larger dataset first); never filters. */
export type Severity = "HIGH" | "LOW";

/** What a check finds: a message about the object, with a severity when it is not LOW. */
export type Finding = string | { message: string; severity: Severity };

/** What every check may use besides the object. */
export interface InspectionContext {
  readonly now: Date;
  /** The folder that external files are relative to, when known. */
  readonly nwbFolder: string | undefined;
  /** The existence check of external files, when there is one. */
  readonly fileExists: ((path: string) => boolean | Promise<boolean>) | undefined;
  /**
   * How many frames an external file holds (a video's frames, a TIFF's pages, 1 for another image), undefined when
   * unknown (no file system, or a file that cannot be read as one).
   */
  readonly frameCount: ((path: string) => Promise<number | undefined>) | undefined;
  /** Every object of the file (for checks that look for who points at an object). */
  readonly objects: readonly AbstractContainer[];
  /** The object's path in the file. */
  pathOf(obj: AbstractContainer): string;
  /** A series' timestamps, read whole once (shared timestamps too); undefined when it has none, or they are a stream. */
  timestampsOf(series: TimeSeries): Promise<Float64Array | undefined>;
}

/** What a check is, without how it runs. */
export interface CheckInfo {
  /** The check's name: the NWB Inspector's function name where it has the check. */
  id: string;
  /** Its importance (before a configuration changes it). */
  importance: Importance;
  /** The neurodata type it applies to (and every type that extends it); "any" for every object. */
  appliesTo: string;
  /** What it checks, in one line. */
  what: string;
  /** True for tsnwb's own checks, which the NWB Inspector does not have. */
  extra?: boolean;
}

export interface Check extends CheckInfo {
  run(obj: AbstractContainer, context: InspectionContext): Finding[] | Promise<Finding[]>;
}

/** The NWB Inspector's `nelems`: how many leading values of a column or of timestamps most checks read. */
export const NELEMS = 200;

/** A list of one finding when `found`, else none: most checks find one thing or nothing. */
export const when = (found: boolean, message: () => string): Finding[] => (found ? [message()] : []);

export function isArrayData(v: unknown): v is ArrayData {
  return typeof v === "object" && v !== null && "shape" in v && "dtype" in v && typeof (v as { read?: unknown }).read === "function";
}

/** Array data whose shape and values can be read (not a stream still to be written). */
export function readable(v: unknown): v is ArrayData {
  return isArrayData(v) && !(v instanceof StreamedArray);
}

/** A dataset of plain values as h5py hands it over (not references, not compound rows): what the NWB Inspector sees as an h5py.Dataset. */
export function isPlainDataset(v: unknown): boolean {
  if (Array.isArray(v)) return v.every((x) => typeof x === "string" || typeof x === "number");
  return isArrayData(v) && !(v instanceof CompoundArray) && !(v instanceof ReferenceArray);
}

/** The first `n` elements along the first axis (all axes after it whole), as a flat list of values. */
export async function head(array: ArrayData, n = NELEMS): Promise<unknown[]> {
  const rows = Math.min(n, array.shape[0] ?? 0);
  if (array.shape.length === 0) return Array.from((await array.read()) as ArrayLike<unknown>);
  if (rows === 0) return [];
  return Array.from((await array.read([[0, rows]])) as ArrayLike<unknown>);
}

/** Values as numbers (bigints converted; anything else NaN). */
export function numbers(values: readonly unknown[]): number[] {
  return values.map((v) => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : Number.NaN));
}

/** True when the values, NaNs left out, never decrease: the NWB Inspector's `is_ascending_series`. */
export function isAscending(values: readonly number[]): boolean {
  const valid = values.filter((v) => !Number.isNaN(v));
  for (let i = 1; i < valid.length; i++) if (!(valid[i]! - valid[i - 1]! >= 0)) return false;
  return true;
}

export function hasField(obj: AbstractContainer, key: string): boolean {
  return obj.layout.fields.some((f) => f.key === key);
}

/** A field's value, by name. */
export function field<T = unknown>(obj: AbstractContainer, key: string): T | undefined {
  return (obj as unknown as Record<string, unknown>)[key] as T | undefined;
}
