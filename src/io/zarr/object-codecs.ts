/**
 * numcodecs' object codecs, which turn a chunk of Python objects into bytes and back: `vlen-utf8` (text),
 * `vlen-bytes` (byte strings) and `json2` (any JSON value: references, cached specifications). A chunk of an object
 * array is always encoded by one of them before its compressor, so reading and writing text or references in Zarr
 * goes through here.
 */
import { FormatError } from "../../errors.js";
import { type PythonJSONInput, compactPythonJSON } from "./python-json.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** `vlen-utf8`: a little-endian uint32 count, then per item a uint32 byte length and its UTF-8 bytes. */
export function encodeVlenUtf8(items: readonly string[]): Uint8Array {
  return encodeVlen(items.map((s) => encoder.encode(s)));
}

/** The texts of a `vlen-utf8` chunk (`where` names the chunk in errors). */
export function decodeVlenUtf8(bytes: Uint8Array, where: string): string[] {
  return decodeVlen(bytes, where).map((b) => decoder.decode(b));
}

/** The byte strings of a `vlen-bytes` chunk (same framing as `vlen-utf8`). */
export function decodeVlenBytes(bytes: Uint8Array, where: string): Uint8Array[] {
  return decodeVlen(bytes, where);
}

function encodeVlen(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(4 + parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, parts.length, true);
  let at = 4;
  for (const p of parts) {
    view.setUint32(at, p.length, true);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

function decodeVlen(bytes: Uint8Array, where: string): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) => new FormatError(where, `damaged variable-length chunk: ${why}`);
  if (bytes.length < 4) throw bad("shorter than its item count");
  const count = view.getUint32(0, true);
  const out: Uint8Array[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) throw bad(`item ${i} of ${count} is missing`);
    const n = view.getUint32(at, true);
    if (at + 4 + n > bytes.length) throw bad(`item ${i} runs past the chunk's end`);
    out.push(bytes.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

/**
 * `json2`: the JSON text of the items followed by the chunk's dtype string and shape (`[a, b, "|O", [2]]`), as
 * numcodecs' JSON codec writes it (sorted keys, no spaces, non-ASCII escaped: `python-json.ts`).
 */
export function encodeJSON2(items: readonly unknown[], shape: readonly number[], dtype = "|O"): Uint8Array {
  return encoder.encode(compactPythonJSON([...items, dtype, [...shape]] as PythonJSONInput));
}

/**
 * The items of a `json2` (or `json`) chunk, in C order: numcodecs writes the elements (nested lists for an N-D
 * chunk), then the dtype string and the shape, which are dropped.
 */
export function decodeJSON2(bytes: Uint8Array, where: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new FormatError(where, `damaged JSON chunk: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(parsed) || parsed.length < 2 || !Array.isArray(parsed[parsed.length - 1])) {
    throw new FormatError(where, "damaged JSON chunk: not a list of items followed by a dtype and a shape");
  }
  const shape = parsed[parsed.length - 1] as unknown[];
  return (parsed.slice(0, -2) as unknown[]).flat(Math.max(0, shape.length - 1));
}
