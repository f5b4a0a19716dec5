/**
 * A PlaneSegmentation's ROIs drawn over the imaging plane: each ROI's pixels filled in its colour (its edge opaque)
 * on a layer above a reference image in grey: an image of the same size from the processing module's Images (a
 * mean or max projection), else the mean of the first frames of the segmentation's reference_images series or of
 * a TwoPhotonSeries of its imaging plane, else black. Image masks, pixel masks and voxel masks (one plane at a
 * time, chosen on the page) are drawn alike. Clicking a ROI (or its entry in the list) shows its trace from each
 * RoiResponseSeries whose `rois` region refers to this table.
 *
 * Pixels are placed as the masks index them: an image mask's element `[a, b]` and a pixel mask's `(x, y)` =
 * `(a, b)` are row `a`, column `b`, as numpy's `imshow(image_mask)` shows them and as a frame of the imaging
 * plane's series (`data[t, a, b]`) is drawn, so ROIs sit over the cells they outline.
 *
 * A ROI's trace is not read here: the extract names each RoiResponseSeries and the ROI of each of its columns, and
 * the page asks the series' own view (the TimeSeries view's extract, `context.requestOther`) for that one column,
 * min/max decimated, and draws it as that view draws any trace (zoom, pan, the time cursor).
 */
import type { AbstractContainer, NWBFile } from "../../browser.js";
import type { LazyArray } from "../../data/lazy.js";
import type { ViewContext, ViewHandle, ViewModule, ViewRequest } from "./view.js";
import {
  CATEGORY_COLOURS, type SeriesLike, greyLevels, htmlEl, objectsOfFile, pathOfObject, readFloat64, requestInto, sampleAtTime, sampleCount, sampleTimes,
} from "./draw.js";
import { type SeriesData, timePlot } from "./timeseries.js";

/** How many frames a reference image averages when it comes from a movie. */
export const REFERENCE_FRAMES = 8;
/** How many image-mask rows are read at a time (a block of masks, turned into pixel lists before the next). */
const MASK_BLOCK = 16;

/** One ROI: its row, id and pixels (`row * width + column`) with their weights. */
export interface RoiMask {
  row: number;
  id: number;
  pixels: Uint32Array;
  weights: Float32Array;
}

/** A RoiResponseSeries whose `rois` region refers to the segmentation: where the ROIs' traces are. */
export interface RoiResponse {
  /** Its name and HDF5 path (the page asks the series' view for a column by this path). */
  name: string;
  path: string;
  /** Per column of the series, the segmentation's row (the ROI) it is the trace of. */
  rows: number[];
}

/** A frame of the plane's movie: its index, its time and its values (height × width, row after row). */
export interface RoiFrame {
  index: number;
  time: number;
  values: Float64Array;
}

/** What the ROI view draws. */
export interface RoiData {
  name: string;
  /** Which mask column the ROIs come from. */
  kind: "image_mask" | "pixel_mask" | "voxel_mask";
  /** The plane's size in pixels (rows, columns). */
  height: number;
  width: number;
  /** For volumes (voxel masks, 3-D image masks): the planes there are and the one drawn. */
  planes: number[];
  plane?: number;
  /** The reference image (height × width values, row after row) and where it comes from; absent: black. */
  reference?: Float64Array;
  referenceSource: string;
  rois: RoiMask[];
  /** The movie of the plane (its frames the plane's size), whose frame at the time cursor can be drawn instead. */
  movie?: string;
  /** That movie's frame at the time asked for (`frameAt`), when asked. */
  frame?: RoiFrame;
  /** The RoiResponseSeries that refer to this table, and which ROI each of their columns holds. */
  responses: RoiResponse[];
}

interface SegmentationLike extends AbstractContainer {
  length: number;
  colnames: string[];
  id?: { data: LazyArray };
  image_mask?: { data: LazyArray };
  imaging_plane?: AbstractContainer;
  reference_images?: Map<string, SeriesLike>;
  readColumn(name: string, rows?: [number, number]): Promise<unknown[]>;
  loadStoredRows(): Promise<void>;
  flushRows(): void;
}

