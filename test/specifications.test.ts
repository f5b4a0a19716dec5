/**
 * The cached specification, as pynwb lays it out: every file tsnwb writes holds
 * /specifications/<namespace>/<version>/<source> (JSON) and `namespace` for each namespace it uses, with the root's
 * `.specloc` pointing at it; appending keeps a file's cache, and an export carries it on.
 */
import { copyFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Device, NWBFile, NWBHDF5IO, TimeSeries } from "../src/index.js";
import { FIXTURES, SHARED, h5py, tempFolder, validate } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

/** The cache as h5py sees it: namespace -> version -> { source: JSON }. */
function cache(file: string): Record<string, Record<string, Record<string, unknown>>> {
  return JSON.parse(h5py(file, `
out = {}
for ns, g in f["specifications"].items():
    out[ns] = {v: {k: json.loads(d[()]) for k, d in vg.items()} for v, vg in g.items()}
assert f[f.attrs[".specloc"]].name == "/specifications"
print(json.dumps(out))`)) as Record<string, Record<string, Record<string, unknown>>>;
}

async function write(nwbfile: NWBFile, file: string): Promise<void> {
  const io = await NWBHDF5IO.open(file, "w");
  await io.write(nwbfile);
  await io.close();
}

describe("the cached specification", () => {
  it("is written for the namespaces a file uses, as pynwb lays it out, with tsnwb's own descriptions", async () => {
    const file = path.join(tmp.dir, "plain.nwb");
    const nwbfile = new NWBFile({ session_description: "d", identifier: "spec-1", session_start_time: "2024-01-01T00:00:00+00:00" });
    nwbfile.addAcquisition(new TimeSeries({ name: "ts", data: [1, 2, 3], unit: "V", rate: 10 }));
    await write(nwbfile, file);
    const c = cache(file);
    expect(Object.keys(c).sort()).toEqual(["core", "hdmf-common"]);
    expect(Object.keys(c.core!)).toEqual(["2.7.0"]);
    expect(Object.keys(c.core!["2.7.0"]!).sort()).toEqual([
      "namespace", "nwb.base", "nwb.behavior", "nwb.device", "nwb.ecephys", "nwb.epoch", "nwb.file", "nwb.icephys", "nwb.image",
      "nwb.misc", "nwb.ogen", "nwb.ophys", "nwb.retinotopy",
    ]);
    const ns = (c.core!["2.7.0"]!.namespace as { namespaces: { name: string; version: string; schema: unknown[] }[] }).namespaces[0]!;
    expect([ns.name, ns.version]).toEqual(["core", "2.7.0"]);
    expect(ns.schema[0]).toEqual({ namespace: "hdmf-common" });
    expect(ns.schema[1]).toEqual({ source: "nwb.base" });
    // hdmf-common is cached in its own spelling of the type keys, as pynwb caches it.
    const table = c["hdmf-common"]!["1.8.0"]!.table as { datasets: { data_type_def?: string }[] };
    expect(table.datasets.map((d) => d.data_type_def)).toContain("VectorData");
    const base = c.core!["2.7.0"]!["nwb.base"] as { groups: { neurodata_type_def: string; doc: string }[] };
    const timeSeries = base.groups.find((g) => g.neurodata_type_def === "TimeSeries")!;
    expect(timeSeries.doc.split("\n")).toHaveLength(1);
    expect(validate(file, true).code).toBe(0);
  });

  it("is kept by an append to a file pynwb wrote (its own cache stays as it was)", async () => {
    const file = path.join(tmp.dir, "appended.nwb");
    copyFileSync(path.join(FIXTURES, "tutorial.nwb"), file);
    const before = cache(file);
    const io = await NWBHDF5IO.open(file, "a");
    const nwbfile = await io.read();
    nwbfile.addDevice(new Device({ name: "new_device", description: "added by tsnwb" }));
    await io.write(nwbfile);
    await io.close();
    expect(cache(file)).toEqual(before);
    expect(validate(file, true).code).toBe(0);
  });

  it("is carried on by an export, extensions included, so the copy reads and validates on its own", async () => {
    const out = path.join(tmp.dir, "extension-exported.nwb");
    const io = await NWBHDF5IO.open(path.join(SHARED, "fixtures", "domains", "extension.nwb"), "r");
    await write(await io.read(), out);
    await io.close();
    const c = cache(out);
    expect(Object.keys(c).sort()).toEqual(["core", "hdmf-common", "ndx-test-camera"]);
    const ext = c["ndx-test-camera"]!["0.1.0"]!["ndx-test-camera.extensions"] as { groups: { neurodata_type_def: string; attributes: { name: string }[] }[] };
    expect(ext.groups[0]!.neurodata_type_def).toBe("CameraSeries");
    expect(ext.groups[0]!.attributes.map((a) => a.name)).toEqual(["exposure_time"]);
    const checked = validate(out, true);
    expect(checked.output, checked.output).toContain("0 error(s)");
    const back = await NWBHDF5IO.open(out, "r");
    const camera = (await back.read()).acquisition.get("camera") as unknown as { neurodata_type: string; exposure_time: number };
    expect([camera.neurodata_type, camera.exposure_time]).toEqual(["CameraSeries", 0.004]);
    await back.close();
  });
});
