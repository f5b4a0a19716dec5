/**
 * The hand-written AlignedDynamicTable (hdmf's): a table whose rows continue in category tables (an
 * IntracellularRecordingsTable's `electrodes`, `stimuli` and `responses`). A row is added to the table and to every
 * category at once, and read back with each category's values under its name.
 */
import { AlignedDynamicTableBase, type AlignedDynamicTableOptions } from "../generated/hdmf-common/AlignedDynamicTable.js";
import { type Cell, type ColumnOptions, DynamicTable } from "./table.js";
import type { VectorData } from "../generated/hdmf-common/VectorData.js";
import { NotFoundError } from "../errors.js";

export type { AlignedDynamicTableOptions };

/** A row of an aligned table: its own columns' values, and per category (by name) that category's values. */
export type AlignedRow = Record<string, unknown>;

/** A table whose rows are aligned with those of category tables (hdmf's AlignedDynamicTable): `addRow` fills all. */
export class AlignedDynamicTable extends AlignedDynamicTableBase {
  /** The category tables, in `categories` order: those the type names (electrodes, stimuli...) and those added. */
  get categoryTables(): DynamicTable[] {
    const named = this.layout.fields
      .filter((f) => f.kind === "child")
      .map((f) => (this as unknown as Record<string, unknown>)[f.key])
      .filter((v): v is DynamicTable => v instanceof DynamicTable && !v.isA("VectorData"));
    const all = [...named, ...this.dynamic_tables.values()];
    const order = this.categories ?? [];
    return [...all].sort((a, b) => rank(order, a.name) - rank(order, b.name));
  }

  /** The category table `name` (hdmf's `get_category`). */
  getCategory(name: string): DynamicTable {
    const found = this.categoryTables.find((t) => t.name === name);
    if (!found) throw new NotFoundError(name, `${this.describe()} has no category '${name}' (it has: ${this.categoryTables.map((t) => t.name).join(", ") || "none"})`);
    return found;
  }

  /** Adds a category table with as many rows as this table (hdmf's `add_category`). */
  addCategory(category: DynamicTable): this {
    if (!(category instanceof DynamicTable)) this.fail("dynamic_tables", "a DynamicTable", category);
    if (category.length !== this.length) this.fail(category.name, `a category table of this table's ${this.length} rows`, `${category.length} rows`);
    if (this.categoryTables.some((t) => t.name === category.name)) this.fail(category.name, "a category name the table does not have yet");
    this.addDynamicTables(category);
    this.categories = [...(this.categories ?? []), category.name];
    return this;
  }

  /**
   * Adds a column to the table itself, or with `category` to that category table (hdmf's `add_column(...,
   * category=...)`).
   */
  override addColumn(opts: ColumnOptions & { category?: string }): VectorData {
    const { category, ...column } = opts ?? ({} as ColumnOptions);
    return category === undefined ? super.addColumn(column) : this.getCategory(category).addColumn(column);
  }

  /**
   * Adds a row (hdmf's `add_row`): the table's own columns from `values`, and each category's from the record given
   * under its name (`{ electrodes: { electrode }, stimuli: { stimulus }, ... }`). Every category gets the row, so
   * they stay aligned; a value refused anywhere leaves every table as it was.
   */
  override addRow(values: AlignedRow, opts: { id?: number } = {}): this {
    const categories = this.categoryTables;
    const own: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(values)) if (!categories.some((t) => t.name === key)) own[key] = v;
    // A category not given may have had its row added on its own already (one row ahead of this table).
    const filled = (table: DynamicTable) => values[table.name] === undefined && table.length === this.length + 1;
    for (const table of categories) {
      const given = values[table.name];
      if (filled(table)) continue;
      if (given === undefined || given === null || typeof given !== "object" || Array.isArray(given)) {
        this.fail(table.name, `the values of category '${table.name}' as a record (its columns: ${table.colnames.join(", ")}), or its row added to it first`, given);
      }
    }
    // Own columns first (checked whole by DynamicTable), then the categories; a category that refuses its values
    // undoes the rows added before it.
    const undo: DynamicTable[] = [];
    try {
      super.addRow(own, opts);
      undo.push(this);
      for (const table of categories) {
        if (values[table.name] === undefined) continue;
        table.addRow(values[table.name] as Record<string, unknown>, opts.id === undefined ? {} : { id: opts.id });
        undo.push(table);
      }
    } catch (e) {
      for (const table of undo) table.dropLastAddedRow();
      throw e;
    }
    return this;
  }

  /** Row `i` with each category's values under its name (`row.stimuli.stimulus`). */
  override async readRow(i: number): Promise<Record<string, Cell>> {
    const row = await super.readRow(i);
    for (const table of this.categoryTables) {
      const { id: _id, ...cells } = await table.readRow(i);
      row[table.name] = cells;
    }
    return row;
  }

  /** Every row, each with its categories' values under their names. */
  override async toRecords(): Promise<Record<string, Cell>[]> {
    const rows = await super.toRecords();
    for (const table of this.categoryTables) {
      const records = await table.toRecords();
      for (const [i, row] of rows.entries()) {
        const { id: _id, ...cells } = records[i] ?? {};
        row[table.name] = cells;
      }
    }
    return rows;
  }
}

function rank(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}
