/**
 * Reading tables as pynwb users do (the tables issue, its reading half): every table of the domain fixtures'
 * manifest (`tables` section) matched value for value: colnames, length, ids, each column row by row (ragged
 * columns per row, booleans, text, references as the very objects, regions as row indices, compound rows with
 * their reference resolved, large columns by shape, dtype and bytes), `readRow`, `toRecords`, and row slices.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  type AbstractContainer, DynamicTable, ElectricalSeries, Fluorescence, ImageSegmentation, NWBFile, NWBHDF5IO, OpticalChannel, PlaneSegmentation,
  RoiResponseSeries, TimeIntervals, TimeSeries, TimeSeriesReference, TwoPhotonSeries, type TypedArray, Units,
} from "../src/index.js";
import { ROOT, SHARED, h5py, readForTests, sha256, tempFolder, validate } from "./helpers.js";
import type { NDArray } from "../src/index.js";

const DOMAINS = path.join(SHARED, "fixtures", "domains");
interface TableEntry { neurodata_type: string; colnames: string[]; length: number; id: number[]; columns: Record<string, unknown> }
const manifest = JSON.parse(readFileSync(path.join(DOMAINS, "manifest.json"), "utf8")) as Record<string, { tables?: Record<string, TableEntry> }>;

/** A cell as the manifest writes it: objects by their path, typed arrays as lists. */
function asManifest(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(asManifest);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>, asManifest);
  if (typeof v === "object" && v !== null && "object_id" in v) return (v as AbstractContainer).container_source?.path;
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asManifest(x)]));
  return typeof v === "bigint" ? Number(v) : v;
}

for (const [fileName, entry] of Object.entries(manifest)) {
  if (!entry.tables) continue;
  describe(`tables of ${fileName}`, () => {
    const read = readForTests(path.join(DOMAINS, fileName));
    for (const [tablePath, expected] of Object.entries(entry.tables!)) {
      it(`${tablePath} matches the manifest, column by column`, async () => {
        const table = read.objects().get(tablePath) as DynamicTable;
        expect(table).toBeInstanceOf(DynamicTable);
        expect([table.neurodata_type, table.colnames, table.length]).toEqual([expected.neurodata_type, expected.colnames, expected.length]);
        // `columns` holds every column by name, those the type names (start_time, spike_times) included, as pynwb's.
        for (const name of expected.colnames) expect(table.columns.get(name), name).toBe(table.getColumn(name));
        expect(Array.from((await table.id.data.read()) as ArrayLike<number | bigint>, Number)).toEqual(expected.id);
        for (const [name, values] of Object.entries(expected.columns)) {
          if (typeof values === "object" && values !== null && !Array.isArray(values) && "sha256" in values) {
            const column = table.getColumn(name).data;
            const v = values as { shape: number[]; dtype: string; sha256: string };
            expect([column.shape, column.dtype], name).toEqual([v.shape, v.dtype]);
            expect(sha256((await column.read()) as TypedArray), name).toBe(v.sha256);
            const rows = await table.readColumn(name);
            expect(rows.length).toBe(v.shape[0]);
            continue;
          }
          expect(asManifest(await table.readColumn(name)), `${tablePath}.${name}`).toEqual(values);
        }
      });
    }
  });
}

describe("table reading", () => {
  const read = readForTests(path.join(DOMAINS, "ecephys.nwb"));

  it("references are the very objects; regions are row indices into their table; slices read those rows", async () => {
    const nwbfile = read.nwbfile();
    const units = nwbfile.units!;
    const groups = await units.readColumn("electrode_group");
    expect(groups[0]).toBe(nwbfile.electrode_groups.get("shank0"));
    expect(await units.readColumn("electrodes")).toEqual([[0], [1], [2]]);
    expect((units.getColumn("electrodes") as unknown as { table: unknown }).table).toBe(nwbfile.electrodes);
    const spikes = await units.readColumn("spike_times", [1, 3]);
    expect(spikes.map((r) => (r as Float64Array).length)).toEqual([4, 5]);
    expect(spikes.every((r) => r instanceof Float64Array)).toBe(true);
  });

  it("readRow and toRecords give records by column name, with the id", async () => {
    const trials = read.nwbfile().trials!;
    expect(await trials.readRow(3)).toEqual({ id: 3, start_time: 4.5, stop_time: 5.5, correct: false, stimulus: "grating_0" });
    const records = await trials.toRecords();
    expect(records.length).toBe(6);
    expect(records[0]).toEqual({ id: 0, start_time: 0, stop_time: 1, correct: true, stimulus: "grating_0" });
    await expect(trials.readColumn("nope")).rejects.toThrow(/no column 'nope'/);
  });

  it("tsnwb info shows each table's rows and columns, with their dtypes", () => {
    const printed = execFileSync(process.execPath, [path.join(ROOT, "dist", "cli", "main.js"), "info", path.join(DOMAINS, "ecephys.nwb")], { encoding: "utf8" });
    expect(printed).toContain("trials (TimeIntervals)  6 rows; columns start_time float64, stop_time float64, correct bool, stimulus text");
    expect(printed).toContain("units (Units)  3 rows; columns spike_times float64 (ragged), electrodes int64 (ragged) (region), electrode_group reference");
  });
});

