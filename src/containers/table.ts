/**
 * The hand-written DynamicTable (and so every table type: TimeIntervals, Units, PlaneSegmentation, the electrodes
 * table, extension tables): reading a table as pynwb users do, column by column or row by row. A column's values
 * come back as the rows hold them: numbers, strings, booleans, one array per row for ragged columns (through their
 * `_index` columns, at any depth: a typed array of the stored dtype for rows of numbers, as numpy gives them, views
 * of one read of the rows' span; a list for other rows, 64-bit integers and a region's row indices), `{ data, shape, dtype }` per row for multi-dimensional ones, the referenced objects themselves for reference
 * columns, row indices for region columns, and compound rows with their references resolved.
 */
import { AbstractContainer, type ContainerClass, adopt, describeValue } from "./container.js";
import { DynamicTableBase, type DynamicTableOptions as GeneratedOptions } from "../generated/hdmf-common/DynamicTable.js";
import { VectorData } from "../generated/hdmf-common/VectorData.js";
import { VectorIndex } from "../generated/hdmf-common/VectorIndex.js";
import { ElementIdentifiers } from "../generated/hdmf-common/ElementIdentifiers.js";
import { DynamicTableRegion } from "../generated/hdmf-common/DynamicTableRegion.js";
import { typeCatalog } from "../schema/bundled.js";
import { isTextDtype } from "../schema/fields.js";
import { type NamedMember, conformTable, emptyColumn, namedMember, tableOptions } from "./table-schema.js";
import { CompoundArray, InMemoryArray, ReferenceArray, StreamedArray } from "../data/arrays.js";
import { ModeError, ValidationError } from "../errors.js";
import { arrayValue, article, schemaNumericDType } from "./fields.js";
import { classFor } from "./registry.js";
import { type DType, DTypeRangeError, type NumericDType, type TypedArray, allocate, copyExactly, isNumericDType, toTypedArray } from "../data/dtype.js";
import { type Dtype, isRefDtype } from "../schema/language.js";
import { type NDArray, isNDArray, product, toNDArray } from "../data/ndarray.js";
import type { ArrayValues, CompoundMemberType, CompoundRow } from "../data/lazy.js";
import { FormatError, NotFoundError } from "../errors.js";
import type { Table as ArrowTable } from "apache-arrow";
import { type ArrowTableLike, type FromRecordsOptions, type TableConstructor, type ToArrowOptions, tableFromArrow, tableFromRecords, tableToArrow } from "./table-arrow.js";
import { TimeSeriesReference } from "./timeseries-reference.js";
import type { TimeSeries } from "./base.js";

/** A table's options: as the schema's, with `colnames` and `id` made from the columns when not given, as hdmf makes them. */
export type DynamicTableOptions = Omit<GeneratedOptions, "colnames" | "id"> & {
  /** The columns' names, in order; default: the columns given. */
  colnames?: string[];
  /** The rows' ids; default: 0, 1, 2... */
  id?: ElementIdentifiers;
};

/** How `addColumn` makes a column. */
export interface ColumnOptions {
  /** The column's name, new in the table. */
  name: string;
  /** What the column holds. */
  description: string;
  /**
   * Ragged: each row holds a list (an `_index` column is made). With `data`, as pynwb: `true` when `data` holds a
   * list per row, or the rows' ends in a flat `data` (`data: [1, 2, 3], index: [2, 3]`: rows [1, 2] and [3]).
   */
  index?: boolean | readonly number[];
  /** A region column: each row holds row indices into this table (a DynamicTableRegion). */
  table?: DynamicTable;
  /**
   * The column's values, one per row of the table (pynwb's `add_column(..., data=...)` on a table that has rows);
   * a table without columns takes its rows from it. Lists and typed arrays alike.
   */
  data?: readonly unknown[] | TypedArray;
}

/** A cell's value: a number, a string, a boolean, an object, a compound row, or an array of them (ragged rows). */
export type Cell = unknown;

/** The row a table's `readRow` gives: typed by the table classes that know their columns (TimeIntervals, icephys). */
export type RowOf<T extends DynamicTable> = Awaited<ReturnType<T["readRow"]>>;

/** A table of columns (hdmf's DynamicTable): `addColumn`, `addRow`, reads by row, column or as records. */
export class DynamicTable extends DynamicTableBase {
  /** Rows added with `addRow`, not yet made into the columns' data (done before a write or a read). */
  private pending?: { ids: number[]; values: Map<string, unknown[]> };

  constructor(opts: DynamicTableOptions) {
    // colnames and ids from the columns, the columns the type requires made empty, as hdmf and pynwb do.
    super(tableOptions(new.target as unknown as ContainerClass, { ...opts }) as unknown as GeneratedOptions);
    this.collectColumns();
  }

  /**
   * Puts the columns the table's type names (a TimeIntervals' start_time, a Units' spike_times) in `columns` too,
   * so that `columns` holds every column by name, as pynwb's does; they are written at their own paths once.
   * @internal also called once a table is read.
   */
  collectColumns(): void {
    // The type's child fields, listed once per class: this runs for every row added.
    let keys = childKeys.get(this.constructor);
    if (keys === undefined) childKeys.set(this.constructor, (keys = this.layout.fields.filter((f) => f.kind === "child").map((f) => f.key)));
    for (const key of keys) {
      const v = (this as unknown as Record<string, unknown>)[key];
      // Columns already held are not looked at again.
      if (v !== undefined && !notColumns.has(v as object) && !this.columns.has((v as VectorData).name)) {
        if (isColumn(v)) this.columns.set(v.name, v);
        else if (typeof v === "object" && v !== null) notColumns.add(v);
      }
    }
  }

