/**
 * The best-practice inspector (src/validation/inspector.ts) and `tsnwb inspect`: each check on an object or file that
 * trips it and on one that does not. What tsnwb refuses to build (a negative rate, NaN timestamps, a time without
 * a UTC offset...) is made with h5py from a file tsnwb wrote (test/py/inspector_cases.py); reading takes such files
 * as stored, which these tests assert too. Every shared fixture gives no critical message but the missing
 * external files of pynwb's tutorial.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  DynamicTable, H5DataIO, ImageSeries, Images, IndexSeries, GrayscaleImage, NWBFile, NWBHDF5IO, type NWBWarning, Subject, TimeSeries,
  ValidationError, setWarningHandler,
} from "../src/index.js";
import { type InspectionMessage, type InspectOptions, INSPECTOR_CHECKS } from "../src/validation/inspector.js";
import { inspect, inspectFile } from "../src/validation/inspect-file.js";
import { addInspectCommand } from "../src/cli/inspect-command.js";
import { FIXTURES, ROOT, SHARED, tempFolder } from "./helpers.js";
import { exemptFromOracle } from "./oracle/record.mjs";

const PYTHON = "/usr/bin/python3";
const tmp = tempFolder("tsnwb-inspector-");
afterAll(() => tmp.cleanup());

// Construction warnings (timestamps of another length than data...) are what some tests build on purpose.
const warnings: NWBWarning[] = [];
let previousHandler: ((w: NWBWarning) => void) | undefined;
beforeAll(() => {
  previousHandler = setWarningHandler((w) => warnings.push(w));
});
afterAll(() => {
  setWarningHandler(previousHandler);
});

/** A file that follows every best practice the inspector checks; `opts` changes its metadata. */
function goodFile(opts: Partial<ConstructorParameters<typeof NWBFile>[0]> = {}, subject: ConstructorParameters<typeof Subject>[0] | null = {}): NWBFile {
  const nwbfile = new NWBFile({
    session_description: "a recording to inspect",
    identifier: globalThis.crypto.randomUUID(),
    session_start_time: "2021-03-04T10:00:00+01:00",
    experimenter: ["Lovelace, Ada"],
    ...opts,
  });
  if (subject !== null) {
    nwbfile.setSubject(new Subject({ subject_id: "mouse-1", species: "Mus musculus", sex: "F", age: "P90D", description: "a test mouse", ...subject }));
  }
  return nwbfile;
}

/** A TimeSeries with a real description, timed by `timing`. */
function series(name: string, data: number[], timing: { rate: number } | { timestamps: number[] }, extra: Record<string, unknown> = {}): TimeSeries {
  return new TimeSeries({ name, data, unit: "V", description: "voltage of the probe", ...timing, ...extra });
}

/** The messages of one check. */
async function found(nwbfile: NWBFile, check: string, options: InspectOptions = {}): Promise<InspectionMessage[]> {
  return (await inspect(nwbfile, options)).filter((m) => m.check === check);
}

async function foundInFile(file: string, check: string, options: InspectOptions = {}): Promise<InspectionMessage[]> {
  return (await inspectFile(file, options)).filter((m) => m.check === check);
}

async function write(nwbfile: NWBFile, file: string): Promise<string> {
  const io = await NWBHDF5IO.open(file, "w");
  await io.write(nwbfile);
  await io.close();
  return file;
}

type Edit = { op: "attr"; path: string; name: string; value: unknown; dtype?: string } | { op: "dataset"; path: string; value: unknown; dtype?: string };

/** A copy of `source` named `name`, changed by h5py; made once (tests of several checks share some). */
function broken(source: string, name: string, edits: Edit[]): string {
  const out = path.join(tmp.dir, name);
  if (!made.has(out)) {
    execFileSync(PYTHON, [path.join(ROOT, "test", "py", "inspector_cases.py"), source, out, JSON.stringify(edits)]);
    made.add(out);
  }
  return out;
}
const made = new Set<string>();

/** The base file with a negative rate, and with a session_start_time without a UTC offset: used by several tests. */
const negativeRateFile = () => broken(base, "negative-rate.nwb", [{ op: "attr", path: "/acquisition/rated/starting_time", name: "rate", value: -10 }]);
const noOffsetFile = () => broken(base, "no-offset.nwb", [{ op: "dataset", path: "/session_start_time", value: "2021-03-04T10:00:00" }]);

/** Reads a file, hands what was read to `look`, closes it. */
async function reading<T>(file: string, look: (nwbfile: NWBFile) => Promise<T> | T): Promise<T> {
  const io = await NWBHDF5IO.open(file, "r");
  try {
    return await look(await io.read());
  } finally {
    await io.close();
  }
}

