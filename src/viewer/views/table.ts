/**
 * Any DynamicTable as a grid that holds in the page only the rows in sight: extract reads rows `[start, end)` of
 * every column (ids first) as text, in the table's order or sorted by a column; render keeps a scroll area as tall
 * as all the rows and fills in the rows visible (a few more above and below), asking for them block by block as the
 * user scrolls; 100,000 rows scroll as 100 do.
 */
import type { AbstractContainer, DynamicTable } from "../../browser.js";
import { cellText } from "./cells.js";
import type { ViewContext, ViewHandle, ViewModule, ViewRequest } from "./view.js";

/** Rows `[start, end)` of a table (in the order asked for), as text. */
export interface TableRows {
  kind: "table";
  /** All rows of the table. */
  rows: number;
  /** "id" then the table's columns. */
  columns: string[];
  start: number;
  end: number;
  /** Row by row, a text per column. */
  cells: string[][];
  /** The table's row of each row given (its index, not its id): differs from `start + k` when sorted. */
  index: number[];
  /** The column sorted by, and whether descending (none: the table's order). */
  sort?: string;
  descending?: boolean;
}

/** The order of a table's rows by one column (numbers by value, others by their text), kept per table and column. */
const orders = new WeakMap<object, Map<string, Uint32Array>>();

async function orderBy(table: DynamicTable, column: string): Promise<Uint32Array> {
  const known = orders.get(table) ?? new Map<string, Uint32Array>();
  orders.set(table, known);
  const cached = known.get(column);
  if (cached) return cached;
  const values: unknown[] = column === "id" ? Array.from((await table.id.data.read()) as ArrayLike<number | bigint>) : await table.readColumn(column);
  const numeric = values.every((v) => typeof v === "number" || typeof v === "bigint");
  const keys = numeric ? values.map(Number) : values.map((v) => cellText(v));
  const order = Uint32Array.from({ length: values.length }, (_, i) => i);
  // A stable sort: equal values keep the table's order.
  order.sort((a, b) => {
    const x = keys[a]!, y = keys[b]!;
    return (x < y ? -1 : x > y ? 1 : 0) || a - b;
  });
  known.set(column, order);
  return order;
}

/** At most this many rows per request. */
const MAX_ROWS = 1000;
/** Rows are asked for in blocks of this many. */
const BLOCK = 100;
/** A row's height, in CSS pixels. */
const ROW = 22;

/** Rows `request.start` to `request.end` (default: the first block) of a table. */
export async function extractRows(obj: AbstractContainer, request: ViewRequest): Promise<TableRows> {
  const table = obj as DynamicTable;
  const rows = table.length;
  const start = Math.max(0, Math.min(rows, Math.floor(Number(request.start ?? 0))));
  const end = Math.max(start, Math.min(rows, start + MAX_ROWS, Math.floor(Number(request.end ?? start + BLOCK))));
  const names = [...table.colnames];
  const sort = typeof request.sort === "string" && (request.sort === "id" || names.includes(request.sort)) ? request.sort : undefined;
  const descending = sort !== undefined && request.descending === true;
  if (sort === undefined) {
    // The table's order: one read of the range per column.
    const ids = end > start && table.id ? Array.from((await table.id.data.read([[start, end]])) as ArrayLike<number | bigint>, (v) => String(v)) : [];
    const columns = await Promise.all(names.map(async (name) => (end > start ? table.readColumn(name, [start, end]) : [])));
    const cells = Array.from({ length: end - start }, (_, r) => [ids[r] ?? String(start + r), ...columns.map((c) => cellText(c[r]))]);
    return { kind: "table", rows, columns: ["id", ...names], start, end, cells, index: Array.from({ length: end - start }, (_, r) => start + r) };
  }
  // Sorted: the rows at those places of the order, each read by itself.
  const order = await orderBy(table, sort);
  const index = Array.from({ length: end - start }, (_, k) => order[descending ? rows - 1 - (start + k) : start + k]!);
  const cells: string[][] = [];
  for (const r of index) {
    const id = String(((await table.id.data.read([[r, r + 1]])) as ArrayLike<number | bigint>)[0]);
    const row = await Promise.all(names.map(async (name) => cellText((await table.readColumn(name, [r, r + 1]))[0])));
    cells.push([id, ...row]);
  }
  return { kind: "table", rows, columns: ["id", ...names], start, end, cells, index, sort, descending };
}

/**
 * The grid: a header (a click on a column sorts by it), and a scroll area as tall as every row whose visible rows are
 * drawn (absolutely placed), from blocks asked of `fetch` and kept. `onRow` is called with the table's index of a
 * row clicked.
 */
