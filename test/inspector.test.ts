/**
 * The best-practice inspector (src/validation/inspector.ts, checks in src/validation/checks/) and `tsnwb inspect`:
 * checks on objects or files that trip them and on ones that do not, configurations, skip/select/threshold, the
 * command. (test/inspector-parity.test.ts compares every check with the NWB Inspector itself.) What tsnwb refuses to build (a negative rate, NaN timestamps, a time without
 * a UTC offset...) is made with h5py from a file tsnwb wrote (test/py/inspector_cases.py); reading takes such files
 * as stored, which these tests assert too. Every shared fixture gives no critical message but the missing
 * external files of pynwb's tutorial.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  DynamicTable, ImageReferences, ImageSeries, Images, IndexSeries, GrayscaleImage, NWBFile, NWBHDF5IO, type NWBWarning, Subject, TimeSeries,
  ValidationError, setWarningHandler,
} from "../src/index.js";
import { type InspectionMessage, type InspectOptions, INSPECTOR_CHECKS, TSNWB_EXTRA_CHECKS } from "../src/validation/inspector.js";
import { inspect, inspectFile, inspectFiles } from "../src/validation/inspect-file.js";
import { inspectAcrossFiles } from "../src/validation/across-files.js";
import { addInspectCommand } from "../src/cli/inspect-command.js";
import { FIXTURES, ROOT, tempFolder } from "./helpers.js";
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
    experiment_description: "voltage recordings to inspect",
    institution: "Analytical Engines Institute",
    keywords: ["inspection"],
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

/** A message in brief: importance, check, path, message. */
interface Brief { importance: string; check: string; path: string; message: string }
const brief = (m: InspectionMessage): Brief => ({ importance: m.importance, check: m.check_function_name, path: m.path, message: m.message });

/** The messages of one check, in brief. */
async function found(nwbfile: NWBFile, check: string, options: InspectOptions = {}): Promise<Brief[]> {
  return (await inspect(nwbfile, options)).filter((m) => m.check_function_name === check).map(brief);
}

async function foundInFile(file: string, check: string, options: InspectOptions = {}): Promise<Brief[]> {
  return (await inspectFile(file, options)).filter((m) => m.check_function_name === check).map(brief);
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

  it("lists every check once, with an importance and what it checks; tsnwb's own are marked extra", () => {
    const ids = INSPECTOR_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of INSPECTOR_CHECKS) {
      expect(c.id).toMatch(/^check_[a-z0-9_]+$/);
      expect(["CRITICAL", "BEST_PRACTICE_VIOLATION", "BEST_PRACTICE_SUGGESTION"]).toContain(c.importance);
      expect(c.what.length).toBeGreaterThan(0);
    }
    expect(TSNWB_EXTRA_CHECKS).toEqual([
      "check_rate_is_positive", "check_image_series_starting_frame_per_external_file", "check_image_series_external_file_frames", "check_image_series_too_few_frames",
      "check_order_of_images_covers_images", "check_table_columns_match_ids", "check_table_index_valid", "check_dynamic_table_region_in_table",
      "check_session_start_time_time_zone", "check_identifier_looks_unique",
    ]);
  });

  it("gives the NWB Inspector's fields: importance, severity, check_function_name, object_type, object_name, location; and the path", async () => {
    const nwbfile = goodFile({}, null);
    nwbfile.addAcquisition(series("backwards", [1, 2, 3, 4], { timestamps: [0, 2, 1, 3] }));
    expect((await inspect(nwbfile)).find((m) => m.check_function_name === "check_timestamps_ascending")).toEqual({
      message: "backwards timestamps are not ascending.", importance: "BEST_PRACTICE_VIOLATION", severity: "LOW", check_function_name: "check_timestamps_ascending",
      object_type: "TimeSeries", object_name: "backwards", location: "/acquisition/backwards", path: "/acquisition/backwards",
    });
  });

  it("reports most important first; `threshold` keeps that importance and higher ones", async () => {
    const nwbfile = goodFile({ identifier: "test" }, null); // two suggestions
    nwbfile.addAcquisition(series("backwards", [1, 2, 3], { timestamps: [0, 2, 1, 3] })); // critical and violation
    const all = await inspect(nwbfile);
    expect(all.map((m) => [m.importance, m.check_function_name])).toEqual([
      ["CRITICAL", "check_timestamps_match_first_dimension"], ["BEST_PRACTICE_VIOLATION", "check_timestamps_ascending"],
      ["BEST_PRACTICE_SUGGESTION", "check_identifier_looks_unique"], ["BEST_PRACTICE_SUGGESTION", "check_subject_exists"],
    ]);
    expect((await inspect(nwbfile, { threshold: "BEST_PRACTICE_VIOLATION" })).map((m) => m.check_function_name)).toEqual(["check_timestamps_match_first_dimension", "check_timestamps_ascending"]);
    expect((await inspect(nwbfile, { threshold: "CRITICAL" })).map((m) => m.check_function_name)).toEqual(["check_timestamps_match_first_dimension"]);
    await expect(inspect(nwbfile, { threshold: "bad" as "CRITICAL" })).rejects.toThrow(/field 'threshold': expected one of CRITICAL, BEST_PRACTICE_VIOLATION, BEST_PRACTICE_SUGGESTION/);
  });

  it("skip and select choose checks by name (not both); unknown names are refused", async () => {
    const nwbfile = goodFile({ identifier: "test" }, null);
    const names = async (options: InspectOptions) => (await inspect(nwbfile, options)).map((m) => m.check_function_name);
    expect(await names({})).toEqual(["check_identifier_looks_unique", "check_subject_exists"]);
    expect(await names({ skip: ["check_subject_exists"] })).toEqual(["check_identifier_looks_unique"]);
    expect(await names({ select: ["check_subject_exists"] })).toEqual(["check_subject_exists"]);
    await expect(inspect(nwbfile, { skip: ["check_nothing"] })).rejects.toThrow(/field 'skip': expected names of checks \(INSPECTOR_CHECKS\), got check_nothing/);
    await expect(inspect(nwbfile, { skip: [], select: [] })).rejects.toThrow(/either 'skip' or 'select'/);
  });

  it("config: the dandi configuration makes the subject checks critical and data orientation a violation; a configuration may skip", async () => {
    const nwbfile = goodFile({}, { sex: undefined });
    nwbfile.addAcquisition(series("wide", [], { rate: 1 }, { data: { data: new Float64Array(20), shape: [2, 10] } }));
    const pairs = async (options: InspectOptions) => (await inspect(nwbfile, options)).map((m) => [m.importance, m.check_function_name]);
    expect(await pairs({})).toEqual([["CRITICAL", "check_data_orientation"], ["BEST_PRACTICE_SUGGESTION", "check_subject_sex"]]);
    expect(await pairs({ config: "dandi" })).toEqual([["CRITICAL", "check_subject_sex"], ["BEST_PRACTICE_VIOLATION", "check_data_orientation"]]);
    expect(await pairs({ config: { SKIP: ["check_data_orientation"] } })).toEqual([["BEST_PRACTICE_SUGGESTION", "check_subject_sex"]]);
    await expect(inspect(nwbfile, { config: "nih" })).rejects.toThrow(/field 'config': expected the name of a known configuration \(dandi\)/);
    // An in vitro file (subject_id "protein...") skips the subject checks a configuration makes critical, as the NWB Inspector.
    const protein = goodFile({}, { subject_id: "protein-1", sex: undefined });
    expect((await inspect(protein, { config: "dandi" })).map((m) => m.check_function_name)).toEqual([]);
    expect((await inspect(protein)).map((m) => m.check_function_name)).toEqual(["check_subject_sex"]);
  });

  it("names objects built in memory by where they will be in the file; locations as the NWB Inspector's", async () => {
    const nwbfile = goodFile({}, { species: undefined });
    nwbfile.createDevice({ name: "probe" });
    const module = nwbfile.createProcessingModule({ name: "behavior", description: "processed behavior" });
    module.add(series("speed", [1, 2], { rate: 1 }, { description: "" }));
    const rows = (await inspect(nwbfile)).map((m) => [m.check_function_name, m.path, m.location]);
    expect(rows).toEqual(expect.arrayContaining([
      ["check_description", "/general/devices/probe", "/general/devices/probe"],
      ["check_subject_species_exists", "/general/subject", "/general/subject"],
      ["check_description", "/processing/behavior/speed", "/processing/behavior/speed"],
    ]));
    // A table has no dataset of its own (its columns are typed): the NWB Inspector gives it no location.
    nwbfile.createTimeIntervals("empty_intervals", "intervals never filled");
    expect((await inspect(nwbfile)).find((m) => m.check_function_name === "check_empty_table")).toMatchObject({ path: "/intervals/empty_intervals", location: null });
  });
});

