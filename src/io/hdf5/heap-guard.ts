/**
 * A guard against the damage HDF5 loops forever on: a global heap collection (where variable-length strings live,
 * signature "GCOL") whose objects, walked as HDF5 walks them when it loads the collection, include a free-space
 * object of size 0. HDF5 steps over it by 0 bytes, forever (h5py's HDF5 1.10 as well as h5wasm's 2.0; one zeroed
 * block in a collection is enough). No time limit can stop a WebAssembly call in the thread that waits on it, so
 * the collection is checked before HDF5 gets it: every byte HDF5 reads passes through the module's file system
 * (`FS.read`); a read holding a collection's start has the whole collection checked (once per file and address),
 * and one HDF5 would loop on makes that read fail with an I/O error, which HDF5 reports as a failed read.
 *
 * The walk is HDF5's (H5HG cache deserialize) in the module's 32-bit sizes: from the end of the 16-byte header,
 * while at least an object header (16 bytes) is left: index (2 bytes), size (8 bytes, 4 kept), then the object's
 * header and size rounded up to 8 bytes (index 0, the free space: its size alone). A step of 0 loops; a step past
 * the collection is an error HDF5 reports itself (refused here all the same).
 */

import type { H5Module } from "./h5.js";

/** The module's file system calls the guard wraps. */
interface GuardedFS {
  read(stream: object, buffer: Int8Array | Uint8Array, offset: number, length: number, position?: number): number;
  ErrnoError: new (errno: number) => Error;
}

/** Emscripten's EIO (the errno HDF5 reports). */
export const EIO = 29;
const SIGNATURE = [0x47, 0x43, 0x4f, 0x4c]; // "GCOL"
const HEADER_BYTES = 16;
const OBJECT_HEADER_BYTES = 16;
/** Collections larger than this are left to HDF5 (pynwb's and tsnwb's are 4 KiB to a few MiB). */
const MAX_CHECKED_BYTES = 256 << 20;

/** Why the last read was refused, until an error message takes it (see {@link takeHeapRefusal}). */
let refusal: string | undefined;

/**
 * Why the guard last refused a read, once: HDF5 only hears of an I/O error (errno 29), so the message of the error
 * that follows (`hdf5Message`) says this instead.
 */
export function takeHeapRefusal(): string | undefined {
  const why = refusal;
  refusal = undefined;
  return why;
}

/** Whether HDF5's walk over the collection `bytes` (header included) would loop or run past its end. */
export function loopingCollection(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  for (let p = HEADER_BYTES; p < end && p + OBJECT_HEADER_BYTES <= end;) {
    const index = view.getUint16(p, true);
    const size = view.getUint32(p + 8, true);
    const step = (index > 0 ? OBJECT_HEADER_BYTES + ((size + 7) & ~7) : size) >>> 0;
    if (step === 0 || p + step > end) return true;
    p += step;
  }
  return false;
}

/** The offsets in `bytes` where a version 1 collection header starts. */
function collectionStarts(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = bytes.indexOf(SIGNATURE[0]!); at >= 0 && at + HEADER_BYTES <= bytes.length; at = bytes.indexOf(SIGNATURE[0]!, at + 1)) {
    if (bytes[at + 1] === SIGNATURE[1] && bytes[at + 2] === SIGNATURE[2] && bytes[at + 3] === SIGNATURE[3] && bytes[at + 4] === 1) out.push(at);
  }
  return out;
}

/** Wraps the module's `FS.read` (once per module) so that reads holding a collection HDF5 would loop on fail. */
export function guardGlobalHeaps(m: H5Module): void {
  const fs = (m as unknown as { FS: GuardedFS }).FS;
  const guarded = fs as GuardedFS & { heapGuard?: true };
  if (guarded.heapGuard) return;
  guarded.heapGuard = true;
  const read = fs.read.bind(fs);
  /** Collections found sound, per open stream, by address. */
  const checked = new WeakMap<object, Set<number>>();
  fs.read = (stream, buffer, offset, length, position) => {
    const at = position ?? (stream as { position: number }).position;
    const n = read(stream, buffer, offset, length, position);
    if (n <= 0) return n;
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, n);
    for (const start of collectionStarts(bytes)) {
      const address = at + start;
      const sound = checked.get(stream) ?? new Set<number>();
      checked.set(stream, sound);
      if (sound.has(address)) continue;
      const size = new DataView(bytes.buffer, bytes.byteOffset + start + 8, 8).getBigUint64(0, true);
      if (size < HEADER_BYTES || size > MAX_CHECKED_BYTES) continue;
      let collection = bytes.subarray(start, start + Number(size));
      if (collection.length < size) {
        // The rest of it is read here (HDF5 first reads 4 KiB of a collection, then the rest): a read that comes up short is HDF5's to report.
        const whole = new Uint8Array(Number(size));
        if (read(stream, whole, 0, whole.length, address) < whole.length) continue;
        collection = whole;
      }
      if (loopingCollection(collection)) {
        refusal = `the global heap collection at byte ${address} is damaged (HDF5 would loop on it forever)`;
        throw new fs.ErrnoError(EIO);
      }
      sound.add(address);
    }
    return n;
  };
}