export function tableGrid(element: HTMLElement, first: TableRows, fetch: (start: number, end: number, sort?: { column: string; descending: boolean }) => Promise<TableRows>, onRow?: (row: number) => void): ViewHandle {
  let sort: { column: string; descending: boolean } | undefined;
  const grid = document.createElement("div");
  grid.className = "grid";
  const header = document.createElement("div");
  header.className = "grid-header";
  const width = 140;
  // A click on a column's name sorts by it (ascending, then descending, then the table's order again).
  for (const name of first.columns) {
    const cell = Object.assign(document.createElement("span"), { textContent: name, title: `${name}: click to sort` });
    cell.dataset.column = name;
    cell.style.width = `${width}px`;
    cell.style.cursor = "pointer";
    cell.addEventListener("click", () => {
      sort = sort?.column !== name ? { column: name, descending: false } : !sort.descending ? { column: name, descending: true } : undefined;
      for (const other of header.children) (other as HTMLElement).textContent = (other as HTMLElement).dataset.column!;
      if (sort) cell.textContent = `${name} ${sort.descending ? "▼" : "▲"}`;
      grid.dataset.sort = sort ? `${sort.column} ${sort.descending ? "descending" : "ascending"}` : "";
      blocks.clear();
      pending.clear();
      generation++;
      draw();
    });
    header.append(cell);
  }
  const scroller = document.createElement("div");
  scroller.className = "grid-body";
  scroller.style.cssText = `position:relative;overflow:auto;height:${Math.min(480, Math.max(3, first.rows) * ROW + 2)}px`;
  const spacer = document.createElement("div");
  spacer.style.cssText = `height:${first.rows * ROW}px;width:${first.columns.length * width}px;position:relative`;
  scroller.append(spacer);
  const caption = Object.assign(document.createElement("div"), { className: "grid-caption", textContent: `${first.rows} rows, ${first.columns.length - 1} columns` });
  grid.append(caption, header, scroller);
  element.append(grid);
  scroller.addEventListener("scroll", () => (header.scrollLeft = scroller.scrollLeft));
  header.style.overflow = "hidden";

  /** Blocks of rows in the current order: their cells, and each row's index in the table. */
  const blocks = new Map<number, { cells: string[][]; index: number[] }>();
  const pending = new Map<number, Promise<void>>();
  /** Counts the orders asked for: an answer for an order no longer shown is dropped. */
  let generation = 0;
  const keep = (data: TableRows) => {
    for (let b = Math.floor(data.start / BLOCK); b * BLOCK < data.end; b++) {
      const from = b * BLOCK;
      if (from >= data.start && Math.min(from + BLOCK, data.rows) <= data.end) {
        blocks.set(b, { cells: data.cells.slice(from - data.start, from - data.start + BLOCK), index: data.index.slice(from - data.start, from - data.start + BLOCK) });
      }
    }
  };
  keep(first);
  const load = (b: number) => {
    if (blocks.has(b) || pending.has(b)) return;
    const asked = generation;
    pending.set(b, fetch(b * BLOCK, Math.min(first.rows, (b + 1) * BLOCK), sort).then((data) => {
      if (asked !== generation) return;
      keep(data);
      pending.delete(b);
      draw();
    }));
  };
  const draw = () => {
    const top = Math.floor(scroller.scrollTop / ROW);
    const count = Math.ceil(scroller.clientHeight / ROW) + 1;
    const from = Math.max(0, top - 10);
    const to = Math.min(first.rows, top + count + 10);
    const rows: HTMLElement[] = [];
    for (let r = from; r < to; r++) {
      const block = blocks.get(Math.floor(r / BLOCK));
      if (!block) {
        load(Math.floor(r / BLOCK));
        continue;
      }
      const row = document.createElement("div");
      row.className = "grid-row";
      row.dataset.row = String(r);
      const index = block.index[r % BLOCK]!;
      row.dataset.index = String(index);
      row.style.cssText = `position:absolute;top:${r * ROW}px;height:${ROW}px;left:0`;
      for (const text of block.cells[r % BLOCK] ?? []) {
        const cell = Object.assign(document.createElement("span"), { textContent: text, title: text });
        cell.style.width = `${width}px`;
        row.append(cell);
      }
      if (onRow) row.addEventListener("click", () => onRow(index));
      rows.push(row);
    }
    spacer.replaceChildren(...rows);
    grid.dataset.from = String(from);
    grid.dataset.to = String(to);
    grid.dataset.shown = String(rows.length);
    grid.dataset.draws = String(Number(grid.dataset.draws ?? 0) + 1);
  };
  let frame = 0;
  scroller.addEventListener("scroll", () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(draw);
  });
  draw();
  return { dispose: () => cancelAnimationFrame(frame) };
}

export const tableView: ViewModule<TableRows> = {
  name: "table",
  types: ["DynamicTable"],
  extract: (obj, request) => extractRows(obj, request),
  render: (element: HTMLElement, data: TableRows, context: ViewContext<TableRows>) =>
    tableGrid(element, data, (start, end, sort) => context.request({ start, end, ...(sort ? { sort: sort.column, descending: sort.descending } : {}) })),
};
