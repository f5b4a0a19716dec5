/**
 * The domain views' extracts, in Node (no browser), on pynwb-written files: each returns the values h5py reads
 * (spike times, interval times, positions, mask pixels, traces) and reads only what it needs (the units in view,
 * the selected ROI's column, the selected sweep's series). Their drawings are tested in Chromium
 * (viewer-domain-views.test.ts).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AbstractContainer, type LazyArray, type NWBFile, NWBHDF5IO, type Selection } from "../src/index.js";
import type { ViewModule } from "../src/viewer/views/view.js";
import { unitsView } from "../src/viewer/views/units.js";
import { intervalsView } from "../src/viewer/views/intervals.js";
import { spatialView } from "../src/viewer/views/spatial.js";
import { REFERENCE_FRAMES, roiView } from "../src/viewer/views/roi.js";
import { icephysView } from "../src/viewer/views/icephys.js";
import { type TraceData, timeSeriesView } from "../src/viewer/views/timeseries.js";
import { DOMAINS, type Expected, type ExpectedSeries, makeDomainFiles } from "./viewer-domain-files.js";

let dir: string;
let expected: Expected;
let cleanup: () => void;
const open: NWBHDF5IO[] = [];

beforeAll(() => {
  ({ dir, expected, cleanup } = makeDomainFiles());
}, 120_000);
afterAll(async () => {
  for (const io of open) await io.close();
  cleanup?.();
});

/** The file `name` (in the test's folder, or a path), read once per call. */
async function read(file: string): Promise<NWBFile> {
  const io = await NWBHDF5IO.open(file.includes("/") ? file : path.join(dir, file), "r");
  open.push(io);
  return io.read();
}

function at(file: NWBFile, where: string): AbstractContainer {
  const found = [...file.objects.values()].find((o) => o.container_source?.path === where);
  if (!found) throw new Error(`no object at ${where}`);
  return found;
}

/** Records the selections `array` is read with. */
function spy(array: LazyArray): (Selection | undefined)[] {
  const reads: (Selection | undefined)[] = [];
  const original = array.read.bind(array);
  (array as { read: LazyArray["read"] }).read = async (selection?: Selection) => {
    reads.push(selection);
    return original(selection);
  };
  return reads;
}

/**
 * Data that went through structuredClone unchanged (what the reading worker posts to the page), each typed array
 * owning its buffer: a view of a larger read would post the whole read.
 */
function cloned<T>(data: T): T {
  const copy = structuredClone(data);
  expect(copy).toEqual(data);
  const walk = (v: unknown, where: string): void => {
    if (ArrayBuffer.isView(v)) expect(v.byteLength, `${where}: a typed array of ${v.byteLength} bytes on a buffer of ${v.buffer.byteLength}`).toBe(v.buffer.byteLength);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
    else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
  };
  walk(data, "data");
  return copy;
}

async function run<D>(view: ViewModule<D>, file: NWBFile, where: string, request: Record<string, unknown> = {}): Promise<D> {
  return cloned(await view.extract(at(file, where), request, file));
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 9);
};

