/**
 * pynwb's methods as pynwb users reach for them: every collection's `add*`/`get*`/`create*` under pynwb's names
 * (from pynwb's `__clsconf__`), TimeSeries' `getTimestamps`/`getDataInUnits` against pynwb's own values on the
 * same file, and pynwb's warning for data whose channels do not match their electrodes or ROIs.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  BehavioralTimeSeries, DecompositionSeries, Device, DynamicTable, ElectricalSeries, GrayscaleImage, Images, IndexSeries, VectorData, Fluorescence, ImageSegmentation, LFP, NWBFile,
  ImageSeries, InMemoryArray, NWBDataInterface, NWBHDF5IO, OpticalChannel, PlaneSegmentation, Position, RoiResponseSeries, SpatialSeries, TimeSeries, readArray,
  setWarningHandler, toNumbers, type AxisSelection,
} from "../src/index.js";
import { PYNWB_COLLECTIONS } from "../src/schema/pynwb-names.js";
import { classFor } from "../src/containers/registry.js";
import { ORACLE, ROOT, tempFolder } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

function newFile(): NWBFile {
  return new NWBFile({ session_description: "methods", identifier: "methods", session_start_time: new Date("2026-01-02T03:04:05Z") });
}

const camel = (snake: string) => snake.split("_").map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join("");

describe("collections under pynwb's names", () => {
  it("every add/get/create pynwb's classes have is a method of the same class here", () => {
    for (const [type, fields] of Object.entries(PYNWB_COLLECTIONS)) {
      const cls = classFor(type)!;
      expect(cls, type).toBeDefined();
      for (const methods of Object.values(fields)) {
        for (const name of Object.values(methods)) expect(typeof (cls.prototype as unknown as Record<string, unknown>)[camel(name)], `${type}.${camel(name)}`).toBe("function");
      }
    }
  });

  it("create* makes the class pynwb makes, adds it and gives it; get* finds it by name or as the only one", () => {
    const nwbfile = newFile();
    const device = nwbfile.createDevice({ name: "Microscope" });
    expect(nwbfile.getDevice()).toBe(device);
    const plane = nwbfile.createImagingPlane({
      name: "ImagingPlane", description: "a plane", device, excitation_lambda: 600, imaging_rate: 30, indicator: "GFP", location: "V1",
      optical_channel: [new OpticalChannel({ name: "OpticalChannel", description: "green", emission_lambda: 500 })],
    });
    expect(nwbfile.getImagingPlane("ImagingPlane")).toBe(plane);
    const ophys = nwbfile.createProcessingModule({ name: "ophys", description: "optical physiology" });
    const segmentation = new ImageSegmentation({});
    ophys.add(segmentation);
    expect(ophys.get("ImageSegmentation")).toBe(segmentation);
    const planes = segmentation.createPlaneSegmentation({ name: "PlaneSegmentation", description: "output", imaging_plane: plane });
    // The hand-written class, with its ROI methods.
    expect(planes).toBeInstanceOf(PlaneSegmentation);
    planes.addRoi({ pixel_mask: [[0, 0, 1], [1, 1, 0.5]] });
    planes.addRoi({ pixel_mask: [[2, 2, 1]] });
    expect(segmentation.getPlaneSegmentation()).toBe(planes);
    const fluorescence = new Fluorescence({});
    ophys.add(fluorescence);
    const rois = planes.createRoiTableRegion([0, 1], "both");
    const trace = fluorescence.createRoiResponseSeries({ name: "RoiResponseSeries", data: [[1, 2], [3, 4], [5, 6]], rois, unit: "lumens", rate: 30 });
    expect(fluorescence.getRoiResponseSeries("RoiResponseSeries")).toBe(trace);

    const behavior = nwbfile.createProcessingModule({ name: "behavior", description: "behaviour" });
    const position = new Position({});
    behavior.add(position);
    const spatial = position.createSpatialSeries({ name: "SpatialSeries", data: [[0, 1], [1, 2]], reference_frame: "origin", rate: 10 });
    expect(spatial).toBeInstanceOf(SpatialSeries);
    expect(position.getSpatialSeries()).toBe(spatial);
    const speed = new BehavioralTimeSeries({ name: "speed" });
    behavior.add(speed);
    expect(speed.createTimeseries({ name: "speed", data: [1, 2, 3], unit: "m/s", rate: 10 })).toBeInstanceOf(TimeSeries);
    expect(speed.getTimeseries("speed").data.shape).toEqual([3]);

    const electrode = nwbfile.createIcephysElectrode({ name: "elec0", description: "a patch", device });
    expect(nwbfile.getIcephysElectrode()).toBe(electrode);
    nwbfile.createOgenSite({ name: "site", description: "a site", device, excitation_lambda: 470, location: "V1" });
    expect(nwbfile.getOgenSite("site").name).toBe("site");

    // pynwb's errors: nothing there, more than one without a name, a name that is not there.
    expect(() => nwbfile.getElectrodeGroup()).toThrow("electrode_groups holds nothing");
    nwbfile.createDevice({ name: "Second" });
    expect(() => nwbfile.getDevice()).toThrow("more than one object (Microscope, Second): give a name");
    expect(() => position.getSpatialSeries("nope")).toThrow("no 'nope' in spatial_series (it holds: SpatialSeries)");
  });

  it("an ecephys file made with create* only (pynwb's tutorial, line by line) is read by pynwb", async () => {
    const nwbfile = newFile();
    const device = nwbfile.createDevice({ name: "array", description: "the best array" });
    const group = nwbfile.createElectrodeGroup({ name: "shank0", description: "shank", location: "brain", device });
    for (let i = 0; i < 4; i++) nwbfile.addElectrode({ group, location: "brain" });
    const region = nwbfile.createElectrodeTableRegion([0, 1, 2, 3], "all electrodes");
    const ecephys = nwbfile.createProcessingModule({ name: "ecephys", description: "processed" });
    const lfp = new LFP({});
    ecephys.add(lfp);
    lfp.createElectricalSeries({ name: "LFP", data: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17, 18, 19, 20]], electrodes: region, starting_time: 0, rate: 200 });
    const file = path.join(tmp.dir, "ecephys.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    // The oracle harness also reads and validates it with pynwb; this asks pynwb for what it found.
    const script = "import sys\nfrom pynwb import NWBHDF5IO\nwith NWBHDF5IO(sys.argv[1], 'r') as io:\n    f = io.read()\n    s = f.processing['ecephys']['LFP'].get_electrical_series('LFP')\n    print(type(s).__name__, s.data.shape, list(s.electrodes.data[:]))\n";
    const out = execFileSync(ORACLE, ["python", "-c", script, file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    expect(out).toBe("ElectricalSeries (5, 4) [0, 1, 2, 3]");

    // pynwb's processing["ecephys"]["LFP"], typed by the class given: no cast between the module and its series.
    const reader = await NWBHDF5IO.open(file, "r");
    const back = await reader.read();
    const readLfp = back.getProcessingModule("ecephys").get("LFP", LFP);
    expect(readLfp).toBeInstanceOf(LFP);
    const series = readLfp.getElectricalSeries("LFP");
    expect(series.rate).toBe(200);
    expect(Array.from(await series.data.read([[4, 5]]), Number)).toEqual([17, 18, 19, 20]);
    expect(series.electrodes.table).toBe(back.electrodes);
    // By the schema's inheritance, as getAcquisition: an LFP is an NWBDataInterface; not a Position.
    expect(back.getProcessingModule("ecephys").get("LFP", NWBDataInterface)).toBe(readLfp);
    expect(() => back.getProcessingModule("ecephys").get("LFP", Position)).toThrow("ProcessingModule 'ecephys': field 'data_interfaces': expected 'LFP' to be a Position, got LFP 'LFP'");
    expect(() => back.getProcessingModule("ecephys").get("Nope", LFP)).toThrow("no 'Nope' in data_interfaces (it holds: LFP)");
    await reader.close();
  });
});

describe("constructors and getters as pynwb's calcium imaging tutorial writes them, with no cast", () => {
  it("a collection field takes one object (pynwb's Fluorescence(roi_response_series=s)); a module's get gives the class asked for", async () => {
    const nwbfile = newFile();
    const device = nwbfile.createDevice({ name: "Microscope" });
    // One object where the schema allows many: optical_channel, reference_images, roi_response_series, columns.
    const optical_channel = new OpticalChannel({ name: "OpticalChannel", description: "an optical channel", emission_lambda: 500 });
    const imaging_plane = nwbfile.createImagingPlane({
      name: "ImagingPlane", optical_channel, description: "V1", device, excitation_lambda: 600, imaging_rate: 30, indicator: "GFP", location: "V1",
    });
    const movie = new ImageSeries({ name: "movie", data: { data: new Uint8Array(2 * 3 * 3).fill(7), shape: [2, 3, 3] }, unit: "n.a.", rate: 1 });
    nwbfile.addAcquisition(movie);
    const ophys = nwbfile.createProcessingModule({ name: "ophys", description: "optical physiology" });
    const img_seg = new ImageSegmentation({ plane_segmentations: new PlaneSegmentation({ name: "ps", description: "ps", imaging_plane, reference_images: movie }) });
    ophys.add(img_seg);
    img_seg.getPlaneSegmentation("ps").addRoi({ pixel_mask: [[1, 2, 0.5]] });
    const rois = img_seg.getPlaneSegmentation("ps").createRoiTableRegion([0], "the ROI");
    ophys.add(new Fluorescence({ roi_response_series: new RoiResponseSeries({ name: "RoiResponseSeries", data: [[1], [2], [3]], rois, unit: "lumens", rate: 30 }) }));
    ophys.add(new DynamicTable({ name: "scores", description: "one column", columns: new VectorData({ name: "score", description: "a score", data: [0.5, 0.25] }) }));
    expect([...imaging_plane.optical_channel.keys()]).toEqual(["OpticalChannel"]);
    // Nothing required (a default name, no required field): no options, as pynwb's ImageSegmentation().
    expect([new ImageSegmentation().name, new Position().name, new Fluorescence().roi_response_series.size]).toEqual(["ImageSegmentation", "Position", 0]);
    // @ts-expect-error a TimeSeries needs its name and data
    expect(() => new TimeSeries()).toThrow();
    const file = path.join(tmp.dir, "single-members.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();

    const reader = await NWBHDF5IO.open(file, "r");
    const module = (await reader.read()).getProcessingModule("ophys");
    // Typed by the class given: its own fields and methods are there without a cast.
    const series = module.get("Fluorescence", Fluorescence).getRoiResponseSeries("RoiResponseSeries");
    expect(Array.from(toNumbers(await series.data.read() as ArrayLike<number | bigint>))).toEqual([1, 2, 3]);
    const ps = module.get("ImageSegmentation", ImageSegmentation).getPlaneSegmentation("ps");
    expect(series.rois.table).toBe(ps);
    expect([...ps.reference_images.values()].map((m) => m.name)).toEqual(["movie"]);
    expect(await module.get("scores", DynamicTable).readColumn("score")).toEqual([0.5, 0.25]);
    expect(module.get("scores")).toBeInstanceOf(DynamicTable);
    expect(() => module.get("Fluorescence", ImageSegmentation)).toThrow("'Fluorescence' to be a ImageSegmentation");
    expect(() => module.get("nope", Fluorescence)).toThrow("no 'nope' in data_interfaces");
    await reader.close();
    const script = "import sys\nfrom pynwb import NWBHDF5IO\nwith NWBHDF5IO(sys.argv[1], 'r') as io:\n    f = io.read()\n    m = f.processing['ophys']\n" +
      "    print(list(m['Fluorescence']['RoiResponseSeries'].data[:, 0]), f.imaging_planes['ImagingPlane'].optical_channel[0].emission_lambda, m['ImageSegmentation']['ps'].reference_images[0].name, list(m['scores']['score'][:]))\n";
    const out = execFileSync(ORACLE, ["python", "-c", script, file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    expect(out).toBe("[1, 2, 3] 500.0 movie [0.5, 0.25]");
  });
});

describe("TimeSeries values as pynwb gives them", () => {
  it("getTimestamps and getDataInUnits equal pynwb's get_timestamps and get_data_in_units on the same file", async () => {
    const nwbfile = newFile();
    const device = nwbfile.createDevice({ name: "array" });
    const group = nwbfile.createElectrodeGroup({ name: "shank0", description: "shank", location: "brain", device });
    for (let i = 0; i < 3; i++) nwbfile.addElectrode({ group, location: "brain" });
    const electrodes = nwbfile.createElectrodeTableRegion([0, 1, 2], "all");
    nwbfile.addAcquisition(
      new TimeSeries({ name: "rated", data: new Int16Array([1, -2, 3, 400, 5]), unit: "mV", conversion: 0.5, offset: -1.25, rate: 8, starting_time: 2.5 }),
      new TimeSeries({ name: "stamped", data: [1.5, 2.5, 3.5], unit: "m", timestamps: [0.1, 0.25, 0.7] }),
      // 4 samples by 3 channels: channel_conversion scales the last axis, as numpy's broadcasting does in pynwb.
      new ElectricalSeries({ name: "ephys", data: [[10, 20, 30], [-10, -20, -30], [1, 2, 3], [4, 5, 6]], electrodes, rate: 1000, conversion: 1e-6, channel_conversion: [1, 2, 0.5] }),
    );
    const file = path.join(tmp.dir, "values.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();

    const pynwb = JSON.parse(execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "series_values.py"), file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as
      Record<string, { timestamps: number[]; data_in_units: number[]; shape: number[] }>;
    const reader = await NWBHDF5IO.open(file, "r");
    const read = await reader.read();
    for (const name of ["rated", "stamped", "ephys"]) {
      for (const series of [nwbfile.getAcquisition(name, TimeSeries), read.getAcquisition(name, TimeSeries)]) {
        expect(Array.from(await series.getTimestamps()), name).toEqual(pynwb[name]!.timestamps);
        const units = await series.getDataInUnits();
        expect(units.shape, name).toEqual(pynwb[name]!.shape);
        expect(Array.from(units.data), name).toEqual(pynwb[name]!.data_in_units);
      }
    }
    await reader.close();
    expect(pynwb.rated!.timestamps).toEqual([2.5, 2.625, 2.75, 2.875, 3]);
    expect(pynwb.ephys!.data_in_units.slice(0, 6).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0.00001, 0.00004, 0.000015, -0.00001, -0.00004, -0.000015]);
  });
});

describe("pynwb's warning for data whose second axis does not match its region", () => {
  it("ElectricalSeries and RoiResponseSeries: transposed, or another width; none when they match", () => {
    const warnings: string[] = [];
    const previous = setWarningHandler((w) => warnings.push(`${w.object}: ${w.message}`));
    try {
      const nwbfile = newFile();
      const device = new Device({ name: "d" });
      nwbfile.addDevice(device);
      const group = nwbfile.createElectrodeGroup({ name: "g", description: "g", location: "l", device });
      for (let i = 0; i < 3; i++) nwbfile.addElectrode({ group, location: "l" });
      const electrodes = () => nwbfile.createElectrodeTableRegion([0, 1, 2], "all");
      new ElectricalSeries({ name: "ok", data: [[1, 2, 3]], electrodes: electrodes(), rate: 1 });
      expect(warnings).toEqual([]);
      new ElectricalSeries({ name: "transposed", data: [[1], [2], [3]], electrodes: electrodes(), rate: 1 });
      new ElectricalSeries({ name: "other", data: [[1, 2], [3, 4]], electrodes: electrodes(), rate: 1 });
      expect(warnings).toEqual([
        "ElectricalSeries 'transposed': the second dimension of data does not match the length of electrodes, but instead the first does: data is oriented incorrectly and should be transposed",
        "ElectricalSeries 'other': the second dimension of data (2) does not match the length of electrodes (3): your data may be transposed",
      ]);
      warnings.length = 0;
      const plane = nwbfile.createImagingPlane({
        name: "plane", description: "p", device, excitation_lambda: 600, imaging_rate: 30, indicator: "GFP", location: "V1",
        optical_channel: [new OpticalChannel({ name: "channel", description: "green", emission_lambda: 500 })],
      });
      const planes = new PlaneSegmentation({ name: "planes", description: "rois", imaging_plane: plane });
      planes.addRoi({ pixel_mask: [[0, 0, 1]] });
      planes.addRoi({ pixel_mask: [[1, 1, 1]] });
      new RoiResponseSeries({ name: "fine", data: [[1, 2], [3, 4], [5, 6]], rois: planes.createRoiTableRegion([0, 1], "both"), unit: "n.a.", rate: 30 });
      new RoiResponseSeries({ name: "flipped", data: [[1, 2, 3], [4, 5, 6]], rois: planes.createRoiTableRegion([0, 1], "both"), unit: "n.a.", rate: 30 });
      expect(warnings).toEqual([
        "RoiResponseSeries 'flipped': the second dimension of data does not match the length of rois, but instead the first does: data is oriented incorrectly and should be transposed",
      ]);
    } finally {
      setWarningHandler(previous);
    }
  });
});

describe("tables as pynwb's tutorials use them", () => {
  it("addColumn with data after rows exist (values, lists, typed arrays, pynwb's ends), rows after it, pynwb reads the same", async () => {
    const nwbfile = newFile();
    nwbfile.addTrial({ start_time: 0, stop_time: 1 });
    nwbfile.addTrial({ start_time: 2, stop_time: 3 });
    const trials = nwbfile.trials!;
    trials.addColumn({ name: "correct", description: "answered right", data: [true, false] });
    trials.addColumn({ name: "licks", description: "lick times", data: [0.5, 0.7, 2.2], index: [2, 3] });
    trials.addColumn({ name: "rt", description: "reaction time", data: new Float64Array([0.3, 0.4]) });
    trials.addColumn({ name: "frames", description: "frames shown", data: [new Int32Array([1, 2, 3]), []], index: true });
    nwbfile.addTrial({ start_time: 4, stop_time: 5, correct: true, licks: new Float64Array([4.5]), rt: 0.5, frames: [7] });
    // Refused, and the table is as it was: a value missing, ends past the data.
    expect(() => trials.addColumn({ name: "short", description: "x", data: [1, 2] })).toThrow("field 'short': expected one value per row of the table (3)");
    expect(() => trials.addColumn({ name: "ends", description: "x", data: [1, 2], index: [1, 3, 2] })).toThrow("field 'ends_index': expected row ends rising from 0 to the 2 values of 'data'");
    expect(() => trials.addColumn({ name: "mixed", description: "x", data: [1, "two", 3] })).toThrow("row 1, column 'mixed'");
    expect(trials.colnames).toEqual(["start_time", "stop_time", "correct", "licks", "rt", "frames"]);
    nwbfile.addUnit({ spike_times: new Float64Array([0.5, 1, 2.5]), obs_intervals: [[0, 3]], id: 7 });
    nwbfile.addUnit({ spike_times: [4, 5, 6.5], obs_intervals: [[3, 6], [6.5, 8]] });
    const file = path.join(tmp.dir, "tables.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();

    const script = [
      "import sys, json", "import numpy as np", "from pynwb import NWBHDF5IO",
      "with NWBHDF5IO(sys.argv[1], 'r') as io:",
      "    f = io.read(); t = f.trials.to_dataframe(); u = f.units",
      "    print(json.dumps({'trials': {c: [np.asarray(v).tolist() for v in t[c]] for c in t.columns}, 'ids': u.id[:].tolist(),",
      "      'spikes': [a.tolist() for a in u.get_unit_spike_times([1, 0], in_interval=(1, 5))], 'obs': u.get_unit_obs_intervals(1).tolist()}))",
    ].join("\n");
    const pynwb = JSON.parse(execFileSync(ORACLE, ["python", "-c", script, file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    expect(pynwb.trials).toEqual({
      start_time: [0, 2, 4], stop_time: [1, 3, 5], correct: [true, false, true], licks: [[0.5, 0.7], [2.2], [4.5]], rt: [0.3, 0.4, 0.5], frames: [[1, 2, 3], [], [7]],
    });
    const reader = await NWBHDF5IO.open(file, "r");
    const read = await reader.read();
    const records = await read.trials!.toRecords();
    // Ragged floats come back as a Float64Array per row (as numpy arrays); ragged 64-bit integers as lists of numbers.
    expect(records.map((r) => [r.correct, r.licks, r.rt, r.frames])).toEqual([
      [true, Float64Array.from([0.5, 0.7]), 0.3, [1, 2, 3]], [false, Float64Array.from([2.2]), 0.4, []], [true, Float64Array.from([4.5]), 0.5, [7]],
    ]);
    const units = read.units!;
    expect(pynwb.ids).toEqual([7, 1]);
    expect((await units.getUnitSpikeTimes([1, 0], [1, 5])).map((a) => Array.from(a))).toEqual(pynwb.spikes);
    expect(Array.from(await units.getUnitSpikeTimes(1))).toEqual([4, 5, 6.5]);
    expect(await units.getUnitObsIntervals(1)).toEqual(pynwb.obs);
    expect((await units.getRowById(7)).spike_times).toEqual(Float64Array.from([0.5, 1, 2.5]));
    await expect(units.getRowById(3)).rejects.toThrow("no row with id 3");
    await expect(units.getUnitSpikeTimes(2)).rejects.toThrow("field 'index': expected a unit's row (0 to 1)");
    await reader.close();
  });

  it("a column with data added to a table of a file opened in mode 'a' is written (pynwb reads it)", async () => {
    const file = path.join(tmp.dir, "append-column.nwb");
    const nwbfile = newFile();
    nwbfile.addTrial({ start_time: 0, stop_time: 1 });
    nwbfile.addTrial({ start_time: 1, stop_time: 2 });
    const w = await NWBHDF5IO.open(file, "w");
    await w.write(nwbfile);
    await w.close();
    const io = await NWBHDF5IO.open(file, "a");
    const read = await io.read();
    read.trials!.addColumn({ name: "stim", description: "stimulus shown", data: ["grating", "blank"] });
    await io.write(read);
    await io.close();
    const script = "import sys\nfrom pynwb import NWBHDF5IO\nwith NWBHDF5IO(sys.argv[1], 'r') as io:\n    print(list(io.read().trials['stim'][:]))\n";
    expect(execFileSync(ORACLE, ["python", "-c", script, file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()).toBe("['grating', 'blank']");
  });
});

describe("64-bit integers as plain numbers", () => {
  it("toNumbers converts int64/uint64 data read from a file in one call, and refuses a value past 2^53", async () => {
    const nwbfile = newFile();
    nwbfile.addAcquisition(
      new TimeSeries({ name: "counts", data: new BigInt64Array([1n, -2n, 2n ** 53n - 1n]), unit: "n", rate: 1 }),
      new TimeSeries({ name: "huge", data: new BigUint64Array([1n, 2n ** 60n]), unit: "n", rate: 1 }),
    );
    const file = path.join(tmp.dir, "int64.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const reader = await NWBHDF5IO.open(file, "r");
    const read = await reader.read();
    const counts = await read.getAcquisition("counts", TimeSeries).data.read();
    expect(counts).toBeInstanceOf(BigInt64Array);
    // What read() gives goes to toNumbers as it is typed: no cast.
    expect(Array.from(toNumbers(counts))).toEqual([1, -2, 2 ** 53 - 1]);
    const huge = await read.getAcquisition("huge", TimeSeries).data.read();
    expect(() => toNumbers(["1", "2"], "text")).toThrow(`text: field '[0]': expected a number, got "1"`);
    expect(() => toNumbers(huge, "huge")).toThrow("huge: field '[1]': expected integers a JS number holds exactly (within ±2^53), got 1152921504606846976n");
    await reader.close();
  });
});

describe("pynwb's other construction warnings", () => {
  it("rate 0 (allowed for one sample, refused past it where pynwb warns), IndexSeries' unused attributes and indexed_timeseries, DecompositionSeries without a source", () => {
    const warnings: string[] = [];
    const previous = setWarningHandler((w) => warnings.push(`${w.object} ${w.field}: ${w.message}`));
    try {
      expect(new TimeSeries({ name: "one", data: [1], unit: "V", rate: 0 }).rate).toBe(0);
      expect(warnings).toEqual([]);
      expect(() => new TimeSeries({ name: "two", data: [1, 2], unit: "V", rate: 0 })).toThrow("field 'rate': expected a rate above 0 Hz for more than one sample");
      expect(() => new TimeSeries({ name: "neg", data: [1, 2], unit: "V", rate: -1 })).toThrow("field 'rate': expected a number of samples per second, 0 or more, got -1");
      const images = new Images({ name: "images", images: [new GrayscaleImage({ name: "a", data: [[0, 1], [2, 3]] })] });
      new IndexSeries({ name: "plain", data: [0, 0], indexed_images: images, rate: 1 });
      new IndexSeries({ name: "scaled", data: [0, 0], indexed_images: images, rate: 1, conversion: 2, offset: 1 });
      const movie = new ImageSeries({ name: "movie", data: { data: new Uint8Array(8), shape: [2, 2, 2] }, unit: "n.a.", rate: 1 });
      new IndexSeries({ name: "legacy", data: [0, 1], indexed_timeseries: movie, rate: 1 });
      new DecompositionSeries({ name: "spectrum", data: { data: new Float64Array(4), shape: [2, 1, 2] }, metric: "power", rate: 1,
        bands: new DynamicTable({ name: "bands", description: "frequency bands", columns: [new VectorData({ name: "band_name", description: "names", data: ["a", "b"] })] }) });
      expect(warnings).toEqual([
        "IndexSeries 'scaled' conversion: the conversion attribute is not used by IndexSeries",
        "IndexSeries 'scaled' offset: the offset attribute is not used by IndexSeries",
        "IndexSeries 'legacy' indexed_timeseries: discouraged and to be deprecated in a future version of NWB: use indexed_images instead",
        "DecompositionSeries 'spectrum' source_timeseries: neither source_timeseries nor source_channels is present: it is recommended to indicate the source timeseries if it is present, or else to link to the corresponding source_channels (optional)",
      ]);
    } finally {
      setWarningHandler(previous);
    }
  });
});

describe("reads with their shape (readArray), as numpy indexing gives them", () => {
  it("indices, ranges, steps and points on a file's dataset and in memory equal numpy's on the same data", async () => {
    const values = Uint16Array.from({ length: 20 * 4 * 5 }, (_, i) => i);
    const nwbfile = newFile();
    nwbfile.addAcquisition(new ImageSeries({ name: "movie", data: { data: values, shape: [20, 4, 5] }, unit: "n.a.", rate: 30 }));
    const file = path.join(tmp.dir, "read-array.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const cases: [AxisSelection[], string][] = [
      [[5], "[5]"],
      [[-1], "[-1]"],
      [[[0, 20, 5]], "[0:20:5]"],
      [[[2, 6]], "[2:6]"],
      [[{ points: [3, 1, 7] }, 2], "[[3, 1, 7], 2]"],
      [[null, [1, 3], { points: [4, 0] }], "[:, 1:3, [4, 0]]"],
      [[[1, 19, 6], 3, [0, 5, 2]], "[1:19:6, 3, 0:5:2]"],
      // Ranges past the ends are clipped, negative bounds count from the end, as Python's slices.
      [[[0, 10], [0, 3]], "[0:10, 0:3]"],
      [[[15, 40, 2], null, [-2, 9]], "[15:40:2, :, -2:9]"],
      [[[-25, 2]], "[-25:2]"],
      [[[25, 30]], "[25:30]"],
    ];
    const script = `import sys, json, h5py, numpy as np\nd = np.asarray(h5py.File(sys.argv[1], "r")["acquisition/movie/data"])\n` +
      `print(json.dumps([[list(x.shape), x.ravel().tolist()] for x in [${cases.map(([, py]) => `np.asarray(d${py})`).join(", ")}]]))`;
    const numpy = JSON.parse(execFileSync(ORACLE, ["python", "-c", script, file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as [number[], number[]][];
    const reader = await NWBHDF5IO.open(file, "r");
    const stored = (await reader.read()).getAcquisition("movie", ImageSeries).data;
    for (const [i, [selection]] of cases.entries()) {
      for (const array of [stored, new InMemoryArray(values, [20, 4, 5], "uint16")]) {
        const read = await readArray(array, selection);
        expect([read.shape, Array.from(read.data as Uint16Array)], JSON.stringify(selection)).toEqual(numpy[i]);
        expect(read.dtype).toBe("uint16");
      }
    }
    await expect(readArray(stored, [[0, 10, 0]])).rejects.toThrow("selection[0]': expected [start, stop] or [start, stop, step] of integers, step above 0");
    await expect(readArray(stored, [20])).rejects.toThrow("expected an index within -20 to 19");
    await expect(readArray(stored, [{ points: [1, 30] }])).rejects.toThrow("expected points within 0 to 19");
    await reader.close();
  });
});
