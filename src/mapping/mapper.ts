/**
 * The one mapping between objects and builders, driven by each type's layout from the schema
 * (`schema/fields.ts`): `buildFile` turns an NWBFile into a builder tree to write (with the cached specification
 * of every namespace it uses); `constructFile` turns a builder tree read from a file back into objects of their
 * classes, with links and references resolved to the very same instances, array data lazy.
 */
import { type AttributeBuilder, type Builder, DatasetBuilder, GroupBuilder, LinkBuilder, type LinkedTree, type ReferenceValue, builderAtPath, readIntoFields } from "./builders.js";
import { type ExternalLinkTarget, externalLinkOf, markExternal, markStored, storedBuilderOf } from "./external-links.js";
import { AbstractContainer } from "../containers/container.js";
import { GenericContainer } from "../containers/generic.js";
import type { NWBFile } from "../containers/file.js";
import { classFor } from "../containers/registry.js";
import { schemaNumericDType, storedDType } from "../containers/fields.js";
import { recordStoredDType, storedDTypeOf } from "./stored-dtypes.js";
import { typeCatalog } from "../schema/bundled.js";
import { type DatasetField, type Field, type ValueField, valueShape } from "../schema/fields.js";
import { type Dtype, isCompoundDtype } from "../schema/language.js";
import { cachedSpecification, loadCachedSpecifications } from "./specifications.js";
import { type FileSchema, fileSchema } from "./file-schema.js";
import { applyReadDefaults } from "./read-defaults.js";
import { warnAsPynwbOnRead } from "./read-warnings.js";
import { recordBuilder, recordDefaults, recordSource } from "./read-source.js";
import { type DType, isNumericDType, toTypedArray } from "../data/dtype.js";
import { type NDArray } from "../data/ndarray.js";
import { CompoundArray, ReferenceArray, StreamedArray } from "../data/arrays.js";
import { type LazyArray, isLazyArray } from "../data/lazy.js";
import { FormatError, TsnwbError, ValidationError } from "../errors.js";

type Fields = Record<string, unknown>;

export interface BuildOptions {
  /** Rewrites each path of a file-path field (`external_file`) as it will be stored (relative to the NWB file's folder). */
  externalFilePath?: (path: string) => string;
  /** Write `/specifications` (default true), as pynwb does. */
  cacheSpec?: boolean;
  /**
   * How a file that objects and arrays of other files are in (read through external links, or objects read from
   * another file and added to this one; an absolute path) is named in a link from the file written (relative to
   * its folder); undefined where it cannot be linked to. Without it, they are copied into the file (pynwb's
   * `link_data=False`).
   */
  externalLinkFile?: (file: string) => string | undefined;
}

/** A streamed field and the dataset it is written to: after the write the object's field becomes that dataset. */
export interface StreamedField {
  container: AbstractContainer;
  key: string;
  builder: DatasetBuilder;
}

/** The builder tree of a whole file, and the builder of each object in it. */
export function buildFile(nwbfile: NWBFile, options: BuildOptions = {}): { root: GroupBuilder; builderOf: Map<AbstractContainer, Builder>; streams: StreamedField[] } {
  const state = new BuildState(options, nwbfile);
  const root = state.build(nwbfile) as GroupBuilder;
  for (const [path, c] of nwbfile.other) {
    const parts = path.split("/").filter((p) => p.length > 0);
    groupAt(root, parts.slice(0, -1)).add(state.build(c));
  }
  for (const resolve of state.pending) resolve();
  state.linkSharedArrays();
  if (options.externalLinkFile) relinkExternal(root, options.externalLinkFile);
  if (options.cacheSpec !== false) {
    const used = new Set([...state.builderOf.keys()].map((c) => c.namespace).filter((ns) => typeCatalog.namespace(ns) !== undefined));
    const specs = cachedSpecification(typeCatalog, used);
    root.add(specs);
    root.attributes.set(".specloc", { value: { kind: "reference", targets: [specs] }, scalar: true });
  }
  return { root, builderOf: state.builderOf, streams: state.streams };
}

/**
 * External links written as read (in objects tsnwb does not model: generic containers) name their file from the
 * folder of the file they were read from: named again from the folder of the file written.
 */
function relinkExternal(g: GroupBuilder, externalLinkFile: (file: string) => string | undefined): void {
  for (const link of [...g.links.values()]) {
    const resolved = link.external?.resolved;
    const file = resolved === undefined ? undefined : externalLinkFile(resolved);
    if (file === undefined || file === link.external!.file) continue;
    g.links.delete(link.name);
    g.add(new LinkBuilder(link.name, link.target, { ...link.external!, file }));
  }
  for (const sub of g.groups.values()) relinkExternal(sub, externalLinkFile);
}

