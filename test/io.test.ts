/**
 * NWBHDF5IO on bad input and failures: missing paths, files that are not HDF5 or are truncated, mode misuse,
 * failed writes (which leave nothing at the target path), and lazy opening (which reads no array data).
 */
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  FormatError, ImageSeries, ModeError, NotFoundError, NWBFile, NWBHDF5IO, StreamError, ValidationError, isTsnwbError,
} from "../src/index.js";
import { H5LazyDataset } from "../src/io/hdf5/lazy-dataset.js";
import { FIXTURES, filesIn, tempFolder, validate } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

function smallFile(identifier = "small") {
  const nwbfile = new NWBFile({ session_description: "small", identifier, session_start_time: "2024-05-06T07:08:09+02:00" });
  nwbfile.addAcquisition(new ImageSeries({ name: "movie", data: { data: new Uint8Array(4 * 3 * 2).fill(7), shape: [4, 3, 2] }, rate: 10 }));
  return nwbfile;
}

describe("opening", () => {
  it("a missing path is a NotFoundError naming it", async () => {
    const missing = path.join(tmp.dir, "nope.nwb");
    await expect(NWBHDF5IO.open(missing, "r")).rejects.toSatisfy((e: unknown) => e instanceof NotFoundError && e.path === missing);
    await expect(NWBHDF5IO.open(missing, "a")).rejects.toThrow(NotFoundError);
    await expect(NWBHDF5IO.open(path.join(tmp.dir, "no-folder", "x.nwb"), "w")).rejects.toThrow(/its folder does not exist/);
  });

  it("a file that is not HDF5 is a FormatError", async () => {
    const text = path.join(tmp.dir, "notes.nwb");
    writeFileSync(text, "this is not an HDF5 file\n".repeat(100));
    await expect(NWBHDF5IO.open(text, "r")).rejects.toSatisfy((e: unknown) => isTsnwbError(e, "FormatError") && /not an HDF5 file/.test((e as Error).message));
    writeFileSync(text, "tiny");
    await expect(NWBHDF5IO.open(text, "r")).rejects.toThrow(/not an HDF5 file/);
  });

  it("a truncated file is a FormatError", async () => {
    const truncated = path.join(tmp.dir, "truncated.nwb");
    const bytes = readFileSync(path.join(FIXTURES, "tutorial.nwb"));
    writeFileSync(truncated, bytes.subarray(0, 4096));
    let error: unknown;
    try {
      const io = await NWBHDF5IO.open(truncated, "r");
      await io.read();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/truncated|damaged|cannot/);
  });

  it("an HDF5 file that is not NWB is a FormatError", async () => {
    const { h5, h5wasm } = await import("../src/io/hdf5/h5-node.js");
    await h5();
    const plain = path.join(tmp.dir, "plain.h5");
    const f = new (h5wasm().File)(plain, "w");
    f.create_group("measurements");
    f.close();
    const io = await NWBHDF5IO.open(plain, "r");
    await expect(io.read()).rejects.toThrow(/not an NWB file: the root's neurodata_type is missing/);
    await io.close();
  });

  it("modes are enforced", async () => {
    const file = path.join(tmp.dir, "modes.nwb");
    const w = await NWBHDF5IO.open(file, "w");
    await expect(w.read()).rejects.toThrow(ModeError);
    await w.write(smallFile());
    await expect(w.write(smallFile())).rejects.toThrow(/already written/);
    await w.close();
    expect(validate(file).code).toBe(0);
    const r = await NWBHDF5IO.open(file, "r");
    await expect(r.write(smallFile())).rejects.toThrow(ModeError);
    await r.close();
    await expect(r.read()).rejects.toThrow(/closed/);
    await expect(NWBHDF5IO.open(file, "x" as "r")).rejects.toThrow(ModeError);
  });
});

describe("failed writes", () => {
  it("a stream that throws midway leaves no file, names the frame, and keeps an older file intact", async () => {
    const target = path.join(tmp.dir, "failed.nwb");
    const before = filesIn(tmp.dir);
    async function* frames() {
      for (let i = 0; i < 5; i++) {
        if (i === 3) throw new Error("camera unplugged");
        yield { data: new Uint8Array(6).fill(i), shape: [3, 2] };
      }
    }
    const nwbfile = new NWBFile({ session_description: "s", identifier: "f", session_start_time: "2024-01-01T00:00:00Z" });
    nwbfile.addAcquisition(new ImageSeries({ name: "live", data: frames(), rate: 30 }));
    const io = await NWBHDF5IO.open(target, "w");
    const error = await io.write(nwbfile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).frameIndex).toBe(3);
    expect((error as Error).message).toMatch(/camera unplugged/);
    expect(existsSync(target)).toBe(false);
    expect(filesIn(tmp.dir)).toEqual(before);

    // Over an existing file: the old file stays as it was.
    const keep = path.join(tmp.dir, "keep.nwb");
    const w = await NWBHDF5IO.open(keep, "w");
    await w.write(smallFile("old"));
    await w.close();
    const size = statSync(keep).size;
    const again = new NWBFile({ session_description: "s", identifier: "new", session_start_time: "2024-01-01T00:00:00Z" });
    async function* broken() {
      yield { data: new Uint8Array(6), shape: [3, 2] };
      throw new Error("disk full");
    }
    again.addAcquisition(new ImageSeries({ name: "live", data: broken(), rate: 30 }));
    const w2 = await NWBHDF5IO.open(keep, "w");
    await expect(w2.write(again)).rejects.toThrow(StreamError);
    expect(statSync(keep).size).toBe(size);
    expect(validate(keep).code).toBe(0);
    const r = await NWBHDF5IO.open(keep, "r");
    expect((await r.read()).identifier).toBe("old");
    await r.close();
  });

  it("a frame of the wrong shape in a stream is a ValidationError naming the frame", async () => {
    const target = path.join(tmp.dir, "badframe.nwb");
    const nwbfile = new NWBFile({ session_description: "s", identifier: "b", session_start_time: "2024-01-01T00:00:00Z" });
    nwbfile.addAcquisition(new ImageSeries({
      name: "live", rate: 30,
      data: (function* () {
        yield { data: new Uint8Array(6), shape: [3, 2] };
        yield { data: new Uint8Array(8), shape: [4, 2] };
      })(),
    }));
    const io = await NWBHDF5IO.open(target, "w");
    await expect(io.write(nwbfile)).rejects.toThrow(/frame 1 of shape \[4, 2\]/);
    expect(existsSync(target)).toBe(false);
  });
});