  /**
   * Adds a column (pynwb's `add_column`); rows added before it cannot be given values for it. A column the table's
   * type names (a TimeIntervals' `tags` and `timeseries`, a Units' `electrodes`) is made as the schema's type and
   * set in its field, as is its `_index`.
   */
  addColumn(opts: ColumnOptions): VectorData {
    const rows = opts.data === undefined ? undefined : this.givenRows(opts);
    if (rows === undefined && this.length > 0) this.fail(opts.name, "columns added before any row, or with 'data': a value for each of its rows (this table has rows)");
    if (rows !== undefined && rows.length !== this.length && (this.length > 0 || this.colnames.length > 0)) {
      this.fail(opts.name, `one value per row of the table (${this.length})`, `${rows.length} values in 'data'`);
    }
    if (this.colnames.includes(opts.name)) this.fail(opts.name, "a column name the table does not have yet");
    const named = this.namedColumn(opts.name);
    const index = this.namedColumn(`${opts.name}_index`);
    if (named && opts.index === false && index) this.fail(opts.name, `a ragged column (the ${this.neurodata_type} type indexes '${opts.name}')`);
    const ragged = opts.index === undefined ? index !== undefined : opts.index !== false;
    const cls = (named ? classFor(named.type, this.namespace) : undefined) as (new (o: object) => VectorData) | undefined;
    const column = opts.table
      ? new DynamicTableRegion({ name: opts.name, description: opts.description, table: opts.table, data: [] as number[] })
      : new (cls ?? VectorData)({ name: opts.name, description: opts.description, data: [] as number[] });
    // Checked before the table changes: a column refused leaves the table as it was.
    if (rows !== undefined) {
      const siblings: Siblings = { first: firstCell(rows, ragged), shape: rows.length > 0 ? arrayShape(rows[0]) : undefined };
      rows.forEach((v, r) => this.checkCell(opts.name, column, v, r, ragged, siblings));
    }
    this.placeColumn(emptyColumn(column, opts.table ? undefined : named?.spec.dtype), named);
    if (rows === undefined) undecidedDType.add(column);
    if (ragged) this.placeColumn(new VectorIndex({ name: `${opts.name}_index`, description: `Index for ${opts.name}.`, target: column, data: [] as number[] }), index);
    this.colnames = [...this.colnames, opts.name];
    if (rows !== undefined) this.fillColumn(opts.name, column, rows);
    return column;
  }

  /** The rows `addColumn`'s `data` gives: a value per row, or (ragged) a list per row, typed arrays made lists. */
  private givenRows(opts: ColumnOptions): unknown[] {
    const data = opts.data!;
    if (!Array.isArray(data) && !isTypedArray(data)) this.fail(opts.name, "'data': a list (or typed array) of a value per row", data);
    const values = Array.from(data as ArrayLike<unknown>);
    if (opts.index === undefined || typeof opts.index === "boolean") return opts.index === true ? values.map(asList) : values;
    // pynwb's index as a list of ends into flat data.
    const ends = Array.from(opts.index as ArrayLike<number>);
    let from = 0;
    return ends.map((end, r) => {
      if (!Number.isInteger(end) || end < from || end > values.length) {
        this.fail(`${opts.name}_index`, `row ends rising from 0 to the ${values.length} values of 'data'`, `row ${r}: ${JSON.stringify(end)}`);
      }
      const row = values.slice(from, end);
      from = end;
      return row;
    });
  }

  /**
   * Gives a new column the values of the table's rows: those already made into columns (or in the file) at once,
   * those added since with them.
   */
  private fillColumn(name: string, column: VectorData, rows: unknown[]): void {
    if (this.length === 0 && rows.length > 0) {
      this.pending = { ids: rows.map((_, i) => i), values: new Map([[name, rows]]) };
      return;
    }
    const made = this.length - (this.pending?.ids.length ?? 0);
    const index = this.indexOf(column);
    const first = rows.slice(0, made);
    column.data = columnData(index ? flatRows(first) : first, column, this.schemaDtype(name) ?? valueDtype(column));
    if (index) {
      let end = 0;
      index.data = indexData(first.map((r) => (end += (r as ArrayLike<unknown>).length)));
    }
    this.pending?.values.set(name, rows.slice(made));
  }

  /**
   * The member the table's type or its place names `name` (a column they define), if any; remembered while the table
   * has the same parent (its place), as every row added asks it for each column.
   */
  private namedColumn(name: string): NamedMember | undefined {
    let known = namedMembers.get(this);
    if (known === undefined || known.parent !== this.parent) namedMembers.set(this, (known = { parent: this.parent, byName: new Map() }));
    if (known.byName.has(name)) return known.byName.get(name);
    const member = namedMember(this, name);
    known.byName.set(name, member);
    return member;
  }

  /** Puts a column in the field its type names it by, else among `columns`. */
  private placeColumn(column: VectorData, member: NamedMember | undefined): void {
    const field = member?.field;
    if (!field) {
      if (member && !column.isA(member.type)) this.fail(column.name, article(member.type), column);
      this.addColumns(column);
      return;
    }
    if (!column.isA(field.type)) this.fail(field.key, article(field.type), column);
    adopt(this, field.key, column);
    (this as unknown as Record<string, unknown>)[field.key] = column;
    this.columns.set(column.name, column);
  }

  /**
   * A region of this table: the rows `region` (pynwb's `create_region`), each checked to be one of its rows, for a
   * series' `electrodes` or `rois`.
   */
  createRegion(name: string, region: number[], description: string): DynamicTableRegion {
    const rows = this.length;
    if (!Array.isArray(region) && !ArrayBuffer.isView(region)) this.fail("region", "an array of row indices", region);
    for (const i of Array.from(region as ArrayLike<number>)) {
      if (!Number.isInteger(i) || i < 0 || i >= rows) this.fail("region", `row indices of its ${rows} rows (0 to ${rows - 1})`, i);
    }
    return new DynamicTableRegion({ name, description, table: this, data: Array.from(region as ArrayLike<number>) });
  }