/** The group at `path` under `g`, created (with its parents) if missing. */
function groupAt(g: GroupBuilder, path: string[]): GroupBuilder {
  let out = g;
  for (const name of path) out = out.group(name);
  return out;
}

class BuildState {
  readonly builderOf = new Map<AbstractContainer, Builder>();
  readonly pending: (() => void)[] = [];
  readonly streams: StreamedField[] = [];
  /** The datasets made of each array value: one written by two fields (pynwb's shared `timestamps`) becomes a link. */
  private readonly arrayUses = new Map<object, DatasetBuilder[]>();
  constructor(readonly options: BuildOptions, private readonly nwbfile: NWBFile) {}

  /**
   * Where `x` is when it is of another file: read through an external link, or an object read from another NWB file
   * and added to this one (pynwb's linking tutorial: `add_acquisition` of another file's series). Undefined for what
   * belongs to the file written.
   */
  private otherFile(x: unknown): ExternalLinkTarget | undefined {
    const marked = externalLinkOf(x);
    if (marked !== undefined || !(x instanceof AbstractContainer) || x.container_source === undefined) return marked;
    let root: AbstractContainer = x;
    while (root.parent) root = root.parent;
    if (root === (this.nwbfile as AbstractContainer)) return undefined;
    const builder = storedBuilderOf(x);
    return builder === undefined ? undefined : { file: x.container_source.file, path: x.container_source.path, builder };
  }

  /**
   * An array held by several fields is written once, at the path it was read from if it is one of them (so an
   * export keeps a file's links), else at the first; the other fields become soft links to it, as pynwb writes
   * a TimeSeries whose timestamps are another's.
   */
  linkSharedArrays(): void {
    for (const [array, uses] of this.arrayUses) {
      if (uses.length < 2) continue;
      const source = (array as { path?: unknown }).path;
      const owner = uses.find((u) => u.path === source) ?? uses[0]!;
      for (const use of uses) {
        if (use === owner) continue;
        const parent = use.parent!;
        parent.datasets.delete(use.name);
        parent.add(new LinkBuilder(use.name, owner));
      }
    }
  }

  build(c: AbstractContainer): Builder {
    if (this.builderOf.has(c)) throw new ValidationError(c.describe(), "name", "an object added to the file only once");
    if (c instanceof GenericContainer) {
      this.builderOf.set(c, c.builder);
      return c.builder;
    }
    // A table's rows added one by one become its columns' data now.
    (c as { flushRows?: () => void }).flushRows?.();
    const layout = c.layout;
    const values = c as unknown as Fields;
    let builder: Builder;
    if (layout.type.kind === "dataset") {
      const field = layout.fields.find((f): f is ValueField => f.kind === "value")!;
      builder = this.dataset(c, field, values.data, c.name) ?? new DatasetBuilder(c.name, { data: [], shape: [0], dtype: "text" });
    } else builder = new GroupBuilder(c.name);
    this.builderOf.set(c, builder);
    builder.attributes.set("namespace", textAttribute(c.namespace));
    builder.attributes.set("neurodata_type", textAttribute(c.neurodata_type));
    builder.attributes.set("object_id", textAttribute(c.object_id));
    if (builder instanceof GroupBuilder) {
      for (const g of layout.groups) if (g.required) groupAt(builder, g.path);
    }
    for (const f of layout.fields) this.apply(c, f, builder);
    for (const fixed of layout.fixed) {
      if (fixed.within !== undefined && values[fixed.within] === undefined) continue;
      const owner = fixed.path.length === 1 ? builder : this.memberAt(builder, fixed.path.slice(0, -1));
      const name = fixed.path[fixed.path.length - 1]!;
      if (owner === undefined) continue;
      // A fixed number read from a file is written in the width it was stored in there (pynwb's int64 `interval`).
      if (fixed.kind === "attribute") owner.attributes.set(name, { ...attribute(fixed.value, storedDTypeOf(c, fixed.key, fixed.value) ?? fixed.dtype, false), fixed: true });
      else if (owner instanceof GroupBuilder) owner.add(new DatasetBuilder(name, valuesArray([fixed.value], fixed.dtype), true));
    }
    return builder;
  }

  /** The untyped dataset or group at `path` of an object's builder, if it was written. */
  private memberAt(b: Builder, path: string[]): Builder | undefined {
    let cur: Builder | undefined = b;
    for (const name of path) cur = cur instanceof GroupBuilder ? cur.groups.get(name) ?? cur.datasets.get(name) : undefined;
    return cur;
  }

  private targetOf(owner: AbstractContainer, field: string, target: AbstractContainer): Builder {
    const b = this.builderOf.get(target);
    if (!b) throw new ValidationError(owner.describe(), field, "an object that is also in this file", `${target.describe()}, which is not`);
    return b;
  }

