/**
 * Schema validation of a builder tree: a file's as read (attributes read, datasets lazy), or one about to be
 * written. Every typed object is checked against its type in the namespace catalog: required members present
 * (groups, datasets, attributes, links), quantities, dtypes by the spec language's rules (hdmf's: a spec dtype
 * accepts its synonyms and wider types of the same kind), shapes against every allowed alternative, fixed values,
 * `neurodata_type` and `namespace` attributes naming a type the namespace defines, link and reference targets of
 * the type asked for (a subtype is fine). Beyond pynwb's validator: DynamicTables' columns of one length, `_index`
 * datasets in range and non-decreasing, region indices within their table, and `order_of_images` referencing only
 * images of its own container. Array data is read only where a rule needs it (indices, regions, references,
 * date-times), so a large movie file validates in the time its metadata takes to read.
 */
import { type Builder, DatasetBuilder, GroupBuilder, LinkBuilder, linkedBuilder } from "../mapping/builders.js";
import type { NamespaceCatalog, TypeDef } from "../schema/catalog.js";
import type { AttributeSpec, DatasetSpec, Dtype, GroupSpec, LinkSpec, Quantity, Shape } from "../schema/language.js";
import { isCompoundDtype, isRefDtype, memberType } from "../schema/language.js";
import { isDateTimeDtype } from "../schema/fields.js";
import { article } from "../containers/fields.js";
import { attributeValue } from "../mapping/mapper.js";
import type { DType } from "../data/dtype.js";
import { type LazyArray, isFrameSource, isLazyArray } from "../data/lazy.js";
import { isNDArray } from "../data/ndarray.js";

/** The rule an issue breaks. */
export type ValidationRule =
  | "missing" | "quantity" | "dtype" | "shape" | "value" | "neurodata_type" | "unknown_type"
  | "link_target" | "reference_target" | "table" | "order_of_images" | "index";

/** One problem found: where (the object's path), which rule, and what was found. */
export interface ValidationIssue {
  /** Where in the file. */
  path: string;
  /** The rule broken. */
  rule: ValidationRule;
  /** What is wrong. */
  message: string;
}

/** What validating a tree of builders takes. */
export interface TreeValidationOptions {
  /**
   * Only the checks that need no array data from files (presence, quantities, dtypes, shapes, types, link targets;
   * tables, regions and IndexSeries indices on the values in memory): what a write runs on what it is about to
   * write. Default false: every check.
   */
  structuralOnly?: boolean;
  /**
   * The root's `nwb_version` is the file's own claim, not held to the version the schema fixes: the file caches no
   * schema and is judged by tsnwb's bundled one, as pynwb judges it by its own (pynwb's validator never compares
   * fixed values). Default false.
   */
  versionNamedByFile?: boolean;
}

/** Validates the builder tree of a whole file against `catalog`. */
export async function validateTree(root: GroupBuilder, catalog: NamespaceCatalog, options: TreeValidationOptions = {}): Promise<ValidationIssue[]> {
  const v = new TreeValidator(root, catalog, options);
  await v.run();
  return v.issues;
}

/** A dataset's dtype and shape, whatever holds its value; shape undefined for a stream not written yet. */
interface ArrayInfo {
  dtype: DType | undefined;
  shape: number[] | undefined;
  members?: { name: string; dtype: DType }[];
}

class TreeValidator {
  readonly issues: ValidationIssue[] = [];
  /** Checks that read array data (tables' indices, references, date-times), run once the structure is checked. */
  private readonly deferredChecks: (() => Promise<void>)[] = [];

  constructor(private readonly root: GroupBuilder, private readonly catalog: NamespaceCatalog, private readonly options: TreeValidationOptions) {}

  async run(): Promise<void> {
    const type = this.typeOf(this.root);
    if (type === undefined) {
      this.report("/", "neurodata_type", "the root has no neurodata_type: an NWB file's root is an NWBFile");
      return;
    }
    if (!this.catalog.isA(type, "NWBFile")) this.report("/", "neurodata_type", `the root is a ${type.name}, not an NWBFile`);
    this.checkTyped(this.root, type);
    this.checkStrayTypes(this.root);
    for (const check of this.deferredChecks) await check();
  }

