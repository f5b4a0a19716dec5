/**
 * The paths object references point to. HDF5's own answer (`get_referenced_name`, H5Rget_name) searches the whole
 * file for the object each time it is asked: 45 ms a reference on a file of 2,000 objects, a sixth of the time its
 * tree took to read with 5 references. An object reference holds the address of the object's header, which
 * h5wasm's `create_object_reference` gives for a path: the addresses of the objects the tree reader walked (groups
 * and datasets reached by hard links) are asked as needed (the referring object's neighbours first, then the rest
 * in turn, each once per file) and the answers kept. A reference to none of them (or an unusual one) is asked of
 * HDF5, once per distinct reference.
 */
import type { H5File, H5Module } from "./h5.js";

/** Bytes of an object reference (an object header address). */
const OBJECT_REFERENCE_BYTES = 8;

function keyOf(bytes: ArrayLike<number>): string {
  let key = "";
  for (let i = 0; i < bytes.length; i++) key += bytes[i]!.toString(16).padStart(2, "0");
  return key;
}

function parentOf(path: string): string {
  const at = path.lastIndexOf("/");
  return at <= 0 ? "/" : path.slice(0, at);
}

export class ReferenceNames {
  /** Reference (hex) -> path, as answered. */
  private readonly names = new Map<string, string>();
  /** Address (hex) -> path, of the candidates asked so far (the first path wins). */
  private readonly atAddress = new Map<string, string>();
  private readonly asked = new Set<string>();
  private candidates: string[] = [];
  private readonly byParent = new Map<string, string[]>();
  private next = 0;

  /**
   * A resolver for one reading of `file` (a tree, a dataset's values): what it learns is not kept beyond, since a
   * file open for writing may later hold another object at a freed address.
   */
  constructor(private readonly m: H5Module, private readonly file: H5File) {}

  /** The paths of the file's groups and datasets reached by hard links (as the tree reader walked them). */
  setObjects(paths: string[]): void {
    this.candidates = paths;
    this.next = 0;
    this.byParent.clear();
    for (const p of paths) {
      const parent = parentOf(p);
      let list = this.byParent.get(parent);
      if (list === undefined) this.byParent.set(parent, (list = []));
      list.push(p);
    }
  }

  /** That the object at `path` (reached by hard links) has its header at `headerAddress` (what its reference holds). */
  knowAddress(path: string, headerAddress: number): void {
    this.asked.add(path);
    const reference = new Uint8Array(OBJECT_REFERENCE_BYTES);
    for (let i = 0, a = headerAddress; i < OBJECT_REFERENCE_BYTES; i++, a = Math.floor(a / 256)) reference[i] = a % 256;
    const address = keyOf(reference);
    if (!this.atAddress.has(address)) this.atAddress.set(address, path);
  }

  /** The path `ref` (an object reference's bytes) points to; `near`: the path of the object that holds it. */
  name(ref: Uint8Array, near?: string): string {
    const key = keyOf(ref);
    const known = this.names.get(key);
    if (known !== undefined) return known;
    let path = ref.length === OBJECT_REFERENCE_BYTES && ref.some((b) => b !== 0) ? this.search(key, near) : undefined;
    path ??= this.m.get_referenced_name(this.file.file_id, ref, true);
    this.names.set(key, path);
    return path;
  }

  private search(address: string, near: string | undefined): string | undefined {
    const found = this.atAddress.get(address);
    if (found !== undefined) return found;
    if (near !== undefined) {
      // A column's index names its column, a sibling; a group's attribute may name a child.
      for (const p of [...(this.byParent.get(near) ?? []), ...(this.byParent.get(parentOf(near)) ?? [])]) {
        if (this.addressOf(p) === address) return p;
      }
    }
    while (this.next < this.candidates.length) {
      const p = this.candidates[this.next++]!;
      if (this.addressOf(p) === address) return p;
    }
    return undefined;
  }

  /** The address (hex) of the object at `path`, asked once; undefined when HDF5 cannot make its reference. */
  private addressOf(path: string): string | undefined {
    if (this.asked.has(path)) return undefined;
    this.asked.add(path);
    let address: string;
    try {
      address = keyOf(this.m.create_object_reference(this.file.file_id, path));
    } catch {
      return undefined;
    }
    if (!this.atAddress.has(address)) this.atAddress.set(address, path);
    return this.atAddress.get(address) === path ? address : undefined;
  }
}
