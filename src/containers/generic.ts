/**
 * Typed objects of types tsnwb does not model yet (ElectricalSeries, DynamicTable, extension types...):
 * read as generic containers with their attributes, lazy datasets, sub-groups, links and typed children.
 */
import { NWBContainer } from "./container.js";
import type { GroupBuilder, DatasetBuilder } from "../build/builders.js";
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

  override get neurodata_type(): string {
    return this.type_name;
  }

  override get namespace(): string {
    return this.type_namespace;
  }
}
