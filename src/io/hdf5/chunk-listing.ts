/**
 * Which chunks of a chunked dataset were written, from the file's bytes: the keys of its version 1 B-tree (HDF5
 * 1.8's index, pynwb's files), or the entries of an HDF5 1.10 index (`chunk-indexes.ts`). A sparse dataset (pynwb's
 * iterative write of a large matrix, a few chunks of which hold values) is copied chunk by chunk from this list, so
 * that an export never writes more than its source holds; chunks not in it read as the fill value.
 */
import { product } from "../../data/ndarray.js";
import { ChunkIndexReader } from "./chunk-indexes.js";
import { type DirectFile, laterAxesFixed, parseLayout, readChunkNode, storageMessages } from "./direct-read.js";
import { readUint } from "./object-header.js";

/** The written chunks of a chunked dataset and its chunk shape. */
export interface WrittenChunks {
  chunk: number[];
  /** Each chunk's first element, in C order of the chunk grid; only chunks that start inside `shape`. */
  origins: number[][];
}

/**
 * The chunks written of the dataset whose object header is at `address` and whose shape is `shape`; undefined when
 * it is not chunked, or its index is one tsnwb does not read.
 */
export function writtenChunks(file: Pick<DirectFile, "read">, address: number, shape: number[]): WrittenChunks | undefined {
  const m = storageMessages(file, address);
  const layout = m.layout === undefined ? undefined : parseLayout(m.layout, shape.length);
  if (layout?.kind !== "chunked") return undefined;
  const { chunk, index } = layout;
  const inside = (origin: number[]) => origin.every((o, k) => o < shape[k]!);
  if (index.kind === "btree") return { chunk, origins: index.address === null ? [] : btreeKeys(file, index.address, shape.length).filter(inside) };
  // HDF5 1.10's indexes number chunks in C order over the grid; read here when its axes after the first are fixed.
  if (m.dataspace === undefined || !laterAxesFixed(m.dataspace, shape)) return undefined;
  const grid = shape.map((n, k) => Math.ceil(n / chunk[k]!));
  const linear = new ChunkIndexReader(file, index, 0).written(product(grid));
  return {
    chunk,
    origins: linear.map((i) => {
      const origin = new Array<number>(grid.length);
      for (let k = grid.length - 1; k >= 0; k--) {
        const g = k === 0 ? Infinity : grid[k]!;
        origin[k] = (i % g) * chunk[k]!;
        i = Math.floor(i / g);
      }
      return origin;
    }),
  };
}

/** The chunk offsets of every leaf key of the B-tree whose root is at `root`, in key order (C order of the grid). */
function btreeKeys(file: Pick<DirectFile, "read">, root: number, rank: number): number[][] {
  const keyBytes = 8 + 8 * (rank + 1);
  const stride = keyBytes + 8;
  const origins: number[][] = [];
  // Depth first, children in order: leaves are met in the order of their keys.
  const pending = [root];
  while (pending.length > 0) {
    const node = readChunkNode(file, pending.pop()!, rank);
    const entries = readUint(node, 6, 2);
    if (node[5] !== 0) {
      for (let j = entries - 1; j >= 0; j--) pending.push(readUint(node, 24 + j * stride + keyBytes, 8));
      continue;
    }
    for (let j = 0; j < entries; j++) {
      const key = 24 + j * stride;
      const origin: number[] = [];
      for (let k = 0; k < rank; k++) origin.push(readUint(node, key + 8 + 8 * k, 8));
      origins.push(origin);
    }
  }
  return origins;
}
