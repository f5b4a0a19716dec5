/**
 * What the views share (the TimeSeries view and the domain views: units, ROIs, trajectories, intervals, icephys
 * sweeps), so each thing is done one way: on the reading side, numbers read as plain float64 and when a series'
 * samples are (`clockOf`, by rate or timestamps); on the page, SVG elements, a linear scale (`LinearScale`) with round
 * ticks (`niceTicks`, the canvas time axis's too), an axis, a colour per category, and the time cursor line. No DOM is touched at import: the reading worker imports
 * this module too.
 */
import type { AbstractContainer, NWBFile, TimeSeries } from "../../browser.js";
import { toNumbers } from "../../data/numbers.js";
import type { LazyArray, Selection } from "../../data/lazy.js";

// ---------------------------------------------------------------- reading side (worker)

/** The HDF5 path of an object read from a file (its name when it has none). */
export function pathOfObject(obj: AbstractContainer): string {
  return obj.container_source?.path ?? obj.name;
}

/** Every typed object of `file` (the file itself left out). */
export function objectsOfFile(file: NWBFile): AbstractContainer[] {
  return [...file.objects.values()].filter((o) => o !== (file as AbstractContainer));
}

/** Values of a dataset (or of a hyperslab of it) as plain float64, 64-bit integers checked to fit. */
export async function readFloat64(array: Pick<LazyArray, "read">, selection?: Selection, what = "values"): Promise<Float64Array> {
  const values = await array.read(selection);
  return toNumbers(values as ArrayLike<unknown>, what);
}

/** A series' timing and data fields, as the views read them (TimeSeries' fields, typed loosely). */
export interface SeriesLike extends AbstractContainer {
  data: LazyArray;
  timestamps?: LazyArray;
  rate?: number;
  starting_time?: number;
  conversion?: number;
  offset?: number;
  unit?: string;
}

/** The number of samples of a series (its data's first axis). */
export function sampleCount(series: SeriesLike): number {
  return series.data.shape[0] ?? 0;
}

/** When each sample of a series is: by rate or by timestamps (read once, or searched element by element when long). */
export interface Clock {
  length: number;
  time(i: number): Promise<number>;
  /** The first sample at or after `t` (length if none). */
  indexAtOrAfter(t: number): Promise<number>;
  /** The first sample after `t` (length if none). */
  indexAfter(t: number): Promise<number>;
  /** The times of samples `[i0, i1)`. */
  times(i0: number, i1: number): Promise<Float64Array>;
}

const clocks = new WeakMap<object, Clock>();

/** The clock of a series (kept per series: timestamps are read once). */
export async function clockOf(series: TimeSeries): Promise<Clock> {
  const known = clocks.get(series);
  if (known) return known;
  const length = series.data.shape[0] ?? 0;
  let clock: Clock;
  if (series.timestamps) {
    const stamps = series.timestamps;
    const n = Math.min(length, stamps.shape[0] ?? 0);
    // Up to a few million timestamps are read once; beyond, each look-up reads the elements a binary search needs.
    const all = n <= 4_000_000 ? Float64Array.from(await stamps.read() as ArrayLike<number>, Number) : undefined;
    const at = async (i: number) => (all ? all[i]! : Number((await stamps.read([[i, i + 1]]) as ArrayLike<number>)[0]));
    clock = {
      length: n,
      time: at,
      async indexAtOrAfter(t) {
        let lo = 0, hi = n;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((await at(mid)) < t) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      },
      async indexAfter(t) {
        let lo = 0, hi = n;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((await at(mid)) <= t) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      },
      async times(i0, i1) {
        if (i1 <= i0) return new Float64Array(0);
        return all ? all.slice(i0, i1) : Float64Array.from(await stamps.read([[i0, i1]]) as ArrayLike<number>, Number);
      },
    };
  } else {
    const rate = series.rate ?? 1;
    const start = series.starting_time ?? 0;
    clock = {
      length,
      time: async (i) => start + i / rate,
      // A sample's time is computed as start + i / rate: compared the same way, not by rounding (t - start) * rate.
      indexAtOrAfter: async (t) => {
        let i = Math.min(length, Math.max(0, Math.ceil((t - start) * rate)));
        while (i > 0 && start + (i - 1) / rate >= t) i--;
        while (i < length && start + i / rate < t) i++;
        return i;
      },
      indexAfter: async (t) => {
        let i = Math.min(length, Math.max(0, Math.floor((t - start) * rate) + 1));
        while (i > 0 && start + (i - 1) / rate > t) i--;
        while (i < length && start + i / rate <= t) i++;
        return i;
      },
      times: async (i0, i1) => Float64Array.from({ length: Math.max(0, i1 - i0) }, (_, k) => start + (i0 + k) / rate),
    };
  }
  clocks.set(series, clock);
  return clock;
}

