/**
 * A stand-in for HDF5 (h5wasm's module and an open file) where a read may need no HDF5 at all: `tsnwb inspect`
 * reads a file's layout, attributes and the values its checks look at from the file's bytes (the tree reader's
 * decoders, `direct-read.ts`), and starting HDF5's WebAssembly (a tenth of a second of CPU, a quarter of a short
 * command) is then wasted. Any use of the stand-in (a property asked of either) records that HDF5 was needed and
 * throws {@link HDF5Needed}; the caller then drops what it made and reads the file again with HDF5. Recorded, not
 * only thrown: code that catches errors (a decoder's fallback, a check that reports a read it could not make) must
 * not turn the missing library into a different result.
 */
import type { H5File, H5Module } from "./h5.js";

/** Thrown by any use of a stand-in: the read needs HDF5. */
export class HDF5Needed extends Error {
  constructor(what: string) {
    super(`HDF5 is needed here (${what}), and the file was opened without it`);
    this.name = "HDF5Needed";
  }
}

/** The stand-ins of one file's read, and whether anything asked them. */
export interface HDF5StandIn {
  /** In place of h5wasm's module. */
  readonly m: H5Module;
  /** In place of the open file: a key for the registries of its bytes (`registerDirectFile`); its `close()` does nothing. */
  readonly file: H5File;
  /** Whether the read asked either for anything (its results are then not to be used). */
  used(): boolean;
  /** Records that HDF5 is needed (for what the stand-ins do not see: an external link's file to open) and throws. */
  need(what: string): never;
}

/** New stand-ins for one file's read. */
export function hdf5StandIn(): HDF5StandIn {
  let used = false;
  const need = (what: string): never => {
    used = true;
    throw new HDF5Needed(what);
  };
  /** Every operation on the proxy but `allowed` property reads needs HDF5. */
  const trap = (name: string, allowed: Record<string, unknown>): ProxyHandler<object> => ({
    get: (_target, key) => {
      if (typeof key === "string" && Object.hasOwn(allowed, key)) return allowed[key];
      // Not a thenable (a promise resolved with it would ask), nor anything to print or convert.
      if (key === "then" || typeof key === "symbol") return undefined;
      return need(`${name}.${key}`);
    },
    has: (_target, key) => need(`${String(key)} in ${name}`),
    set: (_target, key) => need(`${name}.${String(key)} =`),
    getPrototypeOf: () => need(`the class of ${name}`),
    ownKeys: () => need(`the keys of ${name}`),
    getOwnPropertyDescriptor: (_target, key) => need(`${name}.${String(key)}`),
    defineProperty: (_target, key) => need(`${name}.${String(key)} =`),
    deleteProperty: (_target, key) => need(`delete ${name}.${String(key)}`),
  });
  return {
    m: new Proxy({}, trap("HDF5", {})) as H5Module,
    file: new Proxy({}, trap("file", { close: () => undefined })) as H5File,
    used: () => used,
    need,
  };
}
