/**
 * Intracellular electrophysiology by sweep: the recordings of an IntracellularRecordingsTable (a stimulus and a
 * response per row), the sweeps of a SweepTable (the series of one sweep number), or, for a PatchClampSeries, the
 * recordings or sweep it belongs to. The list of sweeps on the left; the selected sweeps' responses drawn above
 * their stimuli, time from each sweep's start, several sweeps overlaid when more are ticked. Only the selected
 * sweeps' samples are read.
 */
import type { AbstractContainer, NWBFile } from "../../browser.js";
import type { ViewContext, ViewHandle, ViewModule, ViewRequest } from "./view.js";
import {
  LinearScale, type SeriesLike, categoryColour, decimateMinMax, drawAxis, htmlEl, inUnits, pathOfObject, polylinePoints, readFloat64, requestInto, sampleCount,
  sampleTimes, svgEl, timeCursor,
} from "./draw.js";

/** A series' samples in a sweep: which series, its role, and its samples `[start, start + count)`. */
export interface SweepPart {
  role: "response" | "stimulus";
  path: string;
  name: string;
  type: string;
  start: number;
  count: number;
}

/** A sweep (a recording row, or the series of one sweep number). */
export interface Sweep {
  label: string;
  parts: SweepPart[];
}

/** A part of a selected sweep, read: times from the sweep's start (`tStart` the first sample's time), values in its unit. */
export interface SweepTrace extends SweepPart {
  sweep: number;
  unit: string;
  tStart: number;
  t: Float64Array;
  y: Float64Array;
}

/** What the sweep view draws. */
export interface IcephysData {
  /** Where the sweeps come from. */
  source: "intracellular_recordings" | "sweep_table" | "series";
  sweeps: Sweep[];
  /** The sweeps shown (indices into `sweeps`). */
  selected: number[];
  traces: SweepTrace[];
}

interface ReferenceLike {
  idx_start: number;
  count: number;
  timeseries: SeriesLike;
}

interface TableLike extends AbstractContainer {
  length: number;
  readColumn(name: string, rows?: [number, number]): Promise<unknown[]>;
  toRecords(): Promise<Record<string, unknown>[]>;
}

/** A stimulus series (its type, or its place under /stimulus) rather than a response. */
function roleOf(series: SeriesLike): "response" | "stimulus" {
  return series.neurodata_type.endsWith("StimulusSeries") || pathOfObject(series).startsWith("/stimulus") ? "stimulus" : "response";
}

function partOf(series: SeriesLike, role: "response" | "stimulus", start: number, count: number): SweepPart {
  return { role, path: pathOfObject(series), name: series.name, type: series.neurodata_type, start, count };
}

/** The sweeps of each table, listed once per table (a click on a sweep reads its samples, not the table again). */
const sweepLists = new WeakMap<object, Promise<Sweep[]>>();
function listed(table: TableLike, list: (table: TableLike) => Promise<Sweep[]>): Promise<Sweep[]> {
  let sweeps = sweepLists.get(table);
  if (!sweeps) {
    sweeps = list(table);
    sweepLists.set(table, sweeps);
    sweeps.catch(() => sweepLists.delete(table));
  }
  return sweeps;
}

/** The recordings of an IntracellularRecordingsTable as sweeps (a row: its response, then its stimulus). */
function recordingSweeps(table: TableLike): Promise<Sweep[]> {
  return listed(table, listRecordings);
}

async function listRecordings(table: TableLike): Promise<Sweep[]> {
  const rows = await table.toRecords();
  return rows.map((row) => {
    const parts: SweepPart[] = [];
    const response = (row.responses as { response?: ReferenceLike | null } | undefined)?.response;
    const stimulus = (row.stimuli as { stimulus?: ReferenceLike | null } | undefined)?.stimulus;
    if (response) parts.push(partOf(response.timeseries, "response", response.idx_start, response.count));
    if (stimulus) parts.push(partOf(stimulus.timeseries, "stimulus", stimulus.idx_start, stimulus.count));
    return { label: `recording ${row.id}`, parts };
  });
}

/** The sweeps of a SweepTable: the series of each sweep number, whole, in the order of the numbers. */
function sweepTableSweeps(table: TableLike): Promise<Sweep[]> {
  return listed(table, listSweepTable);
}