  private apply(c: AbstractContainer, f: Field, b: Builder): void {
    const v = (c as unknown as Fields)[f.key];
    if (v === undefined || f.kind === "value") return;
    const parentPath = f.path.slice(0, -1);
    const name = f.path[f.path.length - 1]!;
    if (f.kind === "attribute") {
      const owner = parentPath.length === 0 ? b : this.memberAt(b, parentPath) ?? (b instanceof GroupBuilder && !this.isDatasetPath(c, parentPath) ? groupAt(b, parentPath) : undefined);
      if (owner === undefined) return;
      const shape = valueShape(f);
      if (shape === "object" || shape === "objects") {
        owner.attributes.set(name, { value: this.referencesTo(c, f.key, v), scalar: shape === "object" });
      } else owner.attributes.set(name, attribute(v, numbersDType(c, f.key, v, shape) ?? attributeDType(f.spec.dtype, shape), isList(shape)));
      return;
    }
    if (!(b instanceof GroupBuilder)) throw new Error(`${c.describe()}: a dataset type cannot hold ${f.kind} fields`);
    switch (f.kind) {
      case "dataset": {
        let value = v;
        if (f.filePaths && this.options.externalFilePath) value = (v as string[]).map(this.options.externalFilePath);
        const external = this.externalLink(name, value);
        if (external) {
          groupAt(b, parentPath).add(external);
          break;
        }
        const ds = this.dataset(c, f, value, name);
        if (ds) groupAt(b, parentPath).add(ds);
        break;
      }
      case "link": {
        const target = v as AbstractContainer;
        const external = this.externalLink(name, target);
        if (external) {
          groupAt(b, parentPath).add(external);
          break;
        }
        this.pending.push(() => groupAt(b, parentPath).add(new LinkBuilder(name, this.targetOf(c, f.key, target))));
        break;
      }
      case "child": {
        const child = v as AbstractContainer;
        if (child.name !== name) throw new ValidationError(c.describe(), f.key, `an object named '${name}'`, child.name);
        const external = this.externalLink(name, child);
        if (external) {
          groupAt(b, parentPath).add(external);
          break;
        }
        // An object held by another (a region two series share) is written there, and linked from here, as pynwb does.
        if (child.parent !== undefined && child.parent !== c && this.otherFile(child) === undefined) {
          this.pending.push(() => groupAt(b, parentPath).add(new LinkBuilder(name, this.targetOf(c, f.key, child))));
          break;
        }
        const built = this.build(child);
        refineCompound(built, (f.spec as { dtype?: Dtype }).dtype);
        groupAt(b, parentPath).add(built);
        break;
      }
      case "children": {
        const map = v as Map<string, AbstractContainer>;
        if (map.size === 0) break;
        const group = groupAt(b, f.path);
        // A member the type names (a table's start_time) may be in a collection too: it is written at its own path.
        const named = new Set(c.layout.fields.filter((n) => n.kind === "child").map((n) => (c as unknown as Fields)[n.key]));
        for (const child of map.values()) {
          if (named.has(child)) continue;
          // An object of another file: linked there again, or (copying) written here.
          const external = this.externalLink(child.name, child);
          if (external) {
            group.add(external);
            continue;
          }
          if (this.otherFile(child) !== undefined) {
            group.add(this.build(child));
            continue;
          }
          // An object whose place is elsewhere (a PlaneSegmentation's reference_images) is linked, as hdmf does.
          if (child.parent !== undefined && child.parent !== c) this.pending.push(() => group.add(new LinkBuilder(child.name, this.targetOf(c, f.key, child))));
          else group.add(this.build(child));
        }
        break;
      }
    }
  }

  /**
   * An external link to where `x` is, when it was read through one (an object or array of another file) and the
   * write keeps such links; else undefined (`x` is then written here).
   */
  private externalLink(name: string, x: unknown): LinkBuilder | undefined {
    const target = this.otherFile(x);
    const file = target === undefined ? undefined : this.options.externalLinkFile?.(target.file);
    if (target === undefined || file === undefined) return undefined;
    return new LinkBuilder(name, target.path, { file, builder: target.builder });
  }

  /** References to `targets` (one object or a list), filled in once every object's builder is known. */
  private referencesTo(c: AbstractContainer, key: string, targets: unknown): ReferenceValue {
    const refs: ReferenceValue = { kind: "reference", targets: [] };
    this.pending.push(() => {
      for (const t of (Array.isArray(targets) ? targets : [targets]) as AbstractContainer[]) refs.targets.push(this.targetOf(c, key, t));
    });
    return refs;
  }

  private isDatasetPath(c: AbstractContainer, path: string[]): boolean {
    // A typed dataset's too: a Units' waveform_mean__sampling_rate is written on the column, or not at all.
    return c.layout.fields.some((f) => (f.kind === "dataset" || (f.kind === "child" && f.storage === "dataset")) && f.path.join("/") === path.join("/"));
  }

