/**
 * SpatialSeries as a trajectory: x/y drawn with equal scales (y up), a 1-D series as a line over time, a 3-D series
 * projected on x/y (z left out, said so under the plot). Position, CompassDirection and EyeTracking show each of their
 * series. The sample at the shared time cursor (the last one at or before it) is marked; a click on the plot moves
 * the cursor to the nearest sample's time.
 */
import type { AbstractContainer, NWBFile } from "../../browser.js";
import type { ViewContext, ViewHandle, ViewModule, ViewRequest } from "./view.js";
import { LinearScale, type SeriesLike, bisectRight, drawAxis, htmlEl, inUnits, pathOfObject, polylinePoints, readFloat64, sampleCount, sampleTimes, svgEl } from "./draw.js";

/** Series of more samples than this are drawn from every k-th sample (k the smallest that keeps this many). */
export const MAX_POINTS = 20000;

/** One series as the trajectory draws it. */
export interface TrajectoryData {
  name: string;
  path: string;
  /** The number of dimensions of a sample (1, 2 or 3). */
  dims: number;
  unit: string;
  reference_frame?: string;
  /** Every `step`-th sample is drawn (1: all of them). */
  step: number;
  /** The samples' times and coordinates (`y` for 2-D and 3-D, `z` for 3-D). */
  t: Float64Array;
  x: Float64Array;
  y?: Float64Array;
  z?: Float64Array;
}

/** What the view draws: one panel per series. */
export interface SpatialData {
  series: TrajectoryData[];
}

interface SpatialSeriesLike extends SeriesLike {
  reference_frame?: string;
}

async function readTrajectory(series: SpatialSeriesLike, maxPoints: number): Promise<TrajectoryData> {
  // Samples that have both a position and a time (timestamps of another length than the data: pynwb only warns).
  const n = Math.min(sampleCount(series), series.timestamps?.shape[0] ?? Infinity);
  const shape = series.data.shape;
  const dims = shape.length === 1 ? 1 : shape[1] ?? 1;
  if (dims < 1 || dims > 3 || shape.length > 2) series.fail("data", "samples of 1, 2 or 3 coordinates ([time] or [time, 1 to 3])", `shape [${shape.join(", ")}]`);
  const step = Math.max(1, Math.ceil(n / maxPoints));
  const all = inUnits(series, await readFloat64(series.data, n === sampleCount(series) ? undefined : [[0, n]], `${series.name}.data`));
  const times = await sampleTimes(series, 0, n);
  const m = Math.ceil(n / step);
  const t = new Float64Array(m);
  const coords = Array.from({ length: dims }, () => new Float64Array(m));
  for (let k = 0, i = 0; i < n; i += step, k++) {
    t[k] = times[i]!;
    for (let d = 0; d < dims; d++) coords[d]![k] = all[i * dims + d]!;
  }
  return {
    name: series.name, path: pathOfObject(series), dims, unit: series.unit ?? "", reference_frame: series.reference_frame, step, t,
    x: coords[0]!, y: coords[1], z: coords[2],
  };
}

async function extract(obj: AbstractContainer, request: ViewRequest, _file: NWBFile): Promise<SpatialData> {
  const maxPoints = typeof request.maxPoints === "number" && request.maxPoints > 0 ? request.maxPoints : MAX_POINTS;
  const holder = obj as AbstractContainer & { spatial_series?: Map<string, AbstractContainer> };
  const list = obj.isA("SpatialSeries") ? [obj] : [...(holder.spatial_series?.values() ?? [])];
  return { series: await Promise.all(list.map((s) => readTrajectory(s as SpatialSeriesLike, maxPoints))) };
}

const SIZE = 360;
const MARGIN = 48;
const PAD = 8;

/** The scale's attribute for the tests and tools: `d0,d1,r0,r1`. */
function scaleAttr(s: LinearScale): string {
  return [s.d0, s.d1, s.r0, s.r1].join(",");
}

