/**
 * Files that pass validation must be files pynwb reads (issue 16, "Trust"): what pynwb requires is required; a
 * table made from its columns is whole (colnames, ids); the columns the schema names (NWBFile's electrodes x, y,
 * z, imp...; a Units' obs_intervals and waveform_mean) take the schema's dtype and attributes, however they are
 * made; tsnwb's validator sees a named member's dtype as pynwb's does; every icephys table is made as pynwb makes
 * it. Each file written is read by pynwb itself and passes its validator (test/oracle/judge.ts), and what is in
 * it is read back with h5py.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  Device, DynamicTable, ElementIdentifiers, ExperimentalConditionsTable, IntracellularElectrode, IntracellularElectrodesTable, IntracellularRecordingsTable,
  IntracellularResponsesTable, IntracellularStimuliTable, NWBFile, NWBHDF5IO, OpticalChannel, RepetitionsTable,
  SequentialRecordingsTable, SimultaneousRecordingsTable, SweepTable, TimeIntervals, Units, ValidationError, VectorData, VectorIndex,
  VoltageClampSeries, VoltageClampStimulusSeries, validate,
} from "../src/index.js";
import { ORACLE, h5py, pynwbCheck, tempFolder } from "./helpers.js";
import { findings } from "./oracle/judge.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

function newFile(id: string): NWBFile {
  return new NWBFile({ session_description: "trust", identifier: id, session_start_time: "2024-03-04T05:06:07+01:00" });
}

async function write(nwbfile: NWBFile, name: string): Promise<string> {
  const file = path.join(tmp.dir, `${name}.nwb`);
  const io = await NWBHDF5IO.open(file, "w");
  await io.write(nwbfile);
  await io.close();
  return file;
}

/** Files pynwb must read and find valid: checked together by the last test, in one Python process. */
const forPynwb: string[] = [];
function expectPynwbReads(file: string): void {
  forPynwb.push(file);
}

