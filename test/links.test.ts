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
import { ElectricalSeries, ElectrodeGroup, NWBHDF5IO, TimeSeries } from "../src/index.js";
import { ORACLE, ROOT, tempFolder } from "./helpers.js";

const tmp = tempFolder("tsnwb-links-");
afterAll(() => tmp.cleanup());

/** Values the pynwb script wrote, to compare with. */
let expected: { data: number[]; timestamps: number[]; raw_row_3: number[] };
const input = (name: string) => path.join(tmp.dir, "pynwb", name);

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
