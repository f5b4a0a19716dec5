/**
 * Builders: plain descriptions of what sits in storage. The HDF5 backend knows builders and nothing of NWB;
 * the containers know NWB and nothing of HDF5; `mapper.ts` translates between the two.
 */
import type { DType } from "../data/dtype.js";
import type { NDArray } from "../data/ndarray.js";
import type { CompoundMemberType, CompoundRow, FrameSource, LazyArray } from "../data/lazy.js";
import type { StorageOptions } from "../data/storage.js";

/** An attribute: a scalar or a 1-D array, with the dtype it is stored as. */
export interface AttributeBuilder {
  readonly value: NDArray | ReferenceValue;
  /** True for a scalar dataspace, false for a 1-D array. */
  readonly scalar: boolean;
  /** A value the schema fixes (`nwb_version`, an ElectricalSeries' `unit`): an append keeps the file's own. */
  readonly fixed?: boolean;
}

/**
 * What reading a file made into objects' fields: its typed objects, the datasets and links fields were read from,
 * and, per group or dataset, the attributes read. An append tells by it what the caller removed (a field read and
 * now unset) from what tsnwb does not model (kept as stored).
 */
export const readIntoFields = { members: new WeakSet<object>(), attributes: new WeakMap<object, Set<string>>() };

/** An object reference to another builder (resolved to a path when written). */
export interface ReferenceValue {
  readonly kind: "reference";
  readonly targets: (GroupBuilder | DatasetBuilder | string)[];
}

/** Compound elements: rows with a value per member; reference members hold their target (a builder or a path). */
export interface CompoundValue {
  readonly kind: "compound";
  readonly members: CompoundMemberType[];
  readonly rows: CompoundRow[];
}

export type DatasetValue = NDArray | LazyArray | FrameSource | ReferenceValue | CompoundValue;

export class DatasetBuilder {
  readonly kind = "dataset";
  parent?: GroupBuilder;
  readonly attributes = new Map<string, AttributeBuilder>();
  constructor(
    readonly name: string,
    public value: DatasetValue,
    /** Whether a one-element value is stored as a scalar dataspace. */
    readonly scalar = false,
    readonly storage: StorageOptions = {},
    /** For streamed values: the dtype the stream must have (schema-fixed), if any. */
    readonly dtype?: DType,
  ) {}
  get path(): string {
    return joinPath(this.parent, this.name);
  }
}

/** A file an external link names, opened (read-only) to follow it: its name (an absolute path) and its tree. */
export interface LinkedTree {
  readonly name: string;
  readonly root: GroupBuilder;
}

/**
 * Where an HDF5 external link points: another file (pynwb's linking tutorial: a series' data, or a whole series, in
 * another file). The link's `target` is then the path in that file.
 */
export interface ExternalTarget {
  /** The file as the link stores it: relative to the linking file's folder (or absolute). */
  readonly file: string;
  /** Read links: where that file is (an absolute path), when the linking file is on disk. */
  readonly resolved?: string;
  /** Read links: opens that file (once per file, relative to the linking file's folder) and gives its tree; throws a clear error when it cannot. */
  readonly open?: () => LinkedTree;
  /** Links built to be written: what the target is (its type), for the checks before a write. */
  readonly builder?: Builder;
}

export class LinkBuilder {
  readonly kind = "link";
  parent?: GroupBuilder;
  constructor(
    readonly name: string,
    /** The builder linked to, or its absolute path when read from a file (for an external link: the path in its file). */
    readonly target: GroupBuilder | DatasetBuilder | string,
    /** Set for an external link: the file the target is in. */
    readonly external?: ExternalTarget,
  ) {}
  get path(): string {
    return joinPath(this.parent, this.name);
  }
}

export class GroupBuilder {
  readonly kind = "group";
  parent?: GroupBuilder;
  readonly attributes = new Map<string, AttributeBuilder>();
  readonly groups = new Map<string, GroupBuilder>();
  readonly datasets = new Map<string, DatasetBuilder>();
  readonly links = new Map<string, LinkBuilder>();
  constructor(readonly name: string) {}

  get path(): string {
    return this.parent === undefined ? "/" : joinPath(this.parent, this.name);
  }

  /** The sub-group `name`, created if missing. */
  group(name: string): GroupBuilder {
    let g = this.groups.get(name);
    if (!g) {
      g = new GroupBuilder(name);
      this.add(g);
    }
    return g;
  }

  add(child: GroupBuilder | DatasetBuilder | LinkBuilder): void {
    if (this.groups.has(child.name) || this.datasets.has(child.name) || this.links.has(child.name)) {
      throw new Error(`${this.path}: two objects named '${child.name}'`);
    }
    child.parent = this;
    if (child instanceof GroupBuilder) this.groups.set(child.name, child);
    else if (child instanceof DatasetBuilder) this.datasets.set(child.name, child);
    else this.links.set(child.name, child);
  }

  /** Every child, whatever its kind, in name order. */
  children(): (GroupBuilder | DatasetBuilder | LinkBuilder)[] {
    return [...this.groups.values(), ...this.datasets.values(), ...this.links.values()];
  }
}

export type Builder = GroupBuilder | DatasetBuilder;

function joinPath(parent: GroupBuilder | undefined, name: string): string {
  if (parent === undefined) return name;
  const base = parent.path;
  return base === "/" ? `/${name}` : `${base}/${name}`;
}

/** The files the external links of a tree name, as stored (relative to its file's folder, or absolute). */
export function externalLinkFiles(root: GroupBuilder): string[] {
  const out = new Set<string>();
  const visit = (g: GroupBuilder): void => {
    for (const link of g.links.values()) if (link.external !== undefined) out.add(link.external.file);
    for (const sub of g.groups.values()) visit(sub);
  };
  visit(root);
  return [...out];
}

/**
 * The builder at an absolute `path` of the tree under `root`, following the soft links on the way within that tree
 * and external links into the files they name; undefined when nothing is there.
 */
export function builderAtPath(root: GroupBuilder, path: string): Builder | undefined {
  let cur: Builder | undefined = root;
  for (const part of path.split("/").filter((p) => p.length > 0)) {
    if (!(cur instanceof GroupBuilder)) return undefined;
    const link = cur.links.get(part);
    cur = cur.groups.get(part) ?? cur.datasets.get(part) ?? (link ? linkedBuilder(link, root) : undefined);
  }
  return cur;
}

/**
 * What a link points at: for a soft link, the builder at its path in the tree under `root`; for an external link,
 * the builder in the file it names (opened on first use: an error there, such as a missing file, is thrown).
 */
export function linkedBuilder(link: LinkBuilder, root: GroupBuilder): Builder | undefined {
  if (typeof link.target !== "string") return link.target;
  if (link.external === undefined) return builderAtPath(root, link.target);
  if (link.external.builder !== undefined) return link.external.builder;
  const tree = link.external.open?.();
  return tree === undefined ? undefined : builderAtPath(tree.root, link.target);
}