async function listSweepTable(table: TableLike): Promise<Sweep[]> {
  const numbers = (await table.readColumn("sweep_number")).map(Number);
  const series = await table.readColumn("series");
  const bySweep = new Map<number, SweepPart[]>();
  for (const [i, n] of numbers.entries()) {
    const list = bySweep.get(n) ?? [];
    for (const s of series[i] as SeriesLike[]) if (typeof s === "object" && s !== null) list.push(partOf(s, roleOf(s), 0, sampleCount(s)));
    bySweep.set(n, list);
  }
  return [...bySweep.entries()].sort((a, b) => a[0] - b[0]).map(([n, parts]) => ({ label: `sweep ${n}`, parts }));
}

async function extract(obj: AbstractContainer, request: ViewRequest, file: NWBFile): Promise<IcephysData> {
  let source: IcephysData["source"];
  let sweeps: Sweep[];
  const recordings = (file as NWBFile & { intracellular_recordings?: TableLike }).intracellular_recordings;
  const sweepTable = (file as NWBFile & { sweep_table?: TableLike }).sweep_table;
  if (obj.isA("IntracellularRecordingsTable")) {
    source = "intracellular_recordings";
    sweeps = await recordingSweeps(obj as TableLike);
  } else if (obj.isA("SweepTable")) {
    source = "sweep_table";
    sweeps = await sweepTableSweeps(obj as TableLike);
  } else {
    // A series: the recordings or the sweep it is part of, else the series alone.
    const series = obj as SeriesLike & { sweep_number?: number };
    const path = pathOfObject(series);
    const has = (s: Sweep) => s.parts.some((p) => p.path === path);
    sweeps = [];
    source = "series";
    if (recordings !== undefined) {
      sweeps = (await recordingSweeps(recordings)).filter(has);
      source = "intracellular_recordings";
    }
    if (sweeps.length === 0 && sweepTable !== undefined && series.sweep_number !== undefined) {
      sweeps = (await sweepTableSweeps(sweepTable)).filter(has);
      source = "sweep_table";
    }
    if (sweeps.length === 0) {
      source = "series";
      sweeps = [{ label: series.name, parts: [partOf(series, roleOf(series), 0, sampleCount(series))] }];
    }
  }
  const asked = Array.isArray(request.sweeps) ? (request.sweeps as unknown[]) : [0];
  const selected = asked.filter((i): i is number => Number.isInteger(i) && (i as number) >= 0 && (i as number) < sweeps.length);
  if (selected.length !== asked.length && sweeps.length > 0) obj.fail("sweeps", `sweep indices within 0 to ${sweeps.length - 1}`, asked);
  const pixels = typeof request.pixels === "number" ? request.pixels : 1000;
  const byPath = new Map([...file.objects.values()].map((o) => [pathOfObject(o), o as SeriesLike] as const));
  const traces: SweepTrace[] = [];
  for (const k of selected) {
    for (const part of sweeps[k]!.parts) {
      const series = byPath.get(part.path)!;
      if (part.count <= 0) continue;
      const raw = await readFloat64(series.data, [[part.start, part.start + part.count]], `${series.name}.data`);
      const times = await sampleTimes(series, part.start, part.start + part.count);
      const tStart = times[0]!;
      const relative = times.map((v) => v - tStart);
      const { t, y } = decimateMinMax(relative, inUnits(series, raw), pixels);
      traces.push({ ...part, sweep: k, unit: series.unit ?? "", tStart, t, y });
    }
  }
  return { source, sweeps, selected, traces };
}

const WIDTH = 640;
const PANEL = 170;
const LEFT = 64;