/**
 * The times in seconds of samples `[start, stop)` of a series: by its timestamps or its rate, as the TimeSeries view
 * places them (`clockOf`, one helper for every view: timestamps read once per series).
 */
export async function sampleTimes(series: SeriesLike, start: number, stop: number): Promise<Float64Array> {
  if (stop <= start) return new Float64Array(0);
  if (series.timestamps === undefined && !((series.rate ?? 0) > 0)) series.fail("rate", "timestamps or a rate above 0 to place the samples in time", series.rate);
  return (await clockOf(series as unknown as TimeSeries)).times(start, stop);
}

/** The first sample index of a series at or after time `t` (0 for a series with neither timestamps nor a rate). */
export async function sampleAtTime(series: SeriesLike, t: number): Promise<number> {
  if (series.timestamps === undefined && !((series.rate ?? 0) > 0)) return 0;
  return (await clockOf(series as unknown as TimeSeries)).indexAtOrAfter(t);
}

/** Values in the series' unit: `data * conversion + offset`, as pynwb's `get_data_in_units`. */
export function inUnits(series: SeriesLike, raw: Float64Array): Float64Array {
  const conversion = series.conversion ?? 1;
  const offset = series.offset ?? 0;
  if (conversion === 1 && offset === 0) return raw;
  for (let i = 0; i < raw.length; i++) raw[i] = raw[i]! * conversion + offset;
  return raw;
}

/**
 * Min/max decimation of a trace to `pixels` columns over `[t0, t1]`: each column keeps its lowest and highest
 * sample (in time order), so every peak stays drawn; a trace with fewer than two samples per column is kept whole.
 */
export function decimateMinMax(t: Float64Array, y: Float64Array, pixels: number): { t: Float64Array; y: Float64Array } {
  const n = t.length;
  if (n <= 2 * pixels || pixels <= 0) return { t, y };
  const outT: number[] = [];
  const outY: number[] = [];
  const t0 = t[0]!;
  const span = t[n - 1]! - t0 || 1;
  let i = 0;
  for (let col = 0; col < pixels && i < n; col++) {
    const end = col === pixels - 1 ? t[n - 1]! : t0 + (span * (col + 1)) / pixels;
    let lo = i;
    let hi = i;
    const first = i;
    while (i < n && (t[i]! < end || col === pixels - 1)) {
      if (y[i]! < y[lo]!) lo = i;
      if (y[i]! > y[hi]!) hi = i;
      i++;
    }
    if (i === first) continue;
    for (const k of lo <= hi ? [lo, hi] : [hi, lo]) {
      if (outT.length > 0 && outT[outT.length - 1] === t[k] && outY[outY.length - 1] === y[k]) continue;
      outT.push(t[k]!);
      outY.push(y[k]!);
    }
  }
  return { t: Float64Array.from(outT), y: Float64Array.from(outY) };
}

/** The index of the first value not below `x` in ascending `values`. */
export function bisectLeft(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the first value above `x` in ascending `values`. */
export function bisectRight(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A table cell as short plain text (numbers, text, booleans, lists, arrays with a shape, objects by name). */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === "string" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (ArrayBuffer.isView(v)) return `[${(v as unknown as ArrayLike<number>).length} values]`;
  if (Array.isArray(v)) return v.length <= 6 ? v.map(cellText).join(", ") : `[${v.length} items]`;
  if (typeof v === "object") {
    const o = v as { name?: unknown; shape?: unknown; timeseries?: { name?: unknown } };
    if (Array.isArray(o.shape)) return `[${(o.shape as number[]).join("×")}]`;
    if (o.timeseries && typeof o.timeseries === "object") return String(o.timeseries.name ?? "");
    if (typeof o.name === "string") return o.name;
  }
  return String(v);
}

// ---------------------------------------------------------------- page side

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes, appended to `parent` when given. */
export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, parent?: Element): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  parent?.appendChild(el);
  return el;
}

/** An HTML element with attributes and text, appended to `parent` when given. */
export function htmlEl<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string, parent?: Element): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  parent?.appendChild(el);
  return el;
}

/**
 * Asks for new data and hands it to `use`; a failure (a bad request, a read error) is shown in the view, as a line
 * above its drawing, instead of being lost as an unhandled rejection.
 */
export async function requestInto<Data>(element: HTMLElement, ask: () => Promise<Data>, use: (data: Data) => void): Promise<void> {
  element.querySelector(":scope > .view-error")?.remove();
  try {
    use(await ask());
  } catch (e) {
    const line = htmlEl("p", { class: "view-error", style: "color:#b00020;margin:2px 0" }, e instanceof Error ? e.message : String(e));
    element.prepend(line);
  }
}

