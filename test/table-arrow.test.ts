/**
 * NWB tables as Apache Arrow tables and back (the tables issue: "toArrow() giving an Apache Arrow table (ragged
 * columns as list columns, references as names) ... fromArrow/fromRecords for writing"): files pynwb wrote read to
 * Arrow with the manifest's values and the Arrow types they call for; tables made from records and from Arrow
 * written, read by pynwb with the same values, read back by tsnwb into the same Arrow table; only the columns asked
 * for read; errors naming the column.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  Bool, Field, FixedSizeList, Float32, Float64, Int32, Int64, List, type Table, Timestamp, TimeUnit, Type, Utf8, makeVector, tableFromArrays,
  tableFromIPC, tableToIPC, vectorFromArray, Table as ArrowTable,
} from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import {
  DynamicTable, ImageSegmentation, NWBFile, NWBHDF5IO, OpticalChannel, PlaneSegmentation, ProcessingModule, TimeIntervals, Units, VectorData, VoltageClampSeries, VoltageClampStimulusSeries,
} from "../src/index.js";
import { ARROW_TYPE } from "../src/containers/table-arrow.js";
import { DynamicTable as BrowserDynamicTable } from "../src/browser.js";
import { build } from "esbuild";
import { ORACLE, ROOT, SHARED, h5py, readForTests, sha256, tempFolder } from "./helpers.js";

const DOMAINS = path.join(SHARED, "fixtures", "domains");
const manifest = JSON.parse(readFileSync(path.join(DOMAINS, "manifest.json"), "utf8")) as Record<string, { tables: Record<string, { columns: Record<string, unknown>; id: number[] }> }>;
const tmp = tempFolder();
afterAll(() => tmp.cleanup());

/** An Arrow table's rows as plain JSON values (BigInts as numbers, typed arrays and vectors as lists). */
function rows(table: Table): unknown[] {
  return JSON.parse(JSON.stringify(table.toArray().map((r) => r?.toJSON()), (_, v: unknown) => (typeof v === "bigint" ? Number(v) : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v))) as unknown[];
}
/** Column `name` as plain JSON values. */
function column(table: Table, name: string): unknown[] {
  return (rows(table) as Record<string, unknown>[]).map((r) => r[name]);
}
const typesOf = (table: Table): string[] => table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`);

/** What pynwb reads from `file`: the JSON `code` prints, with `nwbfile` read. */
function pynwb(file: string, code: string): unknown {
  const script = `import json, numpy as np, sys\nfrom pynwb import NWBHDF5IO\nio = NWBHDF5IO(sys.argv[1], "r")\nnwbfile = io.read()\n` +
    `def plain(v):\n    if hasattr(v, "tolist"): v = v.tolist()\n    if isinstance(v, (list, tuple)): return [plain(x) for x in v]\n    if hasattr(v, "name") and hasattr(v, "object_id"): return v.name\n    return v\n${code}\n`;
  return JSON.parse(execFileSync(ORACLE, ["python", "-c", script, file], { encoding: "utf8" })) as unknown;
}

async function write(nwbfile: NWBFile, name: string): Promise<string> {
  const file = path.join(tmp.dir, name);
  const io = await NWBHDF5IO.open(file, "w");
  await io.write(nwbfile);
  await io.close();
  return file;
}

const newFile = (identifier: string) => new NWBFile({ session_description: "tables as Arrow", identifier, session_start_time: "2026-01-02T03:04:05Z" });

describe("files pynwb wrote, to Arrow", () => {
  const ecephys = readForTests(path.join(DOMAINS, "ecephys.nwb"));
  const expected = manifest["ecephys.nwb"]!.tables;

  it("trials: ids as Int64, floats, booleans and text with their values", async () => {
    const trials = await ecephys.nwbfile().trials!.toArrow();
    expect(typesOf(trials)).toEqual(["id: Int64", "start_time: Float64", "stop_time: Float64", "correct: Bool", "stimulus: Utf8"]);
    const want = expected["/intervals/trials"]!;
    expect(column(trials, "id")).toEqual(want.id);
    for (const name of ["start_time", "stop_time", "correct", "stimulus"]) expect(column(trials, name), name).toEqual(want.columns[name]);
    expect(trials.getChild("id")!.get(3)).toBe(3n);
    expect(trials.schema.metadata.get("neurodata_type")).toBe("TimeIntervals");
    expect(trials.schema.fields[1]!.metadata.get("description")).toBe("Start time of epoch, in seconds");
  });

  it("units: spike times as List<Float64>, electrodes (a region) as row indices, the electrode group (a reference) by name or path", async () => {
    const units = await ecephys.nwbfile().units!.toArrow();
    expect(typesOf(units)).toEqual(["id: Int64", "spike_times: List<Float64>", "electrodes: List<Int64>", "electrode_group: Utf8"]);
    const want = expected["/units"]!.columns;
    expect(column(units, "spike_times")).toEqual(want.spike_times);
    expect(column(units, "electrodes")).toEqual(want.electrodes);
    expect(column(units, "electrode_group")).toEqual(["shank0", "shank0", "shank0"]);
    const paths = await ecephys.nwbfile().units!.toArrow({ references: "path", columns: ["electrode_group"] });
    expect(typesOf(paths)).toEqual(["id: Int64", "electrode_group: Utf8"]);
    expect(column(paths, "electrode_group")).toEqual(want.electrode_group);
  });

  it("the electrodes table: references as names, numbers as they are", async () => {
    const electrodes = await ecephys.nwbfile().electrodes!.toArrow();
    const want = expected["/general/extracellular_ephys/electrodes"]!.columns;
    expect(column(electrodes, "group")).toEqual(["shank0", "shank0", "shank0", "shank0", "shank0"]);
    for (const name of ["location", "group_name", "label", "x", "y"]) expect(column(electrodes, name), name).toEqual(want[name]);
  });

  it("reads only the columns asked for (a column not asked for is never read)", async () => {
    const units = ecephys.nwbfile().units!;
    const spikes = units.getColumn("spike_times");
    const original = spikes.data;
    const refuse = () => Promise.reject(new Error("spike_times read"));
    spikes.data = new Proxy(original, { get: (t, k) => (k === "read" ? refuse : Reflect.get(t, k)) });
    try {
      const arrow = await units.toArrow({ columns: ["electrode_group"] });
      expect(arrow.numCols).toBe(2);
      await expect(units.toArrow()).rejects.toThrow(/spike_times read/);
    } finally {
      spikes.data = original;
    }
    await expect(units.toArrow({ columns: ["spikes"] })).rejects.toThrow(/columns.*spike_times, electrodes, electrode_group.*spikes/s);
  });

  it("epochs: tags as List<Utf8>, timeseries (compound rows) as List<Struct> with the series' names", async () => {
    const behavior = await NWBHDF5IO.open(path.join(DOMAINS, "behavior.nwb"));
    try {
      const epochs = await (await behavior.read()).epochs!.toArrow();
      expect(typesOf(epochs)).toEqual(["id: Int64", "start_time: Float64", "stop_time: Float64", "tags: List<Utf8>", "timeseries: List<Struct<{idx_start:Int32, count:Int32, timeseries:Utf8}>>"]);
      expect(column(epochs, "tags")).toEqual([["baseline", "dark"], ["task"]]);
      expect(column(epochs, "timeseries")).toEqual([[{ idx_start: 0, count: 3, timeseries: "licks" }], [{ idx_start: 3, count: 3, timeseries: "licks" }]]);
    } finally {
      await behavior.close();
    }
  });

  it("a PlaneSegmentation's image masks as FixedSizeList<FixedSizeList<Float32>> with the file's bytes", async () => {
    const ophys = await NWBHDF5IO.open(path.join(DOMAINS, "ophys.nwb"));
    try {
      const nwbfile = await ophys.read();
      const segmentation = nwbfile.objects.get([...nwbfile.objects.keys()].find((k) => nwbfile.objects.get(k)!.container_source?.path === "/processing/ophys/ImageSegmentation/PlaneSegmentation")!) as PlaneSegmentation;
      const arrow = await segmentation.toArrow();
      expect(typesOf(arrow)).toEqual(["id: Int64", "image_mask: FixedSizeList[32]<FixedSizeList[24]<Float32>>"]);
      const flat = arrow.getChild("image_mask")!.data[0]!.children[0]!.children[0]!.values as Float32Array;
      const want = manifest["ophys.nwb"]!.tables["/processing/ophys/ImageSegmentation/PlaneSegmentation"]!.columns.image_mask as { sha256: string };
      expect(flat.length).toBe(3 * 32 * 24);
      expect(sha256(flat)).toBe(want.sha256);
    } finally {
      await ophys.close();
    }
  });
});

describe("records to a file pynwb reads, and back to the same Arrow table", () => {
  it("trials with custom columns (bool, text, int, float, ragged, doubly ragged, int32 by dtype) and units with spikes, regions and references", async () => {
    const nwbfile = newFile("arrow-roundtrip");
    const device = nwbfile.createDevice({ name: "probe" });
    const shank = nwbfile.createElectrodeGroup({ name: "shank0", description: "a shank", location: "CA1", device });
    for (let i = 0; i < 3; i++) nwbfile.addElectrode({ location: "CA1", group: shank });
    const trials = TimeIntervals.fromRecords([
      { start_time: 0, stop_time: 1.5, correct: true, stimulus: "grating", n_licks: 3, rt: 0.25, lick_times: [0.1, 0.7], bursts: [[0.1, 0.2], [0.9]], code: 7 },
      { start_time: 2, stop_time: 3.5, correct: false, stimulus: "dots", n_licks: 0, rt: 0.5, lick_times: [], bursts: [], code: -2, id: 10 },
      { start_time: 4, stop_time: 5, correct: true, stimulus: "grating", n_licks: 9007199254740000, rt: 1, lick_times: new Float64Array([4.5]), bursts: [[4.1, 4.2, 4.3]], code: 0 },
    ], { name: "trials", description: "experimental trials", columnDescriptions: { correct: "whether the animal was right", rt: "reaction time (s)" }, dtypes: { code: "int32", n_licks: "int64" } });
    nwbfile.addTimeIntervals(trials);
    const electrodes = nwbfile.electrodes!;
    nwbfile.units = Units.fromRecords([
      { spike_times: [0.5, 1.5, 2.5], electrodes: [0, 1], electrode_group: shank, quality: 0.9 },
      { spike_times: new Float64Array([3.25]), electrodes: [2], electrode_group: shank, quality: 0.4 },
    ], { name: "units", description: "sorted units", regions: { electrodes } });
    const module = nwbfile.createProcessingModule({ name: "behavior", description: "behavior" }) as ProcessingModule;
    module.add(DynamicTable.fromRecords([{ x: 1, y: "a" }, { x: 2, y: "b" }], { name: "scores", description: "a table of the lab's own" }));

    const before = { trials: await trials.toArrow(), units: await nwbfile.units.toArrow() };
    expect(typesOf(before.trials)).toEqual([
      "id: Int64", "start_time: Float64", "stop_time: Float64", "correct: Bool", "stimulus: Utf8", "n_licks: Int64", "rt: Float64",
      "lick_times: List<Float64>", "bursts: List<List<Float64>>", "code: Int32",
    ]);
    expect(column(before.trials, "bursts")).toEqual([[[0.1, 0.2], [0.9]], [], [[4.1, 4.2, 4.3]]]);
    expect(before.trials.getChild("n_licks")!.get(2)).toBe(9007199254740000n);
    expect(before.trials.schema.fields.find((f) => f.name === "rt")!.metadata.get("description")).toBe("reaction time (s)");
    const file = await write(nwbfile, "roundtrip.nwb");

    // pynwb reads the same values (its to_dataframe, and the doubly ragged column row by row).
    const fromPynwb = pynwb(file, `t = nwbfile.trials