interface ImageLike extends AbstractContainer {
  data: LazyArray;
}

/** The mean of the first frames (up to REFERENCE_FRAMES) of a movie of frames `[height, width]`. */
async function meanOfFrames(series: SeriesLike): Promise<Float64Array> {
  const n = Math.min(REFERENCE_FRAMES, sampleCount(series));
  const [, h = 0, w = 0] = series.data.shape;
  const values = await readFloat64(series.data, [[0, n], [0, h], [0, w]], `${series.name}.data`);
  const mean = new Float64Array(h * w);
  for (let f = 0; f < n; f++) for (let p = 0; p < h * w; p++) mean[p]! += values[f * h * w + p]! / n;
  return mean;
}

/** The reference image for a plane of `shape` (undefined: any shape, the first found gives it), and where it is from. */
async function referenceImage(seg: SegmentationLike, file: NWBFile, shape: [number, number] | undefined, volume: boolean): Promise<{ values: Float64Array; shape: [number, number]; source: string } | undefined> {
  const fits = (s: readonly number[]) => s.length >= 2 && (shape === undefined || (s[0] === shape[0] && s[1] === shape[1]));
  // Images of the processing module that holds the segmentation (summary images: mean, max, correlation). Not for
  // a volume: a summary image is of one plane, and nothing says which.
  const module = seg.parent?.parent as (AbstractContainer & { data_interfaces?: Map<string, AbstractContainer> }) | undefined;
  for (const item of volume ? [] : module?.data_interfaces?.values() ?? []) {
    if (!item.isA("Images")) continue;
    for (const image of (item as AbstractContainer & { images: Map<string, ImageLike> }).images.values()) {
      const s = image.data.shape;
      if (s.length !== 2 || !fits(s)) continue;
      return { values: await readFloat64(image.data, undefined, pathOfObject(image)), shape: [s[0]!, s[1]!], source: pathOfObject(image) };
    }
  }
  const movie = movieOf(seg, file, shape);
  if (movie === undefined) return undefined;
  const s = movie.data.shape;
  const n = Math.min(REFERENCE_FRAMES, s[0]!);
  return { values: await meanOfFrames(movie), shape: [s[1]!, s[2]!], source: `mean of frames 0–${n - 1} of ${pathOfObject(movie)}` };
}

/**
 * The movie of the segmentation's plane: its reference_images series, else a TwoPhotonSeries of its imaging plane,
 * whose frames are `shape` (any shape when undefined); undefined when none.
 */
function movieOf(seg: SegmentationLike, file: NWBFile, shape: [number, number] | undefined): SeriesLike | undefined {
  const movies: SeriesLike[] = [...(seg.reference_images?.values() ?? [])];
  for (const o of objectsOfFile(file)) {
    if (o.isA("TwoPhotonSeries") && (o as AbstractContainer & { imaging_plane?: unknown }).imaging_plane === seg.imaging_plane && !movies.includes(o as SeriesLike)) movies.push(o as SeriesLike);
  }
  return movies.find((movie) => {
    const s = movie.data?.shape ?? [];
    return s.length === 3 && s[0]! > 0 && (shape === undefined || (s[1] === shape[0] && s[2] === shape[1]));
  });
}

/** The frame of `movie` shown at time `t`: the last one at or before it (the first before the movie starts). */
async function frameAt(movie: SeriesLike, t: number): Promise<RoiFrame> {
  const n = sampleCount(movie);
  let index = Math.min(n - 1, await sampleAtTime(movie, t));
  const at = async (i: number) => (await sampleTimes(movie, i, i + 1))[0]!;
  if (index > 0 && (await at(index)) > t) index--;
  const [, h = 0, w = 0] = movie.data.shape;
  return { index, time: await at(index), values: await readFloat64(movie.data, [[index, index + 1], [0, h], [0, w]], `${pathOfObject(movie)}.data`) };
}

