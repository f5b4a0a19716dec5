/**
 * Files in the wild: the 21 files older pynwb versions wrote (../shared/fixtures/backcompat: pynwb 1.0.2 to 2.2.0,
 * NWB 2.0b to 2.5.0). Each one
 * - reads as pynwb 2.8.2 reads it (test/py/backcompat_read.py, run by the oracle): every object of pynwb's class
 *   (an extension's type as its class, never a generic container), at the same path, with the same values and
 *   the same defaults for what the file lacks, no field pynwb does not give, and pynwb's warnings;
 * - validates as pynwb validates it (against the versions it caches, or the bundled schema when it caches none),
 *   and where pynwb's validator crashes (RecursionError on the NWB 2.0.2 and 2.1.0 caches without hdmf-common)
 *   tsnwb gives its own verdict;
 * - exports (`tsnwb export`) to a file holding every group, dataset and attribute the source holds
 *   (test/py/compare_files.py --strict; the cached specification aside), which pynwb reads and judges exactly as it
 *   judges the source;
 * - takes an append (a series added in mode "a") that changes nothing else: its version and cache stay its own.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AbstractContainer, DynamicTable, GenericContainer, NWBFile, NWBHDF5IO, type NWBWarning, TimeSeries, setWarningHandler, validate,
} from "../src/index.js";
import { type LazyArray, isLazyArray } from "../src/data/lazy.js";
import { ORACLE, ROOT, SHARED, TSNWB, byPath, pynwbCheck, tempFolder } from "./helpers.js";
import type { Verdict } from "./oracle/judge.js";
import { exemptFromOracle } from "./oracle/record.mjs";

const BACKCOMPAT = path.join(SHARED, "fixtures", "backcompat");
const names = readdirSync(BACKCOMPAT).filter((f) => f.endsWith(".nwb")).map((f) => f.replace(/\.nwb$/, "")).sort();
const source = (name: string) => path.join(BACKCOMPAT, `${name}.nwb`);
const tmp = tempFolder("tsnwb-backcompat-");
afterAll(() => tmp.cleanup());

/** What pynwb's validator says of the sources, as surveyed: its errors per file (none for the others). */
const PYNWB_ERRORS: Record<string, RegExp> = {
  "1.0.2_str_experimenter": /^root\/general\/experimenter \(general\/experimenter\): incorrect shape - expected an array of shape '\[None\]', got non-array data 'one experimenter'$/,
  "1.0.2_str_pub": /^root\/general\/related_publications \(general\/related_publications\): incorrect shape - expected an array of shape '\[None\]', got non-array data 'one publication'$/,
  "1.5.1_imageseries_no_unit": /^ImageSeries\/data\/unit \(acquisition\/test_imageseries\/data\): argument missing$/,
  "1.5.1_timeseries_no_data": /^TimeSeries\/data \(acquisition\/test_timeseries\): argument missing$/,
  "1.5.1_timeseries_no_unit": /^TimeSeries\/data\/unit \(acquisition\/test_timeseries\/data\): argument missing$/,
};
/** Where pynwb's validator crashes: the NWB 2.0.2 and 2.1.0 caches that include no hdmf-common. */
const PYNWB_CRASHES = /^validator failed: RecursionError: maximum recursion depth exceeded$/;
const crashes = (name: string) => /^1\.0\.3_|^1\.1\.0_/.test(name);

/** pynwb's verdict on each source (read, validate, inspect), by name. */
const verdicts = new Map<string, Verdict>();

/** An object as pynwb reads it (test/py/backcompat_read.py). */
interface PynwbObject { type: string; neurodata_type: string; name: string; fields: Record<string, unknown> }
let pynwbRead: Record<string, { nwb_version: string; objects: Record<string, PynwbObject>; warnings: string[] }> = {};

/** The field a warning pynwb gives on read is about. */
function warnedField(message: string): string {
  if (/Format must be 'external'/.test(message)) return "format";
  if (/'starting_frame'/.test(message)) return "starting_frame";
  if (/Either external_file or data/.test(message)) return "data";
  return message;
}