describe("table writing (addColumn, addRow)", () => {
  it("writes electrodes, trials and units tables row by row: valid, pynwb's layout, read back the same", async () => {
    const tmp = tempFolder();
    try {
      const nwbfile = new NWBFile({ session_description: "tables", identifier: "tables-1", session_start_time: "2024-01-01T00:00:00+00:00" });
      const probe = nwbfile.createDevice({ name: "probe" });
      const shank = nwbfile.createElectrodeGroup({ name: "shank0", description: "first shank", location: "CA1", device: probe });
      const electrodes = new DynamicTable({ name: "electrodes", description: "electrodes" });
      for (const name of ["location", "group", "group_name", "label"]) electrodes.addColumn({ name, description: name });
      for (let i = 0; i < 3; i++) electrodes.addRow({ location: "CA1", group: shank, group_name: "shank0", label: `ch${i}` });
      nwbfile.electrodes = electrodes;
      electrodes.parent = nwbfile;
      const trials = new TimeIntervals({ name: "trials", description: "trials" });
      expect(trials.colnames).toEqual(["start_time", "stop_time"]);
      trials.addColumn({ name: "stimulus", description: "what was shown" });
      trials.addRow({ start_time: 0, stop_time: 1, stimulus: "a" });
      trials.addRow({ start_time: 1.5, stop_time: 2.5, stimulus: "b" });
      nwbfile.addTimeIntervals(trials);
      const units = new Units({ name: "units", description: "sorted units" });
      units.addColumn({ name: "spike_times", description: "spikes", index: true });
      units.addColumn({ name: "electrodes", description: "where", index: true, table: electrodes });
      units.addRow({ spike_times: [0.1, 0.2], electrodes: [0] });
      units.addRow({ spike_times: [0.5], electrodes: [1, 2] });
      nwbfile.units = units;
      units.parent = nwbfile;
      const file = path.join(tmp.dir, "tables.nwb");
      const io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
      await io.close();
      expect(validate(file).code).toBe(0);
      const cached = validate(file, true);
      expect(cached.code, cached.output).toBe(0);
      expect(h5py(file, `u = f["units"]; print(list(u.attrs["colnames"]), u["spike_times_index"].dtype, list(u["spike_times_index"][()]), f[u["electrodes"].attrs["table"]].name, f["intervals/trials/stimulus"].asstr()[()].tolist())`))
        .toBe("['spike_times', 'electrodes'] uint8 [2, 3] /general/extracellular_ephys/electrodes ['a', 'b']");
      const reader = await NWBHDF5IO.open(file, "r");
      const back = await reader.read();
      expect(await back.trials!.toRecords()).toEqual([{ id: 0, start_time: 0, stop_time: 1, stimulus: "a" }, { id: 1, start_time: 1.5, stop_time: 2.5, stimulus: "b" }]);
      expect(await back.units!.readColumn("spike_times")).toEqual([Float64Array.from([0.1, 0.2]), Float64Array.from([0.5])]);
      expect(await back.units!.readColumn("electrodes")).toEqual([[0], [1, 2]]);
      expect((await back.electrodes!.readColumn("group"))[0]).toBe(back.electrode_groups.get("shank0"));
      await reader.close();
    } finally {
      tmp.cleanup();
    }
  });

  it("a column added without data takes its dtype from its rows, as pynwb's list: integers int64, not the float64 of an empty array", async () => {
    const tmp = tempFolder();
    try {
      // pynwb's behavior tutorial: add_column("stage") then add_row(..., stage=1) is written int64.
      const nwbfile = new NWBFile({ session_description: "tables", identifier: "tables-dtype", session_start_time: "2024-01-01T00:00:00+00:00" });
      const sleep = new TimeIntervals({ name: "sleep_intervals", description: "Intervals when the animal was sleeping." });
      sleep.addColumn({ name: "stage", description: "The stage of sleep." });
      sleep.addColumn({ name: "depth", description: "a float" });
      sleep.addRow({ start_time: 0.3, stop_time: 0.35, stage: 1, depth: 0.5 });
      sleep.addRow({ start_time: 0.7, stop_time: 0.9, stage: 2, depth: 1 });
      expect(sleep.getColumn("stage").data.dtype).toBe("float64"); // rows not made into columns yet
      sleep.flushRows();
      // Rows added later keep the dtype the first ones chose.
      sleep.addRow({ start_time: 1.3, stop_time: 3.0, stage: 3, depth: 2 });
      nwbfile.addTimeIntervals(sleep);
      const file = path.join(tmp.dir, "dtypes.nwb");
      const io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
      await io.close();
      expect(h5py(file, `g = f["intervals/sleep_intervals"]; print(g["stage"].dtype, g["stage"][()].tolist(), g["depth"].dtype, g["depth"][()].tolist(), g["start_time"].dtype)`))
        .toBe("int64 [1, 2, 3] float64 [0.5, 1.0, 2.0] float64");
      const reader = await NWBHDF5IO.open(file, "r");
      expect(await (await reader.read()).intervals.get("sleep_intervals")!.readColumn("stage")).toEqual([1, 2, 3]);
      await reader.close();
    } finally {
      tmp.cleanup();
    }
  });

  it("refuses a row missing a column, a ragged value that is not a list, a region index out of range, an unknown column", () => {
    const electrodes = new DynamicTable({ name: "electrodes", description: "e" });
    electrodes.addColumn({ name: "label", description: "l" });
    electrodes.addRow({ label: "ch0" });
    const units = new Units({ name: "units", description: "u" });
    units.addColumn({ name: "spike_times", description: "s", index: true });
    units.addColumn({ name: "electrodes", description: "e", index: true, table: electrodes });
    expect(() => units.addRow({ spike_times: [1] })).toThrow(/Units 'units': field 'electrodes': expected a value in every column, got row 0, column 'electrodes': none/);
    expect(() => units.addRow({ spike_times: 1, electrodes: [0] })).toThrow(/field 'spike_times': expected a list \(a ragged column\), got row 0/);
    expect(() => units.addRow({ spike_times: [1], electrodes: [3] })).toThrow(/field 'electrodes': expected row indices of DynamicTable 'electrodes' \(0 to 0\), got row 0, column 'electrodes': 3/);
    expect(() => units.addRow({ spike_times: [1], electrodes: [0], depth: 3 })).toThrow(/field 'depth': expected one of the columns/);
    units.addRow({ spike_times: [1], electrodes: [0] });
    expect(() => units.addColumn({ name: "late", description: "l" })).toThrow(/columns added before any row/);
  });
});

