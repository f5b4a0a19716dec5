/**
 * A type's fields: what a class exposes as properties, each with where it sits in storage. Derived from the
 * resolved spec by one naming rule, so the generated classes, the mapper and the printer agree:
 * - a member's field is named as the member (`description`, `data`, `electrodes`);
 * - an unnamed typed member is named after its type in snake case, plural when there may be many
 *   (`SpatialSeries` -> `spatial_series`, `PlaneSegmentation` -> `plane_segmentations`), as hdmf names them;
 * - members of an untyped dataset or group take its name as a prefix (`age__reference`), except that an untyped
 *   group holding only typed members of one kind is named as the group (`reference_images`);
 * - pynwb's own names where it deviates (`unit` for `data.unit`, `rate`, `devices`, `electrodes`...): the table in
 *   `pynwb-names.ts`.
 */
import type { AttributeSpec, DatasetSpec, Dtype, GroupSpec, LinkSpec } from "./language.js";
import { isRefDtype, memberType, quantityRange } from "./language.js";
import type { NamespaceCatalog, TypeDef } from "./catalog.js";
import { FILE_PATH_FIELDS, PYNWB_DEFAULTS, PYNWB_NAMES, PYNWB_REQUIRED, type PynwbDefault } from "./pynwb-names.js";

interface FieldCommon {
  /** The property name on the object. */
  key: string;
  /** Where it is stored, from the object itself: `["data", "unit"]`, `["general", "devices"]`. */
  path: string[];
  doc: string;
  /** The schema requires it (for a member of an optional dataset: whenever that dataset is given, see `within`). */
  required: boolean;
  /** pynwb's constructor requires it though the schema does not (`PYNWB_REQUIRED`): constructors require it too. */
  pynwbRequired?: boolean;
  /** For an attribute of an untyped dataset: that dataset's field key. */
  within?: string;
  /**
   * The value taken when none is given: the schema's default, or pynwb's (`PYNWB_DEFAULTS`; a function of the
   * other options where pynwb's default depends on them).
   */
  default?: PynwbDefault;
}

/** An attribute (of the object, or of one of its untyped datasets). */
export interface AttributeField extends FieldCommon { kind: "attribute"; spec: AttributeSpec }
/**
 * An untyped dataset; `array` when a parent type holds it as array data (a subtype keeps the field's form);
 * `filePaths` when it holds paths of files outside the NWB file (`FILE_PATH_FIELDS`).
 */
export interface DatasetField extends FieldCommon { kind: "dataset"; spec: DatasetSpec; array?: boolean; filePaths?: boolean }
/** A link to another typed object. */
export interface LinkField extends FieldCommon { kind: "link"; targetType: string }
/** A typed member with a fixed name. */
export interface ChildField extends FieldCommon { kind: "child"; type: string; storage: "group" | "dataset"; spec: GroupSpec | DatasetSpec }
/** Typed members named by the user, kept in a `Map` by name; `path` is the group that holds them. */
export interface ChildrenField extends FieldCommon { kind: "children"; types: string[]; max: number }
/** The value of a dataset type itself (its `data`). */
export interface ValueField extends FieldCommon { kind: "value"; spec: DatasetSpec }

/** A field of a type's layout: one property of its objects, and where in the file it is stored. */
export type Field = AttributeField | DatasetField | LinkField | ChildField | ChildrenField | ValueField;

/** An attribute or dataset whose value the schema fixes: written always, never set. */
export interface FixedValue {
  /** The property that shows it on objects (`timestamps__interval`, an IndexSeries' `unit`). */
  key: string;
  path: string[];
  kind: "attribute" | "dataset";
  value: unknown;
  dtype: Dtype;
  /** For an attribute of an untyped dataset: that dataset's field key (written only with it). */
  within?: string;
}

/** Everything the mapper needs about a type's layout. */
export interface TypeLayout {
  /** The type laid out. */
  type: TypeDef;
  /** Its fields: each property of its objects. */
  fields: Field[];
  /** What the schema fixes: written always, never set. */
  fixed: FixedValue[];
  /** Untyped groups, by path, and whether they must exist. */
  groups: {
    /** The group's path under the object. */
    path: string[];
    /** Whether it must exist. */
    required: boolean;
  }[];
}

/** `SpatialSeries` -> `spatial_series`; plural when there may be many, as hdmf's ObjectMapper names members. */
export function memberName(typeName: string, many: boolean): string {
  const snake = typeName.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  return many && !snake.endsWith("s") ? `${snake}s` : snake;
}

const layouts = new WeakMap<TypeDef, TypeLayout>();

