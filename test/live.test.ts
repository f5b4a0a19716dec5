/**
 * Live acquisition: a writer with `{ live: true }` grows a series while other processes (h5py with SWMR, tsnwb)
 * read the frames it has flushed; a killed live writer leaves a file h5py opens, restored to its last flush by its
 * undo journal; temporary files of crashed writes and journals of interrupted ones are reported by `tsnwb info`
 * and cleaned by `tsnwb clean`. (`kill.test.ts` kills every write path at every file operation.)
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ImageSeries, NWBHDF5IO } from "../src/index.js";
import type { H5LazyDataset } from "../src/io/hdf5/lazy-dataset.js";
import { ROOT, TSNWB, filesIn, h5py, tempFolder, validate } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

/** A writer process: a live file with a growable 4x6 series, `frames` frames appended and flushed, then it waits (or closes). */
function writerScript(file: string, frames: number, then: "wait" | "close"): string {
  const script = path.join(tmp.dir, `writer-${path.basename(file)}.mjs`);
  writeFileSync(script, `
import { NWBFile, NWBHDF5IO, ImageSeries, H5DataIO, SeriesAppender } from ${JSON.stringify(path.join(ROOT, "dist", "index.js"))};
const nwbfile = new NWBFile({ session_description: "live", identifier: "live-acquisition-1", session_start_time: "2024-01-01T00:00:00+00:00" });
const camera = new ImageSeries({ name: "camera", data: H5DataIO.growable([4, 6], "uint8"), timestamps: H5DataIO.growable([], "float64"), unit: "n.a." });
nwbfile.addAcquisition(camera);
const io = await NWBHDF5IO.open(${JSON.stringify(file)}, "w", { live: true });
await io.write(nwbfile);
const appender = SeriesAppender.open(io, camera);
for (let i = 0; i < ${frames}; i++) {
  appender.append({ data: new Uint8Array(24).fill(i + 1), shape: [4, 6] }, i * 0.1);
  appender.flush();
}
console.log("flushed ${frames}");
if (${JSON.stringify(then)} === "close") { appender.close(); await io.close(); console.log("closed"); }
else setInterval(() => undefined, 1000);
`);
  return script;
}

/** Starts a writer and resolves once it has printed `line`. */
function startWriter(script: string, line: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(line)) resolve(child);
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`writer exited (${code}) before "${line}": ${out}${err}`)));
  });
}

