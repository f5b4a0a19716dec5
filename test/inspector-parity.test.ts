/**
 * `inspect` against the NWB Inspector (nwbinspector 0.5.2, run by the oracle in one Python process): on every shared
 * fixture and on files pynwb writes to trip its checks (test/py/inspector_trip_files.py), the (check, importance,
 * location) sets are the same, but for tsnwb's documented extra checks (TSNWB_EXTRA_CHECKS). Also with the dandi
 * configuration and a threshold; for a folder inspected whole (the checks across files); and a check that fails on
 * an object (ERROR, in both) is reported as the NWB Inspector reports it.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectFile, inspectFiles } from "../src/validation/inspect-file.js";
import { type InspectOptions, TSNWB_EXTRA_CHECKS, INSPECTOR_CHECKS } from "../src/validation/inspector.js";
import { ROOT, SHARED, tempFolder } from "./helpers.js";

const ORACLE = path.join(SHARED, "tools", "oracle");
const tmp = tempFolder("tsnwb-inspector-parity-");
afterAll(() => tmp.cleanup());

interface OracleMessage { check: string; importance: string; location: string | null; message: string; file_path: string }

/** Every .nwb file under a folder, sorted. */
function nwbFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? nwbFiles(full) : name.endsWith(".nwb") ? [full] : [];
  }).sort();
}

/** The NWB Inspector's messages per file, from one Python process. */
function oracleMessages(files: string[], args: string[] = []): Record<string, OracleMessage[]> {
  const out = execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "nwbinspector_messages.py"), ...args, ...files], { encoding: "utf8", maxBuffer: 64 << 20 });
  return JSON.parse(out) as Record<string, OracleMessage[]>;
}

const key = (m: { importance: string; location: string | null }, check: string) => `${m.importance} ${check} ${m.location}`;

const fixtures = nwbFiles(path.join(SHARED, "fixtures"));
let tripFiles: string[] = [];
let expected: Record<string, OracleMessage[]> = {};
let expectedDandi: Record<string, OracleMessage[]> = {};
let expectedFolder: OracleMessage[] = [];
let folder = "";

beforeAll(() => {
  const written = execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "inspector_trip_files.py"), tmp.dir], { encoding: "utf8" });
  tripFiles = written.trim().split("\n").map((name) => path.join(tmp.dir, name));
  expected = oracleMessages([...fixtures, ...tripFiles]);
  expectedDandi = oracleMessages([...fixtures, ...tripFiles], ["--config", "dandi", "--threshold", "BEST_PRACTICE_VIOLATION"]);
  folder = path.join(tmp.dir, "folder");
  expectedFolder = oracleMessages([folder], ["--folder"])[folder]!;
}, 120_000);

/** The (importance, check, location) sets of both, and what differs. */
async function compare(file: string, oracle: OracleMessage[], options: InspectOptions = {}): Promise<{ missing: string[]; extra: string[] }> {
  const want = new Set(oracle.map((m) => key(m, m.check)));
  const got = new Set((await inspectFile(file, options)).filter((m) => !TSNWB_EXTRA_CHECKS.includes(m.check_function_name)).map((m) => key(m, m.check_function_name)));
  return { missing: [...want].filter((k) => !got.has(k)), extra: [...got].filter((k) => !want.has(k)) };
}

