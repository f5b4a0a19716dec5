/**
 * The `tsnwb` command end to end: demo, info and export, run as a user runs them (the built CLI).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT, h5pyLayout, tempFolder, validate } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());
const cli = (...args: string[]) => execFileSync(process.execPath, [path.join(ROOT, "dist", "cli", "main.js"), ...args], { encoding: "utf8" });

describe("tsnwb", () => {
  it("demo writes the tutorial (into a new folder), with its external files, and lists it", () => {
    const out = path.join(tmp.dir, "new-folder", "tutorial.nwb");
    const printed = cli("demo", "--out", out);
    expect(printed).toMatch(/wrote .*tutorial\.nwb/);
    for (const line of [
      "session_start_time: 2018-04-25T02:30:03-07:00",
      "StimulusPresentation (OpticalSeries)  data uint8[200, 50, 50, 3]  rate 1 Hz from 0 s  distance 0.7 m, field_of_view float64[3]",
      "ExternalFiles (ImageSeries)  data uint8[0, 0, 0]  timestamps float64[7]  external images/file_1.tiff, images/file_2.tiff, images/file_3.tiff starting_frame [0, 2, 4]",
      "stimuli (IndexSeries)  data uint32[4]  timestamps float64[4]  indexes -> /stimulus/templates/raccoons",
      "raccoons (Images)  order: rgb_face, gs_face",
      "tsnwb_RGBA_logo (RGBAImage)  uint8[80, 96, 4]",
    ]) expect(printed).toContain(line);
    expect(validate(out).code).toBe(0);
    expect(validate(out, true).code).toBe(0);
    for (const i of [1, 2, 3]) expect(existsSync(path.join(tmp.dir, "new-folder", "images", `file_${i}.tiff`))).toBe(true);
  });

  it("info lists a file pynwb wrote", () => {
    const printed = cli("info", path.join(FIXTURES, "compressed.nwb"));
    expect(printed).toContain("behavior_video (ImageSeries)  data uint16[41, 64, 48] chunks [1, 64, 48] gzip  timestamps float64[41]  device -> /general/devices/camera");
    expect(printed).toContain("subject: mouse-1 Mus musculus P90D");
  });

  it("export copies a file, keeping chunks and compression", () => {
    const out = path.join(tmp.dir, "exported.nwb");
    cli("export", path.join(FIXTURES, "compressed.nwb"), out);
    expect(validate(out).code).toBe(0);
    expect(h5pyLayout(out)["/acquisition/behavior_video/data"]).toMatchObject({ chunks: [1, 64, 48], compression: "gzip", dtype: "uint16", shape: [41, 64, 48] });
  });

  it("the benchmark runs in every mode and prints its JSON line (figures are not asserted: no timed tests)", () => {
    for (const mode of ["raw", "gzip", "stream"]) {
      const out = path.join(tmp.dir, `bench-${mode}.nwb`);
      const printed = execFileSync(process.execPath, [path.join(ROOT, "dist", "bench", "bench.js"), "--frames", "12", "--height", "16", "--width", "20", "--mode", mode, "--out", out, "--keep"], { encoding: "utf8" });
      const result = JSON.parse(printed.trim().split("\n").at(-1)!) as Record<string, unknown>;
      expect(Object.keys(result)).toEqual(expect.arrayContaining(["impl", "mode", "MB", "write_MBps", "open_ms", "one_frame_ms", "read_all_MBps", "peak_rss_MB", "file_MB"]));
      expect([result.impl, result.mode, result.MB]).toEqual(["tsnwb", mode, 0]);
      expect(validate(out).code).toBe(0);
    }
  });

  it("fails with a clear message and status 1 on a missing file", () => {
    let status = 0;
    let stderr = "";
    try {
      execFileSync(process.execPath, [path.join(ROOT, "dist", "cli", "main.js"), "info", path.join(tmp.dir, "missing.nwb")], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: string }).stderr);
    }
    expect(status).toBe(1);
    expect(stderr).toMatch(/tsnwb: no such file or object: .*missing\.nwb/);
  });
});
