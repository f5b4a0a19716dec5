/**
 * The one place that loads h5wasm: its module, with HDF5 errors turned into JS exceptions instead of
 * console output, and the low-level calls the backend uses to move slabs through the WebAssembly heap.
 */
import { openSync } from "node:fs";
import { devNull } from "node:os";
import h5wasm, { dtype_to_metadata } from "h5wasm/node";
import type { File as H5File } from "h5wasm/node";

export type { H5File };
export type H5Module = Awaited<typeof h5wasm.ready>;

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

/** The h5wasm Dataset class (of either build: the node one for files on disk, the browser one for URLs). */
export type H5Dataset = InstanceType<typeof h5wasm.Dataset>;
export type H5Group = InstanceType<typeof h5wasm.Group>;

/**
 * The dataset at `path`, made by the file's own h5wasm build (so that the same code serves files opened by either
 * build: a Dataset constructed from another build's module would read through the wrong WebAssembly heap).
 */
export function datasetAt(file: H5File, path: string): H5Dataset {
  return file.get(path) as H5Dataset;
}

/** The group (or dataset) at `path`, for its attributes. */
export function objectAt(file: H5File, path: string): H5Group | H5Dataset {
  return path === "/" ? (file as unknown as H5Group) : (file.get(path) as H5Group | H5Dataset);
}

/** The HDF5 message of an h5wasm error, reduced to its last (most specific) line. */
export function hdf5Message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  const detail = [...lines].reverse().find((l) => /^#\d+:/.test(l));
  return detail ? detail.replace(/^#\d+:.*? in [A-Za-z0-9_]+\(\): /, "") : lines[0] ?? text;
}

/**
 * Creates a contiguous dataset without writing its values, which then follow in slabs of a few MB. h5wasm's
 * own `create_dataset` writes the whole array in one call, which here is ten times slower than slabs and
 * touches as much fresh WebAssembly memory as the array is large. Passing no buffer makes HDF5 create the
 * dataset and then refuse the write ("no input buffer"); that expected refusal goes to the muted C stderr.
 */
export function createDatasetWithoutValues(m: H5Module, file: H5File, path: string, dtype: string, shape: number[]): void {
  const metadata = {
    ...dtype_to_metadata(dtype),
    shape: shape.map(BigInt), maxshape: shape.map(BigInt), chunks: null, compression: 0, compression_opts: [], track_order: false,
  };
  m.deactivate_throwing_error_handler();
  try {
    m.create_dataset(file.file_id, path, 0n, metadata as never);
  } finally {
    m.activate_throwing_error_handler();
  }
  if (!(m.get_names(file.file_id, path.slice(0, path.lastIndexOf("/")) || "/", false) as string[]).includes(path.slice(path.lastIndexOf("/") + 1))) {
    throw new Error(`could not create ${path}`);
  }
}

/** A reusable buffer in the WebAssembly heap, grown on demand, so slab loops do not malloc each time. */
export class HeapBuffer {
  private ptr = 0;
  private size = 0;
  constructor(private readonly m: H5Module) {}

  /** A pointer to at least `bytes` bytes. */
  reserve(bytes: number): number {
    if (bytes > this.size) {
      this.free();
      this.ptr = this.m._malloc(Math.max(bytes, 1));
      if (this.ptr === 0) throw new Error(`the WebAssembly heap cannot hold ${bytes} bytes`);
      this.size = bytes;
    }
    return this.ptr;
  }

  /** The heap's bytes at the buffer (a view: valid until the next heap growth). */
  view(bytes: number): Uint8Array {
    return this.m.HEAPU8.subarray(this.ptr, this.ptr + bytes);
  }

  free(): void {
    if (this.ptr !== 0) this.m._free(this.ptr);
    this.ptr = 0;
    this.size = 0;
  }
}
