/**
 * A row of chunks cut from whole rows: the chunks along the first axis at one index, each padded to the full chunk
 * shape with the fill value, as zarr-python stores an edge chunk. The writer of a tree (`zarr-write.ts`) and the
 * live appender (`series-appender.ts`) cut rows the same way.
 */
import type { TypedArray } from "../../data/dtype.js";
import { product } from "../../data/ndarray.js";
import { PythonNumber } from "./python-json.js";

/**
 * The chunks of chunk row `row` of an array of `shape` in `chunks`, from `block`, its rows (`blockShape`: as many
 * as the row holds, fewer for the last), `e` bytes per element: each chunk's grid index and raw bytes, C order.
 */
export function* chunkRow(block: TypedArray, blockShape: number[], shape: number[], chunks: number[], row: number, e: number, fill: unknown): Generator<{ index: number[]; bytes: Uint8Array }> {
  const bytes = new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
  const grid = shape.slice(1).map((n, k) => Math.ceil(n / chunks[k + 1]!));
  const fillBytes = fillPattern(fill, e, block);
  for (const cell of gridIndices(grid)) {
    const chunk = new Uint8Array(product(chunks) * e);
    if (fillBytes) for (let i = 0; i < chunk.length; i += e) chunk.set(fillBytes, i);
    const lo = [0, ...cell.map((c, k) => c * chunks[k + 1]!)];
    const hi = lo.map((l, k) => Math.min(blockShape[k]!, l + chunks[k]!));
    copyBox(bytes, blockShape, chunk, chunks, lo, hi, e);
    yield { index: [row, ...cell], bytes: chunk };
  }
}

/** Every index of a grid of `grid` cells per axis, C order (a 0-axis grid has one index, []). */
export function* gridIndices(grid: readonly number[]): Generator<number[]> {
  if (grid.some((n) => n <= 0)) return;
  const pos = grid.map(() => 0);
  for (;;) {
    yield [...pos];
    let k = grid.length - 1;
    for (; k >= 0; k--) {
      if (++pos[k]! < grid[k]!) break;
      pos[k] = 0;
    }
    if (k < 0) return;
  }
}

/**
 * Copies the box [lo, hi) of a C-order array of `srcShape` (bytes, `e` per element) to the start of a chunk of
 * `chunkShape`, run by run along the last axis.
 */
function copyBox(src: Uint8Array, srcShape: number[], dst: Uint8Array, chunkShape: number[], lo: number[], hi: number[], e: number): void {
  const n = srcShape.length;
  if (n === 0) {
    dst.set(src.subarray(0, e));
    return;
  }
  const srcStrides = srcShape.map((_, k) => product(srcShape.slice(k + 1)));
  const dstStrides = chunkShape.map((_, k) => product(chunkShape.slice(k + 1)));
  const run = (hi[n - 1]! - lo[n - 1]!) * e;
  if (run <= 0) return;
  const outer = lo.slice(0, -1).map((l, k) => hi[k]! - l);
  for (const rel of gridIndices(outer)) {
    let s = lo[n - 1]!;
    let d = 0;
    for (let k = 0; k < n - 1; k++) {
      s += (lo[k]! + rel[k]!) * srcStrides[k]!;
      d += rel[k]! * dstStrides[k]!;
    }
    dst.set(src.subarray(s * e, s * e + run), d * e);
  }
}

/** The bytes of one element of fill value (undefined when zero: a new chunk already is). */
function fillPattern(given: unknown, e: number, like: TypedArray): Uint8Array | undefined {
  const fill = given instanceof PythonNumber ? given.value : typeof given === "string" ? Number(given) : given;
  if (fill === 0 || fill === false || fill === null || fill === undefined) return undefined;
  const one = new (like.constructor as new (n: number) => TypedArray)(1);
  one[0] = (typeof one[0] === "bigint" ? BigInt(fill as number) : Number(fill)) as never;
  return new Uint8Array(one.buffer, 0, e);
}