beforeAll(async () => {
  const script = path.join(ROOT, "test", "py", "backcompat_read.py");
  pynwbRead = JSON.parse(execFileSync(ORACLE, ["python", script, ...names.map(source)], { encoding: "utf8", maxBuffer: 64 << 20 }));
  const checked = await pynwbCheck(names.map(source));
  for (const name of names) verdicts.set(name, checked.get(source(name))!);
}, 300_000);

it("there are the 21 files of pynwb's back-compat tests, which pynwb reads, and whose validation is as surveyed", () => {
  expect(names).toHaveLength(21);
  for (const name of names) {
    const v = verdicts.get(name)!;
    expect(v.read, name).toBeNull();
    expect(v.inspect, name).toEqual([]);
    if (crashes(name)) expect(v.validate, name).toEqual([expect.stringMatching(PYNWB_CRASHES)]);
    else if (PYNWB_ERRORS[name]) expect(v.validate, name).toEqual([expect.stringMatching(PYNWB_ERRORS[name])]);
    else expect(v.validate, name).toEqual([]);
  }
});

/** pynwb's field names for the values tsnwb keeps under the schema's path (values the schema fixes). */
const PYNWB_KEYS: Record<string, string> = { timestamps__unit: "timestamps_unit", timestamps__interval: "interval", starting_time__unit: "starting_time_unit" };

/** A tsnwb value as plain JSON, in the form backcompat_read.py gives pynwb's. */
async function plain(v: unknown): Promise<unknown> {
  if (v instanceof Map) return [...v.values()].map((c: AbstractContainer) => c.container_source!.path).sort();
  if (v && typeof v === "object" && "object_id" in v) return { object: (v as AbstractContainer).container_source!.path };
  if (isLazyArray(v) || (v && typeof v === "object" && "shape" in v && "read" in v)) {
    const a = v as LazyArray;
    const values = Array.from((await a.read()) as ArrayLike<unknown>, (x) => (typeof x === "bigint" ? Number(x) : x));
    return { shape: a.shape, dtype: a.dtype, values };
  }
  return v;
}

/** pynwb's value in the form tsnwb holds it: a field tsnwb keeps as a list (attributes, text) compares by values. */
function comparable(pynwb: unknown, mine: unknown): unknown {
  const arrayOfPynwb = pynwb && typeof pynwb === "object" && !Array.isArray(pynwb) && "shape" in pynwb ? pynwb as { shape: number[]; dtype: string; values: unknown[] } : undefined;
  if (arrayOfPynwb && Array.isArray(mine)) return arrayOfPynwb.values;
  return pynwb;
}

describe("read: every object as pynwb reads it, with pynwb's values and defaults", () => {
  for (const name of names) {
    it(name, async () => {
      const expected = pynwbRead[source(name)]!;
      const io = await NWBHDF5IO.open(source(name), "r");
      const warned: NWBWarning[] = [];
      const previous = setWarningHandler((w) => warned.push(w));
      try {
        const nwbfile = await io.read();
        // pynwb's warnings on read (a format not "external", starting frames not one per file): tsnwb's too.
        expect(warned.map((w) => `${w.object}: ${w.field}`), name).toEqual(expected.warnings.map((m) => `ImageSeries 'test_imageseries': ${warnedField(m)}`));
        expect(nwbfile).toBeInstanceOf(NWBFile);
        expect(nwbfile.nwb_version).toBe(expected.nwb_version);
        const objects = byPath(nwbfile);
        expect([...objects.keys()].sort()).toEqual(Object.keys(expected.objects).sort());
        for (const [where, py] of Object.entries(expected.objects)) {
          const obj = objects.get(where)!;
          expect(obj, where).not.toBeInstanceOf(GenericContainer);
          expect([obj.constructor.name, obj.neurodata_type, obj.name], where).toEqual([py.type, py.neurodata_type, py.name]);
          const o = obj as unknown as Record<string, unknown>;
          const mine: Record<string, unknown> = {};
          for (const key of [...obj.layout.fields.map((f) => f.key), ...obj.layout.fixed.map((f) => f.key)]) {
            const v = o[key];
            if (v === undefined || (v instanceof Map && v.size === 0) || key === "nwb_version") continue;
            mine[PYNWB_KEYS[key] ?? key] = await plain(v);
          }
          const theirs = Object.fromEntries(Object.entries(py.fields).map(([k, v]) => [k, comparable(v, mine[k])]));
          expect(mine, `${name} ${where}`).toEqual(theirs);
        }
      } finally {
        setWarningHandler(previous);
        await io.close();
      }
    });
  }
});

