/**
 * No value changes unseen: every change made after a read in mode "a" is written (or refused, saying why), a value
 * that does not fit its stored dtype is refused rather than wrapped or truncated, text HDF5 would cut or pynwb could
 * not decode is refused, and misuse gets tsnwb's own errors. Each case failed before this was built. Files written
 * here are also judged by pynwb (test/oracle).
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  DynamicTable, DynamicTableRegion, ElementIdentifiers, GrayscaleImage, H5DataIO, ImageSeries, Images, IndexSeries, ModeError, NWBFile, NWBHDF5IO,
  SeriesAppender, TimeSeries, Units, ValidationError, VectorData, isTsnwbError, validateNWBFile,
} from "../src/index.js";
import { SHARED, TSNWB, filesIn, h5py, tempFolder, validate } from "./helpers.js";
import { spawnSync } from "node:child_process";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());
const DOMAINS = path.join(SHARED, "fixtures", "domains");

function newFile(): NWBFile {
  return new NWBFile({ session_description: "trust", identifier: "trust-1", session_start_time: "2024-03-04T05:06:07+01:00" });
}

/** A copy of a domain fixture in the temporary folder. */
function copyOf(name: string, as = name): string {
  const file = path.join(tmp.dir, as);
  copyFileSync(path.join(DOMAINS, name), file);
  return file;
}

/** The error `f` throws (sync or async), or undefined. */
async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Asserts `f` throws a tsnwb ValidationError naming `field`, whose message matches `message`. */
async function refused(f: () => unknown, field: string, message: RegExp): Promise<void> {
  const e = await thrown(f);
  expect(isTsnwbError(e, "ValidationError"), String(e)).toBe(true);
  expect((e as ValidationError).field).toBe(field);
  expect((e as Error).message).toMatch(message);
}

