/**
 * What the schema and pynwb say of a table's columns, for the hand-written DynamicTable (`table.ts`):
 * - what its constructor makes of its options, as hdmf's and pynwb's do: `colnames` from the columns given (index
 *   columns left out), ids 0..n-1 when none are given, one length for every column; the columns its type requires
 *   (empty, each of the type its place names; a region column from the table pynwb's constructor takes for it), the
 *   category tables of an aligned table and its `categories`;
 * - the members a table's type or its place names (a TimeIntervals' `start_time`; the `x` of NWBFile's electrodes
 *   table, which is a plain DynamicTable whose place in the file names its columns), with their dtype.
 */
import type { AbstractContainer, ContainerClass } from "./container.js";
import { classFor } from "./registry.js";
import { typeCatalog } from "../schema/bundled.js";
import { type Field, layoutOf, madeByTable, regionTableOptions } from "../schema/fields.js";
import type { DatasetSpec, Dtype, GroupSpec } from "../schema/language.js";
import { ValidationError } from "../errors.js";
import { PYNWB_DEFAULT_NAMES } from "../schema/pynwb-names.js";
import { InMemoryArray, StreamedArray } from "../data/arrays.js";
import { isNumericDType } from "../data/dtype.js";
import { arrayValue, schemaNumericDType } from "./fields.js";

type Options = Record<string, unknown>;
type ChildField = Extract<Field, { kind: "child" }>;

/** A column as this module sees it: its name, data shape, and the column an index points at. */
interface ColumnLike {
  name: string;
  data: { shape: number[] } | StreamedArray;
  isA(type: string): boolean;
  target?: unknown;
}

/** A table as this module sees it. */
interface TableLike extends AbstractContainer {
  readonly length: number;
}