function thrown(f: () => unknown): ValidationError {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("what pynwb requires", () => {
  it("an ImagingPlane needs a description and an optical channel, as pynwb's does", async () => {
    const nwbfile = newFile("plane");
    const device = nwbfile.createDevice({ name: "scope" });
    const base = { name: "plane", excitation_lambda: 920, indicator: "GCaMP6f", location: "V1", device };
    const channel = () => [new OpticalChannel({ name: "green", description: "green light", emission_lambda: 510 })];
    const noDescription = thrown(() => nwbfile.createImagingPlane({ ...base, optical_channel: channel() } as never));
    expect([noDescription.object, noDescription.field]).toEqual(["ImagingPlane 'plane'", "description"]);
    expect(noDescription.message).toMatch(/expected a string \(required\)/);
    const noChannel = thrown(() => nwbfile.createImagingPlane({ ...base, description: "layer 2/3" } as never));
    expect([noChannel.field, noChannel.expected]).toEqual(["optical_channel", "an OpticalChannel at least (required)"]);
    expect(nwbfile.imaging_planes.size).toBe(0);

    nwbfile.createImagingPlane({ ...base, description: "layer 2/3", optical_channel: channel() });
    const file = await write(nwbfile, "plane");
    expect(h5py(file, `print(f["general/optophysiology/plane/description"][()].decode())`)).toBe("layer 2/3");
    expectPynwbReads(file);
  });
});

describe("a DynamicTable made from its columns", () => {
  it("takes its colnames from the columns (not the index), and ids 0..n-1, as hdmf does", async () => {
    const weight = new VectorData({ name: "weight", description: "grams", data: [20.5, 22.0, 19.8] });
    const tags = new VectorData({ name: "tags", description: "labels", data: ["a", "b", "c", "d"] });
    const index = new VectorIndex({ name: "tags_index", target: tags, data: [1, 3, 4] });
    expect(index.description).toBe("Index for VectorData 'tags'");
    const table = new DynamicTable({ name: "mice", description: "the mice", columns: [weight, tags, index] });
    expect(table.colnames).toEqual(["weight", "tags"]);
    expect(table.length).toBe(3);
    expect(await table.readColumn("tags")).toEqual([["a"], ["b", "c"], ["d"]]);
    expect(await table.toRecords()).toEqual([
      { id: 0, weight: 20.5, tags: ["a"] }, { id: 1, weight: 22.0, tags: ["b", "c"] }, { id: 2, weight: 19.8, tags: ["d"] },
    ]);
    const nwbfile = newFile("columns");
    nwbfile.addAcquisition(table);
    const file = await write(nwbfile, "columns");
    expect(JSON.parse(h5py(file, `t = f["acquisition/mice"]; print(json.dumps([list(t.attrs["colnames"]), t["id"][:].tolist()]))`))).toEqual([["weight", "tags"], [0, 1, 2]]);
    expectPynwbReads(file);
  });

  it("puts the columns its type names in their fields, of the schema's dtype (a TimeIntervals' start_time)", async () => {
    const blocks = new TimeIntervals({
      name: "blocks",
      columns: [
        new VectorData({ name: "start_time", description: "start", data: [0, 10] }),
        new VectorData({ name: "stop_time", description: "stop", data: [10, 20] }),
        new VectorData({ name: "label", description: "what", data: ["light", "dark"] }),
      ],
    });
    expect([blocks.colnames, blocks.length, blocks.start_time === blocks.getColumn("start_time")]).toEqual([["start_time", "stop_time", "label"], 2, true]);
    const nwbfile = newFile("blocks");
    nwbfile.addTimeIntervals(blocks);
    const file = await write(nwbfile, "blocks");
    expect(h5py(file, `t = f["intervals/blocks"]; print(t["start_time"].dtype, t["stop_time"].dtype, list(t.attrs["colnames"]))`)).toBe("float64 float64 ['start_time', 'stop_time', 'label']");
    expectPynwbReads(file);
  });

  it("refuses columns of different lengths, ids of another length, and colnames that name no column", () => {
    const weight = () => new VectorData({ name: "weight", description: "grams", data: [1, 2, 3] });
    const short = new VectorData({ name: "age", description: "days", data: [1, 2] });
    const lengths = thrown(() => new DynamicTable({ name: "t", description: "d", columns: [weight(), short] }));
    expect([lengths.object, lengths.field, lengths.message]).toEqual(["DynamicTable 't'", "columns", "DynamicTable 't': field 'columns': expected columns of one length (weight has 3 rows), got 'age' with 2 rows"]);
    const ids = thrown(() => new DynamicTable({ name: "t", description: "d", columns: [weight()], id: new ElementIdentifiers({ name: "id", data: [0, 1] }) }));
    expect([ids.field, ids.message]).toEqual(["id", "DynamicTable 't': field 'id': expected one id per row of the columns (3), got 2 ids"]);
    const unknown = thrown(() => new DynamicTable({ name: "t", description: "d", columns: [weight()], colnames: ["weight", "size"] }));
    expect([unknown.field, unknown.message]).toEqual(["colnames", "DynamicTable 't': field 'colnames': expected names of columns given (weight), got 'size', which is not one"]);
  });
});

describe("columns the schema names take its dtype and attributes", () => {
  it("NWBFile's electrodes table: x, y, z, imp... are floats however they are added, as pynwb's validator wants", async () => {
    const nwbfile = newFile("electrodes");
    const device = nwbfile.createDevice({ name: "probe" });
    const group = nwbfile.createElectrodeGroup({ name: "shank", description: "shank 0", location: "CA1", device });
    nwbfile.addElectrodeColumn({ name: "x", description: "x position" });
    nwbfile.addElectrodeColumn({ name: "rel_x", description: "x on the probe" });
    nwbfile.addElectrodeColumn({ name: "filtering", description: "filters" });
    nwbfile.addElectrode({ location: "CA1", group, x: 1, rel_x: 10, filtering: "none", imp: 150 });
    nwbfile.addElectrode({ location: "CA1", group, x: 2, rel_x: 20, filtering: "none", imp: 151 });
    const file = await write(nwbfile, "electrodes");
    const dtypes = JSON.parse(h5py(file, `e = f["general/extracellular_ephys/electrodes"]; print(json.dumps({k: str(e[k].dtype) for k in ["x", "rel_x", "imp", "filtering", "location"]}))`));
    expect(dtypes).toEqual({ x: "float64", rel_x: "float64", imp: "float64", filtering: "object", location: "object" });
    expect(JSON.parse(h5py(file, `print(json.dumps(f["general/extracellular_ephys/electrodes/x"][:].tolist()))`))).toEqual([1, 2]);
    expectPynwbReads(file);
  });

  it("an electrodes column of int64 in a file is reported by tsnwb's validator, as pynwb's reports it; one given is made float", async () => {
    // A file that has one: written right, then broken with h5py.
    const nwbfile = newFile("electrodes-int");
    const group = nwbfile.createElectrodeGroup({ name: "shank", description: "shank 0", location: "CA1", device: nwbfile.createDevice({ name: "probe" }) });
    nwbfile.addElectrodeColumn({ name: "x", description: "x position" });
    nwbfile.addElectrode({ location: "CA1", group, x: 1.5 });
    const file = await write(nwbfile, "electrodes-int");
    execFileSync("/usr/bin/python3", ["-c", `import h5py, numpy as np, sys
f = h5py.File(sys.argv[1], "r+"); e = f["general/extracellular_ephys/electrodes"]; attrs = dict(e["x"].attrs)
del e["x"]; e.create_dataset("x", data=np.array([1], dtype="int64"))
for k, v in attrs.items(): e["x"].attrs[k] = v
f.close()`, file]);
    const pynwb = spawnSync(ORACLE, ["validate", file], { encoding: "utf8" });
    expect(pynwb.status).toBe(1);
    expect(pynwb.stdout + pynwb.stderr).toMatch(/electrodes\/x.*incorrect type - expected 'float32', got 'int64'/);
    const issues = await validate(file);
    expect(issues).toContainEqual({ path: "/general/extracellular_ephys/electrodes/x", rule: "dtype", message: "is int64, expected float32" });

    // A table given its columns by the caller, with integers where the schema asks for floats: written as floats.
    const given = newFile("electrodes-given");
    const shank = given.createElectrodeGroup({ name: "shank", description: "shank 0", location: "CA1", device: given.createDevice({ name: "probe" }) });
    given.electrodes = new DynamicTable({
      name: "electrodes", description: "electrodes",
      columns: [
        new VectorData({ name: "location", description: "where", data: ["CA1"] }),
        new VectorData({ name: "group", description: "group", data: [shank] }),
        new VectorData({ name: "group_name", description: "its name", data: ["shank"] }),
        new VectorData({ name: "y", description: "y position", data: { data: new BigInt64Array([3n]), shape: [1] } }),
      ],
    });
    given.electrodes.parent = given;
    expect(await validate(given)).toEqual([]);
    const written = await write(given, "electrodes-given");
    expect(h5py(written, `y = f["general/extracellular_ephys/electrodes/y"]; print(y.dtype, y[0])`)).toBe("float64 3.0");
    expectPynwbReads(written);
  });

  it("Units: obs_intervals as floats, waveform_mean and waveform_sd with their unit (and sampling_rate when given)", async () => {
    const nwbfile = newFile("units");
    nwbfile.addUnit({ spike_times: [0.1, 0.2], obs_intervals: [[0, 10]], waveform_mean: [1, 2, 3], waveform_sd: [0, 1, 0] });
    nwbfile.addUnit({ spike_times: [0.3], obs_intervals: [[0, 5], [6, 10]], waveform_mean: [2, 3, 4], waveform_sd: [1, 1, 1] });
    nwbfile.units!.waveform_mean__sampling_rate = 30000;
    const file = await write(nwbfile, "units");
    const units = JSON.parse(h5py(file, `u = f["units"]
print(json.dumps({
  "obs_intervals": [str(u["obs_intervals"].dtype), u["obs_intervals"][:].tolist()],
  "waveform_mean": [str(u["waveform_mean"].dtype), u["waveform_mean"].attrs["unit"], float(u["waveform_mean"].attrs["sampling_rate"])],
  "waveform_sd": [u["waveform_sd"].attrs["unit"], "sampling_rate" in u["waveform_sd"].attrs],
}))`));
    expect(units).toEqual({
      obs_intervals: ["float64", [[0, 10], [0, 5], [6, 10]]],
      waveform_mean: ["float64", "volts", 30000],
      waveform_sd: ["volts", false],
    });
    expectPynwbReads(file);
    const read = await NWBHDF5IO.open(file, "r");
    const units2 = (await read.read()).units as Units;
    expect([units2.waveform_mean__sampling_rate, (units2 as unknown as Record<string, unknown>).waveform_mean__unit]).toEqual([30000, "volts"]);
    // Each unit's intervals with their shape, as pynwb's [k, 2] arrays; given back to addUnit as they are read.
    const intervals = await units2.readColumn("obs_intervals");
    expect(intervals).toEqual([
      { data: Float64Array.from([0, 10]), shape: [1, 2], dtype: "float64" },
      { data: Float64Array.from([0, 5, 6, 10]), shape: [2, 2], dtype: "float64" },
    ]);
    const again = newFile("units-again");
    again.addUnit({ spike_times: [0.1], obs_intervals: intervals[1] });
    expect(await again.units!.readColumn("obs_intervals")).toEqual([{ data: Float64Array.from([0, 5, 6, 10]), shape: [2, 2], dtype: "float64" }]);
    await read.close();
  });
});

describe("the icephys tables, as pynwb makes them", () => {
  it("are made from nothing with pynwb's names and their required columns; the grouping tables from the table they group", () => {
    expect([new IntracellularElectrodesTable({}), new IntracellularStimuliTable({}), new IntracellularResponsesTable({})].map((t) => [t.name, t.colnames]))
      .toEqual([["electrodes", ["electrode"]], ["stimuli", ["stimulus"]], ["responses", ["response"]]]);
    expect(new IntracellularStimuliTable({ name: "stimuli" }).stimulus.neurodata_type).toBe("TimeSeriesReferenceVectorData");
    const recordings = new IntracellularRecordingsTable({});
    expect([recordings.name, recordings.categories, recordings.electrodes.name, recordings.stimuli.name, recordings.responses.name])
      .toEqual(["intracellular_recordings", ["electrodes", "stimuli", "responses"], "electrodes", "stimuli", "responses"]);
    expect([new SweepTable({}).name, new SweepTable({}).colnames.sort()]).toEqual(["sweep_table", ["series", "sweep_number"]]);
    const missing = thrown(() => new SimultaneousRecordingsTable({ description: "x" }));
    expect([missing.object, missing.field]).toEqual(["SimultaneousRecordingsTable 'simultaneous_recordings'", "intracellular_recordings_table"]);
    const simultaneous = new SimultaneousRecordingsTable({ intracellular_recordings_table: recordings });
    expect([simultaneous.colnames, simultaneous.recordings.table, simultaneous.recordings_index.target]).toEqual([["recordings"], recordings, simultaneous.recordings]);
    expect(simultaneous.description.length).toBeGreaterThan(0);
    const sequential = new SequentialRecordingsTable({ simultaneous_recordings_table: simultaneous });
    expect(sequential.colnames.sort()).toEqual(["simultaneous_recordings", "stimulus_type"]);
    expect(thrown(() => new RepetitionsTable({})).field).toBe("sequential_recordings_table");
  });

  it("an IntracellularRecordingsTable made from its category tables has their rows, which must agree", () => {
    const device = new Device({ name: "amplifier" });
    const electrode = new IntracellularElectrode({ name: "pipette", description: "patch pipette", device });
    const series = new VoltageClampSeries({ name: "response", data: [0.1, 0.2], rate: 10, electrode, gain: 0.5 });
    const tables = () => {
      const electrodes = new IntracellularElectrodesTable({});
      electrodes.addRow({ electrode });
      const stimuli = new IntracellularStimuliTable({});
      stimuli.addRow({ stimulus: { idx_start: 0, count: 2, timeseries: series } });
      return { electrodes, stimuli, responses: new IntracellularResponsesTable({}) };
    };
    const short = thrown(() => new IntracellularRecordingsTable(tables()));
    expect(short.message).toBe("IntracellularRecordingsTable 'intracellular_recordings': field 'columns': expected columns and category tables of one length (electrodes has 1 rows), got 'responses' with 0 rows");
    const whole = tables();
    whole.responses.addRow({ response: { idx_start: 0, count: 2, timeseries: series } });
    const recordings = new IntracellularRecordingsTable(whole);
    expect([recordings.length, recordings.categories]).toEqual([1, ["electrodes", "stimuli", "responses"]]);
  });

  it("a recording in each, written, read by pynwb", async () => {
    const device = new Device({ name: "amplifier" });
    const electrode = new IntracellularElectrode({ name: "pipette", description: "patch pipette", device });
    const stimulus = new VoltageClampStimulusSeries({ name: "stimulus", data: [0, 1, 1, 0], rate: 10, electrode, gain: 1 });
    const response = new VoltageClampSeries({ name: "response", data: [0.1, 0.2, 0.3, 0.1], rate: 10, electrode, gain: 0.5 });
    const recordings = new IntracellularRecordingsTable({});
    recordings.electrodes.addRow({ electrode });
    recordings.stimuli.addRow({ stimulus: { idx_start: 0, count: 4, timeseries: stimulus } });
    recordings.responses.addRow({ response: { idx_start: 0, count: 4, timeseries: response } });
    recordings.addRow({});
    const simultaneous = new SimultaneousRecordingsTable({ intracellular_recordings_table: recordings });
    simultaneous.addRow({ recordings: [0] });
    const sequential = new SequentialRecordingsTable({ simultaneous_recordings_table: simultaneous });
    sequential.addRow({ simultaneous_recordings: [0], stimulus_type: "step" });
    const repetitions = new RepetitionsTable({ sequential_recordings_table: sequential });
    repetitions.addRow({ sequential_recordings: [0] });
    const conditions = new ExperimentalConditionsTable({ repetitions_table: repetitions });
    conditions.addRow({ repetitions: [0] });
    const withTables = new NWBFile({
      session_description: "trust", identifier: "icephys", session_start_time: "2024-03-04T05:06:07+01:00",
      intracellular_recordings: recordings, icephys_simultaneous_recordings: simultaneous, icephys_sequential_recordings: sequential,
      icephys_repetitions: repetitions, icephys_experimental_conditions: conditions,
    });
    withTables.addDevice(device);
    withTables.addIcephysElectrodes(electrode);
    withTables.addStimulus(stimulus);
    withTables.addAcquisition(response);
    const file = await write(withTables, "icephys");
    const layout = JSON.parse(h5py(file, `g = f["general/intracellular_ephys"]
print(json.dumps({
  "categories": list(g["intracellular_recordings"].attrs["categories"]),
  "recordings_table": f[g["simultaneous_recordings/recordings"].attrs["table"]].name,
  "stimulus_type": [s.decode() if isinstance(s, bytes) else s for s in g["sequential_recordings/stimulus_type"][:]],
  "electrode": f[g["intracellular_recordings/electrodes/electrode"][0]].name,
}))`));
    expect(layout).toEqual({
      categories: ["electrodes", "stimuli", "responses"],
      recordings_table: "/general/intracellular_ephys/intracellular_recordings",
      stimulus_type: ["step"],
      electrode: "/general/intracellular_ephys/pipette",
    });
    expectPynwbReads(file);
  });
});

describe("TimeIntervals and Units made from nothing", () => {
  it("have pynwb's default description", () => {
    expect(new TimeIntervals({ name: "blocks" }).description).toBe("experimental intervals");
    expect([new Units({}).name, new Units({}).description]).toEqual(["Units", "data on spiking units"]);
  });
});

describe("pynwb itself", () => {
  it("reads every file written above, and its validator finds nothing in them", async () => {
    expect(forPynwb.length).toBe(7);
    const verdicts = await pynwbCheck(forPynwb);
    expect([...verdicts].map(([f, v]) => [path.basename(f), findings(v)])).toEqual(forPynwb.map((f) => [path.basename(f), []]));
  });
});