u = nwbfile.units
s = nwbfile.processing["behavior"]["scores"]
print(json.dumps({
  "id": plain(t.id.data[:]), "correct": plain(t["correct"].data[:]), "stimulus": plain(t["stimulus"].data[:]),
  "n_licks": plain(t["n_licks"].data[:]), "n_licks_dtype": str(t["n_licks"].data.dtype), "code_dtype": str(t["code"].data.dtype),
  "rt": plain(t["rt"].data[:]), "lick_times": [plain(t["lick_times"][i]) for i in range(3)], "bursts": [plain(t["bursts"][i]) for i in range(3)],
  "descr": t["correct"].description, "start_descr": t["start_time"].description,
  "spikes": [plain(u.get_unit_spike_times(i)) for i in range(2)], "electrodes": plain(u["electrodes"].target.data[:]), "el_index": plain(u["electrodes_index"].data[:]),
  "group": [g.name for g in u["electrode_group"].data[:]], "quality": plain(u["quality"].data[:]),
  "scores": plain(s.to_dataframe()["y"].tolist()),
}))`) as Record<string, unknown>;
    expect(fromPynwb).toEqual({
      id: [0, 10, 2], correct: [true, false, true], stimulus: ["grating", "dots", "grating"], n_licks: [3, 0, 9007199254740000], n_licks_dtype: "int64", code_dtype: "int32",
      rt: [0.25, 0.5, 1], lick_times: [[0.1, 0.7], [], [4.5]], bursts: [[[0.1, 0.2], [0.9]], [], [[4.1, 4.2, 4.3]]],
      descr: "whether the animal was right", start_descr: "When the interval begins, in seconds.",
      spikes: [[0.5, 1.5, 2.5], [3.25]], electrodes: [0, 1, 2], el_index: [2, 3], group: ["shank0", "shank0"], quality: [0.9, 0.4], scores: ["a", "b"],
    });

    // tsnwb reads the file back into the same Arrow tables.
    const io = await NWBHDF5IO.open(file);
    try {
      const read = await io.read();
      const after = { trials: await read.trials!.toArrow(), units: await read.units!.toArrow() };
      expect(typesOf(after.trials)).toEqual(typesOf(before.trials));
      expect(rows(after.trials)).toEqual(rows(before.trials));
      expect(typesOf(after.units)).toEqual(["id: Int64", "spike_times: List<Float64>", "electrodes: List<Int64>", "electrode_group: Utf8", "quality: Float64"]);
      expect(rows(after.units)).toEqual(rows(before.units));
      expect(column(after.units, "electrode_group")).toEqual(["shank0", "shank0"]);
      // By path: the file's, for objects read, and for objects once written.
      const paths = ["/general/extracellular_ephys/shank0", "/general/extracellular_ephys/shank0"];
      expect(column(await read.units!.toArrow({ references: "path", columns: ["electrode_group"] }), "electrode_group")).toEqual(paths);
      expect(column(await nwbfile.units.toArrow({ references: "path", columns: ["electrode_group"] }), "electrode_group")).toEqual(paths);
      const ids = await read.units!.toArrow({ regions: "id", columns: ["electrodes"] });
      expect(column(ids, "electrodes")).toEqual([[0, 1], [2]]);
      // Ids and int64 columns as plain numbers, for tools that compute with them.
      const numbers = await read.trials!.toArrow({ int64: "number", columns: ["code", "bursts"] });
      expect(typesOf(numbers)).toEqual(["id: Float64", "code: Int32", "bursts: List<List<Float64>>"]);
      expect(column(numbers, "id")).toEqual([0, 10, 2]);
      // The Arrow IPC stream (what DuckDB and pyarrow take) carries the same table.
      const ipc = tableFromIPC(tableToIPC(after.trials));
      expect(rows(ipc)).toEqual(rows(before.trials));
    } finally {
      await io.close();
    }
  });

  it("multi-dimensional columns: a PlaneSegmentation's image masks and a unit's obs_intervals ([k, 2] per unit), from records and back from Arrow", async () => {
    const nwbfile = newFile("arrow-masks");
    const microscope = nwbfile.createDevice({ name: "microscope" });
    const plane = nwbfile.createImagingPlane({
      name: "plane0", description: "a plane", excitation_lambda: 920, indicator: "GCaMP6f", location: "V1", device: microscope,
      optical_channel: [new OpticalChannel({ name: "green", description: "green channel", emission_lambda: 510 })],
    });
    const mask = (k: number) => Array.from({ length: 3 }, (_, r) => Array.from({ length: 4 }, (_, c) => (r * 4 + c === k ? 1 : 0)));
    const cells = PlaneSegmentation.fromRecords([{ image_mask: mask(0), area: 1 }, { image_mask: mask(5), area: 2 }], { name: "cells", description: "two cells", imaging_plane: plane });
    nwbfile.createProcessingModule({ name: "ophys", description: "ophys" }).add(new ImageSegmentation({ plane_segmentations: [cells] }));
    nwbfile.units = Units.fromRecords([
      { spike_times: [1, 2], obs_intervals: [[0, 10], [20, 30]] },
      { spike_times: [25], obs_intervals: [[20, 30]] },
    ], { name: "units", description: "units" });
    const masks = await cells.toArrow();
    // The schema gives image_mask no dtype: whole numbers make it int64, as pynwb stores Python ints.
    expect(typesOf(masks)).toEqual(["id: Int64", "image_mask: FixedSizeList[3]<FixedSizeList[4]<Int64>>", "area: Int64"]);
    expect(column(masks, "image_mask")[1]).toEqual([[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]]);
    const units = await nwbfile.units.toArrow();
    expect(typesOf(units)).toEqual(["id: Int64", "spike_times: List<Float64>", "obs_intervals: List<FixedSizeList[2]<Float64>>"]);
    expect(column(units, "obs_intervals")).toEqual([[[0, 10], [20, 30]], [[20, 30]]]);
    const file = await write(nwbfile, "masks.nwb");
    expect(pynwb(file, `ps = nwbfile.processing["ophys"]["ImageSegmentation"]["cells"]