describe("lazy reading", () => {
  it("opening and reading a file reads no array data; a frame reads only its hyperslab", async () => {
    const spy = vi.spyOn(H5LazyDataset.prototype, "read");
    const io = await NWBHDF5IO.open(path.join(FIXTURES, "tutorial.nwb"), "r");
    const nwbfile = await io.read();
    const paths = spy.mock.contexts.map((ds) => (ds as H5LazyDataset).path);
    for (const p of paths) expect(p, `read at open: ${p}`).not.toMatch(/\/(data|timestamps)$|_logo$|_face$/);
    expect(paths.length).toBeGreaterThan(0);
    spy.mockClear();
    const series = nwbfile.acquisition.get("ImageSeries") as ImageSeries;
    const frame = await (series.data as H5LazyDataset).read([[5, 6]]);
    expect(frame.length).toBe(16 * 18 * 3);
    const all = (await (series.data as H5LazyDataset).read()) as Uint8Array;
    expect(Array.from(frame as Uint8Array)).toEqual(Array.from(all.subarray(5 * 16 * 18 * 3, 6 * 16 * 18 * 3)));
    await expect((series.data as H5LazyDataset).read([[0, 99]])).rejects.toThrow(ValidationError);
    spy.mockRestore();
    await io.close();
  });
});

describe("append", () => {
  it("adds objects to a file pynwb wrote; old and new objects are read, and the result is valid", async () => {
    const { validate, h5pyLayout, sha256 } = await import("./helpers.js");
    const file = path.join(tmp.dir, "appended.nwb");
    copyFileSync(path.join(FIXTURES, "compressed.nwb"), file);
    const io = await NWBHDF5IO.open(file, "a");
    const nwbfile = await io.read();
    const camera = nwbfile.devices.get("camera")!;
    const oldVideo = nwbfile.acquisition.get("behavior_video") as ImageSeries;
    const oldSha = sha256((await (oldVideo.data as H5LazyDataset).read()) as Uint16Array);
    nwbfile.addAcquisition(new ImageSeries({ name: "second_camera", data: { data: new Uint8Array(2 * 4 * 4).fill(9), shape: [2, 4, 4] }, rate: 5, device: camera }));
    nwbfile.createDevice({ name: "monitor", description: "stimulus screen" });
    await io.write(nwbfile);
    await io.close();
    expect(filesIn(tmp.dir).filter((f) => f.includes("tsnwb-tmp"))).toEqual([]);

    expect(validate(file).code).toBe(0);
    expect(validate(file, true).code).toBe(0);
    const layout = h5pyLayout(file);
    expect(layout["/acquisition/second_camera/device"]).toEqual({ kind: "softlink", target: "/general/devices/camera" });
    expect(layout["/acquisition/behavior_video/data"]).toMatchObject({ compression: "gzip", chunks: [1, 64, 48] });
    expect(layout["/general/devices/monitor"]!.attrs!.description!.value).toBe("stimulus screen");
    expect(layout["/"]!.attrs![".specloc"]!.value).toBe("/specifications");

    const r = await NWBHDF5IO.open(file, "r");
    const back = await r.read();
    const second = back.acquisition.get("second_camera") as ImageSeries;
    expect(second.device).toBe(back.devices.get("camera"));
    expect(sha256((await ((back.acquisition.get("behavior_video") as ImageSeries).data as H5LazyDataset).read()) as Uint16Array)).toBe(oldSha);
    expect(back.subject?.subject_id).toBe("mouse-1");
    await r.close();
  });

  it("an append that is not written leaves the file untouched", async () => {
    const file = path.join(tmp.dir, "untouched.nwb");
    copyFileSync(path.join(FIXTURES, "zstack.nwb"), file);
    const before = readFileSync(file);
    const io = await NWBHDF5IO.open(file, "a");
    await io.read();
    await io.close();
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(filesIn(tmp.dir).filter((f) => f.includes("tsnwb-tmp"))).toEqual([]);
  });
});