describe("live acquisition", () => {
  it("readers see the frames a live writer has flushed; a killed writer leaves a file h5py and tsnwb open", async () => {
    const file = path.join(tmp.dir, "live.nwb");
    const writer = await startWriter(writerScript(file, 5, "wait"), "flushed 5");
    try {
      // While the writer runs: the file is at its path, and SWMR readers see the 5 frames.
      expect(filesIn(tmp.dir).filter((f) => f.endsWith(".tsnwb-tmp"))).toEqual([]);
      const seen = spawnSync("/usr/bin/python3", ["-c", `import h5py, sys
f = h5py.File(sys.argv[1], "r", swmr=True)
d = f["acquisition/camera/data"]
print(d.shape, d[:, 0, 0].tolist(), f["acquisition/camera/timestamps"][()].tolist())`, file], { encoding: "utf8" });
      expect(seen.stdout.trim(), seen.stderr).toBe("(5, 4, 6) [1, 2, 3, 4, 5] [0.0, 0.1, 0.2, 0.30000000000000004, 0.4]");
      const reader = await NWBHDF5IO.open(file, "r");
      const series = (await reader.read()).getAcquisition("camera", ImageSeries);
      expect(series.data.shape).toEqual([5, 4, 6]);
      expect(Array.from((await series.data.read([[4, 5]])) as Uint8Array).every((v) => v === 5)).toBe(true);
      await reader.close();
    } finally {
      writer.kill("SIGKILL");
      await new Promise((r) => writer.once("exit", r));
    }
    // Killed without close: the flushed frames are there for an SWMR reader, and for tsnwb.
    const after = spawnSync("/usr/bin/python3", ["-c", `import h5py, sys
f = h5py.File(sys.argv[1], "r", swmr=True)
print(f["acquisition/camera/data"].shape, f["identifier"][()].decode())`, file], { encoding: "utf8" });
    expect(after.stdout.trim(), after.stderr).toBe("(5, 4, 6) live-acquisition-1");
    const reader = await NWBHDF5IO.open(file, "r");
    expect((await reader.read()).getAcquisition("camera", ImageSeries).data.shape).toEqual([5, 4, 6]);
    await reader.close();
  }, 60_000);

  it("a running live writer's journal is left alone; once it is killed, tsnwb clean restores its last flush, which h5py opens without SWMR", async () => {
    const dir = path.join(tmp.dir, "running");
    mkdirSync(dir);
    const file = path.join(dir, "rig.nwb");
    const writer = await startWriter(writerScript(file, 3, "wait"), "flushed 3");
    try {
      expect(filesIn(dir)).toEqual([".rig.nwb.tsnwb-journal", "rig.nwb"]);
      const clean = spawnSync(process.execPath, [TSNWB, "clean", "--json", dir], { encoding: "utf8" });
      expect(clean.status, clean.stderr).toBe(0);
      expect(JSON.parse(clean.stdout)).toEqual([]);
      expect(clean.stderr).toContain(`${path.join(dir, ".rig.nwb.tsnwb-journal")}: left alone, its writer is still running`);
      // A second writer is refused while the first runs; a reader is not.
      await expect(NWBHDF5IO.open(file, "a", { inPlace: true })).rejects.toThrow(/is being written by process \d+/);
      await expect(NWBHDF5IO.open(file, "w")).rejects.toThrow(/is being written by process \d+/);
    } finally {
      writer.kill("SIGKILL");
      await new Promise((r) => writer.once("exit", r));
    }
    // HDF5 1.10 left the superblock marked "open for write": h5py refuses the file until it is restored.
    expect(spawnSync("/usr/bin/python3", ["-c", "import h5py, sys; h5py.File(sys.argv[1], 'r')", file], { encoding: "utf8" }).stderr).toMatch(/already open for write/);
    const clean = spawnSync(process.execPath, [TSNWB, "clean", dir], { encoding: "utf8" });
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(`restored ${file} as it was before an interrupted write`);
    expect(filesIn(dir)).toEqual(["rig.nwb"]);
    expect(h5py(file, `print(f["acquisition/camera/data"].shape, f["acquisition/camera/data"][:, 0, 0].tolist())`)).toBe("(3, 4, 6) [1, 2, 3]");
    expect(validate(file).code).toBe(0);
  }, 60_000);

  it("a live file closed normally is an ordinary valid file (h5py opens it without SWMR)", async () => {
    const file = path.join(tmp.dir, "live-closed.nwb");
    const writer = await startWriter(writerScript(file, 3, "close"), "closed");
    await new Promise((r) => writer.once("exit", r));
    expect(h5py(file, `print(f["acquisition/camera/data"].shape, f["acquisition/camera/timestamps"].shape)`)).toBe("(3, 4, 6) (3,)");
    expect(validate(file).code).toBe(0);
    // Its growing series is indexed by HDF5 1.10's extensible array, which tsnwb reads itself (direct-read.ts).
    const reader = await NWBHDF5IO.open(file, "r");
    const data = (await reader.read()).getAcquisition("camera", ImageSeries).data as H5LazyDataset;
    expect(Array.from((await data.read()) as Uint8Array)).toEqual([1, 2, 3].flatMap((v) => new Array<number>(24).fill(v)));
    expect((data as unknown as { direct: unknown }).direct).toBeTruthy();
    await reader.close();
  }, 60_000);
});