/**
 * The base file every broken file is made from: rate-timed and timestamp-timed series, and an ImageSeries of two
 * external files that exist beside it.
 */
let base: string;
beforeAll(async () => {
  const nwbfile = goodFile();
  nwbfile.addAcquisition(series("rated", [1, 2, 3, 4], { rate: 10 }));
  nwbfile.addAcquisition(series("timed", [1, 2, 3, 4], { timestamps: [0, 0.1, 0.25, 0.3] }));
  nwbfile.addAcquisition(new ImageSeries({ name: "movie_files", description: "behavior camera", external_file: ["frames/a.tiff", "frames/b.tiff"], starting_frame: [0, 2], rate: 1 }));
  mkdirSync(path.join(tmp.dir, "frames"));
  for (const f of ["a.tiff", "b.tiff"]) writeFileSync(path.join(tmp.dir, "frames", f), "");
  base = await write(nwbfile, path.join(tmp.dir, "base.nwb"));
});

describe("inspect", () => {
  it("finds nothing in a file that follows the practices it checks, built or read", async () => {
    expect(await inspectFile(base)).toEqual([]);
    expect(await reading(base, (nwbfile) => inspect(nwbfile))).toEqual([]);
  });

  it("lists every check once, with an importance and what it checks", () => {
    const ids = INSPECTOR_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of INSPECTOR_CHECKS) {
      expect(c.id).toMatch(/^check_[a-z0-9_]+$/);
      expect(["critical", "violation", "suggestion"]).toContain(c.importance);
      expect(c.what.length).toBeGreaterThan(0);
    }
  });

  it("reports most important first; `level` keeps that importance and higher ones", async () => {
    const nwbfile = goodFile({ identifier: "test" }, null); // a suggestion and a violation
    nwbfile.addAcquisition(series("backwards", [1, 2, 3], { timestamps: [0, 2, 1, 3] })); // critical and violation
    const all = await inspect(nwbfile);
    expect(all.map((m) => m.importance)).toEqual(["critical", "violation", "violation", "suggestion"]);
    expect((await inspect(nwbfile, { level: "violation" })).map((m) => m.check)).toEqual(["check_timestamps_match_first_dimension", "check_subject_exists", "check_timestamps_ascending"]);
    expect((await inspect(nwbfile, { level: "critical" })).map((m) => m.check)).toEqual(["check_timestamps_match_first_dimension"]);
    await expect(inspect(nwbfile, { level: "bad" as "critical" })).rejects.toThrow(/field .level.: expected one of critical, violation, suggestion/);
  });

  it("names objects built in memory by where they will be in the file", async () => {
    const nwbfile = goodFile({}, { species: undefined });
    nwbfile.createDevice({ name: "probe" });
    const module = nwbfile.createProcessingModule({ name: "behavior", description: "processed behavior" });
    module.add(series("speed", [1, 2], { rate: 1 }, { description: "" }));
    const paths = (await inspect(nwbfile)).map((m) => [m.check, m.path]);
    expect(paths).toEqual(expect.arrayContaining([
      ["check_description_missing", "/general/devices/probe"],
      ["check_subject_species_exists", "/general/subject"],
      ["check_description_missing", "/processing/behavior/speed"],
    ]));
  });
});

