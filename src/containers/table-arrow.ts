/**
 * DynamicTables as Apache Arrow tables and back, so that DuckDB, Arquero, Observable Plot or pandas-like tools take
 * NWB tables as they are. `toArrow` reads only the columns asked for and loads apache-arrow only when called (a
 * dynamic import: users who never call it, and bundles that split on dynamic imports, do not pay for it);
 * `fromRecords` and `fromArrow` make a table tsnwb writes and pynwb reads: columns through the table's own
 * `addColumn` (so they are placed, typed and described as the schema says), plain values (numbers, text, booleans,
 * references, ragged or not) a column at a time, anything else (arrays per row, compound rows) through `addRow`.
 *
 * How NWB columns map to Arrow (and back):
 * - `id` first, then the columns in `colnames` order; numbers with their dtype (int64 as Int64 by default, or as
 *   Float64 with `int64: "number"` for tools that want plain numbers), booleans as Bool, text as Utf8;
 * - ragged columns (VectorIndex) as List, doubly ragged ones as List<List>;
 * - multi-dimensional columns (an image mask [h, w] per row) as FixedSizeList (of FixedSizeList...);
 * - region columns (DynamicTableRegion) as the row indices they hold (or the target rows' ids, `regions: "id"`),
 *   Int64 as ids are, whatever integer dtype the file stores them in;
 * - object references as the referenced object's name (or its path in the file, `references: "path"`), compound
 *   columns (an epoch's `timeseries`) as Struct, their references as names too;
 * - an AlignedDynamicTable's categories (an icephys table's `electrodes`, `stimuli`, `responses`) as one Struct
 *   column each, named by the category (as its `toRecords` nests them), or with `categories: "flat"` as columns
 *   named `category.column`.
 * Each field's metadata holds the column's description (the schema's: the table's name, description and
 * neurodata_type), which `fromArrow` takes back.
 */
import type * as Arrow from "apache-arrow";
import type { DynamicTable } from "./table.js";
import type { AbstractContainer } from "./container.js";
import { VectorData } from "../generated/hdmf-common/VectorData.js";
import { VectorIndex } from "../generated/hdmf-common/VectorIndex.js";
import { InMemoryArray, StreamedArray } from "../data/arrays.js";
import { type NumericDType, type TypedArray, DTypeRangeError, isNumericDType, toTypedArray } from "../data/dtype.js";
import { isNDArray, product } from "../data/ndarray.js";
import type { CompoundMemberType, CompoundRow } from "../data/lazy.js";
import { namedMember } from "./table-schema.js";
import { arrayValue } from "./fields.js";
import { typeCatalog } from "../schema/bundled.js";
import { ValidationError } from "../errors.js";

/** How `toArrow` makes its columns. */
export interface ToArrowOptions {
  /** Only these columns (with `id`), in this order; a table read from a file reads only them. Default: all. */
  columns?: readonly string[];
  /**
   * 64-bit integers (ids, most integer columns pynwb writes): `"bigint"` (default) keeps them Int64, as DuckDB and
   * pandas take them (values are BigInts in JS); `"number"` makes them Float64, exact up to 2^53 (a larger value is
   * an error naming its column), for tools that compute with plain numbers (Observable Plot, Arquero expressions).
   */
  int64?: "bigint" | "number";
  /** Object references as the referenced object's `"name"` (default) or its `"path"` in the file. */
  references?: "name" | "path";
  /** Region columns as the row `"index"`es they hold (default, as stored and as pynwb gives them) or those rows' `"id"`s. */
  regions?: "index" | "id";
  /** An AlignedDynamicTable's categories as one `"struct"` column each (default), or `"flat"` columns `category.column`. */
  categories?: "struct" | "flat";
}

/** How `fromRecords` and `fromArrow` make a table's columns, beyond the table's own options (`name`, `description`...). */
export interface FromRecordsOptions {
  /** Descriptions of columns by name; columns the table's type defines default to the schema's. */
  columnDescriptions?: Readonly<Record<string, string>>;
  /** Region columns: the table each one's row indices point into (a Units' `electrodes`: the electrodes table). */
  regions?: Readonly<Record<string, DynamicTable>>;
  /**
   * Numeric dtypes of columns the schema does not fix (`{ n_spikes: "int32" }`); by default int64 when every value is
   * a whole number, else float64 (as pynwb writes Python ints and floats); typed arrays in ragged cells keep theirs.
   */
  dtypes?: Readonly<Record<string, NumericDType>>;
}

/** A table class's constructor, so that `TimeIntervals.fromRecords` makes a TimeIntervals. */
export type TableConstructor<T extends DynamicTable, O> = new (opts: O) => T;

// ---------------------------------------------------------------------------------------------------------------
// To Arrow

