/**
 * Node's direct reader of a file on disk (see `direct-read.ts`): bytes read with `fs` from one descriptor opened on
 * first use, gzip chunks inflated by Node's native zlib.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { inflateSync } from "node:zlib";
import type { DirectFile } from "./direct-read.js";

export function nodeDirectFile(path: string): DirectFile {
  let fd: number | undefined;
  return {
    read(position, length) {
      fd ??= openSync(path, "r");
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, position + done);
        if (n === 0) throw new Error(`${path} ends before byte ${position + length}`);
        done += n;
      }
      return out;
    },
    inflate: (bytes) => inflateSync(bytes),
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
