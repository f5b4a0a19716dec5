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
import { type AbstractContainer, DynamicTable, ElectricalSeries, NWBFile, NWBHDF5IO, TimeIntervals, type TypedArray, Units } from "../src/index.js";
import { ROOT, SHARED, h5py, readForTests, sha256, tempFolder, validate } from "./helpers.js";

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
    expect(spikes.map((r) => (r as number[]).length)).toEqual([4, 5]);
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
      expect(validate(file, true).code).toBe(0);
      expect(h5py(file, `u = f["units"]; print(list(u.attrs["colnames"]), u["spike_times_index"].dtype, list(u["spike_times_index"][()]), f[u["electrodes"].attrs["table"]].name, f["intervals/trials/stimulus"].asstr()[()].tolist())`))
        .toBe("['spike_times', 'electrodes'] uint8 [2, 3] /general/extracellular_ephys/electrodes ['a', 'b']");
      const reader = await NWBHDF5IO.open(file, "r");
      const back = await reader.read();
      expect(await back.trials!.toRecords()).toEqual([{ id: 0, start_time: 0, stop_time: 1, stimulus: "a" }, { id: 1, start_time: 1.5, stop_time: 2.5, stimulus: "b" }]);
      expect(await back.units!.readColumn("spike_times")).toEqual([[0.1, 0.2], [0.5]]);
      expect(await back.units!.readColumn("electrodes")).toEqual([[0], [1, 2]]);
      expect((await back.electrodes!.readColumn("group"))[0]).toBe(back.electrode_groups.get("shank0"));
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
  it("addElectrode(Column), createElectrodeTableRegion, addTrial(Column), addUnit(Column), addInvalidTime write a valid ecephys file", async () => {
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
      nwbfile.addUnit({ spike_times: [0.1, 0.5, 0.9], quality: 0.9 });
      nwbfile.addUnit({ spike_times: [1.2], quality: 0.4 });
      nwbfile.addInvalidTime({ start_time: 5, stop_time: 6 });
      expect(() => nwbfile.addTrial({ start_time: 4, stop_time: 5 })).toThrow(/TimeIntervals 'trials': field 'stimulus': expected a value in every column/);
      const file = path.join(tmp.dir, "shortcuts.nwb");
      const io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
      await io.close();
      const checked = validate(file);
      expect(checked.output, checked.output).toContain("0 error(s)");
      expect(validate(file, true).code).toBe(0);
      expect(h5py(file, `e = f["general/extracellular_ephys/electrodes"]; print(list(e.attrs["colnames"]), e["group_name"].asstr()[()].tolist(), f[f["acquisition/ephys/electrodes"].attrs["table"]].name)`))
        .toBe("['location', 'group', 'group_name', 'label'] ['shank0', 'shank0', 'shank0', 'shank0'] /general/extracellular_ephys/electrodes");
      // h5py's booleans: an enum over int8, FALSE = 0 and TRUE = 1, read by h5py as numpy bools.
      expect(h5py(file, `c = f["intervals/trials/correct"]; t = c.id.get_type(); print(c.dtype, t.get_class() == h5py.h5t.ENUM, [(t.get_member_name(i).decode(), t.get_member_value(i)) for i in range(t.get_nmembers())], t.get_super().get_sign(), t.get_super().get_size(), c[()].tolist())`))
        .toBe("bool True [('FALSE', 0), ('TRUE', 1)] 1 1 [True, False]");
      const reader = await NWBHDF5IO.open(file, "r");
      const back = await reader.read();
      expect(await back.units!.readColumn("spike_times")).toEqual([[0.1, 0.5, 0.9], [1.2]]);
      expect(await back.units!.readColumn("quality")).toEqual([0.9, 0.4]);
      expect(await back.trials!.readColumn("stimulus")).toEqual(["grating", "blank"]);
      expect(await back.trials!.readColumn("correct")).toEqual([true, false]);
      expect(await back.invalid_times!.toRecords()).toEqual([{ id: 0, start_time: 5, stop_time: 6 }]);
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
