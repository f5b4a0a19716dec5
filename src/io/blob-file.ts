/**
 * A Blob (a File the user picked or dropped) read lazily, in a Web Worker: h5wasm's in-memory file system gets a
 * file whose reads are synchronous slices of the Blob (`FileReaderSync`, which workers have), so HDF5 reads the
 * metadata and the chunks it needs, never the whole file: a 4 GB file opens at once and costs the memory of what is
 * shown. Blocks read are cached (least recently used first out, within a bound).
 */
import type { H5File } from "./hdf5/h5.js";
import { type H5MemoryLib, type MemoryFS, openCallbackFile } from "./hdf5/h5-memory.js";

/** A worker's synchronous reader of Blobs (not in the DOM's types, which describe a page). */
interface FileReaderSyncLike {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

/** Whether Blobs can be read lazily here: in a Web Worker (a page's thread has no synchronous reader). */
export function canReadBlobsLazily(): boolean {
  return typeof (globalThis as { FileReaderSync?: unknown }).FileReaderSync === "function";
}

/** What a lazily read Blob cost: reads made and bytes read. */
export interface BlobReadStats {
  reads: number;
  bytes: number;
}

/** Bytes per cached block, and the most the cache holds. */
const BLOCK = 256 << 10;
const CACHE = 64 << 20;

/** An HDF5 file opened lazily on a Blob, and how to let it go. */
export interface BlobFile {
  file: H5File;
  stats: BlobReadStats;
  close(): void;
}

/** Opens `blob` for reading as an HDF5 file, its bytes read from the Blob as HDF5 asks for them. */
export function openBlobFile(lib: H5MemoryLib, FS: MemoryFS, blob: Blob): BlobFile {
  const Reader = (globalThis as unknown as { FileReaderSync: new () => FileReaderSyncLike }).FileReaderSync;
  const reader = new Reader();
  const stats: BlobReadStats = { reads: 0, bytes: 0 };
  const cache = new Map<number, Uint8Array>();
  const block = (k: number): Uint8Array => {
    const known = cache.get(k);
    if (known) {
      // Most recently used last: the first in the map goes first.
      cache.delete(k);
      cache.set(k, known);
      return known;
    }
    const bytes = new Uint8Array(reader.readAsArrayBuffer(blob.slice(k * BLOCK, Math.min(blob.size, (k + 1) * BLOCK))));
    stats.reads++;
    stats.bytes += bytes.length;
    cache.set(k, bytes);
    while (cache.size * BLOCK > CACHE) cache.delete(cache.keys().next().value!);
    return bytes;
  };
  const opened = openCallbackFile(lib, FS, () => blob.size, (target, position) => {
    const end = Math.min(blob.size, position + target.length);
    for (let at = position; at < end;) {
      const k = Math.floor(at / BLOCK);
      const bytes = block(k);
      const from = at - k * BLOCK;
      const n = Math.min(bytes.length - from, end - at);
      target.set(bytes.subarray(from, from + n), at - position);
      at += n;
    }
    return Math.max(0, end - position);
  });
  return {
    file: opened.file, stats,
    close: () => {
      opened.close();
      cache.clear();
    },
  };
}
