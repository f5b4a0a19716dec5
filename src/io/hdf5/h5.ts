/**
 * What the HDF5 backend needs of h5wasm, whichever build is loaded (the Node build for files on disk:
 * `h5-node.ts`; the in-memory build for URLs and browsers: `h5-memory.ts`): its types, objects made by the file's
 * own build, HDF5's error messages, and the low-level calls that move slabs through the WebAssembly heap. Nothing
 * here loads a build or touches Node.
 */
import type h5wasmNode from "h5wasm/node";
import type { File as H5File } from "h5wasm/node";
import { ModeError } from "../../errors.js";
import { EIO, takeHeapRefusal } from "./heap-guard.js";

export type { H5File };
export type H5Module = Awaited<typeof h5wasmNode.ready>;
type H5wasm = typeof h5wasmNode;

/** The h5wasm Dataset class (of either build: the node one for files on disk, the browser one for URLs). */
export type H5Dataset = InstanceType<H5wasm["Dataset"]>;
export type H5Group = InstanceType<H5wasm["Group"]>;

/**
 * The dataset at `path`, made by the file's own h5wasm build (so that the same code serves files opened by either
 * build: a Dataset constructed from another build's module would read through the wrong WebAssembly heap).
 */
export function datasetAt(file: H5File, path: string): H5Dataset {
  return file.get(path) as H5Dataset;
}

/** Each h5wasm build's Dataset class (by its File class's prototype), as the build's `File.get` made one. */
const datasetClasses = new WeakMap<object, new (file_id: bigint, path: string) => H5Dataset>();

/**
 * The dataset at `path`, known to be one (the tree reader has asked HDF5 its type): made without asking again, by
 * the file's own build's Dataset class once a dataset of that build has been looked up ({@link datasetAt}).
 */
export function knownDatasetAt(file: H5File, path: string): H5Dataset {
  const made = datasetClasses.get(Object.getPrototypeOf(file) as object);
  if (made) return new made(file.file_id, path);
  const ds = datasetAt(file, path);
  datasetClasses.set(Object.getPrototypeOf(file) as object, ds.constructor as new (file_id: bigint, path: string) => H5Dataset);
  return ds;
}

/**
 * The address of the object header of the dataset at `path`: what an HDF5 object reference holds (8 bytes,
 * little-endian), so h5wasm's `create_reference` gives it. For the file's own bytes (`object-header.ts`). Given the
 * file's module `m`, the reference is asked of it directly: `create_reference` first looks the object up again
 * to make a Dataset, which costs several times the reference itself on a first read.
 */
export function objectHeaderAddress(file: H5File, path: string, m?: H5Module): number {
  const ref: ArrayLike<number> = m
    ? m.create_object_reference(file.file_id, path)
    : (datasetAt(file, path).create_reference() as unknown as { ref_data: ArrayLike<number> }).ref_data;
  let address = 0;
  for (let i = 7; i >= 0; i--) address = address * 256 + ref[i]!;
  return address;
}

/** The group (or dataset) at `path`, for its attributes. */
export function objectAt(file: H5File, path: string): H5Group | H5Dataset {
  return path === "/" ? (file as unknown as H5Group) : (file.get(path) as H5Group | H5Dataset);
}

/**
 * The attributes of the object at `path` (a group or a dataset), as h5wasm's `attrs` gives them, without looking the
 * object up first: `file.get(path)` asks HDF5 the object's type (a call per object) only to make the Group or
 * Dataset whose `attrs` needs nothing but the file and the path. The getter is the file's own build's.
 */
export function attributesAt(file: H5File, path: string): H5Group["attrs"] {
  return Reflect.get(file, "attrs", { file_id: file.file_id, path }) as H5Group["attrs"];
}

/** Files closed by tsnwb, with the name to give in errors: reading them after close() says so. */
const closedFiles = new WeakMap<H5File, string>();

/** Marks `file` as closed by tsnwb (before h5wasm closes it). */
export function markClosed(file: H5File, name: string): void {
  closedFiles.set(file, name);
}