describe("TimeSeries timing", () => {
  it("check_timestamps_match_first_dimension: as many timestamps as samples (critical)", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("short", [1, 2, 3], { timestamps: [0, 1, 2, 3] }));
    nwbfile.addAcquisition(series("same", [1, 2, 3], { timestamps: [0, 1, 2.5] }));
    expect(warnings.some((w) => w.object === "TimeSeries 'short'")).toBe(true); // tsnwb only warns when building it
    expect(await found(nwbfile, "check_timestamps_match_first_dimension")).toEqual([
      { importance: "critical", check: "check_timestamps_match_first_dimension", path: "/acquisition/short", message: "4 timestamps for 3 samples (data's first axis)" },
    ]);
    // External files leave data empty (0 frames): not a mismatch.
    expect(await foundInFile(base, "check_timestamps_match_first_dimension")).toEqual([]);
  });

  it("check_timestamps_ascending: timestamps never go back (violation); equal ones are allowed", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("backwards", [1, 2, 3, 4], { timestamps: [0, 2, 1, 3] }));
    nwbfile.addAcquisition(series("repeated", [1, 2, 3, 4], { timestamps: [0, 1, 1, 2] }));
    expect(await found(nwbfile, "check_timestamps_ascending")).toEqual([
      { importance: "violation", check: "check_timestamps_ascending", path: "/acquisition/backwards", message: "timestamps are not ascending: timestamps[2] = 1 comes after timestamps[1] = 2" },
    ]);
  });

  it("check_timestamps_without_nans: no NaN timestamps (violation); tsnwb refuses them, reading takes them", async () => {
    expect(() => series("nan", [1, 2], { timestamps: [0, Number.NaN] })).toThrow(ValidationError);
    const file = broken(base, "nan.nwb", [{ op: "dataset", path: "/acquisition/timed/timestamps", value: [0, "NaN", 0.2, 0.3] }]);
    const read = await reading(file, async (f) => Array.from((await f.getAcquisition("timed", TimeSeries).timestamps!.read()) as Float64Array));
    expect(read).toEqual([0, Number.NaN, 0.2, 0.3]);
    expect(await foundInFile(file, "check_timestamps_without_nans")).toEqual([
      { importance: "violation", check: "check_timestamps_without_nans", path: "/acquisition/timed", message: "1 of 4 timestamps are NaN (the first at index 1)" },
    ]);
    // The pairs around a NaN are not "out of order".
    expect(await foundInFile(file, "check_timestamps_ascending")).toEqual([]);
    expect(await foundInFile(base, "check_timestamps_without_nans")).toEqual([]);
  });

  it("check_regular_timestamps: evenly spaced timestamps (3 or more) could be a rate (suggestion)", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("even", [1, 2, 3, 4], { timestamps: [0.5, 0.6, 0.7, 0.8] }));
    nwbfile.addAcquisition(series("uneven", [1, 2, 3, 4], { timestamps: [0, 0.1, 0.25, 0.3] }));
    nwbfile.addAcquisition(series("two", [1, 2], { timestamps: [0, 1] }));
    expect(await found(nwbfile, "check_regular_timestamps")).toEqual([
      { importance: "suggestion", check: "check_regular_timestamps", path: "/acquisition/even", message: "the 4 timestamps are evenly spaced (0.1 s apart): starting_time=0.5 and rate=10 would say the same" },
    ]);
  });
});

describe("TimeSeries rate", () => {
  it("tsnwb refuses a rate of 0 (for more than one sample) or below; reading takes it as stored", async () => {
    for (const rate of [0, -10]) expect(() => series("bad", [1, 2], { rate })).toThrow(/field 'rate': expected a (rate above 0 Hz|number of samples per second, 0 or more)/);
    const file = negativeRateFile();
    expect(await reading(file, (f) => f.getAcquisition("rated", TimeSeries).rate)).toBe(-10);
  });

  it("check_rate_is_not_zero: a rate of 0 for more than one sample (critical, as the NWB Inspector)", async () => {
    const zero = broken(base, "zero-rate.nwb", [{ op: "attr", path: "/acquisition/rated/starting_time", name: "rate", value: 0 }]);
    expect(await foundInFile(zero, "check_rate_is_not_zero")).toEqual([
      { importance: "critical", check: "check_rate_is_not_zero", path: "/acquisition/rated", message: "rate is 0 Hz for 4 samples" },
    ]);
    expect(await foundInFile(zero, "check_rate_is_positive")).toEqual([]);
    expect(await foundInFile(base, "check_rate_is_not_zero")).toEqual([]);
    // One sample needs no rate.
    const single = broken(zero, "zero-rate-one-sample.nwb", [{ op: "dataset", path: "/acquisition/rated/data", value: [1.0] }]);
    expect(await foundInFile(single, "check_rate_is_not_zero")).toEqual([]);
  });

  it("check_rate_is_positive: a negative rate (critical)", async () => {
    const file = negativeRateFile();
    expect(await foundInFile(file, "check_rate_is_positive")).toEqual([
      { importance: "critical", check: "check_rate_is_positive", path: "/acquisition/rated", message: "rate is negative (-10 Hz)" },
    ]);
    expect(await foundInFile(base, "check_rate_is_positive")).toEqual([]);
  });
});

