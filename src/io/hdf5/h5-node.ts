/**
 * h5wasm's Node build, for files on disk: loaded once, with HDF5 errors turned into JS exceptions instead of
 * console output.
 */
import { openSync } from "node:fs";
import { devNull } from "node:os";
import h5wasm from "h5wasm/node";
import type { H5Module } from "./h5.js";

let modulePromise: Promise<H5Module> | undefined;

/** The ready h5wasm module (loaded once). */
export function h5(): Promise<H5Module> {
  modulePromise ??= h5wasm.ready.then((m) => {
    m.activate_throwing_error_handler();
    // HDF5 reports errors by throwing (above); what the C library would print to stderr is only the expected
    // refusal in createDatasetWithoutValues, which the C stdio may flush at any later time, even at exit.
    const streams = (m as unknown as { FS: { streams: ({ nfd?: number } | undefined)[] } }).FS.streams;
    if (streams[2]?.nfd !== undefined) streams[2].nfd = openSync(devNull, "w");
    return m;
  });
  return modulePromise;
}

export { h5wasm };
