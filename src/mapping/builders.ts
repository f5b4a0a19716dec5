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

export class LinkBuilder {
  readonly kind = "link";
  parent?: GroupBuilder;
  constructor(
    readonly name: string,
    /** The builder linked to, or its absolute path when read from a file. */
    readonly target: GroupBuilder | DatasetBuilder | string,
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