describe("inspect at parity with the NWB Inspector", () => {
  it("finds the fixtures (pynwb's, the domains', the back-compatibility files)", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(29);
  });

  it("reports the same (check, importance, location) set on every shared fixture", async () => {
    for (const file of fixtures) expect(await compare(file, expected[file]!), file).toEqual({ missing: [], extra: [] });
  }, 120_000);

  it("reports the same set on files made to trip its checks", async () => {
    for (const file of tripFiles) expect(await compare(file, expected[file]!), file).toEqual({ missing: [], extra: [] });
    // tsnwb's own region check reads every row (the NWB Inspector's, the first 200, and it lets an index equal to the length pass).
    const more = tripFiles.find((f) => f.endsWith("more.nwb"))!;
    expect((await inspectFile(more, { select: ["check_dynamic_table_region_in_table"] })).map((m) => [m.importance, m.path, m.message])).toEqual([
      ["CRITICAL", "/acquisition/out_of_range/electrodes", "element 2 of electrodes is row 5 of electrodes, which has 3 rows"],
    ]);
    // The trip files trip every check but the two of datasets over 20 GB (test/inspector.test.ts tests those in memory).
    const tripped = new Set([...tripFiles.flatMap((f) => expected[f]!.map((m) => m.check)), ...expectedFolder.map((m) => m.check)]);
    expect(INSPECTOR_CHECKS.filter((c) => !c.extra && !tripped.has(c.id)).map((c) => c.id)).toEqual(["check_large_dataset_compression", "check_image_series_data_size"]);
  }, 120_000);

  it("gives the same messages word for word (Python's way of printing floats, dates, arrays and sizes)", async () => {
    for (const file of [...fixtures, ...tripFiles]) {
      const text = (m: { location: string | null; message: string }, check: string) => `${check} ${m.location} ${m.message}`;
      const want = expected[file]!.filter((m) => m.importance !== "ERROR").map((m) => text(m, m.check)).sort();
      const got = (await inspectFile(file)).filter((m) => m.importance !== "ERROR" && !TSNWB_EXTRA_CHECKS.includes(m.check_function_name)).map((m) => text(m, m.check_function_name)).sort();
      expect(got, file).toEqual(want);
    }
  }, 120_000);

  it("with the dandi configuration and a threshold, the same set too", async () => {
    for (const file of [...fixtures, ...tripFiles]) {
      expect(await compare(file, expectedDandi[file]!, { config: "dandi", threshold: "BEST_PRACTICE_VIOLATION" }), file).toEqual({ missing: [], extra: [] });
    }
  }, 120_000);

  it("inspects a folder as the NWB Inspector: every file, and the files together (identifiers unique)", async () => {
    const fileKey = (m: { importance: string; location: string | null; file_path?: string }, check: string) => `${m.file_path} ${key(m, check)}`;
    const got = (await inspectFiles(folder)).filter((m) => !TSNWB_EXTRA_CHECKS.includes(m.check_function_name));
    expect(new Set(got.map((m) => fileKey(m, m.check_function_name)))).toEqual(new Set(expectedFolder.map((m) => fileKey(m, m.check))));
    // The findings across files, word for word (files in natural order, named without their folder), and first.
    const across = (ms: { check?: string; check_function_name?: string; message: string }[]) => ms.filter((m) => (m.check ?? m.check_function_name) === "check_unique_identifiers").map((m) => m.message).sort();
    expect(across(got)).toEqual(across(expectedFolder));
    expect(across(got)).toHaveLength(2);
    expect(got.slice(0, 2).map((m) => m.check_function_name)).toEqual(["check_unique_identifiers", "check_unique_identifiers"]);
  }, 120_000);

  it("reports a check that fails on an object as the NWB Inspector: ERROR, the exception, no location; the other checks go on", async () => {
    // isodate (the NWB Inspector's) counts no fractional years back from a date: check_subject_proper_age_range fails on "P1.5Y/P2Y".
    const file = tripFiles.find((f) => f.endsWith("empty_strings.nwb"))!;
    const theirs = expected[file]!.filter((m) => m.importance === "ERROR");
    const ours = (await inspectFile(file)).filter((m) => m.importance === "ERROR");
    expect(theirs.map((m) => [m.check, m.location])).toEqual([["check_subject_proper_age_range", null]]);
    expect(ours.map((m) => [m.check_function_name, m.location, m.path])).toEqual([["check_subject_proper_age_range", null, "/general/subject"]]);
    // Python's exception and JavaScript's have other names (ValueError, RangeError), the same words.
    const words = (line: string) => line.slice(line.indexOf(": ") + 2);
    expect(words(ours[0]!.message.split("\n")[0]!)).toBe(words(theirs[0]!.message));
    // The other checks of the subject still ran.
    expect((await inspectFile(file)).filter((m) => m.path === "/general/subject").map((m) => m.check_function_name)).toContain("check_empty_string_for_optional_attribute");
  });

  it("reports empty optional text where pynwb's constructors take it (PYNWB_OPTIONAL_TEXT_ARGS), word for word", async () => {
    const file = tripFiles.find((f) => f.endsWith("empty_strings.nwb"))!;
    const check = "check_empty_string_for_optional_attribute";
    const theirs = expected[file]!.filter((m) => m.check === check).map((m) => `${m.location} ${m.message}`).sort();
    const ours = (await inspectFile(file, { select: [check] })).map((m) => `${m.location} ${m.message}`).sort();
    expect(ours).toEqual(theirs);
    // NWBFile's, Subject's (description too), Device's and ElectricalSeries' filtering; not an ElectricalSeries' continuity.
    expect(theirs.map((m) => m.split(" ").slice(0, 3).join(" "))).toEqual([
      "/ The attribute", "/ The attribute", "/ The attribute", "/ The attribute", "/acquisition/es The attribute",
      "/general/devices/probe The attribute", "/general/devices/probe The attribute",
      "/general/subject The attribute", "/general/subject The attribute", "/general/subject The attribute",
    ]);
    expect(theirs.some((m) => m.includes('"continuity"'))).toBe(false);
    // An extension's types: their pynwb ancestor's arguments and their own optional text without a default.
    const extension = tripFiles.find((f) => f.endsWith("extension.nwb"))!;
    const attribute = (m: { location: string | null; message: string }) => `${m.location} ${m.message.split('"')[1]}`;
    const want = expected[extension]!.filter((m) => m.check === check).map(attribute).sort();
    expect((await inspectFile(extension, { select: [check] })).map(attribute).sort()).toEqual(want);
    expect(want).toEqual(["/acquisition/noted note", "/acquisition/noted remark", "/general/devices/rig manufacturer", "/general/devices/rig model_id"]);
  });

  it("has every check of the NWB Inspector, under its name", () => {
    const ours = new Set(INSPECTOR_CHECKS.map((c) => c.id));
    const theirs = execFileSync(ORACLE, ["python", "-c", "from nwbinspector import available_checks; print('\\n'.join(c.__name__ for c in available_checks))"], { encoding: "utf8" }).trim().split("\n");
    expect(theirs.filter((name) => !ours.has(name))).toEqual([]);
    expect(INSPECTOR_CHECKS.filter((c) => c.extra).map((c) => c.id)).toEqual([...TSNWB_EXTRA_CHECKS]);
  });
});
