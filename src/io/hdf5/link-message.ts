/**
 * HDF5's link message (0x0006, version 1), decoded: what a new-style group holds for each of its links, in its header
 * (compact storage) or as an object of its fractal heap (dense storage, `dense-storage.ts`). Shared by the tree
 * reader (`group-links.ts`) and the metadata prefetcher (`metadata-prefetch.ts`).
 */
import { NotDecoded } from "./dense-storage.js";
import { readUint } from "./object-header.js";

/** A link as its message says: hard (an object header's address), soft (a path) or external (a file and a path). */
export type LinkTarget =
  | { kind: "hard"; address: number }
  | { kind: "soft"; target: string }
  | { kind: "external"; file: string; path: string };

export type DecodedLink = { name: string; order?: number } & LinkTarget;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function cString(bytes: Uint8Array, at: number): string {
  const end = bytes.indexOf(0, at);
  if (end < 0) throw new NotDecoded();
  return utf8.decode(bytes.subarray(at, end));
}

/**
 * The link message at `at` in `b` and the position after it. Links of user-defined types (other than soft, 1,
 * and external, 64) and damaged messages throw NotDecoded.
 */
export function decodeLinkMessage(b: Uint8Array, at = 0): { link: DecodedLink; end: number } {
  if (b[at] !== 1) throw new NotDecoded();
  const flags = b[at + 1]!;
  if (flags & ~0x1f) throw new NotDecoded();
  let p = at + 2;
  let type = 0;
  if (flags & 0x08) type = b[p++]!;
  let order: number | undefined;
  if (flags & 0x04) {
    order = readUint(b, p, 8);
    p += 8;
  }
  if (flags & 0x10) p += 1; // the name's character set (ASCII or UTF-8: both decoded as UTF-8)
  const lengthBytes = 1 << (flags & 0x03);
  const nameLength = readUint(b, p, lengthBytes);
  p += lengthBytes;
  if (nameLength === 0 || p + nameLength > b.length) throw new NotDecoded();
  const name = utf8.decode(b.subarray(p, p + nameLength));
  p += nameLength;
  if (type === 0) {
    if (p + 8 > b.length) throw new NotDecoded();
    return { link: { name, order, kind: "hard", address: readUint(b, p, 8) }, end: p + 8 };
  }
  const length = readUint(b, p, 2);
  const value = b.subarray(p + 2, p + 2 + length);
  if (value.length !== length) throw new NotDecoded();
  const end = p + 2 + length;
  if (type === 1) {
    const nul = value.indexOf(0);
    return { link: { name, order, kind: "soft", target: utf8.decode(nul < 0 ? value : value.subarray(0, nul)) }, end };
  }
  if (type === 64) {
    // Version 0, flags 0, then the file's name and the object's path, each NUL-terminated.
    if (value[0] !== 0) throw new NotDecoded();
    const fileEnd = value.indexOf(0, 1);
    if (fileEnd < 0) throw new NotDecoded();
    return { link: { name, order, kind: "external", file: cString(value, 1), path: cString(value, fileEnd + 1) }, end };
  }
  throw new NotDecoded();
}
