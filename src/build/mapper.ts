/**
 * The mapping between containers and builders, driven by each type's declaration (`static spec`):
 * `buildFile` turns an NWBFile into a builder tree to write; `constructFile` turns a builder tree read from a
 * file back into typed objects, with links and references resolved to the very same object instances.
 */
import { type AttributeBuilder, type Builder, DatasetBuilder, GroupBuilder, LinkBuilder, type ReferenceValue } from "./builders.js";
import { type ContainerClass, NWBContainer, fieldsOf } from "../containers/container.js";
import { GenericContainer } from "../containers/generic.js";
import { NWBFile, NWB_VERSION } from "../containers/file.js";
import { classFor } from "../containers/registry.js";
import type { FieldSpec } from "../schema/spec.js";
import { type DType, isNumericDType, toTypedArray } from "../data/dtype.js";
import { type NDArray, isNDArray } from "../data/ndarray.js";
import type { LazyArray } from "../data/lazy.js";
import { FormatError, ValidationError } from "../errors.js";

type Fields = Record<string, unknown>;

export interface BuildOptions {
  /** Rewrites each path of a `filePaths` field (`external_file`) as it will be stored (relative to the NWB file's folder). */
  externalFilePath?: (path: string) => string;
}

/** The builder tree of a whole file, and the builder of each container in it. */
export function buildFile(nwbfile: NWBFile, options: BuildOptions = {}): { root: GroupBuilder; builderOf: Map<NWBContainer, Builder> } {
  const state = new BuildState(options);
  const root = state.build(nwbfile) as GroupBuilder;
  root.attributes.set("nwb_version", textAttribute(NWB_VERSION));
  for (const [path, c] of nwbfile.other) {
    const parts = path.split("/").filter((p) => p.length > 0);
    let group = root;
    for (const part of parts.slice(0, -1)) group = group.group(part);
    group.add(state.build(c));
  }
  for (const resolve of state.pending) resolve();
  return { root, builderOf: state.builderOf };
}

class BuildState {
  readonly builderOf = new Map<NWBContainer, Builder>();
  readonly pending: (() => void)[] = [];
  constructor(readonly options: BuildOptions) {}

  build(c: NWBContainer): Builder {
    if (this.builderOf.has(c)) throw new ValidationError(c.describe(), "name", "an object added to the file only once");
    const spec = (c.constructor as unknown as ContainerClass).spec;
    const fields = c.fieldSpecs;
    let builder: Builder;
    if (c instanceof GenericContainer) builder = c.builder;
    else if (spec.storage === "dataset") {
      const valueField = fields.find((f) => f.kind === "value")!;
      const value = (c as unknown as Fields)[valueField.key];
      if (valueField.kind === "value" && valueField.references) {
        const refs: ReferenceValue = { kind: "reference", targets: [] };
        this.pending.push(() => {
          for (const target of value as NWBContainer[]) refs.targets.push(this.targetOf(c, valueField.key, target));
        });
        builder = new DatasetBuilder(c.name, refs);
      } else {
        builder = new DatasetBuilder(c.name, value as NDArray, false, c.storage[valueField.key] ?? {});
      }
    } else builder = new GroupBuilder(c.name);
    this.builderOf.set(c, builder);
    if (!(c instanceof GenericContainer)) {
      builder.attributes.set("namespace", textAttribute(c.namespace));
      builder.attributes.set("neurodata_type", textAttribute(c.neurodata_type));
      builder.attributes.set("object_id", textAttribute(c.object_id));
      this.apply(c, fields, builder);
    }
    return builder;
  }

  private targetOf(owner: NWBContainer, field: string, target: NWBContainer): Builder {
    const b = this.builderOf.get(target);
    if (!b) throw new ValidationError(owner.describe(), field, "an object that is also in this file", `${target.describe()}, which is not`);
    return b;
  }

  private apply(c: NWBContainer, fields: FieldSpec[], b: Builder): void {
    const values = c as unknown as Fields;
    for (const f of fields) {
      if (f.kind === "attribute") {
        const v = values[f.key];
        if (v !== undefined) b.attributes.set(f.name ?? f.key, attribute(v, f.dtype, f.vector));
        continue;
      }
      if (f.kind === "value") continue;
      if (!(b instanceof GroupBuilder)) throw new Error(`${c.describe()}: a dataset type cannot hold ${f.kind} fields`);
      switch (f.kind) {
        case "dataset": {
          let v = values[f.key];
          if (v === undefined) break;
          if (f.filePaths && this.options.externalFilePath) v = (v as string[]).map(this.options.externalFilePath);
          const ds = new DatasetBuilder(f.name ?? f.key, datasetValue(v, f.dtype, f.form), f.form === "scalar", c.storage[f.key] ?? {}, f.dtype);
          for (const a of f.attributes ?? []) {
            const av = a.constant ?? (a.key === undefined ? undefined : values[a.key]);
            if (av !== undefined) ds.attributes.set(a.name, attribute(av, a.dtype, a.vector));
          }
          b.add(ds);
          break;
        }
        case "link": {
          const target = values[f.key] as NWBContainer | undefined;
          if (target !== undefined) this.pending.push(() => b.add(new LinkBuilder(f.name ?? f.key, this.targetOf(c, f.key, target))));
          break;
        }
        case "child": {
          const child = values[f.key] as NWBContainer | undefined;
          if (child === undefined) break;
          if (child.name !== f.name) throw new ValidationError(c.describe(), f.key, `an object named '${f.name}'`, child.name);
          b.add(this.build(child));
          break;
        }
        case "children":
          for (const child of (values[f.key] as Map<string, NWBContainer>).values()) b.add(this.build(child));
          break;
        case "group": {
          const sub = new GroupBuilder(f.name);
          this.apply(c, f.fields, sub);
          if (f.always || sub.children().length > 0 || sub.attributes.size > 0) b.add(sub);
          break;
        }
      }
    }
  }
}