describe("units", () => {
  it("reads every unit of a small table: ids, columns as text, spike times in the whole span", async () => {
    const file = await read("units.nwb");
    const data = await run(unitsView, file, "/units");
    const e = expected.units;
    expect(data.total).toBe(13);
    expect(data.ids).toEqual(e.ids);
    expect(data.columns).toEqual(["quality", "labels", "depth", "obs_intervals"]);
    // A short list is shown; a long or multi-dimensional ragged column by its length (its values not read).
    expect(data.cells.map((row) => row[1])).toEqual([...e.ids.slice(0, 12).map((_, u) => ["a", "b"].slice(0, u % 3).join(", ")), "dense"]);
    expect(data.cells.map((row) => row[3])).toEqual([...e.ids.slice(0, 12).map((_, u) => `[${1 + (u % 2)} items]`), "[20 items]"]);
    expect(data.cells.map((row) => Number(row[2]))).toEqual(e.depth);
    expect(data.cells.map((row) => row[data.columns.indexOf("quality")])).toEqual(e.quality);
    expect(data.sortable).toEqual(expect.arrayContaining(["id", "depth", "quality"]));
    expect(data.spikes.map((s) => Array.from(s))).toEqual(e.spike_times);
    expect(data.counts).toEqual(e.spike_times.map((s) => s.length));
    const all = e.spike_times.flat();
    expect(data.range).toEqual([Math.min(...all), Math.max(...all)]);
  });

  it("reads only the units in view: their rows of spike_times_index and their one span of spike_times", async () => {
    const file = await read("units.nwb");
    const units = at(file, "/units") as AbstractContainer & { getColumn(n: string): { data: LazyArray } };
    const timesRead = spy(units.getColumn("spike_times").data);
    const indexRead = spy(units.getColumn("spike_times_index").data);
    const obsRead = spy(units.getColumn("obs_intervals").data);
    const data = await run(unitsView, file, "/units", { start: 3, end: 6, t0: 5, t1: 10 });
    expect(obsRead).toEqual([]);
    const e = expected.units;
    const ends = e.spike_times.map((_, i) => e.spike_times.slice(0, i + 1).flat().length);
    expect(indexRead).toEqual([[[2, 6]]]);
    expect(timesRead).toEqual([[[ends[2], ends[5]]]]);
    expect(data.ids).toEqual(e.ids.slice(3, 6));
    expect(data.spikes.map((s) => Array.from(s))).toEqual(e.spike_times.slice(3, 6).map((s) => s.filter((t) => t >= 5 && t <= 10)));
    expect([data.t0, data.t1]).toEqual([5, 10]);
  });

  it("past the spike budget: only the window's spikes are read (a unit of many spikes bisected), the default window the start of the span", async () => {
    const file = await read("units.nwb");
    const units = at(file, "/units") as AbstractContainer & { getColumn(n: string): { data: LazyArray } };
    const timesRead = spy(units.getColumn("spike_times").data);
    const data = await run(unitsView, file, "/units", { start: 10, end: 13, spikeBudget: 100 });
    const e = expected.units;
    const rows = e.spike_times.slice(10, 13);
    const total = rows.flat().length;
    const [lo, hi] = [Math.min(...rows.map((r) => r[0]!)), Math.max(...rows.map((r) => r.at(-1)!))];
    expect(data.range).toEqual([lo, hi]);
    expect(data.t0).toBe(lo);
    expect(data.t1).toBeCloseTo(lo + ((hi - lo) * 100) / total, 9);
    expect(data.counts).toEqual(rows.map((r) => r.length));
    expect(data.spikes.map((s) => Array.from(s))).toEqual(rows.map((r) => r.filter((t) => t >= data.t0 && t <= data.t1)));
    // The dense unit (5000 spikes) is never read whole: single elements while bisecting, then the window's slice.
    const sizes = timesRead.map((sel) => sel![0]![1] - sel![0]![0]);
    expect(Math.max(...sizes)).toBeLessThan(5000);
    expect(sizes.filter((n) => n === 1).length).toBeGreaterThan(10);
    // A window asked for: the same reads for the dense unit, its spikes within it.
    const zoomed = await run(unitsView, file, "/units", { start: 12, end: 13, spikeBudget: 100, t0: 7, t1: 7.5 });
    expect(Array.from(zoomed.spikes[0]!)).toEqual(rows[2]!.filter((t) => t >= 7 && t <= 7.5));
  });

  it("sorts by a column: the page is the rows in that order, their spike times read run by run", async () => {
    const file = await read("units.nwb");
    const data = await run(unitsView, file, "/units", { sort: "depth", descending: true, start: 0, end: 5 });
    const e = expected.units;
    const order = e.depth.map((d, i) => [d, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i).slice(0, 5);
    expect(data.rows).toEqual(order);
    expect(data.ids).toEqual(order.map((i) => e.ids[i]));
    expect(data.spikes.map((s) => Array.from(s))).toEqual(order.map((i) => e.spike_times[i]));
    // The next page of the same order: the sort column is not read whole again.
    const depthRead = spy((at(file, "/units") as AbstractContainer & { getColumn(n: string): { data: LazyArray } }).getColumn("depth").data);
    const next = await run(unitsView, file, "/units", { sort: "depth", descending: true, start: 5, end: 10 });
    expect(next.ids).toEqual(e.depth.map((d, i) => [d, i] as const).sort((a, b) => b[0] - a[0]).slice(5, 10).map(([, i]) => e.ids[i]));
    expect(depthRead.filter((sel) => sel?.[0]?.[0] === 0 && sel[0][1] === e.ids.length)).toEqual([]);
    await expect(unitsView.extract(at(file, "/units"), { sort: "nothing" }, file)).rejects.toThrow(/sort/);
  });
});

describe("intervals", () => {
  it("trials: every interval's times, lanes by the first categorical column, the rows' values for tooltips", async () => {
    const file = await read("units.nwb");
    const data = await run(intervalsView, file, "/intervals/trials");
    const e = expected.trials;
    expect(Array.from(data.start)).toEqual(e.start);
    expect(Array.from(data.stop)).toEqual(e.stop);
    expect(data.ids).toEqual(e.id);
    expect(data.group).toBe("stimulus");
    expect(data.laneOf.map((k) => data.lanes[k])).toEqual(e.stimulus);
    expect(data.groupable).toEqual(expect.arrayContaining(["stimulus", "correct"]));
    expect(data.cells[1]![data.columns.indexOf("correct")]).toBe("true");
    const byCorrect = await run(intervalsView, file, "/intervals/trials", { group: "correct" });
    expect(byCorrect.lanes.sort()).toEqual(["false", "true"]);
    const none = await run(intervalsView, file, "/intervals/trials", { group: "" });
    expect(none.group).toBeUndefined();
    expect(none.lanes).toEqual(["trials"]);
  });

  it("epochs (tags), invalid_times and a table of one's own", async () => {
    const file = await read("units.nwb");
    for (const name of ["epochs", "invalid_times", "sleep"] as const) {
      const data = await run(intervalsView, file, `/intervals/${name}`);
      expect(Array.from(data.start)).toEqual(expected[name].start);
      expect(Array.from(data.stop)).toEqual(expected[name].stop);
    }
    const sleep = await run(intervalsView, file, "/intervals/sleep");
    expect(sleep.laneOf.map((k) => sleep.lanes[k])).toEqual(expected.sleep.stage);
    const epochs = await run(intervalsView, file, "/intervals/epochs", { group: "tags" });
    expect(epochs.lanes).toEqual(["rest", "task, go"]);
  });

  it("a large table: every interval's times, tooltips' values left out past TOOLTIP_ROWS rows", async () => {
    const file = await read("units.nwb");
    const data = await run(intervalsView, file, "/intervals/many");
    expect(Array.from(data.start)).toEqual(expected.many.start);
    expect(Array.from(data.stop)).toEqual(expected.many.stop);
    expect(data.group).toBe("kind");
    expect(data.laneOf.map((k) => data.lanes[k])).toEqual(expected.many.kind);
    expect(data.cells).toEqual([]);
  });

  it("the shared fixtures' trials and epochs, as their manifest lists them", async () => {
    const manifest = JSON.parse(readFileSync(path.join(DOMAINS, "manifest.json"), "utf8")) as Record<string, { tables: Record<string, { columns: Record<string, unknown[]>; id: number[] }> }>;
    for (const [name, where] of [["behavior.nwb", "/intervals/epochs"], ["ecephys.nwb", "/intervals/trials"]] as const) {
      const table = manifest[name]!.tables[where]!;
      const data = await run(intervalsView, await read(path.join(DOMAINS, name)), where);
      expect(Array.from(data.start)).toEqual(table.columns.start_time);
      expect(Array.from(data.stop)).toEqual(table.columns.stop_time);
      expect(data.ids).toEqual(table.id);
      if (data.group !== undefined) expect(data.laneOf.map((k) => data.lanes[k])).toEqual(table.columns[data.group]!.map(String));
    }
  });
});

describe("spatial", () => {
  it("a 3-D series (projected on the page) and a 1-D one with a rate, inside their containers", async () => {
    const file = await read("units.nwb");
    const head = (await run(spatialView, file, "/processing/behavior/Position")).series;
    expect(head).toHaveLength(1);
    expect(head[0]!.dims).toBe(3);
    expect(Array.from(head[0]!.t)).toEqual(expected.head.t);
    expect(Array.from(head[0]!.x)).toEqual(expected.head.data.map((r) => r[0]));
    expect(Array.from(head[0]!.y!)).toEqual(expected.head.data.map((r) => r[1]));
    expect(Array.from(head[0]!.z!)).toEqual(expected.head.data.map((r) => r[2]));
    const heading = (await run(spatialView, file, "/processing/behavior/CompassDirection/heading")).series[0]!;
    expect(heading.dims).toBe(1);
    expect(heading.unit).toBe("degrees");
    expect(Array.from(heading.x)).toEqual(expected.heading.data);
    close(heading.t, expected.heading.data.map((_, i) => expected.heading.start + i / expected.heading.rate));
  });

  it("a long series is thinned to every k-th sample", async () => {
    const file = await read("units.nwb");
    const s = (await run(spatialView, file, "/processing/behavior/Position/head", { maxPoints: 10 })).series[0]!;
    expect(s.step).toBe(4);
    expect(Array.from(s.t)).toEqual(expected.head.t.filter((_, i) => i % 4 === 0));
  });

  it("the shared fixture's Position", async () => {
    const file = await read(path.join(DOMAINS, "behavior.nwb"));
    const s = (await run(spatialView, file, "/processing/behavior/Position/position")).series[0]!;
    expect(s.dims).toBe(2);
    expect(s.x.length).toBe(55);
  });
});

describe("roi", () => {
  it("image masks over the mean of the imaging plane's first frames; a ROI's trace from the RoiResponseSeries' view, its column only", async () => {
    const file = await read(path.join(DOMAINS, "ophys.nwb"));
    const where = "/processing/ophys/ImageSegmentation/PlaneSegmentation";
    const data = await run(roiView, file, where);
    const e = expected.fixture_ophys;
    expect([data.kind, data.height, data.width]).toEqual(["image_mask", 32, 24]);
    expect(data.referenceSource).toBe(`mean of frames 0–${REFERENCE_FRAMES - 1} of /acquisition/TwoPhotonSeries`);
    close(data.reference!, e.reference.flat());
    for (const [k, roi] of data.rois.entries()) {
      const flat = e.image_mask[k]!.flat();
      expect(Array.from(roi.pixels)).toEqual(flat.flatMap((v, p) => (v > 0 ? [p] : [])));
      close(roi.weights, flat.filter((v) => v > 0));
    }
    // The series' columns and the ROI each holds (the trace itself is not read by the ROI view).
    const series = at(file, "/processing/ophys/Fluorescence/RoiResponseSeries") as AbstractContainer & { data: LazyArray };
    const reads = spy(series.data);
    const again = await run(roiView, file, where);
    expect(again.responses).toEqual([{ name: "RoiResponseSeries", path: "/processing/ophys/Fluorescence/RoiResponseSeries", rows: [0, 1, 2] }]);
    expect(reads).toEqual([]);
    // The page asks the series' view (TimeSeries) for ROI 1's column: that column only is read, min/max per pixel column.
    const picked = await run(timeSeriesView, file, "/processing/ophys/Fluorescence/RoiResponseSeries", { start: 1, end: 2, pixels: 640 }) as TraceData;
    expect(reads).toEqual([[[0, 21], [1, 2]]]);
    expect([picked.kind, picked.start, picked.end, picked.samples]).toEqual(["trace", 1, 2, 21]);
    const column = (t: number) => Math.min(639, Math.floor(((t - picked.t0) / (picked.t1 - picked.t0)) * 640));
    for (const [i, r] of e.trace.entries()) {
      expect(picked.min[column(e.start + i / e.rate)]).toBe(Math.fround(r[1]!));
      expect(picked.max[column(e.start + i / e.rate)]).toBe(Math.fround(r[1]!));
    }
    // A time window (a zoom): its samples only.
    reads.length = 0;
    const [a, b] = [e.start + 5 / e.rate, e.start + 9.5 / e.rate];
    const windowed = await run(timeSeriesView, file, "/processing/ophys/Fluorescence/RoiResponseSeries", { start: 1, end: 2, pixels: 640, t0: a, t1: b }) as TraceData;
    expect(reads).toEqual([[[5, 10], [1, 2]]]);
    expect(windowed.samples).toBe(5);
  });

  it("the movie's frame at a time, asked for: that frame read alone (the reference image not read again)", async () => {
    const file = await read(path.join(DOMAINS, "ophys.nwb"));
    const where = "/processing/ophys/ImageSegmentation/PlaneSegmentation";
    const m = expected.fixture_movie;
    const first = await run(roiView, file, where);
    expect(first.movie).toBe("/acquisition/TwoPhotonSeries");
    expect(first.frame).toBeUndefined();
    const reads = spy((at(file, "/acquisition/TwoPhotonSeries") as AbstractContainer & { data: LazyArray }).data);
    for (const [t, index] of [[m.start + 4.5 / m.rate, 4], [m.start + 7 / m.rate, 7], [-1, 0], [1e6, m.frames.length - 1]] as const) {
      reads.length = 0;
      const data = await run(roiView, file, where, { frameAt: t });
      expect(data.frame!.index).toBe(index);
      close(data.frame!.values, m.frames[index]!.flat());
      expect(data.frame!.time).toBeCloseTo(m.start + index / m.rate, 12);
      expect(reads).toEqual([[[index, index + 1], [0, 32], [0, 24]]]);
    }
  });

  it("pixel masks over the module's summary image; a DfOverF trace", async () => {
    const file = await read("ophys-masks.nwb");
    const data = await run(roiView, file, "/processing/ophys/ImageSegmentation/pix");
    const e = expected.pix;
    expect([data.kind, data.height, data.width]).toEqual(["pixel_mask", 20, 16]);
    expect(data.referenceSource).toBe("/processing/ophys/SummaryImages/mean");
    close(data.reference!, e.reference.flat());
    for (const [k, roi] of data.rois.entries()) expect(Array.from(roi.pixels)).toEqual(e.masks[k]!.map(([x, y]) => x! * 16 + y!));
    expect(data.responses).toEqual([{ name: "dff", path: "/processing/ophys/DfOverF/dff", rows: expected.dff.rois }]);
    const trace = await run(timeSeriesView, file, "/processing/ophys/DfOverF/dff", { start: 2, end: 3, pixels: 640 }) as TraceData;
    const column = (i: number) => Math.min(639, Math.floor(((i / expected.dff.rate - trace.t0) / (trace.t1 - trace.t0)) * 640));
    for (const [i, r] of expected.dff.data.entries()) expect(trace.max[column(i)]).toBe(Math.fround(r[2]!));
  });

  it("voxel masks, one plane at a time; no reference image: the plane's size from the masks", async () => {
    const file = await read("ophys-masks.nwb");
    const where = "/processing/ophys/ImageSegmentation/vox";
    const e = expected.vox.masks;
    const width = Math.max(...e.flat().map((v) => v[1]!)) + 1;
    for (const plane of [0, 1, 2]) {
      const data = await run(roiView, file, where, plane === 0 ? {} : { plane });
      expect(data.planes).toEqual([0, 1, 2]);
      expect(data.plane).toBe(plane);
      expect(data.reference).toBeUndefined();
      expect(data.width).toBe(width);
      for (const [k, roi] of data.rois.entries()) {
        expect(Array.from(roi.pixels)).toEqual(e[k]!.filter((v) => v[2] === plane).map(([x, y]) => x! * width + y!));
      }
    }
    await expect(roiView.extract(at(file, where), { plane: 7 }, file)).rejects.toThrow(/plane/);
  });

  it("3-D image masks, one plane at a time", async () => {
    const file = await read("ophys-masks.nwb");
    const where = "/processing/ophys/ImageSegmentation/volmask";
    for (const plane of [0, 1, 2]) {
      const data = await run(roiView, file, where, { plane });
      expect([data.kind, data.height, data.width, data.planes]).toEqual(["image_mask", 10, 12, [0, 1, 2]]);
      expect(data.reference).toBeUndefined();
      for (const [k, roi] of data.rois.entries()) {
        const flat = expected.volmask[k]!.flatMap((row) => row.map((voxel) => voxel[plane]!));
        expect(Array.from(roi.pixels)).toEqual(flat.flatMap((v, p) => (v > 0 ? [p] : [])));
        close(roi.weights, flat.filter((v) => v > 0));
      }
    }
    await expect(roiView.extract(at(file, where), { plane: 3 }, file)).rejects.toThrow(/plane/);
  });
});

describe("icephys", () => {
  const series = (name: string) => expected[name] as ExpectedSeries;

  it("the recordings table: a sweep per row; the selected ones read, response and stimulus", async () => {
    const file = await read("icephys.nwb");
    const where = "/general/intracellular_ephys/intracellular_recordings";
    const other = at(file, "/acquisition/ccs1") as AbstractContainer & { data: LazyArray };
    const untouched = spy(other.data);
    const data = await run(icephysView, file, where);
    expect(data.source).toBe("intracellular_recordings");
    expect(data.sweeps.map((s) => s.label)).toEqual(["recording 10", "recording 11", "recording 12"]);
    expect(data.selected).toEqual([0]);
    expect(data.traces.map((t) => [t.name, t.role])).toEqual([["ccs0", "response"], ["ccss0", "stimulus"]]);
    expect(untouched).toEqual([]);
    for (const t of data.traces) {
      close(t.y, series(t.name).data);
      close(t.t, series(t.name).data.map((_, i) => i / series(t.name).rate));
      expect(t.tStart).toBe(series(t.name).start);
    }
    const two = await run(icephysView, file, where, { sweeps: [0, 2] });
    expect(two.traces.map((t) => [t.sweep, t.name])).toEqual([[0, "ccs0"], [0, "ccss0"], [2, "ccs2"], [2, "ccss2"]]);
    await expect(icephysView.extract(at(file, where), { sweeps: [5] }, file)).rejects.toThrow(/sweeps/);
  });

  it("a series: the recording it is part of", async () => {
    const file = await read("icephys.nwb");
    const data = await run(icephysView, file, "/stimulus/presentation/ccss1");
    expect(data.sweeps.map((s) => s.label)).toEqual(["recording 11"]);
    expect(data.traces.map((t) => t.name)).toEqual(["ccs1", "ccss1"]);
  });

  it("the sweep table: the series of each sweep number; a series: its sweep", async () => {
    const file = await read("sweeps.nwb");
    const data = await run(icephysView, file, "/general/intracellular_ephys/sweep_table", { sweeps: [1] });
    expect(data.source).toBe("sweep_table");
    expect(data.sweeps.map((s) => s.label)).toEqual(["sweep 0", "sweep 1"]);
    expect(data.traces.map((t) => [t.name, t.role]).sort()).toEqual([["vcs1", "response"], ["vcss1", "stimulus"]]);
    for (const t of data.traces) close(t.y, series(t.name).data);
    const one = await run(icephysView, file, "/acquisition/vcs0");
    expect(one.source).toBe("sweep_table");
    expect(one.sweeps.map((s) => s.label)).toEqual(["sweep 0"]);
  });
});
