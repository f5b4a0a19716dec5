/**
 * The one place that loads h5wasm: its module, with HDF5 errors turned into JS exceptions instead of
 * console output, and the low-level calls the backend uses to move slabs through the WebAssembly heap.
 */
import h5wasm from "h5wasm/node";
import type { File as H5File } from "h5wasm/node";

export type { H5File };
export type H5Module = Awaited<typeof h5wasm.ready>;

let modulePromise: Promise<H5Module> | undefined;

/** The ready h5wasm module (loaded once). */
export function h5(): Promise<H5Module> {
  modulePromise ??= h5wasm.ready.then((m) => {
    m.activate_throwing_error_handler();
    return m;
  });
  return modulePromise;
}

export { h5wasm };

/** The HDF5 message of an h5wasm error, reduced to its last (most specific) line. */
export function hdf5Message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  const detail = [...lines].reverse().find((l) => /^#\d+:/.test(l));
  return detail ? detail.replace(/^#\d+:.*? in [A-Za-z0-9_]+\(\): /, "") : lines[0] ?? text;
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