  /** Adds a row (pynwb's `add_row`): a value for every column; `id` defaults to the row's number. */
  addRow(values: Record<string, unknown>, opts: { id?: number } = {}): this {
    const row = this.length;
    const where = (column: string) => `row ${row}, column '${column}'`;
    // A column the type defines but the table does not have yet is added by the first row that fills it, as pynwb does.
    if (row === 0) {
      for (const name of Object.keys(values)) {
        const f = this.namedColumn(name);
        if (f && !this.colnames.includes(name) && values[name] !== undefined && !typeCatalog.isA(typeCatalog.get(f.type, this.namespace), "DynamicTableRegion")) {
          this.addColumn({ name, description: f.doc });
        }
      }
    }
    const plan = this.rowPlan();
    const cells: unknown[] = [];
    for (const { name, column, ragged, numbers } of plan.columns) {
      const given = values[name];
      // A typed array into a ragged column of numbers needs no check (it holds numbers only; whether they fit the
      // column's dtype is checked when the rows are made into the column): only its copy, as one block.
      if (numbers && isTypedArray(given)) {
        cells.push(copyRow(given));
        continue;
      }
      // A typed array stays one (a unit's spike times as a Float64Array, copied as a block), concatenated once when the
      // rows are made into the column; an array with a shape a list of its rows.
      const v = ragged ? asList(given) : given;
      if (v === undefined) throw new ValidationError(this.describe(), name, "a value in every column", `${where(name)}: none`);
      this.checkCell(name, column, v, row, ragged);
      cells.push(v);
    }
    for (const name of Object.keys(values)) if (!plan.names.has(name)) this.fail(name, `one of the columns (${this.colnames.join(", ")})`, `${where(name)}: an unknown column`);
    this.pending ??= { ids: [], values: new Map() };
    this.pending.ids.push(opts.id ?? row);
    const lists = this.pending.values;
    for (let c = 0; c < cells.length; c++) {
      const name = plan.columns[c]!.name;
      const list = lists.get(name);
      if (list === undefined) lists.set(name, [cells[c]]);
      else list.push(cells[c]);
    }
    return this;
  }

  /**
   * What `addRow` needs to know of each column (the column, whether ragged, whether its rows are lists of numbers
   * by the schema), worked out once while the table keeps the same columns and place, not again for every row.
   */
  private rowPlan(): RowPlan {
    const colnames = this.colnames;
    const known = rowPlans.get(this);
    // The columns held, not collected again from the fields for every row (that costs as much as the rest of a row):
    // a column set in a field since is collected by the next read of the columns, or when colnames changes.
    if (known !== undefined && known.colnames === colnames && known.count === colnames.length && known.held === this.columns.size && known.parent === this.parent) return known;
    const columns = this.allColumns;
    const plan: RowPlan = { colnames, count: colnames.length, held: columns.size, parent: this.parent, names: new Set(colnames), columns: [] };
    for (const name of colnames) {
      const column = columns.get(name) ?? this.getColumn(name);
      const ragged = indexIn(columns, column) !== undefined;
      plan.columns.push({ name, column, ragged, numbers: ragged && !column.isA("DynamicTableRegion") && this.schemaCellKind(name, column) === "number" });
    }
    rowPlans.set(this, plan);
    return plan;
  }

  /** The ids of the table's rows, those in memory (a table read from a file: ids read are not included). @internal */
  takenIds(): number[] {
    const stored = this.id?.data instanceof InMemoryArray ? Array.from(this.id.data.data as ArrayLike<number | bigint>, Number) : [];
    return [...stored, ...(this.pending?.ids ?? [])];
  }

  /** Takes back the row `addRow` added last (an aligned table's row that a category refused). @internal */
  dropLastAddedRow(): void {
    const pending = this.pending;
    if (!pending || pending.ids.length === 0) return;
    pending.ids.pop();
    for (const list of pending.values.values()) list.pop();
  }

