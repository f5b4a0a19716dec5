/**
 * Any TimeSeries as lines, its channels stacked: extract reads only the samples of the visible time window and
 * channels, and reduces them to the smallest and largest value per pixel column (min/max decimation), so an hour of
 * 384 channels costs what the screen can show; render draws those columns with a time axis, zooms (wheel) and pans
 * (drag) by asking for another window, and shows the shared time cursor (a click sets it).
 */
import type { AbstractContainer, ArrayData, TimeSeries } from "../../browser.js";
import type { ViewContext, ViewHandle, ViewModule, ViewRequest } from "./view.js";
import { LinearScale, clockOf, niceTicks } from "./draw.js";

/** At most this many values are read for one window; a wider window is read as evenly spread blocks. */
export const READ_BUDGET = 4_000_000;
/** Channels shown at once by default (others by paging). */
const DEFAULT_CHANNELS = 32;
/** A series too long to read whole opens on its first samples: this many per pixel column. */
const DEFAULT_SAMPLES_PER_PIXEL = 20;

/** A window of a series, decimated: per shown channel, per pixel column, the smallest and largest value. */
export interface TraceData {
  kind: "trace";
  unit: string;
  /** Channels of the series, and the shown ones `[start, end)`. */
  channels: number;
  start: number;
  end: number;
  /** A label per shown channel. */
  labels: string[];
  /** The first and last sample's time: the whole series. */
  span: [number, number];
  /** The window shown, in seconds, and its width in pixel columns. */
  t0: number;
  t1: number;
  pixels: number;
  /** (end - start) × pixels values, channel by channel: NaN where a column has no sample. In the data's unit (conversion and offset applied). */
  min: Float32Array;
  max: Float32Array;
  /** Samples of the series in the window, and samples read (fewer when the window was over the read budget). */
  samples: number;
  read: number;
  /** Whether every sample of the window was read (false: evenly spread blocks of it). */
  exact: boolean;
}

/** A series of text (AnnotationSeries...): its samples of the window, listed. */
export interface TextSeriesData {
  kind: "text";
  span: [number, number];
  t0: number;
  t1: number;
  rows: [time: number, text: string][];
  samples: number;
}

export type SeriesData = TraceData | TextSeriesData;

/** Whether a dtype holds numbers (bool included). */
function numeric(dtype: string): boolean {
  return /^(u?int\d+|float\d+|bool)$/.test(dtype);
}

