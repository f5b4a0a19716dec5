/**
 * TimeIntervals (trials, epochs, invalid_times, any interval table) on a timeline: a bar per interval from its
 * start_time to its stop_time, one lane per value of a chosen column (a categorical column by default: the trial's
 * stimulus, an epoch's tags), a tooltip with the row's values; a click on a bar moves the shared time cursor to the
 * interval's start. Zoom (wheel) and pan (drag) redraw on the page: every interval's times are already there.
 */
import type { AbstractContainer, DynamicTable, NWBFile } from "../../browser.js";
import type { ViewContext, ViewHandle, ViewModule, ViewRequest } from "./view.js";
import { LinearScale, categoryColour, cellText, drawAxis, htmlEl, readFloat64, requestInto, svgEl, timeCursor } from "./draw.js";

/** Tables of more rows than this get tooltips of their id, times and lane only (their other columns are not read). */
export const TOOLTIP_ROWS = 5000;
/** More bars than this in the window are drawn on a canvas (an SVG element each would make the page slow). */
export const SVG_BARS = 2000;
/** Tables of at most this many rows get every bar's tooltip when drawn (larger ones on hover). */
const EAGER_TOOLTIPS = 2000;

/** What the timeline draws. */
export interface IntervalsData {
  /** The table's name. */
  name: string;
  /** Each interval's id, start and stop, in row order. */
  ids: number[];
  start: Float64Array;
  stop: Float64Array;
  /** The columns (other than start_time and stop_time) and each row's cells as text, for the tooltips (empty past TOOLTIP_ROWS rows). */
  columns: string[];
  cells: string[][];
  /** The columns the lanes can be grouped by, the one used (undefined: one lane), its lanes, and each row's lane. */
  groupable: string[];
  group?: string;
  lanes: string[];
  laneOf: number[];
}

/** Lanes of at most this many values make a column one to group by. */
const MAX_LANES = 30;

/** A lane's name for a cell: its text; a list of tags joined. */
function laneName(v: unknown): string {
  if (Array.isArray(v)) return v.map(cellText).join(", ");
  return cellText(v);
}

async function extract(obj: AbstractContainer, request: ViewRequest, _file: NWBFile): Promise<IntervalsData> {
  const table = obj as DynamicTable;
  await table.loadStoredRows();
  table.flushRows();
  const n = table.length;
  const start = await readFloat64(table.getColumn("start_time").data, undefined, "start_time");
  const stop = await readFloat64(table.getColumn("stop_time").data, undefined, "stop_time");
  const ids = Array.from(await readFloat64(table.id!.data, undefined, "id"));
  const columns = table.colnames.filter((c) => c !== "start_time" && c !== "stop_time");
  // Candidates for lanes: text, booleans and integers (plain columns), and tags (a ragged column of text).
  const groupable = columns.filter((c) => {
    const data = table.getColumn(c).data;
    const ragged = table.allColumns.has(`${c}_index`);
    if (ragged) return c === "tags";
    return data.shape.length === 1 && (data.dtype === "bool" || data.dtype === "text" || data.dtype.includes("int"));
  });
  const cache = new Map<string, unknown[]>();
  const values = async (c: string): Promise<unknown[]> => {
    if (!cache.has(c)) cache.set(c, await table.readColumn(c));
    return cache.get(c)!;
  };
  let group = typeof request.group === "string" ? request.group : undefined;
  if (group !== undefined && group !== "" && !groupable.includes(group)) table.fail("group", `a column to group the intervals by (${groupable.join(", ") || "none"})`, group);
  if (request.group === undefined) {
    // The first column whose values make a few lanes (a categorical column), else none.
    for (const c of groupable) {
      const distinct = new Set((await values(c)).map(laneName));
      if (distinct.size > 1 && distinct.size <= MAX_LANES && distinct.size < n) {
        group = c;
        break;
      }
    }
  }
  if (group === "") group = undefined;
  const lanes: string[] = [];
  const laneOf: number[] = new Array<number>(n).fill(0);
  if (group === undefined) lanes.push(table.name);
  else {
    const index = new Map<string, number>();
    for (const [i, v] of (await values(group)).entries()) {
      const name = laneName(v);
      if (!index.has(name)) {
        index.set(name, lanes.length);
        lanes.push(name);
      }
      laneOf[i] = index.get(name)!;
    }
  }
  const cells: string[][] = [];
  if (n <= TOOLTIP_ROWS) {
    const byColumn = await Promise.all(columns.map(async (c) => (await values(c)).map(laneName)));
    for (let i = 0; i < n; i++) cells.push(byColumn.map((col) => col[i]!));
  }
  return { name: table.name, ids, start, stop, columns, cells, groupable, group, lanes, laneOf };
}

const WIDTH = 720;
const LABELS = 110;
const RIGHT = 10;
const LANE = 20;
const TOP = 4;