  /** The dataset builder of a field's value (an untyped dataset, or a dataset type's own value). */
  private dataset(c: AbstractContainer, f: DatasetField | ValueField, v: unknown, name: string): DatasetBuilder | undefined {
    if (v === undefined) return undefined;
    const shape = valueShape(f);
    switch (shape) {
      case "object":
      case "objects": {
        return new DatasetBuilder(name, this.referencesTo(c, f.key, v));
      }
      case "array": {
        if (v instanceof StreamedArray) {
          const ds = new DatasetBuilder(name, v.source, false, c.storage[f.key] ?? {}, v.dtype === "opaque" ? undefined : v.dtype);
          this.streams.push({ container: c, key: f.key, builder: ds });
          return ds;
        }
        if (v instanceof ReferenceArray) {
          return new DatasetBuilder(name, this.referencesTo(c, f.key, v.targets));
        }
        if (v instanceof CompoundArray) {
          // Reference members point at objects: their builders are known once the whole tree is built.
          const rows = v.rows.map((r) => ({ ...r }));
          this.pending.push(() => {
            for (const m of v.members.filter((m) => m.dtype === "reference")) {
              for (const row of rows) row[m.name] = this.targetOf(c, f.key, row[m.name] as AbstractContainer);
            }
          });
          return new DatasetBuilder(name, { kind: "compound", members: v.members, rows });
        }
        const ds = new DatasetBuilder(name, v as NDArray | LazyArray, false, c.storage[f.key] ?? {});
        if (typeof v === "object" && v !== null) this.arrayUses.set(v, [...(this.arrayUses.get(v) ?? []), ds]);
        return ds;
      }
      default: {
        const dtype = numbersDType(c, f.key, v, shape) ?? attributeDType(f.spec.dtype, shape);
        return new DatasetBuilder(name, valuesArray(isList(shape) ? v : [v], dtype), !isList(shape));
      }
    }
  }
}

/**
 * A typed member whose place refines its compound dtype (HERD's `objects` is a Data of files_idx uint, ...):
 * its members are stored as the refinement says, not as the values alone would suggest.
 */
function refineCompound(built: Builder, refined: Dtype | undefined): void {
  if (!(built instanceof DatasetBuilder) || !isCompoundDtype(refined)) return;
  const v = built.value;
  if (typeof v !== "object" || v === null || !("kind" in v) || v.kind !== "compound") return;
  const members = v.members.map((m) => {
    const spec = refined.find((r) => r.name === m.name);
    const fixed = spec === undefined ? undefined : schemaNumericDType(spec.dtype);
    return fixed !== undefined && m.dtype !== "reference" ? { ...m, dtype: fixed } : m;
  });
  built.value = { ...v, members };
}

/** Whether a field's value shape is a list of JS values (stored as a 1-D array) rather than one value. */
function isList(shape: string): boolean {
  return shape === "texts" || shape === "numbers" || shape === "bools";
}

/** Numbers read from a file: the dtype they were stored as there, while they fit it (`stored-dtypes.ts`). */
function numbersDType(c: AbstractContainer, key: string, v: unknown, shape: string): DType | undefined {
  return shape === "number" || shape === "numbers" ? storedDTypeOf(c, key, v) : undefined;
}

/** The dtype a scalar or list of JS values is stored as: the schema's (float32 widened, as pynwb writes it). */
function attributeDType(schema: Dtype | undefined, shape: string): DType {
  if (shape === "text" || shape === "texts") return "text";
  if (shape === "bool" || shape === "bools") return "uint8";
  return storedDType(schema, undefined) ?? "float64";
}

function textAttribute(s: string): AttributeBuilder {
  return { value: { data: [s], shape: [], dtype: "text" }, scalar: true };
}

/** A list of values as a 1-D array of `dtype`. */
function valuesArray(v: unknown, dtype: Dtype | DType | undefined): NDArray {
  const list = (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "boolean" ? Number(x) : x));
  const d = typeof dtype === "string" ? storedDType(dtype, undefined) ?? dtype : "text";
  if (d === "text" || !isNumericDType(d)) return { data: list.map(String), shape: [list.length], dtype: "text" };
  return { data: toTypedArray(list as number[], d), shape: [list.length], dtype: d };
}

function attribute(v: unknown, dtype: Dtype | DType, vector: boolean): AttributeBuilder {
  return { value: valuesArray(v, dtype), scalar: !vector };
}

