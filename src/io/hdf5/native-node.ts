/**
 * Node's native parts of the HDF5 layer: a closed file's bytes to edit (`object-header.ts`), the direct reader of a
 * file on disk (`direct-read.ts`: bytes read with `fs`, gzip chunks inflated by zlib) and the chunk compressor
 * (`chunk-injection.ts`: zlib's deflate on libuv's thread pool, compressed chunks kept in a side file until the
 * HDF5 file closes).
 */
import { closeSync, fstatSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import { deflate, deflateSync, inflateSync } from "node:zlib";
import type { DirectFile } from "./direct-read.js";
import type { ChunkCompressor } from "./chunk-sink.js";
import type { FileBytes } from "./object-header.js";

const deflateAsync = promisify(deflate);

/**
 * `length` bytes of the file `fd` from `position`, into `target` at `offset` when given (no copy), else into a fresh
 * array that need not be zeroed (it is all overwritten). `path` names the file in errors.
 */
function readFully(fd: number, path: string, position: number, length: number, target?: Uint8Array, offset = 0): Uint8Array {
  const out = target ?? Buffer.allocUnsafe(length);
  const at = target ? offset : 0;
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, at + done, length - done, position + done);
    if (n === 0) throw new Error(`${path} ends before byte ${position + length}`);
    done += n;
  }
  return target ? out.subarray(offset, offset + length) : out;
}

/** The bytes of the file at `path`, open to read and change in place, with its size; `close` when done. */
export function nodeFileBytes(path: string): FileBytes & { size: number; close(): void } {
  const fd = openSync(path, "r+");
  return {
    size: fstatSync(fd).size,
    read: (position, length) => readFully(fd, path, position, length),
    write: (position, bytes) => void writeSync(fd, bytes, 0, bytes.length, position),
    close: () => closeSync(fd),
  };
}

export function nodeDirectFile(path: string): DirectFile {
  // Opened with the file: opening on the first read put an open(2) in that read's latency.
  let fd: number | undefined = openSync(path, "r");
  return {
    read(position, length, target, offset = 0) {
      fd ??= openSync(path, "r");
      return readFully(fd, path, position, length, target, offset);
    },
    // One output buffer of the chunk's size: zlib's default grows 16 KB pieces and joins them.
    inflate: (bytes, expectedLength) => inflateSync(bytes, { chunkSize: Math.max(64, expectedLength) }),
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/**
 * Room left at the head of a side file for the HDF5 file's own bytes (its metadata: groups, attributes, the cached
 * schema), so that the side file can become the NWB file without its chunks being copied. Left as a hole (sparse:
 * no disk is used) until the file closes; what the metadata does not fill stays as unused space in the file.
 */
const SIDE_FILE_HEAD_ROOM = 1 << 20;

/** A compressor whose chunks wait in the side file `path` (removed by `discard`, unless it became the NWB file). */
export function nodeChunkCompressor(path: string): ChunkCompressor {
  let fd: number | undefined;
  let size = SIDE_FILE_HEAD_ROOM;
  return {
    // Twice the cores in flight (libuv's pool runs 4 at once by default) keeps every core compressing while this
    // thread stores the chunks that are done: 35 MB/s with one per core, 44 with two, on a 2-core machine.
    concurrency: 2 * Math.max(2, availableParallelism()),
    deflate: (bytes, level) => deflateAsync(bytes, { level }),
    deflateNow: (bytes, level) => deflateSync(bytes, { level }),
    headRoom: SIDE_FILE_HEAD_ROOM,
    get size() {
      return size;
    },
    store(bytes) {
      fd ??= openSync(path, "w+");
      const position = size;
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
      size += bytes.length;
      return position;
    },
    stored: (position, length) => readFully(fd!, path, position, length),
    discard() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      rmSync(path, { force: true });
    },
  };
}
