/**
 * What an append changes: the builder tree of an NWBFile read from a file and changed since, against the tree
 * stored in that file. HDF5 (through h5wasm) can add objects and replace attributes where they are, but not delete,
 * move, resize a fixed-size dataset or retarget a link: changes of that kind make the whole file be written anew
 * (the copy an append works on), or, where the file is changed in place, are refused. Nothing is left unwritten
 * without an error: a table's new rows, a changed value, a removed object are each one or the other.
 */
import { type AttributeBuilder, type Builder, DatasetBuilder, GroupBuilder, LinkBuilder, type ReferenceValue, readIntoFields } from "./builders.js";
import { type LazyArray, isFrameSource, isLazyArray } from "../data/lazy.js";
import { type NDArray, isNDArray, product } from "../data/ndarray.js";
import { bytesPerElement, isNumericDType } from "../data/dtype.js";

/** Stored values up to this size are read to tell whether a value given again is the same. */
const COMPARE_BYTES = 16 << 20;

/** Attributes that say what an object is: never rewritten (a different type or id is a different object). */
const IDENTITY = new Set(["neurodata_type", "namespace", "object_id"]);

export interface TreeDiff {
  /** Attributes to write where they are: new ones and changed ones (`path` of their object). */
  attributes: { path: string; name: string }[];
  /** Attributes read into a field the caller has since unset: deleted where they are. */
  removedAttributes: { path: string; name: string }[];
  /** Changes HDF5 cannot make in place, each said in a sentence: any of them makes the file be written anew. */
  rewrites: string[];
}

/**
 * Compares `built` (to write) with `stored` (read from the file, datasets lazy). The file's cached specifications
 * are its own: those it has are kept as they are, and only namespaces it lacks are added.
 */
export async function diffTrees(built: GroupBuilder, stored: GroupBuilder): Promise<TreeDiff> {
  const diff: TreeDiff = { attributes: [], removedAttributes: [], rewrites: [] };
  await diffGroup(built, stored, diff);
  return diff;
}

async function diffGroup(b: GroupBuilder, s: GroupBuilder, diff: TreeDiff): Promise<void> {
  diffAttributes(b, s, diff);
  if (b.path === "/specifications") return;
  for (const child of b.children()) {
    const old = s.groups.get(child.name) ?? s.datasets.get(child.name) ?? s.links.get(child.name);
    if (old === undefined) continue;
    if (old.kind !== child.kind) {
      diff.rewrites.push(`${child.path} was a ${describeKind(old)} and is now a ${describeKind(child)}`);
      continue;
    }
    if (child instanceof GroupBuilder) await diffGroup(child, old as GroupBuilder, diff);
    else if (child instanceof DatasetBuilder) await diffDataset(child, old as DatasetBuilder, diff);
    else if (linkTarget(child) !== linkTarget(old as LinkBuilder)) {
      diff.rewrites.push(`${child.path} links to ${linkTarget(child)} instead of ${linkTarget(old as LinkBuilder)}`);
    }
  }
  for (const old of s.children()) {
    if (b.groups.has(old.name) || b.datasets.has(old.name) || b.links.has(old.name)) continue;
    // What was read into an object's field and is no longer in the tree was removed by the caller; what tsnwb does
    // not model (an untyped member it does not know) is kept as stored.
    if (readIntoFields.members.has(old)) diff.rewrites.push(`${old.path} was removed`);
  }
}

async function diffDataset(b: DatasetBuilder, s: DatasetBuilder, diff: TreeDiff): Promise<void> {
  diffAttributes(b, s, diff);
  const why = await valueChange(b, s);
  if (why !== undefined) diff.rewrites.push(`${b.path}: ${why}`);
}

function diffAttributes(b: Builder, s: Builder, diff: TreeDiff): void {
  for (const name of readIntoFields.attributes.get(s) ?? []) if (!b.attributes.has(name)) diff.removedAttributes.push({ path: b.path, name });
  for (const [name, attr] of b.attributes) {
    const old = s.attributes.get(name);
    if (old === undefined) {
      diff.attributes.push({ path: b.path, name });
      continue;
    }
    if (sameAttribute(attr, old)) continue;
    if (name === "object_id") diff.rewrites.push(`${b.path} is another object than the one stored there (object_id ${String(attributeList(attr)[0])})`);
    else if (!IDENTITY.has(name) && !attr.fixed) diff.attributes.push({ path: b.path, name });
  }
}