/** Reads objects from the builder tree of a file. `fileName` is used in errors and `container_source`. */
export async function constructFile(root: GroupBuilder, fileName: string): Promise<NWBFile> {
  checkNWBRoot(root, fileName);
  // Namespaces the file caches and tsnwb does not have (extensions): their types become classes like any other,
  // an older file's included (its types read by tsnwb's classes, which hold every version's fields).
  await loadCachedSpecifications(typeCatalog, root, fileName);
  const schema = await readableSchema(root, fileName);
  const { nwbfile } = await constructTree(root, fileName, schema.nwbVersion);
  recordSource(nwbfile, { fileName, root, schema });
  return nwbfile;
}

/** Throws unless the root of a file's tree is an NWBFile (a FormatError naming the file and what its root is). */
export function checkNWBRoot(root: GroupBuilder, fileName: string): void {
  const type = attributeValue(root.attributes.get("neurodata_type"));
  if (type !== "NWBFile") {
    throw new FormatError(fileName, `not an NWB file: the root's neurodata_type is ${type === undefined ? "missing" : JSON.stringify(type)}, expected "NWBFile"`);
  }
}

/** The objects of a file's tree (its root an NWBFile), and each by its path. */
async function constructTree(root: GroupBuilder, fileName: string, nwbVersion: string | undefined, chain: readonly string[] = []): Promise<{ nwbfile: NWBFile; byPath: Map<string, AbstractContainer> }> {
  const state = new ConstructState(fileName, root, nwbVersion, [...chain, fileName]);
  const nwbfile = (await state.construct(root, undefined)) as NWBFile;
  (nwbfile as unknown as Fields).other = new Map<string, AbstractContainer>();
  await state.constructUnplaced(root, nwbfile);
  for (const resolve of state.pending) resolve();
  return { nwbfile, byPath: state.byPath };
}

/**
 * The schema a file being read is in. A cache of an older version tsnwb cannot take in (damaged, or of a form it
 * does not know) does not stop the read, whose classes are tsnwb's own: the file is then taken as caching none.
 */
async function readableSchema(root: GroupBuilder, fileName: string): Promise<FileSchema> {
  try {
    return await fileSchema(root, fileName, typeCatalog);
  } catch (e) {
    if (!(e instanceof TsnwbError)) throw e;
    const none = await fileSchema(new GroupBuilder("/"), fileName, typeCatalog);
    const version = attributeValue(root.attributes.get("nwb_version"));
    return { ...none, nwbVersion: typeof version === "string" ? version : undefined };
  }
}

class ConstructState {
  readonly byPath = new Map<string, AbstractContainer>();
  readonly pending: (() => void)[] = [];
  /** The objects of the files external links lead to, by path, each file's constructed once (whole: its own links resolve). */
  private readonly linkedFiles = new Map<string, Promise<Map<string, AbstractContainer>>>();
  constructor(
    readonly fileName: string,
    private readonly root: GroupBuilder,
    /** The NWB version the file is in (its defaults on read are that version's). */
    private readonly nwbVersion: string | undefined,
    /** The files whose objects are being read, this one last: a link back into one of them would never end. */
    private readonly chain: readonly string[] = [fileName],
  ) {}

  /** An external link's file (opened on first use, read-only; errors name the link and the file) and its target there. */
  private external(link: LinkBuilder): { tree: LinkedTree; builder: Builder } {
    const shown = `${link.path} is an external link to ${String(link.target)} in ${link.external!.file}`;
    if (link.external!.open === undefined) throw new FormatError(this.fileName, `${shown}, which cannot be followed`);
    const tree = link.external!.open();
    const builder = builderAtPath(tree.root, String(link.target));
    if (builder === undefined) throw new FormatError(this.fileName, `${shown} (${tree.name}), where nothing is at that path`);
    return { tree, builder };
  }

  /** The object an external link leads to, of its class, read from its own file (which it belongs to). */
  private async externalObject(link: LinkBuilder): Promise<{ obj: AbstractContainer; builder: Builder }> {
    const { tree, builder } = this.external(link);
    let objects = this.linkedFiles.get(tree.name);
    if (objects === undefined && this.chain.includes(tree.name)) {
      throw new FormatError(this.fileName, `${link.path} is an external link to ${String(link.target)} in ${tree.name}, whose objects are being read through links that lead back to it (${this.chain.join(" -> ")}): tsnwb does not read such cycles`);
    }
    if (objects === undefined) {
      objects = (async () => {
        await loadCachedSpecifications(typeCatalog, tree.root, tree.name);
        return (await constructTree(tree.root, tree.name, (await readableSchema(tree.root, tree.name)).nwbVersion, this.chain)).byPath;
      })();
      this.linkedFiles.set(tree.name, objects);
    }
    const obj = (await objects).get(String(link.target));
    if (obj === undefined) throw new FormatError(this.fileName, `${link.path} is an external link to ${String(link.target)} in ${tree.name}, which is not a typed object there`);
    markExternal(obj, { file: tree.name, path: String(link.target), builder });
    readIntoFields.members.add(link);
    return { obj, builder };
  }