print(json.dumps([plain(ps["image_mask"].data[1]), str(ps["image_mask"].data.dtype), [plain(nwbfile.units.get_unit_obs_intervals(i)) for i in range(2)]]))`))
      .toEqual([[[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]], "int64", [[[0, 10], [20, 30]], [[20, 30]]]]);
    // An Arrow table with fixed-size lists makes the same table again.
    const again = PlaneSegmentation.fromArrow(masks, { name: "cells", description: "again", imaging_plane: plane });
    expect(rows(await again.toArrow())).toEqual(rows(masks));
  });

  it("numbers: int64 when all whole, float64 otherwise, whichever way the rows go in", async () => {
    const plain = DynamicTable.fromRecords([{ n: 1, x: 1.5 }, { n: 2, x: 2 }], { name: "t", description: "d" });
    expect(typesOf(await plain.toArrow())).toEqual(["id: Int64", "n: Int64", "x: Float64"]);
    const withArrays = DynamicTable.fromRecords([{ n: 1, x: 1.5, a: { data: new Float32Array(2), shape: [2] } }, { n: 2, x: 2, a: { data: new Float32Array(2), shape: [2] } }], { name: "t", description: "d" });
    expect(typesOf(await withArrays.toArrow())).toEqual(["id: Int64", "n: Int64", "x: Float64", "a: FixedSizeList[2]<Float32>"]);
  });

  it("int64 values beyond 2^53 are an error with int64: \"number\", exact BigInts otherwise", async () => {
    const table = DynamicTable.fromRecords([{ big: 1 }], { name: "t", description: "d" });
    table.getColumn("big").data = new VectorData({ name: "b", description: "b", data: { data: new BigInt64Array([2n ** 60n]), shape: [1] } }).data;
    expect((await table.toArrow()).getChild("big")!.get(0)).toBe(2n ** 60n);
    await expect(table.toArrow({ int64: "number" })).rejects.toThrow(/'big'.*1152921504606846976/s);
  });

  it("empty tables: to Arrow with their columns' types, and from an empty Arrow table with its schema", async () => {
    const empty = TimeIntervals.fromRecords([], { name: "epochs", description: "none yet" });
    const arrow = await empty.toArrow();
    expect([arrow.numRows, typesOf(arrow)]).toEqual([0, ["id: Int64", "start_time: Float64", "stop_time: Float64"]]);
    const schema = new ArrowTable({
      start_time: makeVector(new Float64Array(0)), stop_time: makeVector(new Float64Array(0)), count: makeVector(new Int32Array(0)),
      label: vectorFromArray([], new Utf8()), times: vectorFromArray([], new List(new Field("item", new Float64()))),
    });
    const trials = TimeIntervals.fromArrow(schema, { name: "trials", description: "no trials" });
    expect([trials.length, trials.colnames]).toEqual([0, ["start_time", "stop_time", "count", "label", "times"]]);
    expect(typesOf(await trials.toArrow())).toEqual(["id: Int64", "start_time: Float64", "stop_time: Float64", "count: Int32", "label: Utf8", "times: List<Float64>"]);
    const nwbfile = newFile("arrow-empty");
    nwbfile.addTimeIntervals(trials);
    const file = await write(nwbfile, "empty.nwb");
    expect(pynwb(file, `print(json.dumps([len(nwbfile.trials), list(nwbfile.trials.colnames), str(nwbfile.trials["count"].data.dtype)]))`)).toEqual([0, ["start_time", "stop_time", "count", "label", "times"], "int32"]);
  });
});

describe("fromArrow", () => {
  it("keeps the Arrow dtypes (Int32, Float32, Bool, Utf8, lists, fixed-size lists), ids and descriptions from a toArrow", async () => {
    const arrow = tableFromArrays({ start_time: new Float64Array([0, 1]), stop_time: new Float64Array([0.5, 1.5]), trial_type: ["go", "nogo"], count: new Int32Array([4, 5]), gain: new Float32Array([0.5, 0.25]) });
    const withLists = arrow
      .assign(new ArrowTable({ ok: vectorFromArray([true, false], new Bool()) }))
      .assign(new ArrowTable({ licks: vectorFromArray([[0.1, 0.2], [1.1]], new List(new Field("item", new Float64()))) }))
      .assign(new ArrowTable({ position: vectorFromArray([[1, 2], [3, 4]], new FixedSizeList(2, new Field("item", new Float32()))) }));
    const trials = TimeIntervals.fromArrow(withLists, { name: "trials", description: "from Arrow", columnDescriptions: { trial_type: "go or no-go" } });
    const nwbfile = newFile("from-arrow");
    nwbfile.addTimeIntervals(trials);
    const file = await write(nwbfile, "from-arrow.nwb");
    expect(h5py(file, `t = f["intervals/trials"]
