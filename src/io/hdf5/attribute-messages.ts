/**
 * An object's attributes read from its header's bytes (attribute messages), without HDF5: on a file of 2,000
 * objects and 6,500 attributes, asking h5wasm for each attribute's names, metadata and values (each call finding the
 * object by its path and the attribute by its name anew) was half of the time its whole tree took to read. Only
 * what NWB files hold is decoded here, as h5wasm decodes it (strings fixed and variable-length, integers, IEEE
 * floats, object references, in scalar or simple dataspaces, from headers of version 1 or 2, kept in the header or
 * densely): for anything else (shared messages, other types, damaged bytes) the caller asks HDF5, so the values are
 * the same either way.
 */
import type { TypedArray } from "../../data/dtype.js";
import { type DenseInfo, NotDecoded, NotDecoded as NotHere, decodeDenseInfo, denseObjects, hdf5Order } from "./dense-storage.js";
import { type FileBytes, MESSAGE, type ObjectHeader, messageBody, readObjectHeader, readUint } from "./object-header.js";

/** An attribute's values as decoded here: strings, a typed array, or object references' raw bytes. */
export type DecodedAttribute =
  | { kind: "text"; values: string[]; shape: number[] }
  | { kind: "numbers"; values: TypedArray; shape: number[] }
  | { kind: "references"; refs: Uint8Array[]; shape: number[] };

/** Random access to the file's bytes (read-only). */
export type ByteSource = Pick<FileBytes, "read">;

/** Where the metadata of files opened by URL can be read from (the range reader's cache: what HDF5 reads). */
const sources = new WeakMap<object, ByteSource>();

/** Lets the tree reader read the structure of `h5file` (an open h5wasm file, read-only) from `bytes`. */
export function registerMetadataBytes(h5file: object, bytes: ByteSource): void {
  sources.set(h5file, bytes);
}

export function metadataBytesOf(h5file: object): ByteSource | undefined {
  return sources.get(h5file);
}

/** Thrown (and caught by the caller, who then asks HDF5) for what is not decoded here. */
export { NotDecoded as NotHere };

const ATTRIBUTE_INFO = 0x0015;
/** Versions 1 and 2 of the dataspace message: scalar, simple, null. */
const NULL_DATASPACE = 2;

/** Global heap collections, read once per tree (vlen strings of many attributes share one). */
export type HeapCache = Map<number, Uint8Array>;

/**
 * The attributes of the object whose header is at `address`, in the order HDF5 (and h5wasm) lists them (by name,
 * or by creation order where the object indexes it), or undefined when they are not all decoded here. Attributes
 * stored densely (a fractal heap and its name index, as HDF5 stores more than 8 attributes in files of the newer
 * format) are read through `dense-storage.ts`.
 */
export function attributesFromHeader(bytes: ByteSource, address: number, heaps: HeapCache, read?: ObjectHeader): { name: string; value: DecodedAttribute }[] | undefined {
  try {
    const header = read ?? readObjectHeader(bytes, address);
    const found: { name: string; value: DecodedAttribute; order?: number }[] = [];
    let info: DenseInfo | undefined;
    for (const m of header.messages) {
      if (m.type === ATTRIBUTE_INFO) {
        if (info !== undefined || m.flags & 0x02) return undefined;
        info = decodeDenseInfo(messageBody(m), false);
        continue;
      }
      if (m.type !== MESSAGE.attribute) continue;
      // Shared (bit 1) or unknown to HDF5 (bits 3, 4...): not ours to decode. Constant (bit 0) and "not to be
      // shared" (bit 2, which h5py's older files set on attributes) say nothing of the message's own bytes.
      if (m.flags & ~0x05) return undefined;
      found.push({ ...attributeMessage(bytes, messageBody(m), heaps), order: m.order });
    }
    if (info?.heap !== undefined) {
      // Dense: the attributes are the heap's objects (a header holding attribute messages too is not one HDF5 wrote).
      if (found.length > 0 || info.nameIndex === undefined) return undefined;
      for (const { body, order } of denseObjects(bytes, info.heap, info.nameIndex)) found.push({ ...attributeMessage(bytes, body, heaps), order });
    }
    return hdf5Order(found, info?.orderIndexed ?? false).map(({ name, value }) => ({ name, value }));
  } catch {
    return undefined;
  }
}

const pad8 = (n: number) => (n + 7) & ~7;