describe("leftovers of crashed writes", () => {
  it("an in-place append killed before close leaves its journal: tsnwb info reports it, and opening the file or tsnwb clean restores it byte for byte", async () => {
    const dir = path.join(tmp.dir, "in-place");
    mkdirSync(dir);
    const file = path.join(dir, "session.nwb");
    const writer = await startWriter(writerScript(file, 2, "close"), "closed");
    await new Promise((r) => writer.once("exit", r));
    const original = readFileSync(file);
    // Frames appended and flushed, a new series written (HDF5 rewrites the file's metadata), then a kill.
    const script = path.join(tmp.dir, "append-killed.mjs");
    writeFileSync(script, `
import { NWBHDF5IO, ImageSeries, SeriesAppender, TimeSeries } from ${JSON.stringify(path.join(ROOT, "dist", "index.js"))};
const io = await NWBHDF5IO.open(process.argv[2], "a", { inPlace: true });
const nwbfile = await io.read();
nwbfile.addAcquisition(new TimeSeries({ name: "added", data: [1, 2, 3], unit: "V", rate: 10 }));
await io.write(nwbfile);
const appender = SeriesAppender.open(io, nwbfile.getAcquisition("camera", ImageSeries));
appender.append({ data: new Uint8Array(24).fill(9), shape: [4, 6] }, 1);
appender.flush();
process.kill(process.pid, "SIGKILL");
`);
    expect(spawnSync(process.execPath, [script, file]).signal).toBe("SIGKILL");
    expect(readFileSync(file).equals(original)).toBe(false);
    expect(filesIn(dir)).toEqual([".session.nwb.tsnwb-journal", "session.nwb"]);
    const info = spawnSync(process.execPath, [TSNWB, "info", file], { encoding: "utf8" });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stderr).toContain(`${path.join(dir, ".session.nwb.tsnwb-journal")}: the journal of a write into session.nwb (in place or live)`);
    expect(info.stderr).toContain(`${file} was restored as it was before an interrupted write`);
    expect(readFileSync(file).equals(original)).toBe(true);
    expect(filesIn(dir)).toEqual(["session.nwb"]);

    // Killed again: tsnwb clean restores it.
    expect(spawnSync(process.execPath, [script, file]).signal).toBe("SIGKILL");
    const clean = spawnSync(process.execPath, [TSNWB, "clean", "--json", dir], { encoding: "utf8" });
    expect(clean.status, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toEqual([path.join(dir, ".session.nwb.tsnwb-journal")]);
    expect(readFileSync(file).equals(original)).toBe(true);
    expect(filesIn(dir)).toEqual(["session.nwb"]);
  });

  it("tsnwb info reports a crashed write's temporary file, tsnwb clean removes it", () => {
    const dir = path.join(tmp.dir, "crash");
    spawnSync("mkdir", ["-p", dir]);
    const file = path.join(dir, "session.nwb");
    // A write killed before close(): its temporary file stays, the target never appears.
    const script = path.join(tmp.dir, "crash.mjs");
    writeFileSync(script, `
import { NWBFile, NWBHDF5IO } from ${JSON.stringify(path.join(ROOT, "dist", "index.js"))};
const io = await NWBHDF5IO.open(${JSON.stringify(file)}, "w");
await io.write(new NWBFile({ session_description: "s", identifier: "crashed-write", session_start_time: "2024-01-01T00:00:00+00:00" }));
process.kill(process.pid, "SIGKILL");
`);
    spawnSync(process.execPath, [script]);
    const leftovers = filesIn(dir);
    expect(leftovers).toHaveLength(1);
    expect(leftovers[0]).toMatch(/^\.session\.nwb\.[0-9a-f]{8}\.tsnwb-tmp$/);
    expect(existsSync(file)).toBe(false);
    const info = spawnSync(process.execPath, [TSNWB, "info", file], { encoding: "utf8" });
    expect(info.status).toBe(1);
    expect(info.stderr).toContain(`${path.join(dir, leftovers[0]!)}: a temporary file a crashed write of session.nwb left`);
    expect(info.stderr).toContain(`remove it with: tsnwb clean ${dir}`);
    const clean = spawnSync(process.execPath, [TSNWB, "clean", "--json", dir], { encoding: "utf8" });
    expect(clean.status, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toEqual([path.join(dir, leftovers[0]!)]);
    expect(filesIn(dir)).toEqual([]);
    expect(spawnSync(process.execPath, [TSNWB, "clean", path.join(dir, "missing")], { encoding: "utf8" }).status).toBe(1);
  });
});