describe("pynwb's table shortcuts on NWBFile", () => {
  it("a column added empty takes the dtype of the rows that fill it, as pynwb: integers int64, others float64 (pynwb's time intervals tutorial)", async () => {
    const tmp = tempFolder();
    try {
      const nwbfile = new NWBFile({ session_description: "sleep", identifier: "sleep-stages", session_start_time: "2017-04-03T11:00:00-07:00" });
      const stages = new TimeIntervals({ name: "sleep_stages", description: "intervals for each sleep stage as determined by EEG" });
      stages.addColumn({ name: "stage", description: "stage of sleep" });
      stages.addColumn({ name: "confidence", description: "confidence in stage (0-1)" });
      stages.addRow({ start_time: 0.3, stop_time: 0.5, stage: 1, confidence: 0.5 });
      stages.addRow({ start_time: 0.7, stop_time: 0.9, stage: 2, confidence: 1 });
      nwbfile.addTimeIntervals(stages);
      const file = path.join(tmp.dir, "sleep.nwb");
      const io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
      await io.close();
      // confidence 1 after 0.5: floats, with the integer among them.
      expect(h5py(file, `t = f["intervals/sleep_stages"]; print(t["stage"].dtype, t["stage"][()].tolist(), t["confidence"].dtype, t["confidence"][()].tolist())`))
        .toBe("int64 [1, 2] float64 [0.5, 1.0]");
      // Rows added to the read table keep the stored dtype where they fit it.
      const more = await NWBHDF5IO.open(file, "a");
      const appended = await more.read();
      appended.getTimeIntervals("sleep_stages").addRow({ start_time: 1.3, stop_time: 3.0, stage: 3, confidence: 0.7 });
      await more.write(appended);
      await more.close();
      expect(h5py(file, `t = f["intervals/sleep_stages"]; print(t["stage"].dtype, t["stage"][()].tolist(), t["confidence"][()].tolist())`))
        .toBe("int64 [1, 2, 3] [0.5, 1.0, 0.7]");
    } finally {
      tmp.cleanup();
    }
  });

  it("addElectrode(Column), createElectrodeTableRegion, addTrial(Column), addUnit(Column), addInvalidTimesColumn, addInvalidTimeInterval write a valid ecephys file", async () => {
    const tmp = tempFolder();
    try {
      const nwbfile = new NWBFile({ session_description: "ecephys", identifier: "ecephys-shortcuts", session_start_time: "2024-01-01T00:00:00+00:00" });
      const probe = nwbfile.createDevice({ name: "probe", description: "silicon probe" });
      const shank = nwbfile.createElectrodeGroup({ name: "shank0", description: "first shank", location: "CA1", device: probe });
      nwbfile.addElectrodeColumn({ name: "label", description: "channel label" });
      for (let i = 0; i < 4; i++) nwbfile.addElectrode({ location: "CA1", group: shank, label: `ch${i}` });
      const region = nwbfile.createElectrodeTableRegion([0, 1, 2, 3], "all channels");
      nwbfile.addAcquisition(new ElectricalSeries({ name: "ephys", data: { data: new Int16Array(20 * 4), shape: [20, 4] }, rate: 1000, electrodes: region }));
      nwbfile.addTrialColumn({ name: "stimulus", description: "what was shown" });
      nwbfile.addTrialColumn({ name: "correct", description: "whether the answer was right" });
      nwbfile.addTrial({ start_time: 0, stop_time: 1, stimulus: "grating", correct: true });
      nwbfile.addTrial({ start_time: 2, stop_time: 3, stimulus: "blank", correct: false });
      nwbfile.addUnitColumn({ name: "quality", description: "sorting quality" });
      nwbfile.addUnit({ spike_times: [0.1, 0.5, 0.9], quality: 0.9, electrodes: [0, 1] });
      nwbfile.addUnit({ spike_times: [1.2], quality: 0.4, electrodes: [3] });
      nwbfile.addInvalidTimesColumn({ name: "reason", description: "why the interval is left out" });
      nwbfile.addInvalidTimeInterval({ start_time: 5, stop_time: 6, reason: "electrical noise" });
      expect(() => nwbfile.addTrial({ start_time: 4, stop_time: 5 })).toThrow(/TimeIntervals 'trials': field 'stimulus': expected a value in every column/);
      const file = path.join(tmp.dir, "shortcuts.nwb");
      const io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
      await io.close();
      const checked = validate(file);
      expect(checked.output, checked.output).toContain("0 error(s)");
      const cached = validate(file, true);
      expect(cached.code, cached.output).toBe(0);
      expect(h5py(file, `e = f["general/extracellular_ephys/electrodes"]; print(list(e.attrs["colnames"]), e["group_name"].asstr()[()].tolist(), f[f["acquisition/ephys/electrodes"].attrs["table"]].name)`))
        .toBe("['location', 'group', 'group_name', 'label'] ['shank0', 'shank0', 'shank0', 'shank0'] /general/extracellular_ephys/electrodes");
      // h5py's booleans: an enum over int8, FALSE = 0 and TRUE = 1, read by h5py as numpy bools.
      expect(h5py(file, `c = f["intervals/trials/correct"]; t = c.id.get_type(); print(c.dtype, t.get_class() == h5py.h5t.ENUM, [(t.get_member_name(i).decode(), t.get_member_value(i)) for i in range(t.get_nmembers())], t.get_super().get_sign(), t.get_super().get_size(), c[()].tolist())`))
        .toBe("bool True [('FALSE', 0), ('TRUE', 1)] 1 1 [True, False]");
      const reader = await NWBHDF5IO.open(file, "r");
      const back = await reader.read();
      expect(await back.units!.readColumn("spike_times")).toEqual([Float64Array.from([0.1, 0.5, 0.9]), Float64Array.from([1.2])]);
      expect(await back.units!.readColumn("quality")).toEqual([0.9, 0.4]);
      expect(await back.units!.readColumn("electrodes")).toEqual([[0, 1], [3]]);
      expect((back.units!.getColumn("electrodes") as unknown as { table: unknown }).table).toBe(back.electrodes);
      expect(await back.trials!.readColumn("stimulus")).toEqual(["grating", "blank"]);
      expect(await back.trials!.readColumn("correct")).toEqual([true, false]);
      expect(await back.invalid_times!.toRecords()).toEqual([{ id: 0, start_time: 5, stop_time: 6, reason: "electrical noise" }]);
      expect(back.invalid_times!.description).toBe("time intervals to be removed from analysis");
      expect(back.getAcquisition("ephys", ElectricalSeries).electrodes.table).toBe(back.electrodes);
      await reader.close();
    } finally {
      tmp.cleanup();
    }
  });
});