/** Reference images found, per segmentation and plane size: following the time cursor does not read them again. */
const references = new WeakMap<object, Map<string, ReturnType<typeof referenceImage>>>();

function cachedReference(seg: SegmentationLike, file: NWBFile, shape: [number, number] | undefined, volume: boolean): ReturnType<typeof referenceImage> {
  const key = `${shape?.join("x") ?? "any"}/${volume}`;
  const known = references.get(seg) ?? new Map<string, ReturnType<typeof referenceImage>>();
  references.set(seg, known);
  let found = known.get(key);
  if (!found) {
    found = referenceImage(seg, file, shape, volume);
    known.set(key, found);
    found.catch(() => known.delete(key));
  }
  return found;
}

/** Pixel-mask or voxel-mask rows (`{ x, y[, z], weight }` lists) as RoiMasks of one plane (voxel: `plane`). */
function fromEntries(rows: unknown[], ids: Float64Array, width: number, plane: number | undefined): RoiMask[] {
  return rows.map((entries, row) => {
    const list = (entries as { x: number; y: number; z?: number; weight: number }[]).filter((e) => plane === undefined || Number(e.z) === plane);
    return {
      row, id: ids[row]!,
      pixels: Uint32Array.from(list, (e) => Number(e.x) * width + Number(e.y)),
      weights: Float32Array.from(list, (e) => Number(e.weight)),
    };
  });
}

async function extract(obj: AbstractContainer, request: ViewRequest, file: NWBFile): Promise<RoiData> {
  const seg = obj as SegmentationLike;
  await seg.loadStoredRows();
  seg.flushRows();
  const n = seg.length;
  const ids = await readFloat64(seg.id!.data, undefined, "id");
  const kind = seg.colnames.includes("image_mask") ? "image_mask" : seg.colnames.includes("pixel_mask") ? "pixel_mask" : seg.colnames.includes("voxel_mask") ? "voxel_mask" : undefined;
  if (kind === undefined) return seg.fail("image_mask", "ROIs as image_mask, pixel_mask or voxel_mask");
  let rois: RoiMask[];
  let height: number;
  let width: number;
  let planes: number[] = [];
  let plane: number | undefined;
  let reference: Awaited<ReturnType<typeof referenceImage>>;
  const askedPlane = typeof request.plane === "number" ? request.plane : undefined;
  if (kind === "image_mask") {
    const masks = seg.image_mask!.data;
    const [, h = 0, w = 0, depth] = masks.shape;
    [height, width] = [h, w];
    if (depth !== undefined) {
      planes = Array.from({ length: depth }, (_, z) => z);
      plane = askedPlane ?? 0;
      if (!planes.includes(plane)) seg.fail("plane", `a plane of the image masks (0 to ${depth - 1})`, plane);
    }
    reference = await cachedReference(seg, file, [h, w], depth !== undefined);
    rois = [];
    // Block by block: a thousand 512×512 masks are never all in memory as numbers.
    for (let a = 0; a < n; a += MASK_BLOCK) {
      const b = Math.min(n, a + MASK_BLOCK);
      const block = await readFloat64(masks, depth === undefined ? [[a, b]] : [[a, b], [0, h], [0, w], [plane!, plane! + 1]], "image_mask");
      for (let r = a; r < b; r++) {
        const pixels: number[] = [];
        const weights: number[] = [];
        for (let p = 0; p < h * w; p++) {
          const v = block[(r - a) * h * w + p]!;
          if (v > 0) {
            pixels.push(p);
            weights.push(v);
          }
        }
        rois.push({ row: r, id: ids[r]!, pixels: Uint32Array.from(pixels), weights: Float32Array.from(weights) });
      }
    }
  } else {
    const rows = await seg.readColumn(kind);
    if (kind === "voxel_mask") {
      const zs = new Set<number>();
      for (const entries of rows) for (const e of entries as { z: number }[]) zs.add(Number(e.z));
      planes = [...zs].sort((p, q) => p - q);
      plane = askedPlane ?? planes[0] ?? 0;
      if (askedPlane !== undefined && !zs.has(askedPlane)) seg.fail("plane", `a plane the voxel masks have (${planes.join(", ")})`, askedPlane);
    }
    // The plane's size: the reference image's, else the extent of the masks.
    reference = await cachedReference(seg, file, undefined, kind === "voxel_mask");
    let maxX = 0;
    let maxY = 0;
    for (const entries of rows) {
      for (const e of entries as { x: number; y: number }[]) {
        maxX = Math.max(maxX, Number(e.x) + 1);
        maxY = Math.max(maxY, Number(e.y) + 1);
      }
    }
    if (reference && (reference.shape[0] < maxX || reference.shape[1] < maxY)) reference = undefined;
    [height, width] = reference ? reference.shape : [maxX, maxY];
    rois = fromEntries(rows, ids, width, plane);
  }
  // The series whose `rois` region refers to this table: where a ROI's trace is (the region's rows, read once here;
  // the trace itself is the series' view's to read, a column at a time).
  const responses: RoiResponse[] = [];
  for (const o of objectsOfFile(file)) {
    const region = (o as AbstractContainer & { rois?: { table?: unknown; data?: LazyArray } }).rois;
    if (!o.isA("RoiResponseSeries") || region?.table !== seg || region.data === undefined) continue;
    responses.push({ name: o.name, path: pathOfObject(o), rows: Array.from(await readFloat64(region.data, undefined, `${o.name}.rois`)) });
  }
  // A volume's movie is not of one plane: only a plane's movie is offered.
  const movie = planes.length === 0 ? movieOf(seg, file, [height, width]) : undefined;
  const frame = movie !== undefined && typeof request.frameAt === "number" ? await frameAt(movie, request.frameAt) : undefined;
  return {
    name: seg.name, kind, height, width, planes, plane, reference: reference?.values, referenceSource: reference?.source ?? "none (black)",
    movie: movie && pathOfObject(movie), frame, rois, responses,
  };
}

