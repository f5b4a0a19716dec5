/**
 * The part of a file's builder tree that making one object needs, so that the object can be made before the rest
 * of the file is read (the viewer's first view of a Zarr store by URL, whose objects' small arrays arrive hundreds of
 * requests at a time). The part holds whatever the object's links and references lead to (the datasets of
 * references in it are read for that), so that the object made from it is the one made from the whole tree; a target
 * the part still lacks (a reference to an object the file does not have) makes the mapper throw, as for the whole
 * file, and the viewer then makes the whole file (test/part-of-tree.test.ts compares every object and view of the
 * test files made both ways).
 */
import type { LazyArray } from "../data/lazy.js";
import { type Builder, DatasetBuilder, GroupBuilder, LinkBuilder } from "./builders.js";

/** A part of a tree: a copy of the builders it holds (their values, lazy arrays, shared with the whole). */
export interface PartOfTree {
  /** The part's root: the whole's root attributes, with only the members the part holds. */
  root: GroupBuilder;
  /** Whether the builder at `path` (a group, a dataset or a link) is in the part. */
  covers(path: string): boolean;
}

/** Paths of `/`-separated names, the root "/". */
const partsOf = (path: string) => path.split("/").filter((p) => p.length > 0);

/**
 * The part of the tree under `root` that making the object at `path` needs: the root's own datasets and attributes,
 * `/general` and `/specifications` whole (the file's metadata, devices and electrodes, the cached schema), the
 * object's subtree whole and, when its parent is a typed object other than the file (a table, a container of
 * series), the parent's subtree whole (a column is read through its table); the groups above each of those with
 * their attributes and untyped datasets (the fields of a typed group above); and the same again for whatever a link,
 * a reference attribute or a reference stored in a dataset of the part leads to (those datasets are read: a table's
 * column of references, a compound column's reference member). Throws when the tree has nothing at `path`.
 */
export async function partOfTree(root: GroupBuilder, path: string): Promise<PartOfTree> {
  const part = new Part(root, path);
  for (let datasets = part.referenceDatasets(); datasets.length > 0; datasets = part.referenceDatasets()) {
    for (const d of datasets) for (const target of await referencesIn(d)) part.want(target);
  }
  return part.copy();
}

/**
 * The part `partOfTree` gives, but for the references stored in datasets (it reads nothing): what making the object
 * needs at least, for fetching that first.
 */
export function partOfTreeByLinks(root: GroupBuilder, path: string): PartOfTree {
  return new Part(root, path).copy();
}

/** The paths a dataset of references (or of compound rows with reference members) holds. */
async function referencesIn(d: DatasetBuilder): Promise<string[]> {
  const value = d.value as LazyArray;
  const members = value.members?.filter((m) => m.dtype === "reference").map((m) => m.name) ?? [];
  const values = (await value.read()) as ArrayLike<unknown>;
  const out: string[] = [];
  for (const v of Array.from(values)) {
    if (value.dtype === "reference") out.push(String(v));
    else for (const m of members) out.push(String((v as Record<string, unknown>)[m]));
  }
  return out.filter((p) => p.startsWith("/"));
}

/** The subtrees a part holds whole, grown from an object by what its links and references lead to. */
class Part {
  private readonly whole = new Set<string>();
  private readonly queue: string[] = [];
  /** The datasets of references in the part, read (or being read) for the paths they hold. */
  private readonly read = new Set<DatasetBuilder>();

  constructor(private readonly root: GroupBuilder, path: string) {
    const target = this.at(path);
    if (target === undefined) throw new Error(`the file has no object at ${path}`);
    this.want("/general");
    this.want("/specifications");
    this.want(target.path);
    const parent = target.parent;
    if (parent !== undefined && parent !== root && parent.attributes.has("neurodata_type")) this.want(parent.path);
  }