  /**
   * Refuses a cell that its column cannot hold: a ragged column's row that is not a list, a value of another kind
   * than the column's, an array of another shape, a region's row index outside its table. `siblings`: the other
   * rows given with it (a column's data), which set the kind and shape when nothing else does.
   */
  private checkCell(name: string, column: VectorData, v: unknown, row: number, ragged: boolean, siblings?: Siblings): void {
    const at = () => `row ${row}, column '${name}'`;
    if (ragged && !isList(v)) throw new ValidationError(this.describe(), name, "a list (a ragged column)", `${at()}: ${JSON.stringify(v)}`);
    const first = siblings?.first;
    const expected = this.cellKind(name, column) ?? (first === undefined ? undefined : kindOf(first));
    if (expected !== undefined) {
      const check = (cell: unknown) => {
        if (kindOf(cell) !== expected) throw new ValidationError(this.describe(), name, `${KIND_NAMES[expected]} (as the column holds)`, `${at()}: ${describeValue(cell)}`);
      };
      // A typed array holds numbers only: one check for the row, not one per value.
      if (!ragged) check(v);
      else if (isTypedArray(v)) {
        if (v.length > 0) check(v[0]);
      } else for (const cell of v as unknown[]) check(cell);
    }
    if (!ragged && kindOf(v) === "array") {
      const shape = this.rowShape(name, column) ?? siblings?.shape;
      const given = arrayShape(v);
      if (given === undefined) throw new ValidationError(this.describe(), name, "an array (nested arrays or { data, shape })", `${at()}: ${describeValue(v)}`);
      if (shape !== undefined && (given.length !== shape.length || given.some((n, k) => n !== shape[k]))) {
        throw new ValidationError(this.describe(), name, `an array of shape [${shape.join(", ")}] (as the column holds)`, `${at()}: shape [${given.join(", ")}]`);
      }
    }
    if (column.isA("DynamicTableRegion")) {
      const target = (column as unknown as { table: DynamicTable }).table;
      const rows = target.length;
      for (const i of (ragged ? Array.from(v as ArrayLike<unknown>) : [v]) as unknown[]) {
        if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= rows) {
          throw new ValidationError(this.describe(), name, `row indices of ${target.describe()} (0 to ${rows - 1})`, `${at()}: ${JSON.stringify(i)}`);
        }
      }
    }
  }

  /**
   * What every cell of a column must be: fixed by the schema (a start_time is a number, a timeseries cell a row of
   * its compound), a region (row indices), or the column's first value, in the file or added.
   */
  private cellKind(name: string, column: VectorData): CellKind | undefined {
    const fixed = this.schemaCellKind(name, column);
    if (fixed !== undefined) return fixed;
    const ragged = this.indexOf(column) !== undefined;
    const first = firstCell(this.pending?.values.get(name) ?? [], ragged);
    if (first !== undefined) return kindOf(first);
    const data = column.data;
    if (data instanceof StreamedArray || (data.shape[0] ?? 0) === 0) return undefined;
    switch (data.dtype) {
      case "text": return "text";
      case "bool": return "boolean";
      case "reference": return "object";
      case "compound": return "row";
      case "opaque": return undefined;
      default: return data.shape.length > 1 && !ragged ? "array" : "number";
    }
  }

  /** What every cell of a column must be by the schema or the column's type alone (a region: row numbers), if that fixes it. */
  private schemaCellKind(name: string, column: VectorData): CellKind | undefined {
    if (column.isA("DynamicTableRegion")) return "number";
    // A column the type defines with more than one axis in every shape it allows (an image mask) holds an array per row.
    const dims = this.namedColumn(name)?.spec.dims as unknown[] | undefined;
    if (Array.isArray(dims) && dims.length > 0 && (Array.isArray(dims[0]) ? dims.every((d) => (d as unknown[]).length > 1) : dims.length > 1)) return "array";
    const dtype = this.schemaDtype(name) ?? valueDtype(column);
    if (Array.isArray(dtype)) return "row";
    if (isRefDtype(dtype)) return "object";
    if (isTextDtype(dtype)) return "text";
    if (dtype === "bool") return "boolean";
    if (schemaNumericDType(dtype) !== undefined) return "number";
    return undefined;
  }

  /** The shape of each row of a column of arrays: its first row's, added or in the file. */
  private rowShape(name: string, column: VectorData): number[] | undefined {
    const first = this.pending?.values.get(name)?.[0];
    if (first !== undefined) return arrayShape(first);
    const data = column.data;
    return data instanceof StreamedArray || (data.shape[0] ?? 0) === 0 ? undefined : data.shape.slice(1);
  }

  /**
   * Before rows added to a table read from a file are made into its columns' data: the rows already stored are read
   * into memory (ids, columns and their indices, as stored: references as the objects), so the columns hold every
   * row. Done by a write and by the table's own reads. @internal
   */
  async loadStoredRows(): Promise<void> {
    if (!this.pending || this.pending.ids.length === 0) return;
    const columns = [this.id as VectorData, ...this.colnames.map((n) => this.getColumn(n))];
    for (const column of [...columns]) for (let up = this.indexOf(column); up; up = this.indexOf(up)) columns.push(up);
    for (const column of columns) {
      const data = column.data;
      if (data instanceof InMemoryArray || data instanceof ReferenceArray || data instanceof CompoundArray) continue;
      if (data instanceof StreamedArray) return column.fail("data", "values in memory or in a file, to add rows to (not a stream)");
      const values = await data.read();
      if (data.dtype === "reference") column.data = new ReferenceArray((values as string[]).map((p) => this.storedObject(p, column)));
      else if (data.dtype === "compound") {
        const members = data.members ?? [];
        const refs = members.filter((m) => m.dtype === "reference").map((m) => m.name);
        const rows = (values as CompoundRow[]).map((row) => ({ ...row, ...Object.fromEntries(refs.map((r) => [r, this.storedObject(row[r] as string, column)])) }));
        column.data = new CompoundArray(members, rows);
      } else if (data.dtype === "bool") column.data = new InMemoryArray(Uint8Array.from(values as boolean[], Number), data.shape, "bool");
      else column.data = new InMemoryArray(values as TypedArray | string[], data.shape, data.dtype);
    }
  }

  /** The object a stored reference of `column` points at (one outside the file's objects cannot be kept). */
  private storedObject(path: string, column: VectorData): AbstractContainer {
    const target = this.objectAt(path);
    if (typeof target === "string") column.fail("data", "references to objects tsnwb read from the file", path);
    return target;
  }

  /** Makes the rows added so far into the columns' data (before a write; a read does it too). @internal */
  flushRows(): void {
    conformTable(this);
    const pending = this.pending;
    if (!pending || pending.ids.length === 0) return;
    const stored = [this.id as VectorData, ...this.colnames.map((n) => this.getColumn(n))].find((c) => !(c.data instanceof InMemoryArray || c.data instanceof ReferenceArray || c.data instanceof CompoundArray || (c.data.shape[0] ?? 0) === 0));
    // The stored rows must be in memory first (async): flushing now would drop them.
    if (stored) throw new ModeError(`${this.describe()}: rows were added to a table read from a file; await its loadStoredRows() (a write does) before its columns are used`);
    this.pending = undefined;
    const ids = [...(this.id.data instanceof InMemoryArray ? Array.from(this.id.data.data as ArrayLike<number | bigint>, Number) : []), ...pending.ids];
    this.id.data = new InMemoryArray(BigInt64Array.from(ids.map(BigInt)), [ids.length], "int64");
    for (const name of this.colnames) {
      const column = this.getColumn(name);
      const index = this.indexOf(column);
      const rows = pending.values.get(name) ?? [];
      const schema = this.schemaDtype(name) ?? valueDtype(column);
      // Numbers (a unit's spike times, a trial's start_time) concatenated at once into the column's typed array;
      // anything else through the general path, which also gives the errors.
      const numbers = column.isA("DynamicTableRegion") ? undefined : appendedNumbers(column.data, rows, index !== undefined, schema);
      const made = numbers ?? columnData([...previous(column), ...(index ? flatRows(rows) : rows)], column, schema);
      column.data = undecidedDType.delete(column) ? made : keepDType(made, column.data.dtype);
      if (index) {
        const ends: number[] = [...previous(index).map(Number)];
        let end = ends[ends.length - 1] ?? 0;
        for (const r of rows) ends.push((end += (r as ArrayLike<unknown>).length));
        index.data = indexData(ends);
      }
    }
  }
  /** The number of rows (added ones included). */
  get length(): number {
    return (this.ids.shape[0] ?? 0) + (this.pending?.ids.length ?? 0);
  }

  /** The row ids' data; a table read from a file without its (required) `id` is that file's FormatError. */
  private get ids(): ElementIdentifiers["data"] {
    if (this.id === undefined) throw new FormatError(this.container_source?.file ?? this.name, `${this.describe()} has no 'id' dataset (its row ids, which every table needs)`);
    return this.id.data;
  }

  /** Every column, `_index` columns included, by name (`columns`, which holds those the type names too). */
  get allColumns(): Map<string, VectorData> {
    this.collectColumns();
    return this.columns;
  }

  /** The column `name` (a VectorData; a region column is a DynamicTableRegion). */
  getColumn(name: string): VectorData {
    const column = this.allColumns.get(name);
    if (!column) throw new NotFoundError(name, `${this.describe()} has no column '${name}' (it has: ${this.colnames.join(", ")})`);
    return column;
  }

  /**
   * The values of column `name` row by row, for all rows or rows `[start, stop)`; reads only those rows. A ragged
   * column of numbers gives a typed array per row (a unit's spike times as a Float64Array), each a view of one read.
   */
  async readColumn(name: string, rows?: [number, number]): Promise<Cell[]> {
    await this.loadStoredRows();
    this.flushRows();
    const [start, stop] = rows ?? [0, this.length];
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > this.length || start > stop) {
      this.fail(name, `rows [start, stop) within 0 to ${this.length}`, JSON.stringify(rows));
    }
    // The table's rows are those of the outermost index over the column (`x_index_index` over `x_index` over `x`).
    let top = this.getColumn(name);
    for (let up = this.indexOf(top); up; up = this.indexOf(top)) top = up;
    return top.isA("VectorIndex") ? this.grouped(top, start, stop) : this.cells(top, start, stop);
  }

  /** Row `i` as a record by column name, with its `id`. */
  async readRow(i: number): Promise<Record<string, Cell>> {
    await this.loadStoredRows();
    this.flushRows();
    const record: Record<string, Cell> = { id: Number(((await this.ids.read([[i, i + 1]])) as ArrayLike<number | bigint>)[0]) };
    for (const name of this.colnames) record[name] = (await this.readColumn(name, [i, i + 1]))[0];
    return record;
  }

  /**
   * Row `i` as a record by column name, with its `id` (as pynwb's `table[i]`); as {@link readRow}, and of the row
   * type a table class's `readRow` gives (an IntervalRecord for TimeIntervals).
   */
  async getRow(i: number): Promise<RowOf<this>> {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) this.fail("row", `a row of the table's ${this.length} (0 to ${this.length - 1})`, i);
    return this.readRow(i) as Promise<RowOf<this>>;
  }

  /** The row whose `id` is `id`, as {@link getRow} (ids are read once per call: for many lookups, read `id` once). */
  async getRowById(id: number): Promise<RowOf<this>> {
    await this.loadStoredRows();
    this.flushRows();
    const ids = Array.from((await this.ids.read()) as ArrayLike<number | bigint>, Number);
    const i = ids.indexOf(id);
    if (i < 0) throw new NotFoundError(String(id), `${this.describe()}: no row with id ${id}`);
    return this.readRow(i) as Promise<RowOf<this>>;
  }

  /**
   * The indices of the rows whose id is `ids` or one of them, in row order (hdmf's `table.id == ids`): tables that
   * refer to this one's rows take indices, not ids.
   */
  async rowsWithIds(ids: number | readonly number[]): Promise<number[]> {
    const wanted = typeof ids === "number" ? [ids] : ids;
    if (!Array.isArray(wanted)) this.fail("id", "an integer id or a list of them", ids);
    const bad = wanted.find((id) => !Number.isInteger(id));
    if (bad !== undefined) this.fail("id", "an integer id or a list of them", bad);
    await this.loadStoredRows();
    this.flushRows();
    const search = new Set(wanted);
    const all = Array.from((await this.ids.read()) as ArrayLike<number | bigint>, Number);
    return all.flatMap((id, i) => (search.has(id) ? [i] : []));
  }

  /** Every row as a record. */
  async toRecords(): Promise<Record<string, Cell>[]> {
    await this.loadStoredRows();
    this.flushRows();
    const ids = Array.from((await this.ids.read()) as ArrayLike<number | bigint>, Number);
    const columns = await Promise.all(this.colnames.map(async (name) => [name, await this.readColumn(name)] as const));
    return ids.map((id, i) => Object.fromEntries([["id", id], ...columns.map(([name, values]) => [name, values[i]])]));
  }

  /**
   * The table as an Apache Arrow table (for DuckDB, Arquero, Observable Plot): `id`, then each column with its dtype,
   * ragged columns as lists, regions as row indices, references as names (see table-arrow.ts). Reads only the
   * `columns` asked for; loads apache-arrow on first call.
   */
  async toArrow(options?: ToArrowOptions): Promise<ArrowTable> {
    return tableToArrow(this, options);
  }

  /**
   * A table made from records, one per row (`id` a row's id), with `addColumn`'s and `addRow`'s checks: lists become
   * ragged columns (lists of lists doubly ragged), `regions` names region columns' tables, numbers are int64 when
   * all whole, else float64 (`dtypes` for others). On a subclass (`TimeIntervals.fromRecords`) the columns its type
   * defines keep the schema's dtype and description.
   */
  static fromRecords<T extends DynamicTable, O>(this: TableConstructor<T, O>, records: readonly Record<string, unknown>[], opts: O & FromRecordsOptions): T {
    return tableFromRecords(this, records, opts);
  }

  /** A table made from an Arrow table (apache-arrow's, any version): as {@link fromRecords}, numbers keeping their Arrow dtype. */
  static fromArrow<T extends DynamicTable, O>(this: TableConstructor<T, O>, arrowTable: ArrowTableLike, opts: O & FromRecordsOptions): T {
    return tableFromArrow(this, arrowTable, opts);
  }

  /** The dtype the table's type or place fixes for a column it names (a TimeIntervals' start_time: float), if any. */
  private schemaDtype(name: string): Dtype | undefined {
    return this.namedColumn(name)?.spec.dtype;
  }

  /** The index column over `column` (`<name>_index`), if it is ragged. */
  private indexOf(column: VectorData): VectorData | undefined {
    return indexIn(this.allColumns, column);
  }

  /** Rows `[start, stop)` of an index: for each, the elements of its target it spans, expanded down to the data. */
  private async grouped(index: VectorData, start: number, stop: number): Promise<Cell[]> {
    const ends = (await this.cells(index, start, stop)).map(Number);
    const first = start === 0 ? 0 : Number((await this.cells(index, start - 1, start))[0]);
    const target = (index as unknown as { target: VectorData }).target;
    const last = ends[ends.length - 1] ?? first;
    const data = target.data;
    // Rows of a multi-dimensional column (a unit's obs_intervals, [k, 2]): one array per row with its shape, as numpy's.
    if (!target.isA("VectorIndex") && data.shape.length > 1 && isNumericDType(data.dtype)) {
      const inner = data.shape.slice(1);
      const per = product(inner);
      const values = first < last ? ((await data.read([[first, last]])) as TypedArray) : allocate(data.dtype as NumericDType, 0);
      let from = first;
      return ends.map((end) => {
        const row = { data: values.subarray((from - first) * per, (end - first) * per), shape: [end - from, ...inner], dtype: data.dtype };
        from = end;
        return row;
      });
    }
    // Plain numbers (spike times): one read of the rows' span, each row a view of it, a typed array as numpy gives
    // it. 64-bit integers (which a JS number may not hold) and a region's row indices come back as lists, below.
    if (!target.isA("VectorIndex") && !target.isA("DynamicTableRegion") && data.shape.length <= 1 && isNumericDType(data.dtype) && !data.dtype.endsWith("int64")) {
      const values = first < last ? ((await data.read([[first, last]])) as TypedArray) : allocate(data.dtype, 0);
      const rows: Cell[] = new Array<Cell>(ends.length);
      let from = first;
      for (let r = 0; r < ends.length; r++) {
        rows[r] = values.subarray(from - first, ends[r]! - first);
        from = ends[r]!;
      }
      return rows;
    }
    const below = target.isA("VectorIndex") ? await this.grouped(target, first, last) : await this.cells(target, first, last);
    const out: Cell[] = [];
    let from = first;
    for (const end of ends) {
      out.push(below.slice(from - first, end - first));
      from = end;
    }
    return out;
  }

  /** Elements `[start, stop)` of a plain column, as JS values; references and compound references resolved. */
  private async cells(column: VectorData, start: number, stop: number): Promise<Cell[]> {
    const data = column.data;
    if (start === stop) return [];
    const values: ArrayValues = await data.read([[start, stop]]);
    const perRow = product(data.shape.slice(1));
    if (data.dtype === "reference") return (values as unknown[]).map((v) => (typeof v === "string" ? this.objectAt(v) : v));
    if (data.dtype === "compound") {
      const members = (data as { members?: CompoundMemberType[] }).members ?? [];
      const refs = members.filter((m) => m.dtype === "reference").map((m) => m.name);
      const resolved = (row: CompoundRow): CompoundRow => ({ ...row, ...Object.fromEntries(refs.map((r) => [r, typeof row[r] === "string" ? this.objectAt(row[r] as string) : row[r]])) });
      if (!column.isA("TimeSeriesReferenceVectorData")) return (values as CompoundRow[]).map(resolved);
      // pynwb's TimeSeriesReference rows; one of idx_start -1 is pynwb's missing one (a recording without a stimulus): null.
      return (values as CompoundRow[]).map((row) => {
        if (Number(row.idx_start) < 0) return null;
        const { idx_start, count, timeseries } = resolved(row);
        return new TimeSeriesReference(Number(idx_start), Number(count), timeseries as TimeSeries);
      });
    }
    const list = ArrayBuffer.isView(values) ? values : (values as unknown[]);
    // Booleans held in memory are bytes 0 and 1 (a file's come back as booleans already).
    const plain = data.dtype === "bool" ? (v: unknown) => Boolean(v) : (v: unknown) => (typeof v === "bigint" ? plainInteger(v) : v);
    if (perRow === 1 && data.shape.length <= 1) {
      // A loop, not Array.from: a million values convert in milliseconds rather than tens of them.
      const out = new Array<unknown>(list.length);
      if (list instanceof BigInt64Array || list instanceof BigUint64Array || data.dtype === "bool") for (let k = 0; k < out.length; k++) out[k] = plain(list[k]);
      else for (let k = 0; k < out.length; k++) out[k] = list[k];
      return out;
    }
    // A multi-dimensional column: one array per row with its shape (an image mask [height, width]), as numpy gives
    // it and as addRow takes it back.
    return splitRows(list as ArrayLike<unknown>, stop - start, data.shape.slice(1), data.dtype) as Cell[];
  }

  /** The object at `path` in the file this table was read from (references come back as paths). */
  private objectAt(path: string): AbstractContainer | string {
    let root: AbstractContainer = this;
    while (root.parent) root = root.parent;
    let byPath = pathIndex.get(root);
    if (!byPath) {
      const objects = (root as unknown as { objects?: Map<string, AbstractContainer> }).objects;
      byPath = new Map([...(objects?.values() ?? [])].map((o) => [o.container_source?.path ?? "", o] as const));
      pathIndex.set(root, byPath);
    }
    return byPath.get(path) ?? path;
  }
}

