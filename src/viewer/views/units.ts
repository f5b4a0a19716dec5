/**
 * Units as a spike raster with their table beside it: one raster row per unit in view, a tick per spike within the
 * time window; the table lists each unit's id and columns, sorts by a column, and a selected unit is highlighted in
 * both. Only the units in view are read: their rows of `spike_times_index`, then their span of `spike_times` (a
 * recording of thousands of units and millions of spikes reads the few dozen units shown). Zoom and pan of the
 * window, and paging through units, ask the reading side again.
 */
import type { AbstractContainer, DynamicTable, NWBFile } from "../../browser.js";
import type { LazyArray } from "../../data/lazy.js";
import type { ViewContext, ViewHandle, ViewModule, ViewRequest } from "./view.js";
import { LinearScale, bisectLeft, bisectRight, cellText, drawAxis, htmlEl, readFloat64, requestInto, svgEl, timeCursor } from "./draw.js";

/** How many units a page shows by default. */
export const UNITS_PER_PAGE = 40;

/**
 * The units in view are read whole when they have at most this many spikes in all (16 MB of times); past it, only
 * the window's spikes are read (`spikeBudget` in the request sets another budget).
 */
export const SPIKE_BUDGET = 2_000_000;
/** Past the budget, units of at most this many spikes are still read whole (a read costs more than a few kB). */
const SMALL_UNIT = 4096;

/** Ragged cells of at most this many values on average are shown; longer ones (waveforms) by their length. */
const SHORT_LIST = 8;

/** What the raster and table draw. */
export interface UnitsData {
  /** The number of units (rows) of the table. */
  total: number;
  /** The units shown are `[start, end)` of the table in display order (sorted, when `sort` is set). */
  start: number;
  end: number;
  /** The column the units are ordered by, if any (`"id"` or a column of scalars), and whether descending. */
  sort?: string;
  descending: boolean;
  /** The table row of each unit shown, in display order. */
  rows: number[];
  /** Their ids. */
  ids: number[];
  /**
   * The columns shown beside the raster (every column but spike_times), and each unit's cells as text (a ragged
   * column's as its length, `[n items]`, a column of arrays as their shape).
   */
  columns: string[];
  cells: string[][];
  /** The columns a sort can use (`id` and columns of one scalar per unit). */
  sortable: string[];
  /** The time window drawn, in seconds. */
  t0: number;
  t1: number;
  /** The span of the spikes of the units shown (the window a reset goes back to). */
  range: [number, number];
  /** Per unit shown, its spike times within `[t0, t1]`. */
  spikes: Float64Array[];
  /** Per unit shown, its number of spikes in all. */
  counts: number[];
}


/** Consecutive runs `[start, stop)` of row indices (in the order given; a run is rows rising by one). */
function runsOf(rows: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const r of rows) {
    const last = runs[runs.length - 1];
    if (last && last[1] === r) last[1] = r + 1;
    else runs.push([r, r + 1]);
  }
  return runs;
}

/** Values of `rows` of a table, read run by run (a contiguous page is one read). */
async function readRows<T>(rows: readonly number[], readRange: (start: number, stop: number) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const [a, b] of runsOf(rows)) out.push(...(await readRange(a, b)));
  return out;
}

/** The spans `[from, to)` of spike_times of each of `rows` (table rows), from their rows of the index (one read per run of rows). */
async function spikeSpans(table: DynamicTable, rows: readonly number[]): Promise<[number, number][]> {
  const index = table.getColumn("spike_times_index").data;
  const spans: [number, number][] = [];
  for (const [a, b] of runsOf(rows)) {
    const ends = await readFloat64(index, [[Math.max(0, a - 1), b]], "spike_times_index");
    const bounds = a === 0 ? [0, ...ends] : Array.from(ends);
    for (let k = 0; k < b - a; k++) spans.push([bounds[k]!, bounds[k + 1]!]);
  }
  return spans;
}