function render(element: HTMLElement, first: IcephysData, context: ViewContext<IcephysData>): ViewHandle {
  element.classList.add("icephys-view");
  let data = first;
  let disposed = false;
  let cursors: { set(t: number | undefined): void }[] = [];

  const show = async (sweeps: number[]): Promise<void> => {
    await requestInto(element, () => context.request({ sweeps }), (next) => {
      if (disposed) return;
      data = next;
      draw();
    });
  };

  function draw(): void {
    element.replaceChildren();
    const body = htmlEl("div", { style: "display:flex;gap:12px;align-items:flex-start" }, undefined, element);
    const list = htmlEl("ul", { class: "sweep-list", style: "list-style:none;padding:0;margin:0;font-size:12px;max-height:380px;overflow:auto" }, undefined, body);
    for (const [i, sweep] of data.sweeps.entries()) {
      const on = data.selected.includes(i);
      const item = htmlEl("li", { "data-sweep": i, style: on ? "background:#ffe9a8" : "" }, undefined, list);
      if (on) item.classList.add("selected");
      const box = htmlEl("input", { type: "checkbox", title: "overlay this sweep" }, undefined, item);
      box.checked = on;
      box.addEventListener("change", () => void show(box.checked ? [...data.selected, i] : data.selected.filter((k) => k !== i)));
      const label = htmlEl("span", { class: "sweep-label", style: "cursor:pointer;padding:0 4px" }, `${sweep.label} (${sweep.parts.map((p) => p.name).join(", ")})`, item);
      label.addEventListener("click", () => void show([i]));
    }
    const plots = htmlEl("div", { class: "sweep-plots" }, undefined, body);
    cursors = [];
    const duration = Math.max(1e-9, ...data.traces.map((t) => t.t[t.t.length - 1] ?? 0));
    const origin = data.traces[0]?.tStart ?? 0;
    for (const role of ["response", "stimulus"] as const) {
      const traces = data.traces.filter((t) => t.role === role);
      if (traces.length === 0) continue;
      let lo = Infinity;
      let hi = -Infinity;
      for (const tr of traces) for (const v of tr.y) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      if (!(hi > lo)) [lo, hi] = [Number.isFinite(lo) ? lo - 1 : 0, Number.isFinite(hi) ? hi + 1 : 1];
      const fig = htmlEl("figure", { class: `sweep-${role}`, style: "margin:0 0 6px 0" }, undefined, plots);
      htmlEl("figcaption", { style: "font-size:12px" }, `${role} (${[...new Set(traces.map((t) => t.unit))].join(", ")})`, fig);
      const svg = svgEl("svg", { width: WIDTH, height: PANEL + 34 }, fig);
      const x = new LinearScale(0, duration, LEFT, WIDTH - 10);
      const y = new LinearScale(lo, hi, PANEL - 4, 6);
      svg.dataset.scaleX = [x.d0, x.d1, x.r0, x.r1].join(",");
      svg.dataset.scaleY = [y.d0, y.d1, y.r0, y.r1].join(",");
      drawAxis(svg, x, "bottom", PANEL, "time from sweep start (s)");
      drawAxis(svg, y, "left", LEFT);
      for (const tr of traces) {
        svgEl("polyline", {
          class: "sweep-trace", points: polylinePoints(tr.t.map((v) => x.map(v)), tr.y.map((v) => y.map(v))), fill: "none",
          stroke: categoryColour(data.selected.indexOf(tr.sweep)), "data-sweep": tr.sweep, "data-series": tr.path, "data-role": role, "data-t-start": tr.tStart,
        }, svg);
      }
      // The shared cursor, in the first selected sweep's time.
      const line = timeCursor(svg, x, 6, PANEL);
      cursors.push({ set: (t) => line.set(t === undefined ? undefined : t - origin) });
      svg.addEventListener("click", (e) => {
        const px = e.clientX - svg.getBoundingClientRect().left;
        if (px >= x.r0 && px <= x.r1) context.setTime(origin + x.invert(px));
      });
    }
    if (data.traces.length === 0) htmlEl("p", {}, data.sweeps.length === 0 ? "no sweeps" : "tick a sweep to show it", plots);
    for (const c of cursors) c.set(context.time);
  }

  draw();
  return {
    setTime(t) {
      for (const c of cursors) c.set(t);
    },
    dispose() {
      disposed = true;
    },
  };
}

/** Icephys sweeps: PatchClampSeries and the tables that group them. */
export const icephysView: ViewModule<IcephysData> = {
  name: "icephys", types: ["PatchClampSeries", "IntracellularRecordingsTable", "SweepTable"], searchesFile: true, extract, render,
};