  async construct(b: Builder, parent: AbstractContainer | undefined): Promise<AbstractContainer> {
    const type = String(attributeValue(b.attributes.get("neurodata_type")));
    const namespace = String(attributeValue(b.attributes.get("namespace")) ?? "core");
    const cls = classFor(type, typeCatalog.namespace(namespace) ? namespace : undefined);
    const name = b.parent === undefined ? "root" : b.name;
    const id = attributeValue(b.attributes.get("object_id"));
    let obj: AbstractContainer;
    if (cls === undefined) obj = await this.constructGeneric(b, name, type, namespace);
    else {
      // Objects from a file are taken as stored: constructors' rules are for new objects, and must not stop
      // tsnwb from reading a file another writer made slightly differently. What every object has is set here.
      obj = Object.create(cls.prototype as object) as AbstractContainer;
      AbstractContainer.initBase(obj, name, typeof id === "string" ? id : undefined);
      for (const f of obj.layout.fixed) (obj as unknown as Fields)[f.key] = f.value;
    }
    if (typeof id === "string") obj.object_id = id;
    obj.parent = parent;
    obj.container_source = { file: this.fileName, path: b.path };
    markStored(obj, b);
    this.byPath.set(b.path, obj);
    readIntoFields.members.add(b);
    recordBuilder(obj, b);
    if (cls !== undefined) {
      await this.read(obj, b);
      recordDefaults(obj, applyReadDefaults(obj, b, this.nwbVersion));
      warnAsPynwbOnRead(obj);
    }
    (obj as { collectColumns?: () => void }).collectColumns?.();
    return obj;
  }

  private async constructGeneric(b: Builder, name: string, type: string, namespace: string): Promise<GenericContainer> {
    const g = new GenericContainer(name, type, namespace, b);
    for (const [attr, a] of b.attributes) {
      if (attr !== "neurodata_type" && attr !== "namespace" && attr !== "object_id") g.attributes.set(attr, attributeValue(a, !a.scalar));
    }
    if (b instanceof GroupBuilder) {
      for (const child of [...b.groups.values(), ...b.datasets.values()]) {
        if (isTyped(child)) g.children.set(child.name, await this.construct(child, g));
      }
      for (const link of b.links.values()) {
        g.links.set(link.name, String(link.target));
        // An external link's path is in another file: kept as the path (written back as the link it is).
        if (link.external !== undefined) continue;
        this.pending.push(() => {
          const target = this.byPath.get(String(link.target));
          if (target) g.links.set(link.name, target);
        });
      }
    }
    return g;
  }

  /**
   * The member at `path` under `b`; a soft link to a dataset (pynwb's shared `timestamps`) reads its target, an external
   * link its target in its file (opened now).
   */
  private memberAt(b: Builder, path: string[]): Builder | undefined {
    let cur: Builder | undefined = b;
    for (const name of path) {
      if (!(cur instanceof GroupBuilder)) return undefined;
      const link = cur.links.get(name);
      cur = cur.groups.get(name) ?? cur.datasets.get(name) ?? (link === undefined ? undefined : link.external ? this.external(link).builder : this.datasetAt(String(link.target)));
    }
    return cur;
  }