describe("ImageSeries and IndexSeries", () => {
  it("check_image_series_external_file_valid: relative external files exist beside the NWB file (critical)", async () => {
    const elsewhere = path.join(tmp.dir, "elsewhere");
    mkdirSync(elsewhere);
    const moved = path.join(elsewhere, "moved.nwb");
    copyFileSync(base, moved);
    mkdirSync(path.join(elsewhere, "frames"));
    writeFileSync(path.join(elsewhere, "frames", "a.tiff"), "");
    expect(await foundInFile(moved, "check_image_series_external_file_valid")).toEqual([
      { importance: "critical", check: "check_image_series_external_file_valid", path: "/acquisition/movie_files", message: `external file 'frames/b.tiff' does not exist (looked in ${elsewhere})` },
    ]);
    expect(await foundInFile(base, "check_image_series_external_file_valid")).toEqual([]);
    // The existence check can be given (a browser has no file system: there it is skipped unless given).
    const asked: string[] = [];
    expect(await foundInFile(moved, "check_image_series_external_file_valid", { fileExists: (p) => (asked.push(p), true) })).toEqual([]);
    expect(asked).toEqual([`${elsewhere}/frames/a.tiff`, `${elsewhere}/frames/b.tiff`]);
  });

  it("check_image_series_external_file_relative: no absolute paths (violation); tsnwb writes them relative", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(new ImageSeries({ name: "absolute", description: "camera", external_file: ["/data/a.tiff", "C:\\data\\b.tiff", "c.tiff"], starting_frame: [0, 1, 2], rate: 1 }));
    expect(await found(nwbfile, "check_image_series_external_file_relative")).toEqual([
      { importance: "violation", check: "check_image_series_external_file_relative", path: "/acquisition/absolute", message: "external file '/data/a.tiff' is an absolute path; make it relative to the NWB file's folder" },
      { importance: "violation", check: "check_image_series_external_file_relative", path: "/acquisition/absolute", message: "external file 'C:\\data\\b.tiff' is an absolute path; make it relative to the NWB file's folder" },
    ]);
    // Not written yet, the file has no folder: existence is not checked.
    expect(await found(nwbfile, "check_image_series_external_file_valid")).toEqual([]);
    const file = broken(base, "absolute.nwb", [{ op: "dataset", path: "/acquisition/movie_files/external_file", value: [path.join(tmp.dir, "frames", "a.tiff"), "frames/b.tiff"] }]);
    expect((await foundInFile(file, "check_image_series_external_file_relative")).map((m) => m.message)).toEqual([
      `external file '${path.join(tmp.dir, "frames", "a.tiff")}' is an absolute path; make it relative to the NWB file's folder`,
    ]);
    expect(await foundInFile(base, "check_image_series_external_file_relative")).toEqual([]);
  });

  it("check_image_series_starting_frame_per_external_file: one starting frame per file (critical); tsnwb refuses fewer, reading takes them", async () => {
    expect(() => new ImageSeries({ name: "x", external_file: ["a.tiff", "b.tiff"], starting_frame: [0], rate: 1 })).toThrow(/starting_frame/);
    const file = broken(base, "starting-frame.nwb", [{ op: "attr", path: "/acquisition/movie_files/external_file", name: "starting_frame", value: [0], dtype: "int32" }]);
    expect(await reading(file, (f) => f.getAcquisition("movie_files", ImageSeries).starting_frame)).toEqual([0]);
    expect(await foundInFile(file, "check_image_series_starting_frame_per_external_file")).toEqual([
      { importance: "critical", check: "check_image_series_starting_frame_per_external_file", path: "/acquisition/movie_files", message: "starting_frame has 1 entry for 2 external files" },
    ]);
    expect(await foundInFile(base, "check_image_series_starting_frame_per_external_file")).toEqual([]);
  });

  it("check_image_series_too_few_frames: one frame is an Image, not a series (suggestion)", async () => {
    const nwbfile = goodFile();
    const frames = (n: number) => ({ data: new Uint8Array(n * 16), shape: [n, 4, 4] });
    nwbfile.addAcquisition(new ImageSeries({ name: "one", description: "a single frame", data: frames(1), rate: 1 }));
    nwbfile.addAcquisition(new ImageSeries({ name: "two", description: "two frames", data: frames(2), rate: 1 }));
    expect(await found(nwbfile, "check_image_series_too_few_frames")).toEqual([
      { importance: "suggestion", check: "check_image_series_too_few_frames", path: "/acquisition/one", message: "an ImageSeries of 1 frame: store a single image as an Image (in an Images) instead" },
    ]);
    // External files: the frames are not in the file.
    expect(await foundInFile(base, "check_image_series_too_few_frames")).toEqual([]);
  });

  it("check_index_series_points_to_image: an IndexSeries indexes an Images, not an ImageSeries (violation)", async () => {
    const nwbfile = goodFile();
    const templates = new ImageSeries({ name: "templates", description: "stimuli", data: { data: new Uint8Array(2 * 16), shape: [2, 4, 4] }, rate: 1 });
    const image = new GrayscaleImage({ name: "gray", description: "a gray image", data: { data: new Uint8Array(16), shape: [4, 4] } });
    const images = new Images({ name: "images", description: "the stimuli", images: [image] });
    nwbfile.addStimulusTemplate(templates);
    nwbfile.addStimulusTemplate(images);
    nwbfile.addStimulus(new IndexSeries({ name: "legacy", description: "shown", data: [0, 1], indexed_timeseries: templates, timestamps: [0, 1] }));
    nwbfile.addStimulus(new IndexSeries({ name: "current", description: "shown", data: [0, 0], indexed_images: images, timestamps: [0, 1] }));
    expect(await found(nwbfile, "check_index_series_points_to_image")).toEqual([
      {
        importance: "violation", check: "check_index_series_points_to_image", path: "/stimulus/presentation/legacy",
        message: "indexed_timeseries (/stimulus/templates/templates) is deprecated: point indexed_images at an Images instead",
      },
    ]);
    // pynwb's legacy file, read.
    expect((await foundInFile(path.join(FIXTURES, "legacy_index.nwb"), "check_index_series_points_to_image")).map((m) => m.path)).toEqual(["/stimulus/presentation/shown"]);
  });
});