describe("export and append of every domain file keep every table", () => {
  const files = ["ecephys.nwb", "ophys.nwb", "behavior.nwb", "extension.nwb"];
  const compare = (a: string, b: string) =>
    JSON.parse(execFileSync("/usr/bin/python3", [path.join(ROOT, "test", "py", "compare_files.py"), a, b], { encoding: "utf8" })) as [string, unknown, unknown][];

  it("an export holds the same things (booleans as h5py's enum, compound rows, links to shared timestamps and reference images)", async () => {
    const tmp = tempFolder();
    try {
      for (const name of files) {
        const out = path.join(tmp.dir, name);
        const reader = await NWBHDF5IO.open(path.join(DOMAINS, name), "r");
        const writer = await NWBHDF5IO.open(out, "w");
        await writer.write(await reader.read());
        await writer.close();
        await reader.close();
        expect(validate(out).code, name).toBe(0);
        expect(compare(path.join(DOMAINS, name), out), name).toEqual([]);
      }
    } finally {
      tmp.cleanup();
    }
  });

  it("an append adds a table (with a boolean column) and keeps every table the file had", async () => {
    const tmp = tempFolder();
    try {
      for (const name of files) {
        const copy = path.join(tmp.dir, name);
        execFileSync("cp", [path.join(DOMAINS, name), copy]);
        const io = await NWBHDF5IO.open(copy, "a");
        const nwbfile = await io.read();
        const sleep = nwbfile.createTimeIntervals("sleep", "sleep bouts");
        sleep.addColumn({ name: "deep", description: "whether the bout was deep sleep" });
        sleep.addColumn({ name: "stages", description: "stages seen", index: true });
        sleep.addRow({ start_time: 0, stop_time: 10, deep: true, stages: ["N1", "N2"] });
        sleep.addRow({ start_time: 20, stop_time: 25, deep: false, stages: [] });
        await io.write(nwbfile);
        await io.close();
        expect(validate(copy).code, name).toBe(0);
        const diff = compare(path.join(DOMAINS, name), copy);
        expect(diff.filter(([p]) => !p.startsWith("/intervals/sleep") && p !== "/intervals"), name).toEqual([]);
        expect(h5py(copy, `s = f["intervals/sleep"]; print(s["deep"].dtype, s["deep"][()].tolist(), s["stages_index"][()].tolist())`), name).toBe("bool [True, False] [2, 2]");
        const back = await NWBHDF5IO.open(copy, "r");
        const again = await back.read();
        expect(await again.intervals.get("sleep")!.toRecords(), name).toEqual([
          { id: 0, start_time: 0, stop_time: 10, deep: true, stages: ["N1", "N2"] },
          { id: 1, start_time: 20, stop_time: 25, deep: false, stages: [] },
        ]);
        await back.close();
      }
    } finally {
      tmp.cleanup();
    }
  });
});