describe("TimeSeries timing", () => {
  it("check_timestamps_match_first_dimension: as many timestamps as samples (critical)", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("short", [1, 2, 3], { timestamps: [0, 1, 2, 3] }));
    nwbfile.addAcquisition(series("same", [1, 2, 3], { timestamps: [0, 1, 2.5] }));
    expect(warnings.some((w) => w.object === "TimeSeries 'short'")).toBe(true); // tsnwb only warns when building it
    expect(await found(nwbfile, "check_timestamps_match_first_dimension")).toEqual([
      { importance: "CRITICAL", check: "check_timestamps_match_first_dimension", path: "/acquisition/short", message: "The length of the first dimension of data (3) does not match the length of timestamps (4)." },
    ]);
    // External files leave data empty (0 frames): not a mismatch.
    expect(await foundInFile(base, "check_timestamps_match_first_dimension")).toEqual([]);
  });

  it("check_timestamps_ascending: timestamps never go back (violation); equal ones are allowed", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("backwards", [1, 2, 3, 4], { timestamps: [0, 2, 1, 3] }));
    nwbfile.addAcquisition(series("repeated", [1, 2, 3, 4], { timestamps: [0, 1, 1, 2] }));
    expect(await found(nwbfile, "check_timestamps_ascending")).toEqual([
      { importance: "BEST_PRACTICE_VIOLATION", check: "check_timestamps_ascending", path: "/acquisition/backwards", message: "backwards timestamps are not ascending." },
    ]);
  });

  it("check_timestamps_without_nans: no NaN timestamps (violation); tsnwb refuses them, reading takes them", async () => {
    expect(() => series("nan", [1, 2], { timestamps: [0, Number.NaN] })).toThrow(ValidationError);
    const file = broken(base, "nan.nwb", [{ op: "dataset", path: "/acquisition/timed/timestamps", value: [0, "NaN", 0.2, 0.3] }]);
    const read = await reading(file, async (f) => Array.from((await f.getAcquisition("timed", TimeSeries).timestamps!.read()) as Float64Array));
    expect(read).toEqual([0, Number.NaN, 0.2, 0.3]);
    expect(await foundInFile(file, "check_timestamps_without_nans")).toEqual([
      { importance: "BEST_PRACTICE_VIOLATION", check: "check_timestamps_without_nans", path: "/acquisition/timed", message: "timed timestamps contain NaN values." },
    ]);
    // NaNs are left out of the order.
    expect(await foundInFile(file, "check_timestamps_ascending")).toEqual([]);
    expect(await foundInFile(base, "check_timestamps_without_nans")).toEqual([]);
  });

  it("check_regular_timestamps: evenly spaced timestamps (3 or more) could be a rate (violation)", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("even", [1, 2, 3, 4], { timestamps: [0.5, 0.6, 0.7, 0.8] }));
    nwbfile.addAcquisition(series("uneven", [1, 2, 3, 4], { timestamps: [0, 0.1, 0.25, 0.3] }));
    nwbfile.addAcquisition(series("two", [1, 2], { timestamps: [0, 1] }));
    expect((await found(nwbfile, "check_regular_timestamps")).map((m) => [m.importance, m.path])).toEqual([["BEST_PRACTICE_VIOLATION", "/acquisition/even"]]);
  });

  it("check_timestamp_of_the_first_sample_is_not_negative (suggestion)", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("early", [1, 2], { timestamps: [-1, 0] }));
    nwbfile.addAcquisition(series("rated_early", [1, 2], { rate: 1 }, { starting_time: -0.5 }));
    expect((await found(nwbfile, "check_timestamp_of_the_first_sample_is_not_negative")).map((m) => m.path)).toEqual(["/acquisition/early", "/acquisition/rated_early"]);
  });
});

