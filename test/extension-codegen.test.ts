/**
 * Typed extension classes: `tsnwb codegen NAMESPACE.yaml --out FILE.ts` writes a module with a class per type of
 * the extension (test/data/ndx-test-codegen: a LabMetaData with a default name, a DynamicTable with a default name
 * and columns). A user program in its own folder, with tsnwb installed as a package, uses them without casts and
 * type-checks under strict TypeScript; it writes a file that pynwb reads with the extension's values.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getClass } from "../src/index.js";
import { NotFoundError } from "../src/errors.js";
import { ORACLE, ROOT, TSNWB, tempFolder } from "./helpers.js";

const tmp = tempFolder("tsnwb-codegen-");
afterAll(() => tmp.cleanup());
const project = path.join(tmp.dir, "user-project");
const NAMESPACE = path.join(ROOT, "test", "data", "ndx-test-codegen.namespace.yaml");

/** The user's program: the generated classes with tsnwb's, no casts anywhere. */
const PROGRAM = `import { NWBFile, NWBHDF5IO, type ArrayData } from "tsnwb";
import { WidgetSettings, WidgetTable, type WidgetSettingsOptions } from "./ndx-test-codegen.js";
import { WidgetDevice, WidgetSeries } from "./ndx-test-widget.js";

const nwbfile = new NWBFile({ session_description: "widgets", identifier: "codegen-1", session_start_time: "2024-05-06T07:08:09+02:00" });

// A type with a default name needs no name; the options are the schema's fields, typed.
const options: WidgetSettingsOptions = { gain: 2.5, thresholds: [0.125, 0.25], mode: "fast" };
const settings = new WidgetSettings(options);
nwbfile.addLabMetaData(settings);
const gain: number = settings.gain;
const thresholds: ArrayData = settings.thresholds;
console.log(settings.name, gain, thresholds.shape);

// What the compiler refuses (never run: the constructor would refuse it too).
const refused = (): void => {
  // @ts-expect-error gain is required by the schema
  new WidgetSettings({ thresholds: [1] });
  // @ts-expect-error no field of that name
  new WidgetSettings({ gain: 1, thresholds: [1], colour: "red" });
};
void refused;

// A table extension is a DynamicTable: addColumn, addRow.
const table = new WidgetTable({ description: "widgets used" });
table.addColumn({ name: "gain", description: "Gain of each widget." });
table.addRow({ serial: "SN-1", gain: 2 });
table.addRow({ serial: "SN-2", gain: 4 });
nwbfile.createProcessingModule({ name: "widgets", description: "widget metadata" }).add(table);
console.log(table.name, table.colnames, table.serial.neurodata_type);

// A series extension links to a device extension, typed; a default value is applied (mode "auto").
const widget = new WidgetDevice({ name: "w1", serial: "SN-1" });
nwbfile.addDevice(widget);
const series = new WidgetSeries({ name: "w", data: [[1, 2], [3, 4]], unit: "V", rate: 10, gain: 2.5, channel_names: ["l", "r"], widget });
nwbfile.addAcquisition(series);
const serial: string = series.widget.serial;
console.log(serial, series.mode);

const io = await NWBHDF5IO.open("codegen.nwb", "w");
await io.write(nwbfile);
await io.close();

// Read back: the objects are the generated classes again.
const reader = await NWBHDF5IO.open("codegen.nwb", "r");
const back = await reader.read();
const readSettings = back.lab_meta_data.get("widget_settings");
if (readSettings instanceof WidgetSettings) console.log("WidgetSettings", readSettings.gain, readSettings.mode, await readSettings.thresholds.read());
const readTable = back.processing.get("widgets")?.data_interfaces.get("widgets");
if (readTable instanceof WidgetTable) console.log("WidgetTable", JSON.stringify(await readTable.toRecords()));
const readSeries = back.acquisition.get("w");
if (readSeries instanceof WidgetSeries) console.log("WidgetSeries", readSeries.widget.serial, readSeries.widget instanceof WidgetDevice, readSeries.mode);
await reader.close();
`;

beforeAll(() => {
  mkdirSync(path.join(project, "node_modules"), { recursive: true });
  // tsnwb as an installed package (its package.json, dist/ and dependencies).
  symlinkSync(ROOT, path.join(project, "node_modules", "tsnwb"), "dir");
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ type: "module", private: true }));
  writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noImplicitOverride: true,
      noUnusedLocals: true, skipLibCheck: true, lib: ["ES2022", "DOM"], types: [], outDir: "out", rootDir: ".",
    },
    include: ["*.ts"],
  }));
  writeFileSync(path.join(project, "main.ts"), PROGRAM);
});