/** The members a table's type or place names, by column name, for the parent the table had when they were found. */
const namedMembers = new WeakMap<DynamicTable, { parent: unknown; byName: Map<string, NamedMember | undefined> }>();

/** A table's columns as `addRow` takes them, with what it was worked out from (the columns' names and count, the table's parent). */
interface RowPlan {
  colnames: string[];
  count: number;
  held: number;
  parent: unknown;
  names: Set<string>;
  columns: { name: string; column: VectorData; ragged: boolean; numbers: boolean }[];
}
const rowPlans = new WeakMap<DynamicTable, RowPlan>();

/** The keys of each table class's child fields (where the columns its type names are), listed once. */
const childKeys = new WeakMap<object, string[]>();
/** Children of tables found not to be columns (a table's ids): a column is never one of them. */
const notColumns = new WeakSet<object>();

/** The objects of a file read, by path, made once per file for reference columns. */
const pathIndex = new WeakMap<AbstractContainer, Map<string, AbstractContainer>>();

/** What a column made in memory already holds. */
function previous(column: VectorData): unknown[] {
  const data = column.data;
  if (data instanceof InMemoryArray && data.shape.length > 1 && ArrayBuffer.isView(data.data)) {
    // A column of arrays (image masks): one { data, shape } per row, as rows are given.
    return splitRows(data.data as TypedArray, data.shape[0]!, data.shape.slice(1), data.dtype);
  }
  if (data instanceof InMemoryArray) return Array.from(data.data as ArrayLike<unknown>, (v) => (data.dtype === "bool" ? Boolean(v) : typeof v === "bigint" ? Number(v) : v));
  if (data instanceof ReferenceArray) return [...data.targets];
  if (data instanceof CompoundArray) return data.rows.map((r) => ({ ...r }));
  return [];
}