describe("storage", () => {
  /** An array that is not in memory and must not be read: the check looks at how it is stored only. */
  const unreadable = (compression: string | null) => ({
    shape: [1_000_000, 100], dtype: "float64" as const, chunks: compression ? [1000, 100] : null, compression,
    read: () => Promise.reject(new Error("the compression check must not read data")),
  });

  it("check_large_dataset_compression: large uncompressed arrays (suggestion, above 50 MB by default), without reading them", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("plain", [], { rate: 1000 }, { data: unreadable(null) }));
    nwbfile.addAcquisition(series("gzipped", [], { rate: 1000 }, { data: unreadable("gzip") }));
    nwbfile.addAcquisition(series("small", [1, 2, 3], { rate: 1000 }));
    expect(await found(nwbfile, "check_large_dataset_compression")).toEqual([
      {
        importance: "suggestion", check: "check_large_dataset_compression", path: "/acquisition/plain/data",
        message: `data is 800.0 MB and not compressed: store it with compression (H5DataIO { compression: "gzip" })`,
      },
    ]);
    expect(await found(nwbfile, "check_large_dataset_compression", { largeDatasetBytes: 1e9 })).toEqual([]);
  });

  it("check_large_dataset_compression: a file's datasets by their storage, and arrays in memory by their storage options", async () => {
    const nwbfile = goodFile();
    const samples = new Float64Array(1000).map((_, i) => i);
    nwbfile.addAcquisition(series("plain", [], { rate: 1000 }, { data: samples }));
    nwbfile.addAcquisition(series("gzipped", [], { rate: 1000 }, { data: new H5DataIO({ data: samples, compression: "gzip" }) }));
    const options = { largeDatasetBytes: 4000 };
    expect((await found(nwbfile, "check_large_dataset_compression", options)).map((m) => m.path)).toEqual(["/acquisition/plain/data"]);
    const file = await write(nwbfile, path.join(tmp.dir, "compression.nwb"));
    expect((await foundInFile(file, "check_large_dataset_compression", options)).map((m) => [m.path, m.message])).toEqual([
      ["/acquisition/plain/data", `data is 8.0 kB and not compressed: store it with compression (H5DataIO { compression: "gzip" })`],
    ]);
    expect(await foundInFile(file, "check_large_dataset_compression")).toEqual([]);
  });
});

describe("descriptions", () => {
  it("check_description_missing: objects whose type has a description have one (violation)", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("empty", [1, 2], { rate: 1 }, { description: " " }));
    nwbfile.createDevice({ name: "unnamed" });
    nwbfile.createDevice({ name: "probe", description: "silicon probe" });
    expect(await found(nwbfile, "check_description_missing")).toEqual([
      { importance: "violation", check: "check_description_missing", path: "/acquisition/empty", message: "description is empty" },
      { importance: "violation", check: "check_description_missing", path: "/general/devices/unnamed", message: "description is missing" },
    ]);
  });

  it("check_description_placeholder: no placeholder descriptions (suggestion)", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(new TimeSeries({ name: "defaulted", data: [1, 2], rate: 1, unit: "V" })); // pynwb's default, "no description"
    nwbfile.addAcquisition(series("shouting", [1, 2], { rate: 1 }, { description: "PLACEHOLDER." }));
    nwbfile.addAcquisition(series("literal", [1, 2], { rate: 1 }, { description: "Description" }));
    nwbfile.addAcquisition(series("real", [1, 2], { rate: 1 }, { description: "no description was needed: voltage" }));
    expect((await found(nwbfile, "check_description_placeholder")).map((m) => [m.importance, m.path, m.message])).toEqual([
      ["suggestion", "/acquisition/defaulted", `description "no description" is a placeholder: say what this object holds`],
      ["suggestion", "/acquisition/literal", `description "Description" is a placeholder: say what this object holds`],
      ["suggestion", "/acquisition/shouting", `description "PLACEHOLDER." is a placeholder: say what this object holds`],
    ]);
  });
});