interface ArrowModule {
  makeData: typeof Arrow.makeData;
  Field: typeof Arrow.Field;
  Schema: typeof Arrow.Schema;
  Table: typeof Arrow.Table;
  RecordBatch: typeof Arrow.RecordBatch;
  Struct: typeof Arrow.Struct;
  List: typeof Arrow.List;
  FixedSizeList: typeof Arrow.FixedSizeList;
  Utf8: typeof Arrow.Utf8;
  Bool: typeof Arrow.Bool;
  Int8: typeof Arrow.Int8; Int16: typeof Arrow.Int16; Int32: typeof Arrow.Int32; Int64: typeof Arrow.Int64;
  Uint8: typeof Arrow.Uint8; Uint16: typeof Arrow.Uint16; Uint32: typeof Arrow.Uint32; Uint64: typeof Arrow.Uint64;
  Float32: typeof Arrow.Float32; Float64: typeof Arrow.Float64;
}

/** A column made: its Arrow data and type, and the metadata its field carries. */
interface Made { data: Arrow.Data; description?: string }

/** The table as an Arrow table (see the module's comment for how columns map); {@link DynamicTable.toArrow}. */
export async function tableToArrow(table: DynamicTable, options: ToArrowOptions = {}): Promise<Arrow.Table> {
  const arrow = (await import("apache-arrow")) as unknown as ArrowModule;
  const maker = new ArrowColumns(arrow, table, options);
  const names = options.columns ?? table.colnames;
  const isAligned = table.isA("AlignedDynamicTable");
  const categories = isAligned ? (table as unknown as { categoryTables: DynamicTable[] }).categoryTables : [];
  if (!Array.isArray(names)) table.fail("columns", "a list of column names", names);
  for (const name of names) {
    if (!table.colnames.includes(name) && !categories.some((c) => c.name === name)) {
      table.fail("columns", `names of its columns (${[...table.colnames, ...categories.map((c) => c.name)].join(", ")})`, name);
    }
  }
  await table.loadStoredRows();
  table.flushRows();
  const fields: Arrow.Field[] = [];
  const children: Arrow.Data[] = [];
  const add = (name: string, made: Made) => {
    fields.push(new arrow.Field(name, made.data.type, made.data.nullCount > 0, made.description === undefined ? undefined : new Map([["description", made.description]])));
    children.push(made.data);
  };
  add("id", await maker.ids(table));
  for (const name of names.filter((n) => table.colnames.includes(n))) add(name, await maker.column(table, name));
  for (const category of categories) {
    if (options.columns !== undefined && !options.columns.includes(category.name)) continue;
    if (category.length !== table.length) category.fail("id", `as many rows as its aligned table's ${table.length}`, `${category.length} rows`);
    await category.loadStoredRows();
    category.flushRows();
    const inner: [string, Made][] = [];
    for (const name of category.colnames) inner.push([name, await maker.column(category, name)]);
    if (options.categories === "flat") {
      for (const [name, made] of inner) add(`${category.name}.${name}`, made);
    } else {
      const structFields = inner.map(([name, made]) => new arrow.Field(name, made.data.type, made.data.nullCount > 0, made.description === undefined ? undefined : new Map([["description", made.description]])));
      add(category.name, { data: arrow.makeData({ type: new arrow.Struct(structFields), length: table.length, nullCount: 0, children: inner.map(([, m]) => m.data) }), description: category.description });
    }
  }
  const schema = new arrow.Schema(fields, new Map([["name", table.name], ["description", String((table as unknown as { description?: string }).description ?? "")], ["neurodata_type", table.neurodata_type]]));
  const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length: table.length, nullCount: 0, children }));
  return new arrow.Table(schema, [batch]);
}

/** Makes Arrow columns of one table's columns, with the options of one `toArrow` call. */
class ArrowColumns {
  constructor(private readonly arrow: ArrowModule, private readonly table: DynamicTable, private readonly options: ToArrowOptions) {}

  /** The table's ids (int64). */
  async ids(table: DynamicTable): Promise<Made> {
    const values = await table.id.data.read();
    return { data: this.numbers("id", values as TypedArray, "int64"), description: "the rows' ids" };
  }

  /** Column `name` of `table`, through its indices (a List per index), down to its data. */
  async column(table: DynamicTable, name: string): Promise<Made> {
    const leaf = table.getColumn(name);
    const chain: VectorData[] = [];
    for (let up = indexOver(table, leaf); up; up = indexOver(table, up)) chain.push(up);
    let data = await this.leaf(name, leaf);
    for (const index of chain) {
      const ends = Array.from((await index.data.read()) as ArrayLike<number | bigint>, Number);
      const offsets = new Int32Array(ends.length + 1);
      for (let i = 0; i < ends.length; i++) {
        if (ends[i]! < (offsets[i] ?? 0) || ends[i]! > data.length) index.fail("data", `rising row ends within the ${data.length} elements of ${name}`, `row ${i}: ${ends[i]}`);
        offsets[i + 1] = ends[i]!;
      }
      const field = new this.arrow.Field("item", data.type, data.nullCount > 0);
      data = this.arrow.makeData({ type: new this.arrow.List(field), length: ends.length, nullCount: 0, valueOffsets: offsets, child: data });
    }
    return { data, description: (leaf as unknown as { description?: string }).description };
  }

