/**
 * h5wasm's Node build, for files on disk: loaded once, with HDF5 errors turned into JS exceptions instead of
 * console output, nothing the WebAssembly module says printed, and damaged global heaps refused before HDF5 loops
 * on them (`heap-guard.ts`). The one module that loads `h5wasm/node` (others
 * import its types only): the module's output can only be redirected as it starts (`loadQuietly`).
 */
import { openSync } from "node:fs";
import { devNull } from "node:os";
import { type H5Module, loadQuietly } from "./h5.js";
import { guardGlobalHeaps } from "./heap-guard.js";

export type H5NodeLib = typeof import("h5wasm/node").default;

let loading: Promise<H5Module> | undefined;
let lib: H5NodeLib | undefined;

/** The ready h5wasm module (loaded once). */
export function h5(): Promise<H5Module> {
  loading ??= loadQuietly(async () => {
    lib = (await import("h5wasm/node")).default;
    return lib.ready;
  }).then((m) => {
    m.activate_throwing_error_handler();
    guardGlobalHeaps(m);
    // HDF5 reports errors by throwing (above); what the C library would print to stderr is only the expected
    // refusal in createDatasetWithoutValues, which the C stdio may flush at any later time, even at exit.
    const streams = (m as unknown as { FS: { streams: ({ nfd?: number } | undefined)[] } }).FS.streams;
    if (streams[2]?.nfd !== undefined) streams[2].nfd = openSync(devNull, "w");
    return m;
  });
  return loading;
}

/** h5wasm's Node build (its `File` class), for callers that have awaited {@link h5}. */
export function h5wasm(): H5NodeLib {
  if (lib === undefined) throw new Error("h5wasm is not loaded yet: await h5() first");
  return lib;
}