describe("session metadata", () => {
  it("check_experimenter_form: experimenters as \"Last, First\" (suggestion)", async () => {
    const nwbfile = goodFile({ experimenter: ["Ada Lovelace", "Lovelace, Ada", "Ramón y Cajal, Santiago", "Curie, Marie S."] });
    expect(await found(nwbfile, "check_experimenter_form")).toEqual([
      { importance: "suggestion", check: "check_experimenter_form", path: "/", message: `experimenter "Ada Lovelace" is not in the form "Last, First" (or "Last, First M." or "Last, First, Middle")` },
    ]);
  });

  it("check_session_start_time_future_date: not in the future (critical)", async () => {
    const nwbfile = goodFile({ session_start_time: "2030-01-01T00:00:00+00:00" });
    expect(await found(nwbfile, "check_session_start_time_future_date", { now: new Date("2029-12-31T23:00:00Z") })).toEqual([
      { importance: "critical", check: "check_session_start_time_future_date", path: "/", message: "session_start_time 2030-01-01T00:00:00+00:00 is in the future" },
    ]);
    expect(await found(nwbfile, "check_session_start_time_future_date", { now: new Date("2030-01-01T00:00:01Z") })).toEqual([]);
    expect(await found(goodFile(), "check_session_start_time_future_date")).toEqual([]);
  });

  it("check_session_start_time_time_zone: a UTC offset (violation); tsnwb refuses a time without, reading takes it", async () => {
    expect(() => goodFile({ session_start_time: "2021-03-04T10:00:00" })).toThrow(/no UTC offset/);
    const file = noOffsetFile();
    expect(await reading(file, (f) => f.session_start_time)).toBe("2021-03-04T10:00:00");
    expect(await foundInFile(file, "check_session_start_time_time_zone")).toEqual([
      { importance: "violation", check: "check_session_start_time_time_zone", path: "/", message: "session_start_time 2021-03-04T10:00:00 has no UTC offset (e.g. +01:00 or Z): its instant is unknown" },
    ]);
    expect(await foundInFile(base, "check_session_start_time_time_zone")).toEqual([]);
    expect(await found(goodFile({ session_start_time: new Date("2021-03-04T10:00:00Z") }), "check_session_start_time_time_zone")).toEqual([]);
  });

  it("check_identifier_looks_unique: not short, a number or a common word (suggestion)", async () => {
    const messages = async (identifier: string) => (await found(goodFile({ identifier }), "check_identifier_looks_unique")).map((m) => m.message);
    expect(await messages("test")).toEqual([`identifier "test" is a common word: it should be unique across all NWB files (a UUID is)`]);
    expect(await messages("EXAMPLE_ID")).toEqual([`identifier "EXAMPLE_ID" is a common word: it should be unique across all NWB files (a UUID is)`]);
    expect(await messages("20240506")).toEqual([`identifier "20240506" is only a number: it should be unique across all NWB files (a UUID is)`]);
    expect(await messages("m1-s2")).toEqual([`identifier "m1-s2" is shorter than 8 characters: it should be unique across all NWB files (a UUID is)`]);
    expect(await messages("mouse1-session2-2024")).toEqual([]);
    expect(await messages(globalThis.crypto.randomUUID())).toEqual([]);
  });
});