describe("epochs, ROIs and units' electrodes, written as pynwb writes them", () => {
  it("addEpoch: tags (a list or a comma-separated string) and the sample ranges of the series each epoch covers", async () => {
    const tmp = tempFolder();
    try {
      const nwbfile = new NWBFile({ session_description: "epochs", identifier: "epochs-1", session_start_time: "2024-01-01T00:00:00+00:00" });
      const rated = new TimeSeries({ name: "running", data: new Float64Array(100), unit: "m/s", rate: 10, starting_time: 1 });
      const stamped = new TimeSeries({ name: "licks", data: [1, 2, 3, 4, 5, 6], unit: "n.a.", timestamps: [0.5, 1, 2, 3.5, 4, 9] });
      nwbfile.addAcquisition(rated).addAcquisition(stamped);
      nwbfile.addEpoch({ start_time: 2, stop_time: 4, tags: ["running", "dark"], timeseries: [rated, stamped] });
      nwbfile.addEpoch({ start_time: 0, stop_time: 20, tags: "rest, light", timeseries: [rated, stamped] });
      const file = path.join(tmp.dir, "epochs.nwb");
      const io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
      await io.close();
      expect(validate(file).output).toContain("0 error(s)");
      const cached = validate(file, true);
      expect(cached.code, cached.output).toBe(0);
      expect(h5py(file, `e = f["intervals/epochs"]; print(list(e.attrs["colnames"]), e["tags_index"].dtype, e["tags_index"][()].tolist(), e["tags"].asstr()[()].tolist(), e["timeseries"].attrs["neurodata_type"], e["timeseries"].dtype.names, [(int(r[0]), int(r[1]), f[r[2]].name) for r in e["timeseries"][()]], e["timeseries_index"][()].tolist())`))
        .toBe("['start_time', 'stop_time', 'tags', 'timeseries'] uint8 [2, 4] ['running', 'dark', 'rest', 'light'] TimeSeriesReferenceVectorData ('idx_start', 'count', 'timeseries') [(10, 20, '/acquisition/running'), (2, 2, '/acquisition/licks'), (0, 100, '/acquisition/running'), (0, 6, '/acquisition/licks')] [2, 4]");
      const back = await NWBHDF5IO.open(file, "r");
      const read = await back.read();
      const running = read.getAcquisition("running");
      const licks = read.getAcquisition("licks", TimeSeries);
      expect(await read.epochs!.toRecords()).toEqual([
        { id: 0, start_time: 2, stop_time: 4, tags: ["running", "dark"], timeseries: [{ idx_start: 10, count: 20, timeseries: running }, { idx_start: 2, count: 2, timeseries: licks }] },
        { id: 1, start_time: 0, stop_time: 20, tags: ["rest", "light"], timeseries: [{ idx_start: 0, count: 100, timeseries: running }, { idx_start: 0, count: 6, timeseries: licks }] },
      ]);
      // The references read are pynwb's TimeSeriesReference, typed: their samples' data and times, read from the file.
      const [onRunning, onLicks] = (await read.epochs!.getRow(0)).timeseries!;
      expect(onRunning).toBeInstanceOf(TimeSeriesReference);
      expect(onRunning!.isvalid()).toBe(true);
      expect(Array.from((await onRunning!.readTimestamps())!.subarray(0, 3))).toEqual([2, 2.1, 2.2]); // starting_time 1 + (10 + i) / 10
      expect((await onRunning!.readData())!.length).toBe(20);
      expect(await onLicks!.readData()).toEqual(new BigInt64Array([3n, 4n])); // int64, as numpy gives integers
      expect(Array.from((await onLicks!.readTimestamps())!)).toEqual([2, 3.5]);
      // pynwb's isvalid: -1 and -1 is a missing reference (no samples); samples past the series' are an error.
      const missing = new TimeSeriesReference(-1, -1, licks);
      expect(missing.isvalid()).toBe(false);
      expect(await missing.readData()).toBeUndefined();
      expect(() => new TimeSeriesReference(5, 3, licks).isvalid()).toThrow("TimeSeries 'licks': field 'count': expected at most 1 samples from idx_start 5, got 3");
      expect(() => new TimeSeriesReference(6, 0, licks).isvalid()).toThrow("field 'idx_start': expected a sample of the series (0 to 5), got 6");
      // A series read from a file: its stored timestamps are bisected where they are.
      const more = await NWBHDF5IO.open(file, "a");
      const appended = await more.read();
      appended.createTimeIntervals("licking", "licking bouts").addInterval({ start_time: 1.5, stop_time: 5, timeseries: appended.getAcquisition("licks", TimeSeries) });
      await more.write(appended);
      await more.close();
      expect(h5py(file, `print([(int(r[0]), int(r[1])) for r in f["intervals/licking/timeseries"][()]])`)).toBe("[(2, 3)]");
      // pynwb's get_time_intervals: the tables of /intervals other than trials, epochs and invalid_times.
      const again = await NWBHDF5IO.open(file, "r");
      const withLicking = await again.read();
      const licking = withLicking.getTimeIntervals("licking");
      expect(licking.description).toBe("licking bouts");
      expect(withLicking.getTimeIntervals()).toBe(licking);
      const [bout] = await licking.toRecords();
      expect([bout!.start_time, bout!.stop_time, bout!.timeseries![0]!.idx_start, bout!.timeseries![0]!.count]).toEqual([1.5, 5, 2, 3]);
      expect(() => withLicking.getTimeIntervals("epochs")).toThrow("NWBFile 'epochs-1': no 'epochs' in intervals (it holds: licking)");
      await again.close();
      await back.close();
    } finally {
      tmp.cleanup();
    }
  });

  it("PlaneSegmentation.addRoi (image and pixel masks), createRoiTableRegion, reference images as links", async () => {
    const tmp = tempFolder();
    try {
      const nwbfile = new NWBFile({ session_description: "ophys", identifier: "ophys-rois", session_start_time: "2024-01-01T00:00:00+00:00" });
      const microscope = nwbfile.createDevice({ name: "microscope" });
      const plane = nwbfile.createImagingPlane({
        name: "plane0", description: "a plane", excitation_lambda: 920, indicator: "GCaMP6f", location: "V1", device: microscope,
        optical_channel: [new OpticalChannel({ name: "green", description: "green channel", emission_lambda: 510 })],
      });
      const movie = new TwoPhotonSeries({ name: "movie", data: { data: new Uint16Array(3 * 4 * 5), shape: [3, 4, 5] }, unit: "n.a.", rate: 30, imaging_plane: plane });
      nwbfile.addAcquisition(movie);
      const segmentation = new PlaneSegmentation({ name: "cells", description: "segmented cells", imaging_plane: plane, reference_images: [movie] });
      const mask = (x: number) => Array.from({ length: 4 }, (_, r) => Array.from({ length: 5 }, (_, c) => (r === x && c === x ? 1 : 0)));
      segmentation.addRoi({ image_mask: mask(0), pixel_mask: [[0, 0, 1]] });
      segmentation.addRoi({ image_mask: mask(1), pixel_mask: [[1, 1, 0.5], { x: 2, y: 1, weight: 0.5 }] });
      segmentation.addRoi({ image_mask: { data: new Float32Array(20), shape: [4, 5] }, pixel_mask: [] });
      const module = nwbfile.createProcessingModule({ name: "ophys", description: "optical physiology" });
      module.add(new ImageSegmentation({ plane_segmentations: [segmentation] }));
      const rois = segmentation.createRoiTableRegion([0, 2], "two cells");
      module.add(new Fluorescence({ roi_response_series: [new RoiResponseSeries({ name: "dff", data: { data: new Float32Array(10 * 2), shape: [10, 2] }, unit: "n.a.", rate: 30, rois })] }));
      const file = path.join(tmp.dir, "rois.nwb");
      const io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
      await io.close();
      expect(validate(file).output).toContain("0 error(s)");
      const cached = validate(file, true);
      expect(cached.code, cached.output).toBe(0);
      expect(h5py(file, `p = f["processing/ophys/ImageSegmentation/cells"]; print(list(p.attrs["colnames"]), p["image_mask"].shape, p["pixel_mask"].dtype.names, p["pixel_mask_index"][()].tolist(), f[f["processing/ophys/Fluorescence/dff/rois"].attrs["table"]].name, f["processing/ophys/Fluorescence/dff/rois"][()].tolist())`))
        .toBe("['image_mask', 'pixel_mask'] (3, 4, 5) ('x', 'y', 'weight') [1, 3, 3] /processing/ophys/ImageSegmentation/cells [0, 2]");
      const back = await NWBHDF5IO.open(file, "r");
      const read = await back.read();
      const cells = (read.getProcessingModule("ophys").get("ImageSegmentation") as ImageSegmentation).plane_segmentations.get("cells")!;
      expect(cells).toBeInstanceOf(PlaneSegmentation);
      const masks = await cells.readColumn("image_mask");
      expect(masks.map((m) => (m as NDArray).shape)).toEqual([[4, 5], [4, 5], [4, 5]]);
      expect(masks.map((m) => Array.from((m as NDArray).data as ArrayLike<number>).indexOf(1))).toEqual([0, 6, -1]);
      expect(await cells.readColumn("pixel_mask")).toEqual([[{ x: 0, y: 0, weight: 1 }], [{ x: 1, y: 1, weight: 0.5 }, { x: 2, y: 1, weight: 0.5 }], []]);
      expect(h5py(file, `print(f["processing/ophys/ImageSegmentation/cells/reference_images"].get("movie", getlink=True).path)`)).toBe("/acquisition/movie");
      expect(cells.reference_images.get("movie")).toBe(read.getAcquisition("movie"));
      const dff = (read.getProcessingModule("ophys").get("Fluorescence") as Fluorescence).roi_response_series.get("dff")!;
      expect(dff.rois.table).toBe(cells);
      await back.close();
    } finally {
      tmp.cleanup();
    }
  });

  it("rows of arrays added after a read are stacked on the rows already made (an image mask per ROI)", async () => {
    const nwbfile = new NWBFile({ session_description: "s", identifier: "masks-twice", session_start_time: "2024-01-01T00:00:00+00:00" });
    const plane = nwbfile.createImagingPlane({
      name: "p", description: "a plane", excitation_lambda: 1, indicator: "i", location: "l", device: nwbfile.createDevice({ name: "d" }),
      optical_channel: [new OpticalChannel({ name: "green", description: "green channel", emission_lambda: 510 })],
    });
    const cells = new PlaneSegmentation({ name: "cells", description: "c", imaging_plane: plane });
    cells.addRoi({ image_mask: [[1, 0], [0, 1]] });
    expect((await cells.readColumn("image_mask")).map((m) => Array.from((m as NDArray).data as ArrayLike<number | bigint>, Number))).toEqual([[1, 0, 0, 1]]);
    cells.addRoi({ image_mask: [[0, 1], [1, 0]] });
    expect((await cells.readColumn("image_mask")).map((m) => Array.from((m as NDArray).data as ArrayLike<number | bigint>, Number))).toEqual([[1, 0, 0, 1], [0, 1, 1, 0]]);
    expect(cells.getColumn("image_mask").data.shape).toEqual([2, 2, 2]);
  });

  it("ragged rows of numbers: typed arrays taken as a copy, concatenated exactly, read as typed arrays (views of one read)", async () => {
    const nwbfile = new NWBFile({ session_description: "s", identifier: "ragged-typed", session_start_time: "2024-01-01T00:00:00+00:00" });
    const buffer = Float64Array.from([0.5, 1.5]);
    nwbfile.addUnit({ spike_times: buffer });
    buffer[0] = 99; // a buffer reused for the next unit does not change the first (pynwb copies a row's values too)
    nwbfile.addUnit({ spike_times: new Float32Array([0.25]) });
    nwbfile.addUnit({ spike_times: [] });
    nwbfile.addUnit({ spike_times: [3, 4.5] });
    const units = nwbfile.units!;
    const rows = await units.readColumn("spike_times");
    expect(rows).toEqual([Float64Array.from([0.5, 1.5]), Float64Array.from([0.25]), new Float64Array(0), Float64Array.from([3, 4.5])]);
    expect(new Set(rows.map((r) => (r as Float64Array).buffer)).size).toBe(1);
    expect(units.getColumn("spike_times").data.dtype).toBe("float64");
    expect(Array.from((await units.getColumn("spike_times_index").data.read()) as Uint8Array)).toEqual([2, 3, 3, 5]);
    // A column without a schema dtype: typed arrays and lists alike, read as the column's typed array.
    nwbfile.addTrialColumn({ name: "licks", description: "l", index: true });
    nwbfile.addTrialColumn({ name: "stimulus", description: "s" });
    const trials = nwbfile.trials!;
    nwbfile.addTrial({ start_time: 0, stop_time: 1, licks: new Float32Array([0.5]), stimulus: "a" });
    nwbfile.addTrial({ start_time: 1, stop_time: 2, licks: [0.1, 0.2], stimulus: "b" });
    expect(await trials.readColumn("licks")).toEqual([Float64Array.from([0.5]), Float64Array.from([0.1, 0.2])]);
    // A value of another kind than the column's is refused as before, a typed array's too.
    expect(() => nwbfile.addTrial({ start_time: 2, stop_time: 3, licks: ["a"], stimulus: "c" })).toThrow(/column 'licks'/);
    expect(() => nwbfile.addTrial({ start_time: 2, stop_time: 3, licks: "0.2", stimulus: "c" })).toThrow(/a list \(a ragged column\)/);
    expect(() => nwbfile.addTrial({ start_time: 2, stop_time: 3, licks: [0.2], stimulus: new Float64Array([1]) })).toThrow(/column 'stimulus'/);
    expect(trials.length).toBe(2);
  });

  it("addUnit with electrodes makes the units' region column into the electrodes table", async () => {
    const tmp = tempFolder();
    try {
      const nwbfile = new NWBFile({ session_description: "units", identifier: "units-1", session_start_time: "2024-01-01T00:00:00+00:00" });
      const shank = nwbfile.createElectrodeGroup({ name: "shank0", description: "shank", location: "CA1", device: nwbfile.createDevice({ name: "probe" }) });
      for (let i = 0; i < 3; i++) nwbfile.addElectrode({ location: "CA1", group: shank });
      nwbfile.addUnit({ spike_times: [0.1, 0.2], electrodes: [0, 1], electrode_group: shank });
      nwbfile.addUnit({ spike_times: [0.3], electrodes: [2], electrode_group: shank });
      expect(() => nwbfile.addUnit({ spike_times: [1], electrodes: [3], electrode_group: shank })).toThrow(/Units 'units': field 'electrodes': expected row indices of DynamicTable 'electrodes' \(0 to 2\), got row 2, column 'electrodes': 3/);
      const file = path.join(tmp.dir, "units.nwb");
      const io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
      await io.close();
      expect(validate(file).output).toContain("0 error(s)");
      expect(h5py(file, `u = f["units"]; print(list(u.attrs["colnames"]), f[u["electrodes"].attrs["table"]].name, u["electrodes_index"][()].tolist(), [f[r].name for r in u["electrode_group"][()]])`))
        .toBe("['spike_times', 'electrodes', 'electrode_group'] /general/extracellular_ephys/electrodes [2, 3] ['/general/extracellular_ephys/shank0', '/general/extracellular_ephys/shank0']");
      const back = await NWBHDF5IO.open(file, "r");
      const read = await back.read();
      expect(await read.units!.readColumn("electrodes")).toEqual([[0, 1], [2]]);
      expect((await read.units!.readColumn("electrode_group"))[1]).toBe(read.electrode_groups.get("shank0"));
      await back.close();
    } finally {
      tmp.cleanup();
    }
  });

  it("refuses a value of another kind than the column's, bad masks, regions out of range and bad series", () => {
    const trials = new TimeIntervals({ name: "trials", description: "t" });
    trials.addColumn({ name: "stimulus", description: "s" });
    trials.addRow({ start_time: 0, stop_time: 1, stimulus: "grating" });
    expect(() => trials.addRow({ start_time: 1, stop_time: 2, stimulus: 3 })).toThrow(/TimeIntervals 'trials': field 'stimulus': expected a string \(as the column holds\), got row 1, column 'stimulus': 3/);
    expect(() => trials.addRow({ start_time: "1", stop_time: 2, stimulus: "x" })).toThrow(/field 'start_time': expected a number \(as the column holds\), got row 1, column 'start_time': "1"/);
    expect(() => trials.addInterval({ start_time: 1, stop_time: Number.NaN, stimulus: "x" })).toThrow(/field 'stop_time': expected a number of seconds/);
    const epochs = new TimeIntervals({ name: "epochs", description: "e" });
    expect(() => epochs.addInterval({ start_time: 0, stop_time: 1, timeseries: ["x" as never] })).toThrow(/field 'timeseries': expected TimeSeries objects/);
    epochs.addInterval({ start_time: 0, stop_time: 1, tags: ["a"] });
    expect(() => epochs.addInterval({ start_time: 0, stop_time: 1, tags: [1 as never] })).toThrow(/field 'tags': expected a string \(as the column holds\), got row 1, column 'tags': 1/);
    const plane = new NWBFile({ session_description: "s", identifier: "i", session_start_time: "2024-01-01T00:00:00+00:00" }).createImagingPlane({
      name: "p", description: "a plane", excitation_lambda: 1, indicator: "i", location: "l",
      device: new NWBFile({ session_description: "s", identifier: "j", session_start_time: "2024-01-01T00:00:00+00:00" }).createDevice({ name: "d" }),
      optical_channel: [new OpticalChannel({ name: "green", description: "green channel", emission_lambda: 510 })],
    });
    const cells = new PlaneSegmentation({ name: "cells", description: "c", imaging_plane: plane });
    expect(() => cells.addRoi({})).toThrow(/PlaneSegmentation 'cells': field 'image_mask': expected at least one of image_mask, pixel_mask and voxel_mask, got row 0: none/);
    expect(() => cells.addRoi({ pixel_mask: [[1, 2]] as never })).toThrow(/field 'pixel_mask': expected entries of x, y, weight, got row 0, entry 0: \[1,2\]/);
    cells.addRoi({ image_mask: [[1, 0], [0, 1]] });
    expect(() => cells.addRoi({ image_mask: 5 as never })).toThrow(/field 'image_mask': expected an array \(as the column holds\), got row 1, column 'image_mask': 5/);
    expect(() => cells.addRoi({ image_mask: [[1, 0, 0], [0, 1, 0]] })).toThrow(/PlaneSegmentation 'cells': field 'image_mask': expected an array of shape \[2, 2\] \(as the column holds\), got row 1, column 'image_mask': shape \[2, 3\]/);
    expect(() => cells.addRoi({ image_mask: [[1, 0], [0]] })).toThrow(/field 'image_mask': expected an array \(nested arrays or \{ data, shape \}\), got row 1/);
    expect(() => cells.createRoiTableRegion([0, 5], "r")).toThrow(/field 'region': expected row indices of its 1 rows \(0 to 0\), got 5/);
  });
});