  private readonly reported = new Set<string>();
  private report(path: string, rule: ValidationRule, message: string): void {
    const key = `${path}\0${rule}\0${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.issues.push({ path, rule, message });
  }

  /**
   * The type a builder's attributes name, reported when unknown; undefined when it names none. A write does not
   * report unknown types: objects of a namespace neither cached nor loaded are kept as they were read.
   */
  private typeOf(b: Builder): TypeDef | undefined {
    const type = textAttribute(b, "neurodata_type");
    if (type === undefined) return undefined;
    if (this.options.structuralOnly) return this.quietTypeOf(b);
    const namespace = textAttribute(b, "namespace");
    if (namespace === undefined) {
      this.report(b.path, "neurodata_type", `a ${type} without a namespace attribute`);
      return this.catalog.has(type) ? this.catalog.get(type) : undefined;
    }
    if (this.catalog.namespace(namespace) === undefined) {
      this.report(b.path, "unknown_type", `namespace '${namespace}' (of its type ${type}) is not loaded: neither cached in the file nor known to tsnwb`);
      return undefined;
    }
    if (!this.catalog.has(type, namespace)) {
      this.report(b.path, "unknown_type", `type '${type}' is not defined by namespace '${namespace}' or those it includes`);
      return undefined;
    }
    return this.catalog.get(type, namespace);
  }

  /** Checks a typed object against its type, and its members in turn. */
  private checkTyped(b: Builder, type: TypeDef): void {
    this.checked.add(b);
    const spec = type.resolved;
    if (b instanceof GroupBuilder) {
      if (type.kind !== "group") this.report(b.path, "neurodata_type", `a group, but its type ${type.name} is a dataset type`);
      else this.checkGroup(b, spec as GroupSpec);
    } else {
      if (type.kind !== "dataset") this.report(b.path, "neurodata_type", `a dataset, but its type ${type.name} is a group type`);
      else this.checkDataset(b, spec as DatasetSpec);
    }
    // Before a write these read nothing from files: only values in memory are checked (numbers()).
    if (this.catalog.isA(type, "DynamicTable") && b instanceof GroupBuilder) this.deferredChecks.push(() => this.checkTable(b));
    if (this.catalog.isA(type, "DynamicTableRegion") && b instanceof DatasetBuilder) this.deferredChecks.push(() => this.checkRegion(b));
    if (this.catalog.isA(type, "IndexSeries") && b instanceof GroupBuilder) this.deferredChecks.push(() => this.checkIndexSeries(b));
    if (!this.options.structuralOnly && this.catalog.isA(type, "Images") && b instanceof GroupBuilder) this.deferredChecks.push(() => this.checkOrderOfImages(b));
  }

  private checkGroup(g: GroupBuilder, spec: GroupSpec): void {
    this.checked.add(g);
    this.checkAttributes(g, spec.attributes ?? []);
    const claimed = new Set<string>();
    for (const d of spec.datasets ?? []) this.checkMember(g, d, "dataset", claimed);
    for (const sub of spec.groups ?? []) this.checkMember(g, sub, "group", claimed);
    for (const link of spec.links ?? []) this.checkLink(g, link, claimed);
    const unnamed = [
      ...(spec.datasets ?? []).filter((m) => m.name === undefined).map((m) => ({ m, kind: "dataset" as const })),
      ...(spec.groups ?? []).filter((m) => m.name === undefined).map((m) => ({ m, kind: "group" as const })),
    ];
    this.checkUnnamed(g, unnamed, claimed);
  }

  /** A named member of a group: present when required, of the kind and type asked for, and valid itself. */
  private checkMember(g: GroupBuilder, m: DatasetSpec | GroupSpec, kind: "dataset" | "group", claimed: Set<string>): void {
    if (m.name === undefined) return;
    claimed.add(m.name);
    const found = this.memberAt(g, m.name);
    if (found === undefined) {
      if (isRequired(m.quantity)) this.report(g.path, "missing", `required ${kind} '${m.name}' is missing`);
      return;
    }
    if (found.link && found.builder === undefined) {
      const link = g.links.get(m.name)!;
      this.report(`${g.path}/${m.name}`, "link_target", link.external === undefined ? `a soft link in the place of ${kind} '${m.name}' points at nothing in the file` : this.linkProblem(link));
      return;
    }
    if (found.link) {
      // A soft link in a dataset's or group's place (pynwb's shared timestamps, reference images): its target is checked where it is.
      if (memberType(m) !== undefined) this.checkTargetType(`${g.path}/${m.name}`, found.builder, memberType(m)!, "link_target");
      return;
    }
    const b = found.builder!;
    if (kind === "dataset" && !(b instanceof DatasetBuilder)) return this.report(b.path, "missing", `'${m.name}' should be a dataset, found a group`);
    if (kind === "group" && !(b instanceof GroupBuilder)) return this.report(b.path, "missing", `'${m.name}' should be a group, found a dataset`);
    if (memberType(m) !== undefined) {
      const type = this.expectTyped(b, memberType(m)!);
      if (type === undefined) return;
      if (!this.checked.has(b)) this.checkTyped(b, type);
      this.checkRefinement(b, m);
      return;
    }
    if (b instanceof GroupBuilder) this.checkGroup(b, m as GroupSpec);
    else this.checkDataset(b as DatasetBuilder, m as DatasetSpec);
  }

  /**
   * What a typed member's place adds to its type holds as well as the type's own rules, as pynwb's validator has it:
   * a TimeIntervals' start_time of float; a Units' waveform_mean with its unit; the members NWBFile's electrodes
   * table (a plain DynamicTable) must have, and their dtypes (x of float32, location of text).
   */
  private checkRefinement(b: Builder, m: DatasetSpec | GroupSpec): void {
    this.checkAttributes(b, m.attributes ?? []);
    if (b instanceof DatasetBuilder) {
      this.checkDatasetValue(b, m as DatasetSpec);
      return;
    }
    const g = b as GroupBuilder;
    const claimed = new Set<string>();
    for (const d of (m as GroupSpec).datasets ?? []) this.checkMember(g, d, "dataset", claimed);
    for (const sub of (m as GroupSpec).groups ?? []) this.checkMember(g, sub, "group", claimed);
    for (const link of (m as GroupSpec).links ?? []) this.checkLink(g, link, claimed);
  }

  /** A member the spec types: it must say it is one (`neurodata_type`), of the type or a subtype. */
  private expectTyped(b: Builder, inc: string): TypeDef | undefined {
    const named = textAttribute(b, "neurodata_type");
    if (named === undefined) {
      this.report(b.path, "neurodata_type", `should be ${article(inc)}, but has no neurodata_type attribute`);
      return undefined;
    }
    const type = this.typeOf(b);
    if (type !== undefined && !this.catalog.isA(type, inc)) this.report(b.path, "neurodata_type", `should be ${article(inc)}, found ${article(type.name)}`);
    return type;
  }

  /** Members the spec leaves unnamed (typed, named by the user): counted per member spec, each checked as its type. */
  private checkUnnamed(g: GroupBuilder, members: { m: DatasetSpec | GroupSpec; kind: "dataset" | "group" }[], claimed: Set<string>): void {
    const counts = new Map<DatasetSpec | GroupSpec, number>();
    for (const child of g.children()) {
      if (claimed.has(child.name)) continue;
      const b = child instanceof LinkBuilder ? this.resolveLink(child) : child;
      if (b === undefined) continue;
      if (textAttribute(b, "neurodata_type") === undefined) {
        // Where the spec names no member of this name, only typed members can stand: an untyped one lost its type.
        const kinds = members.filter(({ kind }) => (b instanceof GroupBuilder) === (kind === "group")).map(({ m }) => memberType(m)!);
        if (!(child instanceof LinkBuilder) && kinds.length > 0) this.report(b.path, "neurodata_type", `has no neurodata_type attribute: here only typed objects stand (${kinds.map(article).join(", ")})`);
        continue;
      }
      const type = child instanceof LinkBuilder ? this.quietTypeOf(b) : this.typeOf(b);
      if (type === undefined) continue;
      // The most specific member spec the child is one of (a ProcessingModule's DynamicTable before NWBDataInterface).
      let best: { m: DatasetSpec | GroupSpec; depth: number } | undefined;
      for (const { m, kind } of members) {
        if ((b instanceof GroupBuilder) !== (kind === "group")) continue;
        const depth = this.catalog.lineage(type).findIndex((t) => t.name === memberType(m));
        if (depth >= 0 && (best === undefined || depth < best.depth)) best = { m, depth };
      }
      if (best) counts.set(best.m, (counts.get(best.m) ?? 0) + 1);
      // Linked objects are checked where they are.
      if (!(child instanceof LinkBuilder)) this.checkTyped(b, type);
    }
    for (const { m } of members) {
      const n = counts.get(m) ?? 0;
      const problem = quantityProblem(m.quantity, n);
      if (problem) this.report(g.path, "quantity", `${problem} ${memberType(m)} (found ${n})`);
    }
  }

  private checkLink(g: GroupBuilder, spec: LinkSpec, claimed: Set<string>): void {
    if (spec.name === undefined) return;
    claimed.add(spec.name);
    const link = g.links.get(spec.name);
    if (link === undefined) {
      const other = g.groups.get(spec.name) ?? g.datasets.get(spec.name);
      if (other !== undefined) this.report(other.path, "link_target", `'${spec.name}' should be a link to ${article(spec.target_type)}, found a ${other.kind}`);
      else if (isRequired(spec.quantity)) this.report(g.path, "missing", `required link '${spec.name}' (to ${article(spec.target_type)}) is missing`);
      return;
    }
    this.checkTargetType(link.path, this.resolveLink(link), spec.target_type, "link_target", targetPath(link.target));
  }

  /** A link's or reference's target: an object of `type` (or a subtype). */
  private checkTargetType(path: string, target: Builder | undefined, type: string, rule: ValidationRule, shown?: string): void {
    if (target === undefined) {
      this.report(path, rule, `points at ${shown ?? "an object"} that is not in the file (expected ${article(type)})`);
      return;
    }
    const t = this.quietTypeOf(target);
    if (t === undefined) this.report(path, rule, `points at ${target.path}, which is not a typed object (expected ${article(type)})`);
    else if (!this.catalog.isA(t, type)) this.report(path, rule, `points at ${target.path}, ${article(t.name)}, expected ${article(type)}`);
  }

  /** The type a builder names, without reporting (it is reported where it is). */
  private quietTypeOf(b: Builder): TypeDef | undefined {
    const type = textAttribute(b, "neurodata_type");
    if (type === undefined) return undefined;
    const named = textAttribute(b, "namespace");
    const ns = named !== undefined && this.catalog.namespace(named) ? named : undefined;
    return this.catalog.has(type, ns) ? this.catalog.get(type, ns) : undefined;
  }

  private checkDataset(ds: DatasetBuilder, spec: DatasetSpec): void {
    this.checked.add(ds);
    this.checkAttributes(ds, spec.attributes ?? []);
    this.checkDatasetValue(ds, spec);
  }

  private checkDatasetValue(ds: DatasetBuilder, spec: DatasetSpec): void {
    const info = arrayInfo(ds);
    // An empty dataset's dtype says nothing of values it does not have (hdmf's validator skips it too).
    const empty = info.shape !== undefined && info.shape.some((n) => n === 0);
    if (spec.dtype !== undefined && info.dtype !== undefined && !empty) this.checkDtype(ds.path, spec.dtype, info, ds);
    if (info.shape !== undefined) this.checkShape(ds.path, spec.shape, info.shape, ds.scalar);
  }

  private checkAttributes(b: Builder, specs: AttributeSpec[]): void {
    for (const spec of specs) {
      const a = b.attributes.get(spec.name);
      const path = `${b.path} attribute '${spec.name}'`;
      if (a === undefined) {
        if (spec.required !== false && spec.value === undefined) this.report(b.path, "missing", `required attribute '${spec.name}' is missing`);
        continue;
      }
      if ("kind" in a.value) {
        if (!isRefDtype(spec.dtype)) this.report(path, "dtype", `holds references, expected ${describeDtype(spec.dtype)}`);
        else for (const t of a.value.targets) this.checkTargetType(path, this.resolvePath(targetPath(t)), spec.dtype.target_type, "reference_target", targetPath(t));
        continue;
      }
      const info: ArrayInfo = { dtype: a.value.dtype, shape: a.scalar ? [] : a.value.shape };
      // An empty array's dtype says nothing of values it does not have, as hdmf's validator has it: pynwb writes an
      // empty list as float64 (an IntracellularRecordingsTable's colnames, older pynwb's empty colnames).
      if (a.scalar || a.value.shape.every((n) => n > 0)) this.checkDtype(path, spec.dtype, info, undefined, a.value.data as ArrayLike<unknown>);
      this.checkShape(path, spec.shape, info.shape!, a.scalar, true);
      if (spec.name === "nwb_version" && b === this.root && this.options.versionNamedByFile) continue;
      if (spec.value !== undefined) {
        const values = Array.from(a.value.data as ArrayLike<unknown>, (x) => (typeof x === "bigint" ? Number(x) : x));
        const expected = Array.isArray(spec.value) ? spec.value : [spec.value];
        if (values.length !== expected.length || values.some((x, i) => x !== expected[i])) {
          this.report(path, "value", `is ${JSON.stringify(a.scalar ? values[0] : values)}, the schema fixes ${JSON.stringify(spec.value)}`);
        }
      }
    }
  }

  /** A dtype against the spec's, by hdmf's rules; date-times and references are looked at (reading them if needed). */
  private checkDtype(path: string, spec: Dtype, info: ArrayInfo, ds?: DatasetBuilder, values?: ArrayLike<unknown>): void {
    const found = info.dtype!;
    if (isRefDtype(spec)) {
      if (found !== "reference") return this.report(path, "dtype", `is ${found}, expected references to ${spec.target_type}`);
      // A write reads no array data: references it has in memory are checked, those copied from a file are not.
      if (ds && (!this.options.structuralOnly || !isLazyArray(ds.value))) this.deferredChecks.push(() => this.checkReferences(ds, spec.target_type));
      return;
    }
    if (isCompoundDtype(spec)) {
      if (found !== "compound") return this.report(path, "dtype", `is ${found}, expected a compound of ${spec.map((m) => m.name).join(", ")}`);
      const members = info.members ?? [];
      for (const m of spec) {
        const got = members.find((x) => x.name === m.name);
        if (got === undefined) this.report(path, "dtype", `the compound has no member '${m.name}'`);
        else if (!isRefDtype(m.dtype) && !isCompoundDtype(m.dtype) && !dtypeAllowed(m.dtype, got.dtype)) {
          this.report(path, "dtype", `member '${m.name}' is ${got.dtype}, expected ${describeDtype(m.dtype)}`);
        } else if (isRefDtype(m.dtype) && got.dtype !== "reference") this.report(path, "dtype", `member '${m.name}' is ${got.dtype}, expected references`);
      }
      return;
    }
    if (!dtypeAllowed(spec, found)) return this.report(path, "dtype", `is ${found}, expected ${describeDtype(spec)}`);
    if (isDateTimeDtype(spec)) {
      if (values !== undefined) this.checkDateTimes(path, values);
      else if (ds && isLazyArray(ds.value) && !this.options.structuralOnly && (ds.value.shape[0] ?? 1) <= 1024) {
        const lazy = ds.value;
        this.deferredChecks.push(async () => this.checkDateTimes(path, (await lazy.read()) as ArrayLike<unknown>));
      } else if (ds && isNDArray(ds.value)) this.checkDateTimes(path, ds.value.data as ArrayLike<unknown>);
    }
  }

  private checkDateTimes(path: string, values: ArrayLike<unknown>): void {
    for (const v of Array.from(values)) {
      if (typeof v !== "string" || !ISO_DATETIME.test(v)) return this.report(path, "dtype", `holds ${JSON.stringify(v)}, expected an ISO 8601 date-time`);
    }
  }

  /** Every allowed shape is tried; a dataset fits when one of them fits. */
  private checkShape(path: string, spec: Shape | Shape[] | undefined, found: number[], scalar: boolean, attribute = false): void {
    if (spec === undefined || spec === null) return;
    const options = (Array.isArray(spec[0]) || spec.length === 0 ? spec : [spec]) as Shape[];
    const fits = options.some((s) => s.length === found.length && s.every((n, i) => n === null || n === found[i]));
    // A scalar attribute stands for a 1-element array of one axis. A scalar dataset does not: hdmf's validator
    // takes a dataset's shape from its dataspace (a scalar is `()`), and so finds an NWB 2.0 file's scalar
    // `experimenter` wrong where the schema asks for an array.
    const scalarFits = scalar && attribute && options.some((s) => s.length === 1 && (s[0] === null || s[0] === 1));
    if (!fits && !scalarFits) {
      const shown = options.map((s) => `[${s.map((n) => (n === null ? "any" : n)).join(", ")}]`).join(" or ");
      this.report(path, "shape", `has shape ${scalar ? "scalar" : `[${found.join(", ")}]`}, expected ${shown}`);
    }
  }

  /** Object references of a dataset in a file: their targets, of the type asked for. */
  private async checkReferences(ds: DatasetBuilder, type: string): Promise<void> {
    for (const t of await referencePaths(ds)) this.checkTargetType(ds.path, this.resolvePath(t), type, "reference_target", t);
  }

  /** A DynamicTable: one length for every column and the ids, indices in range and non-decreasing. */
  private async checkTable(g: GroupBuilder): Promise<void> {
    const id = g.datasets.get("id");
    const rows = id ? arrayInfo(id).shape?.[0] : undefined;
    const colnames = ((attributeValue(g.attributes.get("colnames"), true) as unknown[] | undefined) ?? []).map(String);
    const targets = new Map<string, string>();
    for (const ds of g.datasets.values()) {
      const target = ds.attributes.get("target");
      if (target && "kind" in target.value) targets.set(targetPath(target.value.targets[0]!), ds.name);
    }
    for (const name of colnames) {
      const column = g.datasets.get(name) ?? g.links.get(name);
      if (column === undefined) {
        this.report(g.path, "table", `colnames lists '${name}', which is not in the table`);
        continue;
      }
      if (!(column instanceof DatasetBuilder) || rows === undefined) continue;
      // A column's rows are those of its outermost index.
      let top: DatasetBuilder = column;
      for (let up = targets.get(top.path); up !== undefined; up = targets.get(top.path)) {
        const next = g.datasets.get(up);
        if (!next || next === top) break;
        top = next;
      }
      const length = arrayInfo(top).shape?.[0];
      if (length !== undefined && length !== rows) this.report(top.path, "table", `has ${length} rows, the table's id has ${rows}`);
    }
    for (const ds of g.datasets.values()) {
      if (!this.isA(ds, "VectorIndex")) continue;
      const target = ds.attributes.get("target");
      if (!target || !("kind" in target.value)) continue;
      const data = this.resolvePath(targetPath(target.value.targets[0]!));
      // hdmf reads a table's index with its target among the table's columns: one elsewhere makes pynwb refuse it.
      if (data !== undefined && data.parent !== g) {
        this.report(ds.path, "table", `indexes ${data.path}, which is not a column of ${g.path}`);
        continue;
      }
      const length = data instanceof DatasetBuilder ? arrayInfo(data).shape?.[0] : undefined;
      const ends = await this.numbers(ds);
      if (ends === undefined || length === undefined) continue;
      let previous = 0;
      for (const [i, end] of ends.entries()) {
        if (end < previous) {
          this.report(ds.path, "table", `decreases at row ${i} (${end} after ${previous}): an index must not decrease`);
          break;
        }
        previous = end;
      }
      if (previous > length) this.report(ds.path, "table", `ends at ${previous}, past the ${length} elements of ${data!.path}`);
    }
  }

  /** A region's indices within the rows of its table. */
  private async checkRegion(ds: DatasetBuilder): Promise<void> {
    const attr = ds.attributes.get("table");
    if (!attr || !("kind" in attr.value)) return;
    const table = this.resolvePath(targetPath(attr.value.targets[0]!));
    if (!(table instanceof GroupBuilder)) return;
    const id = table.datasets.get("id");
    const rows = id ? arrayInfo(id).shape?.[0] : undefined;
    const indices = await this.numbers(ds);
    if (rows === undefined || indices === undefined) return;
    const bad = indices.findIndex((i) => i < 0 || i >= rows || !Number.isInteger(i));
    if (bad >= 0) this.report(ds.path, "table", `element ${bad} is row ${indices[bad]} of ${table.path}, which has ${rows} rows`);
  }

  /** A dataset's numbers: from memory, or (not before a write) read from the file. */
  private numbers(ds: DatasetBuilder): Promise<number[] | undefined> {
    return this.options.structuralOnly && isLazyArray(ds.value) ? Promise.resolve(undefined) : readNumbers(ds);
  }

  /**
   * An IndexSeries' indices point at images of its `indexed_images` (or frames of its older `indexed_timeseries`):
   * one past them names nothing (and a negative one written as unsigned becomes 4294967295).
   */
  private async checkIndexSeries(g: GroupBuilder): Promise<void> {
    const data = g.datasets.get("data");
    const images = g.links.get("indexed_images");
    const series = g.links.get("indexed_timeseries");
    const target = images ? this.resolvePath(targetPath(images.target)) : series ? this.resolvePath(targetPath(series.target)) : undefined;
    if (!data || !(target instanceof GroupBuilder)) return;
    let count: number | undefined;
    if (images) {
      const order = target.datasets.get("order_of_images");
      count = order ? arrayInfo(order).shape?.[0] : [...target.datasets.values()].filter((d) => this.isA(d, "Image")).length;
    } else {
      const frames = target.datasets.get("data");
      const shape = frames ? arrayInfo(frames).shape : undefined;
      const external = target.datasets.get("external_file");
      count = external && shape?.[0] === 0 ? undefined : shape?.[0];
    }
    const indices = await this.numbers(data);
    if (count === undefined || indices === undefined) return;
    const bad = indices.findIndex((i) => !Number.isInteger(i) || i < 0 || i >= count);
    if (bad >= 0) this.report(data.path, "index", `element ${bad} is ${indices[bad]}, but ${target.path} has ${count} ${images ? "images" : "frames"} (0 to ${count - 1})`);
  }

  /** order_of_images: references to images of the same Images container only. */
  private async checkOrderOfImages(g: GroupBuilder): Promise<void> {
    const order = g.datasets.get("order_of_images");
    if (!order) return;
    for (const t of await referencePaths(order)) {
      const parent = t.slice(0, t.lastIndexOf("/")) || "/";
      if (parent !== g.path) this.report(order.path, "order_of_images", `references ${t}, which is not an image of ${g.path}`);
    }
  }

  /** Typed objects the walk from the root never reached (under groups no spec describes) are still checked. */
  private checkStrayTypes(g: GroupBuilder): void {
    for (const child of [...g.groups.values(), ...g.datasets.values()]) {
      if (this.checked.has(child)) continue;
      const type = this.typeOf(child);
      if (type !== undefined) this.checkTyped(child, type);
      else if (child instanceof GroupBuilder) this.checkStrayTypes(child);
    }
  }

  /** Every group and dataset checked against a spec so far. */
  private readonly checked = new Set<Builder>();

  private isA(b: Builder, type: string): boolean {
    const t = this.quietTypeOf(b);
    return t !== undefined && this.catalog.isA(t, type);
  }

  /** A member by name; a soft link stands for its target. */
  private memberAt(g: GroupBuilder, name: string): { builder: Builder | undefined; link: boolean } | undefined {
    const direct = g.groups.get(name) ?? g.datasets.get(name);
    if (direct) return { builder: direct, link: false };
    const link = g.links.get(name);
    if (!link) return undefined;
    const target = this.resolveLink(link);
    return { builder: target, link: true };
  }

  /** Why an external link leads nowhere: its file's error, or nothing at its path there. */
  private linkProblem(link: LinkBuilder): string {
    try {
      linkedBuilder(link, this.root);
      return `an external link to ${String(link.target)} in ${link.external!.file}: nothing is at that path there`;
    } catch (e) {
      return (e as Error).message;
    }
  }

  private resolveLink(link: LinkBuilder): Builder | undefined {
    if (link.external !== undefined) {
      // Another file's object: the one a write links to, or the one read (its file opened; missing: not there).
      try {
        return linkedBuilder(link, this.root);
      } catch {
        return undefined;
      }
    }
    return typeof link.target === "string" ? this.resolvePath(link.target) : link.target;
  }

  private resolvePath(path: string): Builder | undefined {
    let cur: Builder | undefined = this.root;
    for (const part of path.split("/").filter((p) => p.length > 0)) {
      if (!(cur instanceof GroupBuilder)) return undefined;
      const next: Builder | LinkBuilder | undefined = cur.groups.get(part) ?? cur.datasets.get(part) ?? cur.links.get(part);
      cur = next instanceof LinkBuilder ? this.resolveLink(next) : next;
    }
    return cur;
  }
}