  /** The values of a column's data (or a region's row indices, or references' names) as Arrow data, one per element. */
  private async leaf(name: string, column: VectorData): Promise<Arrow.Data> {
    const array = column.data;
    if (array instanceof StreamedArray) column.fail("data", "values in memory or in a file (a stream is written before it is read)");
    const shape = array.shape.length === 0 ? [0] : array.shape;
    const values = shape[0] === 0 ? [] : await array.read();
    let flat: Arrow.Data;
    if (column.isA("DynamicTableRegion")) flat = await this.region(name, column, values as ArrayLike<number | bigint>);
    else if (isNumericDType(array.dtype)) flat = this.numbers(name, values as TypedArray, array.dtype);
    else if (array.dtype === "bool") flat = this.booleans(Array.from(values as ArrayLike<unknown>, Boolean));
    else if (array.dtype === "text") flat = this.strings(values as string[]);
    else if (array.dtype === "reference") flat = this.strings((values as unknown[]).map((v) => this.reference(v)));
    else if (array.dtype === "compound") flat = this.compound(name, column, values as CompoundRow[], (array as { members?: CompoundMemberType[] }).members ?? []);
    else return column.fail("data", "numbers, booleans, text, references or compound rows (what an Arrow column can hold)", array.dtype);
    return this.fixedSize(flat, shape);
  }

  /** Elements of shape `[n, ...inner]` as FixedSizeList over FixedSizeList... of the flat values. */
  private fixedSize(flat: Arrow.Data, shape: number[]): Arrow.Data {
    let data = flat;
    for (let k = shape.length - 1; k >= 1; k--) {
      const field = new this.arrow.Field("item", data.type, false);
      data = this.arrow.makeData({ type: new this.arrow.FixedSizeList(shape[k]!, field), length: product(shape.slice(0, k)), nullCount: 0, child: data });
    }
    return data;
  }

  /** Numbers in their dtype; 64-bit integers as BigInts, or as exact numbers with `int64: "number"`. */
  private numbers(name: string, values: ArrayLike<number | bigint>, dtype: NumericDType): Arrow.Data {
    const a = this.arrow;
    const big = dtype === "int64" || dtype === "uint64";
    if (big && this.options.int64 === "number") {
      const out = new Float64Array(values.length);
      for (let i = 0; i < out.length; i++) {
        const v = Number(values[i]);
        if (!Number.isSafeInteger(v)) throw new ValidationError(this.table.describe(), name, "integers within ±2^53 to be exact as numbers (int64: \"number\"); use int64: \"bigint\"", `${String(values[i])} at element ${i}`);
        out[i] = v;
      }
      return a.makeData({ type: new a.Float64(), length: out.length, nullCount: 0, data: out });
    }
    const types = { int8: a.Int8, int16: a.Int16, int32: a.Int32, int64: a.Int64, uint8: a.Uint8, uint16: a.Uint16, uint32: a.Uint32, uint64: a.Uint64, float32: a.Float32, float64: a.Float64 };
    const typed = toTypedArray(values, dtype);
    return a.makeData({ type: new types[dtype]() as Arrow.Float64, length: typed.length, nullCount: 0, data: typed as never });
  }

  private booleans(values: boolean[]): Arrow.Data {
    const bits = new Uint8Array(Math.ceil(values.length / 8));
    values.forEach((v, i) => {
      if (v) bits[i >> 3]! |= 1 << (i & 7);
    });
    return this.arrow.makeData({ type: new this.arrow.Bool(), length: values.length, nullCount: 0, data: bits });
  }

  private strings(values: readonly string[]): Arrow.Data {
    const encoder = new TextEncoder();
    const encoded = values.map((s) => encoder.encode(String(s)));
    const offsets = new Int32Array(values.length + 1);
    encoded.forEach((b, i) => (offsets[i + 1] = offsets[i]! + b.length));
    const bytes = new Uint8Array(offsets[values.length]!);
    encoded.forEach((b, i) => bytes.set(b, offsets[i]!));
    return this.arrow.makeData({ type: new this.arrow.Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data: bytes });
  }

  /** A reference (a path read from a file, or the object itself) as the object's name or path. */
  private reference(v: unknown): string {
    if (typeof v === "string") return this.options.references === "path" ? v : v.slice(v.lastIndexOf("/") + 1);
    const target = v as AbstractContainer | null;
    if (!target) return "";
    return this.options.references === "path" ? target.container_source?.path ?? target.name : target.name;
  }