describe("subject", () => {
  it("check_subject_exists: the file has a subject (violation)", async () => {
    expect(await found(goodFile({}, null), "check_subject_exists")).toEqual([
      { importance: "violation", check: "check_subject_exists", path: "/", message: "subject is missing (set one with setSubject)" },
    ]);
    expect(await found(goodFile(), "check_subject_exists")).toEqual([]);
  });

  it("check_subject_species_exists: a species (violation)", async () => {
    expect(await found(goodFile({}, { species: undefined }), "check_subject_species_exists")).toEqual([
      { importance: "violation", check: "check_subject_species_exists", path: "/general/subject", message: `species is missing (e.g. "Mus musculus")` },
    ]);
    expect(await found(goodFile(), "check_subject_species_exists")).toEqual([]);
  });

  it("check_subject_sex: one of M, F, O, U (violation)", async () => {
    const messages = async (subject: ConstructorParameters<typeof Subject>[0]) => (await found(goodFile({}, subject), "check_subject_sex")).map((m) => [m.importance, m.message]);
    expect(await messages({ sex: undefined })).toEqual([["violation", "sex is missing"]]);
    expect(await messages({ sex: "male" })).toEqual([["violation", `sex "male" is not one of M, F, O, U`]]);
    for (const sex of ["M", "F", "O", "U"]) expect(await messages({ sex })).toEqual([]);
    expect(await messages({ species: "Caenorhabditis elegans", sex: "XX" })).toEqual([]);
    expect(await messages({ species: "Caenorhabditis elegans", sex: "F" })).toEqual([["violation", `sex "F" is not one of XO, XX`]]);
  });

  it("check_subject_age: an ISO 8601 duration, or a date_of_birth (violation)", async () => {
    const messages = async (subject: ConstructorParameters<typeof Subject>[0]) => (await found(goodFile({}, subject), "check_subject_age")).map((m) => [m.importance, m.path, m.message]);
    expect(await messages({ age: undefined })).toEqual([["violation", "/general/subject", "age is missing, and so is date_of_birth"]]);
    expect(await messages({ age: "90 days" })).toEqual([["violation", "/general/subject", `age "90 days" is not an ISO 8601 duration such as "P90D" (90 days) or "P2Y" (2 years)`]]);
    expect(await messages({ age: "P" })).toHaveLength(1);
    for (const age of ["P90D", "P2Y3M", "PT12H", "P1D/P3D", "P90Y/"]) expect(await messages({ age })).toEqual([]);
    expect(await messages({ age: undefined, date_of_birth: "2020-01-01T00:00:00+00:00" })).toEqual([]);
  });
});

describe("tables", () => {
  it("check_empty_table: a table has rows (violation)", async () => {
    const nwbfile = goodFile();
    nwbfile.createTimeIntervals("empty_intervals", "intervals never filled");
    nwbfile.addTrial({ start_time: 0, stop_time: 1 });
    expect(await found(nwbfile, "check_empty_table")).toEqual([
      { importance: "violation", check: "check_empty_table", path: "/intervals/empty_intervals", message: "the table has no rows" },
    ]);
  });

  it("check_ids_unique: a table's ids are unique (critical), in memory and read", async () => {
    const nwbfile = goodFile();
    const table = new DynamicTable({ name: "conditions", description: "experimental conditions" });
    table.addColumn({ name: "contrast", description: "stimulus contrast" });
    table.addRow({ contrast: 0.5 }, { id: 7 }).addRow({ contrast: 1 }, { id: 7 }).addRow({ contrast: 0.1 }, { id: 8 });
    nwbfile.addAcquisition(table);
    nwbfile.addTrial({ start_time: 0, stop_time: 1 });
    nwbfile.addTrial({ start_time: 1, stop_time: 2 });
    const expected = [{ importance: "critical", check: "check_ids_unique", path: "/acquisition/conditions", message: "ids are not unique: 7 appears more than once" }];
    expect(await found(nwbfile, "check_ids_unique")).toEqual(expected);
    // Written on purpose with ids the NWB Inspector (and pynwb's) calls critical, to read the check back.
    exemptFromOracle(path.join(tmp.dir, "ids.nwb"), { inspect: "check_ids_unique" });
    const file = await write(nwbfile, path.join(tmp.dir, "ids.nwb"));
    expect(await foundInFile(file, "check_ids_unique")).toEqual(expected);
  });
});

describe("shared fixtures", () => {
  const files = [
    ...readdirSync(FIXTURES).filter((f) => f.endsWith(".nwb")).map((f) => path.join(FIXTURES, f)),
    ...readdirSync(path.join(SHARED, "fixtures", "domains")).filter((f) => f.endsWith(".nwb")).map((f) => path.join(SHARED, "fixtures", "domains", f)),
  ];

  it("give no critical message, but pynwb's tutorial's external files, which the fixture folder does not hold", async () => {
    expect(files.length).toBe(8); // 4 of pynwb, 4 of the domains
    for (const file of files) {
      const critical = await inspectFile(file, { level: "critical" });
      if (path.basename(file) !== "tutorial.nwb") {
        expect(critical, file).toEqual([]);
        continue;
      }
      expect(critical.map((m) => [m.check, m.path, m.message])).toEqual([1, 2, 3].map((i) => [
        "check_image_series_external_file_valid", "/acquisition/ExternalFiles", `external file 'image/file_${i}.tiff' does not exist (looked in ${FIXTURES})`,
      ]));
      // With its files beside it, none.
      const folder = path.join(tmp.dir, "tutorial");
      mkdirSync(path.join(folder, "image"), { recursive: true });
      copyFileSync(file, path.join(folder, "tutorial.nwb"));
      for (const i of [1, 2, 3]) writeFileSync(path.join(folder, "image", `file_${i}.tiff`), "");
      expect(await inspectFile(path.join(folder, "tutorial.nwb"), { level: "critical" })).toEqual([]);
    }
  });
});