/** Why a dataset's value is not the stored one, or undefined when it is (read back, or equal to it). */
async function valueChange(b: DatasetBuilder, s: DatasetBuilder): Promise<string | undefined> {
  const stored = s.value as LazyArray;
  const value = b.value;
  if (isFrameSource(value) && !isLazyArray(value) && !isNDArray(value)) return "new data from a stream";
  if (isLazyArray(value) && value.storedAt !== undefined && stored.storedAt !== undefined && value.storedAt.file === stored.storedAt.file && value.storedAt.path === stored.storedAt.path) return undefined;
  const shape = valueShape(value);
  if (shape !== undefined && shape.join() !== stored.shape.join() && !(b.scalar && product(stored.shape) === 1 && product(shape) === 1)) {
    return `shape [${stored.shape.join(", ")}] becomes [${shape.join(", ")}]`;
  }
  if (storedBytes(stored) > COMPARE_BYTES) return "new values";
  const old = await stored.read();
  const now = await valuesOf(value);
  if (now === undefined) return "new values";
  return sameList(now, Array.from(old as ArrayLike<unknown>)) ? undefined : "new values";
}

/** The shape of a value to write, when known without reading it. */
function valueShape(v: DatasetBuilder["value"]): number[] | undefined {
  if (isNDArray(v) || isLazyArray(v)) return v.shape;
  if ("kind" in v && v.kind === "reference") return [v.targets.length];
  if ("kind" in v && v.kind === "compound") return [v.rows.length];
  return undefined;
}

function storedBytes(a: LazyArray): number {
  return product(a.shape) * (isNumericDType(a.dtype) ? bytesPerElement(a.dtype) : 16);
}

/** A value to write as a flat list comparable with what a read of the stored dataset gives. */
async function valuesOf(v: DatasetBuilder["value"]): Promise<unknown[] | undefined> {
  if (isNDArray(v)) return Array.from(v.data as ArrayLike<unknown>);
  if (isLazyArray(v)) return Array.from((await v.read()) as ArrayLike<unknown>);
  if ("kind" in v && v.kind === "reference") return v.targets.map(targetPath);
  if ("kind" in v && v.kind === "compound") {
    return v.rows.map((row) => Object.fromEntries(v.members.map((m) => [m.name, m.dtype === "reference" ? targetPath(row[m.name] as Builder | string) : row[m.name]])));
  }
  return undefined;
}

function sameAttribute(a: AttributeBuilder, b: AttributeBuilder): boolean {
  return sameList(attributeList(a), attributeList(b));
}

function attributeList(a: AttributeBuilder): unknown[] {
  if ("kind" in a.value) return (a.value as ReferenceValue).targets.map(targetPath);
  return Array.from((a.value as NDArray).data as ArrayLike<unknown>);
}

/** Element by element, numbers by value whatever their dtype (a float32 read back is the same number as a float64), rows by member. */
function sameList(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "bigint" || typeof b === "bigint" || typeof a === "boolean" || typeof b === "boolean") return Number(a) === Number(b);
  if (typeof a === "number" && typeof b === "number") return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

function targetPath(t: Builder | string): string {
  return typeof t === "string" ? t : t.path;
}

function linkTarget(l: LinkBuilder): string {
  // An external link's file as stored (relative to the file's folder, both trees alike).
  return `${l.external === undefined ? "" : `${l.external.file}:`}${targetPath(l.target as Builder | string)}`;
}

function describeKind(x: GroupBuilder | DatasetBuilder | LinkBuilder): string {
  return x instanceof LinkBuilder ? "link" : x.kind;
}

/**
 * What a file has and the tree to write lacks without having removed it (untyped members tsnwb does not model,
 * attributes it does not know, the file's own cached specifications): put into `built` as stored, so that a file
 * written anew keeps them.
 */
export function carryOver(built: GroupBuilder, stored: GroupBuilder): void {
  keepAttributes(built, stored);
  if (built.path === "/specifications") {
    // The file's cache stands as it is; namespaces and versions it lacks come from the tree written.
    for (const ns of stored.groups.values()) {
      const mine = built.groups.get(ns.name);
      if (mine) {
        for (const version of ns.groups.values()) {
          mine.groups.delete(version.name);
          detach(version);
          mine.add(version);
        }
      } else {
        detach(ns);
        built.add(ns);
      }
    }
    return;
  }
  for (const old of stored.children()) {
    const mine = built.groups.get(old.name) ?? built.datasets.get(old.name) ?? built.links.get(old.name);
    if (mine instanceof GroupBuilder && old instanceof GroupBuilder) carryOver(mine, old);
    else if (mine instanceof DatasetBuilder && old instanceof DatasetBuilder) {
      keepAttributes(mine, old);
    } else if (mine === undefined && !readIntoFields.members.has(old)) {
      detach(old);
      built.add(old);
    }
  }
}

/** The stored attributes the tree lacks and that were not read into a field (those the caller has unset). */
function keepAttributes(built: Builder, stored: Builder): void {
  const read = readIntoFields.attributes.get(stored);
  for (const [name, attr] of stored.attributes) if (!built.attributes.has(name) && !read?.has(name)) built.attributes.set(name, attr);
}

function detach(b: GroupBuilder | DatasetBuilder | LinkBuilder): void {
  b.parent = undefined;
}