/** The decimated window the request asks for (`t0`, `t1`, `pixels`, channels `start`-`end`). */
export async function extractSeries(obj: AbstractContainer, request: ViewRequest, labels?: (start: number, end: number) => string[]): Promise<SeriesData> {
  const series = obj as TimeSeries;
  const data: ArrayData = series.data;
  const clock = await clockOf(series);
  const n = clock.length;
  const span: [number, number] = n === 0 ? [0, 0] : [await clock.time(0), await clock.time(n - 1)];
  const channels = data.shape.slice(1).reduce((a, b) => a * b, 1);
  const start = Math.max(0, Math.min(channels - 1, Math.floor(Number(request.start ?? 0))));
  const end = Math.max(start + 1, Math.min(channels, Math.floor(Number(request.end ?? start + DEFAULT_CHANNELS))));
  const shown = end - start;
  const pixels = Math.max(1, Math.min(8192, Math.floor(Number(request.pixels ?? 800))));
  // The default window: the whole series, or (a series too long to read at once) its first samples, a few per pixel.
  const first = Math.min(n, Math.max(2, Math.min(Math.floor(READ_BUDGET / shown), pixels * DEFAULT_SAMPLES_PER_PIXEL)));
  let t0 = typeof request.t0 === "number" ? request.t0 : span[0];
  let t1 = typeof request.t1 === "number" ? request.t1 : n * shown <= READ_BUDGET ? span[1] : await clock.time(first - 1);
  // Opened at a time past the default window: a window as wide, centred on it (within the series).
  const at = request.time;
  if (request.t0 === undefined && typeof at === "number" && at > t1 && at <= span[1]) {
    const width = t1 - t0;
    t1 = Math.min(span[1], at + width / 2);
    t0 = t1 - width;
  }
  if (!(t1 > t0)) t1 = t0 + 1;
  if (!numeric(data.dtype)) {
    const i0 = await clock.indexAtOrAfter(t0);
    const i1 = Math.min(await clock.indexAfter(t1), i0 + 1000);
    const values = i1 > i0 ? (await data.read([[i0, i1]]) as ArrayLike<unknown>) : [];
    const times = await clock.times(i0, i1);
    return { kind: "text", span, t0, t1, rows: Array.from(times, (t, k) => [t, String(values[k])] as [number, string]), samples: i1 - i0 };
  }
  const min = new Float32Array(shown * pixels).fill(NaN);
  const max = new Float32Array(shown * pixels).fill(NaN);
  // Values in the series' unit, as pynwb's get_data_in_units: data × conversion (× channel_conversion) + offset.
  const conversion = series.conversion ?? 1;
  const offset = series.offset ?? 0;
  const perChannel = (series as { channel_conversion?: ArrayData }).channel_conversion;
  const channelScale = perChannel ? Array.from((await perChannel.read()) as ArrayLike<number>, Number) : undefined;
  const scales = Float64Array.from({ length: shown }, (_, c) => conversion * (channelScale?.[start + c] ?? 1));
  const column = (t: number) => Math.min(pixels - 1, Math.max(0, Math.floor(((t - t0) / (t1 - t0)) * pixels)));
  // Reads samples [i0, i1) of the shown channels and folds them into their columns.
  const fold = async (i0: number, i1: number) => {
    if (i1 <= i0) return 0;
    const values = await readChannels(data, i0, i1, start, end);
    const times = await clock.times(i0, i1);
    for (let k = 0; k < i1 - i0; k++) {
      const t = times[k]!;
      if (t < t0 || t > t1) continue;
      const p = column(t);
      for (let c = 0; c < shown; c++) {
        const v = Number(values[k * shown + c]) * scales[c]! + offset;
        const at = c * pixels + p;
        const lo = min[at]!, hi = max[at]!;
        if (Number.isNaN(lo) || v < lo) min[at] = v;
        if (Number.isNaN(hi) || v > hi) max[at] = v;
      }
    }
    return i1 - i0;
  };
  const i0 = await clock.indexAtOrAfter(t0);
  const i1 = await clock.indexAfter(t1);
  const samples = i1 - i0;
  let read = 0;
  let exact = true;
  if (samples * shown <= READ_BUDGET) read = await fold(i0, i1);
  else {
    // Over the budget: per pixel column, a block of samples from its start (every column drawn, not every sample).
    exact = false;
    const block = Math.max(1, Math.floor(READ_BUDGET / (pixels * shown)));
    for (let p = 0; p < pixels; p++) {
      const from = await clock.indexAtOrAfter(t0 + ((t1 - t0) * p) / pixels);
      const next = await clock.indexAtOrAfter(t0 + ((t1 - t0) * (p + 1)) / pixels);
      read += await fold(from, Math.min(next, from + block));
    }
  }
  return {
    kind: "trace", unit: series.unit ?? "", channels, start, end, labels: labels?.(start, end) ?? Array.from({ length: shown }, (_, c) => `channel ${start + c}`),
    span, t0, t1, pixels, min, max, samples, read, exact,
  };
}