describe("TimeSeries rate", () => {
  it("tsnwb refuses a rate of 0 (for more than one sample) or below; reading takes it as stored", async () => {
    for (const rate of [0, -10]) expect(() => series("bad", [1, 2], { rate })).toThrow(/field 'rate': expected a (rate above 0 Hz|number of samples per second, 0 or more)/);
    const file = negativeRateFile();
    expect(await reading(file, (f) => f.getAcquisition("rated", TimeSeries).rate)).toBe(-10);
  });

  it("check_rate_is_not_zero: a rate of 0 for more than one sample (critical)", async () => {
    const zero = broken(base, "zero-rate.nwb", [{ op: "attr", path: "/acquisition/rated/starting_time", name: "rate", value: 0 }]);
    expect(await foundInFile(zero, "check_rate_is_not_zero")).toEqual([
      { importance: "CRITICAL", check: "check_rate_is_not_zero", path: "/acquisition/rated", message: "rated has a sampling rate value of 0.0Hz but the series has more than one frame." },
    ]);
    expect(await foundInFile(zero, "check_rate_is_positive")).toEqual([]);
    expect(await foundInFile(base, "check_rate_is_not_zero")).toEqual([]);
    // One sample needs no rate.
    const single = broken(zero, "zero-rate-one-sample.nwb", [{ op: "dataset", path: "/acquisition/rated/data", value: [1.0] }]);
    expect(await foundInFile(single, "check_rate_is_not_zero")).toEqual([]);
  });

  it("check_rate_is_positive (tsnwb's): a negative rate (critical)", async () => {
    const file = negativeRateFile();
    expect(await foundInFile(file, "check_rate_is_positive")).toEqual([
      { importance: "CRITICAL", check: "check_rate_is_positive", path: "/acquisition/rated", message: "rate is negative (-10 Hz)" },
    ]);
    expect(await foundInFile(base, "check_rate_is_positive")).toEqual([]);
  });
});

