/**
 * h5wasm's in-memory build (the one made for browsers; it runs in Node too): its file system has no disk under
 * it, so files are bytes in memory or read through callbacks (URLs). Loaded once, on first use, quietly (see
 * `loadQuietly`).
 */
import { type H5File, type H5Module, loadQuietly } from "./h5.js";
import { guardGlobalHeaps } from "./heap-guard.js";

export type H5MemoryLib = typeof import("h5wasm");

/** The file system calls of the in-memory build that tsnwb uses. */
export interface MemoryFS {
  mkdir(path: string): void;
  analyzePath(path: string): { exists: boolean };
  createFile(parent: string, name: string, properties: object, canRead: boolean, canWrite: boolean): { stream_ops: Record<string, unknown> };
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
}

let loading: Promise<{ lib: H5MemoryLib; m: H5Module; FS: MemoryFS }> | undefined;

/**
 * The in-memory build, with HDF5 errors thrown as exceptions, damaged global heaps refused (`heap-guard.ts`), and
 * a folder of its own for tsnwb's files.
 */
export function h5Memory(): Promise<{ lib: H5MemoryLib; m: H5Module; FS: MemoryFS }> {
  loading ??= loadQuietly(async () => {
    const lib = await import("h5wasm");
    return { lib, m: (await lib.ready) as unknown as H5Module };
  }).then(({ lib, m }) => {
    m.activate_throwing_error_handler();
    guardGlobalHeaps(m);
    const FS = (m as unknown as { FS: MemoryFS }).FS;
    if (!FS.analyzePath(MEMORY_FOLDER).exists) FS.mkdir(MEMORY_FOLDER);
    return { lib, m, FS };
  });
  return loading;
}

/** Where tsnwb keeps its in-memory files. */
export const MEMORY_FOLDER = "/tsnwb";

/** A fresh file name in that folder. */
export function memoryPath(suffix = ".nwb"): string {
  return `${MEMORY_FOLDER}/${globalThis.crypto.randomUUID()}${suffix}`;
}

/**
 * Opens for reading an HDF5 file whose bytes are not in memory: a node of the in-memory file system that has none
 * of its own, its size given by `size` and each read HDF5 makes filled by `readInto(target, position)` (which fills
 * `target` from the file's byte `position` and says how many bytes it gave): a URL's range requests, a Blob's
 * slices. Closing the file removes the node; so does a failure to open it.
 */
export function openCallbackFile(lib: H5MemoryLib, FS: MemoryFS, size: () => number, readInto: (target: Uint8Array, position: number) => number): { file: H5File; close(): void } {
  const path = memoryPath();
  const node = FS.createFile(MEMORY_FOLDER, path.slice(MEMORY_FOLDER.length + 1), {}, true, false);
  // The file system asks the node for its size and its bytes: both come from the callbacks.
  Object.defineProperty(node, "usedBytes", { get: size });
  node.stream_ops = {
    ...node.stream_ops,
    read: (_stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number) => readInto(buffer.subarray(offset, offset + length), position),
  };
  let file: H5File;
  try {
    file = new lib.File(path, "r") as unknown as H5File;
  } catch (e) {
    FS.unlink(path);
    throw e;
  }
  return {
    file,
    close: () => {
      file.close();
      FS.unlink(path);
    },
  };
}