  private async read(obj: AbstractContainer, b: Builder): Promise<void> {
    const o = obj as unknown as Fields;
    const claimed = new Set<string>();
    const layout = obj.layout;
    for (const f of layout.fields) {
      if (f.kind === "children") continue;
      const parent = this.memberAt(b, f.path.slice(0, -1));
      const name = f.path[f.path.length - 1]!;
      if (parent === undefined) continue;
      switch (f.kind) {
        case "value": {
          o.data = await this.valueOf(obj, f, (b as DatasetBuilder).value as LazyArray, b.path);
          break;
        }
        case "attribute": {
          const a = parent.attributes.get(name);
          if (a === undefined) break;
          markAttributeRead(parent, name);
          const shape = valueShape(f);
          if ("kind" in a.value) {
            const targets = a.value.targets.map(String);
            this.pending.push(() => {
              const objs = targets.map((t) => this.resolve(t, `${b.path} attribute ${f.path.join("/")}`));
              o[f.key] = shape === "objects" ? objs : objs[0];
            });
          } else {
            o[f.key] = plainValue(attributeValue(a, true) as unknown[], shape);
            recordStoredDType(obj, f.key, a.value.dtype);
          }
          break;
        }
        case "dataset": {
          const ds = this.memberAt(b, f.path);
          if (!(ds instanceof DatasetBuilder)) break;
          claimed.add(f.path.join("/"));
          readIntoFields.members.add(ds);
          const link = parent instanceof GroupBuilder ? parent.links.get(name) : undefined;
          if (link !== undefined) readIntoFields.members.add(link);
          o[f.key] = await this.valueOf(obj, f, ds.value as LazyArray, ds.path);
          // Data in another file (pynwb's linking tutorial): read from there, lazily, and linked again by a write.
          if (link?.external !== undefined && isLazyArray(o[f.key])) {
            markExternal(o[f.key] as object, { file: this.external(link).tree.name, path: String(link.target), builder: ds });
          }
          break;
        }
        case "link": {
          const link = parent instanceof GroupBuilder ? parent.links.get(name) : undefined;
          if (link === undefined) break;
          claimed.add(f.path.join("/"));
          readIntoFields.members.add(link);
          if (link.external !== undefined) {
            o[f.key] = (await this.externalObject(link)).obj;
            break;
          }
          this.pending.push(() => {
            o[f.key] = this.resolve(String(link.target), link.path);
          });
          break;
        }
        case "child": {
          const link = parent instanceof GroupBuilder ? parent.links.get(name) : undefined;
          if (link?.external !== undefined) {
            claimed.add(f.path.join("/"));
            o[f.key] = (await this.externalObject(link)).obj;
            break;
          }
          if (link !== undefined) {
            // A soft link (pynwb's second series of a shared electrodes region): the very object at its target.
            claimed.add(f.path.join("/"));
            readIntoFields.members.add(link);
            this.pending.push(() => {
              o[f.key] = this.resolve(String(link.target), link.path);
            });
            break;
          }
          const child = parent instanceof GroupBuilder ? parent.groups.get(name) ?? parent.datasets.get(name) : undefined;
          if (child === undefined || !isTyped(child)) break;
          claimed.add(f.path.join("/"));
          o[f.key] = await this.construct(child, obj);
          break;
        }
      }
    }
    // A value the schema fixes reads as the file stores it (an older file's `nwb_version` is its own), and not at
    // all with the member it belongs to absent (no `starting_time__unit` without a starting_time), as pynwb reads it.
    for (const f of layout.fixed) {
      if (f.kind !== "attribute") continue;
      const owner = this.memberAt(b, f.path.slice(0, -1));
      const a = owner?.attributes.get(f.path[f.path.length - 1]!);
      if (a !== undefined && !("kind" in a.value)) {
        o[f.key] = plainValue(attributeValue(a, true) as unknown[], a.scalar ? "text" : "texts");
        recordStoredDType(obj, f.key, a.value.dtype);
      }
      else if (owner === undefined && f.within !== undefined) o[f.key] = undefined;
    }
    // Members named by the user, into the collection whose type they are (the most specific one).
    const collections = layout.fields.filter((f): f is Extract<Field, { kind: "children" }> => f.kind === "children");
    const groups = new Map<string, typeof collections>();
    for (const f of collections) {
      const k = f.path.join("/");
      groups.set(k, [...(groups.get(k) ?? []), f]);
    }
    for (const [k, fields] of groups) {
      const g = k === "" ? b : this.memberAt(b, k.split("/"));
      if (!(g instanceof GroupBuilder)) continue;
      for (const child of [...g.groups.values(), ...g.datasets.values()]) {
        if (claimed.has(k === "" ? child.name : `${k}/${child.name}`) || !isTyped(child)) continue;
        const field = this.collectionFor(child, fields);
        if (field === undefined) continue;
        (o[field.key] as Map<string, AbstractContainer>).set(child.name, await this.construct(child, obj));
      }
      // Links in a collection (a PlaneSegmentation's reference_images): the objects where they are.
      for (const link of g.links.values()) {
        if (claimed.has(k === "" ? link.name : `${k}/${link.name}`)) continue;
        if (link.external !== undefined) {
          // A whole object in another file (pynwb's linking tutorial): of its class, read from there.
          const { obj: target, builder } = await this.externalObject(link);
          const field = this.collectionFor(builder, fields);
          if (field !== undefined) (o[field.key] as Map<string, AbstractContainer>).set(link.name, target);
          continue;
        }
        this.pending.push(() => {
          const target = this.byPath.get(String(link.target));
          if (target === undefined || !(target instanceof AbstractContainer)) return;
          const builder = this.builderAt(String(link.target));
          const field = builder ? this.collectionFor(builder, fields) : undefined;
          if (field !== undefined) {
            (o[field.key] as Map<string, AbstractContainer>).set(link.name, target);
            readIntoFields.members.add(link);
          }
        });
      }
    }
  }