describe("read: pynwb's defaults beyond the 21 files", () => {
  it("a Units' waveform_mean stored without its unit reads 'volts', as pynwb's waveform_unit does", async () => {
    const file = path.join(tmp.dir, "waveform-no-unit.nwb");
    execFileSync("/usr/bin/python3", ["-c", `import shutil, sys, uuid, h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "a") as f:
    u = f["units"]
    d = u.create_dataset("waveform_mean", data=np.zeros((len(u["id"]), 3)))
    d.attrs.update({"namespace": "hdmf-common", "neurodata_type": "VectorData", "object_id": str(uuid.uuid4()), "description": "mean waveforms"})
    u.attrs["colnames"] = np.array(list(u.attrs["colnames"]) + ["waveform_mean"], dtype=object)`, path.join(SHARED, "fixtures", "domains", "ecephys.nwb"), file]);
    const pynwb = execFileSync(ORACLE, ["python", "-c", `import sys, warnings
warnings.simplefilter("ignore")
from pynwb import NWBHDF5IO
with NWBHDF5IO(sys.argv[1], "r") as io:
    print(io.read().units.waveform_unit)`, file], { encoding: "utf8" }).trim();
    expect(pynwb).toBe("volts");
    const io = await NWBHDF5IO.open(file, "r");
    const units = (await io.read()).units as unknown as { waveform_mean__unit?: string; waveform_sd__unit?: string };
    expect([units.waveform_mean__unit, units.waveform_sd__unit]).toEqual(["volts", undefined]);
    await io.close();
  });
});

