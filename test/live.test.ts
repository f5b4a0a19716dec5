/**
 * Live acquisition: a writer with `{ live: true }` grows a series while other processes (h5py with SWMR, tsnwb)
 * read the frames it has flushed; a killed live writer leaves a file h5py opens; temporary files of crashed
 * (non-live) writes are reported by `tsnwb info` and removed by `tsnwb clean`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
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