function attributeMessage(bytes: ByteSource, body: Uint8Array, heaps: HeapCache): { name: string; value: DecodedAttribute } {
  const version = body[0]!;
  if (version < 1 || version > 3) throw new NotHere();
  if (version >= 2 && body[1]! & 0x03) throw new NotHere(); // shared datatype or dataspace
  const nameSize = readUint(body, 2, 2);
  const typeSize = readUint(body, 4, 2);
  const spaceSize = readUint(body, 6, 2);
  let at = version === 3 ? 9 : 8;
  const pad = version === 1 ? pad8 : (n: number) => n;
  const nameBytes = body.subarray(at, at + nameSize);
  const nul = nameBytes.indexOf(0);
  const name = new TextDecoder("utf-8", { fatal: true }).decode(nul < 0 ? nameBytes : nameBytes.subarray(0, nul));
  at += pad(nameSize);
  const type = datatype(body.subarray(at, at + typeSize));
  at += pad(typeSize);
  const shape = dataspace(body.subarray(at, at + spaceSize));
  at += pad(spaceSize);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = body.subarray(at, at + count * type.size);
  if (data.length !== count * type.size) throw new NotHere();
  return { name, value: decode(bytes, type, shape, count, data, heaps) };
}

export type Datatype =
  | { kind: "integer"; size: number; signed: boolean; bigEndian: boolean }
  | { kind: "float"; size: number; bigEndian: boolean }
  | { kind: "string"; size: number; utf8: boolean }
  | { kind: "vlen-string"; size: number; utf8: boolean }
  | { kind: "reference"; size: number };

/** A datatype message's type, when it is one decoded here. */
export function datatype(t: Uint8Array): Datatype {
  const cls = t[0]! & 0x0f;
  const version = t[0]! >> 4;
  const bits = t[1]! | (t[2]! << 8) | (t[3]! << 16);
  const size = readUint(t, 4, 4);
  if (cls === 0) {
    // Fixed-point: every bit of `size` bytes used, from bit 0.
    if (![1, 2, 4, 8].includes(size) || readUint(t, 8, 2) !== 0 || readUint(t, 10, 2) !== size * 8) throw new NotHere();
    return { kind: "integer", size, signed: (bits & 0x08) !== 0, bigEndian: (bits & 0x01) !== 0 };
  }
  if (cls === 1) {
    // IEEE binary32 / binary64 only (HDF5 converts others; VAX order, bit 6, too).
    const layout = size === 8 ? [0, 64, 52, 11, 0, 52, 1023, 63] : size === 4 ? [0, 32, 23, 8, 0, 23, 127, 31] : undefined;
    // Mantissa normalisation 2: its leading 1 implied, as IEEE's.
    if (layout === undefined || bits & 0x40 || ((bits >> 4) & 0x03) !== 2) throw new NotHere();
    const found = [readUint(t, 8, 2), readUint(t, 10, 2), t[12]!, t[13]!, t[14]!, t[15]!, readUint(t, 16, 4), (bits >> 8) & 0xff];
    if (!layout.every((v, i) => found[i] === v)) throw new NotHere();
    return { kind: "float", size, bigEndian: (bits & 0x01) !== 0 };
  }
  if (cls === 3) {
    if (size === 0) throw new NotHere();
    return { kind: "string", size, utf8: ((bits >> 4) & 0x0f) === 1 };
  }
  if (cls === 9) {
    // Variable-length: a string (type 1), each element a global heap id (length, collection address, index).
    if ((bits & 0x0f) !== 1 || size !== 16) throw new NotHere();
    return { kind: "vlen-string", size, utf8: ((bits >> 8) & 0x0f) === 1 };
  }
  if (cls === 7) {
    // Object references of datatype versions 1 to 3: an object header address.
    if ((bits & 0x0f) !== 0 || version >= 4 || size !== 8) throw new NotHere();
    return { kind: "reference", size };
  }
  throw new NotHere();
}

/** A dataspace message's shape ([] for a scalar); a null dataspace is not decoded here; nor sides above `largest`. */
export function dataspace(s: Uint8Array, largest = 1 << 24): number[] {
  const version = s[0]!;
  const rank = s[1]!;
  if (version === 1) {
    if (s[2]! & 0x02) throw new NotHere(); // permutation index
    return dims(s, 8, rank, largest);
  }
  if (version === 2) {
    if (s[3] === NULL_DATASPACE) throw new NotHere();
    return dims(s, 4, rank, largest);
  }
  throw new NotHere();
}

/** The dimensions; an attribute's of more than `largest` elements a side are left to HDF5 (damage, most likely). */
function dims(s: Uint8Array, at: number, rank: number, largest: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rank; i++) out.push(readUint(s, at + 8 * i, 8));
  if (out.some((d) => !Number.isSafeInteger(d) || d > largest)) throw new NotHere();
  return out;
}

const INTEGER_CLASSES: Record<number, [new (n: number) => TypedArray, new (n: number) => TypedArray]> = {
  1: [Int8Array, Uint8Array], 2: [Int16Array, Uint16Array], 4: [Int32Array, Uint32Array], 8: [BigInt64Array as never, BigUint64Array as never],
};