function extent(values: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

/** Draws one series; returns how to move its marker. */
function drawSeries(parent: HTMLElement, s: TrajectoryData, context: ViewContext<SpatialData>): (t: number | undefined) => void {
  const panel = htmlEl("figure", { class: "trajectory", "data-path": s.path, "data-dims": s.dims, style: "margin:0 0 12px 0" }, undefined, parent);
  htmlEl("figcaption", {}, `${s.name}${s.reference_frame ? ` (${s.reference_frame})` : ""}`, panel);
  let xs: Float64Array;
  let ys: Float64Array;
  let sx: LinearScale;
  let sy: LinearScale;
  const width = s.dims === 1 ? 2 * SIZE : SIZE + MARGIN;
  const svg = svgEl("svg", { width, height: SIZE + MARGIN }, panel);
  if (s.dims === 1) {
    xs = s.t;
    ys = s.x;
    sx = new LinearScale(...extent(s.t), MARGIN + PAD, width - 10);
    sy = new LinearScale(...extent(s.x), SIZE - PAD, 10);
    drawAxis(svg, sx, "bottom", SIZE, "time (s)");
    drawAxis(svg, sy, "left", MARGIN, s.unit);
  } else {
    xs = s.x;
    ys = s.y!;
    // Equal scales on both axes: a circle stays a circle.
    const [x0, x1] = extent(s.x);
    const [y0, y1] = extent(s.y!);
    const half = Math.max(x1 - x0, y1 - y0) / 2;
    const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
    // A few pixels inside the axes: a point at the edge is not drawn over an axis.
    sx = new LinearScale(cx - half, cx + half, MARGIN + PAD, MARGIN + SIZE - 10);
    sy = new LinearScale(cy - half, cy + half, SIZE - PAD, 6 + PAD / 2);
    drawAxis(svg, sx, "bottom", SIZE, `x (${s.unit})`);
    drawAxis(svg, sy, "left", MARGIN, `y (${s.unit})`);
  }
  svg.dataset.scaleX = scaleAttr(sx);
  svg.dataset.scaleY = scaleAttr(sy);
  const px = xs.map((v) => sx.map(v));
  const py = ys.map((v) => sy.map(v));
  svgEl("polyline", { class: "path", points: polylinePoints(px, py), fill: "none", stroke: "#1f77b4", "stroke-width": 1.2, "data-step": s.step }, svg);
  const marker = svgEl("circle", { class: "marker", r: 5, fill: "#d62728", visibility: "hidden" }, svg);
  const readout = svgEl("text", { class: "readout", x: width - 10, y: 14, "text-anchor": "end", "font-size": 11, fill: "#d62728" }, svg);
  if (s.dims === 3) htmlEl("p", { class: "note", style: "margin:2px 0;font-size:12px;color:#666" }, "3-D positions shown projected on x/y (z left out).", panel);
  if (s.step > 1) htmlEl("p", { class: "note", style: "margin:2px 0;font-size:12px;color:#666" }, `every ${s.step}th sample drawn.`, panel);
  svg.addEventListener("click", (e) => {
    const box = svg.getBoundingClientRect();
    const [cx, cy] = [e.clientX - box.left, e.clientY - box.top];
    let best = -1;
    let bestD = Infinity;
    for (let i = 0; i < px.length; i++) {
      const d = (px[i]! - cx) ** 2 + (py[i]! - cy) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    }
    if (best >= 0) context.setTime(s.t[best]!);
  });
  return (t) => {
    // The sample shown at time t: the last one at or before it (none before the first).
    const i = t === undefined ? -1 : bisectRight(s.t, t) - 1;
    if (i < 0) {
      marker.setAttribute("visibility", "hidden");
      delete marker.dataset.index;
      readout.textContent = "";
      return;
    }
    const at = [s.x[i]!, s.y?.[i], s.z?.[i]].filter((v): v is number => v !== undefined).map((v) => Number(v.toPrecision(4)));
    readout.textContent = `t = ${Number(s.t[i]!.toPrecision(6))} s: ${at.length > 1 ? `(${at.join(", ")})` : at[0]} ${s.unit}`;
    marker.setAttribute("visibility", "visible");
    marker.setAttribute("cx", String(px[i]));
    marker.setAttribute("cy", String(py[i]));
    marker.dataset.index = String(i * s.step);
    marker.dataset.t = String(s.t[i]);
  };
}

function render(element: HTMLElement, data: SpatialData, context: ViewContext<SpatialData>): ViewHandle {
  element.classList.add("spatial-view");
  if (data.series.length === 0) htmlEl("p", {}, "no SpatialSeries here", element);
  const markers = data.series.map((s) => drawSeries(element, s, context));
  for (const m of markers) m(context.time);
  return {
    setTime(t) {
      for (const m of markers) m(t);
    },
  };
}

/** SpatialSeries (and the containers of them) as trajectories. */
export const spatialView: ViewModule<SpatialData> = { name: "spatial", types: ["SpatialSeries", "Position", "CompassDirection", "EyeTracking"], extract, render };