/**
 * A column's new data in the dtype it had (a stored int32 column given more integers stays int32) when every value
 * fits it; otherwise in the wider dtype the values need.
 */
function keepDType(data: VectorData["data"], before: DType): VectorData["data"] {
  if (!(data instanceof InMemoryArray) || data.dtype === before || !isNumericDType(before) || !isNumericDType(data.dtype)) return data;
  try {
    return new InMemoryArray(toTypedArray(data.data as TypedArray, before), data.shape, before);
  } catch (e) {
    if (e instanceof DTypeRangeError) return data;
    throw e;
  }
}

/**
 * Columns `addColumn` made without data: their empty array's float64 is no choice, so their first rows choose their
 * dtype (integers int64, as pynwb writes a list of Python ints), where later rows keep the dtype a column has.
 */
const undecidedDType = new WeakSet<VectorData>();

/**
 * A column's values as data of the dtype they call for, as pynwb makes them: the schema's dtype when it fixes one
 * (compound rows, references, text, numbers), else text, int64 for integers, float64 for other numbers, the objects
 * for references, booleans as bool (written as h5py's enum); arrays of one shape per row (an image mask) stacked.
 */
function columnData(values: unknown[], column: VectorData, schema: Dtype | undefined): VectorData["data"] {
  if (values.length > 0 && values.every((v) => typeof v === "boolean")) return new InMemoryArray(Uint8Array.from(values as boolean[], Number), [values.length], "bool");
  if (values.length > 0 && values.every((v) => kindOf(v) === "array")) {
    const stacked = stackedRows(values, column) as InMemoryArray;
    if (schemaNumericDType(schema) === undefined) return stacked;
    // Rows of plain numbers take the schema's dtype (obs_intervals: float64), as a column of numbers does.
    return arrayValue(column, "data", (values.every((v) => Array.isArray(v)) ? values : { data: stacked.data, shape: stacked.shape, dtype: stacked.dtype }) as never, schema);
  }
  if (column.isA("DynamicTableRegion")) {
    return new InMemoryArray(BigInt64Array.from((values as (number | bigint)[]).map(BigInt)), [values.length], "int64");
  }
  if (values.length === 0 && schema === undefined) return new InMemoryArray([] as string[], [0], "text");
  return arrayValue(column, "data", values as never, schema);
}