it("`tsnwb info` lists each file (one run), naming its NWB version", () => {
  const r = spawnSync(process.execPath, [TSNWB, "info", ...names.map(source)], { encoding: "utf8", timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  for (const name of names) {
    const block = r.stdout.split(`${source(name)}:\n`)[1]!.split(/\n(?=\S)/)[0]!;
    expect(block, name).toContain(`\n  nwb_version: ${pynwbRead[source(name)]!.nwb_version}\n`);
  }
  expect(r.stdout).toContain("test_ts (TimeSeriesWithID)  data float64[3]");
  expect(r.stdout).toContain("test_timeseries (TimeSeries)  data uint8[0]");
});

describe("validate: pynwb's verdict, against the versions each file caches", () => {
  it("the library agrees with pynwb's validator on every file it gives a verdict on (the same paths), and judges the others itself", async () => {
    for (const name of names) {
      const issues = await validate(source(name));
      // The objects read, validated in memory as they would be written, are judged the same: in their version.
      const io = await NWBHDF5IO.open(source(name), "r");
      expect(await validate(await io.read()), name).toEqual(issues);
      await io.close();
      const pynwb = verdicts.get(name)!.validate;
      if (crashes(name)) {
        // pynwb cannot say; tsnwb judges them by their cached NWB 2.0.2 / 2.1.0 core: valid.
        expect(issues, name).toEqual([]);
        continue;
      }
      // pynwb names where an error is: "TimeSeries/data (acquisition/test_timeseries): argument missing".
      const where = pynwb.map((e) => `/${/\(([^)]*)\)/.exec(e)![1]}`).sort();
      expect(issues.map((i) => i.path).sort(), `${name}: ${JSON.stringify(issues)}`).toEqual(where);
      const rules = pynwb.map((e) => (/incorrect shape/.test(e) ? "shape" : /argument missing/.test(e) ? "missing" : e)).sort();
      expect(issues.map((i) => i.rule).sort(), name).toEqual(rules);
    }
  });

  it("`tsnwb validate` says the same of every file in one run (exit 1: five files break their schema)", () => {
    const r = spawnSync(process.execPath, [TSNWB, "validate", "--json", ...names.map(source)], { encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(1);
    const results = JSON.parse(r.stdout) as { file: string; valid: boolean; issues: { path: string; rule: string }[] }[];
    const invalid = results.filter((x) => !x.valid).map((x) => path.basename(x.file, ".nwb"));
    expect(invalid.sort()).toEqual(Object.keys(PYNWB_ERRORS).sort());
    expect(results.every((x) => x.issues.every((i) => i.path !== "/" || i.rule !== "value")), "no nwb_version mismatch").toBe(true);
  });

  it("keeps the checks pynwb's validator lacks: a fixed value against the file's own version (nwb_version 2.7.0 in a file of NWB 2.5.0)", async () => {
    const file = path.join(tmp.dir, "claims-2.7.0.nwb");
    execFileSync("/usr/bin/python3", ["-c", `import shutil, sys, h5py
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "a") as f:
    f.attrs["nwb_version"] = "2.7.0"`, source("2.1.0_imageseries_no_data"), file]);
    expect(await validate(file)).toEqual([{ path: "/ attribute 'nwb_version'", rule: "value", message: `is "2.7.0", the schema fixes "2.5.0"` }]);
    const pynwb = spawnSync(ORACLE, ["validate", file], { encoding: "utf8" });
    expect(pynwb.status, "pynwb's validator does not compare fixed values").toBe(0);
  });

  it("accepts an empty colnames stored as an empty float array (as older pynwb wrote it), as pynwb does", async () => {
    const made = path.join(tmp.dir, "empty-table.nwb");
    const nwbfile = new NWBFile({ session_description: "empty table", identifier: "empty-colnames", session_start_time: "2024-01-02T03:04:05+01:00" });
    nwbfile.addAcquisition(new DynamicTable({ name: "empty", description: "no columns yet" }));
    const io = await NWBHDF5IO.open(made, "w");
    await io.write(nwbfile);
    await io.close();
    const file = path.join(tmp.dir, "float-colnames.nwb");
    execFileSync("/usr/bin/python3", ["-c", `import shutil, sys, h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "a") as f:
    f["acquisition/empty"].attrs["colnames"] = np.array([], dtype="float64")
    assert f["acquisition/empty"].attrs["colnames"].dtype == np.float64`, made, file]);
    expect(await validate(file)).toEqual([]);
    const reader = await NWBHDF5IO.open(file, "r");
    const table = (await reader.read()).acquisition.get("empty") as unknown as { colnames: string[] };
    expect(table.colnames).toEqual([]);
    await reader.close();
    expect(spawnSync(ORACLE, ["validate", file], { encoding: "utf8" }).status).toBe(0);
  });
});

describe("export: every group, dataset and attribute of the source, which pynwb judges as it judges the source", () => {
  const exported = (name: string) => path.join(tmp.dir, `export-${name}.nwb`);

  beforeAll(() => {
    for (const name of names) {
      const v = verdicts.get(name)!;
      // pynwb refuses the source itself: its export is refused for exactly the same (pynwb's own words on it).
      if (v.validate.length > 0) exemptFromOracle(exported(name), { validate: `^(${v.validate.map(escapeRegExp).join("|")})$` });
    }
  });

  it("`tsnwb export` writes each (one process per file, as a user runs it)", () => {
    for (const name of names) {
      const r = spawnSync(process.execPath, [TSNWB, "export", source(name), exported(name)], { encoding: "utf8", timeout: 120_000 });
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
    }
  }, 300_000);

  it("each export holds what its source holds (h5py: groups, datasets, shapes, every attribute, nwb_version and help included)", () => {
    for (const name of names) {
      const diff = execFileSync("/usr/bin/python3", [path.join(ROOT, "test", "py", "compare_files.py"), "--strict", source(name), exported(name)], { encoding: "utf8" });
      expect(JSON.parse(diff), name).toEqual([]);
    }
    // What the comparison covers, said once: the NWB 2.0 files' root `help`, a scalar experimenter, no unit added.
    const root = execFileSync("/usr/bin/python3", ["-c", `import sys, h5py
f = h5py.File(sys.argv[1], "r"); g = h5py.File(sys.argv[2], "r")
print(f.attrs["help"], f.attrs["nwb_version"], f["general/experimenter"].shape, "specifications" in f, "unit" in g["acquisition/test_timeseries/data"].attrs)`,
    exported("1.0.2_str_experimenter"), exported("1.5.1_timeseries_no_unit")], { encoding: "utf8" }).trim();
    expect(root).toBe("an NWB:N file for storing cellular-based neurophysiology data 2.0b () False False");
  });

  it("pynwb reads every export and gives it the verdict it gives its source; tsnwb's validator too", async () => {
    const checked = await pynwbCheck(names.map(exported));
    for (const name of names) {
      const mine = checked.get(exported(name))!;
      const theirs = verdicts.get(name)!;
      expect([mine.read, mine.validate, mine.inspect], name).toEqual([theirs.read, theirs.validate, theirs.inspect]);
      expect(await validate(exported(name)), name).toEqual(await validate(source(name)));
    }
  }, 300_000);

  it("an export read back gives the values the source gave", async () => {
    for (const name of ["1.0.2_str_pub", "1.5.1_imageseries_no_data", "2.1.0_nwbfile_with_extension", "2.2.0_subject_no_age__reference"]) {
      const a = await NWBHDF5IO.open(source(name), "r");
      const b = await NWBHDF5IO.open(exported(name), "r");
      try {
        const [x, y] = [await a.read(), await b.read()];
        expect(JSON.stringify(y), name).toBe(JSON.stringify(x));
        expect(y.nwb_version).toBe(x.nwb_version);
      } finally {
        await a.close();
        await b.close();
      }
    }
  });
});

describe("append (mode \"a\"): a series added to each file, which keeps its version, its cache and all it had", () => {
  const appended = (name: string) => path.join(tmp.dir, `append-${name}.nwb`);

  it("only the new series is new, the file's nwb_version and cached namespaces are its own, and pynwb judges it as the source", async () => {
    for (const name of names) {
      copyFileSync(source(name), appended(name));
      const v = verdicts.get(name)!;
      if (v.validate.length > 0) exemptFromOracle(appended(name), { validate: `^(${v.validate.map(escapeRegExp).join("|")})$` });
      const io = await NWBHDF5IO.open(appended(name), "a");
      const nwbfile = await io.read();
      nwbfile.addAcquisition(new TimeSeries({ name: "added", data: [1, 2, 3], unit: "m", rate: 2 }));
      await io.write(nwbfile);
      await io.close();
      const diff = JSON.parse(execFileSync("/usr/bin/python3", [path.join(ROOT, "test", "py", "compare_files.py"), "--strict", source(name), appended(name)], { encoding: "utf8" })) as [string][];
      expect(diff.map(([p]) => p).filter((p) => !p.startsWith("/acquisition/added")), name).toEqual([]);
      expect(diff.length, name).toBeGreaterThan(0);
      const caches = execFileSync("/usr/bin/python3", ["-c", `import sys, h5py
for p in sys.argv[1:]:
    f = h5py.File(p, "r"); s = f.get("specifications")
    print(f.attrs["nwb_version"], sorted((k, sorted(s[k])) for k in s) if s is not None else None)`, source(name), appended(name)], { encoding: "utf8" }).trim().split("\n");
      expect(caches[1], name).toBe(caches[0]);
    }
    const checked = await pynwbCheck(names.map(appended));
    for (const name of names) {
      const mine = checked.get(appended(name))!;
      expect([mine.read, mine.validate, mine.inspect], name).toEqual([null, verdicts.get(name)!.validate, []]);
    }
  }, 300_000);
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