describe("ImageSeries, Images and IndexSeries", () => {
  it("check_image_series_external_file_valid: relative external files exist beside the NWB file (critical)", async () => {
    const elsewhere = path.join(tmp.dir, "elsewhere");
    mkdirSync(elsewhere);
    const moved = path.join(elsewhere, "moved.nwb");
    copyFileSync(base, moved);
    mkdirSync(path.join(elsewhere, "frames"));
    writeFileSync(path.join(elsewhere, "frames", "a.tiff"), "");
    expect(await foundInFile(moved, "check_image_series_external_file_valid")).toEqual([
      { importance: "CRITICAL", check: "check_image_series_external_file_valid", path: "/acquisition/movie_files", message: "The external file 'frames/b.tiff' does not exist. Please confirm the relative location to the NWBFile." },
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
    expect((await found(nwbfile, "check_image_series_external_file_relative")).map((m) => [m.importance, m.path, m.message])).toEqual([
      ["BEST_PRACTICE_VIOLATION", "/acquisition/absolute", "The external file '/data/a.tiff' is not a relative path. Please adjust the absolute path to be relative to the location of the NWBFile."],
      ["BEST_PRACTICE_VIOLATION", "/acquisition/absolute", "The external file 'C:\\data\\b.tiff' is not a relative path. Please adjust the absolute path to be relative to the location of the NWBFile."],
    ]);
    // Not written yet, the file has no folder: existence is not checked.
    expect(await found(nwbfile, "check_image_series_external_file_valid")).toEqual([]);
    expect(await foundInFile(base, "check_image_series_external_file_relative")).toEqual([]);
  });

  it("check_image_series_starting_frame_per_external_file (tsnwb's): one starting frame per file (critical); tsnwb refuses fewer, reading takes them", async () => {
    expect(() => new ImageSeries({ name: "x", external_file: ["a.tiff", "b.tiff"], starting_frame: [0], rate: 1 })).toThrow(/starting_frame/);
    const file = broken(base, "starting-frame.nwb", [{ op: "attr", path: "/acquisition/movie_files/external_file", name: "starting_frame", value: [0], dtype: "int32" }]);
    expect(await reading(file, (f) => f.getAcquisition("movie_files", ImageSeries).starting_frame)).toEqual([0]);
    expect(await foundInFile(file, "check_image_series_starting_frame_per_external_file")).toEqual([
      { importance: "CRITICAL", check: "check_image_series_starting_frame_per_external_file", path: "/acquisition/movie_files", message: "starting_frame has 1 entry for 2 external files" },
    ]);
    const backwards = broken(base, "starting-frame-back.nwb", [{ op: "attr", path: "/acquisition/movie_files/external_file", name: "starting_frame", value: [3, 0], dtype: "int32" }]);
    expect((await foundInFile(backwards, "check_image_series_starting_frame_per_external_file")).map((m) => m.message)).toEqual([
      "starting_frame goes back at entry 1 (3 then 0): each file's frames follow the previous file's",
    ]);
    expect(await foundInFile(base, "check_image_series_starting_frame_per_external_file")).toEqual([]);
  });

  it("check_image_series_external_file_frames (tsnwb's): each external file holds the frames starting_frame gives it (critical)", async () => {
    const folder = path.join(tmp.dir, "frames-count");
    mkdirSync(folder);
    const { default: sharp } = await import("sharp");
    await sharp(new Uint8Array(8 * 18), { raw: { width: 8, height: 18, channels: 1, pageHeight: 6 } }).tiff().toFile(path.join(folder, "stack.tiff")); // 3 pages
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=25", "-frames:v", "30", "-pix_fmt", "yuv420p", path.join(folder, "clip.mp4")]);
    const nwbfile = goodFile();
    const external = (name: string, starting_frame: number[], timing: { rate: number } | { timestamps: number[] }) =>
      new ImageSeries({ name, description: "camera", external_file: ["stack.tiff", "clip.mp4"], starting_frame, ...timing });
    nwbfile.addAcquisition(external("right", [0, 3], { rate: 25 }));
    nwbfile.addAcquisition(external("short", [0, 2], { rate: 25 }));
    nwbfile.addAcquisition(external("timed", [0, 3], { timestamps: Array.from({ length: 20 }, (_, i) => i / 25) }));
    const file = await write(nwbfile, path.join(folder, "external.nwb"));
    expect((await foundInFile(file, "check_image_series_external_file_frames")).map((m) => [m.importance, m.path, m.message])).toEqual([
      ["CRITICAL", "/acquisition/short", "external file 'stack.tiff' holds 3 frames, but starting_frame gives it 2 frames (0 to 2)"],
      ["CRITICAL", "/acquisition/timed", "the external files hold 33 frames, but there are 20 timestamps"],
    ]);
    // Without a file system (a browser), or for files it cannot read, nothing is said.
    expect(await foundInFile(file, "check_image_series_external_file_frames", { frameCount: async () => undefined })).toEqual([]);
    expect(await foundInFile(base, "check_image_series_external_file_frames")).toEqual([]); // empty stand-in files
  });

  it("check_image_series_too_few_frames (tsnwb's): one frame is an Image, not a series (suggestion)", async () => {
    const nwbfile = goodFile();
    const frames = (n: number) => ({ data: new Uint8Array(n * 16), shape: [n, 4, 4] });
    nwbfile.addAcquisition(new ImageSeries({ name: "one", description: "a single frame", data: frames(1), rate: 1 }));
    nwbfile.addAcquisition(new ImageSeries({ name: "two", description: "two frames", data: frames(2), rate: 1 }));
    expect(await found(nwbfile, "check_image_series_too_few_frames")).toEqual([
      { importance: "BEST_PRACTICE_SUGGESTION", check: "check_image_series_too_few_frames", path: "/acquisition/one", message: "an ImageSeries of 1 frame: store a single image as an Image (in an Images) instead" },
    ]);
    expect(await foundInFile(base, "check_image_series_too_few_frames")).toEqual([]);
  });

  it("check_index_series_points_to_image: an IndexSeries indexes an Images, not an ImageSeries (violation)", async () => {
    const nwbfile = goodFile();
    const templates = new ImageSeries({ name: "templates", description: "stimuli", data: { data: new Uint8Array(5 * 16), shape: [5, 4, 4] }, rate: 1 });
    const image = new GrayscaleImage({ name: "gray", description: "a gray image", data: { data: new Uint8Array(16), shape: [4, 4] } });
    const images = new Images({ name: "images", description: "the stimuli", images: [image] });
    nwbfile.addStimulusTemplate(templates);
    nwbfile.addStimulusTemplate(images);
    nwbfile.addStimulus(new IndexSeries({ name: "legacy", description: "shown", data: [0, 1], indexed_timeseries: templates, timestamps: [0, 1] }));
    nwbfile.addStimulus(new IndexSeries({ name: "current", description: "shown", data: [0, 0], indexed_images: images, timestamps: [0, 1] }));
    expect((await found(nwbfile, "check_index_series_points_to_image")).map((m) => [m.importance, m.path])).toEqual([["BEST_PRACTICE_VIOLATION", "/stimulus/presentation/legacy"]]);
    expect((await foundInFile(path.join(FIXTURES, "legacy_index.nwb"), "check_index_series_points_to_image")).map((m) => m.path)).toEqual(["/stimulus/presentation/shown"]);
  });

  it("check_order_of_images_covers_images (tsnwb's): order_of_images orders every image of its Images (violation)", async () => {
    const nwbfile = goodFile();
    const gray = (name: string) => new GrayscaleImage({ name, description: "a gray image", data: { data: new Uint8Array(16), shape: [4, 4] } });
    const [a, b] = [gray("a"), gray("b")];
    const images = new Images({ name: "images", description: "the stimuli", images: [a, b], order_of_images: new ImageReferences({ data: [a] }) });
    nwbfile.addStimulusTemplate(images);
    expect((await found(nwbfile, "check_order_of_images_covers_images")).map((m) => [m.importance, m.path, m.message])).toEqual([
      ["BEST_PRACTICE_VIOLATION", "/stimulus/templates/images", "order_of_images leaves out 'b': it should order every image"],
    ]);
    expect((await found(nwbfile, "check_order_of_images_len")).map((m) => m.message)).toEqual(["Length of order_of_images (1) does not match the number of images (2)."]);
  });
});

describe("storage", () => {
  /** An array that is not in memory and must not be read: the check looks at how it is stored only. */
  const unreadable = (compression: string | null) => ({
    shape: [1_000_000, 100], dtype: "float64" as const, chunks: compression ? [1000, 100] : null, compression,
    read: () => Promise.reject(new Error("the compression check must not read data")),
  });

  it("check_small_dataset_compression: uncompressed datasets of 50 MB to 20 GB (suggestion), without reading them", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("plain", [], { rate: 1000 }, { data: unreadable(null) }));
    nwbfile.addAcquisition(series("gzipped", [], { rate: 1000 }, { data: unreadable("gzip") }));
    nwbfile.addAcquisition(series("small", [1, 2, 3], { rate: 1000 }));
    expect(await found(nwbfile, "check_small_dataset_compression")).toEqual([
      { importance: "BEST_PRACTICE_SUGGESTION", check: "check_small_dataset_compression", path: "/acquisition/plain", message: "data is not compressed. Consider enabling compression when writing a dataset." },
    ]);
    expect(await found(nwbfile, "check_large_dataset_compression")).toEqual([]);
  });

  it("check_large_dataset_compression (violation) and check_image_series_data_size (violation): uncompressed datasets over 20 GB", async () => {
    const huge = (compression: string | null) => ({
      shape: [100_000, 512, 512], dtype: "uint8" as const, chunks: compression ? [1, 512, 512] : null, compression,
      read: () => Promise.reject(new Error("these checks must not read data")),
    });
    const nwbfile = goodFile();
    nwbfile.addAcquisition(new ImageSeries({ name: "movie", description: "a long movie", data: huge(null), rate: 30 }));
    nwbfile.addAcquisition(new ImageSeries({ name: "packed", description: "a long movie, compressed", data: huge("gzip"), rate: 30 }));
    expect((await inspect(nwbfile)).map((m) => [m.importance, m.severity, m.check_function_name, m.path])).toEqual([
      ["BEST_PRACTICE_VIOLATION", "HIGH", "check_large_dataset_compression", "/acquisition/movie"],
      ["BEST_PRACTICE_VIOLATION", "LOW", "check_image_series_data_size", "/acquisition/movie"],
    ]);
  });
});

describe("descriptions", () => {
  it("check_description: objects with a description have one, not a placeholder (suggestion)", async () => {
    const nwbfile = goodFile();
    nwbfile.addAcquisition(series("empty", [1, 2], { rate: 1 }, { description: " " }));
    nwbfile.createDevice({ name: "unnamed" });
    nwbfile.createDevice({ name: "probe", description: "silicon probe" });
    nwbfile.addAcquisition(new TimeSeries({ name: "defaulted", data: [1, 2], rate: 1, unit: "V" })); // pynwb's default, "no description"
    nwbfile.addAcquisition(series("shouting", [1, 2], { rate: 1 }, { description: "PLACEHOLDER." }));
    nwbfile.addAcquisition(series("real", [1, 2], { rate: 1 }, { description: "no description was needed: voltage" }));
    expect((await found(nwbfile, "check_description")).map((m) => [m.importance, m.path, m.message])).toEqual([
      ["BEST_PRACTICE_SUGGESTION", "/acquisition/defaulted", "Description ('no description') is a placeholder."],
      ["BEST_PRACTICE_SUGGESTION", "/acquisition/empty", "Description is missing."],
      ["BEST_PRACTICE_SUGGESTION", "/acquisition/shouting", "Description ('PLACEHOLDER.') is a placeholder."],
      ["BEST_PRACTICE_SUGGESTION", "/general/devices/unnamed", "Description is missing."],
    ]);
  });
});