function decode(bytes: ByteSource, type: Datatype, shape: number[], count: number, data: Uint8Array, heaps: HeapCache): DecodedAttribute {
  switch (type.kind) {
    case "integer":
    case "float": {
      const Numbers = type.kind === "float" ? (type.size === 8 ? Float64Array : Float32Array) : INTEGER_CLASSES[type.size]![type.signed ? 0 : 1];
      const copy = data.slice();
      if (type.bigEndian) for (let i = 0; i < copy.length; i += type.size) copy.subarray(i, i + type.size).reverse();
      const values = new Numbers(count);
      new Uint8Array(values.buffer).set(copy);
      return { kind: "numbers", values, shape };
    }
    case "string": {
      // As h5wasm: each element up to its first NUL, decoded as UTF-8 or (TextDecoder's) ASCII.
      const decoder = new TextDecoder(type.utf8 ? "utf-8" : "ascii");
      const values: string[] = [];
      for (let i = 0; i < count; i++) {
        const one = data.subarray(i * type.size, (i + 1) * type.size);
        const end = one.indexOf(0);
        values.push(decoder.decode(end < 0 ? one : one.subarray(0, end)));
      }
      return { kind: "text", values, shape };
    }
    case "vlen-string": {
      const values: string[] = [];
      for (let i = 0; i < count; i++) {
        const at = i * 16;
        const length = readUint(data, at, 4);
        const collection = readUint(data, at + 4, 8);
        const index = readUint(data, at + 12, 4);
        values.push(length === 0 ? "" : text(heapObject(bytes, collection, index, length, heaps), type.utf8));
      }
      return { kind: "text", values, shape };
    }
    case "reference":
      return { kind: "references", refs: Array.from({ length: count }, (_, i) => data.slice(i * 8, i * 8 + 8)), shape };
  }
}

/**
 * The strings of a dataset of strings (fixed or variable-length) whose header is at `address`, stored compact or
 * contiguous, read from the file's bytes; undefined for anything else (ask HDF5). A file's scalar text datasets
 * (descriptions, identifiers, units) are read as it is opened: h5wasm's way (find the dataset, its metadata, its
 * values, their memory given back) costs four lookups by path each.
 */
export function datasetText(bytes: ByteSource, address: number, heaps: HeapCache): string[] | undefined {
  try {
    const header = readObjectHeader(bytes, address);
    const one = (type: number) => {
      const found = header.messages.filter((m) => m.type === type);
      if (found.length !== 1 || found[0]!.flags & 0x02) throw new NotHere();
      return messageBody(found[0]!);
    };
    const type = datatype(one(MESSAGE.datatype));
    if (type.kind !== "string" && type.kind !== "vlen-string") return undefined;
    const shape = dataspace(one(MESSAGE.dataspace));
    const count = shape.reduce((a, b) => a * b, 1);
    const layout = one(MESSAGE.layout);
    if (layout[0] !== 3 && layout[0] !== 4) return undefined;
    let data: Uint8Array;
    if (layout[1] === 0) {
      data = layout.subarray(4, 4 + readUint(layout, 2, 2));
    } else if (layout[1] === 1) {
      const at = readUint(layout, 2, 8);
      // Never written (an undefined address): HDF5 gives the fill value.
      if (at >= Number.MAX_SAFE_INTEGER) return undefined;
      data = bytes.read(at, count * type.size);
    } else {
      return undefined;
    }
    if (data.length !== count * type.size) return undefined;
    const decoded = decode(bytes, type, shape, count, data, heaps);
    return decoded.kind === "text" ? decoded.values : undefined;
  } catch {
    return undefined;
  }
}

/** A C string's text as Emscripten's UTF8ToString / AsciiToString give it (up to its first NUL); not invalid UTF-8. */
function text(b: Uint8Array, utf8: boolean): string {
  const end = b.indexOf(0);
  const s = end < 0 ? b : b.subarray(0, end);
  if (utf8) return new TextDecoder("utf-8", { fatal: true }).decode(s);
  let out = "";
  for (const c of s) out += String.fromCharCode(c);
  return out;
}

/** Object `index` of the global heap collection at `address`: its first `length` bytes. */
function heapObject(bytes: ByteSource, address: number, index: number, length: number, heaps: HeapCache): Uint8Array {
  let collection = heaps.get(address);
  if (collection === undefined) {
    const head = bytes.read(address, 16);
    if (head[0] !== 0x47 || head[1] !== 0x43 || head[2] !== 0x4f || head[3] !== 0x4c || head[4] !== 1) throw new NotHere();
    const size = readUint(head, 8, 8);
    if (size < 16 || size > 64 << 20) throw new NotHere();
    collection = bytes.read(address, size);
    heaps.set(address, collection);
  }
  // The walk HDF5 makes (see heap-guard.ts): objects of a 16-byte header and a body padded to 8 bytes; index 0 is
  // the free space, the rest of the collection.
  for (let p = 16; p + 16 <= collection.length;) {
    const i = readUint(collection, p, 2);
    const size = readUint(collection, p + 8, 8);
    if (i === 0) break;
    if (i === index) {
      if (length > size || p + 16 + length > collection.length) throw new NotHere();
      return collection.subarray(p + 16, p + 16 + length);
    }
    p += 16 + pad8(size);
  }
  throw new NotHere();
}
