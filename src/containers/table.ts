/**
 * The hand-written DynamicTable (and so every table type: TimeIntervals, Units, PlaneSegmentation, the electrodes
 * table, extension tables): reading a table as pynwb users do, column by column or row by row. A column's values
 * come back as the rows hold them: numbers, strings, booleans, one array per row for ragged columns (through their
 * `_index` columns, at any depth) and multi-dimensional ones, the referenced objects themselves for reference
 * columns, row indices for region columns, and compound rows with their references resolved.
 */
import type { AbstractContainer } from "./container.js";
import { DynamicTableBase, type DynamicTableOptions } from "../generated/hdmf-common/DynamicTable.js";
import type { VectorData } from "../generated/hdmf-common/VectorData.js";
import { product } from "../data/ndarray.js";
import type { ArrayValues, CompoundMemberType, CompoundRow } from "../data/lazy.js";
import { NotFoundError } from "../errors.js";

export type { DynamicTableOptions };

/** A cell's value: a number, a string, a boolean, an object, a compound row, or an array of them (ragged rows). */
export type Cell = unknown;

export class DynamicTable extends DynamicTableBase {
  /** The number of rows. */
  get length(): number {
    return this.id.data.shape[0] ?? 0;
  }

  /** Every column, named members and `columns` alike, `_index` columns included, by name. */
  get allColumns(): Map<string, VectorData> {
    const out = new Map<string, VectorData>();
    const values = this as unknown as Record<string, unknown>;
    for (const f of this.layout.fields) {
      const v = values[f.key];
      if (f.kind === "child" && isColumn(v)) out.set(v.name, v);
    }
    for (const [name, column] of this.columns) out.set(name, column);
    return out;
  }

  /** The column `name` (a VectorData; a region column is a DynamicTableRegion). */
  getColumn(name: string): VectorData {
    const column = this.allColumns.get(name);
    if (!column) throw new NotFoundError(name, `${this.describe()} has no column '${name}' (it has: ${this.colnames.join(", ")})`);
    return column;
  }

  /** The values of column `name` row by row, for all rows or rows `[start, stop)`; reads only those rows. */
  async readColumn(name: string, rows?: [number, number]): Promise<Cell[]> {
    const [start, stop] = rows ?? [0, this.length];
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > this.length || start > stop) {
      throw new RangeError(`${this.describe()}: rows [${start}, ${stop}) are out of [0, ${this.length})`);
    }
    // The table's rows are those of the outermost index over the column (`x_index_index` over `x_index` over `x`).
    let top = this.getColumn(name);
    for (let up = this.indexOf(top); up; up = this.indexOf(top)) top = up;
    return top.isA("VectorIndex") ? this.grouped(top, start, stop) : this.cells(top, start, stop);
  }

  /** Row `i` as a record by column name, with its `id`. */
  async readRow(i: number): Promise<Record<string, Cell>> {
    const record: Record<string, Cell> = { id: Number(((await this.id.data.read([[i, i + 1]])) as ArrayLike<number | bigint>)[0]) };
    for (const name of this.colnames) record[name] = (await this.readColumn(name, [i, i + 1]))[0];
    return record;
  }

  /** Every row as a record. */
  async toRecords(): Promise<Record<string, Cell>[]> {
    const ids = Array.from((await this.id.data.read()) as ArrayLike<number | bigint>, Number);
    const columns = await Promise.all(this.colnames.map(async (name) => [name, await this.readColumn(name)] as const));
    return ids.map((id, i) => Object.fromEntries([["id", id], ...columns.map(([name, values]) => [name, values[i]])]));
  }

  /** The index column over `column` (`<name>_index`), if it is ragged. */
  private indexOf(column: VectorData): VectorData | undefined {
    for (const c of this.allColumns.values()) {
      if (c.isA("VectorIndex") && (c as unknown as { target?: unknown }).target === column) return c;
    }
    return undefined;
  }

  /** Rows `[start, stop)` of an index: for each, the elements of its target it spans, expanded down to the data. */
  private async grouped(index: VectorData, start: number, stop: number): Promise<Cell[]> {
    const ends = (await this.cells(index, start, stop)).map(Number);
    const first = start === 0 ? 0 : Number((await this.cells(index, start - 1, start))[0]);
    const target = (index as unknown as { target: VectorData }).target;
    const last = ends[ends.length - 1] ?? first;
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
      return (values as CompoundRow[]).map((row) => ({ ...row, ...Object.fromEntries(refs.map((r) => [r, typeof row[r] === "string" ? this.objectAt(row[r] as string) : row[r]])) }));
    }
    const list = ArrayBuffer.isView(values) ? values : (values as unknown[]);
    const plain = (v: unknown) => (typeof v === "bigint" ? Number(v) : v);
    if (perRow === 1 && data.shape.length <= 1) return Array.from(list as ArrayLike<unknown>, plain);
    // A multi-dimensional column: one sub-array (C order) per row.
    const out: Cell[] = [];
    for (let r = 0; r < stop - start; r++) {
      out.push(ArrayBuffer.isView(list) ? (list as Uint8Array).subarray(r * perRow, (r + 1) * perRow) : (list as unknown[]).slice(r * perRow, (r + 1) * perRow));
    }
    return out;
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

/** The objects of a file read, by path, made once per file for reference columns. */
const pathIndex = new WeakMap<AbstractContainer, Map<string, AbstractContainer>>();

function isColumn(v: unknown): v is VectorData {
  return typeof v === "object" && v !== null && typeof (v as VectorData).isA === "function" && (v as VectorData).isA("VectorData");
}