/** hdmf's validator: an ISO 8601 date-time, the offset optional. */
const ISO_DATETIME = /^(-?(?:[1-9][0-9]*)?[0-9]{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])T(2[0-3]|[01][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|[+-](?:2[0-3]|[01][0-9]):[0-5][0-9])?$/;

/** The spec language's dtype names, by the stored dtype each stands for. */
const SYNONYMS: Record<string, string> = {
  float: "float32", float32: "float32", double: "float64", float64: "float64",
  long: "int64", int64: "int64", int: "int32", int32: "int32", short: "int16", int16: "int16", int8: "int8",
  uint64: "uint64", uint: "uint32", uint32: "uint32", uint16: "uint16", uint8: "uint8",
  text: "text", utf: "text", utf8: "text", "utf-8": "text", ascii: "text", bytes: "text", isodatetime: "text", datetime: "text",
  bool: "bool",
};

/** What a spec dtype accepts, as hdmf's validator does: wider types of the same kind (a float accepts a double). */
const WIDER: Record<string, string[]> = {
  float32: ["float32", "float64"], float64: ["float64"],
  int8: ["int8", "int16", "int32", "int64"], int16: ["int16", "int32", "int64"], int32: ["int32", "int64"], int64: ["int64"],
  uint8: ["uint8", "uint16", "uint32", "uint64"], uint16: ["uint16", "uint32", "uint64"], uint32: ["uint32", "uint64"], uint64: ["uint64"],
  text: ["text"], bool: ["bool"],
};

/** Whether data of dtype `found` may be stored where the schema says `spec`: that type or a wider one of its kind, as hdmf's validator. */
export function dtypeAllowed(spec: Dtype, found: DType): boolean {
  if (typeof spec !== "string") return true;
  if (spec === "numeric") return /^(u?int|float)\d+$/.test(found);
  const base = SYNONYMS[spec];
  if (base === undefined) return true;
  return (WIDER[base] ?? [base]).includes(found);
}

function describeDtype(d: Dtype): string {
  if (isRefDtype(d)) return `references to ${d.target_type}`;
  if (isCompoundDtype(d)) return `a compound of ${d.map((m) => m.name).join(", ")}`;
  const base = SYNONYMS[d];
  return base && base !== d ? `${d} (${(WIDER[base] ?? [base]).join(" or ")})` : d;
}

function isRequired(q: Quantity | undefined): boolean {
  return q === undefined || q === "+" || q === "one_or_many" || (typeof q === "number" && q > 0);
}

/** What is wrong with `n` members where `q` are allowed, if anything. */
function quantityProblem(q: Quantity | undefined, n: number): string | undefined {
  if (q === undefined || q === 1) return n === 1 ? undefined : "exactly one";
  if (q === "?" || q === "zero_or_one") return n <= 1 ? undefined : "at most one";
  if (q === "*" || q === "zero_or_many") return undefined;
  if (q === "+" || q === "one_or_many") return n >= 1 ? undefined : "at least one";
  return n === q ? undefined : `exactly ${q}`;
}

/** An attribute's text (the mapper's reading of attributes), or undefined when it has none. */
function textAttribute(b: Builder, name: string): string | undefined {
  const v = attributeValue(b.attributes.get(name));
  return typeof v === "string" ? v : undefined;
}

function targetPath(t: GroupBuilder | DatasetBuilder | string): string {
  return typeof t === "string" ? t : t.path;
}

/** The dtype and shape of a dataset, whatever holds its value (array in memory, lazy handle, references, rows). */
function arrayInfo(ds: DatasetBuilder): ArrayInfo {
  const v = ds.value;
  if (isNDArray(v)) return { dtype: v.dtype, shape: ds.scalar ? [] : v.shape };
  if (isLazyArray(v)) return { dtype: v.dtype === "opaque" ? undefined : v.dtype, shape: ds.scalar ? [] : v.shape, members: (v as LazyArray).members };
  if (isFrameSource(v)) return { dtype: ds.dtype, shape: undefined };
  if (v.kind === "reference") return { dtype: "reference", shape: [v.targets.length] };
  return { dtype: "compound", shape: [v.rows.length], members: v.members };
}

/** The paths a dataset of references points at: read from the file, or the builders' paths before a write. */
async function referencePaths(ds: DatasetBuilder): Promise<string[]> {
  const v = ds.value;
  if (isLazyArray(v)) return ((await v.read()) as unknown[]).map(String);
  if (!isNDArray(v) && !isFrameSource(v) && v.kind === "reference") return v.targets.map(targetPath);
  return [];
}

/** A dataset's numbers (indices, regions): read from the file or taken from memory. */
async function readNumbers(ds: DatasetBuilder): Promise<number[] | undefined> {
  const v = ds.value;
  if (isNDArray(v)) return Array.from(v.data as ArrayLike<number | bigint>, Number);
  if (isLazyArray(v) && v.dtype !== "opaque" && v.dtype !== "text" && v.dtype !== "compound" && v.dtype !== "reference") {
    return Array.from((await v.read()) as ArrayLike<number | bigint>, Number);
  }
  return undefined;
}