/** The options a table's fields are set from: `opts` with what hdmf and pynwb make when it is not given. */
export function tableOptions(cls: ContainerClass, opts: Options): Options {
  const type = typeCatalog.get(cls.neurodata_type, cls.namespace);
  const layout = layoutOf(typeCatalog, type);
  const name = opts.name ?? PYNWB_DEFAULT_NAMES[type.name] ?? type.resolved.name ?? type.resolved.default_name;
  const fail = (field: string, expected: string, found?: string): never => {
    throw new ValidationError(`${type.name}${typeof name === "string" ? ` '${name}'` : ""}`, field, expected, found);
  };
  const filled: Options = { ...opts };
  const make = (f: ChildField, extra: Options): AbstractContainer => {
    const memberClass = classFor(f.type, type.namespace) as unknown as new (o: Options) => AbstractContainer;
    return new memberClass({ name: f.path[f.path.length - 1]!, ...extra });
  };
  // An empty column is of the dtype its place fixes (references, text...), as pynwb writes it, not float64.
  const empty = (f: ChildField, extra: Options): AbstractContainer => emptyColumn(make(f, { ...extra, data: [] }), (f.spec as DatasetSpec).dtype);

  // Columns given in `columns` that the type names (a TimeIntervals' start_time) fill their fields, as hdmf's do.
  // One column, a list or a Map, as every collection field takes.
  const given = opts.columns instanceof Map ? [...(opts.columns as Map<string, ColumnLike>).values()]
    : Array.isArray(opts.columns) ? (opts.columns as ColumnLike[]) : opts.columns === undefined ? [] : [opts.columns as ColumnLike];
  for (const c of given) {
    const f = layout.fields.find((g): g is ChildField => g.kind === "child" && g.path.length === 1 && g.path[0] === c.name);
    if (f !== undefined && filled[f.key] === undefined) filled[f.key] = c;
  }
  // A region column the type requires, from the table it points into (pynwb's `intracellular_recordings_table`...).
  for (const r of regionTableOptions(typeCatalog, type)) {
    const table = filled[r.option] as AbstractContainer | undefined;
    delete filled[r.option];
    if (filled[r.column] !== undefined) continue;
    if (table === undefined) fail(r.option, `the ${r.targetType} that '${r.column}' points into (required to make '${r.column}', as pynwb requires it)`);
    if (typeof (table as AbstractContainer).isA !== "function" || !table!.isA(r.targetType)) fail(r.option, `a ${r.targetType}`, String(table));
    const f = layout.fields.find((g): g is ChildField => g.key === r.column && g.kind === "child")!;
    filled[r.column] = empty(f, { description: f.doc, table });
  }
  // The other columns and the category tables the type requires, empty, each of its place's type; indexes last.
  const required = layout.fields.filter((f): f is ChildField => f.kind === "child" && f.required && f.key !== "id" && madeByTable(typeCatalog, type, f));
  const isIndex = (f: ChildField) => typeCatalog.isA(typeCatalog.get(f.type, type.namespace), "VectorIndex");
  for (const f of [...required.filter((g) => !isIndex(g)), ...required.filter(isIndex)]) {
    if (filled[f.key] !== undefined) continue;
    if (typeCatalog.isA(typeCatalog.get(f.type, type.namespace), "DynamicTable")) filled[f.key] = make(f, {});
    else if (isIndex(f)) {
      const target = filled[f.key.replace(/_index$/, "")];
      if (target === undefined) fail(f.key, `the column '${f.key.replace(/_index$/, "")}' it indexes`);
      filled[f.key] = empty(f, { description: `Index for VectorData '${(target as ColumnLike).name}'`, target });
    } else filled[f.key] = empty(f, { description: f.doc });
  }

  // Every column given: in `columns`, and in the fields the type names.
  const named = layout.fields
    .filter((f): f is ChildField => f.kind === "child" && f.key !== "id" && isColumn(filled[f.key]))
    .map((f) => filled[f.key] as ColumnLike);
  const all = [...given, ...named.filter((c) => !given.includes(c))];
  const indexed = new Set(all.filter((c) => c.isA("VectorIndex")).map((c) => c.target));

  // colnames: as given, else the columns that are not indexes, as hdmf names them.
  const colnames = (opts.colnames as string[] | undefined) ?? [];
  if (colnames.length === 0) filled.colnames = all.filter((c) => !c.isA("VectorIndex")).map((c) => c.name);
  else {
    const names = new Set(all.map((c) => c.name));
    const missing = colnames.find((c) => !names.has(c));
    if (missing !== undefined) fail("colnames", `names of columns given (${[...names].join(", ") || "none"})`, `'${missing}', which is not one`);
    // The columns the type requires are listed too when they were made here.
    filled.colnames = [...colnames, ...named.filter((c) => !c.isA("VectorIndex") && !colnames.includes(c.name)).map((c) => c.name)];
  }

  // One length for the columns (a ragged column's is its outermost index's), and as many ids, made 0..n-1 if none.
  const lengths = all.filter((c) => !indexed.has(c) && !(c.data instanceof StreamedArray)).map((c) => [c.name, (c.data as { shape: number[] }).shape[0] ?? 0] as const);
  // An aligned table's category tables (an IntracellularRecordingsTable's electrodes...) count too.
  const categories = typeCatalog.isA(type, "AlignedDynamicTable") ? categoryTables(layout, filled) : [];
  lengths.push(...categories.map((t) => [t.name, t.length] as const));
  const rows = lengths[0]?.[1];
  const other = lengths.find(([, n]) => n !== rows);
  if (other !== undefined) fail("columns", `${categories.length > 0 ? "columns and category tables" : "columns"} of one length (${lengths[0]![0]} has ${rows} rows)`, `'${other[0]}' with ${other[1]} rows`);
  const id = opts.id as ColumnLike | undefined;
  const idRows = id?.data instanceof StreamedArray ? undefined : id?.data.shape[0];
  if (id !== undefined && idRows !== undefined && idRows > 0 && rows !== undefined && idRows !== rows) fail("id", `one id per row of the columns (${rows})`, `${idRows} ids`);
  if (id === undefined || (idRows === 0 && (rows ?? 0) > 0)) {
    const ids = classFor("ElementIdentifiers", "hdmf-common") as unknown as new (o: Options) => AbstractContainer;
    filled.id = new ids({ name: "id", data: Array.from({ length: rows ?? 0 }, (_, i) => i) });
  }

  if (typeCatalog.isA(type, "AlignedDynamicTable")) filled.categories ??= categories.map((t) => t.name);
  return filled;
}

/** `column`, its data made empty of `dtype` when its place fixes one. */
export function emptyColumn<T extends AbstractContainer>(column: T, dtype: Dtype | undefined): T {
  if (dtype !== undefined) (column as unknown as { data: unknown }).data = arrayValue(column, "data", [], dtype);
  return column;
}

