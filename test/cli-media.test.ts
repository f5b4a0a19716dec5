/**
 * `tsnwb images`, `video`, `info --json` and `frames` as a user runs them (the built CLI): outputs validated and
 * read back with h5py, exit status 0 / 1 (a user error, one line) / 2 (a file that cannot be read), and no output
 * file left behind by an error.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, filesIn, h5py, validate } from "./helpers.js";
import { type Inputs, useInputs } from "./media-inputs.js";

const media = useInputs();
const tmp = { dir: media.dir };
let inputs: Inputs;
beforeAll(() => {
  inputs = media.inputs();
});

function tsnwb(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, "dist", "cli", "main.js"), ...args], { encoding: "utf8", cwd: tmp.dir });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const out = (name: string) => path.join(tmp.dir, name);

describe("tsnwb images", () => {
  it("a folder becomes an ImageSeries (natural order) with the session options; valid", () => {
    const r = tsnwb("images", inputs.folder, "-o", out("folder.nwb"), "--rate", "10", "--name", "movie", "--identifier", "cli-1",
      "--session-start-time", "2024-03-04T05:06:07-05:00", "--experimenter", "Lovelace, Ada", "--lab", "Engines");
    expect(r.stderr).toBe("");
    expect([r.status, r.stdout.trim()]).toEqual([0, `wrote ${out("folder.nwb")}: 12 frame(s) in 'movie'`]);
    expect(validate(out("folder.nwb")).code).toBe(0);
    expect(h5py(out("folder.nwb"), `d = f["acquisition/movie/data"]; print(d.shape, d.dtype, [int(d[i, 0, 0]) for i in range(12)], f["identifier"][()].decode(), f["general/lab"][()].decode(), f["acquisition/movie/starting_time"].attrs["rate"])`))
      .toBe(`(12, 6, 8) uint8 [${Array.from({ length: 12 }, (_, i) => (i + 1) * 20).join(", ")}] cli-1 Engines 10.0`);
  });

  it("several images become an Images with order_of_images; --stimulus puts them in stimulus templates; --json", () => {
    const r = tsnwb("images", inputs.grey16, inputs.rgb, inputs.rgba, "-o", out("images.nwb"), "--stimulus", "--name", "pictures", "--json");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file: out("images.nwb"), object: "pictures", kind: "images", count: 3 });
    expect(validate(out("images.nwb")).code).toBe(0);
    expect(h5py(out("images.nwb"), `g = f["stimulus/templates/pictures"]; print([f[r].name.split("/")[-1] for r in g["order_of_images"][()]], g["grey16"].dtype, g["grey16"].attrs["neurodata_type"], g["rgba"].shape)`))
      .toBe("['grey16', 'rgb', 'rgba'] uint16 GrayscaleImage (6, 8, 4)");
  });

  it("a multi-page TIFF as a stimulus series is an OpticalSeries, which needs its geometry", () => {
    const missing = tsnwb("images", inputs.tiff, "-o", out("optical-missing.nwb"), "--stimulus", "--rate", "2");
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/--distance, --field-of-view and --orientation/);
    expect(existsSync(out("optical-missing.nwb"))).toBe(false);
    const r = tsnwb("images", inputs.tiff, "-o", out("optical.nwb"), "--stimulus", "--rate", "2", "--distance", "0.5", "--field-of-view", "0.1,0.2", "--orientation", "up");
    expect(r.status).toBe(0);
    expect(validate(out("optical.nwb")).code).toBe(0);
    expect(h5py(out("optical.nwb"), `d = f["stimulus/presentation/series"]; print(d.attrs["neurodata_type"], d["data"].shape, list(d["field_of_view"][()]))`)).toBe("OpticalSeries (3, 6, 8, 3) [0.1, 0.2]");
  });

  it("--into adds to an existing file, and --timestamps reads times from a file", () => {
    copyFileSync(out("images.nwb"), out("into.nwb"));
    writeFileSync(out("times.txt"), Array.from({ length: 12 }, (_, i) => (i * 0.5).toString()).join("\n"));
    const r = tsnwb("images", inputs.folder, "--into", out("into.nwb"), "--timestamps", out("times.txt"), "--name", "later");
    expect(r.status).toBe(0);
    expect(validate(out("into.nwb")).code).toBe(0);
    expect(h5py(out("into.nwb"), `print(sorted(f["acquisition"].keys()), sorted(f["stimulus/templates"].keys()), f["acquisition/later/timestamps"][-1])`)).toBe("['later'] ['pictures'] 5.5");
  });

  it("errors: a missing file (1), mixed frame sizes (1), an unreadable image (2), bad options (1); never an output file", () => {
    const cases: [string[], number, RegExp][] = [
      [["images", out("nope.png"), "-o", out("e1.nwb")], 1, /no such file or folder: .*nope\.png/],
      [["images", path.join(inputs.folder, "1.png"), inputs.other, "--as", "series", "--rate", "1", "-o", out("e2.nwb")], 1, /wider\.png: 6x10/],
      [["images", inputs.garbage, "-o", out("e3.nwb")], 2, /garbage\.png: not an image/],
      [["images", inputs.folder, "-o", out("e4.nwb")], 1, /--rate HZ or --timestamps FILE/],
      [["images", inputs.folder, "-o", out("e5.nwb"), "--rate", "fast"], 1, /'--rate': expected a number/],
      [["images", inputs.folder, "--bogus"], 1, /unknown option '--bogus'/],
      [["images", inputs.folder, "--rate", "1"], 1, /either -o\/--output FILE/],
    ];
    for (const [args, status, message] of cases) {
      const r = tsnwb(...args);
      expect([r.status, r.stderr], args.join(" ")).toEqual([status, expect.stringMatching(message)]);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
    for (const i of [1, 2, 3, 4, 5]) expect(existsSync(out(`e${i}.nwb`))).toBe(false);
    expect(filesIn(tmp.dir).filter((f) => f.includes("tsnwb-tmp"))).toEqual([]);
  });

  it("--help on each command exits 0", () => {
    for (const command of ["images", "video", "info", "frames", "export", "demo"]) {
      const r = tsnwb(command, "--help");
      expect([r.status, r.stdout.includes(`Usage: tsnwb ${command}`)], command).toEqual([0, true]);
    }
  });
});

describe("tsnwb video", () => {
  it("stores MP4 and MOV files as an external-file ImageSeries with frame counts and rate, paths relative", () => {
    const r = tsnwb("video", inputs.cfr, inputs.cfr, "-o", out("videos.nwb"), "--name", "camera", "--json");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file: out("videos.nwb"), object: "camera", external_file: ["cfr.mp4", "cfr.mp4"].map(out), starting_frame: [0, 30], rate: 25 });
    expect(validate(out("videos.nwb")).code).toBe(0);
    expect(h5py(out("videos.nwb"), `g = f["acquisition/camera"]; print(list(g["external_file"].asstr()[()]), list(g["external_file"].attrs["starting_frame"]), g["format"][()].decode(), g["starting_time"].attrs["rate"])`))
      .toBe("['cfr.mp4', 'cfr.mp4'] [0, 30] external 25.0");
  });

  it("a variable frame rate gives per-frame timestamps; an unsupported format is an error (2) naming it, unless --no-check", () => {
    const r = tsnwb("video", inputs.vfr, "-o", out("vfr.nwb"));
    expect([r.status, r.stdout]).toEqual([0, expect.stringMatching(/per-frame timestamps/)]);
    expect(h5py(out("vfr.nwb"), `print(len(f["acquisition/video/timestamps"][()]))`)).toBe("20");
    expect(validate(out("vfr.nwb")).code).toBe(0);
    writeFileSync(out("twelve.txt"), Array.from({ length: 12 }, (_, i) => String(i / 10)).join(" "));
    const wrong = tsnwb("video", inputs.cfr, "-o", out("wrong-times.nwb"), "--timestamps", out("twelve.txt"));
    expect([wrong.status, wrong.stderr]).toEqual([1, expect.stringMatching(/timestamps.*one per frame of the videos \(30: cfr\.mp4 30\), got 12/)]);
    expect(existsSync(out("wrong-times.nwb"))).toBe(false);
    const missing = tsnwb("video", out("none.mp4"), "-o", out("none.nwb"));
    expect([missing.status, missing.stderr]).toEqual([1, expect.stringMatching(/no such video file/)]);
    expect(existsSync(out("none.nwb"))).toBe(false);
    const avi = tsnwb("video", inputs.avi, "-o", out("avi.nwb"));
    expect([avi.status, avi.stderr]).toEqual([2, expect.stringMatching(/MP4 and MOV files only, not \.avi/)]);
    expect(existsSync(out("avi.nwb"))).toBe(false);
    const unchecked = tsnwb("video", inputs.avi, "-o", out("avi.nwb"), "--no-check", "--rate", "10");
    expect(unchecked.status).toBe(0);
    expect(validate(out("avi.nwb")).code).toBe(0);
  });
});

describe("tsnwb info --json and tsnwb frames", () => {
  it("info --json gives the session, every object's arrays (chunks, compression) and links as data", () => {
    const r = tsnwb("info", out("folder.nwb"), "--json");
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as { nwb_version: string; session: Record<string, unknown>; objects: { path: string; neurodata_type: string; arrays: Record<string, { shape: number[]; chunks: number[] | null; compression: string | null }> }[] };
    expect(info.nwb_version).toBe("2.7.0");
    expect(info.session).toMatchObject({ identifier: "cli-1", session_start_time: "2024-03-04T05:06:07-05:00", experimenter: ["Lovelace, Ada"], lab: "Engines" });
    const movie = info.objects.find((o) => o.path === "/acquisition/movie")!;
    expect(movie.neurodata_type).toBe("ImageSeries");
    expect(movie.arrays.data).toMatchObject({ shape: [12, 6, 8], chunks: expect.any(Array), compression: null });
    const text = tsnwb("info", out("folder.nwb"));
    expect(text.stdout).toMatch(/movie \(ImageSeries\)  data uint8\[12, 6, 8\] chunks \[\d+, 6, 8\]/);
  });

  it("frames writes a series' frames, or an Images' images, as PNG files equal to the stored pixels", async () => {
    const r = tsnwb("frames", out("folder.nwb"), "/acquisition/movie", "-o", out("pngs"), "--frames", "2:4");
    expect(r.status).toBe(0);
    expect(filesIn(out("pngs"))).toEqual(["movie_02.png", "movie_03.png"]);
    const { data } = await sharp(path.join(out("pngs"), "movie_03.png")).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
    expect(Array.from(data)).toEqual(Array(48).fill(80));
    const images = tsnwb("frames", out("images.nwb"), "stimulus/templates/pictures", "-o", out("pictures"), "--json");
    expect(JSON.parse(images.stdout)).toEqual({ files: ["grey16", "rgb", "rgba"].map((n) => path.join(out("pictures"), `${n}.png`)) });
    expect((await sharp(path.join(out("pictures"), "grey16.png")).metadata()).depth).toBe("ushort");
    const missing = tsnwb("frames", out("folder.nwb"), "/acquisition/nothing", "-o", out("none"));
    expect([missing.status, missing.stderr]).toEqual([1, expect.stringMatching(/no typed object at \/acquisition\/nothing/)]);
  });
});
