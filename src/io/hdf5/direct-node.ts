/**
 * Node's direct reader of a file on disk (see `direct-read.ts`): bytes read with `fs` from one descriptor opened on
 * first use, gzip chunks inflated by Node's native zlib.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";
import type { DirectFile } from "./direct-read.js";

/** zlib's first inflate in a process costs milliseconds of set-up: paid once when a file opens, not by its first frame. */
let zlibReady = false;

export function nodeDirectFile(path: string): DirectFile {
  if (!zlibReady) {
    inflateSync(deflateSync(new Uint8Array(1024)), { chunkSize: 1024 });
    zlibReady = true;
  }
  let fd: number | undefined;
  return {
    read(position, length, target, offset = 0) {
      fd ??= openSync(path, "r");
      // Straight into the caller's array when given; else a fresh one that need not be zeroed (it is all overwritten).
      const out = target ?? Buffer.allocUnsafe(length);
      const at = target ? offset : 0;
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, at + done, length - done, position + done);
        if (n === 0) throw new Error(`${path} ends before byte ${position + length}`);
        done += n;
      }
      return target ? out.subarray(offset, offset + length) : out;
    },
    // One output buffer of the chunk's size: zlib's default grows 16 KB pieces and joins them.
    inflate: (bytes, expectedLength) => inflateSync(bytes, { chunkSize: Math.max(64, expectedLength) }),
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