describe("tsnwb codegen: typed classes of an extension", () => {
  it("writes a module of the extension's classes", () => {
    const run = spawnSync(process.execPath, [TSNWB, "codegen", NAMESPACE, "--out", path.join(project, "ndx-test-codegen.ts")], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("2 classes (WidgetSettings, WidgetTable) of ndx-test-codegen");
    const widget = spawnSync(process.execPath, [TSNWB, "codegen", path.join(ROOT, "test", "data", "ndx-test-widget.namespace.yaml"), "--out", path.join(project, "ndx-test-widget.ts")], { encoding: "utf8" });
    expect(widget.stderr).toBe("");
    expect(widget.stdout).toContain("2 classes (WidgetDevice, WidgetSeries) of ndx-test-widget");
    const source = readFileSync(path.join(project, "ndx-test-codegen.ts"), "utf8");
    // The schema's descriptions are the doc comments; parents come from tsnwb.
    expect(source).toContain("/** How the widgets were set for the session. */\nexport class WidgetSettings extends LabMetaData {");
    expect(source).toContain("export class WidgetTable extends DynamicTable {");
    expect(source).toContain("  /** Amplifier gain of every widget. */\n  gain: number;");
    expect(source).toContain('  /** Default: "widget_settings". */\n  name?: string;');
  });

  it("type-checks a user program under strict TypeScript, and the program writes and reads the file", () => {
    const tsc = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsc"), ["-p", project], { encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
    const run = spawnSync(process.execPath, [path.join(project, "out", "main.js")], { cwd: project, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim().split("\n")).toEqual([
      "widget_settings 2.5 [ 2 ]",
      "widgets [ 'serial', 'gain' ] VectorData",
      "SN-1 auto",
      "WidgetSettings 2.5 fast Float64Array(2) [ 0.125, 0.25 ]",
      'WidgetTable [{"id":0,"serial":"SN-1","gain":2},{"id":1,"serial":"SN-2","gain":4}]',
      "WidgetSeries SN-1 true auto",
    ]);
  });

  it("pynwb reads the file with the extension's values", () => {
    const script = path.join(project, "read.py");
    writeFileSync(script, `from pynwb import NWBHDF5IO
with NWBHDF5IO("codegen.nwb", "r", load_namespaces=True) as io:
    f = io.read()
    s = f.lab_meta_data["widget_settings"]
    print(type(s).__name__, s.gain, s.mode, [float(x) for x in s.thresholds[:]])
    t = f.processing["widgets"]["widgets"]
    print(type(t).__name__, t.colnames, list(t["serial"][:]), [float(x) for x in t["gain"][:]])
    w = f.acquisition["w"]
    print(type(w).__name__, w.widget.serial, w.mode, w.gain, w.data[:].tolist())
`);
    const r = spawnSync(ORACLE, ["python", script], { cwd: project, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      "WidgetSettings 2.5 fast [0.125, 0.25]",
      "WidgetTable ('serial', 'gain') ['SN-1', 'SN-2'] [2.0, 4.0]",
      "WidgetSeries SN-1 auto 2.5 [[1.0, 2.0], [3.0, 4.0]]",
    ]);
  });

  it("makes one module of an extension and one that includes it, in which a subtype extends the other's class", () => {
    const dir = path.join(tmp.dir, "nested");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "ndx-test-nested.namespace.yaml"), `namespaces:
- name: ndx-test-nested
  version: 0.1.0
  doc: A widget series with a filter, on ndx-test-widget.
  author: [tsnwb tests]
  contact: [tests@example.org]
  schema:
  - namespace: core
  - namespace: ndx-test-widget
  - source: ndx-test-nested.extensions.yaml
`);
    writeFileSync(path.join(dir, "ndx-test-nested.extensions.yaml"), `groups:
- neurodata_type_def: FilteredWidgetSeries
  neurodata_type_inc: WidgetSeries
  doc: Widget samples after a filter.
  attributes:
  - name: cutoff
    dtype: float64
    doc: The filter's cutoff frequency, in hertz.
`);
    const out = path.join(project, "nested", "ndx-nested.ts");
    const alone = spawnSync(process.execPath, [TSNWB, "codegen", path.join(dir, "ndx-test-nested.namespace.yaml"), "--out", out], { encoding: "utf8" });
    expect(alone.status).toBe(1);
    expect(alone.stderr).toContain("namespace 'ndx-test-nested' includes namespace 'ndx-test-widget', which is not loaded");
    const both = spawnSync(process.execPath, [TSNWB, "codegen", path.join(ROOT, "test", "data", "ndx-test-widget.namespace.yaml"), path.join(dir, "ndx-test-nested.namespace.yaml"), "--out", out], { encoding: "utf8" });
    expect(both.stderr).toBe("");
    expect(both.stdout).toContain("3 classes (WidgetDevice, WidgetSeries, FilteredWidgetSeries) of ndx-test-widget, ndx-test-nested");
    writeFileSync(path.join(project, "nested", "main.ts"), `import { FilteredWidgetSeries, WidgetDevice, WidgetSeries } from "./ndx-nested.js";
const widget = new WidgetDevice({ name: "w1", serial: "SN-1" });
const filtered = new FilteredWidgetSeries({ name: "f", data: [[1, 2]], unit: "V", rate: 10, gain: 2.5, channel_names: ["l", "r"], widget, cutoff: 300 });
const asSeries: WidgetSeries = filtered;
const cutoff: number = filtered.cutoff;
console.log(asSeries.gain, cutoff, filtered.widget.serial, filtered.neurodata_type);
`);
    writeFileSync(path.join(project, "nested", "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", compilerOptions: { outDir: "out", rootDir: "." }, include: ["*.ts"] }));
    const tsc = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsc"), ["-p", path.join(project, "nested")], { encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");
    const run = spawnSync(process.execPath, [path.join(project, "nested", "out", "main.js")], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("2.5 300 SN-1 FilteredWidgetSeries\n");
  });

  it("names what is missing: a namespace file that is not there, a type of no loaded namespace", () => {
    const missing = path.join(tmp.dir, "ndx-missing.namespace.yaml");
    const run = spawnSync(process.execPath, [TSNWB, "codegen", missing, "--out", path.join(tmp.dir, "never.ts")], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`tsnwb: cannot read namespace file ${missing}`);
    expect(() => getClass("WidgetTable", "ndx-no-such")).toThrow(NotFoundError);
  });
});
