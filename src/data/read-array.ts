/**
 * Reads with their shape, as numpy indexing gives them: per axis an index (the axis dropped), a `[start, stop]`
 * range, a `[start, stop, step]` slice or a list of points; the values come back with the shape they make. Along
 * the first axis (frames) only the runs of selected indices are read, so every 10th frame of a movie larger than
 * memory reads those frames, not the movie.
 */
import { ValidationError } from "../errors.js";
import { type DType, type TypedArray, allocate, isNumericDType } from "./dtype.js";
import type { ArrayValues, LazyArray } from "./lazy.js";
import { product, stridesOf } from "./ndarray.js";

/** One axis of a selection: an index, `[start, stop]`, `[start, stop, step]`, `{ points }`, or null (the whole axis). */
export type AxisSelection = number | readonly [start: number, stop: number] | readonly [start: number, stop: number, step: number] | {
  /** The indices to take, in any order, repeats allowed. */
  readonly points: readonly number[];
} | null;

/** Values read, with the shape the selection gives them (an index drops its axis) and their dtype. */
export interface ArrayRead {
  /** The values read, C order. */
  readonly data: ArrayValues;
  /** The shape they make. */
  readonly shape: number[];
  /** Their element type. */
  readonly dtype: DType;
}

/**
 * Reads `selection` of `array` (missing axes whole), as `{ data, shape, dtype }` in C order. Negative indices count
 * from the end, as numpy's; a range's bounds past an end are clipped to it, as numpy's slices (an index or a point
 * past an end is an error); a step must be positive; points may repeat and come in any order.
 */
export async function readArray(array: Pick<LazyArray, "shape" | "dtype" | "read">, selection: readonly AxisSelection[] = []): Promise<ArrayRead> {
  const shape = array.shape;
  const where = `an array of shape [${shape.join(", ")}]`;
  if (!Array.isArray(selection) || selection.length > shape.length) {
    throw new ValidationError(where, "selection", `at most ${shape.length} axes (index, [start, stop], [start, stop, step], { points } or null)`, JSON.stringify(selection));
  }
  const axes = shape.map((n, axis) => indicesOf(selection[axis] ?? null, n, axis, where));
  const outShape = axes.flatMap((a, axis) => (typeof selection[axis] === "number" ? [] : [a.length]));
  // Ranges of step 1 on every axis: one hyperslab, read as it is.
  if (axes.every(isRun) && axes.every((a) => a.length > 0)) {
    const data = await array.read(shape.length === 0 ? undefined : axes.map((a) => [a[0]!, a[a.length - 1]! + 1] as [number, number]));
    return { data, shape: outShape, dtype: array.dtype };
  }
  const total = product(axes.map((a) => a.length));
  const out: TypedArray | unknown[] = isNumericDType(array.dtype) ? allocate(array.dtype, total) : new Array<unknown>(total);
  if (total === 0) return { data: out as ArrayValues, shape: outShape, dtype: array.dtype };
  // The hull of every axis but the first is read whole; the first axis in runs of consecutive selected indices.
  const inner = axes.slice(1).map(hullOf);
  const innerShape = inner.map(([a, b]) => b - a);
  const innerStrides = stridesOf(innerShape);
  const perOut = product(axes.slice(1).map((a) => a.length));
  const first = axes[0] ?? [0];
  const perBlockRow = product(innerShape);
  let k = 0;
  while (k < first.length) {
    let end = k + 1;
    while (end < first.length && first[end] === first[end - 1]! + 1) end++;
    const block = await array.read(shape.length === 0 ? undefined : [[first[k]!, first[end - 1]! + 1], ...inner]);
    for (let r = k; r < end; r++) gather(block, (r - k) * perBlockRow, axes.slice(1), inner, innerStrides, out, r * perOut);
    k = end;
  }
  return { data: out as ArrayValues, shape: outShape, dtype: array.dtype };
}

/** Whether indices are consecutive and rising (a plain range). */
function isRun(a: number[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[i - 1]! + 1) return false;
  return true;
}

/** `[min, max + 1)` of indices (a loop: a spread of a long list would overflow the call stack). */
function hullOf(a: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of a) {
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  return [lo, hi + 1];
}

/** The indices an axis selection picks on an axis of `n`. */
function indicesOf(s: AxisSelection, n: number, axis: number, where: string): number[] {
  const bad = (expected: string): never => { throw new ValidationError(where, `selection[${axis}]`, expected, JSON.stringify(s)); };
  if (s === null) return Array.from({ length: n }, (_, i) => i);
  if (typeof s === "number") {
    const i = s < 0 ? n + s : s;
    if (!Number.isInteger(s) || i < 0 || i >= n) bad(`an index within ${-n} to ${n - 1}`);
    return [i];
  }
  if (Array.isArray(s)) {
    const [given0, given1, step = 1] = s as number[];
    if (s.length < 2 || s.length > 3 || ![given0, given1, step].every(Number.isInteger) || step! <= 0) {
      bad(`[start, stop] or [start, stop, step] of integers, step above 0`);
    }
    // As a Python slice: negative bounds count from the end, and bounds past either end are clipped to it
    // (numpy's and h5py's data[0:10, 0:3] of a (50, 2) array is its first 10 rows, both columns).
    const clip = (b: number): number => Math.min(n, Math.max(0, b < 0 ? n + b : b));
    const start = clip(given0!);
    const stop = clip(given1!);
    return Array.from({ length: Math.max(0, Math.ceil((stop - start) / step!)) }, (_, i) => start + i * step!);
  }
  const points = (s as { points?: unknown }).points;
  if (!Array.isArray(points)) return bad("an index, a range, a slice, { points } or null");
  for (const p of points) if (!Number.isInteger(p) || p < 0 || p >= n) bad(`points within 0 to ${n - 1}`);
  return [...points] as number[];
}

/** Copies the selected elements of one row of a block (its inner axes' hull) into `out` from `at`, in C order. */
function gather(block: ArrayValues, base: number, axes: number[][], hull: [number, number][], strides: number[], out: TypedArray | unknown[], at: number): void {
  const src = block as unknown as ArrayLike<unknown>;
  const dst = out as unknown as { [i: number]: unknown };
  if (axes.length === 0) {
    dst[at] = src[base];
    return;
  }
  const counts = axes.map((a) => a.length);
  const index = new Array<number>(axes.length).fill(0);
  const total = product(counts);
  for (let i = 0; i < total; i++) {
    let offset = base;
    for (let d = 0; d < axes.length; d++) offset += (axes[d]![index[d]!]! - hull[d]![0]) * strides[d]!;
    dst[at + i] = src[offset];
    for (let d = axes.length - 1; d >= 0; d--) {
      if (++index[d]! < counts[d]!) break;
      index[d] = 0;
    }
  }
}
