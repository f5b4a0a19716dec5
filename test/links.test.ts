/**
 * Links in files pynwb writes ("Files in the wild"): object-reference table columns read row by row, HDF5 external
 * links (pynwb's linking tutorial: a series' data, or a whole series, in another file) and soft links to datasets
 * and table regions shared by two series. The input files are written by pynwb itself (test/py/links_files.py); each
 * is read with pynwb's values, exported (links kept, or data copied) and the export compared with its source by h5py
 * (test/py/compare_files.py); every file written is judged by pynwb (test/oracle/setup.ts).
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DynamicTableRegion, ElectricalSeries, ElectrodeGroup, NWBFile, NWBHDF5IO, TimeSeries,
} from "../src/index.js";
import { ORACLE, ROOT, TSNWB, h5py, tempFolder } from "./helpers.js";

const tmp = tempFolder("tsnwb-links-");
afterAll(() => tmp.cleanup());

/** Values the pynwb script wrote, to compare with. */
let expected: { data: number[]; timestamps: number[]; raw_row_3: number[] };
const input = (name: string) => path.join(tmp.dir, "pynwb", name);

/** `tsnwb export INPUT OUTPUT [flags]` (the built CLI); gives what it printed. */
function cliExport(inputFile: string, output: string, ...flags: string[]): string {
  return execFileSync(process.execPath, [TSNWB, "export", inputFile, output, ...flags], { encoding: "utf8" });
}

/** What differs between two files as h5py sees them (outside /specifications): test/py/compare_files.py. */
function differences(a: string, b: string): [string, unknown, unknown][] {
  return JSON.parse(execFileSync("/usr/bin/python3", [path.join(ROOT, "test", "py", "compare_files.py"), a, b], { encoding: "utf8" })) as [string, unknown, unknown][];
}

beforeAll(() => {
  const out = execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "links_files.py"), path.join(tmp.dir, "pynwb")], { encoding: "utf8" });
  expected = JSON.parse(out) as typeof expected;
}, 120_000);

describe("object-reference columns, row by row", () => {
  it("reads a row's and some rows' `group` of pynwb's electrodes table as the ElectrodeGroups themselves", async () => {
    await using io = await NWBHDF5IO.open(input("ecephys.nwb"), "r");
    const nwbfile = await io.read();
    const electrodes = nwbfile.electrodes!;
    const [shank0, shank1] = [nwbfile.electrode_groups.get("shank0")!, nwbfile.electrode_groups.get("shank1")!];
    expect(shank0).toBeInstanceOf(ElectrodeGroup);
    const row = await electrodes.readRow(1);
    expect(row).toEqual({ id: 1, location: "brain area", group: shank0, group_name: "shank0", label: "shank0elec1" });
    expect(row.group).toBe(shank0);
    expect((await electrodes.readRow(4)).group).toBe(shank1);
    const some = await electrodes.readColumn("group", [0, 1]);
    expect(some).toHaveLength(1);
    expect(some[0]).toBe(shank0);
    const across = await electrodes.readColumn("group", [2, 5]);
    expect(across).toEqual([shank0, shank1, shank1]);
    expect(across[1]).toBe(shank1);
    expect(await electrodes.readColumn("group")).toEqual([shank0, shank0, shank0, shank1, shank1, shank1]);
    const series = nwbfile.getAcquisition("ElectricalSeries", ElectricalSeries);
    expect(Array.from(await series.data.read([[3, 4]]) as Float64Array)).toEqual(expected.raw_row_3);
  });
});

describe("soft links to datasets and to regions", () => {
  it("reads pynwb's two series of one electrodes region as one region object, and shared timestamps as one array", async () => {
    await using io = await NWBHDF5IO.open(input("shared.nwb"), "r");
    const nwbfile = await io.read();
    const first = nwbfile.getAcquisition("first", ElectricalSeries);
    const second = nwbfile.getAcquisition("second", ElectricalSeries);
    expect(second.electrodes).toBeInstanceOf(DynamicTableRegion);
    expect(second.electrodes).toBe(first.electrodes);
    expect(first.electrodes.parent).toBe(first);
    expect(second.electrodes.table).toBe(nwbfile.electrodes);
    expect(Array.from(await second.electrodes.data.read() as BigInt64Array, Number)).toEqual([1, 2, 4]);
    expect(Array.from(await second.data.read([[0, 1]]) as Int16Array)).toEqual([30, 31, 32]);
    const clock = nwbfile.getAcquisition("clock", TimeSeries);
    const follower = nwbfile.getAcquisition("follower", TimeSeries);
    expect(follower.timestamps).toBe(clock.timestamps);
    expect(Array.from(await follower.timestamps!.read() as Float64Array)).toEqual([0.5, 1.0, 1.5, 2.5, 3.0]);
    expect(Array.from(await follower.data.read() as Int32Array)).toEqual([5, 6, 7, 8, 9]);
  });

  it("exports them as the same soft links (tsnwb export), the rest equal to the source", () => {
    const out = path.join(tmp.dir, "shared-export.nwb");
    cliExport(input("shared.nwb"), out);
    expect(differences(input("shared.nwb"), out)).toEqual([]);
    expect(h5py(out, `print(f["acquisition/second"].get("electrodes", getlink=True).path, f["acquisition/follower"].get("timestamps", getlink=True).path)`))
      .toBe("/acquisition/first/electrodes /acquisition/clock/timestamps");
  });

  it("writes one region given to two new series as pynwb does: the second's a soft link to the first's", async () => {
    const nwbfile = new NWBFile({ session_description: "shared", identifier: "shared-new", session_start_time: "2024-05-06T07:08:09+00:00" });
    const device = nwbfile.createDevice({ name: "array", description: "an array" });
    const group = nwbfile.createElectrodeGroup({ name: "shank0", description: "a shank", location: "CA1", device });
    for (let i = 0; i < 3; i++) nwbfile.addElectrode({ location: "CA1", group });
    const region = nwbfile.createElectrodeTableRegion([0, 2], "two electrodes");
    const data = () => ({ data: new Int16Array(20).map((_, i) => i), shape: [10, 2] });
    nwbfile.addAcquisition(new ElectricalSeries({ name: "first", data: data(), electrodes: region, rate: 100 }));
    nwbfile.addAcquisition(new ElectricalSeries({ name: "second", data: data(), electrodes: region, rate: 100 }));
    expect(region.parent?.name).toBe("first");
    const file = path.join(tmp.dir, "shared-new.nwb");
    {
      await using io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
    }
    expect(h5py(file, `print(f["acquisition/second"].get("electrodes", getlink=True).path, list(f["acquisition/second/electrodes"][()]))`))
      .toBe("/acquisition/first/electrodes [0, 2]");
    await using io = await NWBHDF5IO.open(file, "r");
    const back = await io.read();
    expect(back.getAcquisition("second", ElectricalSeries).electrodes).toBe(back.getAcquisition("first", ElectricalSeries).electrodes);
  });
});
