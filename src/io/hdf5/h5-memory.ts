/**
 * h5wasm's in-memory build (the one made for browsers; it runs in Node too): its file system has no disk under
 * it, so files are bytes in memory or read through callbacks (URLs). Loaded once, on first use, quietly (see
 * `loadQuietly`).
 */
import { type H5Module, loadQuietly } from "./h5.js";
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