  /** A region's row indices, or with `regions: "id"` the ids of the rows of its table they point at. */
  private async region(name: string, column: VectorData, rows: ArrayLike<number | bigint>): Promise<Arrow.Data> {
    // Int64 whatever the stored dtype (pynwb writes int32 or int64): the same type as the ids, from memory or a file.
    if (this.options.regions !== "id") return this.numbers(name, rows, "int64");
    const target = (column as unknown as { table?: DynamicTable }).table;
    if (!target) return column.fail("table", "the table its row indices point into (to give their ids)");
    const ids = (await target.id.data.read()) as ArrayLike<number | bigint>;
    const out = new BigInt64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = Number(rows[i]);
      if (!(row >= 0 && row < ids.length)) column.fail("data", `row indices of ${target.describe()} (0 to ${ids.length - 1})`, `${row} at element ${i}`);
      out[i] = BigInt(ids[row]!);
    }
    return this.numbers(name, out, "int64");
  }

  /** Compound rows (an epoch's TimeSeriesReferences) as a Struct of their members. */
  private compound(name: string, column: VectorData, rows: CompoundRow[], members: CompoundMemberType[]): Arrow.Data {
    const children = members.map((m) => {
      const values = rows.map((r) => r[m.name]);
      if (isNumericDType(m.dtype as string)) return this.numbers(`${name}.${m.name}`, values.map((v) => (typeof v === "bigint" ? v : Number(v))) as never, m.dtype as NumericDType);
      if (m.dtype === "bool") return this.booleans(values.map(Boolean));
      if (m.dtype === "reference") return this.strings(values.map((v) => this.reference(v)));
      if (m.dtype === "text") return this.strings(values.map(String));
      return column.fail("data", "compound members of numbers, booleans, text or references", `${m.name}: ${String(m.dtype)}`);
    });
    const fields = members.map((m, k) => new this.arrow.Field(m.name, children[k]!.type, false));
    // A TimeSeriesReference of idx_start -1 is pynwb's missing one (a recording without a stimulus): null, as a read gives it.
    const missing = column.isA("TimeSeriesReferenceVectorData") ? rows.map((r) => Number(r.idx_start) < 0) : [];
    const nullCount = missing.filter(Boolean).length;
    if (nullCount === 0) return this.arrow.makeData({ type: new this.arrow.Struct(fields), length: rows.length, nullCount: 0, children });
    const valid = new Uint8Array(Math.ceil(rows.length / 8));
    missing.forEach((m, i) => {
      if (!m) valid[i >> 3]! |= 1 << (i & 7);
    });
    return this.arrow.makeData({ type: new this.arrow.Struct(fields), length: rows.length, nullCount, nullBitmap: valid, children });
  }
}