  private at(p: string): Builder | undefined {
    let cur: Builder | undefined = this.root;
    for (const name of partsOf(p)) cur = cur instanceof GroupBuilder ? cur.groups.get(name) ?? cur.datasets.get(name) : undefined;
    return cur;
  }

  /** Whether the builder at `p` is in a subtree held whole. */
  private isCovered(p: string): boolean {
    for (let q = p; q !== ""; q = q.slice(0, q.lastIndexOf("/"))) if (this.whole.has(q)) return true;
    return false;
  }

  /** Holds the subtree at `p` whole (and what its links and reference attributes lead to). */
  want(p: string): void {
    const normal = `/${partsOf(p).join("/")}`;
    if (normal === "/" || this.isCovered(normal) || this.at(normal) === undefined) return;
    this.whole.add(normal);
    this.queue.push(normal);
    while (this.queue.length > 0) this.follow(this.at(this.queue.shift()!)!);
  }

  private follow(b: Builder): void {
    for (const a of b.attributes.values()) {
      if ("kind" in a.value && a.value.kind === "reference") for (const t of a.value.targets) this.want(typeof t === "string" ? t : t.path);
    }
    if (!(b instanceof GroupBuilder)) return;
    for (const link of b.links.values()) if (link.external === undefined) this.want(typeof link.target === "string" ? link.target : link.target.path);
    for (const child of [...b.groups.values(), ...b.datasets.values()]) this.follow(child);
  }

  /** The datasets of references in the part not read yet. */
  referenceDatasets(): DatasetBuilder[] {
    const out: DatasetBuilder[] = [];
    const visit = (b: Builder) => {
      if (b instanceof DatasetBuilder) {
        const v = b.value as Partial<LazyArray>;
        const holdsReferences = v.dtype === "reference" || (v.members?.some((m) => m.dtype === "reference") ?? false);
        if (holdsReferences && typeof v.read === "function" && !this.read.has(b)) {
          this.read.add(b);
          out.push(b);
        }
        return;
      }
      for (const child of [...b.groups.values(), ...b.datasets.values()]) visit(child);
    };
    for (const p of this.whole) visit(this.at(p)!);
    return out;
  }

  /** The part as a tree of its own (copies of the builders; values shared). */
  copy(): PartOfTree {
    const heldAbove = (p: string) => [...this.whole].some((w) => w.startsWith(`${p}/`));
    const copyInto = (from: GroupBuilder, into: GroupBuilder) => {
      for (const [k, a] of from.attributes) into.attributes.set(k, a);
      const fromPath = from.path === "/" ? "" : from.path;
      for (const g of from.groups.values()) {
        const p = `${fromPath}/${g.name}`;
        // A group above a part held whole, or in one: kept (the former with only its fields and the way down).
        if (this.isCovered(p) || heldAbove(p)) {
          const sub = new GroupBuilder(g.name);
          into.add(sub);
          copyInto(g, sub);
        }
      }
      for (const d of from.datasets.values()) {
        if (this.isCovered(`${fromPath}/${d.name}`) || !d.attributes.has("neurodata_type")) into.add(copyDataset(d));
      }
      for (const l of from.links.values()) {
        if (this.isCovered(`${fromPath}/${l.name}`)) into.add(new LinkBuilder(l.name, l.target, l.external));
      }
    };
    const part = new GroupBuilder(this.root.name);
    copyInto(this.root, part);
    const held = new Set<string>(["/"]);
    const list = (g: GroupBuilder) => {
      for (const child of g.children()) {
        held.add(child.path);
        if (child instanceof GroupBuilder) list(child);
      }
    };
    list(part);
    return { root: part, covers: (p) => held.has(p) };
  }
}

function copyDataset(d: DatasetBuilder): DatasetBuilder {
  const c = new DatasetBuilder(d.name, d.value, d.scalar, d.storage, d.dtype);
  for (const [k, a] of d.attributes) c.attributes.set(k, a);
  return c;
}