  /** The collection a typed child belongs to: the one of the most specific type it is; generic objects go to the first. */
  private collectionFor(child: Builder, fields: Extract<Field, { kind: "children" }>[]): Extract<Field, { kind: "children" }> | undefined {
    const type = String(attributeValue(child.attributes.get("neurodata_type")));
    const namespace = String(attributeValue(child.attributes.get("namespace")) ?? "core");
    const ns = typeCatalog.namespace(namespace) ? namespace : undefined;
    if (!typeCatalog.has(type, ns)) return fields[0];
    const def = typeCatalog.get(type, ns);
    const lineage = typeCatalog.lineage(def).map((t) => t.name);
    let best: { f: Extract<Field, { kind: "children" }>; depth: number } | undefined;
    for (const f of fields) {
      for (const t of f.types) {
        const depth = lineage.indexOf(t);
        if (depth >= 0 && (best === undefined || depth < best.depth)) best = { f, depth };
      }
    }
    return best?.f;
  }

  /** A dataset's value as the field holds it: eager for text, scalars and references, lazy for arrays. */
  private async valueOf(obj: AbstractContainer, f: DatasetField | ValueField, handle: LazyArray, path: string): Promise<unknown> {
    const shape = valueShape(f);
    if (shape === "array") return handle;
    if (!isLazyArray(handle)) return handle;
    if (shape === "object" || shape === "objects" || handle.dtype === "reference") {
      if (handle.dtype !== "reference") return handle;
      const paths = (await handle.read()) as string[];
      this.pending.push(() => {
        const objs = paths.map((p) => this.resolve(p, `${path} (reference)`));
        (obj as unknown as Fields)[f.key] = shape === "object" ? objs[0] : objs;
      });
      return undefined;
    }
    if (handle.dtype === "opaque") return handle;
    recordStoredDType(obj, f.key, handle.dtype);
    const values = plainNumbers(Array.from((await handle.read()) as ArrayLike<unknown>));
    return plainValue(values, shape);
  }

  /**
   * Typed objects at paths that no field reaches go to `nwbfile.other` by path, so that nothing typed in a file
   * is out of reach or lost on export.
   */
  async constructUnplaced(g: GroupBuilder, nwbfile: NWBFile): Promise<void> {
    for (const child of [...g.groups.values(), ...g.datasets.values()]) {
      if (this.byPath.has(child.path) || child.path === "/specifications") continue;
      if (isTyped(child)) nwbfile.other.set(child.path, await this.construct(child, nwbfile));
      else if (child instanceof GroupBuilder) await this.constructUnplaced(child, nwbfile);
    }
  }

  /** The dataset builder at an absolute path of the tree, if there is one. */
  private datasetAt(path: string): DatasetBuilder | undefined {
    const b = this.builderAt(path);
    return b instanceof DatasetBuilder ? b : undefined;
  }

  /** The group or dataset builder at an absolute path of the tree, if there is one. */
  private builderAt(path: string): Builder | undefined {
    const parts = path.split("/").filter((p) => p.length > 0);
    let group: GroupBuilder | undefined = this.root;
    for (const part of parts.slice(0, -1)) group = group?.groups.get(part);
    const last = parts[parts.length - 1] ?? "";
    return group?.groups.get(last) ?? group?.datasets.get(last);
  }

  private resolve(path: string, where: string): AbstractContainer {
    const target = this.byPath.get(path);
    if (!target) throw new FormatError(this.fileName, `${where} points at ${path}, which is not a typed object in the file`);
    return target;
  }
}

/** Records that the attribute `name` of `b` was read into a field. */
function markAttributeRead(b: Builder, name: string): void {
  let names = readIntoFields.attributes.get(b);
  if (!names) readIntoFields.attributes.set(b, (names = new Set()));
  names.add(name);
}

/** Values read as a list, shaped as the field holds them: a scalar field takes the first (pynwb may store a 1-element array). */
function plainValue(values: unknown[], shape: string): unknown {
  const list = plainNumbers(values);
  switch (shape) {
    case "text": case "number": return list[0];
    case "bool": return Boolean(list[0]);
    case "bools": return list.map(Boolean);
    default: return list;
  }
}

function isTyped(b: Builder): boolean {
  return b.attributes.has("neurodata_type");
}

/**
 * An attribute as a JS value: a string or number, or an array of them; 64-bit integers are numbers when a number
 * holds them exactly, else bigints (a uint64 beyond 2^53 is kept exactly).
 */
export function attributeValue(a: AttributeBuilder | undefined, vector = false): unknown {
  if (a === undefined) return undefined;
  if ("kind" in a.value) return vector ? a.value.targets : a.value.targets[0];
  const list = plainNumbers(Array.from(a.value.data as ArrayLike<unknown>));
  return vector || !a.scalar ? list : list[0];
}

/**
 * Values as JS values: 64-bit integers (bigints) as numbers when every one of them is a number exactly, else all
 * as bigints (a list is of one kind).
 */
function plainNumbers(values: unknown[]): unknown[] {
  const exact = values.every((v) => typeof v !== "bigint" || Number.isSafeInteger(Number(v)));
  return exact ? values.map((v) => (typeof v === "bigint" ? Number(v) : v)) : values;
}