describe("mode \"a\": every change after a read is written, or refused saying why", () => {
  it("rows added to a table read from the file are written with every row it had (pynwb's file)", async () => {
    const file = copyOf("ecephys.nwb", "trials-rows.nwb");
    const io = await NWBHDF5IO.open(file, "a");
    const nwbfile = await io.read();
    expect(nwbfile.trials!.length).toBe(6);
    nwbfile.addTrial({ start_time: 10, stop_time: 11, correct: false, stimulus: "grating_9" });
    expect(nwbfile.trials!.length).toBe(7);
    await io.write(nwbfile);
    await io.close();
    expect(validate(file).code).toBe(0);
    const stored = JSON.parse(h5py(file, `t = f["intervals/trials"]
print(json.dumps({"id": t["id"][:].tolist(), "start": t["start_time"][:].tolist(), "correct": t["correct"][:].tolist(), "stim": [s.decode() for s in t["stimulus"][:]], "dtype": str(t["id"].dtype), "correct_dtype": str(t["correct"].dtype)}))`)) as Record<string, unknown>;
    expect(stored).toEqual({
      id: [0, 1, 2, 3, 4, 5, 6], start: [0, 1.5, 3, 4.5, 6, 7.5, 10], correct: [true, true, true, false, false, true, false],
      stim: ["grating_0", "grating_1", "grating_2", "grating_0", "grating_1", "grating_2", "grating_9"], dtype: "int64", correct_dtype: "bool",
    });
    // Everything else is as it was (objects, ids, other tables).
    const back = await NWBHDF5IO.open(file, "r");
    const again = await back.read();
    expect((await again.trials!.readRow(6)).stimulus).toBe("grating_9");
    expect(again.units!.length).toBe(3);
    expect((await again.units!.readColumn("spike_times"))[2]).toEqual((await (await (await NWBHDF5IO.open(path.join(DOMAINS, "ecephys.nwb"), "r")).read()).units!.readColumn("spike_times"))[2]);
    await back.close();
  });

  it("units with ragged spike times and a region column grow too", async () => {
    const file = copyOf("ecephys.nwb", "units-rows.nwb");
    const io = await NWBHDF5IO.open(file, "a");
    const nwbfile = await io.read();
    const before = await nwbfile.units!.toRecords();
    nwbfile.addUnit({ spike_times: [0.25, 0.5, 0.75, 1.0], electrodes: [0, 1], electrode_group: nwbfile.electrode_groups.get("shank0")! } as never);
    await io.write(nwbfile);
    await io.close();
    expect(validate(file).code).toBe(0);
    const back = await NWBHDF5IO.open(file, "r");
    const units = (await back.read()).units!;
    const after = await units.toRecords();
    expect(after.slice(0, before.length).map((r) => ({ ...r, electrode_group: (r.electrode_group as { name: string }).name }))).toEqual(before.map((r) => ({ ...r, electrode_group: (r.electrode_group as { name: string }).name })));
    expect(after[before.length]).toMatchObject({ id: before.length, spike_times: Float64Array.from([0.25, 0.5, 0.75, 1.0]), electrodes: [0, 1] });
    await back.close();
  });

  it("new objects in existing containers and changed attributes are written where the file is; a removed object and a changed scalar dataset make it be written anew", async () => {
    const file = copyOf("ecephys.nwb", "metadata.nwb");
    let io = await NWBHDF5IO.open(file, "a", { inPlace: true });
    let nwbfile = await io.read();
    nwbfile.createDevice({ name: "camera", description: "a second device" });
    nwbfile.devices.get("probe")!.manufacturer = "Other Probes";
    await io.write(nwbfile);
    await io.close();
    io = await NWBHDF5IO.open(file, "a");
    nwbfile = await io.read();
    nwbfile.session_description = "described again";
    nwbfile.devices.get("probe")!.description = undefined;
    nwbfile.processing.get("ecephys")!.data_interfaces.delete("LFP");
    await io.write(nwbfile);
    await io.close();
    expect(validate(file).code).toBe(0);
    const stored = JSON.parse(h5py(file, `print(json.dumps({"session": f["session_description"][()].decode(), "devices": sorted(f["general/devices"].keys()),
  "probe": {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in f["general/devices/probe"].attrs.items() if k != "object_id"},
  "ecephys": sorted(f["processing/ecephys"].keys())}))`)) as Record<string, unknown>;
    expect(stored).toEqual({ session: "described again", devices: ["camera", "probe"], probe: { manufacturer: "Other Probes", namespace: "core", neurodata_type: "Device" }, ecephys: [] });
  });

  it("in place, a change HDF5 cannot make where the file is is refused, naming it, and the file is left as it was", async () => {
    const file = copyOf("ecephys.nwb", "in-place-refused.nwb");
    const before = h5py(file, `print(f["intervals/trials/id"].shape[0])`);
    const io = await NWBHDF5IO.open(file, "a", { inPlace: true });
    const nwbfile = await io.read();
    nwbfile.addTrial({ start_time: 10, stop_time: 11, correct: true, stimulus: "x" });
    const e = await thrown(() => io.write(nwbfile));
    expect(e).toBeInstanceOf(ModeError);
    expect((e as Error).message).toMatch(/\/intervals\/trials\/id: shape \[6\] becomes \[7\].*without inPlace/);
    await io.close();
    expect(h5py(file, `print(f["intervals/trials/id"].shape[0])`)).toBe(before);
    expect(validate(file).code).toBe(0);
  });

  it("a file's bytes in memory (the browser's way) are written anew the same way", async () => {
    const io = await NWBHDF5IO.open(new Uint8Array(readFileSync(path.join(DOMAINS, "ecephys.nwb"))), "a");
    const nwbfile = await io.read();
    nwbfile.addTrial({ start_time: 20, stop_time: 21, correct: true, stimulus: "grating_8" });
    await io.write(nwbfile);
    await io.close();
    const file = path.join(tmp.dir, "memory-rows.nwb");
    writeFileSync(file, io.bytes());
    expect(validate(file).code).toBe(0);
    expect(h5py(file, `print(f["intervals/trials/id"][:].tolist(), f["intervals/trials/stimulus"][-1].decode())`)).toBe("[0, 1, 2, 3, 4, 5, 6] grating_8");
  });

  it("another NWBFile than the one read, and a second write, are refused in mode \"a\"", async () => {
    const file = copyOf("behavior.nwb", "other-file.nwb");
    const io = await NWBHDF5IO.open(file, "a");
    await expect(io.write(newFile())).rejects.toThrow(/an NWBFile not read from it: call read\(\)/);
    const nwbfile = await io.read();
    nwbfile.createDevice({ name: "first", description: "written once" });
    await io.write(nwbfile);
    await expect(io.write(nwbfile)).rejects.toThrow(/was already written; close it and open it again/);
    await io.close();
    expect(h5py(file, `print(sorted(f["general/devices"].keys()))`)).toContain("'first'");
  });
});

