/**
 * Extensions, as pynwb's `load_namespaces` and `get_class`: a namespace loaded from YAML gives classes with the
 * extension's fields (inherited ones too), whose objects are written with the namespace cached in the file, pass
 * the validator against that cache, and read back as their own type, in this process and in a fresh one that
 * never loaded the YAML.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Device, NWBFile, NWBHDF5IO, TimeSeries, ValidationError, getClass, isTsnwbError, loadNamespaces, typeCatalog,
} from "../src/index.js";
import { ROOT, h5py, tempFolder, validate } from "./helpers.js";

const NAMESPACE = path.join(ROOT, "test", "data", "ndx-test-widget.namespace.yaml");
const tmp = tempFolder();
const file = path.join(tmp.dir, "widget.nwb");
afterAll(() => tmp.cleanup());

describe("an extension loaded from YAML", () => {
  beforeAll(async () => {
    expect(await loadNamespaces(NAMESPACE)).toEqual(["ndx-test-widget"]);
  });

  it("has classes with its fields, inherited ones included, checked as the schema says", () => {
    const WidgetSeries = getClass("WidgetSeries", "ndx-test-widget");
    const WidgetDevice = getClass("WidgetDevice", "ndx-test-widget");
    const device = new WidgetDevice({ name: "w1", serial: "SN-1", description: "bench widget" });
    expect(device.isA("Device")).toBe(true);
    const series = new WidgetSeries({
      name: "widget_series", data: { data: new Float32Array(20).map((_, i) => i), shape: [10, 2] }, unit: "V", rate: 100,
      gain: 2.5, channel_names: ["left", "right"], widget: device,
    });
    expect([series.neurodata_type, series.namespace, series.gain, series.mode, series.unit, series.starting_time]).toEqual(["WidgetSeries", "ndx-test-widget", 2.5, "auto", "V", 0]);
    expect(series.channel_names).toEqual(["left", "right"]);
    expect(series.isA("TimeSeries")).toBe(true);
    let error: unknown;
    try {
      new WidgetSeries({ name: "bad", data: [[1, 2]], unit: "V", rate: 1, channel_names: ["a"], widget: device });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    if (isTsnwbError(error, "ValidationError")) expect([error.object, error.field]).toEqual(["WidgetSeries 'bad'", "gain"]);
    expect(() => getClass("NoSuchType", "ndx-test-widget")).toThrow(/no type 'NoSuchType'/);
  });

  it("is written with its namespace cached, passes the validator against the cache, and reads back as its own type", async () => {
    const WidgetSeries = getClass("WidgetSeries", "ndx-test-widget");
    const WidgetDevice = getClass("WidgetDevice", "ndx-test-widget");
    const nwbfile = new NWBFile({ session_description: "widgets", identifier: "widget-1", session_start_time: "2024-05-06T07:08:09+02:00" });
    const device = new WidgetDevice({ name: "w1", serial: "SN-1" });
    nwbfile.addDevice(device as unknown as Device);
    nwbfile.addAcquisition(new WidgetSeries({
      name: "widget_series", data: { data: new Float32Array(20).map((_, i) => i), shape: [10, 2] }, unit: "V", rate: 100,
      gain: 2.5, channel_names: ["left", "right"], widget: device,
    }) as never);
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();

    const checked = validate(file, true);
    expect(checked.output, checked.output).toContain("0 error(s)");
    expect(checked.code).toBe(0);
    const cached = JSON.parse(h5py(file, `print(json.dumps(sorted(f["specifications"].keys()) + sorted(f["specifications/ndx-test-widget/0.2.0"].keys()) + [f[f.attrs[".specloc"]].name]))`)) as string[];
    expect(cached).toEqual(["core", "hdmf-common", "ndx-test-widget", "namespace", "ndx-test-widget.extensions", "/specifications"]);

    const reader = await NWBHDF5IO.open(file, "r");
    const back = await reader.read();
    const series = back.acquisition.get("widget_series") as InstanceType<typeof WidgetSeries>;
    expect(series).toBeInstanceOf(WidgetSeries);
    expect([series.gain, series.mode, series.channel_names, series.unit, series.rate]).toEqual([2.5, "auto", ["left", "right"], "V", 100]);
    expect(series.widget).toBe(back.devices.get("w1"));
    expect(back.devices.get("w1")).toBeInstanceOf(WidgetDevice);
    expect(Array.from((await (series.data as { read(): Promise<Float32Array> }).read()).slice(0, 4))).toEqual([0, 1, 2, 3]);
    await reader.close();
  });

  it("gives a class typed as the subclass of a bundled class it extends, and names the type when it does not", () => {
    const WidgetDevice = getClass("WidgetDevice", "ndx-test-widget", Device);
    const device = new WidgetDevice({ name: "w2", description: "typed as a Device", serial: "SN-2" });
    const file = new NWBFile({ session_description: "typed", identifier: "typed-1", session_start_time: "2024-05-06T07:08:09+02:00" });
    file.addDevice(device); // no cast: a WidgetDevice is a Device to TypeScript too
    expect([device.description, device.serial, file.devices.get("w2")]).toEqual(["typed as a Device", "SN-2", device]);
    const some: Device = file.devices.get("w2")!;
    if (some instanceof WidgetDevice) expect(some.serial).toBe("SN-2"); // narrowed to a WidgetDevice, typed fields and all
    expect(getClass("WidgetDevice", "ndx-test-widget", Device)).toBe(getClass("WidgetDevice", "ndx-test-widget"));
    expect(() => getClass("WidgetDevice", "ndx-test-widget", TimeSeries)).toThrow(
      /getClass\('WidgetDevice', 'ndx-test-widget'\): field 'base': expected a class that WidgetDevice extends, got TimeSeries \(WidgetDevice's ancestry: WidgetDevice < Device < NWBContainer < Container\)/);
  });

  it("is read by a process that never loaded the YAML, from the file's own cache", () => {
    const script = `
      import { NWBHDF5IO, typeCatalog } from ${JSON.stringify(path.join(ROOT, "dist", "index.js"))};
      const before = typeCatalog.namespace("ndx-test-widget") !== undefined;
      const io = await NWBHDF5IO.open(${JSON.stringify(file)}, "r");
      const f = await io.read();
      const s = f.acquisition.get("widget_series");
      console.log(JSON.stringify({ before, type: s.neurodata_type, cls: s.constructor.name, gain: s.gain, widget: s.widget === f.devices.get("w1"), serial: s.widget.serial }));
      await io.close();`;
    const out = JSON.parse(execFileSync("node", ["--input-type=module", "-e", script], { encoding: "utf8" })) as Record<string, unknown>;
    expect(out).toEqual({ before: false, type: "WidgetSeries", cls: "WidgetSeries", gain: 2.5, widget: true, serial: "SN-1" });
  });

  it("refuses a namespace file that does not parse, or lists a schema file that is missing, naming the file", async () => {
    await expect(loadNamespaces(path.join(tmp.dir, "missing.namespace.yaml"))).rejects.toThrow(/cannot read namespace file/);
    expect(typeCatalog.namespace("ndx-test-widget")?.namespace.version).toBe("0.2.0");
  });
});