/** Fill opacity of a ROI's inside (its edge is opaque). */
export const FILL_ALPHA = 90;
const SCALE = 12;
/** How many pixel columns a ROI's trace is drawn on. */
const TRACE_WIDTH = 640;

/** The RGBA overlay of the ROIs: each ROI's pixels in its colour (a later ROI over an earlier one), edges opaque. */
export function roiOverlay(rois: readonly RoiMask[], height: number, width: number, selected?: number): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(height * width * 4);
  for (const [k, roi] of rois.entries()) {
    const inside = new Set(roi.pixels);
    const [r, g, b] = roi.row === selected ? [255, 255, 255] : CATEGORY_COLOURS[k % 10]!;
    for (const p of roi.pixels) {
      if (p >= height * width) continue;
      const row = Math.floor(p / width);
      const col = p % width;
      const edge = row === 0 || col === 0 || row === height - 1 || col === width - 1 ||
        !inside.has(p - 1) || !inside.has(p + 1) || !inside.has(p - width) || !inside.has(p + width);
      rgba.set([r, g, b, edge ? 255 : FILL_ALPHA], p * 4);
    }
  }
  return rgba;
}

function render(element: HTMLElement, first: RoiData, context: ViewContext<RoiData>): ViewHandle {
  element.classList.add("roi-view");
  // The plane (redrawn when the plane, the frame or the selection changes) and the selected ROI's traces (drawn
  // anew only when another ROI is selected: a zoom into a trace outlives the movie's frame following the cursor).
  const image = htmlEl("div", { class: "roi-image" }, undefined, element);
  const traceBox = htmlEl("div", { class: "roi-traces" }, undefined, element);
  let data = first;
  let disposed = false;
  /** The selected ROI (a row of the table). */
  let selected: number | undefined;
  /** The traces shown (each the TimeSeries view's plot of one column), told when the cursor moves. */
  let traces: ViewHandle[] = [];
  // Whether the movie's frame at the time cursor is drawn (instead of the reference image); the time waiting to be
  // asked for while a frame is being read (only the latest of quick moves is read).
  let following = false;
  let pending: number | undefined;
  let reading = false;
  const follow = async (t: number): Promise<void> => {
    pending = t;
    if (reading) return;
    reading = true;
    while (pending !== undefined && following && !disposed) {
      const next = pending;
      pending = undefined;
      await ask({ frameAt: next });
    }
    reading = false;
  };

  const ask = async (changes: ViewRequest): Promise<void> => {
    await requestInto(element, () => context.request({ plane: data.plane, frameAt: following ? context.time ?? 0 : undefined, ...changes }), (next) => {
      if (disposed) return;
      data = next;
      draw();
    });
  };

  /** Selects ROI `row`: drawn in white, and its trace from each series that has it. */
  const select = (row: number): void => {
    selected = row;
    draw();
    void showTraces(row);
  };

  /** Counts selections: the traces of a ROI no longer selected are not drawn. */
  let selections = 0;
  /**
   * The ROI's trace from each RoiResponseSeries that has it: that series' column, asked of the series' own view (the
   * TimeSeries view's extract: the visible window, min/max decimated) and drawn by its plot, zoomable, with the cursor.
   */
  async function showTraces(row: number): Promise<void> {
    const mine = ++selections;
    const columns = data.responses.flatMap((r) => (r.rows.includes(row) ? [{ response: r, column: r.rows.indexOf(row) }] : []));
    const first = await Promise.all(columns.map(({ response, column }) =>
      context.requestOther<SeriesData>(response.path, { start: column, end: column + 1, pixels: TRACE_WIDTH, time: context.time }))).catch((e: unknown) => {
      if (mine === selections && !disposed) htmlEl("p", { class: "view-error", style: "color:#b00020;margin:2px 0" }, e instanceof Error ? e.message : String(e), traceBox);
      return undefined;
    });
    if (mine !== selections || disposed || first === undefined) return;
    for (const t of traces) t.dispose?.();
    traces = [];
    traceBox.replaceChildren();
    if (columns.length === 0) {
      htmlEl("p", { class: "roi-no-trace" }, data.responses.length === 0 ? "no RoiResponseSeries refers to this table" : "no response series has this ROI", traceBox);
      return;
    }
    const id = data.rois.find((r) => r.row === row)?.id ?? row;
    for (const [k, { response, column }] of columns.entries()) {
      const fig = htmlEl("figure", { class: "roi-trace", "data-series": response.path, "data-column": column, style: "margin:4px 0" }, undefined, traceBox);
      const caption = htmlEl("figcaption", { style: "font-size:12px" }, `${response.name}, ROI ${id} (column ${column}) `, fig);
      // The whole series (every ROI) is the series' own view.
      const open = htmlEl("a", { href: "#", class: "roi-open-series", "data-path": response.path }, "open the series", caption);
      open.addEventListener("click", (e) => {
        e.preventDefault();
        context.select(response.path);
      });
      const plot = htmlEl("div", { class: "roi-trace-plot" }, undefined, fig);
      const series: ViewContext<SeriesData> = {
        ...context,
        get time() {
          return context.time;
        },
        // Zoom and pan keep to the ROI's column.
        request: (r) => context.requestOther<SeriesData>(response.path, { ...r, start: column, end: column + 1 }),
      };
      traces.push(timePlot(plot, first[k]!, series, undefined, { channelControls: false }));
    }
  }

  function draw(): void {
    image.replaceChildren();
    const { height, width } = data;
    htmlEl("div", { class: "roi-summary" }, `${data.name}: ${data.rois.length} ROIs (${data.kind}) on ${height}×${width} pixels · reference: ${data.referenceSource}`, image);
    if (data.planes.length > 0) {
      const label = htmlEl("label", {}, "plane ", image);
      const choose = htmlEl("select", { class: "roi-plane" }, undefined, label);
      for (const z of data.planes) {
        const option = htmlEl("option", { value: z }, String(z), choose);
        option.selected = z === data.plane;
      }
      choose.addEventListener("change", () => void ask({ plane: Number(choose.value) }));
    }
    if (data.movie !== undefined) {
      const label = htmlEl("label", { style: "font-size:12px;margin-left:8px" }, undefined, image);
      const box = htmlEl("input", { type: "checkbox", class: "roi-follow" }, undefined, label);
      box.checked = following;
      label.append(` the frame of ${data.movie} at the time cursor${data.frame ? ` (frame ${data.frame.index}, ${Number(data.frame.time.toPrecision(6))} s)` : ""}`);
      box.addEventListener("change", () => {
        following = box.checked;
        void ask({ frameAt: following ? context.time ?? 0 : undefined });
      });
    }
    const stack = htmlEl("div", { class: "roi-stack", style: `position:relative;width:${width * SCALE}px;height:${height * SCALE}px;margin:6px 0` }, undefined, image);
    const style = `position:absolute;left:0;top:0;width:${width * SCALE}px;height:${height * SCALE}px;image-rendering:pixelated`;
    const base = htmlEl("canvas", { class: "roi-reference", width, height, style }, undefined, stack);
    const shown = data.frame?.values ?? data.reference;
    const grey = shown ? greyLevels(shown) : new Uint8ClampedArray(height * width);
    base.dataset.source = data.frame ? `frame ${data.frame.index}` : "reference";
    const pixels = new Uint8ClampedArray(height * width * 4);
    for (let p = 0; p < height * width; p++) pixels.set([grey[p]!, grey[p]!, grey[p]!, 255], p * 4);
    if (height > 0 && width > 0) base.getContext("2d")!.putImageData(new ImageData(pixels, width, height), 0, 0);
    const overlay = htmlEl("canvas", { class: "roi-overlay", width, height, style: `${style};cursor:crosshair` }, undefined, stack);
    if (height > 0 && width > 0) overlay.getContext("2d")!.putImageData(new ImageData(roiOverlay(data.rois, height, width, selected), width, height), 0, 0);
    overlay.addEventListener("click", (e) => {
      const box = overlay.getBoundingClientRect();
      const row = Math.floor(((e.clientY - box.top) / box.height) * height);
      const col = Math.floor(((e.clientX - box.left) / box.width) * width);
      const p = row * width + col;
      // The ROI drawn on top at that pixel: the last one that has it.
      const hit = [...data.rois].reverse().find((r) => r.pixels.includes(p));
      if (hit) select(hit.row);
    });

    const list = htmlEl("ul", { class: "roi-list", style: "list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px;font-size:12px" }, undefined, image);
    for (const [k, roi] of data.rois.entries()) {
      const [r, g, b] = CATEGORY_COLOURS[k % 10]!;
      const item = htmlEl("li", { "data-row": roi.row, "data-id": roi.id, style: `cursor:pointer;padding:1px 5px;border-left:8px solid rgb(${r},${g},${b});${roi.row === selected ? "background:#ffe9a8" : ""}` }, `ROI ${roi.id}`, list);
      if (roi.row === selected) item.classList.add("selected");
      item.addEventListener("click", () => select(roi.row));
    }
  }

  draw();
  return {
    setTime(t) {
      for (const trace of traces) trace.setTime?.(t);
      if (following && data.movie !== undefined) void follow(t);
    },
    dispose() {
      disposed = true;
      for (const trace of traces) trace.dispose?.();
    },
  };
}

/** PlaneSegmentation: ROIs over the imaging plane, a clicked ROI's traces. */
export const roiView: ViewModule<RoiData> = { name: "roi", types: ["PlaneSegmentation"], searchesFile: true, extract, render };
