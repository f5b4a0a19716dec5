/**
 * Typed objects whose type no loaded namespace defines (a file that names an extension without caching its
 * specification): read as generic containers with their attributes, lazy datasets, links and typed children,
 * and written back unchanged on export.
 */
import { AbstractContainer } from "./container.js";
import { GroupBuilder, DatasetBuilder } from "../mapping/builders.js";
import { type LazyArray, isLazyArray } from "../data/lazy.js";
import type { TypeLayout } from "../schema/fields.js";

const EMPTY_LAYOUT = { fields: [], fixed: [], groups: [] } as unknown as TypeLayout;

export class GenericContainer extends AbstractContainer {
  static override readonly neurodata_type: string = "Container";
  static override readonly namespace: string = "hdmf-common";

  /** The type named in the file. */
  readonly type_name: string;
  /** The namespace named in the file. */
  readonly type_namespace: string;
  /** Attributes, as stored (text as strings, numbers as numbers or arrays). */
  readonly attributes = new Map<string, unknown>();
  /** Typed children (groups and datasets), themselves typed or generic containers. */
  readonly children = new Map<string, AbstractContainer>();
  /** Soft links, resolved to the objects they point at when those are typed. */
  readonly links = new Map<string, AbstractContainer | string>();
  /** The storage layout as read, with lazy handles for datasets; untyped sub-groups and datasets are here. */
  readonly builder: GroupBuilder | DatasetBuilder;

  constructor(name: string, type_name: string, type_namespace: string, builder: GroupBuilder | DatasetBuilder) {
    super({ name });
    this.type_name = type_name;
    this.type_namespace = type_namespace;
    this.builder = builder;
  }

  /** The untyped datasets of a group type, as lazy handles. */
  get datasets(): Map<string, LazyArray> {
    const out = new Map<string, LazyArray>();
    if (this.builder instanceof GroupBuilder) {
      for (const [name, ds] of this.builder.datasets) {
        if (!ds.attributes.has("neurodata_type") && isLazyArray(ds.value)) out.set(name, ds.value);
      }
    }
    return out;
  }

  /** The values of a dataset type, as a lazy handle. */
  get data(): LazyArray | undefined {
    return this.builder instanceof DatasetBuilder && isLazyArray(this.builder.value) ? this.builder.value : undefined;
  }

  override get neurodata_type(): string {
    return this.type_name;
  }

  override get namespace(): string {
    return this.type_namespace;
  }

  /** Its type is unknown: it has no schema fields. */
  override get layout(): TypeLayout {
    return EMPTY_LAYOUT;
  }

  /** Only its own type is known. */
  override isA(typeName: string): boolean {
    return typeName === this.type_name;
  }

  override toJSON(): Record<string, unknown> {
    return { neurodata_type: this.type_name, name: this.name, attributes: Object.fromEntries(this.attributes), children: [...this.children.keys()] };
  }
}