/** Throws the error a read of a closed file gets: the file is closed (rather than HDF5's "invalid identifier"). */
export function refuseClosed(file: H5File, what: string): void {
  const name = closedFiles.get(file);
  if (name !== undefined) throw new ModeError(`cannot read ${what}: ${name} is closed (read what you need before close(), or open it again)`);
}

/** How many h5wasm builds are starting now (see {@link loadQuietly}), and console.error from before they started. */
let starting = 0;
let consoleError: typeof console.error = console.error;

/**
 * What Emscripten's `err` prints: an abort's reason ("Aborted(native code called abort())") and warnings about
 * damaged text ("Invalid UTF-8 leading byte ..."). While a build starts this is console.error, so that it is what
 * the module binds its `err` to (h5wasm gives it no `printErr` of its own): other code's lines still go through
 * then; afterwards only the modules call it, and their lines are dropped. An abort is then only the exception the
 * HDF5 call throws (see {@link hdf5Message}); a warning about damaged text says nothing the read does not.
 */
function moduleOutput(...args: unknown[]): void {
  if (starting > 0) consoleError.apply(console, args);
}

/**
 * Loads an h5wasm build (`load` imports it and awaits its `ready`) so that nothing its WebAssembly module says is
 * ever printed: the build must not have been imported before.
 */
export async function loadQuietly<T>(load: () => Promise<T>): Promise<T> {
  if (starting++ === 0) {
    consoleError = console.error;
    console.error = moduleOutput;
  }
  try {
    return await load();
  } finally {
    if (--starting === 0) console.error = consoleError;
  }
}

/** How HDF5 reports a read that failed with the errno the heap guard gives. */
const REFUSED_READ = new RegExp(`errno = ${EIO}\\b`);

/**
 * The HDF5 message of an h5wasm error, reduced to its last (most specific) line. A WebAssembly.RuntimeError is HDF5
 * itself failing on damaged bytes (an abort, an access out of bounds): said so, without Emscripten's wording. A read
 * the heap guard refused (`heap-guard.ts`) is said as the guard's reason.
 */
export function hdf5Message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // A read the heap guard refused: HDF5 saw an I/O error, and may have aborted on it.
  if (e instanceof WebAssembly.RuntimeError || REFUSED_READ.test(text)) {
    const refused = takeHeapRefusal();
    if (refused !== undefined) return refused;
  }
  if (e instanceof WebAssembly.RuntimeError) return `HDF5 failed on damaged data (${text.replace(/^Aborted\((.*)\)$/s, "$1")})`;
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  const detail = [...lines].reverse().find((l) => /^#\d+:/.test(l));
  return detail ? detail.replace(/^#\d+:.*? in [A-Za-z0-9_]+\(\): /, "") : lines[0] ?? text;
}

/** h5wasm's type metadata of a numeric dtype code (`<B`, `<f`...), from the loaded build's own constants. */
function numericMetadata(m: H5Module, dtype: string): { type: number; size: number; signed: boolean; littleEndian: boolean; vlen: boolean } {
  const code = dtype.slice(-1);
  const float = code === "e" || code === "f" || code === "d";
  const sizes: Record<string, number> = { b: 1, h: 2, i: 4, q: 8, e: 2, f: 4, d: 8 };
  return {
    type: float ? m.H5T_class_t.H5T_FLOAT.value : m.H5T_class_t.H5T_INTEGER.value,
    size: sizes[code.toLowerCase()]!, signed: float || code === code.toLowerCase(), littleEndian: true, vlen: false,
  };
}

/**
 * Creates a contiguous dataset without writing its values, which then follow in slabs of a few MB. h5wasm's
 * own `create_dataset` writes the whole array in one call, which here is ten times slower than slabs and
 * touches as much fresh WebAssembly memory as the array is large. Passing no buffer makes HDF5 create the
 * dataset and then refuse the write ("no input buffer"); that expected refusal goes to the muted C stderr.
 */
export function createDatasetWithoutValues(m: H5Module, file: H5File, path: string, dtype: string, shape: number[]): void {
  const metadata = {
    ...numericMetadata(m, dtype),
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
