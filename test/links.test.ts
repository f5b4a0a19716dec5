/**
 * Links in files pynwb writes ("Files in the wild"): object-reference table columns read row by row, HDF5 external
 * links (pynwb's linking tutorial: a series' data, or a whole series, in another file) and soft links to datasets
 * and table regions shared by two series. The input files are written by pynwb itself (test/py/links_files.py); each
 * is read with pynwb's values, exported (links kept, or data copied) and the export compared with its source by h5py
 * (test/py/compare_files.py); every file written is judged by pynwb (test/oracle/setup.ts).
 */
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DynamicTableRegion, ElectricalSeries, ElectrodeGroup, FormatError, NWBFile, NWBHDF5IO, NotFoundError, TimeSeries, externalLinkOf, validate,
} from "../src/index.js";
import { ORACLE, ROOT, TSNWB, h5py, tempFolder } from "./helpers.js";
import { exemptFromOracle } from "./oracle/record.mjs";

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
function differences(a: string, b: string, ...flags: string[]): [string, unknown, unknown][] {
  return JSON.parse(execFileSync("/usr/bin/python3", [path.join(ROOT, "test", "py", "compare_files.py"), a, b, ...flags], { encoding: "utf8" })) as [string, unknown, unknown][];
}

/** A file's bytes and modification time, to show it was not changed. */
function fingerprint(file: string): string {
  return `${createHash("sha256").update(readFileSync(file)).digest("hex")} ${statSync(file).mtimeMs}`;
}