/** The fields of a type (its ancestors' included), computed once per type. */
export function layoutOf(catalog: NamespaceCatalog, type: TypeDef): TypeLayout {
  const cached = layouts.get(type);
  if (cached) return cached;
  const renames = new Map<string, string>();
  const defaults = new Map<string, PynwbDefault>();
  const filePaths = new Set<string>();
  const pynwbRequired = new Set<string>();
  for (const t of [...catalog.lineage(type)].reverse()) {
    for (const k of FILE_PATH_FIELDS[t.name] ?? []) filePaths.add(k);
    for (const k of PYNWB_REQUIRED[t.name] ?? []) pynwbRequired.add(k);
    for (const [p, k] of Object.entries(PYNWB_NAMES[t.name] ?? {})) renames.set(p, k);
    for (const [k, v] of Object.entries(PYNWB_DEFAULTS[t.name] ?? {})) defaults.set(k, v);
  }
  const layout: TypeLayout = { type, fields: [], fixed: [], groups: [] };
  const spec = type.resolved;
  const keyFor = (path: string[]) => renames.get(path.join(".")) ?? path.join("__");
  const add = (f: Field) => {
    const same = layout.fields.find((g) => g.key === f.key);
    if (same?.kind === "children" && f.kind === "children" && same.path.join("/") === f.path.join("/")) {
      // Several kinds of unnamed members under one name (ProcessingModule's `data_interfaces`): one Map.
      same.types.push(...f.types);
      return;
    }
    if (same) throw new Error(`schema: ${type.name} has two fields named '${f.key}'`);
    const byDefault = (f.kind === "attribute" || f.kind === "dataset" || f.kind === "value") ? f.spec.default_value ?? defaults.get(f.key) : undefined;
    if (f.kind === "dataset" && filePaths.has(f.key)) f.filePaths = true;
    if (byDefault !== undefined) f.default = byDefault;
    if (pynwbRequired.has(f.key)) f.pynwbRequired = true;
    layout.fields.push(f);
  };

  const attributes = (attrs: AttributeSpec[] | undefined, path: string[], required: boolean, within?: string) => {
    for (const a of attrs ?? []) {
      const p = [...path, a.name];
      if (a.value !== undefined) {
        layout.fixed.push({ key: keyFor(p), path: p, kind: "attribute", value: a.value, dtype: a.dtype, within });
        continue;
      }
      add({ kind: "attribute", key: keyFor(p), path: p, doc: a.doc, required: required && a.required !== false, within, spec: a });
    }
  };

  const members = (g: GroupSpec, path: string[], required: boolean) => {
    for (const d of g.datasets ?? []) member(d, "dataset", path, required);
    for (const sub of g.groups ?? []) member(sub, "group", path, required);
    for (const l of g.links ?? []) {
      const { min, max } = quantityRange(l.quantity);
      const p = l.name === undefined ? [...path, `<${l.target_type}>`] : [...path, l.name];
      const key = renames.get(p.join(".")) ?? (l.name === undefined ? memberName(l.target_type, max > 1) : keyFor(p));
      if (l.name === undefined) throw new Error(`schema: ${type.name}: unnamed links are not supported (${l.target_type})`);
      add({ kind: "link", key, path: p, doc: l.doc, required: required && min > 0, targetType: (l as LinkSpec).target_type });
    }
  };

  const member = (m: DatasetSpec | GroupSpec, storage: "group" | "dataset", path: string[], required: boolean) => {
    const { min, max } = quantityRange(m.quantity);
    const req = required && min > 0;
    const typeName = memberType(m);
    if (m.name === undefined) {
      // Named by the user: a Map by name, in the group at `path`.
      const dotted = [...path, `<${typeName}>`].join(".");
      const onlyKind = path.length > 0 && parentHoldsOnly(spec as GroupSpec, path);
      const key = renames.get(dotted) ?? (onlyKind ? path.join("__") : path.length ? `${path.join("__")}__${memberName(typeName!, max > 1)}` : memberName(typeName!, max > 1));
      add({ kind: "children", key, path, doc: m.doc, required: req, types: [typeName!], max });
      return;
    }
    const p = [...path, m.name];
    if (typeName !== undefined) {
      add({ kind: "child", key: keyFor(p), path: p, doc: m.doc, required: req, type: typeName, storage, spec: m });
      // Attributes the place adds to its type (a Units' waveform_mean has a sampling_rate and a unit, which a
      // VectorData has not) are the parent's fields, written on the member whenever it is there.
      const own = new Set((catalog.get(typeName, type.namespace).resolved.attributes ?? []).map((a) => a.name));
      attributes(m.attributes?.filter((a) => !own.has(a.name)), p, req, keyFor(p));
      return;
    }
    if (storage === "dataset") {
      const d = m as DatasetSpec;
      if (d.value !== undefined) layout.fixed.push({ key: keyFor(p), path: p, kind: "dataset", value: d.value, dtype: d.dtype ?? "text" });
      else add({ kind: "dataset", key: keyFor(p), path: p, doc: d.doc, required: req, spec: d });
      attributes(d.attributes, p, req, d.value !== undefined ? undefined : keyFor(p));
      return;
    }
    layout.groups.push({ path: p, required: req });
    attributes(m.attributes, p, req);
    members(m as GroupSpec, p, req);
  };

  attributes(spec.attributes, [], true);
  if (type.kind === "dataset") {
    add({ kind: "value", key: "data", path: [], doc: spec.doc, required: true, spec: spec as DatasetSpec });
  } else members(spec as GroupSpec, [], true);
  if (type.parent) {
    const inherited = new Map(layoutOf(catalog, type.parent).fields.map((f) => [f.key, f] as const));
    for (const f of layout.fields) {
      const p = inherited.get(f.key);
      if (f.kind === "dataset" && p?.kind === "dataset" && valueShape(p) === "array") f.array = true;
    }
  }
  layouts.set(type, layout);
  return layout;
}