print(json.dumps({k: [str(t[k].dtype), list(t[k].shape)] for k in ["count", "gain", "licks", "position", "ok", "start_time"]}), t["trial_type"].attrs["description"], t["licks_index"][:].tolist())`))
      .toBe(`{"count": ["int32", [2]], "gain": ["float32", [2]], "licks": ["float64", [3]], "position": ["float32", [2, 2]], "ok": ["bool", [2]], "start_time": ["float64", [2]]} go or no-go [2, 3]`);
    expect(pynwb(file, `t = nwbfile.trials
print(json.dumps([plain(t["trial_type"].data[:]), plain(t["count"].data[:]), plain(t["ok"].data[:]), [plain(t["licks"][i]) for i in range(2)], plain(t["position"].data[:])]))`))
      .toEqual([["go", "nogo"], [4, 5], [true, false], [[0.1, 0.2], [1.1]], [[1, 2], [3, 4]]]);
    const io = await NWBHDF5IO.open(file);
    try {
      const back = await (await io.read()).trials!.toArrow();
      expect(typesOf(back)).toEqual(["id: Int64", "start_time: Float64", "stop_time: Float64", "trial_type: Utf8", "count: Int32", "gain: Float32", "ok: Bool", "licks: List<Float64>", "position: FixedSizeList[2]<Float32>"]);
      // An Arrow table from toArrow makes the same table again: ids and descriptions too.
      const again = TimeIntervals.fromArrow(back, { name: "trials", description: "again" });
      expect(rows(await again.toArrow())).toEqual(rows(back));
      expect(again.getColumn("trial_type").description).toBe("go or no-go");
    } finally {
      await io.close();
    }
  });

  it("refuses unsupported Arrow types, nulls and missing values, naming the column", () => {
    const times = new ArrowTable({ when: vectorFromArray([1, 2], new Timestamp(TimeUnit.MILLISECOND)) });
    expect(() => DynamicTable.fromArrow(times, { name: "t", description: "d" })).toThrow(/'when'.*Timestamp.*seconds/s);
    const nulls = new ArrowTable({ x: vectorFromArray([1, null], new Float64()) });
    expect(() => DynamicTable.fromArrow(nulls, { name: "t", description: "d" })).toThrow(/'x'.*missing values.*1 nulls/s);
    const innerNull = new ArrowTable({ xs: vectorFromArray([[1, null]], new List(new Field("item", new Float64(), true))) });
    expect(() => DynamicTable.fromArrow(innerNull, { name: "t", description: "d" })).toThrow(/'xs'.*a null/s);
    expect(() => DynamicTable.fromRecords([{ a: 1, b: 2 }, { a: 3 }], { name: "t", description: "d" })).toThrow(/'b'.*a value in every row.*row 1: none/s);
    expect(() => DynamicTable.fromRecords([{ a: 1 }, { a: "x" }], { name: "t", description: "d" })).toThrow(/'a'.*a number.*row 1/s);
    expect(() => TimeIntervals.fromRecords([{ start_time: 0 }], { name: "trials", description: "d" })).toThrow(/stop_time/);
    expect(() => Units.fromRecords([{ spike_times: [1], electrodes: [0] }], { name: "units", description: "d" })).toThrow(/'electrodes'.*'regions'/s);
    expect(() => DynamicTable.fromRecords([{ a: 300 }], { name: "t", description: "d", dtypes: { a: "uint8" } })).toThrow(/'a'.*uint8/s);
    expect(() => DynamicTable.fromArrow({ numRows: 1 } as never, { name: "t", description: "d" })).toThrow(/an Apache Arrow Table/);
  });

  it("refuses references given as names (an epoch's timeseries from toArrow): objects come through fromRecords", async () => {
    const behavior = await NWBHDF5IO.open(path.join(DOMAINS, "behavior.nwb"));
    try {
      const epochs = await (await behavior.read()).epochs!.toArrow();
      expect(() => TimeIntervals.fromArrow(epochs, { name: "epochs", description: "d" })).toThrow(/'timeseries'.*a TimeSeries.*licks/s);
      expect(TimeIntervals.fromArrow(epochs.select(["id", "start_time", "stop_time", "tags"]), { name: "epochs", description: "d" }).colnames).toEqual(["start_time", "stop_time", "tags"]);
    } finally {
      await behavior.close();
    }
  });

  it("uses Arrow's own type ids, whichever copy of apache-arrow made the table", () => {
    for (const [name, id] of Object.entries(ARROW_TYPE)) expect((Type as unknown as Record<string, number>)[name], name).toBe(id);
    expect(String(new Int64())).toBe("Int64");
    expect(String(new Int32())).toBe("Int32");
  });
});

describe("the browser entry", () => {
  it("has toArrow, fromRecords and fromArrow, apache-arrow in a chunk of its own when a bundler splits", async () => {
    const table = BrowserDynamicTable.fromRecords([{ x: 1, xs: [1, 2] }], { name: "t", description: "d" });
    expect(rows(await table.toArrow())).toEqual([{ id: 0, x: 1, xs: [1, 2] }]);
    const result = await build({
      entryPoints: [path.join(ROOT, "dist", "browser.js")], bundle: true, platform: "browser", format: "esm", splitting: true, outdir: path.join(tmp.dir, "bundle"),
      write: false, metafile: true, logLevel: "silent",
    });
    const outputs = Object.entries(result.metafile.outputs);
    // The browser entry's own output (a dynamic import's chunk, numcodecs' codecs say, has an entryPoint too).
    const entry = outputs.find(([, o]) => o.entryPoint?.endsWith(path.join("dist", "browser.js")))!;
    const arrowChunks = outputs.filter(([, o]) => Object.keys(o.inputs).some((i) => i.includes("node_modules/apache-arrow/")));
    expect(Object.keys(entry[1].inputs).filter((i) => i.includes("apache-arrow"))).toEqual([]);
    expect(arrowChunks.length).toBe(1);
    expect(entry[1].imports.some((i) => i.path === arrowChunks[0]![0] && i.kind === "dynamic-import")).toBe(true);
  }, 120_000);
});

describe("aligned tables (icephys): categories as struct columns, or flat", () => {
  it("an IntracellularRecordingsTable's electrodes, stimuli and responses, a missing stimulus as null", async () => {
    const nwbfile = newFile("arrow-icephys");
    const device = nwbfile.createDevice({ name: "amp" });
    const electrode = nwbfile.createIcephysElectrode({ name: "elec0", description: "a mock electrode", device });
    const stimulus = new VoltageClampStimulusSeries({ name: "stim", data: [1, 2, 3, 4, 5], starting_time: 0, rate: 10e3, electrode, gain: 0.02 });
    const response = new VoltageClampSeries({ name: "resp", data: [0.1, 0.2, 0.3, 0.4, 0.5], starting_time: 0, rate: 10e3, electrode, gain: 0.02 });
    nwbfile.addIntracellularRecording({ electrode, stimulus, response, id: 10 });
    nwbfile.addIntracellularRecording({ electrode, response, response_start_index: 1, response_index_count: 2, id: 11 });
    const file = await write(nwbfile, "icephys.nwb");
    const io = await NWBHDF5IO.open(file);
    try {
      const recordings = (await io.read()).intracellular_recordings!;
      const arrow = await recordings.toArrow();
      expect(typesOf(arrow)).toEqual([
        "id: Int64", "electrodes: Struct<{electrode:Utf8}>",
        "stimuli: Struct<{stimulus:Struct<{idx_start:Int32, count:Int32, timeseries:Utf8}>}>",
        "responses: Struct<{response:Struct<{idx_start:Int32, count:Int32, timeseries:Utf8}>}>",
      ]);
      expect(rows(arrow)).toEqual([
        { id: 10, electrodes: { electrode: "elec0" }, stimuli: { stimulus: { idx_start: 0, count: 5, timeseries: "stim" } }, responses: { response: { idx_start: 0, count: 5, timeseries: "resp" } } },
        { id: 11, electrodes: { electrode: "elec0" }, stimuli: { stimulus: null }, responses: { response: { idx_start: 1, count: 2, timeseries: "resp" } } },
      ]);
      const flat = await recordings.toArrow({ categories: "flat", columns: ["responses"] });
      expect(typesOf(flat)).toEqual(["id: Int64", "responses.response: Struct<{idx_start:Int32, count:Int32, timeseries:Utf8}>"]);
    } finally {
      await io.close();
    }
  });
});