function textAttribute(s: string): AttributeBuilder {
  return { value: { data: [s], shape: [], dtype: "text" }, scalar: true };
}

/** A scalar or a list of values as a 1-D array of the field's dtype (text, or numbers: float64 by default). */
function valuesArray(v: unknown, dtype: DType | undefined): NDArray {
  const list = Array.isArray(v) ? v : [v];
  if (dtype === "text") return { data: list.map(String), shape: [list.length], dtype };
  const numeric = dtype !== undefined && isNumericDType(dtype) ? dtype : "float64";
  return { data: toTypedArray(list as number[], numeric), shape: [list.length], dtype: numeric };
}

function attribute(v: unknown, dtype: DType, vector?: boolean): AttributeBuilder {
  return { value: valuesArray(v, dtype), scalar: !vector };
}

function datasetValue(v: unknown, dtype: DType | undefined, form: "scalar" | "vector" | "array"): DatasetBuilder["value"] {
  if (form !== "array") return valuesArray(form === "scalar" ? [v] : v, dtype);
  if (isNDArray(v) && dtype && isNumericDType(dtype) && v.dtype !== dtype) {
    return { data: toTypedArray(v.data as ArrayLike<number>, dtype), shape: v.shape, dtype };
  }
  return v as DatasetBuilder["value"];
}

/** Reads typed objects from the builder tree of a file. `fileName` is used in errors and `container_source`. */
export async function constructFile(root: GroupBuilder, fileName: string): Promise<NWBFile> {
  const type = attributeValue(root.attributes.get("neurodata_type"));
  if (type !== "NWBFile") {
    throw new FormatError(fileName, `not an NWB file: the root's neurodata_type is ${type === undefined ? "missing" : JSON.stringify(type)}, expected "NWBFile"`);
  }
  const state = new ConstructState(fileName, root);
  const nwbfile = (await state.construct(root, undefined)) as NWBFile;
  (nwbfile as unknown as Fields).other = new Map<string, NWBContainer>();
  await state.constructUnplaced(root, nwbfile);
  for (const resolve of state.pending) resolve();
  return nwbfile;
}

class ConstructState {
  readonly byPath = new Map<string, NWBContainer>();
  readonly pending: (() => void)[] = [];
  constructor(readonly fileName: string, private readonly root: GroupBuilder) {}

  async construct(b: Builder, parent: NWBContainer | undefined): Promise<NWBContainer> {
    const type = String(attributeValue(b.attributes.get("neurodata_type")));
    const namespace = String(attributeValue(b.attributes.get("namespace")) ?? "core");
    const cls = classFor(type, namespace);
    let obj: NWBContainer;
    if (cls === undefined) obj = await this.constructGeneric(b, type, namespace);
    else {
      // Objects from a file are taken as stored: constructors' rules are for new objects, and must not stop
      // tsnwb from reading a file another writer made slightly differently.
      obj = Object.create(cls.prototype as object) as NWBContainer;
      const o = obj as unknown as Fields;
      o.name = b.parent === undefined ? "root" : b.name;
      o.storage = {};
      initCollections(o, fieldsOf(cls));
    }
    const o = obj as unknown as Fields;
    const id = attributeValue(b.attributes.get("object_id"));
    if (typeof id === "string") o.object_id = id;
    o.parent = parent;
    o.container_source = { file: this.fileName, path: b.path };
    this.byPath.set(b.path, obj);
    if (cls !== undefined) await this.read(obj, fieldsOf(cls), b);
    return obj;
  }

  private async constructGeneric(b: Builder, type: string, namespace: string): Promise<GenericContainer> {
    const g = new GenericContainer(b.parent === undefined ? "root" : b.name, type, namespace, b);
    for (const [name, a] of b.attributes) {
      if (name !== "neurodata_type" && name !== "namespace" && name !== "object_id") g.attributes.set(name, attributeValue(a, !a.scalar));
    }
    if (b instanceof GroupBuilder) {
      for (const child of [...b.groups.values(), ...b.datasets.values()]) {
        if (isTyped(child)) g.children.set(child.name, await this.construct(child, g));
      }
      for (const link of b.links.values()) {
        g.links.set(link.name, String(link.target));
        this.pending.push(() => {
          const target = this.byPath.get(String(link.target));
          if (target) g.links.set(link.name, target);
        });
      }
    }
    return g;
  }

