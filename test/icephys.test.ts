/**
 * Intracellular ephys as pynwb's icephys tutorial (docs/gallery/domain/plot_icephys.py) writes it, line by line:
 * recordings with and without a stimulus, partial sample ranges, a category of the lab's own, columns added to
 * categories, a stimulus template column, the simultaneous / sequential / repetition / condition tables made on
 * first use; pynwb reads the file with the same values, and tsnwb reads them back as records.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CurrentClampSeries, CurrentClampStimulusSeries, DynamicTable, NWBFile, NWBHDF5IO, setWarningHandler, SweepTable, toNumbers, VectorData,
  VoltageClampSeries, VoltageClampStimulusSeries, type NWBWarning, type TimeSeriesReference,
} from "../src/index.js";
import { writeFileSync } from "node:fs";
import { ORACLE, ROOT, tempFolder } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

function tutorialFile(): NWBFile {
  const nwbfile = new NWBFile({
    session_description: "my first synthetic recording", identifier: "icephys-tutorial", session_start_time: new Date("2026-01-02T03:04:05Z"),
    experimenter: ["Baggins, Bilbo"], lab: "Bag End Laboratory", institution: "University of Middle Earth at the Shire",
    experiment_description: "I went on an adventure to reclaim vast treasures.", session_id: "LONELYMTN001",
  });
  const device = nwbfile.createDevice({ name: "Heka ITC-1600" });
  const electrode = nwbfile.createIcephysElectrode({ name: "elec0", description: "a mock intracellular electrode", device });
  const stimulus = new VoltageClampStimulusSeries({ name: "ccss", data: [1, 2, 3, 4, 5], starting_time: 123.6, rate: 10e3, electrode, gain: 0.02, sweep_number: 15 });
  const response = new VoltageClampSeries({
    name: "vcs", data: [0.1, 0.2, 0.3, 0.4, 0.5], conversion: 1e-12, resolution: Number.NaN, starting_time: 123.6, rate: 20e3, electrode, gain: 0.02,
    capacitance_slow: 100e-12, resistance_comp_correction: 70.0, sweep_number: 15,
  });
  expect(nwbfile.addIntracellularRecording({ electrode, stimulus, response, id: 10 })).toBe(0);
  expect(nwbfile.addIntracellularRecording({
    electrode, stimulus, stimulus_start_index: 1, stimulus_index_count: 3, response, response_start_index: 2, response_index_count: 3, id: 11,
  })).toBe(1);
  expect(nwbfile.addIntracellularRecording({ electrode, response, id: 12 })).toBe(2);
  const recordings = nwbfile.intracellular_recordings!;
  recordings.addColumn({ name: "recording_tag", data: ["A1", "A2", "A3"], description: "String with a recording tag" });
  const location = new VectorData({ name: "location", data: ["Mordor", "Gondor", "Rohan"], description: "Recording location in Middle Earth" });
  recordings.addCategory(new DynamicTable({
    name: "recording_lab_data", description: "category table for lab-specific recording metadata", colnames: ["location"], columns: [location],
  }));
  recordings.addColumn({ name: "voltage_threshold", data: [0.1, 0.12, 0.13], description: "Just an example column on the electrodes category table", category: "electrodes" });
  const template = new VoltageClampStimulusSeries({ name: "ccst", data: [0, 1, 2, 3, 4], starting_time: 0.0, rate: 10e3, electrode, gain: 0.02 });
  nwbfile.addStimulusTemplate(template);
  recordings.addColumn({
    name: "stimulus_template", description: "Column storing the reference to the stimulus template for the recording (rows).", category: "stimuli",
    data: [{ idx_start: 0, count: 5, timeseries: template }, { idx_start: 1, count: 3, timeseries: template }, { idx_start: -1, count: -1, timeseries: template }],
  });
  expect(nwbfile.addIntracellularRecording({
    electrode, stimulus, stimulus_template: template, recording_tag: "A4", recording_lab_data: { location: "Isengard" },
    electrode_metadata: { voltage_threshold: 0.14 }, id: 13,
  })).toBe(3);

  nwbfile.getIcephysSimultaneousRecordings().addColumn({ name: "simultaneous_recording_tag", description: "A custom tag for simultaneous_recordings" });
  expect(nwbfile.addIcephysSimultaneousRecording({ recordings: [3, 1, 2], id: 12, simultaneous_recording_tag: "LabTag1" })).toBe(0);
  nwbfile.icephys_simultaneous_recordings!.addColumn({ name: "simultaneous_recording_type", description: "Description of the type of simultaneous_recording", data: ["SimultaneousRecordingType1"] });
  expect(nwbfile.addIcephysSequentialRecording({ simultaneous_recordings: [0], stimulus_type: "square", id: 15 })).toBe(0);
  expect(nwbfile.addIcephysRepetition({ sequential_recordings: [0], id: 17 })).toBe(0);
  expect(nwbfile.addIcephysExperimentalCondition({ repetitions: [0], id: 19 })).toBe(0);
  nwbfile.icephys_experimental_conditions!.addColumn({ name: "tag", data: new BigInt64Array([0n]), description: "integer tag for a experimental condition" });
  expect(nwbfile.addIcephysExperimentalCondition({ repetitions: [0], id: 21, tag: 3 })).toBe(1);
  return nwbfile;
}

const EXPECTED = {
  intracellular_recordings: {
    electrodes: { id: [10, 11, 12, 13], electrode: ["elec0", "elec0", "elec0", "elec0"], voltage_threshold: [0.1, 0.12, 0.13, 0.14] },
    stimuli: {
      id: [10, 11, 12, 13],
      stimulus: [[0, 5, "ccss"], [1, 3, "ccss"], null, [0, 5, "ccss"]],
      stimulus_template: [[0, 5, "ccst"], [1, 3, "ccst"], null, [0, 5, "ccst"]],
    },
    responses: { id: [10, 11, 12, 13], response: [[0, 5, "vcs"], [2, 3, "vcs"], [0, 5, "vcs"], null] },
    recording_lab_data: { id: [0, 1, 2, 13], location: ["Mordor", "Gondor", "Rohan", "Isengard"] },
    recordings: { id: [10, 11, 12, 13], recording_tag: ["A1", "A2", "A3", "A4"] },
  },
  icephys_simultaneous_recordings: { id: [12], recordings: [[3, 1, 2]], simultaneous_recording_tag: ["LabTag1"], simultaneous_recording_type: ["SimultaneousRecordingType1"] },
  icephys_sequential_recordings: { id: [15], simultaneous_recordings: [[0]], stimulus_type: ["square"] },
  icephys_repetitions: { id: [17], sequential_recordings: [[0]] },
  icephys_experimental_conditions: { id: [19, 21], repetitions: [[0], [0]], tag: [0, 3] },
  meta_parent: "experimental_conditions",
};

describe("intracellular ephys (pynwb's icephys tutorial)", () => {
  it("writes the tutorial's tables; pynwb reads them with the same values", async () => {
    const nwbfile = tutorialFile();
    expect(nwbfile.getIcephysMetaParentTable()).toBe(nwbfile.icephys_experimental_conditions);
    // The series the recordings name were added to the file, as pynwb adds them.
    expect([...nwbfile.stimulus.keys()]).toEqual(["ccss"]);
    expect([...nwbfile.acquisition.keys()]).toEqual(["vcs"]);
    const file = path.join(tmp.dir, "icephys.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const pynwb = JSON.parse(execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "icephys_tables.py"), file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
    expect(pynwb).toEqual(EXPECTED);

    const reader = await NWBHDF5IO.open(file, "r");
    const read = await reader.read();
    // The columns every IntracellularRecordingsTable has read typed: no cast to reach a reference or an electrode.
    const recordings = read.getIntracellularRecordings();
    const rows = await recordings.toRecords();
    expect(rows.map((r) => [r.id, r.recording_tag, r.recording_lab_data])).toEqual([[10, "A1", { location: "Mordor" }], [11, "A2", { location: "Gondor" }], [12, "A3", { location: "Rohan" }], [13, "A4", { location: "Isengard" }]]);
    const ref = (v: TimeSeriesReference | null | undefined) => (v == null ? null : [v.idx_start, v.count, v.timeseries.name]);
    expect(rows.map((r) => ref(r.stimuli.stimulus))).toEqual(EXPECTED.intracellular_recordings.stimuli.stimulus);
    expect(rows.map((r) => ref(r.stimuli.stimulus_template))).toEqual(EXPECTED.intracellular_recordings.stimuli.stimulus_template);
    expect(rows.map((r) => ref(r.responses.response))).toEqual(EXPECTED.intracellular_recordings.responses.response);
    expect(rows.map((r) => [r.electrodes.electrode.name, r.electrodes.voltage_threshold])).toEqual([["elec0", 0.1], ["elec0", 0.12], ["elec0", 0.13], ["elec0", 0.14]]);
    const row = await recordings.readRow(1);
    expect(row.electrodes.voltage_threshold).toBeCloseTo(0.12);
    const response = row.responses.response!;
    expect(Array.from(toNumbers(await response.timeseries.data.read([[response.idx_start, response.idx_start + response.count]])))).toEqual([0.3, 0.4, 0.5]);
    expect(ref((await recordings.getRow(2)).stimuli.stimulus)).toBeNull();
    expect(ref((await recordings.getRowById(13)).responses.response)).toBeNull();
    // pynwb's `table.id == [...]`: the indices of rows by id, in row order, read from the file.
    expect(await recordings.rowsWithIds([13, 10])).toEqual([0, 3]);
    expect(await recordings.rowsWithIds(11)).toEqual([1]);
    expect(await recordings.rowsWithIds([99])).toEqual([]);
    await expect(recordings.rowsWithIds([1.5])).rejects.toThrow("field 'id': expected an integer id or a list of them, got 1.5");
    expect(await read.icephys_experimental_conditions!.toRecords()).toEqual([{ id: 19, repetitions: [0], tag: 0 }, { id: 21, repetitions: [0], tag: 3 }]);
    expect(read.getIcephysMetaParentTable()?.name).toBe("experimental_conditions");
    // The group tables' rows are typed too: from condition 21 down to the recordings, with no cast.
    const condition = await read.getIcephysExperimentalConditions().getRowById(21);
    const repetition = await read.getIcephysRepetitions().readRow(condition.repetitions[0]!);
    const sequence = await read.getIcephysSequentialRecordings().getRow(repetition.sequential_recordings[0]!);
    expect(sequence.stimulus_type).toBe("square");
    const [simultaneous] = await read.getIcephysSimultaneousRecordings().toRecords();
    expect(sequence.simultaneous_recordings).toEqual([0]);
    const ids = await Promise.all(simultaneous!.recordings.map(async (i) => (await recordings.readRow(i)).id));
    expect(ids).toEqual([13, 11, 12]);
    await reader.close();
  });

  it("refuses what pynwb refuses: no stimulus and no response, ranges past the series, a taken id, mixed clamp kinds", () => {
    const nwbfile = new NWBFile({ session_description: "refusals", identifier: "refusals", session_start_time: new Date("2026-01-02T03:04:05Z") });
    const device = nwbfile.createDevice({ name: "amp" });
    const electrode = nwbfile.createIcephysElectrode({ name: "e", description: "e", device });
    const stimulus = new VoltageClampStimulusSeries({ name: "s", data: [1, 2, 3], rate: 10, electrode, gain: 1 });
    const response = new VoltageClampSeries({ name: "r", data: [1, 2, 3], rate: 10, electrode, gain: 1 });
    expect(() => nwbfile.addIntracellularRecording({ electrode })).toThrow("a stimulus or a response");
    expect(() => nwbfile.addIntracellularRecording({ stimulus, stimulus_start_index: 3 })).toThrow("field 'stimulus_start_index': expected a sample of VoltageClampStimulusSeries 's' (0 to 2)");
    expect(() => nwbfile.addIntracellularRecording({ stimulus, stimulus_start_index: 1, stimulus_index_count: 3 })).toThrow("field 'stimulus_index_count': expected at most the 2 samples");
    expect(nwbfile.addIntracellularRecording({ stimulus, response, id: 4 })).toBe(0);
    expect(() => nwbfile.addIntracellularRecording({ stimulus, response, id: 4 })).toThrow("field 'id': expected an id no row of the table has, got 4");
    // A refused row leaves every category as it was.
    expect(nwbfile.intracellular_recordings!.categoryTables.map((t) => t.length)).toEqual([1, 1, 1]);
    expect(nwbfile.intracellular_recordings!.length).toBe(1);
  });

  it("lists series by sweep in the deprecated SweepTable as pynwb 2.8 still does (icephys.py: use_sweep_table)", async () => {
    const nwbfile = new NWBFile({ session_description: "sweeps", identifier: "sweeps", session_start_time: new Date("2026-01-02T03:04:05Z") });
    const device = nwbfile.createDevice({ name: "Heka ITC-1600" });
    const elec = nwbfile.createIcephysElectrode({ name: "elec0", description: "a mock intracellular electrode", device });
    const warnings: NWBWarning[] = [];
    const previous = setWarningHandler((w) => void warnings.push(w));
    try {
      nwbfile.addStimulus(new CurrentClampStimulusSeries({ name: "ccss", data: [1, 2, 3, 4, 5], starting_time: 123.6, rate: 10e3, electrode: elec, gain: 0.02, sweep_number: 0 }), { use_sweep_table: true });
      nwbfile.addStimulus(new VoltageClampStimulusSeries({ name: "vcss", data: [2, 3, 4, 5, 6], starting_time: 234.5, rate: 10e3, electrode: elec, gain: 0.03, sweep_number: 1 }), { use_sweep_table: true });
      nwbfile.addAcquisition(new CurrentClampSeries({ name: "ccs", data: [0.1, 0.2, 0.3, 0.4, 0.5], rate: 20e3, starting_time: 123.6, electrode: elec, gain: 0.02, sweep_number: 0 }), { use_sweep_table: true });
      nwbfile.addAcquisition(new VoltageClampSeries({ name: "vcs", data: [0.1, 0.2, 0.3, 0.4, 0.5], rate: 20e3, starting_time: 234.5, electrode: elec, gain: 0.02, sweep_number: 1 }), { use_sweep_table: true });
      // Without the option (pynwb's default), or without a sweep number, a series is not listed. (Two samples: pynwb
      // 2.8 cannot read back a one-sample PatchClampSeries subtype, its own or ours: hdmf reads the data as a scalar.)
      nwbfile.addAcquisition(new VoltageClampSeries({ name: "unlisted", data: [1, 2], rate: 1, electrode: elec, gain: 1, sweep_number: 1 }));
      nwbfile.addStimulusTemplate(new VoltageClampStimulusSeries({ name: "template", data: [1, 2], rate: 1, electrode: elec, gain: 1 }), { use_sweep_table: true });
    } finally {
      setWarningHandler(previous);
    }
    expect(warnings.map((w) => w.field)).toEqual(["sweep_table"]);
    const table = nwbfile.sweep_table!;
    expect(table).toBeInstanceOf(SweepTable);
    expect(await table.readColumn("sweep_number")).toEqual([0, 1, 0, 1]);
    expect((await table.getSeries(1)).map((s) => s.name)).toEqual(["vcss", "vcs"]);
    expect(await table.getSeries(7)).toEqual([]);
    expect(() => table.addEntry(new VoltageClampSeries({ name: "nosweep", data: [1, 2], rate: 1, electrode: elec, gain: 1 }))).toThrow("field 'sweep_number': expected a sweep_number on VoltageClampSeries 'nosweep'");
    expect(() => nwbfile.addStimulus(new VoltageClampStimulusSeries({ name: "x", data: [1, 2], rate: 1, electrode: elec, gain: 1 }), { use_sweep_table: true, sweep: 1 } as never)).toThrow("field 'sweep': expected no option but use_sweep_table");
    expect(() => nwbfile.addStimulus({ name: "not a series" } as never)).toThrow("field 'stimulus': expected objects of type");

    const file = path.join(tmp.dir, "sweeps.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const script = path.join(tmp.dir, "sweeps.py");
    writeFileSync(script, [
      "import sys, warnings", "warnings.simplefilter('ignore', DeprecationWarning)", "from pynwb import NWBHDF5IO",
      "with NWBHDF5IO(sys.argv[1], 'r') as io:",
      "    f = io.read()",
      "    print([s.name for s in f.sweep_table.get_series(1)], [s.name for s in f.sweep_table.get_series(0)], list(f.sweep_table['sweep_number'].data[:]))",
    ].join("\n"));
    expect(execFileSync(ORACLE, ["python", script, file], { encoding: "utf8" }).trim()).toBe("['vcss', 'vcs'] ['ccss', 'ccs'] [0, 1, 0, 1]");

    const reader = await NWBHDF5IO.open(file, "r");
    const read = await reader.read();
    expect(read.sweep_table).toBeInstanceOf(SweepTable);
    const series = await read.sweep_table!.getSeries(1);
    expect(series.map((s) => [s.name, s.sweep_number, s.electrode.name])).toEqual([["vcss", 1, "elec0"], ["vcs", 1, "elec0"]]);
    expect(series[1]).toBe(read.getAcquisition("vcs"));
    await reader.close();
  });
});
