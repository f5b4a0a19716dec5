/**
 * h5wasm's Node build, for files on disk: loaded once, with HDF5 errors turned into JS exceptions instead of
 * console output, nothing the WebAssembly module says printed, damaged global heaps refused before HDF5 loops
 * on them (`heap-guard.ts`), and a file's writes announced to a guard first (the undo journal of an in-place
 * write). The one module that loads `h5wasm/node` (others import its types only): the module's output can only be
 * redirected as it starts (`loadQuietly`).
 */
import { openSync } from "node:fs";
import { devNull } from "node:os";
import { type H5Module, loadQuietly } from "./h5.js";
import { guardGlobalHeaps } from "./heap-guard.js";

export type H5NodeLib = typeof import("h5wasm/node").default;

let loading: Promise<H5Module> | undefined;
let lib: H5NodeLib | undefined;

/** The part of Emscripten's file system (NODERAWFS: straight to Node's `fs`) every HDF5 write goes through. */
interface EmscriptenFS {
  streams: ({ nfd?: number; path?: string; position?: number } | undefined)[];
  write(stream: { path?: string; position?: number }, buffer: Uint8Array, offset: number, length: number, position?: number, canOwn?: boolean): number;
  ftruncate(fd: number, length: number): void;
}

/** Told before h5wasm changes a file's bytes: a write of `bytes` at `position`, or a truncation to `length`. */
export interface WriteGuard {
  beforeWrite(position: number, bytes: Uint8Array): void;
  beforeTruncate(length: number): void;
}

/** Guards by the path h5wasm opened the file with (Emscripten's streams keep it, resolved). */
const guards = new Map<string, WriteGuard>();

/** The ready h5wasm module (loaded once). */
export function h5(): Promise<H5Module> {
  loading ??= loadQuietly(async () => {
    lib = (await import("h5wasm/node")).default;
    return lib.ready;
  }).then((m) => {
    m.activate_throwing_error_handler();
    guardGlobalHeaps(m);
    const fs = (m as unknown as { FS: EmscriptenFS }).FS;
    // HDF5 reports errors by throwing (above); what the C library would print to stderr is only the expected
    // refusal in createDatasetWithoutValues, which the C stdio may flush at any later time, even at exit.
    if (fs.streams[2]?.nfd !== undefined) fs.streams[2].nfd = openSync(devNull, "w");
    // HDF5's writes (pwrite, write) and truncations reach Node's fs through these two functions, looked up on FS at
    // each call: wrapped once, they tell a file's guard first. Files without one cost a map lookup.
    const write = fs.write;
    fs.write = function (stream, buffer, offset, length, position, canOwn) {
      const guard = stream.path === undefined ? undefined : guards.get(stream.path);
      if (guard && length > 0) guard.beforeWrite(position ?? stream.position ?? 0, new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length));
      return write.call(this, stream, buffer, offset, length, position, canOwn);
    };
    const ftruncate = fs.ftruncate;
    fs.ftruncate = function (fd, length) {
      const path = fs.streams[fd]?.path;
      const guard = path === undefined ? undefined : guards.get(path);
      if (guard) guard.beforeTruncate(length);
      return ftruncate.call(this, fd, length);
    };
    return m;
  });
  return loading;
}

/** Sets (or, with undefined, removes) the guard of the file h5wasm has open at `path` (absolute, as opened). */
export function guardWrites(path: string, guard: WriteGuard | undefined): void {
  if (guard) guards.set(path, guard);
  else guards.delete(path);
}

/** h5wasm's Node build (its `File` class), for callers that have awaited {@link h5}. */
export function h5wasm(): H5NodeLib {
  if (lib === undefined) throw new Error("h5wasm is not loaded yet: await h5() first");
  return lib;
}