/** The category tables of an aligned table: the tables its type names, then those it holds by name. */
function categoryTables(layout: ReturnType<typeof layoutOf>, values: Options): TableLike[] {
  const out: TableLike[] = [];
  for (const f of layout.fields) {
    const v = values[f.key];
    if (f.kind === "child" && typeCatalog.isA(typeCatalog.get(f.type, layout.type.namespace), "DynamicTable") && v !== undefined) out.push(v as TableLike);
    if (f.kind === "children" && f.key === "dynamic_tables" && v !== undefined) out.push(...(v instanceof Map ? [...v.values()] : Array.isArray(v) ? (v as TableLike[]) : [v as TableLike]));
  }
  return out;
}

/**
 * Before a table's rows are made into its columns (so before a write): the columns its type or place names take
 * the schema's numeric dtype, however they were given (a VectorData of integers as NWBFile's electrodes `x`, which
 * is float32: written as floats), as typed arrays given for a field are; an aligned table's `categories` are kept
 * to the tables it holds (one added after it was made included), in the order given: pynwb reads a table whose
 * categories do not name its tables as an error.
 */
export function conformTable(table: AbstractContainer & { columns: Map<string, AbstractContainer> }): void {
  for (const column of table.columns.values()) {
    const dtype = namedDtype(table, column.name);
    const data = (column as unknown as { data?: unknown }).data;
    if (schemaNumericDType(dtype) === undefined || !(data instanceof InMemoryArray) || !isNumericDType(data.dtype)) continue;
    // Integers made floats are widened as plain numbers are: a float32 holds integers exactly only up to 2^24.
    const target = schemaNumericDType(dtype) === "float32" && !data.dtype.startsWith("float") ? "float64" : dtype;
    (column as unknown as { data: unknown }).data = arrayValue(column, "data", { data: data.data, shape: data.shape, dtype: data.dtype } as never, target);
  }
  if (!table.isA("AlignedDynamicTable")) return;
  const t = table as unknown as { categories?: string[] } & Options;
  const names = categoryTables(table.layout, t).map((c) => c.name);
  const kept = (t.categories ?? []).filter((c) => names.includes(c));
  t.categories = [...kept, ...names.filter((n) => !kept.includes(n))];
}

/** A member a table's type or its place names: its type, spec and the field it fills on the table, if any. */
export interface NamedMember {
  type: string;
  spec: DatasetSpec;
  doc: string;
  /** The table's own field, when its type names the member (a TimeIntervals' `start_time`). */
  field?: ChildField;
}

/**
 * The member called `name` that the table's type names (a Units' `waveform_mean`), or else the place the table
 * fills in its parent (NWBFile's `electrodes` names `x`, `y`, `z`, `imp`...; a DecompositionSeries' `bands` names
 * `band_limits`...).
 */
export function namedMember(table: AbstractContainer, name: string): NamedMember | undefined {
  const field = table.layout.fields.find((f): f is ChildField => f.kind === "child" && f.path.length === 1 && f.path[0] === name);
  if (field) return { type: field.type, spec: field.spec as DatasetSpec, doc: field.doc, field };
  const spec = placeOf(table)?.datasets?.find((d) => d.name === name && d.neurodata_type_inc !== undefined);
  return spec ? { type: spec.neurodata_type_inc!, spec, doc: spec.doc } : undefined;
}

/** The dtype the table's type or place fixes for a column (a TimeIntervals' start_time, the electrodes' x), if any. */
export function namedDtype(table: AbstractContainer, name: string): Dtype | undefined {
  return namedMember(table, name)?.spec.dtype;
}

/** The spec of the place a table fills in its parent, when that place refines its type (members of its own). */
function placeOf(table: AbstractContainer): GroupSpec | undefined {
  const parent = table.parent;
  if (parent === undefined) return undefined;
  const values = parent as unknown as Options;
  const f = parent.layout.fields.find((g): g is ChildField => g.kind === "child" && values[g.key] === table);
  return f?.storage === "group" ? (f.spec as GroupSpec) : undefined;
}

function isColumn(v: unknown): v is ColumnLike {
  return typeof v === "object" && v !== null && typeof (v as ColumnLike).isA === "function" && (v as ColumnLike).isA("VectorData");
}