describe("the browser bundle", () => {
  it("holds the inspector without Node modules (Node's entry adds the file system)", async () => {
    const { build } = await import("esbuild");
    const result = await build({
      stdin: { contents: `export { inspect } from ${JSON.stringify(path.join(ROOT, "src", "validation", "inspector.ts"))};`, resolveDir: ROOT, loader: "ts" },
      bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/(from\s+|require\()"node:/);
    expect(code).not.toContain("HDF5_SIGNATURE"); // nwb-io.ts, tsnwb's Node I/O
  });
});

/** Runs `inspect ARGS` through a commander program holding only the command; gives what it printed and its exit code. */
async function runInspectCommand(args: string[]): Promise<{ out: string; exitCode: number }> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  addInspectCommand(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void lines.push(parts.join(" ")));
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(["inspect", ...args], { from: "user" });
    return { out: lines.join("\n"), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    log.mockRestore();
    process.exitCode = previous;
  }
}

describe("the inspect command", () => {
  it("prints each file's messages as IMPORTANCE  path  check: message; exit code 1 when any is at or above --level", async () => {
    const file = negativeRateFile();
    const { out, exitCode } = await runInspectCommand([base, file]);
    expect(exitCode).toBe(1);
    expect(out.split("\n")).toEqual([
      `${base}: no messages at level suggestion or above`,
      `${file}: 1 message at level suggestion or above`,
      "  CRITICAL    /acquisition/rated  check_rate_is_positive: rate is negative (-10 Hz)",
    ]);
  });

  it("exits 0 when nothing is at or above --level", async () => {
    const file = path.join(FIXTURES, "legacy_index.nwb"); // violations and suggestions only
    expect((await runInspectCommand(["--level", "critical", file])).exitCode).toBe(0);
    expect((await runInspectCommand(["--level", "violation", file])).exitCode).toBe(1);
  });

  it("--json prints one array of { file, messages }", async () => {
    const file = noOffsetFile();
    const { out, exitCode } = await runInspectCommand(["--json", "--level", "violation", file]);
    expect(exitCode).toBe(1);
    expect(JSON.parse(out)).toEqual([{ file, messages: [{ importance: "violation", check: "check_session_start_time_time_zone", path: "/", message: expect.stringContaining("no UTC offset") }] }]);
  });

  it("refuses an unknown --level", async () => {
    await expect(runInspectCommand(["--level", "bad", base])).rejects.toThrow(/Allowed choices are critical, violation, suggestion/);
  });
});

// Once main.ts registers the command, the built CLI is tested as a user runs it.
const MAIN = path.join(ROOT, "dist", "cli", "main.js");
const cliHasInspect = /^\s+inspect\b/m.test(spawnSync(process.execPath, [MAIN, "--help"], { encoding: "utf8" }).stdout ?? "");

describe("tsnwb inspect (the built CLI)", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, "inspect", ...args], { encoding: "utf8" });

  it.skipIf(!cliHasInspect)("exits 1 on a file with a message at or above --level, 0 otherwise", () => {
    const bad = run(negativeRateFile());
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("CRITICAL    /acquisition/rated  check_rate_is_positive: rate is negative (-10 Hz)");
    const clean = run("--level", "critical", path.join(FIXTURES, "compressed.nwb"));
    expect([clean.status, clean.stdout.trim()]).toEqual([0, `${path.join(FIXTURES, "compressed.nwb")}: no messages at level critical or above`]);
    const json = run("--json", base);
    expect([json.status, JSON.parse(json.stdout)]).toEqual([0, [{ file: base, messages: [] }]]);
  });

  it.skipIf(!cliHasInspect)("exits 2 on a file that is not HDF5", () => {
    const notNWB = path.join(tmp.dir, "not-nwb.nwb");
    writeFileSync(notNWB, "hello");
    const r = run(notNWB);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^tsnwb: /);
  });
});