function render(element: HTMLElement, first: IntervalsData, context: ViewContext<IntervalsData>): ViewHandle {
  element.classList.add("intervals-view");
  let data = first;
  let disposed = false;
  let lo = Infinity;
  let hi = -Infinity;
  const span = (): void => {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < data.start.length; i++) {
      lo = Math.min(lo, data.start[i]!);
      hi = Math.max(hi, data.stop[i]!);
    }
    if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    if (hi <= lo) hi = lo + 1;
  };
  span();
  let t0 = lo;
  let t1 = hi;
  let cursor: ReturnType<typeof timeCursor> | undefined;

  /** Row `i`'s values, one per line. */
  function tooltipText(i: number): string {
    const tip = [`id: ${data.ids[i]}`, `start_time: ${data.start[i]}`, `stop_time: ${data.stop[i]}`, ...data.columns.map((c, k) => `${c}: ${data.cells[i]?.[k] ?? ""}`)];
    if (data.cells.length === 0 && data.group) tip.push(`${data.group}: ${data.lanes[data.laneOf[i]!]}`);
    return tip.join("\n");
  }

  /** Row `i`'s values as its bar's tooltip. */
  function tooltip(rect: SVGRectElement, i: number): void {
    svgEl("title", {}, rect).textContent = tooltipText(i);
  }

  function draw(): void {
    element.replaceChildren();
    const bar = htmlEl("div", { class: "intervals-controls" }, undefined, element);
    htmlEl("span", {}, `${data.name}: ${data.ids.length} intervals · lanes by `, bar);
    const choose = htmlEl("select", { class: "intervals-group" }, undefined, bar);
    for (const c of ["", ...data.groupable]) {
      const option = htmlEl("option", { value: c }, c === "" ? "(none)" : c, choose);
      option.selected = (data.group ?? "") === c;
    }
    choose.addEventListener("change", async () => {
      await requestInto(element, () => context.request({ group: choose.value }), (next) => {
        if (disposed) return;
        data = next;
        draw();
      });
    });
    const reset = htmlEl("button", { type: "button", "data-action": "reset" }, "reset", bar);
    reset.addEventListener("click", () => {
      [t0, t1] = [lo, hi];
      draw();
    });

    const height = TOP + data.lanes.length * LANE + 34;
    // The plot: an SVG (lanes, axis, cursor, and a bar per interval), or, for more bars than an SVG draws
    // smoothly, the bars on a canvas over it. Wheel and drag are on the frame around both.
    const frame = htmlEl("div", { class: "timeline-frame", style: `position:relative;width:${WIDTH}px;height:${height}px` }, undefined, element);
    const svg = svgEl("svg", { class: "timeline", width: WIDTH, height, "data-t0": t0, "data-t1": t1, "data-x0": LABELS, "data-x1": WIDTH - RIGHT }, frame);
    const x = new LinearScale(t0, t1, LABELS, WIDTH - RIGHT);
    for (const [k, lane] of data.lanes.entries()) {
      const y = TOP + k * LANE;
      svgEl("rect", { x: LABELS, y, width: WIDTH - LABELS - RIGHT, height: LANE, fill: k % 2 ? "#f6f6f6" : "#fff" }, svg);
      const label = svgEl("text", { class: "lane", x: LABELS - 6, y: y + LANE - 6, "text-anchor": "end", "font-size": 11, "data-lane": k }, svg);
      label.textContent = lane.length > 16 ? `${lane.slice(0, 15)}…` : lane;
    }
    const visible: number[] = [];
    for (let i = 0; i < data.ids.length; i++) if (data.stop[i]! >= t0 && data.start[i]! <= t1) visible.push(i);
    drawAxis(svg, x, "bottom", TOP + data.lanes.length * LANE + 2, "time (s)");
    if (visible.length <= SVG_BARS) drawBarsSvg(svg, x, visible, height);
    else drawBarsCanvas(frame, x, visible);
    svg.dataset.bars = visible.length <= SVG_BARS ? "svg" : "canvas";
    cursor = timeCursor(svg, x, TOP, TOP + data.lanes.length * LANE);
    cursor.set(context.time);
    queueMicrotask(() => mark(context.time));
    frame.addEventListener("wheel", (e) => {
      e.preventDefault();
      const centre = x.invert(Math.min(WIDTH - RIGHT, Math.max(LABELS, e.clientX - frame.getBoundingClientRect().left)));
      const f = e.deltaY < 0 ? 0.8 : 1.25;
      [t0, t1] = [centre - (centre - t0) * f, centre + (t1 - centre) * f];
      draw();
    }, { passive: false });
    let dragFrom: number | undefined;
    frame.addEventListener("pointerdown", (e) => {
      dragFrom = e.clientX;
    });
    frame.addEventListener("pointerup", (e) => {
      if (dragFrom === undefined) return;
      const shift = ((dragFrom - e.clientX) / (WIDTH - LABELS - RIGHT)) * (t1 - t0);
      dragFrom = undefined;
      if (Math.abs(shift) * (WIDTH - LABELS - RIGHT) > 3 * (t1 - t0)) {
        t0 += shift;
        t1 += shift;
        draw();
      }
    });
  }

  /** A rect per interval, its times and row in data attributes; a click on one sets the time to its start. */
  function drawBarsSvg(svg: SVGSVGElement, x: LinearScale, visible: number[], height: number): void {
    const clip = svgEl("clipPath", { id: `intervals-clip-${Math.random().toString(36).slice(2)}` }, svg);
    svgEl("rect", { x: LABELS, y: 0, width: WIDTH - LABELS - RIGHT, height }, clip);
    const bars = svgEl("g", { class: "bars", "clip-path": `url(#${clip.id})` }, svg);
    for (const i of visible) {
      const a = data.start[i]!;
      const b = data.stop[i]!;
      const lane = data.laneOf[i]!;
      const xa = x.map(a);
      const rect = svgEl("rect", {
        class: "interval", x: xa, y: TOP + lane * LANE + 3, width: Math.max(1, x.map(b) - xa), height: LANE - 6, fill: categoryColour(lane), "fill-opacity": 0.8,
        "data-row": i, "data-id": data.ids[i]!, "data-start": a, "data-stop": b, "data-lane": lane, style: "cursor:pointer",
      }, bars);
      // Small tables get their tooltips at once; large ones when the pointer first comes over a bar.
      if (data.ids.length <= EAGER_TOOLTIPS) tooltip(rect, i);
    }
    // One listener for every bar.
    bars.addEventListener("click", (e) => {
      const rect = e.target as SVGRectElement;
      if (rect.classList.contains("interval")) context.setTime(Number(rect.dataset.start));
    });
    bars.addEventListener("pointerover", (e) => {
      const rect = e.target as SVGRectElement;
      if (rect.classList.contains("interval") && !rect.querySelector("title")) tooltip(rect, Number(rect.dataset.row));
    });
  }

  /**
   * The bars on a canvas over the plot, whole pixels (a bar covers the pixel columns from the one its start is in,
   * at least one): a click finds the interval under the pointer in its lane (else the nearest within 2 pixels) and
   * sets the time to its start; hovering shows its values.
   */
  function drawBarsCanvas(frame: HTMLElement, x: LinearScale, visible: number[]): void {
    const width = WIDTH - LABELS - RIGHT;
    const height = data.lanes.length * LANE;
    const canvas = htmlEl("canvas", { class: "bars-canvas", width, height, "data-count": visible.length, style: `position:absolute;left:${LABELS}px;top:${TOP}px;cursor:pointer` }, undefined, frame);
    const g = canvas.getContext("2d")!;
    for (const i of visible) {
      const lane = data.laneOf[i]!;
      const left = Math.floor(x.map(data.start[i]!)) - LABELS;
      const right = Math.floor(x.map(data.stop[i]!)) - LABELS;
      g.fillStyle = categoryColour(lane);
      g.fillRect(left, lane * LANE + 3, Math.max(1, right - left), LANE - 6);
    }
    const under = (e: MouseEvent): number | undefined => {
      const box = canvas.getBoundingClientRect();
      const lane = Math.floor((e.clientY - box.top) / LANE);
      const px = e.clientX - box.left + LABELS;
      let best: number | undefined;
      let bestDistance = 2;
      for (const i of visible) {
        if (data.laneOf[i] !== lane) continue;
        const [a, b] = [x.map(data.start[i]!), x.map(data.stop[i]!)];
        const distance = px < a ? a - px : px > b ? px - b : 0;
        if (distance < bestDistance || (distance === 0 && best === undefined)) [best, bestDistance] = [i, distance];
        if (distance === 0) break;
      }
      return best;
    };
    canvas.addEventListener("click", (e) => {
      const i = under(e);
      if (i !== undefined) context.setTime(data.start[i]!);
    });
    canvas.addEventListener("pointermove", (e) => {
      const i = under(e);
      canvas.title = i === undefined ? "" : tooltipText(i);
    });
  }

  /** Marks the intervals the time is in (class `current`). */
  const mark = (t: number | undefined): void => {
    for (const rect of element.querySelectorAll<SVGRectElement>("rect.interval")) {
      const inside = t !== undefined && t >= Number(rect.dataset.start) && t <= Number(rect.dataset.stop);
      rect.classList.toggle("current", inside);
      rect.setAttribute("stroke", inside ? "#d62728" : "none");
    }
  };
  draw();
  mark(context.time);
  return {
    setTime(t) {
      cursor?.set(t);
      mark(t);
    },
    dispose() {
      disposed = true;
    },
  };
}

/** TimeIntervals on a timeline, lanes by a column. */
export const intervalsView: ViewModule<IntervalsData> = { name: "intervals", types: ["TimeIntervals"], extract, render };