/** Samples `[i0, i1)` of channels `[start, end)`, sample by sample (a series of more than two axes: its trailing axes flattened). */
async function readChannels(data: ArrayData, i0: number, i1: number, start: number, end: number): Promise<ArrayLike<number | bigint | boolean>> {
  if (data.shape.length <= 1) return (await data.read([[i0, i1]])) as ArrayLike<number>;
  if (data.shape.length === 2) return (await data.read([[i0, i1], [start, end]])) as ArrayLike<number>;
  const all = (await data.read([[i0, i1]])) as ArrayLike<number>;
  const per = data.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = new Float64Array((i1 - i0) * (end - start));
  for (let k = 0; k < i1 - i0; k++) for (let c = start; c < end; c++) out[k * (end - start) + c - start] = Number(all[k * per + c]);
  return out;
}

/** Height of a channel's band, and of the time axis, in CSS pixels. */
const BAND = 56;

/** A channel's band height for `shown` channels: taller when few are shown, thinner when many (about 900 pixels in all). */
export function bandHeight(shown: number): number {
  return shown <= 2 ? 160 : shown <= 4 ? 100 : shown <= 16 ? BAND : Math.max(8, Math.floor(900 / shown));
}
const AXIS = 22;

/** Height of a band's line of text (the channel's name and range), above its trace. */
const LABEL = 12;

/**
 * Where channel `c`'s trace is drawn in a plot of bands `band` pixels high: its top row and its height. A band too
 * thin for a line of text (many channels) is all trace; its channel is named in the tooltip.
 */
export function traceArea(c: number, band: number): { top: number; height: number } {
  return band >= 2 * LABEL + 8 ? { top: c * band + LABEL + 1, height: band - LABEL - 3 } : { top: c * band + 1, height: band - 2 };
}