/**
 * Whether a table's constructor makes a field when it is not given, as hdmf's and pynwb's do: the `colnames` and
 * `id` of every table, the columns its type requires (empty; a region column from its table option), the tables
 * of an aligned table's categories (an IntracellularRecordingsTable's electrodes, stimuli and responses), and its
 * `categories`, their names.
 */
export function madeByTable(catalog: NamespaceCatalog, type: TypeDef, f: Field): boolean {
  if (!catalog.isA(type, "DynamicTable")) return false;
  if (f.key === "colnames" || f.key === "id") return true;
  if (f.key === "categories") return catalog.isA(type, "AlignedDynamicTable");
  if (f.kind !== "child") return false;
  const member = catalog.get(f.type, type.namespace);
  return catalog.isA(member, "VectorData") || (catalog.isA(type, "AlignedDynamicTable") && catalog.isA(member, "DynamicTable"));
}

/** A table option pynwb's constructor takes to make a region column the table's type requires. */
export interface RegionTableOption {
  /** The option: the target's type in snake case (`intracellular_recordings_table`), as pynwb names it. */
  option: string;
  /** The region column's field (`recordings`). */
  column: string;
  /** The type of table the column points into, as its place says (`IntracellularRecordingsTable`). */
  targetType: string;
}

/**
 * The region columns a table type requires whose place names the type of table they point into (a
 * SimultaneousRecordingsTable's `recordings`, into an IntracellularRecordingsTable): pynwb's constructors take that
 * table and make the column, and so do tsnwb's.
 */
export function regionTableOptions(catalog: NamespaceCatalog, type: TypeDef): RegionTableOption[] {
  const out: RegionTableOption[] = [];
  for (const f of layoutOf(catalog, type).fields) {
    if (f.kind !== "child" || !f.required || !catalog.isA(catalog.get(f.type, type.namespace), "DynamicTableRegion")) continue;
    const table = (f.spec.attributes ?? []).find((a) => a.name === "table");
    if (table !== undefined && isRefDtype(table.dtype)) out.push({ option: memberName(table.dtype.target_type, false), column: f.key, targetType: table.dtype.target_type });
  }
  return out;
}

/** Whether the untyped group at `path` holds nothing but unnamed typed members of one kind. */
function parentHoldsOnly(root: GroupSpec, path: string[]): boolean {
  let g: GroupSpec | undefined = root;
  for (const name of path) g = g?.groups?.find((s) => s.name === name);
  if (!g) return false;
  const all = [...(g.datasets ?? []), ...(g.groups ?? []), ...(g.links ?? [])];
  return all.length === 1 && all[0]!.name === undefined && !(g.attributes?.length);
}

/** How a field's value is held in JS, from its dtype and shape. */
export type ValueShape =
  | "text" | "texts" | "number" | "numbers" | "bool" | "bools" | "object" | "objects" | "array";

const TEXT = new Set(["text", "utf", "utf8", "utf-8", "ascii", "bytes", "isodatetime", "datetime"]);

export function isTextDtype(d: Dtype | undefined): boolean {
  return typeof d === "string" && TEXT.has(d);
}

export function isDateTimeDtype(d: Dtype | undefined): boolean {
  return d === "isodatetime" || d === "datetime";
}

/**
 * Attributes and untyped datasets of text hold JS strings (or string arrays); scalar numbers and flags hold JS
 * numbers and booleans; references hold the objects; every other array is array data (`ArrayData`), read lazily.
 */
export function valueShape(f: AttributeField | DatasetField | ValueField): ValueShape {
  const spec = f.spec;
  const array = spec.shape !== undefined && spec.shape !== null;
  const d = spec.dtype;
  if (isRefDtype(d)) return array ? "objects" : "object";
  if (f.kind === "value" || (f.kind === "dataset" && f.array)) return "array";
  if (isTextDtype(d)) return array ? "texts" : "text";
  if (d === "bool") return array ? (f.kind === "attribute" ? "bools" : "array") : "bool";
  if (typeof d === "string" && d !== "numeric" && !array) return "number";
  if (d === "numeric" && !array) return "number";
  if (array && f.kind === "attribute" && typeof d === "string") return "numbers";
  return "array";
}