/** The VectorIndex over `column` in `table` (`<name>_index`), if any. */
function indexOver(table: DynamicTable, column: VectorData): VectorData | undefined {
  for (const c of table.allColumns.values()) {
    if (c.isA("VectorIndex") && (c as unknown as { target?: unknown }).target === column) return c;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// From records

/** A column to make: how deep its lists go (0: a value per row, 1: ragged, 2: doubly ragged) and its cells. */
interface Plan { name: string; depth: 0 | 1 | 2; cells: unknown[] }

const isList = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

/**
 * A table of class `cls` made from records, one per row (`id` in a record is that row's id), each with a value for
 * every column; {@link DynamicTable.fromRecords}.
 */
export function tableFromRecords<T extends DynamicTable, O>(cls: TableConstructor<T, O>, records: readonly Record<string, unknown>[], opts: O & FromRecordsOptions): T {
  const { columnDescriptions = {}, regions = {}, dtypes = {}, ...tableOpts } = (opts ?? {}) as O & FromRecordsOptions;
  const table = new cls(tableOpts as O);
  if (!Array.isArray(records)) table.fail("records", "a list of records, one per row", records);
  const names: string[] = [];
  for (const [r, record] of records.entries()) {
    if (typeof record !== "object" || record === null || Array.isArray(record)) table.fail("records", "records (objects of column values)", `row ${r}: ${JSON.stringify(record)}`);
    for (const name of Object.keys(record)) if (name !== "id" && !names.includes(name)) names.push(name);
  }
  for (const name of Object.keys(columnDescriptions)) if (!names.includes(name) && records.length === 0) names.push(name);
  const plans = names.map((name): Plan => {
    const cells = records.map((record, r) => {
      if (!(name in record) || record[name] === undefined) table.fail(name, "a value in every row", `row ${r}: none`);
      return record[name];
    });
    return { name, depth: depthOf(table, name, cells), cells };
  });
  for (const plan of plans) {
    const named = namedMember(table, plan.name);
    const description = columnDescriptions[plan.name] ?? named?.doc ?? plan.name;
    const target = regions[plan.name];
    if (target !== undefined && plan.depth === 2) table.fail(plan.name, "a region column of row indices, or of a list of them per row");
    if (plan.depth === 2 || table.colnames.includes(plan.name)) continue;
    if (!target && named && typeCatalog.isA(typeCatalog.get(named.type, table.namespace), "DynamicTableRegion")) {
      table.fail(plan.name, "the table its row indices point into, in the 'regions' option (a region column)");
    }
    table.addColumn({ name: plan.name, description, ...(plan.depth === 1 ? { index: true } : {}), ...(target ? { table: target } : {}) });
  }
  const simple = plans.filter((p) => p.depth < 2);
  if (simple.every((p) => isPlain(p)) && records.every((r) => r.id === undefined || typeof r.id === "number" || typeof r.id === "bigint")) {
    fillPlainColumns(table, simple, records, regions);
  } else {
    addRows(table, simple, records);
    table.flushRows();
    // Whole numbers as int64 here too (addRow's columns start as float64), as the plain path makes them.
    for (const plan of simple) {
      const whole = plan.depth === 0 && plan.cells.length > 0 && plan.cells.every((c) => Number.isInteger(c) || typeof c === "bigint");
      if (whole && regions[plan.name] === undefined) retype(table, plan.name, "int64");
    }
  }
  table.flushRows();
  for (const plan of plans.filter((p) => p.depth === 2)) addDoublyRagged(table, plan, columnDescriptions[plan.name] ?? plan.name);
  // Columns in the records' order (doubly ragged ones were added last), those the records do not name first.
  table.colnames = [...table.colnames.filter((n) => !names.includes(n)), ...names.filter((n) => table.colnames.includes(n))];
  for (const [name, dtype] of Object.entries(dtypes)) retype(table, name, dtype);
  // Numbers given as typed arrays keep their dtype (a unit's spike times as Float32Array, masks as { data: Float32Array, shape }).
  for (const plan of plans) {
    if (dtypes[plan.name] !== undefined || plan.depth === 2 || plan.cells.length === 0) continue;
    const arrays = plan.depth === 1 ? plan.cells : plan.cells.map((c) => (typeof c === "object" && c !== null && "data" in c && "shape" in c ? (c as { data: unknown }).data : undefined));
    const kinds = new Set(arrays.map((c) => (ArrayBuffer.isView(c) ? c.constructor : Array)));
    const only = [...kinds][0] as unknown;
    const dtype = kinds.size === 1 && only !== Array ? TYPED_DTYPES.get(only) : undefined;
    if (dtype !== undefined && namedMember(table, plan.name)?.spec.dtype === undefined) retype(table, plan.name, dtype);
  }
  return table;
}

/** Whether a column's values (a ragged one's elements) are all numbers, strings, booleans or objects of one kind. */
function isPlain(plan: Plan): boolean {
  let kind: string | undefined;
  for (const cell of plan.cells) {
    const elements = plan.depth === 1 ? (isList(cell) ? Array.from(cell) : [cell]) : [cell];
    for (const v of elements) {
      const k = typeof v === "bigint" ? "number" : typeof v === "object" && v !== null && "object_id" in v ? "container" : typeof v;
      if (!["number", "string", "boolean", "container"].includes(k) || (kind !== undefined && k !== kind)) return false;
      kind = k;
    }
  }
  return true;
}

/**
 * Plain columns (numbers, text, booleans, references, ragged or not) made whole, a column at a time: what addRow
 * would make of them, without checking each row against those before it. Anything else goes through addRow.
 */
function fillPlainColumns(table: DynamicTable, plans: Plan[], records: readonly Record<string, unknown>[], regions: Readonly<Record<string, DynamicTable>>): void {
  for (const plan of plans) {
    const column = table.getColumn(plan.name);
    const target = regions[plan.name];
    const ends: number[] = [];
    const values: unknown[] = [];
    plan.cells.forEach((cell, r) => {
      if (plan.depth === 1) {
        if (!isList(cell)) throw new ValidationError(table.describe(), plan.name, "a list (a ragged column)", `row ${r}: ${JSON.stringify(cell)}`);
        for (let k = 0; k < cell.length; k++) values.push(cell[k]);
        ends.push(values.length);
      } else values.push(cell);
    });
    if (target) {
      values.forEach((v, i) => {
        if (!Number.isInteger(Number(v)) || Number(v) < 0 || Number(v) >= target.length) {
          throw new ValidationError(table.describe(), plan.name, `row indices of ${target.describe()} (0 to ${target.length - 1})`, `element ${i}: ${JSON.stringify(v)}`);
        }
      });
      column.data = new InMemoryArray(BigInt64Array.from(values as number[], (v) => BigInt(v)), [values.length], "int64");
    } else if (values.length > 0 && typeof values[0] === "boolean") {
      column.data = new InMemoryArray(Uint8Array.from(values as boolean[], Number), [values.length], "bool");
    } else if (values.length > 0 || namedMember(table, plan.name)?.spec.dtype !== undefined) {
      column.data = arrayValue(column, "data", values as never, namedMember(table, plan.name)?.spec.dtype);
    }
    if (plan.depth === 1) table.getColumn(`${plan.name}_index`).data = endsData(ends);
  }
  const ids = records.map((r, i) => (r.id === undefined ? i : Number(r.id)));
  table.id.data = new InMemoryArray(BigInt64Array.from(ids, (v) => BigInt(v)), [ids.length], "int64");
  // Columns the records do not give, that the table has (a TimeIntervals' start_time), are missing from every row.
  if (records.length > 0) for (const name of table.colnames) if (!plans.some((p) => p.name === name)) table.fail(name, "a value in every row", "row 0: none");
}

/** Rows through addRow, made into columns every `batch` rows. */
function addRows(table: DynamicTable, simple: Plan[], records: readonly Record<string, unknown>[]): void {
  // Rows go in through addRow (its checks, the schema's dtypes), made into columns every `batch` rows: each added
  // row is checked against those pending, each batch rewrites the columns, so batches of about sqrt(rows) cost least.
  const batch = Math.max(256, Math.ceil(Math.sqrt(records.length)));
  records.forEach((record, r) => {
    const id = record.id;
    if (id !== undefined && !(typeof id === "number" || typeof id === "bigint")) table.fail("id", "a row id (an integer)", `row ${r}: ${JSON.stringify(id)}`);
    table.addRow(Object.fromEntries(simple.map((p) => [p.name, p.cells[r]])), id === undefined ? {} : { id: Number(id) });
    if ((r + 1) % batch === 0) table.flushRows();
  });
}

const TYPED_DTYPES = new Map<unknown, NumericDType>([
  [Int8Array, "int8"], [Uint8Array, "uint8"], [Int16Array, "int16"], [Uint16Array, "uint16"], [Int32Array, "int32"],
  [Uint32Array, "uint32"], [BigInt64Array, "int64"], [BigUint64Array, "uint64"], [Float32Array, "float32"], [Float64Array, "float64"],
]);

/**
 * How deep a column's lists go: as the table's type says for a column it names (ragged when it names an index:
 * a unit's `spike_times`; an array per row otherwise: an `image_mask`), else from the cells: lists of lists are
 * doubly ragged, lists ragged, anything else (arrays given as `{ data, shape }` too) a value per row.
 */
function depthOf(table: DynamicTable, name: string, cells: unknown[]): 0 | 1 | 2 {
  if (namedMember(table, name) !== undefined) return namedMember(table, `${name}_index`) !== undefined ? 1 : 0;
  if (cells.length === 0 || !cells.every(isList)) return 0;
  const elements = cells.flatMap((c) => Array.from(c as ArrayLike<unknown>));
  if (elements.length > 0 && elements.every(isList)) return 2;
  return 1;
}

/** A doubly ragged column (a list of lists per row): its data, `<name>_index` over it and `<name>_index_index` over that. */
function addDoublyRagged(table: DynamicTable, plan: Plan, description: string): void {
  const inner: number[] = [];
  const outer: number[] = [];
  const flat: unknown[] = [];
  plan.cells.forEach((cell, r) => {
    for (const list of Array.from(cell as ArrayLike<unknown>)) {
      if (!isList(list)) table.fail(plan.name, "a list of lists in every row (a doubly ragged column)", `row ${r}: ${JSON.stringify(list)}`);
      flat.push(...Array.from(list));
      inner.push(flat.length);
    }
    outer.push(inner.length);
  });
  const kinds = new Set(flat.map((v) => typeof v));
  if (kinds.size > 1 || (kinds.size === 1 && !kinds.has("number") && !kinds.has("string") && !kinds.has("boolean"))) {
    table.fail(plan.name, "numbers, strings or booleans, all of one kind (a doubly ragged column)", [...kinds].join(" and "));
  }
  const integers = flat.every((v) => Number.isInteger(v));
  const data = kinds.has("string") ? (flat as string[]) : kinds.has("boolean") ? new InMemoryArray(Uint8Array.from(flat as boolean[], Number), [flat.length], "bool")
    : { data: toTypedArray(flat as number[], integers && flat.length > 0 ? "int64" : "float64"), shape: [flat.length] };
  const column = new VectorData({ name: plan.name, description, data: data as never });
  const index = new VectorIndex({ name: `${plan.name}_index`, description: `Index for ${plan.name}.`, target: column, data: endsData(inner) as never });
  const top = new VectorIndex({ name: `${plan.name}_index_index`, description: `Index for ${plan.name}_index.`, target: index, data: endsData(outer) as never });
  table.addColumns(column, index, top);
  table.colnames = [...table.colnames, plan.name];
}

/** Row ends in the smallest unsigned dtype that holds them, as pynwb picks it. */
function endsData(ends: number[]): InMemoryArray {
  const last = ends[ends.length - 1] ?? 0;
  const dtype: NumericDType = last < 256 ? "uint8" : last < 65536 ? "uint16" : last < 2 ** 32 ? "uint32" : "uint64";
  return new InMemoryArray(toTypedArray(ends, dtype), [ends.length], dtype);
}

/** Gives a column's numbers (a ragged column's elements) the dtype asked for, unless its type's schema fixes one. */
function retype(table: DynamicTable, name: string, dtype: NumericDType): void {
  if (!isNumericDType(dtype)) table.fail(name, "a numeric dtype (int8 ... uint64, float32, float64)", dtype);
  if (!table.colnames.includes(name)) table.fail(name, `one of the table's columns (${table.colnames.join(", ")})`, "a dtype for an unknown column");
  if (namedMember(table, name)?.spec.dtype !== undefined) return;
  const column = table.getColumn(name);
  const data = column.data;
  if (column.isA("DynamicTableRegion") || !(data instanceof InMemoryArray) || !isNumericDType(data.dtype)) {
    if (data instanceof InMemoryArray && data.shape[0] === 0) {
      column.data = new InMemoryArray(toTypedArray([], dtype), [0, ...data.shape.slice(1)], dtype);
      return;
    }
    return column.fail("data", `numbers, to be made ${dtype}`, data.dtype);
  }
  try {
    column.data = new InMemoryArray(toTypedArray(data.data as TypedArray, dtype), data.shape, dtype);
  } catch (e) {
    if (e instanceof DTypeRangeError) throw new ValidationError(table.describe(), name, `values that fit ${dtype}`, e.message);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// From Arrow

/**
 * Arrow's type ids (the Arrow format's `Type` enum, which apache-arrow's `Type` mirrors; Dictionary is JS's -1), so
 * that a table from any copy of apache-arrow (DuckDB's, Arquero's) is read without loading this one.
 */
export const ARROW_TYPE = {
  Dictionary: -1, Null: 1, Int: 2, Float: 3, Binary: 4, Utf8: 5, Bool: 6, Decimal: 7, Date: 8, Time: 9, Timestamp: 10,
  Interval: 11, List: 12, Struct: 13, Union: 14, FixedSizeBinary: 15, FixedSizeList: 16, Map: 17, Duration: 18, LargeBinary: 19, LargeUtf8: 20,
} as const;

/** What an Arrow table offers that `fromArrow` uses (apache-arrow's Table, of any copy or version of it). */
export interface ArrowTableLike {
  /** How many rows the table has. */
  readonly numRows: number;
  /** The table's columns, in order. */
  readonly schema: {
    /** The columns' names, types and metadata. */
    readonly fields: readonly ArrowFieldLike[];
  };
  /** The column `name`'s values, or null when the table has no such column. */
  getChild(name: string): ArrowVectorLike | null;
}

/** A column of an Arrow table's schema (apache-arrow's Field). */
export interface ArrowFieldLike {
  /** The column's name. */
  name: string;
  /** The column's Arrow type. */
  type: ArrowTypeLike;
  /** The column's metadata (`toArrow` puts its description under "description"). */
  metadata?: Map<string, string>;
}

/** A column's values (apache-arrow's Vector). */
export interface ArrowVectorLike {
  /** The value of row `i`. */
  get(i: number): unknown;
  /** All values, as a typed array where Arrow stores them as one. */
  toArray?(): unknown;
  /** How many rows are null. */
  nullCount: number;
  /** How many rows there are. */
  length: number;
}
interface ArrowTypeLike { typeId: number; bitWidth?: number; isSigned?: boolean; precision?: number; listSize?: number; children?: { name: string; type: ArrowTypeLike }[]; dictionary?: ArrowTypeLike; toString(): string }

/** A table of class `cls` made from an Arrow table; {@link DynamicTable.fromArrow}. */
export function tableFromArrow<T extends DynamicTable, O>(cls: TableConstructor<T, O>, arrowTable: ArrowTableLike, opts: O & FromRecordsOptions): T {
  const where = `Arrow table for ${(opts as { name?: string }).name ?? "a table"}`;
  if (typeof arrowTable?.getChild !== "function" || !Array.isArray(arrowTable?.schema?.fields)) {
    throw new ValidationError(where, "arrowTable", "an Apache Arrow Table (apache-arrow's, or one with its schema and getChild)", String(arrowTable));
  }
  const fields = arrowTable.schema.fields;
  const n = arrowTable.numRows;
  const descriptions: Record<string, string> = {};
  const dtypes: Record<string, NumericDType> = {};
  const columns = fields.map((field) => {
    const vector = arrowTable.getChild(field.name)!;
    if (vector.nullCount > 0) throw new ValidationError(where, field.name, "a value in every row (NWB columns have no missing values)", `${vector.nullCount} nulls`);
    const convert = converter(where, field.name, field.type);
    const description = field.metadata?.get("description");
    if (description !== undefined) descriptions[field.name] = description;
    const dtype = leafDtype(field.type);
    if (dtype !== undefined && field.name !== "id") dtypes[field.name] = dtype;
    // Numbers, text and booleans read whole (one call, not one per row).
    const flat = ([ARROW_TYPE.Int, ARROW_TYPE.Float, ARROW_TYPE.Utf8, ARROW_TYPE.Bool] as number[]).includes(field.type.typeId) && typeof vector.toArray === "function";
    return { name: field.name, vector, convert, values: flat ? (vector.toArray!() as ArrayLike<unknown>) : undefined };
  });
  const records: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const record: Record<string, unknown> = {};
    for (const c of columns) record[c.name] = c.convert(c.values ? c.values[i] : c.vector.get(i));
    records.push(record);
  }
  const given = (opts ?? {}) as O & FromRecordsOptions;
  // Columns of an empty Arrow table are still made, their kind from their Arrow type.
  if (n === 0) {
    const table = tableFromRecords(cls, [], { ...given, columnDescriptions: {}, dtypes: {} });
    for (const field of fields) {
      if (field.name === "id" || table.colnames.includes(field.name)) continue;
      const ragged = field.type.typeId === ARROW_TYPE.List;
      if (ragged && (field.type.children?.[0]?.type.typeId === ARROW_TYPE.List)) throw new ValidationError(where, field.name, "a doubly ragged column with rows (an empty one has no dtype to write)");
      table.addColumn({ name: field.name, description: given.columnDescriptions?.[field.name] ?? descriptions[field.name] ?? namedMember(table, field.name)?.doc ?? field.name, ...(ragged ? { index: true } : {}), ...(given.regions?.[field.name] ? { table: given.regions[field.name] } : {}) });
    }
    for (const [name, dtype] of Object.entries({ ...dtypes, ...given.dtypes })) if (!given.regions?.[name]) retype(table, name, dtype);
    // Text and booleans too, so that the empty columns are written with the dtype their rows will have.
    for (const field of fields) {
      let leaf = field.type;
      while (leaf.typeId === ARROW_TYPE.List || leaf.typeId === ARROW_TYPE.FixedSizeList) leaf = leaf.children![0]!.type;
      if (leaf.typeId === ARROW_TYPE.Dictionary) leaf = leaf.dictionary!;
      const text = leaf.typeId === ARROW_TYPE.Utf8 || leaf.typeId === ARROW_TYPE.LargeUtf8;
      if (field.name === "id" || given.regions?.[field.name] || namedMember(table, field.name)?.spec.dtype !== undefined || !(text || leaf.typeId === ARROW_TYPE.Bool)) continue;
      table.getColumn(field.name).data = text ? new InMemoryArray([], [0], "text") : new InMemoryArray(new Uint8Array(0), [0], "bool");
    }
    return table;
  }
  return tableFromRecords(cls, records, { ...given, columnDescriptions: { ...descriptions, ...given.columnDescriptions }, dtypes: Object.fromEntries(Object.entries({ ...dtypes, ...given.dtypes }).filter(([name]) => !given.regions?.[name])) });
}

/** The numeric dtype of a column's (or its lists' innermost) numbers, if they are numbers. */
function leafDtype(type: ArrowTypeLike): NumericDType | undefined {
  if (type.typeId === ARROW_TYPE.List || type.typeId === ARROW_TYPE.FixedSizeList) return leafDtype(type.children![0]!.type);
  if (type.typeId === ARROW_TYPE.Int) return `${type.isSigned ? "" : "u"}int${type.bitWidth}` as NumericDType;
  if (type.typeId === ARROW_TYPE.Float) return type.precision === 2 ? "float64" : "float32";
  return undefined;
}

/** How one Arrow value of `type` becomes a cell `addRow` takes; an unsupported type or a null is an error naming the column. */
function converter(where: string, name: string, type: ArrowTypeLike): (v: unknown) => unknown {
  const convert = valueConverter(where, name, type);
  return (v) => {
    if (v === null || v === undefined) throw new ValidationError(where, name, "a value in every row and list (NWB columns have no missing values)", "a null");
    return convert(v);
  };
}

function valueConverter(where: string, name: string, type: ArrowTypeLike): (v: unknown) => unknown {
  const unsupported = (): never => {
    throw new ValidationError(where, name, "numbers, booleans, text, lists (ragged), fixed-size lists (arrays) or structs (compound rows)", `Arrow type ${type.toString()}${type.typeId === ARROW_TYPE.Timestamp || type.typeId === ARROW_TYPE.Date ? " (give times as seconds, float64)" : ""}`);
  };
  switch (type.typeId) {
    case ARROW_TYPE.Int:
      return (v) => {
        if (typeof v !== "bigint") return v;
        const n = Number(v);
        if (!Number.isSafeInteger(n)) throw new ValidationError(where, name, "integers within ±2^53", String(v));
        return n;
      };
    case ARROW_TYPE.Float:
    case ARROW_TYPE.Utf8:
    case ARROW_TYPE.LargeUtf8:
      return (v) => v;
    case ARROW_TYPE.Bool:
      return (v) => Boolean(v);
    case ARROW_TYPE.Dictionary:
      return converter(where, name, type.dictionary!);
    case ARROW_TYPE.List: {
      const inner = converter(where, name, type.children![0]!.type);
      return (v) => Array.from(v as Iterable<unknown>, inner);
    }
    case ARROW_TYPE.FixedSizeList: {
      // An array per row: its shape from the nested fixed sizes, its values flat.
      const shape: number[] = [];
      let t = type;
      while (t.typeId === ARROW_TYPE.FixedSizeList) {
        shape.push(t.listSize!);
        t = t.children![0]!.type;
      }
      const dtype = leafDtype(t);
      if (dtype === undefined) return unsupported();
      const inner = converter(where, name, t);
      const flatten = (v: unknown): unknown[] => Array.from(v as Iterable<unknown>, (x) => (shape.length > 1 && typeof x === "object" && x !== null && !isNDArray(x) ? flatten(x) : [inner(x)])).flat();
      return (v) => ({ data: toTypedArray(flatten(v) as number[], dtype), shape: [...shape], dtype });
    }
    case ARROW_TYPE.Struct: {
      const members = type.children!.map((c) => [c.name, converter(where, `${name}.${c.name}`, c.type)] as const);
      return (v) => Object.fromEntries(members.map(([m, convert]) => [m, convert((v as Record<string, unknown>)[m])]));
    }
    default:
      return unsupported();
  }
}