describe("session metadata", () => {
  it("check_experimenter_form: experimenters as \"Last, First\" (suggestion)", async () => {
    const nwbfile = goodFile({ experimenter: ["Ada Lovelace", "Lovelace, Ada", "Ramón y Cajal, Santiago", "Curie, Marie S."] });
    expect((await found(nwbfile, "check_experimenter_form")).map((m) => m.message)).toEqual([
      "The name of experimenter 'Ada Lovelace' does not match any of the accepted DANDI forms: 'LastName, Firstname', 'LastName, FirstName MiddleInitial.' or 'LastName, FirstName, MiddleName'.",
    ]);
  });

  it("check_experimenter_exists, check_experiment_description, check_institution, check_keywords, check_doi_publications (suggestions)", async () => {
    const nwbfile = goodFile({ experimenter: undefined, experiment_description: undefined, institution: undefined, keywords: undefined, related_publications: ["doi:10.1/x", "a paper"] });
    expect((await inspect(nwbfile)).map((m) => [m.check_function_name, m.location])).toEqual([
      ["check_doi_publications", "/"], ["check_experiment_description", "/"], ["check_experimenter_exists", "/"], ["check_institution", "/"], ["check_keywords", "/"],
    ]);
  });

  it("check_session_start_time_future_date (critical) and check_session_start_time_old_date (suggestion), the time as Python prints it", async () => {
    const nwbfile = goodFile({ session_start_time: "2030-01-01T00:00:00+00:00" });
    expect(await found(nwbfile, "check_session_start_time_future_date", { now: new Date("2029-12-31T23:00:00Z") })).toEqual([
      { importance: "CRITICAL", check: "check_session_start_time_future_date", path: "/", message: "The session_start_time (2030-01-01 00:00:00+00:00) is set to a future date and time." },
    ]);
    expect(await found(nwbfile, "check_session_start_time_future_date", { now: new Date("2030-01-01T00:00:01Z") })).toEqual([]);
    expect(await found(goodFile(), "check_session_start_time_future_date")).toEqual([]);
    expect((await found(goodFile({ session_start_time: "1970-01-01T00:00:00.25+01:00" }), "check_session_start_time_old_date")).map((m) => [m.importance, m.message])).toEqual([
      ["BEST_PRACTICE_SUGGESTION", "The session_start_time (1970-01-01 00:00:00.250000+01:00) may not be set to the true date of the recording."],
    ]);
  });

  it("check_session_start_time_time_zone (tsnwb's): a UTC offset (violation); tsnwb refuses a time without, reading takes it", async () => {
    expect(() => goodFile({ session_start_time: "2021-03-04T10:00:00" })).toThrow(/no UTC offset/);
    const file = noOffsetFile();
    expect(await reading(file, (f) => f.session_start_time)).toBe("2021-03-04T10:00:00");
    expect(await foundInFile(file, "check_session_start_time_time_zone")).toEqual([
      { importance: "BEST_PRACTICE_VIOLATION", check: "check_session_start_time_time_zone", path: "/", message: "session_start_time 2021-03-04T10:00:00 has no UTC offset (e.g. +01:00 or Z): its instant is unknown" },
    ]);
    expect(await foundInFile(base, "check_session_start_time_time_zone")).toEqual([]);
    expect(await found(goodFile({ session_start_time: new Date("2021-03-04T10:00:00Z") }), "check_session_start_time_time_zone")).toEqual([]);
  });

  it("check_identifier_looks_unique (tsnwb's): not short, a number or a common word (suggestion)", async () => {
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
  it("check_subject_exists: the file has a subject (suggestion; critical in the dandi configuration)", async () => {
    expect(await found(goodFile({}, null), "check_subject_exists")).toEqual([
      { importance: "BEST_PRACTICE_SUGGESTION", check: "check_subject_exists", path: "/", message: "Subject is missing." },
    ]);
    expect((await found(goodFile({}, null), "check_subject_exists", { config: "dandi" })).map((m) => m.importance)).toEqual(["CRITICAL"]);
    expect(await found(goodFile(), "check_subject_exists")).toEqual([]);
  });

  it("check_subject_species_exists and check_subject_species_form (violations)", async () => {
    expect(await found(goodFile({}, { species: undefined }), "check_subject_species_exists")).toEqual([
      { importance: "BEST_PRACTICE_VIOLATION", check: "check_subject_species_exists", path: "/general/subject", message: "Subject species is missing." },
    ]);
    expect((await found(goodFile({}, { species: "mouse" }), "check_subject_species_form")).length).toBe(1);
    for (const species of ["Mus musculus", "http://purl.obolibrary.org/obo/NCBITaxon_10090"]) expect(await found(goodFile({}, { species }), "check_subject_species_form")).toEqual([]);
  });

  it("check_subject_sex: one of M, F, O, U (suggestion)", async () => {
    const messages = async (subject: ConstructorParameters<typeof Subject>[0]) => (await found(goodFile({}, subject), "check_subject_sex")).map((m) => m.message);
    expect(await messages({ sex: undefined })).toEqual(["Subject.sex is missing."]);
    expect(await messages({ sex: "male" })).toEqual(["Subject.sex should be one of: 'M' (male), 'F' (female), 'O' (other), or 'U' (unknown)."]);
    for (const sex of ["M", "F", "O", "U"]) expect(await messages({ sex })).toEqual([]);
    expect(await messages({ species: "Caenorhabditis elegans", sex: "XX" })).toEqual([]);
    expect(await messages({ species: "Caenorhabditis elegans", sex: "F" })).toEqual(["For C. elegans, Subject.sex should be 'XO' (male) or 'XX' (hermaphrodite)."]);
  });

  it("check_subject_age and check_subject_proper_age_range (suggestions)", async () => {
    const checks = async (subject: ConstructorParameters<typeof Subject>[0]) => (await inspect(goodFile({}, subject))).map((m) => m.check_function_name);
    expect(await checks({ age: undefined })).toEqual(["check_subject_age"]);
    expect(await checks({ age: "90 days" })).toEqual(["check_subject_age"]);
    for (const age of ["P90D", "P2Y3M", "PT12H", "P1D/P3D", "P90Y/"]) expect(await checks({ age })).toEqual([]);
    expect(await checks({ age: undefined, date_of_birth: "2020-01-01T00:00:00+00:00" })).toEqual([]);
    expect(await checks({ age: "P1M/P20D" })).toEqual(["check_subject_proper_age_range"]);
  });
});

describe("a check that fails on an object", () => {
  it("is reported as the NWB Inspector reports it (ERROR, the exception, no location) and the other checks go on", async () => {
    // As isodate, check_subject_proper_age_range cannot count fractional years back from a date: it throws.
    const messages = await inspect(goodFile({}, { age: "P1.5Y/P2Y", genotype: "" }));
    const failed = messages.filter((m) => m.importance === "ERROR");
    expect(failed.map((m) => [m.check_function_name, m.object_type, m.location, m.path])).toEqual([["check_subject_proper_age_range", "Subject", null, "/general/subject"]]);
    expect(failed[0]!.message.split("\n")[0]).toBe("RangeError: fractional years or months not supported for date calculations");
    expect(failed[0]!.message).toMatch(/\n\s+at /); // where it was thrown
    expect(messages[0]).toBe(failed[0]); // first, as the most important
    // The other checks of the subject, and of the other objects, ran.
    expect(messages.map((m) => m.check_function_name)).toContain("check_empty_string_for_optional_attribute");
    // A check that does not run (below the threshold) does not fail.
    expect(await inspect(goodFile({}, { age: "P1.5Y/P2Y" }), { threshold: "CRITICAL" })).toEqual([]);
  });
});

describe("empty optional text", () => {
  it("check_empty_string_for_optional_attribute: the optional text arguments of pynwb's constructors, as the NWB Inspector reads them (suggestion)", async () => {
    const nwbfile = goodFile({ lab: "", notes: "" }, { genotype: "", description: "" });
    nwbfile.createDevice({ name: "probe", description: "a probe", manufacturer: "" });
    nwbfile.addAcquisition(series("commented", [1, 2], { rate: 1 }, { comments: "" })); // comments has a default in pynwb: not looked at
    expect((await found(nwbfile, "check_empty_string_for_optional_attribute")).map((m) => [m.path, m.message.slice(0, m.message.indexOf(" is optional"))])).toEqual([
      ["/", 'The attribute "notes"'],
      ["/", 'The attribute "lab"'],
      ["/general/devices/probe", 'The attribute "manufacturer"'],
      ["/general/subject", 'The attribute "description"'],
      ["/general/subject", 'The attribute "genotype"'],
    ]);
  });
});

describe("checks across files", () => {
  const facts = [
    { file_path: "/data/s/session10.nwb", identifier: "shared" },
    { file_path: "/data/s/session2.nwb", identifier: "shared" },
    { file_path: "/data/t/it's.nwb", identifier: "shared" },
    { file_path: "/data/s/alone.nwb", identifier: "alone" },
  ];

  it("check_unique_identifiers: one CRITICAL message per identifier that files share, as the NWB Inspector's", () => {
    expect(inspectAcrossFiles(facts)).toEqual([{
      message: `The identifier 'shared' is used across the .nwb files: ["it's.nwb", 'session2.nwb', 'session10.nwb']. `
        + "The identifier of any NWBFile should be a completely unique value - we recommend using uuid4 to achieve this.",
      importance: "CRITICAL", severity: "LOW", check_function_name: "check_unique_identifiers", object_type: "NWBFile", object_name: "root",
      location: "/", path: "/", file_path: "/data",
    }]);
    expect(inspectAcrossFiles(facts, { path: "/data/" }).map((m) => m.file_path)).toEqual(["/data/"]);
    expect(inspectAcrossFiles(facts.slice(2))).toEqual([]);
  });

  it("takes skip, select, a configuration and the threshold as every check", () => {
    expect(inspectAcrossFiles(facts, { skip: ["check_unique_identifiers"] })).toEqual([]);
    expect(inspectAcrossFiles(facts, { select: ["check_keywords"] })).toEqual([]);
    expect(inspectAcrossFiles(facts, { threshold: "CRITICAL" })).toHaveLength(1);
    expect(inspectAcrossFiles(facts, { config: { BEST_PRACTICE_SUGGESTION: ["check_unique_identifiers"] }, threshold: "BEST_PRACTICE_VIOLATION" })).toEqual([]);
  });

  it("inspectFiles: a folder's files (at any depth), and the files together first", async () => {
    const folder = path.join(tmp.dir, "together");
    mkdirSync(path.join(folder, "day2"), { recursive: true });
    await write(goodFile({ identifier: "same-session" }), path.join(folder, "a.nwb"));
    await write(goodFile({ identifier: "same-session" }), path.join(folder, "day2", "b.nwb"));
    await write(goodFile({ keywords: [] }), path.join(folder, "day2", "c.nwb"));
    const messages = await inspectFiles(folder);
    expect(messages.map((m) => [m.check_function_name, m.file_path])).toEqual([
      ["check_unique_identifiers", folder],
      ["check_keywords", path.join(folder, "day2", "c.nwb")],
    ]);
    expect(messages[0]!.message).toContain("['a.nwb', 'b.nwb']");
    // One file alone: no check across files.
    expect(await inspectFiles(path.join(folder, "a.nwb"))).toEqual([]);
    const { out, exitCode } = await runInspectCommand([folder]);
    expect(exitCode).toBe(1);
    expect(out.split("\n").slice(-2)).toEqual([
      "3 files together: 1 message at BEST_PRACTICE_SUGGESTION or above",
      `  CRITICAL                  /  check_unique_identifiers: ${messages[0]!.message}`,
    ]);
    const json = JSON.parse((await runInspectCommand(["--json", folder])).out) as { messages: InspectionMessage[] };
    expect(json.messages.map((m) => m.check_function_name)).toEqual(["check_unique_identifiers", "check_keywords"]);
  });
});

describe("tables", () => {
  it("check_empty_table: a table has rows (violation); check_single_row: more than one (suggestion)", async () => {
    const nwbfile = goodFile();
    nwbfile.createTimeIntervals("empty_intervals", "intervals never filled");
    nwbfile.addTrial({ start_time: 0, stop_time: 1 });
    expect((await inspect(nwbfile)).map((m) => [m.importance, m.check_function_name, m.path])).toEqual([
      ["BEST_PRACTICE_VIOLATION", "check_empty_table", "/intervals/empty_intervals"],
      ["BEST_PRACTICE_SUGGESTION", "check_single_row", "/intervals/trials"],
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
    const expected = [{ importance: "CRITICAL", check: "check_ids_unique", path: "/acquisition/conditions", message: "This table has ids that are not unique." }];
    expect(await found(nwbfile, "check_ids_unique")).toEqual(expected);
    // Written on purpose with ids the NWB Inspector (and pynwb's) calls critical, to read the check back.
    exemptFromOracle(path.join(tmp.dir, "ids.nwb"), { inspect: "check_ids_unique" });
    const file = await write(nwbfile, path.join(tmp.dir, "ids.nwb"));
    expect(await foundInFile(file, "check_ids_unique")).toEqual(expected);
  });

  it("check_time_interval_time_columns, check_time_intervals_stop_after_start, check_table_time_columns_are_not_negative", async () => {
    const nwbfile = goodFile();
    nwbfile.addTrial({ start_time: 2, stop_time: 1 });
    nwbfile.addTrial({ start_time: -1, stop_time: 3 });
    expect((await inspect(nwbfile)).map((m) => [m.importance, m.check_function_name])).toEqual([
      ["BEST_PRACTICE_VIOLATION", "check_time_interval_time_columns"],
      ["BEST_PRACTICE_VIOLATION", "check_time_intervals_stop_after_start"],
    ]);
    const early = goodFile();
    early.addTrial({ start_time: -1, stop_time: 3 });
    early.addTrial({ start_time: 0, stop_time: 3 });
    expect((await inspect(early)).map((m) => m.check_function_name)).toEqual(["check_table_time_columns_are_not_negative"]);
  });
});

describe("tables (tsnwb's checks, as its validator's)", () => {
  it("check_table_columns_match_ids, check_table_index_valid, check_dynamic_table_region_in_table (critical); reading takes such files", async () => {
    const nwbfile = goodFile();
    nwbfile.addTrial({ start_time: 0, stop_time: 1 });
    nwbfile.addTrial({ start_time: 1, stop_time: 2 });
    nwbfile.addUnit({ spike_times: [0.1, 0.2] });
    nwbfile.addUnit({ spike_times: [0.5] });
    const source = await write(nwbfile, path.join(tmp.dir, "tables-source.nwb"));
    const checks = ["check_table_columns_match_ids", "check_table_index_valid", "check_dynamic_table_region_in_table"];
    const messages = async (file: string) => (await inspectFile(file, { select: checks })).map((m) => [m.importance, m.check_function_name, m.path, m.message]);
    expect(await messages(source)).toEqual([]);
    const file = broken(source, "tables-broken.nwb", [
      { op: "dataset", path: "/intervals/trials/stop_time", value: [1.0, 2.0, 3.0] },
      { op: "dataset", path: "/units/spike_times_index", value: [2, 1], dtype: "int64" },
    ]);
    expect(await messages(file)).toEqual([
      ["CRITICAL", "check_table_columns_match_ids", "/intervals/trials", "column 'stop_time' has 3 rows, the table has 2 ids"],
      ["CRITICAL", "check_table_index_valid", "/units/spike_times_index", "spike_times_index decreases at row 1 (1 after 2): an index must not decrease"],
    ]);
  });
});

describe("shared fixtures", () => {
  it("pynwb's tutorial names external files the fixture folder does not hold: critical, none once they are beside it", async () => {
    const file = path.join(FIXTURES, "tutorial.nwb");
    const select = ["check_image_series_external_file_valid"];
    expect((await inspectFile(file, { select })).map((m) => [m.importance, m.path, m.message])).toEqual([1, 2, 3].map((i) => [
      "CRITICAL", "/acquisition/ExternalFiles", `The external file 'image/file_${i}.tiff' does not exist. Please confirm the relative location to the NWBFile.`,
    ]));
    const folder = path.join(tmp.dir, "tutorial");
    mkdirSync(path.join(folder, "image"), { recursive: true });
    copyFileSync(file, path.join(folder, "tutorial.nwb"));
    for (const i of [1, 2, 3]) writeFileSync(path.join(folder, "image", `file_${i}.tiff`), "");
    expect(await inspectFile(path.join(folder, "tutorial.nwb"), { select })).toEqual([]);
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
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined }).version("0.0.0-test");
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
  it("prints each file's messages as IMPORTANCE  path  check: message; exit code 1 when any is at or above --threshold", async () => {
    const file = negativeRateFile();
    const { out, exitCode } = await runInspectCommand([base, file]);
    expect(exitCode).toBe(1);
    expect(out.split("\n")).toEqual([
      `${base}: no messages at BEST_PRACTICE_SUGGESTION or above`,
      `${file}: 1 message at BEST_PRACTICE_SUGGESTION or above`,
      "  CRITICAL                  /acquisition/rated  check_rate_is_positive: rate is negative (-10 Hz)",
      // The second is a copy of the first (changed by h5py): the same identifier.
      "2 files together: 1 message at BEST_PRACTICE_SUGGESTION or above",
      expect.stringMatching(/^ {2}CRITICAL {18}\/ {2}check_unique_identifiers: The identifier '.*' is used across the \.nwb files: \['base\.nwb', 'negative-rate\.nwb'\]\. /),
    ]);
  });

  it("exits 0 when nothing is at or above --threshold (--level: tsnwb's earlier names)", async () => {
    const file = path.join(FIXTURES, "legacy_index.nwb"); // a critical data orientation, violations and suggestions
    expect((await runInspectCommand(["--threshold", "CRITICAL", "--skip", "check_data_orientation", file])).exitCode).toBe(0);
    // dandi: the orientation a violation, the missing subject critical.
    expect((await runInspectCommand(["--level", "critical", "--config", "dandi", "--skip", "check_subject_exists", file])).exitCode).toBe(0);
    expect((await runInspectCommand(["--level", "critical", "--config", "dandi", file])).exitCode).toBe(1);
    expect((await runInspectCommand(["--threshold", "CRITICAL", "--select", "check_data_orientation", file])).exitCode).toBe(1);
  });

  it("--config takes a YAML file in the NWB Inspector's form", async () => {
    const config = path.join(tmp.dir, "config.yaml");
    writeFileSync(config, "SKIP:\n  - check_data_orientation\nCRITICAL:\n  - check_index_series_points_to_image\n");
    const { out } = await runInspectCommand(["--json", "--threshold", "CRITICAL", "--config", config, path.join(FIXTURES, "legacy_index.nwb")]);
    expect((JSON.parse(out) as { messages: InspectionMessage[] }).messages.map((m) => [m.importance, m.check_function_name])).toEqual([["CRITICAL", "check_index_series_points_to_image"]]);
  });

  it("--json prints the NWB Inspector's report: { header, messages } with each message's file_path", async () => {
    const file = noOffsetFile();
    const { out, exitCode } = await runInspectCommand(["--json", "--threshold", "BEST_PRACTICE_VIOLATION", file]);
    expect(exitCode).toBe(1);
    expect(JSON.parse(out)).toEqual({
      header: { Timestamp: expect.any(String), Platform: expect.any(String), tsnwb_version: "0.0.0-test" },
      messages: [{
        message: expect.stringContaining("no UTC offset"), importance: "BEST_PRACTICE_VIOLATION", severity: "LOW", check_function_name: "check_session_start_time_time_zone",
        object_type: "NWBFile", object_name: "root", location: "/", path: "/", file_path: file,
      }],
    });
  });

  it("refuses an unknown --threshold, and --skip with --select", async () => {
    await expect(runInspectCommand(["--threshold", "bad", base])).rejects.toThrow(/Allowed choices are CRITICAL, BEST_PRACTICE_VIOLATION, BEST_PRACTICE_SUGGESTION/);
    await expect(runInspectCommand(["--skip", "check_keywords", "--select", "check_keywords", base])).rejects.toThrow(/either --skip or --select/);
  });
});

// Once main.ts registers the command, the built CLI is tested as a user runs it.
const MAIN = path.join(ROOT, "dist", "cli", "main.js");
const cliHasInspect = /^\s+inspect\b/m.test(spawnSync(process.execPath, [MAIN, "--help"], { encoding: "utf8" }).stdout ?? "");

describe("tsnwb inspect (the built CLI)", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, "inspect", ...args], { encoding: "utf8" });

  it.skipIf(!cliHasInspect)("exits 1 on a file with a message at or above --threshold, 0 otherwise", () => {
    const bad = run(negativeRateFile());
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("CRITICAL                  /acquisition/rated  check_rate_is_positive: rate is negative (-10 Hz)");
    const clean = run("--threshold", "CRITICAL", "--config", "dandi", path.join(FIXTURES, "compressed.nwb"));
    expect([clean.status, clean.stdout.trim()]).toEqual([0, `${path.join(FIXTURES, "compressed.nwb")}: no messages at CRITICAL or above`]);
    const json = run("--json", base);
    expect([json.status, (JSON.parse(json.stdout) as { messages: unknown[] }).messages]).toEqual([0, []]);
  });

  it.skipIf(!cliHasInspect)("takes a folder: every .nwb file under it, and the files together (check_unique_identifiers)", () => {
    const folder = path.join(tmp.dir, "copies");
    mkdirSync(path.join(folder, "more"), { recursive: true });
    copyFileSync(base, path.join(folder, "base.nwb"));
    copyFileSync(base, path.join(folder, "more", "base-copy.nwb"));
    writeFileSync(path.join(folder, "notes.txt"), "not an NWB file");
    // (The copies' external files are not beside them: only the check across files is selected.)
    const r = run("--threshold", "CRITICAL", "--select", "check_unique_identifiers", folder);
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split("\n").slice(0, 3)).toEqual([
      `${path.join(folder, "base.nwb")}: no messages at CRITICAL or above`,
      `${path.join(folder, "more", "base-copy.nwb")}: no messages at CRITICAL or above`,
      "2 files together: 1 message at CRITICAL or above",
    ]);
    const json = JSON.parse(run("--json", "--select", "check_unique_identifiers", folder).stdout) as { messages: InspectionMessage[] };
    expect(json.messages.map((m) => [m.check_function_name, m.location, m.file_path])).toEqual([["check_unique_identifiers", "/", folder]]);
    expect(json.messages[0]!.message).toContain("['base-copy.nwb', 'base.nwb']");
  });

  it.skipIf(!cliHasInspect)("exits 2 on a file that is not HDF5; --json reports it as an ERROR message", () => {
    const notNWB = path.join(tmp.dir, "not-nwb.nwb");
    writeFileSync(notNWB, "hello");
    const r = run(notNWB);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^tsnwb: /);
    const json = run("--json", notNWB);
    expect((JSON.parse(json.stdout) as { messages: InspectionMessage[] }).messages).toEqual([expect.objectContaining({ importance: "ERROR", file_path: notNWB })]);
  });

  it.skipIf(!cliHasInspect)("many files, read by several workers: each file's messages as inspectFile gives them, in the order given", async () => {
    // 70 files: enough for a reading worker a core (32 files each); one unreadable file among them.
    const folder = path.join(tmp.dir, "many");
    mkdirSync(folder, { recursive: true });
    const sources = ["compressed.nwb", "zstack.nwb", "legacy_index.nwb"].map((f) => path.join(FIXTURES, f));
    const files = Array.from({ length: 70 }, (_, i) => path.join(folder, `${String(i).padStart(2, "0")}.nwb`));
    files.forEach((f, i) => (i === 33 ? writeFileSync(f, "not HDF5") : copyFileSync(sources[i % sources.length]!, f)));
    const r = run("--json", "--threshold", "BEST_PRACTICE_SUGGESTION", ...files);
    expect(r.status).toBe(2);
    const messages = (JSON.parse(r.stdout) as { messages: InspectionMessage[] }).messages;
    const expected: unknown[] = [];
    for (const [i, file] of files.entries()) {
      if (i === 33) expected.push(["ERROR", "During io.read()", file]);
      else for (const m of await inspectFile(file)) expected.push([m.importance, m.check_function_name, m.file_path, m.location, m.message]);
    }
    expect(expected.length).toBeGreaterThan(files.length); // every copy has findings of its own
    // First the files together: the copies of each source share its identifier.
    const together = messages.filter((m) => m.check_function_name === "check_unique_identifiers");
    expect(together).toHaveLength(sources.length);
    expect(messages.slice(together.length).map((m) => (m.importance === "ERROR" ? [m.importance, m.check_function_name, m.file_path]
      : [m.importance, m.check_function_name, m.file_path, m.location, m.message]))).toEqual(expected);
  }, 120_000);
});