/** Draws a trace's columns into a canvas context: per channel band, a vertical stroke from min to max per column. */
export function drawTrace(ctx: CanvasRenderingContext2D, data: TraceData, band: number): void {
  const { pixels, min, max } = data;
  const shown = data.end - data.start;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, pixels, shown * band);
  ctx.font = "11px system-ui, sans-serif";
  for (let c = 0; c < shown; c++) {
    let lo = Infinity, hi = -Infinity;
    for (let p = 0; p < pixels; p++) {
      const a = min[c * pixels + p]!, b = max[c * pixels + p]!;
      if (a < lo) lo = a;
      if (b > hi) hi = b;
    }
    const { top, height } = traceArea(c, band);
    const y = (v: number) => (hi > lo ? top + (1 - (v - lo) / (hi - lo)) * (height - 1) : top + height / 2);
    ctx.fillStyle = "#1f5f9f";
    ctx.strokeStyle = "#1f5f9f";
    let last: [number, number] | undefined;
    for (let p = 0; p < pixels; p++) {
      const a = min[c * pixels + p]!, b = max[c * pixels + p]!;
      if (Number.isNaN(a)) continue;
      const yTop = Math.round(y(b)), yBottom = Math.round(y(a));
      ctx.fillRect(p, yTop, 1, yBottom - yTop + 1);
      // Columns apart (a zoom past the samples): a line between the samples.
      if (last && last[0] < p - 1) {
        ctx.beginPath();
        ctx.moveTo(last[0] + 0.5, last[1]);
        ctx.lineTo(p + 0.5, (yTop + yBottom) / 2);
        ctx.stroke();
      }
      last = [p, (yTop + yBottom) / 2];
    }
    // The channel's name and range, in the band's top line, above its trace.
    const label = `${data.labels[c] ?? ""}${hi >= lo ? `  ${fmt(lo)} to ${fmt(hi)} ${data.unit}` : ""}`;
    ctx.fillStyle = "#555";
    if (band >= 2 * LABEL + 8) ctx.fillText(label, 4, c * band + LABEL - 2);
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** Draws the time axis of `[t0, t1]` over `pixels` columns of a canvas (its ticks as every plot's: `niceTicks`). */
export function drawTimeAxis(ctx: CanvasRenderingContext2D, t0: number, t1: number, pixels: number, y: number): void {
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, y, pixels, AXIS);
  ctx.fillStyle = "#333";
  ctx.fillRect(0, y, pixels, 1);
  ctx.font = "11px system-ui, sans-serif";
  const x = new LinearScale(t0, t1, 0, pixels);
  for (const t of niceTicks(t0, t1, 8)) {
    const at = Math.round(x.map(t));
    ctx.fillRect(at, y, 1, 5);
    ctx.fillText(`${Number(t.toPrecision(10))} s`, Math.min(at + 2, pixels - 40), y + 16);
  }
}

/** How a time plot is drawn. */
export interface TimePlotOptions {
  /**
   * Whether the plot offers channel paging and how many channels at once (default true). False for a plot of one
   * channel chosen elsewhere (a ROI's column of a RoiResponseSeries, in the ROI view).
   */
  channelControls?: boolean;
}

/**
 * The interactive time plot of a series view: a trace canvas, an overlay for the cursor, zoom (wheel, buttons),
 * pan (drag, buttons), channel paging; `draw` paints a window's data, `fetch` asks for another. Other views draw a
 * trace with it too (the ROI view, a ROI's column), so every trace is read and drawn alike.
 */
export function timePlot<D extends SeriesData>(element: HTMLElement, first: D, context: ViewContext<D>, extra?: (data: D) => void, options: TimePlotOptions = {}): ViewHandle {
  const controls = document.createElement("div");
  controls.className = "controls";
  const button = (id: string, text: string, act: () => void) => {
    const b = Object.assign(document.createElement("button"), { className: id, textContent: text });
    b.dataset.action = id;
    b.addEventListener("click", act);
    return b;
  };
  const readout = Object.assign(document.createElement("span"), { className: "readout" });
  const wrap = document.createElement("div");
  wrap.className = "plot";
  wrap.style.position = "relative";
  const canvas = Object.assign(document.createElement("canvas"), { className: "trace" });
  const overlay = Object.assign(document.createElement("canvas"), { className: "cursor" });
  canvas.style.background = "#fff";
  overlay.style.cssText = "position:absolute;left:0;top:0;background:transparent;border-color:transparent;pointer-events:none";
  wrap.append(canvas, overlay);
  const list = document.createElement("table");
  list.className = "samples";
  let data = first;
  let asked = 0;
  const fetchWindow = async (request: ViewRequest) => {
    const ticket = ++asked;
    element.dataset.loading = "true";
    let next: D;
    try {
      next = await context.request(request);
    } catch (e) {
      // A window that cannot be read (the file went away...) is said above the plot, which keeps its drawing.
      if (ticket !== asked) return;
      delete element.dataset.loading;
      element.querySelector(":scope > .view-error")?.remove();
      element.prepend(Object.assign(document.createElement("p"), { className: "view-error", textContent: e instanceof Error ? e.message : String(e) }));
      return;
    }
    if (ticket !== asked) return; // a later window was asked for meanwhile
    element.querySelector(":scope > .view-error")?.remove();
    data = next;
    paint();
    delete element.dataset.loading;
  };
  const window = (t0: number, t1: number) => {
    const base: ViewRequest = { t0, t1, pixels: data.kind === "trace" ? data.pixels : undefined };
    if (data.kind === "trace") Object.assign(base, { start: data.start, end: data.end });
    return base;
  };
  const zoom = (factor: number, around?: number) => {
    const c = around ?? (data.t0 + data.t1) / 2;
    const width = Math.max((data.t1 - data.t0) * factor, 1e-6);
    const f = (c - data.t0) / (data.t1 - data.t0);
    void fetchWindow(window(c - f * width, c + (1 - f) * width));
  };
  const pan = (fraction: number) => {
    const d = (data.t1 - data.t0) * fraction;
    void fetchWindow(window(data.t0 + d, data.t1 + d));
  };
  const page = (direction: number) => {
    if (data.kind !== "trace") return;
    const size = data.end - data.start;
    const start = Math.max(0, Math.min(data.channels - size, data.start + direction * size));
    void fetchWindow({ ...window(data.t0, data.t1), start, end: start + size });
  };
  controls.append(button("zoom-in", "Zoom in", () => zoom(0.5)), button("zoom-out", "Zoom out", () => zoom(2)),
    button("pan-left", "◀", () => pan(-0.5)), button("pan-right", "▶", () => pan(0.5)),
    button("whole", "Whole", () => void fetchWindow(window(data.span[0], data.span[1] > data.span[0] ? data.span[1] : data.span[0] + 1))));
  if (first.kind === "trace" && first.channels > 4 && options.channelControls !== false) {
    // How many channels at once (up to every one, thinner), and which: paged.
    const perPage = Object.assign(document.createElement("select"), { className: "channels-per-page", title: "channels shown at once" });
    for (const n of [4, 8, 16, 32, 64, 128, 256, 384].filter((n) => n < first.channels).concat(first.channels)) {
      perPage.append(new Option(`${n} channels`, String(n), false, n === first.end - first.start));
    }
    perPage.addEventListener("change", () => {
      if (data.kind !== "trace") return;
      const size = Number(perPage.value);
      const start = Math.max(0, Math.min(data.channels - size, data.start));
      void fetchWindow({ ...window(data.t0, data.t1), start, end: start + size });
    });
    controls.append(button("channels-up", "Channels ▲", () => page(-1)), button("channels-down", "Channels ▼", () => page(1)), perPage);
  }
  controls.append(readout);
  element.append(controls, wrap, list);

  // The window on the canvas's pixel columns (the same scale as every domain view's, from draw.ts).
  const scale = () => new LinearScale(data.t0, data.t1, 0, canvas.width);
  const xOf = (t: number) => scale().map(t);
  const tOf = (x: number) => scale().invert(x);
  const drawCursor = () => {
    const ctx = overlay.getContext("2d")!;
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    const t = context.time;
    if (t === undefined || t < data.t0 || t > data.t1) {
      delete element.dataset.cursorX;
      return;
    }
    const x = Math.min(overlay.width - 1, Math.floor(xOf(t)));
    ctx.fillStyle = "#d62728";
    ctx.fillRect(x, 0, 1, overlay.height);
    element.dataset.cursorX = String(x);
  };
  const paint = () => {
    const width = data.kind === "trace" ? data.pixels : Math.max(200, Math.floor(element.clientWidth || 800));
    const bands = data.kind === "trace" ? data.end - data.start : 0;
    canvas.width = overlay.width = width;
    const band = bandHeight(bands);
    canvas.height = overlay.height = bands * band + AXIS;
    const ctx = canvas.getContext("2d")!;
    if (data.kind === "trace") drawTrace(ctx, data, band);
    drawTimeAxis(ctx, data.t0, data.t1, width, bands * band);
    list.replaceChildren();
    if (data.kind === "text") {
      for (const [t, text] of data.rows) {
        const tr = list.insertRow();
        tr.insertCell().textContent = `${t} s`;
        tr.insertCell().textContent = text;
        tr.addEventListener("click", () => context.setTime(t));
      }
    }
    readout.textContent = `${fmt(data.t0)} to ${fmt(data.t1)} s of ${fmt(data.span[0])} to ${fmt(data.span[1])} s` +
      (data.kind === "trace" ? `; channels ${data.start}-${data.end - 1} of ${data.channels}; ${data.samples} samples${data.exact ? "" : ` (${data.read} read, in blocks)`}` : `; ${data.samples} samples`);
    element.dataset.t0 = String(data.t0);
    element.dataset.t1 = String(data.t1);
    element.dataset.renders = String(Number(element.dataset.renders ?? 0) + 1);
    drawCursor();
    extra?.(data);
  };

  // Wheel: zoom around the pointer. Drag: pan. A click without a drag: the cursor there.
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    const rect = canvas.getBoundingClientRect();
    zoom(e.deltaY > 0 ? 1.25 : 0.8, tOf(((e.clientX - rect.left) / rect.width) * canvas.width));
  }, { passive: false });
  let drag: { x: number; moved: boolean } | undefined;
  canvas.addEventListener("mousedown", (e) => (drag = { x: e.clientX, moved: false }));
  const move = (e: MouseEvent) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3) drag.moved = true;
    canvas.style.transform = drag.moved ? `translateX(${dx}px)` : "";
  };
  const up = (e: MouseEvent) => {
    if (!drag) return;
    const rect = canvas.getBoundingClientRect();
    const dx = e.clientX - drag.x;
    canvas.style.transform = "";
    if (drag.moved) {
      const d = -(dx / rect.width) * (data.t1 - data.t0);
      void fetchWindow(window(data.t0 + d, data.t1 + d));
    } else context.setTime(tOf(((e.clientX - rect.left) / rect.width) * canvas.width));
    drag = undefined;
  };
  // The tooltip names the channel and time under the pointer (thin bands have no room for their names).
  canvas.addEventListener("mousemove", (e) => {
    if (data.kind !== "trace") return;
    const rect = canvas.getBoundingClientRect();
    const y = ((e.clientY - rect.top) / rect.height) * canvas.height;
    const c = Math.floor(y / bandHeight(data.end - data.start));
    const t = tOf(((e.clientX - rect.left) / rect.width) * canvas.width);
    canvas.title = c < data.end - data.start ? `${data.labels[c] ?? ""}, ${fmt(t)} s` : `${fmt(t)} s`;
  });
  // Keys, once the plot has the focus: ← → pan, + − zoom, Home the whole series.
  canvas.tabIndex = 0;
  canvas.addEventListener("keydown", (e) => {
    const act: Record<string, () => void> = {
      ArrowLeft: () => pan(-0.25), ArrowRight: () => pan(0.25), "+": () => zoom(0.5), "=": () => zoom(0.5), "-": () => zoom(2),
      Home: () => void fetchWindow(window(data.span[0], data.span[1] > data.span[0] ? data.span[1] : data.span[0] + 1)),
    };
    const run = act[e.key];
    if (!run) return;
    e.preventDefault();
    run();
  });
  globalThis.addEventListener("mousemove", move);
  globalThis.addEventListener("mouseup", up);
  paint();
  return {
    setTime: () => drawCursor(),
    dispose: () => {
      globalThis.removeEventListener("mousemove", move);
      globalThis.removeEventListener("mouseup", up);
    },
  };
}