  private async read(obj: NWBContainer, fields: FieldSpec[], b: Builder): Promise<void> {
    const o = obj as unknown as Fields;
    const claimed = new Set<string>();
    for (const f of fields) {
      if (f.kind === "attribute") {
        const a = b.attributes.get(f.name ?? f.key);
        if (a !== undefined) o[f.key] = attributeValue(a, f.vector);
        continue;
      }
      if (f.kind === "value") {
        const ds = b as DatasetBuilder;
        if (f.references) {
          const paths = (await (ds.value as LazyArray).read()) as string[];
          this.pending.push(() => {
            o[f.key] = paths.map((p) => this.resolve(p, `${ds.path} (reference)`));
          });
        } else o[f.key] = ds.value;
        continue;
      }
      if (!(b instanceof GroupBuilder)) continue;
      const name = f.kind === "group" ? f.name : f.kind === "children" ? "" : f.name ?? f.key;
      switch (f.kind) {
        case "dataset": {
          // pynwb links a series' `timestamps` (or `data`) to another series' dataset to share it; read the target.
          const link = b.links.get(name);
          const ds = b.datasets.get(name) ?? (link && this.datasetAt(String(link.target)));
          if (ds === undefined) break;
          claimed.add(name);
          o[f.key] = f.form === "array" ? ds.value : await eagerValue(ds.value as LazyArray, f.form);
          for (const a of f.attributes ?? []) {
            const av = ds.attributes.get(a.name);
            if (a.key !== undefined && av !== undefined) o[a.key] = attributeValue(av, a.vector);
          }
          break;
        }
        case "link": {
          const link = b.links.get(name);
          if (link === undefined) break;
          claimed.add(name);
          this.pending.push(() => {
            o[f.key] = this.resolve(String(link.target), link.path);
          });
          break;
        }
        case "child": {
          const child = b.groups.get(name) ?? b.datasets.get(name);
          if (child === undefined || !isTyped(child)) break;
          claimed.add(name);
          o[f.key] = await this.construct(child, obj);
          break;
        }
        case "group": {
          const sub = b.groups.get(name);
          if (sub === undefined) break;
          claimed.add(name);
          await this.read(obj, f.fields, sub);
          break;
        }
      }
    }
    for (const f of fields) {
      if (f.kind !== "children" || !(b instanceof GroupBuilder)) continue;
      const map = o[f.key] as Map<string, NWBContainer>;
      for (const child of [...b.groups.values(), ...b.datasets.values()]) {
        if (!claimed.has(child.name) && isTyped(child)) map.set(child.name, await this.construct(child, obj));
      }
    }
  }

  /**
   * Typed objects at paths that no declared field reaches (e.g. `/general/extracellular_ephys/electrodes`) go to
   * `nwbfile.other` by path, so that nothing typed in a file is out of reach or lost on export.
   */
  async constructUnplaced(g: GroupBuilder, nwbfile: NWBFile): Promise<void> {
    for (const child of [...g.groups.values(), ...g.datasets.values()]) {
      if (this.byPath.has(child.path)) continue;
      if (isTyped(child)) nwbfile.other.set(child.path, await this.construct(child, nwbfile));
      else if (child instanceof GroupBuilder) await this.constructUnplaced(child, nwbfile);
    }
  }

  /** The dataset builder at an absolute path of the tree, if there is one. */
  private datasetAt(path: string): DatasetBuilder | undefined {
    const parts = path.split("/").filter((p) => p.length > 0);
    let group: GroupBuilder | undefined = this.root;
    for (const part of parts.slice(0, -1)) group = group?.groups.get(part);
    return group?.datasets.get(parts[parts.length - 1] ?? "");
  }

  private resolve(path: string, where: string): NWBContainer {
    const target = this.byPath.get(path);
    if (!target) throw new FormatError(this.fileName, `${where} points at ${path}, which is not a typed object in the file`);
    return target;
  }
}

function isTyped(b: Builder): boolean {
  return b.attributes.has("neurodata_type");
}

function initCollections(o: Fields, fields: FieldSpec[]): void {
  for (const f of fields) {
    if (f.kind === "children") o[f.key] = new Map();
    else if (f.kind === "group") initCollections(o, f.fields);
  }
}

/** An attribute as a JS value: a string or number (bigints that fit become numbers), or an array of them. */
function attributeValue(a: AttributeBuilder | undefined, vector = false): unknown {
  if (a === undefined) return undefined;
  if ("kind" in a.value) return vector ? a.value.targets : a.value.targets[0];
  const list = Array.from(a.value.data as ArrayLike<unknown>, plainNumber);
  return vector || !a.scalar ? list : list[0];
}

async function eagerValue(handle: LazyArray, form: "scalar" | "vector"): Promise<unknown> {
  const data = Array.from((await handle.read()) as ArrayLike<unknown>, plainNumber);
  return form === "scalar" ? data[0] : data;
}

function plainNumber(v: unknown): unknown {
  return typeof v === "bigint" ? Number(v) : v;
}