/** Whole spans of spike_times, one read per run of consecutive spans (a page of units in table order is one read). */
async function readSpans(data: LazyArray, spans: readonly [number, number][]): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  let k = 0;
  while (k < spans.length) {
    let end = k + 1;
    while (end < spans.length && spans[end]![0] === spans[end - 1]![1]) end++;
    const first = spans[k]![0];
    const last = spans[end - 1]![1];
    const times = last > first ? await readFloat64(data, [[first, last]], "spike_times") : new Float64Array(0);
    for (let j = k; j < end; j++) out.push(times.subarray(spans[j]![0] - first, spans[j]![1] - first));
    k = end;
  }
  return out;
}

/** The first element of spike_times in `[from, to)` not below `t` (`above`: above `t`), by bisection, reading one element a step. */
async function bisectStored(data: LazyArray, from: number, to: number, t: number, above: boolean): Promise<number> {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = (await readFloat64(data, [[mid, mid + 1]], "spike_times"))[0]!;
    if (v < t || (above && v === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The spikes of the units in view within the window, and their span in time. When all their spikes fit the budget
 * they are read whole (one read per run of units). Past it, only the window's: a unit of many spikes is bisected
 * on the stored times for the window's ends (a few single-element reads), then that slice read; and without a
 * window asked for, the window is the start of the units' span, as long as the budget's share of it.
 */
async function windowSpikes(table: DynamicTable, rows: readonly number[], request: ViewRequest): Promise<{ spikes: Float64Array[]; counts: number[]; range: [number, number]; t0: number; t1: number }> {
  const data = table.getColumn("spike_times").data;
  const spans = await spikeSpans(table, rows);
  const counts = spans.map(([a, b]) => b - a);
  const total = counts.reduce((x, y) => x + y, 0);
  const budget = typeof request.spikeBudget === "number" && request.spikeBudget > 0 ? request.spikeBudget : SPIKE_BUDGET;
  const whole = total <= budget ? await readSpans(data, spans) : undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const [k, [a, b]] of spans.entries()) {
    if (b <= a) continue;
    const [first, last] = whole ? [whole[k]![0]!, whole[k]![b - a - 1]!] : [
      (await readFloat64(data, [[a, a + 1]], "spike_times"))[0]!, (await readFloat64(data, [[b - 1, b]], "spike_times"))[0]!,
    ];
    lo = Math.min(lo, first);
    hi = Math.max(hi, last);
  }
  const range: [number, number] = Number.isFinite(lo) ? [lo, hi > lo ? hi : lo + 1] : [0, 1];
  const t0 = typeof request.t0 === "number" ? request.t0 : range[0];
  const share = whole ? 1 : budget / total;
  const t1 = typeof request.t1 === "number" && request.t1 > t0 ? request.t1 : Math.max(t0 + (range[1] - range[0]) * share, t0 + 1e-6);
  // Spike times are sorted within a unit: the window's spikes are one slice of each (copied: a view would carry
  // the whole read's buffer through structuredClone).
  const spikes: Float64Array[] = [];
  for (const [k, [a, b]] of spans.entries()) {
    if (whole) {
      const times = whole[k]!;
      spikes.push(times.slice(bisectLeft(times, t0), bisectRight(times, t1)));
    } else if (b - a <= SMALL_UNIT) {
      const times = await readFloat64(data, [[a, b]], "spike_times");
      spikes.push(times.slice(bisectLeft(times, t0), bisectRight(times, t1)));
    } else {
      const from = await bisectStored(data, a, b, t0, false);
      const to = await bisectStored(data, from, b, t1, true);
      spikes.push(to > from ? await readFloat64(data, [[from, to]], "spike_times") : new Float64Array(0));
    }
  }
  return { spikes, counts, range, t0, t1 };
}

/** Whether a column holds one scalar per unit (not ragged, not an array per row): those can be sorted by. */
function isScalarColumn(table: DynamicTable, name: string): boolean {
  if (table.allColumns.has(`${name}_index`)) return false;
  const data = table.getColumn(name).data;
  return data.shape.length === 1 && data.dtype !== "reference" && data.dtype !== "compound";
}

/**
 * Rows `[a, b)` of a column as text for the table. Scalars are read; a ragged column (waveforms, obs_intervals) is
 * summarised by its length per row from its index alone, and a column of arrays per row (waveform_mean) by its
 * shape: a page of units never reads their waveforms.
 */
async function cellsOf(table: DynamicTable, name: string, a: number, b: number): Promise<string[]> {
  if (table.allColumns.has(`${name}_index`)) {
    // The rows' index: the outer one of a doubly ragged column (waveforms: per unit, per spike).
    const nested = table.allColumns.has(`${name}_index_index`);
    const index = table.getColumn(nested ? `${name}_index_index` : `${name}_index`).data;
    const ends = await readFloat64(index, [[Math.max(0, a - 1), b]], `${name}_index`);
    const bounds = a === 0 ? [0, ...ends] : Array.from(ends);
    // Short lists of plain values (a unit's electrodes) are shown; long or nested ones by their length.
    const target = table.getColumn(name).data;
    const short = bounds[bounds.length - 1]! - bounds[0]! <= SHORT_LIST * (b - a);
    if (short && target.shape.length === 1 && !nested) return (await table.readColumn(name, [a, b])).map(cellText);
    return Array.from({ length: b - a }, (_, k) => `[${bounds[k + 1]! - bounds[k]!} items]`);
  }
  const shape = table.getColumn(name).data.shape;
  if (shape.length > 1) return new Array<string>(b - a).fill(`[${shape.slice(1).join("×")}]`);
  return (await table.readColumn(name, [a, b])).map(cellText);
}

/** Display orders worked out, per table and sort: paging through sorted units reads the sort column once. */
const orders = new WeakMap<object, Map<string, Promise<number[]>>>();

/** The display order of the table's rows, sorted by `sort` (a stable sort; ties keep the table's order). */
function orderOf(table: DynamicTable, sort: string | undefined, descending: boolean): Promise<number[]> {
  const n = table.length;
  if (sort === undefined) {
    const natural = Array.from({ length: n }, (_, i) => i);
    return Promise.resolve(descending ? natural.reverse() : natural);
  }
  const key = `${descending ? "-" : "+"}${sort}`;
  const known = orders.get(table) ?? new Map<string, Promise<number[]>>();
  orders.set(table, known);
  let order = known.get(key);
  if (!order) {
    order = sortedOrder(table, sort, descending);
    known.set(key, order);
    order.catch(() => known.delete(key));
  }
  return order;
}

async function sortedOrder(table: DynamicTable, sort: string, descending: boolean): Promise<number[]> {
  const natural = Array.from({ length: table.length }, (_, i) => i);
  const values: unknown[] = sort === "id" ? Array.from((await table.id!.data.read()) as ArrayLike<unknown>, (v) => Number(v)) : await table.readColumn(sort);
  const key = (v: unknown): number | string => (typeof v === "number" || typeof v === "string" ? v : typeof v === "boolean" ? Number(v) : String(v));
  natural.sort((a, b) => {
    const ka = key(values[a]);
    const kb = key(values[b]);
    const c = ka < kb ? -1 : ka > kb ? 1 : 0;
    return descending ? -c : c;
  });
  return natural;
}

async function extract(obj: AbstractContainer, request: ViewRequest, _file: NWBFile): Promise<UnitsData> {
  const table = obj as DynamicTable;
  await table.loadStoredRows();
  table.flushRows();
  if (!table.colnames.includes("spike_times")) table.fail("spike_times", "a spike_times column to draw a raster of");
  const total = table.length;
  const columns = table.colnames.filter((c) => c !== "spike_times");
  const sortable = ["id", ...columns.filter((c) => isScalarColumn(table, c))];
  const sort = typeof request.sort === "string" ? request.sort : undefined;
  if (sort !== undefined && !sortable.includes(sort)) table.fail("sort", `a column of one value per unit (${sortable.join(", ")})`, sort);
  const descending = request.descending === true;
  const start = Math.max(0, Math.min(total, Math.trunc(request.start ?? 0)));
  const end = Math.max(start, Math.min(total, Math.trunc(request.end ?? start + UNITS_PER_PAGE)));
  const rows = (await orderOf(table, sort, descending)).slice(start, end);
  const ids = await readRows(rows, async (a, b) => Array.from(await readFloat64(table.id!.data, [[a, b]], "id")));
  const byColumn = await Promise.all(columns.map((c) => readRows(rows, (a, b) => cellsOf(table, c, a, b))));
  const cells = rows.map((_, i) => byColumn.map((col) => col[i]!));
  const { spikes, counts, range, t0, t1 } = await windowSpikes(table, rows, request);
  return { total, start, end, sort, descending, rows, ids, columns, cells, sortable, t0, t1, range, spikes, counts };
}

/** Size of the raster. */
const WIDTH = 640;
const LEFT = 50;
const RIGHT = 10;
const TOP = 6;
const ROW = 14;

function render(element: HTMLElement, first: UnitsData, context: ViewContext<UnitsData>): ViewHandle {
  element.classList.add("units-view");
  let data = first;
  let selected: number | undefined; // table row of the selected unit
  let cursor: ReturnType<typeof timeCursor> | undefined;
  let disposed = false;

  const ask = async (changes: ViewRequest): Promise<void> => {
    const request: ViewRequest = { start: data.start, end: data.end, sort: data.sort, descending: data.descending, t0: data.t0, t1: data.t1, ...changes };
    await requestInto(element, () => context.request(request), (next) => {
      if (disposed) return;
      data = next;
      draw();
    });
  };
  const zoom = (factor: number, centre = (data.t0 + data.t1) / 2): Promise<void> =>
    ask({ t0: centre - (centre - data.t0) * factor, t1: centre + (data.t1 - centre) * factor });
  const pan = (fraction: number): Promise<void> => {
    const shift = (data.t1 - data.t0) * fraction;
    return ask({ t0: data.t0 + shift, t1: data.t1 + shift });
  };

  const select = (row: number | undefined): void => {
    selected = row;
    for (const el of element.querySelectorAll<HTMLElement | SVGElement>("[data-row]")) {
      el.classList.toggle("selected", el.dataset.row === String(row));
    }
    for (const bg of element.querySelectorAll<SVGRectElement>("g.unit-row > rect")) {
      bg.setAttribute("fill", (bg.parentNode as SVGGElement).dataset.row === String(row) ? "#ffe9a8" : "transparent");
    }
  };

  function draw(): void {
    element.replaceChildren();
    const bar = htmlEl("div", { class: "units-controls" }, undefined, element);
    const page = data.end - data.start || UNITS_PER_PAGE;
    htmlEl("span", { class: "units-range" }, `units ${data.total === 0 ? 0 : data.start + 1}–${data.end} of ${data.total} · ${data.t0.toPrecision(4)}–${data.t1.toPrecision(4)} s `, bar);
    const button = (label: string, action: () => Promise<void>, disabled = false): void => {
      const b = htmlEl("button", { type: "button", "data-action": label }, label, bar);
      b.disabled = disabled;
      b.addEventListener("click", () => void action());
    };
    button("◀ units", () => ask({ start: Math.max(0, data.start - page), end: Math.max(0, data.start - page) + page }), data.start === 0);
    button("units ▶", () => ask({ start: data.end, end: data.end + page }), data.end >= data.total);
    button("zoom in", () => zoom(0.5));
    button("zoom out", () => zoom(2));
    button("◀", () => pan(-0.5));
    button("▶", () => pan(0.5));
    button("reset", () => ask({ t0: data.range[0], t1: data.range[1] }));

    const body = htmlEl("div", { class: "units-body", style: "display:flex;gap:12px;align-items:flex-start" }, undefined, element);
    const height = TOP + data.rows.length * ROW + 34;
    const svg = svgEl("svg", { class: "raster", width: WIDTH, height, "data-t0": data.t0, "data-t1": data.t1, "data-x0": LEFT, "data-x1": WIDTH - RIGHT }, body);
    const x = new LinearScale(data.t0, data.t1, LEFT, WIDTH - RIGHT);
    for (const [i, row] of data.rows.entries()) {
      const y = TOP + i * ROW;
      const g = svgEl("g", { class: "unit-row", "data-row": row, "data-id": data.ids[i]!, "data-index": i }, svg);
      svgEl("rect", { x: LEFT, y, width: WIDTH - LEFT - RIGHT, height: ROW, fill: "transparent" }, g);
      svgEl("text", { x: LEFT - 4, y: y + ROW - 3, "text-anchor": "end", "font-size": 10 }, g).textContent = String(data.ids[i]);
      const times = data.spikes[i]!;
      // One path per unit, a vertical tick per spike: tens of thousands of spikes stay one element each row. More
      // spikes than the row has pixels: one tick per pixel column that has any (the rest would draw over it).
      const dense = times.length > 2 * (WIDTH - LEFT - RIGHT);
      const parts: string[] = [];
      let previous = NaN;
      for (let k = 0; k < times.length; k++) {
        const px = dense ? Math.round(x.map(times[k]!)) : Math.round(x.map(times[k]!) * 100) / 100;
        if (dense && px === previous) continue;
        previous = px;
        parts.push(`M${px} ${y + 2}V${y + ROW - 2}`);
      }
      svgEl("path", { class: "spikes", d: parts.join(""), stroke: "#222", "stroke-width": 1, "data-count": times.length, "data-ticks": parts.length, "shape-rendering": "crispEdges" }, g);
    }
    drawAxis(svg, x, "bottom", TOP + data.rows.length * ROW + 2, "time (s)");
    cursor = timeCursor(svg, x, TOP, TOP + data.rows.length * ROW);
    cursor.set(context.time);
    // A drag pans the window (asked for on release); a click selects the unit and sets the time.
    let downX: number | undefined;
    svg.addEventListener("pointerdown", (e) => {
      downX = e.clientX;
    });
    svg.addEventListener("click", (e) => {
      const box = svg.getBoundingClientRect();
      const px = e.clientX - box.left;
      const moved = downX === undefined ? 0 : e.clientX - downX;
      downX = undefined;
      if (Math.abs(moved) > 3) {
        void pan(-moved / (WIDTH - LEFT - RIGHT));
        return;
      }
      const i = Math.floor((e.clientY - box.top - TOP) / ROW);
      if (i >= 0 && i < data.rows.length) select(data.rows[i]);
      if (px >= LEFT && px <= WIDTH - RIGHT) context.setTime(x.invert(px));
    });
    svg.addEventListener("wheel", (e) => {
      e.preventDefault();
      const px = e.clientX - svg.getBoundingClientRect().left;
      void zoom(e.deltaY < 0 ? 0.8 : 1.25, x.invert(Math.min(WIDTH - RIGHT, Math.max(LEFT, px))));
    }, { passive: false });

    const table = htmlEl("table", { class: "units-table", style: "border-collapse:collapse;font-size:12px" }, undefined, body);
    const head = htmlEl("tr", {}, undefined, htmlEl("thead", {}, undefined, table));
    for (const name of ["id", ...data.columns]) {
      const sortable = data.sortable.includes(name);
      const arrow = data.sort === name ? (data.descending ? " ▼" : " ▲") : "";
      const th = htmlEl("th", { "data-column": name, style: `text-align:left;padding:2px 6px;${sortable ? "cursor:pointer" : ""}` }, name + arrow, head);
      if (sortable) th.addEventListener("click", () => void ask({ sort: name, descending: data.sort === name ? !data.descending : false, start: 0, end: page }));
    }
    const tbody = htmlEl("tbody", {}, undefined, table);
    for (const [i, row] of data.rows.entries()) {
      const tr = htmlEl("tr", { "data-row": row, "data-id": data.ids[i]!, style: `height:${ROW}px;cursor:pointer` }, undefined, tbody);
      htmlEl("td", { style: "padding:0 6px" }, String(data.ids[i]), tr);
      for (const cell of data.cells[i]!) htmlEl("td", { style: "padding:0 6px" }, cell, tr);
      tr.addEventListener("click", () => select(row));
    }
    if (!element.querySelector("style.units-style")) htmlEl("style", { class: "units-style" }, ".units-table tr.selected{background:#ffe9a8}", element);
    select(selected);
  }

  draw();
  return {
    setTime(t) {
      cursor?.set(t);
    },
    dispose() {
      disposed = true;
    },
  };
}

/** Units: a spike raster of the units in view, their table beside it. */
export const unitsView: ViewModule<UnitsData> = { name: "units", types: ["Units"], extract, render };