/** The width a plot in `element` has, in pixel columns. */
export function plotWidth(element: HTMLElement): number {
  return Math.max(200, Math.min(4096, Math.floor((element.clientWidth || 800) - 4)));
}

/**
 * A RoiResponseSeries' columns named by the ROI each is the trace of (`ROI 7`: the id of the row its `rois` region
 * gives), as the ROI view names them; undefined for any other series.
 */
async function roiLabels(obj: AbstractContainer): Promise<((start: number, end: number) => string[]) | undefined> {
  const region = (obj as { rois?: { data?: ArrayData; table?: { id?: { data?: ArrayData } } } }).rois;
  if (!obj.isA("RoiResponseSeries") || !region?.data || !region.table?.id?.data) return undefined;
  const rows = Array.from((await region.data.read()) as ArrayLike<number | bigint>, Number);
  const ids = Array.from((await region.table.id.data.read()) as ArrayLike<number | bigint>, Number);
  return (start, end) => rows.slice(start, end).map((row) => `ROI ${ids[row] ?? row}`);
}

export const timeSeriesView: ViewModule<SeriesData> = {
  name: "timeseries",
  types: ["TimeSeries"],
  extract: async (obj, request) => extractSeries(obj, request, await roiLabels(obj)),
  render: (element, data, context) => timePlot(element, data, context),
};