/** Rows that are arrays of one shape (nested arrays or `{ data, shape }`) as one array of shape `[rows, ...shape]`. */
function stackedRows(values: unknown[], column: VectorData): VectorData["data"] {
  const rows: NDArray[] = [];
  for (const [i, v] of values.entries()) {
    try {
      rows.push(isNDArray(v) ? v : toNDArray(v as never));
    } catch (e) {
      column.fail("data", "one array per row", `row ${i}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const shape = rows[0]!.shape;
  const dtype = rows.every((r) => r.dtype === rows[0]!.dtype) ? rows[0]!.dtype : "float64";
  if (!isNumericDType(dtype)) column.fail("data", "numeric arrays per row", dtype);
  const perRow = product(shape);
  const out = allocate(dtype, perRow * rows.length);
  for (const [i, r] of rows.entries()) {
    if (r.shape.length !== shape.length || r.shape.some((n, k) => n !== shape[k])) {
      column.fail("data", `arrays of shape [${shape.join(", ")}] in every row (as row 0)`, `row ${i}: shape [${r.shape.join(", ")}]`);
    }
    out.set((r.dtype === dtype ? r.data : toTypedArray(r.data as ArrayLike<number>, dtype)) as never, i * perRow);
  }
  return new InMemoryArray(out, [rows.length, ...shape], dtype);
}

/** The shape of an array given as a cell, or undefined when it is not one. */
function arrayShape(v: unknown): number[] | undefined {
  try {
    return (isNDArray(v) ? v : toNDArray(v as never)).shape;
  } catch {
    return undefined;
  }
}

/** What a cell is, to hold a column's rows to one kind. */
type CellKind = "number" | "text" | "boolean" | "object" | "row" | "array";
const KIND_NAMES: Record<CellKind, string> = {
  number: "a number", text: "a string", boolean: "true or false", object: "a typed object", row: "a compound row (an object of its fields)", array: "an array",
};

function kindOf(v: unknown): CellKind | undefined {
  if (typeof v === "number" || typeof v === "bigint") return "number";
  if (typeof v === "string") return "text";
  if (typeof v === "boolean") return "boolean";
  if (v instanceof AbstractContainer) return "object";
  if (Array.isArray(v) || ArrayBuffer.isView(v) || isNDArray(v)) return "array";
  if (typeof v === "object" && v !== null && "data" in v && "shape" in v) return "array";
  if (typeof v === "object" && v !== null) return "row";
  return undefined;
}

/** The dtype a column's own type fixes for its values (a TimeSeriesReferenceVectorData's compound), if any. */
function valueDtype(column: VectorData): Dtype | undefined {
  const field = column.layout.fields.find((f) => f.kind === "value");
  return (field?.spec as { dtype?: Dtype } | undefined)?.dtype;
}

/** A 64-bit integer cell as a plain number where that is exact (ids, counts, indices); past 2^53 it stays a bigint. */
function plainInteger(v: bigint): number | bigint {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/**
 * A row of a ragged column as a list: a typed array as a copy of it (one block copy, not a list of its values; a
 * copy, as pynwb copies a row's values into the column, so that a buffer reused for the next row does not change
 * this one), an array with a shape (as a read gives a row of obs_intervals, [k, 2]) as the list of its k rows.
 */
function asList(v: unknown): unknown {
  if (isTypedArray(v)) return copyRow(v);
  if (isNDArray(v) && v.shape.length > 1 && isTypedArray(v.data)) return splitRows(v.data, v.shape[0]!, v.shape.slice(1), v.dtype);
  return v;
}

/**
 * `count` rows of `rowShape` each, from their values one after another: one `{ data, shape, dtype }` per row, as
 * numpy gives a row of a multi-dimensional column and as addRow takes it back. A typed array's rows are views of it
 * (no copy); a list's are slices.
 */
function splitRows(values: ArrayLike<unknown>, count: number, rowShape: readonly number[], dtype: string): { data: ArrayLike<unknown>; shape: number[]; dtype: string }[] {
  const per = product(rowShape);
  const rows = new Array<{ data: ArrayLike<unknown>; shape: number[]; dtype: string }>(count);
  for (let r = 0; r < count; r++) {
    const data = isTypedArray(values) ? values.subarray(r * per, (r + 1) * per) : Array.prototype.slice.call(values, r * per, (r + 1) * per);
    rows[r] = { data, shape: [...rowShape], dtype };
  }
  return rows;
}

/** An index's ends in the smallest unsigned dtype that holds them, as pynwb picks it. */
function indexData(ends: number[]): VectorData["data"] {
  const last = ends[ends.length - 1] ?? 0;
  const dtype = last < 256 ? "uint8" : last < 65536 ? "uint16" : last < 2 ** 32 ? "uint32" : "uint64";
  return new InMemoryArray(toTypedArray(ends, dtype), [ends.length], dtype);
}

/** Rows copied by `addRow` are carved from blocks this big (one allocation per block, not one per row). */
const BLOCK_BYTES = 1 << 20;
let block: { buffer: ArrayBuffer; used: number } | undefined;

/**
 * A copy of a typed-array row, in a shared block when it is small (10,000 units' spike times: 80 allocations rather
 * than 10,000). The copies live only until the rows are made into their columns, and their blocks with them.
 */
function copyRow(v: TypedArray): TypedArray {
  const size = v.BYTES_PER_ELEMENT;
  if (v.byteLength > BLOCK_BYTES / 8) return v.slice();
  let at = block === undefined ? BLOCK_BYTES : Math.ceil(block.used / size) * size;
  if (block === undefined || at + v.byteLength > BLOCK_BYTES) {
    block = { buffer: new ArrayBuffer(BLOCK_BYTES), used: 0 };
    at = 0;
  }
  const copy = new (v.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => TypedArray)(block.buffer, at, v.length);
  copy.set(v as never);
  block.used = at + v.byteLength;
  return copy;
}

/** The first values a column's rows give (to fix its kind and shape when nothing else does), found once. */
interface Siblings {
  first: unknown;
  shape: number[] | undefined;
}

/** A ragged column's row: a list or a typed array. */
function isList(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || isTypedArray(v);
}

/** The first value of a column's rows (of their lists, when ragged), without a list of every value. */
function firstCell(rows: readonly unknown[], ragged: boolean): unknown {
  if (!ragged) return rows[0];
  for (const r of rows) if (isList(r) && r.length > 0) return r[0];
  return undefined;
}

/** Ragged rows (lists and typed arrays) as one list of their values. */
function flatRows(rows: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const r of rows) for (let k = 0; k < (r as ArrayLike<unknown>).length; k++) out.push((r as ArrayLike<unknown>)[k]);
  return out;
}

/** The index column over `column` among `columns`, if it is ragged. */
function indexIn(columns: Map<string, VectorData>, column: VectorData): VectorData | undefined {
  for (const c of columns.values()) {
    if ((c as unknown as { target?: unknown }).target === column && c.isA("VectorIndex")) return c;
  }
  return undefined;
}

/**
 * A numeric column's data with `rows` appended, made as the general path ({@link columnData} over every value, then
 * {@link keepDType}) makes it, but concatenated at once into one typed array: the schema's dtype (float32 as float64,
 * as for any list of JS numbers), else int64 when every value is an integer, else float64, each value converted
 * exactly. Undefined, for the general path to take (and to give its errors), when the data is not 1-D numbers in
 * memory (64-bit integers, whose values a JS number may not hold, included), a new value is not a number (ragged: a
 * row not a list of numbers or a typed array of them), or a value does not fit.
 */
function appendedNumbers(before: VectorData["data"], rows: readonly unknown[], ragged: boolean, schema: Dtype | undefined): InMemoryArray | undefined {
  if (!(before instanceof InMemoryArray) || before.shape.length !== 1) return undefined;
  const stored = before.shape[0] ?? 0;
  if (stored > 0 && (!isNumericDType(before.dtype) || before.data instanceof BigInt64Array || before.data instanceof BigUint64Array)) return undefined;
  if (schema !== undefined && schemaNumericDType(schema) === undefined) return undefined;
  let total = stored;
  // Whether the values stored are all integers matters only for a column stored narrower than float64 (int64 made
  // here may not go back into float32): a float64 column is not scanned again at each flush, it stays float64.
  let integers = stored === 0 || before.dtype.includes("int") || (before.dtype !== "float64" && Array.prototype.every.call(before.data, (x) => Number.isInteger(x)));
  const isInteger = Number.isInteger;
  for (const r of rows) {
    if (!ragged) {
      if (typeof r !== "number") return undefined;
      if (integers && !isInteger(r)) integers = false;
      total += 1;
    } else if (isTypedArray(r)) {
      if (r instanceof BigInt64Array || r instanceof BigUint64Array) return undefined;
      if (integers && (r instanceof Float32Array || r instanceof Float64Array) && !(r as Float64Array).every((x) => isInteger(x))) integers = false;
      total += r.length;
    } else if (Array.isArray(r)) {
      for (const x of r) {
        if (typeof x !== "number") return undefined;
        if (integers && !isInteger(x)) integers = false;
      }
      total += r.length;
    } else return undefined;
  }
  const fixed = schemaNumericDType(schema);
  const dtype: NumericDType = fixed === undefined ? (integers ? "int64" : "float64") : fixed === "float32" ? "float64" : fixed;
  try {
    const out = allocate(dtype, total);
    if (stored > 0) copyExactly(before.data as TypedArray, out, 0, dtype);
    if (!ragged) copyExactly(rows as number[], out, stored, dtype);
    else {
      let at = stored;
      for (const r of rows) {
        copyExactly(r as ArrayLike<number>, out, at, dtype);
        at += (r as ArrayLike<number>).length;
      }
    }
    return new InMemoryArray(out, [total], dtype);
  } catch (e) {
    if (e instanceof DTypeRangeError) return undefined;
    throw e;
  }
}

function isColumn(v: unknown): v is VectorData {
  return typeof v === "object" && v !== null && typeof (v as VectorData).isA === "function" && (v as VectorData).isA("VectorData");
}
