/**
 * Typed objects of types tsnwb does not model yet (ElectricalSeries, DynamicTable, extension types...):
 * read as generic containers with their attributes, lazy datasets, sub-groups, links and typed children.
 */
import { NWBContainer } from "./container.js";
import { GroupBuilder, DatasetBuilder } from "../build/builders.js";
import { type LazyArray, isLazyArray } from "../data/lazy.js";
import type { TypeSpec } from "../schema/spec.js";

export class GenericContainer extends NWBContainer {
  static override spec: TypeSpec = { neurodata_type: "Container", namespace: "hdmf-common", storage: "group", fields: [] };

  /** The type named in the file. */
  readonly type_name: string;
  readonly type_namespace: string;
  /** Attributes, as stored (text as strings, numbers as numbers or arrays). */
  readonly attributes = new Map<string, unknown>();
  /** Typed children (groups and datasets), themselves typed or generic containers. */
  readonly children = new Map<string, NWBContainer>();
  /** Soft links, resolved to the objects they point at when those are typed. */
  readonly links = new Map<string, NWBContainer | string>();
  /** The storage layout as read, with lazy handles for datasets; untyped sub-groups and datasets are here. */
  readonly builder: GroupBuilder | DatasetBuilder;

  constructor(name: string, type_name: string, type_namespace: string, builder: GroupBuilder | DatasetBuilder) {
    super(name);
    this.type_name = type_name;
    this.type_namespace = type_namespace;
    this.builder = builder;
  }

  /** The untyped datasets of a group type, as lazy handles (e.g. an ElectricalSeries' `data`). */
  get datasets(): Map<string, LazyArray> {
    const out = new Map<string, LazyArray>();
    if (this.builder instanceof GroupBuilder) {
      for (const [name, ds] of this.builder.datasets) {
        if (!ds.attributes.has("neurodata_type") && isLazyArray(ds.value)) out.set(name, ds.value);
      }
    }
    return out;
  }

  /** The values of a dataset type (e.g. a VectorData column), as a lazy handle. */
  get data(): LazyArray | undefined {
    return this.builder instanceof DatasetBuilder && isLazyArray(this.builder.value) ? this.builder.value : undefined;
  }

  override get neurodata_type(): string {
    return this.type_name;
  }

  override get namespace(): string {
    return this.type_namespace;
  }
}