describe("values that do not fit their dtype are refused, never wrapped or truncated", () => {
  it("a SeriesAppender refuses uint16 values past uint8 and fractions into integers, naming the field and the value", async () => {
    const file = path.join(tmp.dir, "appender.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    const nwbfile = newFile();
    const series = new ImageSeries({ name: "camera", data: H5DataIO.growable([2, 2], "uint8"), rate: 10, unit: "n.a." });
    nwbfile.addAcquisition(series);
    await io.write(nwbfile);
    const appender = SeriesAppender.open(io, series);
    await refused(() => appender.append({ data: new Uint16Array([1000, 4095, 1, 2]), shape: [2, 2] }), "data", /value 1000 at index 0 does not fit uint8 \(integers 0 to 255\)/);
    await refused(() => appender.append([[300.5, 1], [2, 3]]), "data", /value 300.5 .* does not fit uint8/);
    appender.append({ data: new Uint16Array([10, 20, 30, 255]), shape: [2, 2] }); // values that fit are stored exactly
    appender.close();
    await io.close();
    expect(h5py(file, `print(json.dumps(f["acquisition/camera/data"][:].tolist()))`)).toBe("[[[10, 20], [30, 255]]]");
  });

  it("a stream refuses a frame whose values do not fit the dtype its first frame fixed", async () => {
    const file = path.join(tmp.dir, "stream.nwb");
    function* frames() {
      yield { data: new Uint8Array([1, 2, 3, 4]), shape: [2, 2] };
      yield { data: new Int16Array([1, -5, 3, 4]), shape: [2, 2] };
    }
    const nwbfile = newFile();
    nwbfile.addAcquisition(new ImageSeries({ name: "movie", data: frames(), rate: 10, unit: "n.a." }));
    const io = await NWBHDF5IO.open(file, "w");
    await refused(() => io.write(nwbfile), "data", /frame 1: value -5 at index 1 does not fit uint8/);
    expect(filesIn(tmp.dir).filter((f) => f.includes("stream.nwb"))).toEqual([]);
  });

  it("negative or too large integers into unsigned schema fields, and an index past its images, are refused", async () => {
    const images = new Images({ name: "pictures", description: "two", images: [new GrayscaleImage({ name: "a", data: [[1, 2], [3, 4]] }), new GrayscaleImage({ name: "b", data: [[5, 6], [7, 8]] })] });
    await refused(() => new IndexSeries({ name: "i", data: [-1, 0], indexed_images: images, rate: 1 }), "data", /non-negative integers|-1/);
    await refused(() => new IndexSeries({ name: "i", data: [0, 2], indexed_images: images, rate: 1 }), "data", /indices of the 2 images .* got "2 at element 1"/);
    await refused(() => new IndexSeries({ name: "i", data: { data: new Float64Array([2 ** 32]), shape: [1] }, indexed_images: images, rate: 1 }), "data", /does not fit uint32/);
    await refused(() => new TimeSeries({ name: "t", data: [1, 2], rate: 1, unit: "s", starting_time: 0, resolution: 1, conversion: 1, offset: 0, continuity: "continuous", comments: "x", description: "y", control: [1, -1] }), "control", /uint8|non-negative/);
  });

  it("tsnwb validate reports an IndexSeries index past its images (a file whose -1 was stored as 4294967295)", async () => {
    const file = path.join(tmp.dir, "wrapped-index.nwb");
    const nwbfile = newFile();
    const images = new Images({ name: "pictures", description: "two", images: [new GrayscaleImage({ name: "a", data: [[1, 2], [3, 4]] })] });
    nwbfile.addStimulusTemplate(images);
    nwbfile.addStimulus(new IndexSeries({ name: "shown", data: [0, 0], indexed_images: images, timestamps: [0, 1] }));
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    spawnSync("/usr/bin/python3", ["-c", `import h5py, sys\nf = h5py.File(sys.argv[1], "a")\nf["stimulus/presentation/shown/data"][1] = 4294967295\nf.close()`, file]);
    const r = spawnSync(process.execPath, [TSNWB, "validate", "--json", file], { encoding: "utf8" });
    const [result] = JSON.parse(r.stdout) as { valid: boolean; issues: { path: string; rule: string; message: string }[] }[];
    expect(r.status).toBe(1);
    expect(result!.issues).toContainEqual({ path: "/stimulus/presentation/shown/data", rule: "index", message: "element 1 is 4294967295, but /stimulus/templates/pictures has 1 images (0 to 0)" });
  });

  it("maxshape smaller than the data, and a region row past its table, are refused (pynwb refuses both)", async () => {
    await refused(() => new TimeSeries({ name: "t", data: new H5DataIO({ data: [1, 2, 3], maxshape: [2] }), rate: 1, unit: "s" }), "data.storage", /maxshape at least the data's shape \[3\]/);
    const nwbfile = newFile();
    const device = nwbfile.createDevice({ name: "probe", description: "probe" });
    const group = nwbfile.createElectrodeGroup({ name: "shank", description: "shank", location: "CA1", device });
    nwbfile.addElectrode({ location: "CA1", group, group_name: "shank" } as never);
    await refused(() => nwbfile.createElectrodeTableRegion([5], "past the end"), "region", /row indices of its 1 rows \(0 to 0\), got 5/);
    const table = new DynamicTable({ name: "t", description: "one row" });
    table.addRow({});
    const region = new DynamicTableRegion({ name: "r", description: "past", table, data: [3] });
    nwbfile.addAcquisition(table);
    const holder = new DynamicTable({ name: "holder", description: "holds the region", columns: [region], colnames: ["r"], id: new ElementIdentifiers({ name: "id", data: [0] }) });
    nwbfile.addAcquisition(holder);
    expect(await validateNWBFile(nwbfile)).toContainEqual(expect.objectContaining({ rule: "table" }));
  });
});

describe("text is stored exactly or refused", () => {
  it("a NUL character and a lone surrogate are refused in fields, arrays, table cells and names", async () => {
    await refused(() => newFile().createDevice({ name: "d", description: "a\0b" }), "description", /NUL character at index 1/);
    // The value is quoted once, as given: not the quoted value quoted again.
    expect(() => newFile().createDevice({ name: "d", description: "a\0b" })).toThrow(`got "a\\u0000b", which holds a NUL character at index 1 (HDF5 would cut the text there)`);
    expect(() => new NWBFile({ session_description: "x", identifier: "id", session_start_time: "2024-01-01T00:00:00" })).toThrow(
      `field 'session_start_time': expected a Date or an ISO 8601 date-time with a UTC offset, got "2024-01-01T00:00:00", which has no UTC offset`);
    await refused(() => newFile().createDevice({ name: "d", description: "bad \uD800 half" }), "description", /lone UTF-16 surrogate at index 4/);
    await refused(() => new NWBFile({ session_description: "x", identifier: "id", session_start_time: "2024-01-01T00:00:00Z", experimenter: ["ok", "no\0"] }), "experimenter", /NUL/);
    await refused(() => new VectorData({ name: "v", description: "d", data: ["fine", "\uDC00"] }), "data", /element 1 holds a lone UTF-16 surrogate/);
    const t = new DynamicTable({ name: "t", description: "d" });
    t.addColumn({ name: "label", description: "text" });
    t.addRow({ label: "bad\0" });
    const nwbfile = newFile();
    nwbfile.addAcquisition(t);
    const io = await NWBHDF5IO.open(path.join(tmp.dir, "nul-cell.nwb"), "w");
    await refused(() => io.write(nwbfile), "data", /NUL character/);
    await refused(() => new Units({ name: "bad\0name", description: "u" }), "name", /NUL/);
    await refused(() => new Units({ name: ".", description: "u" }), "name", /"\."/);
    expect(filesIn(tmp.dir).filter((f) => f.includes("nul-cell"))).toEqual([]);
    // Text that is stored exactly (any other Unicode, astral characters as surrogate pairs) is kept as given.
    const file = path.join(tmp.dir, "unicode.nwb");
    const ok = newFile();
    ok.createDevice({ name: "d", description: "μ-probe 🧠 ✓" });
    const w = await NWBHDF5IO.open(file, "w");
    await w.write(ok);
    await w.close();
    expect(h5py(file, `print(f["general/devices/d"].attrs["description"])`)).toBe("μ-probe 🧠 ✓");
  });
});

describe("misuse gets tsnwb's own errors", () => {
  it("a growable dtype that is not one, a write of something that is not an NWBFile, a read after close; await using closes", async () => {
    await refused(() => H5DataIO.growable([2, 2], "uint9" as never), "dtype", /one of int8, uint8/);
    const io = await NWBHDF5IO.open(path.join(tmp.dir, "not-a-file.nwb"), "w");
    await refused(() => io.write({} as never), "nwbfile", /an NWBFile/);
    await io.close();
    const file = path.join(tmp.dir, "closed.nwb");
    {
      await using w = await NWBHDF5IO.open(file, "w");
      const nwbfile = newFile();
      nwbfile.addAcquisition(new TimeSeries({ name: "t", data: [1, 2, 3], rate: 1, unit: "s" }));
      await w.write(nwbfile);
    }
    expect(filesIn(tmp.dir)).toContain("closed.nwb");
    const r = await NWBHDF5IO.open(file, "r");
    const series = (await r.read()).getAcquisition("t", TimeSeries);
    await r.close();
    const e = await thrown(() => series.data.read());
    expect(e).toBeInstanceOf(ModeError);
    expect((e as Error).message).toMatch(/closed\.nwb is closed/);
    await expect(r.read()).rejects.toThrow(/closed/);
  });
});