/** A linear map from a domain `[d0, d1]` to a range of pixels `[r0, r1]`, and back. */
export class LinearScale {
  constructor(readonly d0: number, readonly d1: number, readonly r0: number, readonly r1: number) {}
  /** The pixel of value `v`. */
  map(v: number): number {
    const span = this.d1 - this.d0;
    return span === 0 ? (this.r0 + this.r1) / 2 : this.r0 + ((v - this.d0) / span) * (this.r1 - this.r0);
  }
  /** The value at pixel `px`. */
  invert(px: number): number {
    const span = this.r1 - this.r0;
    return span === 0 ? this.d0 : this.d0 + ((px - this.r0) / span) * (this.d1 - this.d0);
  }
}

/** Round tick values (1, 2 or 5 times a power of ten apart) within `[lo, hi]`, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi <= lo) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  // The round step nearest the raw one (by ratio): never fewer than about half the ticks asked for.
  const step = [1, 2, 5, 10].map((m) => m * power).reduce((best, s) => (Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best));
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A horizontal axis at `y` (ticks below it) or a vertical one at `x` (ticks to its left), with a label. */
export function drawAxis(svg: SVGElement, scale: LinearScale, orient: "bottom" | "left", at: number, label?: string): SVGGElement {
  const g = svgEl("g", { class: `axis axis-${orient}`, "font-size": 10, fill: "#444" }, svg);
  const [a, b] = [Math.min(scale.d0, scale.d1), Math.max(scale.d0, scale.d1)];
  for (const v of niceTicks(a, b, orient === "bottom" ? 6 : 4)) {
    const p = scale.map(v);
    if (orient === "bottom") {
      svgEl("line", { x1: p, x2: p, y1: at, y2: at + 4, stroke: "#888" }, g);
      svgEl("text", { x: p, y: at + 14, "text-anchor": "middle" }, g).textContent = String(v);
    } else {
      svgEl("line", { x1: at - 4, x2: at, y1: p, y2: p, stroke: "#888" }, g);
      svgEl("text", { x: at - 6, y: p + 3, "text-anchor": "end" }, g).textContent = String(v);
    }
  }
  if (orient === "bottom") svgEl("line", { x1: scale.r0, x2: scale.r1, y1: at, y2: at, stroke: "#888" }, g);
  else svgEl("line", { x1: at, x2: at, y1: scale.r0, y2: scale.r1, stroke: "#888" }, g);
  if (label) {
    const t = svgEl("text", orient === "bottom" ? { x: (scale.r0 + scale.r1) / 2, y: at + 28, "text-anchor": "middle" } : { x: 0, y: 0, "text-anchor": "middle", transform: `translate(${at - 38},${(scale.r0 + scale.r1) / 2}) rotate(-90)` }, g);
    t.textContent = label;
  }
  return g;
}

/** Ten distinct colours (Tableau's), as [r, g, b]: category `i` gets colour `i % 10`. */
export const CATEGORY_COLOURS: readonly (readonly [number, number, number])[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/** The CSS colour of category `i`. */
export function categoryColour(i: number): string {
  const [r, g, b] = CATEGORY_COLOURS[((i % 10) + 10) % 10]!;
  return `rgb(${r}, ${g}, ${b})`;
}

/** Grey levels 0-255 of values scaled from their min (black) to their max (white); NaN is black. */
export function greyLevels(values: ArrayLike<number>): Uint8ClampedArray {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Uint8ClampedArray(values.length);
  const span = hi - lo;
  for (let i = 0; i < values.length; i++) out[i] = span > 0 ? Math.round((255 * (values[i]! - lo)) / span) : 0;
  return out;
}

/** The vertical line of the shared time cursor in a plot: moved with `set`, hidden outside the scale's domain. */
export function timeCursor(svg: SVGElement, scale: LinearScale, y0: number, y1: number): { set(t: number | undefined): void; line: SVGLineElement } {
  const line = svgEl("line", { class: "time-cursor", y1: y0, y2: y1, stroke: "#d62728", "stroke-width": 1, visibility: "hidden" }, svg);
  return {
    line,
    set(t) {
      const inside = t !== undefined && t >= Math.min(scale.d0, scale.d1) && t <= Math.max(scale.d0, scale.d1);
      line.setAttribute("visibility", inside ? "visible" : "hidden");
      if (t !== undefined) {
        line.setAttribute("x1", String(scale.map(t)));
        line.setAttribute("x2", String(scale.map(t)));
        line.dataset.t = String(t);
      }
    },
  };
}

/** A polyline's `points` attribute for x/y pixel pairs (2 decimals: exact enough, and short). */
export function polylinePoints(xs: ArrayLike<number>, ys: ArrayLike<number>): string {
  const parts = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i++) parts[i] = `${round2(xs[i]!)},${round2(ys[i]!)}`;
  return parts.join(" ");
}

/** `v` to 2 decimals. */
export function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