/** An external link as h5py sees it: "FILE PATH" as stored, or "none". */
function h5Link(file: string, object: string): string {
  const [parent, name] = [path.posix.dirname(object), path.posix.basename(object)];
  return h5py(file, `l = f[${JSON.stringify(parent)}].get(${JSON.stringify(name)}, getlink=True)\nprint(f"{l.filename} {l.path}" if isinstance(l, h5py.ExternalLink) else "none")`);
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

  it("exports pynwb's ecephys file equal to its source (tsnwb export)", () => {
    const out = path.join(tmp.dir, "ecephys-export.nwb");
    cliExport(input("ecephys.nwb"), out);
    expect(differences(input("ecephys.nwb"), out)).toEqual([]);
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

describe("soft links written as pynwb writes them", () => {
  it("the same objects made by tsnwb give pynwb's file: a shared region and shared timestamps as soft links where pynwb puts them", async () => {
    const nwbfile = new NWBFile({ session_description: "links", identifier: "shared", session_start_time: "2024-05-06T07:08:09+00:00" });
    const device = nwbfile.createDevice({ name: "array", description: "the best array", manufacturer: "Probe Company 9000" });
    nwbfile.addElectrodeColumn({ name: "label", description: "label of electrode" });
    for (const shank of [0, 1]) {
      const group = nwbfile.createElectrodeGroup({ name: `shank${shank}`, description: `electrode group for shank ${shank}`, device, location: "brain area" });
      for (const e of [0, 1, 2]) nwbfile.addElectrode({ group, label: `shank${shank}elec${e}`, location: "brain area" });
    }
    const region = nwbfile.createElectrodeTableRegion([1, 2, 4], "three electrodes");
    const samples = (from: number) => ({ data: new Int16Array(30).map((_, i) => from + i), shape: [10, 3] });
    nwbfile.addAcquisition(new ElectricalSeries({ name: "first", data: samples(0), electrodes: region, rate: 100 }));
    nwbfile.addAcquisition(new ElectricalSeries({ name: "second", data: samples(30), electrodes: region, rate: 100 }));
    const clock = new TimeSeries({ name: "clock", data: { data: new Float64Array([0, 1, 2, 3, 4]), shape: [5] }, unit: "s", timestamps: [0.5, 1.0, 1.5, 2.5, 3.0] });
    nwbfile.addAcquisition(clock);
    // pynwb's timestamps=clock: the same array.
    nwbfile.addAcquisition(new TimeSeries({ name: "follower", data: { data: new Int32Array([5, 6, 7, 8, 9]), shape: [5] }, unit: "m", timestamps: clock.timestamps }));
    const file = path.join(tmp.dir, "shared-tsnwb.nwb");
    {
      await using io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
    }
    // One difference, not of links: the region's indices are int32 (the schema's "int"), pynwb's int64 (numpy's).
    const diff = differences(input("shared.nwb"), file);
    expect(diff.map(([p]) => p)).toEqual(["/acquisition/first/electrodes"]);
    expect([(diff[0]![1] as unknown[])[1], (diff[0]![2] as unknown[])[1]]).toEqual(["<i8", "<i4"]);
  });
});

describe("external links (pynwb's linking tutorial)", () => {
  const ts1 = () => input("data/ts1.nwb");
  const ts2 = () => input("data/ts2.nwb");
  const dataLink = () => input("links/data_link.nwb");
  const containerLink = () => input("links/container_link.nwb");
  let before: string[];
  beforeAll(() => {
    before = [fingerprint(ts1()), fingerprint(ts2())];
  });

  it("reads a series whose data is in another file: the data read lazily from there, found from the linking file's folder", async () => {
    // The link names ../data/ts1.nwb: from the working directory (the project's root) there is no such file.
    expect(path.resolve("../data/ts1.nwb")).not.toBe(ts1());
    await using io = await NWBHDF5IO.open(dataLink(), "r");
    const nwbfile = await io.read();
    const series = nwbfile.getAcquisition("test_timeseries4", TimeSeries);
    expect([series.unit, series.conversion, series.data.shape, series.data.dtype]).toEqual(["SIunit", 1, [10], "float64"]);
    expect(externalLinkOf(series.data)).toMatchObject({ file: ts1(), path: "/acquisition/test_timeseries1/data" });
    expect(externalLinkOf(series)).toBeUndefined();
    expect(Array.from(await series.data.read([[2, 5]]) as Float64Array)).toEqual(expected.data.slice(2, 5));
    expect(Array.from(await series.data.read() as Float64Array)).toEqual(expected.data);
    expect(Array.from(await series.timestamps!.read() as Float64Array)).toEqual(expected.timestamps);
  });

  it("reads a whole series in another file as a TimeSeries, with that file's values", async () => {
    await using io = await NWBHDF5IO.open(containerLink(), "r");
    const nwbfile = await io.read();
    const series = nwbfile.getAcquisition("test_timeseries2", TimeSeries);
    expect(series).toBeInstanceOf(TimeSeries);
    expect(series.neurodata_type).toBe("TimeSeries");
    expect(externalLinkOf(series)).toMatchObject({ file: ts2(), path: "/acquisition/test_timeseries2" });
    expect(series.container_source).toEqual({ file: ts2(), path: "/acquisition/test_timeseries2" });
    expect(Array.from(await series.data.read() as Float64Array)).toEqual(expected.data.map((x) => x * 2));
    expect(Array.from(await series.timestamps!.read() as Float64Array)).toEqual(expected.timestamps.map((t) => t + 2));
    expect(series.unit).toBe("SIunit");
  });

  it("tsnwb's validator follows the links: pynwb's linking files are valid", async () => {
    expect(await validate(dataLink())).toEqual([]);
    expect(await validate(containerLink())).toEqual([]);
  });

  it("tsnwb info shows where linked data and objects are (file and path)", () => {
    const text = execFileSync(process.execPath, [TSNWB, "info", dataLink(), containerLink()], { encoding: "utf8" });
    expect(text).toContain(`data float64[10] (external link to /acquisition/test_timeseries1/data in ${ts1()})`);
    expect(text).toContain(`test_timeseries2 (TimeSeries) (external link to /acquisition/test_timeseries2 in ${ts2()})`);
    const json = JSON.parse(execFileSync(process.execPath, [TSNWB, "info", "--json", containerLink()], { encoding: "utf8" })) as { objects: { path: string; external?: unknown }[] };
    expect(json.objects.find((o) => o.path === "/acquisition/test_timeseries2")?.external).toEqual({ file: ts2(), path: "/acquisition/test_timeseries2" });
  });

  it("tsnwb export keeps the links, their files named from the export's folder", () => {
    for (const source of [dataLink(), containerLink()]) {
      const out = path.join(tmp.dir, "exports", "deeper", path.basename(source));
      mkdirSync(path.dirname(out), { recursive: true });
      cliExport(source, out);
      // compare_files.py compares external links by the file they lead to (from each file's folder) and path.
      expect(differences(source, out)).toEqual([]);
    }
    const out = (name: string) => path.join(tmp.dir, "exports", "deeper", name);
    expect(h5Link(out("data_link.nwb"), "/acquisition/test_timeseries4/data")).toBe("../../pynwb/data/ts1.nwb /acquisition/test_timeseries1/data");
    expect(h5Link(out("container_link.nwb"), "/acquisition/test_timeseries2")).toBe("../../pynwb/data/ts2.nwb /acquisition/test_timeseries2");
    expect(h5py(out("data_link.nwb"), `print(list(f["acquisition/test_timeseries4/data"][2:4]))`)).toBe("[120.0, 130.0]");
  });

  it("an external link in an object of a type tsnwb does not model is exported named from the export's folder", () => {
    const source = input("links/generic_link.nwb");
    copyFileSync(dataLink(), source);
    execFileSync("/usr/bin/python3", ["-c", [
      "import h5py, sys, uuid",
      "with h5py.File(sys.argv[1], 'a') as f:",
      "    g = f['acquisition'].create_group('custom')",
      "    g.attrs.update(neurodata_type='MyType', namespace='ndx-test', object_id=str(uuid.uuid4()))",
      "    g['source'] = h5py.ExternalLink('../data/ts1.nwb', '/acquisition/test_timeseries1')",
    ].join("\n"), source]);
    const out = path.join(tmp.dir, "exports", "deeper", "generic_link.nwb");
    mkdirSync(path.dirname(out), { recursive: true });
    // The source holds an object of a namespace it does not cache (ndx-test's MyType): pynwb cannot read it either,
    // and the export keeps it as it is.
    exemptFromOracle(out, { read: "'ndx-test' not a namespace", validate: "ndx-test|MyType|/acquisition/custom" });
    cliExport(source, out);
    expect(h5Link(out, "/acquisition/custom/source")).toBe("../../pynwb/data/ts1.nwb /acquisition/test_timeseries1");
    expect(differences(source, out)).toEqual([]);
  });

  it("tsnwb export --no-link-data copies what the links reach (pynwb's link_data=False)", async () => {
    for (const source of [dataLink(), containerLink()]) {
      const out = path.join(tmp.dir, "copies", path.basename(source));
      mkdirSync(path.dirname(out), { recursive: true });
      cliExport(source, out, "--no-link-data");
      expect(differences(source, out, "--follow-external")).toEqual([]);
    }
    const copied = path.join(tmp.dir, "copies", "container_link.nwb");
    expect(h5Link(copied, "/acquisition/test_timeseries2")).toBe("none");
    expect(h5Link(path.join(tmp.dir, "copies", "data_link.nwb"), "/acquisition/test_timeseries4/data")).toBe("none");
    await using io = await NWBHDF5IO.open(copied, "r");
    const series = (await io.read()).getAcquisition("test_timeseries2", TimeSeries);
    expect(externalLinkOf(series)).toBeUndefined();
    expect(Array.from(await series.data.read() as Float64Array)).toEqual(expected.data.map((x) => x * 2));
  });

  it("the library's write takes linkData as the option", async () => {
    const out = path.join(tmp.dir, "copies", "library-copy.nwb");
    mkdirSync(path.dirname(out), { recursive: true });
    {
      await using io = await NWBHDF5IO.open(dataLink(), "r");
      const nwbfile = await io.read();
      await using writer = await NWBHDF5IO.open(out, "w", { linkData: false });
      await writer.write(nwbfile);
    }
    expect(h5Link(out, "/acquisition/test_timeseries4/data")).toBe("none");
    await expect(NWBHDF5IO.open(out, "w", { linkData: "no" as never })).rejects.toThrow(/'linkData': expected true or false, got "no"/);
    expect(h5py(out, `print(list(f["acquisition/test_timeseries4/data"][:2]), f["acquisition/test_timeseries4/data"].attrs["unit"])`)).toBe("[100.0, 110.0] SIunit");
  });

  it("a series read from another file and added to a new one is linked there, as pynwb's tutorial writes it", async () => {
    const file = input("links/tsnwb_container_link.nwb");
    {
      await using source = await NWBHDF5IO.open(ts2(), "r");
      const series = (await source.read()).getAcquisition("test_timeseries2", TimeSeries);
      const nwbfile = new NWBFile({ session_description: "links", identifier: "container_link", session_start_time: "2024-05-06T07:08:09+00:00" });
      nwbfile.addAcquisition(series);
      expect(nwbfile.acquisition.get("test_timeseries2")).toBe(series);
      await using io = await NWBHDF5IO.open(file, "w");
      await io.write(nwbfile);
    }
    expect(h5Link(file, "/acquisition/test_timeseries2")).toBe("../data/ts2.nwb /acquisition/test_timeseries2");
    expect(differences(containerLink(), file)).toEqual([]);
    // An object of another file in memory (not read from one) is still refused.
    const other = new NWBFile({ session_description: "other", identifier: "other", session_start_time: "2024-05-06T07:08:09+00:00" });
    const loose = new TimeSeries({ name: "loose", data: [1.5], unit: "m", rate: 1 });
    other.addAcquisition(loose);
    const mine = new NWBFile({ session_description: "mine", identifier: "mine", session_start_time: "2024-05-06T07:08:09+00:00" });
    expect(() => mine.addAcquisition(loose)).toThrow(/not yet in another container/);
  });

  it("mode \"a\" keeps the links, added to where the file is or written anew", async () => {
    const added = input("links/data_link_added.nwb");
    const rewritten = input("links/container_link_rewritten.nwb");
    copyFileSync(dataLink(), added);
    copyFileSync(containerLink(), rewritten);
    {
      await using io = await NWBHDF5IO.open(added, "a");
      const nwbfile = await io.read();
      nwbfile.addAcquisition(new TimeSeries({ name: "extra", data: [1.5, 2.5, 3.5], unit: "m", rate: 1 }));
      await io.write(nwbfile);
    }
    {
      // A scalar dataset's new value: the file is written anew (tree-diff), its external link kept.
      await using io = await NWBHDF5IO.open(rewritten, "a");
      const nwbfile = await io.read();
      nwbfile.session_description = "links, changed";
      await io.write(nwbfile);
    }
    expect(h5Link(added, "/acquisition/test_timeseries4/data")).toBe("../data/ts1.nwb /acquisition/test_timeseries1/data");
    expect(h5Link(rewritten, "/acquisition/test_timeseries2")).toBe("../data/ts2.nwb /acquisition/test_timeseries2");
    expect(h5py(rewritten, `print(f["session_description"][()].decode())`)).toBe("links, changed");
    await using io = await NWBHDF5IO.open(added, "r");
    const nwbfile = await io.read();
    expect(Array.from(await nwbfile.getAcquisition("test_timeseries4", TimeSeries).data.read() as Float64Array)).toEqual(expected.data);
    expect(Array.from(await nwbfile.getAcquisition("extra", TimeSeries).data.read() as Float64Array)).toEqual([1.5, 2.5, 3.5]);
  });

  it("a missing linked file, or a file from bytes or a URL, is an error naming the link and the file", async () => {
    const alone = path.join(tmp.dir, "alone", "data_link.nwb");
    mkdirSync(path.dirname(alone), { recursive: true });
    copyFileSync(dataLink(), alone);
    {
      await using io = await NWBHDF5IO.open(alone, "r"); // opening does not follow the link
      const error = await io.read().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toContain("/acquisition/test_timeseries4/data is an external link to ../data/ts1.nwb");
      expect((error as Error).message).toContain(path.join(tmp.dir, "data", "ts1.nwb"));
    }
    const issues = await validate(alone);
    expect(issues.map((i) => [i.path, i.rule])).toEqual([["/acquisition/test_timeseries4/data", "link_target"]]);
    expect(issues[0]!.message).toContain("is an external link to ../data/ts1.nwb, which is not there");
    const unfollowable = /\/acquisition\/test_timeseries2 is an external link to \/acquisition\/test_timeseries2 in \.\.\/data\/ts2\.nwb, which cannot be followed here: a file given as bytes or by URL/;
    {
      await using io = await NWBHDF5IO.open(readFileSync(containerLink()));
      const error = await io.read().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(unfollowable);
    }
    // By URL (test/servers/range-server.mjs serves the file).
    const server = spawn(process.execPath, [path.join(ROOT, "test", "servers", "range-server.mjs"), containerLink(), "ranges"]);
    try {
      const port = await new Promise<string>((resolve) => server.stdout.once("data", (d: Buffer) => resolve(String(d).trim())));
      await using io = await NWBHDF5IO.open(`http://127.0.0.1:${port}/file.nwb`, "r");
      const error = await io.read().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(unfollowable);
    } finally {
      server.kill();
    }
  });

  it("links that lead back into a file being read are refused, not followed forever", async () => {
    // Two copies of the tutorial's files, each given a link to the other's series (h5py).
    const dir = path.join(tmp.dir, "cycle");
    mkdirSync(dir, { recursive: true });
    copyFileSync(ts1(), path.join(dir, "a.nwb"));
    copyFileSync(ts2(), path.join(dir, "b.nwb"));
    execFileSync("/usr/bin/python3", ["-c", [
      "import h5py, sys",
      "with h5py.File(sys.argv[1] + '/a.nwb', 'a') as f: f['acquisition/other'] = h5py.ExternalLink('b.nwb', '/acquisition/test_timeseries2')",
      "with h5py.File(sys.argv[1] + '/b.nwb', 'a') as f: f['acquisition/back'] = h5py.ExternalLink('a.nwb', '/acquisition/test_timeseries1')",
    ].join("\n"), dir]);
    await using io = await NWBHDF5IO.open(path.join(dir, "a.nwb"), "r");
    const error = await io.read().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toContain(`/acquisition/back is an external link to /acquisition/test_timeseries1 in ${path.join(dir, "a.nwb")}, whose objects are being read through links that lead back to it`);
  });

  it("refuses to write over a file it would link to", async () => {
    await using io = await NWBHDF5IO.open(dataLink(), "r");
    const nwbfile = await io.read();
    await using writer = await NWBHDF5IO.open(ts1(), "w");
    await expect(writer.write(nwbfile)).rejects.toThrow(`cannot write ${ts1()}: what it would link to is in that very file`);
  });

  it("never changes the linked files (bytes and modification time)", () => {
    expect([fingerprint(ts1()), fingerprint(ts2())]).toEqual(before);
  });
});
