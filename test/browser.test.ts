/**
 * tsnwb in a browser: the browser entry bundles (esbuild, for the browser platform) without any Node module, and
 * its file handle reads and writes NWB files as bytes (here run in Node, as a page would run it: from a Blob, to a
 * Blob), the files it writes valid and readable by h5py.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { NWBHDF5IO as BrowserIO } from "../src/browser.js";
import { Device, ImageSeries, NWBFile, NWBHDF5IO, NWBMemoryIO, OpticalSeries } from "../src/index.js";
import { FIXTURES, ROOT, h5py, tempFolder, validate } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

describe("the browser entry", () => {
  it("bundles for the browser with no Node module, sharp, mp4box or worker threads in it", async () => {
    const result = await build({
      entryPoints: [path.join(ROOT, "dist", "browser.js")], bundle: true, platform: "browser", format: "esm", write: false, metafile: true, logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /^node:|sharp|mp4box|yaml|worker_threads|h5wasm\/dist\/node|io\/nwb-io|media\//.test(i))).toEqual([]);
    expect(inputs).toContain("node_modules/h5wasm/dist/esm/hdf5_hl.js");
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
  });

  it("reads a file from a Blob, the same values as from disk", async () => {
    const blob = new Blob([readFileSync(path.join(FIXTURES, "tutorial.nwb"))]);
    const io = await BrowserIO.open(blob);
    const nwbfile = await io.read();
    const series = nwbfile.getStimulus("StimulusPresentation", OpticalSeries);
    const frame = await series.data.read([[3, 4]]);
    const disk = await NWBHDF5IO.open(path.join(FIXTURES, "tutorial.nwb"));
    const expected = await (await disk.read()).getStimulus("StimulusPresentation", OpticalSeries).data.read([[3, 4]]);
    expect(Array.from(frame as Uint8Array)).toEqual(Array.from(expected as Uint8Array));
    expect(nwbfile.identifier).toBe("tutorial-1");
    await disk.close();
    await io.close();
  });

  it("writes a new file to bytes (a download), valid and readable by h5py", async () => {
    const nwbfile = new NWBFile({ session_description: "in a page", identifier: "browser-1", session_start_time: "2024-05-06T07:08:09+02:00" });
    const camera = nwbfile.createDevice({ name: "camera", description: "a webcam" });
    nwbfile.addAcquisition(new ImageSeries({ name: "frames", rate: 30, device: camera, data: { data: new Uint8Array(4 * 6 * 8).map((_, i) => i % 256), shape: [4, 6, 8] } }));
    const io = await BrowserIO.open(undefined, "w");
    await io.write(nwbfile);
    await io.close();
    const blob = io.blob();
    expect(blob.type).toBe("application/x-hdf5");
    const file = path.join(tmp.dir, "download.nwb");
    writeFileSync(file, new Uint8Array(await blob.arrayBuffer()));
    expect(validate(file).code).toBe(0);
    expect(validate(file, true).code).toBe(0);
    expect(h5py(file, `print(f["acquisition/frames/data"].shape, f["acquisition/frames/device"].attrs["neurodata_type"], f["identifier"][()].decode())`)).toBe("(4, 6, 8) Device browser-1");
  });

  it("adds to a file's bytes (mode a), and Node's NWBHDF5IO.open takes bytes too", async () => {
    const bytes = readFileSync(path.join(FIXTURES, "tutorial.nwb"));
    const io = await NWBHDF5IO.open(new Uint8Array(bytes), "a");
    expect(io).toBeInstanceOf(NWBMemoryIO);
    const nwbfile = await io.read();
    nwbfile.addDevice(new Device({ name: "added_in_memory" }));
    await io.write(nwbfile);
    await io.close();
    const file = path.join(tmp.dir, "appended.nwb");
    writeFileSync(file, io.bytes());
    expect(validate(file).code).toBe(0);
    expect(h5py(file, `print(sorted(f["general/devices"].keys()), "ImageSeries" in f["acquisition"])`)).toBe("['added_in_memory'] True");
    await expect(BrowserIO.open(new Uint8Array([1, 2, 3]))).rejects.toThrow(/an HDF5 file/);
    await expect(BrowserIO.open(undefined, "r")).rejects.toThrow(/needs the file's bytes/);
  });
});
