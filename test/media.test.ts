/**
 * Image files and videos into NWB objects and back, in the library: every kind of input, pixels compared with what
 * the files were made from (exact for lossless formats; JPEG against the codec's own decoding), natural order,
 * streamed series, external videos with their real frame counts and timing, PNG out; and the errors.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import {
  GrayscaleImage, Images, ImageSeries, NWBFile, NWBHDF5IO, OpticalSeries, RGBAImage, RGBImage, framesToPNG,
  imageFromFile, imageToPNG, isTsnwbError, videoInfo,
} from "../src/index.js";
import { filesIn, h5py, validate } from "./helpers.js";
import { type Inputs, useInputs } from "./media-inputs.js";

const media = useInputs();
const tmp = { dir: media.dir };
let inputs: Inputs;
beforeAll(() => {
  inputs = media.inputs();
});

const session = () => new NWBFile({ session_description: "media", identifier: "media-1", session_start_time: "2024-02-03T04:05:06+01:00" });

async function writeFile(name: string, fill: (f: NWBFile) => void): Promise<string> {
  const file = path.join(tmp.dir, name);
  const nwbfile = session();
  fill(nwbfile);
  const io = await NWBHDF5IO.open(file, "w");
  await io.write(nwbfile);
  await io.close();
  return file;
}

const values = async (data: { read(): Promise<unknown> }) => Array.from((await data.read()) as ArrayLike<number>);

describe("images from files", () => {
  it("pick their class from the file's channels and keep its bit depth, pixels exact", async () => {
    const cases: [keyof Inputs, string, string, string][] = [
      ["grey16", "grey16", "GrayscaleImage", "uint16"], ["greyAlpha", "greyAlpha", "RGBAImage", "uint8"],
      ["rgba", "rgba", "RGBAImage", "uint8"], ["rgb", "rgb", "RGBImage", "uint8"], ["webp", "webp", "RGBImage", "uint8"],
    ];
    for (const [file, pixels, type, dtype] of cases) {
      const image = await imageFromFile(inputs[file] as string, { name: file });
      expect([image.neurodata_type, image.data.dtype, image.data.shape], file).toEqual([type, dtype, inputs.pixels[pixels]!.shape]);
      expect(await values(image.data), file).toEqual(Array.from(inputs.pixels[pixels]!.data));
    }
  });

  it("JPEG: the pixels are the codec's own decoding", async () => {
    const image = await RGBImage.fromFile(inputs.jpeg, { name: "jpeg", description: "a lossy picture" });
    const { data } = await sharp(inputs.jpeg).raw().toBuffer({ resolveWithObject: true });
    expect(await values(image.data)).toEqual(Array.from(data));
    expect(image.description).toBe("a lossy picture");
  });

  it("a class's fromFile refuses a file whose channels do not fit it", async () => {
    await expect(RGBImage.fromFile(inputs.grey16, { name: "x" })).rejects.toThrow(/whose channels fit RGBImage .* decodes to GrayscaleImage/);
    expect(await GrayscaleImage.fromFile(inputs.grey16, { name: "g" })).toBeInstanceOf(GrayscaleImage);
    expect(await RGBAImage.fromFile(inputs.greyAlpha, { name: "ga" })).toBeInstanceOf(RGBAImage);
  });

  it("an Images from a folder is in natural order (2 before 10), with order_of_images, and is valid", async () => {
    const images = await Images.fromFiles(inputs.folder, { name: "numbered", description: "twelve frames" });
    const names = Array.from({ length: 12 }, (_, i) => String(i + 1));
    expect([...images.images.keys()]).toEqual(names);
    expect(images.order_of_images!.data.map((i) => i.name)).toEqual(names);
    const file = await writeFile("images.nwb", (f) => f.addStimulusTemplate(images));
    expect(validate(file).code).toBe(0);
    expect(h5py(file, `print([f[r].name.split("/")[-1] for r in f["stimulus/templates/numbered/order_of_images"][()]])`)).toBe(`[${names.map((n) => `'${n}'`).join(", ")}]`);
  });
});

describe("a series from image files", () => {
  it("from a folder (natural order) or a multi-page TIFF, streamed, reads back exactly", async () => {
    const folder = await ImageSeries.fromFiles(inputs.folder, { name: "numbered", rate: 10 });
    expect(folder.isStreaming).toBe(true);
    const stack = await OpticalSeries.fromFiles(inputs.tiff, { name: "stack", rate: 2, distance: 0.5, field_of_view: [0.1, 0.1], orientation: "up" });
    const file = await writeFile("series.nwb", (f) => {
      f.addAcquisition(folder);
      f.addStimulus(stack);
    });
    expect(validate(file).code).toBe(0);
    const io = await NWBHDF5IO.open(file, "r");
    const back = await io.read();
    const a = back.getAcquisition("numbered", ImageSeries);
    expect([a.data.shape, a.data.dtype, a.rate]).toEqual([[12, 6, 8], "uint8", 10]);
    expect(await values(a.data)).toEqual(Array.from(inputs.pixels.folder!.data));
    const s = back.getStimulus("stack", OpticalSeries);
    expect(s.data.shape).toEqual(inputs.pixels.tiff!.shape);
    expect(await values(s.data)).toEqual(Array.from(inputs.pixels.tiff!.data));
    // The series built in memory now reads from the file it was written to.
    expect(folder.isStreaming).toBe(false);
    await io.close();
  });

  it("refuses frames of differing size, naming the first file that differs, and leaves no file", async () => {
    let error: unknown;
    try {
      await ImageSeries.fromFiles([path.join(inputs.folder, "1.png"), inputs.other], { name: "mixed", rate: 1 });
    } catch (e) {
      error = e;
    }
    expect(isTsnwbError(error, "ValidationError") && error.message).toMatch(/wider\.png: 6x10/);
  });

  it("refuses a missing file and a file that is not an image", async () => {
    await expect(ImageSeries.fromFiles([path.join(tmp.dir, "nope.png")], { name: "m", rate: 1 })).rejects.toThrow(/no such file or folder/);
    await expect(imageFromFile(inputs.garbage, { name: "g" })).rejects.toSatisfy((e) => isTsnwbError(e, "FormatError") && /garbage\.png/.test(e.message));
  });
});

describe("external videos", () => {
  it("read frame counts and timing from MP4 and MOV; a variable frame rate gives per-frame times", async () => {
    const cfr = await videoInfo(inputs.cfr);
    expect([cfr.frames, cfr.rate]).toEqual([30, 25]);
    const mov = await videoInfo(inputs.mov);
    expect([mov.frames, mov.rate]).toEqual([12, 10]);
    const vfr = await videoInfo(inputs.vfr);
    expect([vfr.frames, vfr.rate]).toEqual([20, undefined]);
    expect(vfr.timestamps.map((t) => +t.toFixed(4))).toEqual(inputs.vfrTimes.map((t) => +t.toFixed(4)));
  });

  it("fill starting_frame and rate, store paths relative to the NWB file, and are valid", async () => {
    const series = await ImageSeries.fromVideos([inputs.cfr, path.join(tmp.dir, "cfr.mp4")], { name: "video" });
    expect([series.starting_frame, series.rate, series.format]).toEqual([[0, 30], 25, "external"]);
    const file = await writeFile("videos.nwb", (f) => f.addAcquisition(series));
    expect(validate(file).code).toBe(0);
    expect(h5py(file, `print(list(f["acquisition/video/external_file"].asstr()[()]), list(f["acquisition/video/external_file"].attrs["starting_frame"]))`)).toBe("['cfr.mp4', 'cfr.mp4'] [0, 30]");
  });

  it("with different or variable rates, give per-frame timestamps (each file's after the previous one's end)", async () => {
    const series = await ImageSeries.fromVideos([inputs.vfr, inputs.mov], { name: "mixed" });
    expect(series.starting_frame).toEqual([0, 20]);
    expect(series.rate).toBeUndefined();
    const ts = await values(series.timestamps!);
    expect(ts.length).toBe(32);
    const vfr = await videoInfo(inputs.vfr);
    expect(ts.slice(0, 20).map((t) => +t.toFixed(4))).toEqual(vfr.timestamps.map((t) => +t.toFixed(4)));
    expect(+ts[20]!.toFixed(4)).toBe(+vfr.duration.toFixed(4));
  });

  it("refuse timestamps that do not count every frame, a missing file, and formats without a parser (naming them)", async () => {
    await expect(ImageSeries.fromVideos([inputs.cfr], { name: "v", timestamps: [0, 1] })).rejects.toThrow(/timestamps.*one per frame of the videos \(30: cfr\.mp4 30\), got 2/);
    await expect(ImageSeries.fromVideos([path.join(tmp.dir, "none.mp4")], { name: "v" })).rejects.toThrow(/no such video file/);
    await expect(ImageSeries.fromVideos([inputs.avi], { name: "v" })).rejects.toThrow(/MP4 and MOV files only, not \.avi: give starting_frame/);
    const unchecked = await ImageSeries.fromVideos([inputs.avi], { name: "v", check: false, rate: 10 });
    expect([unchecked.starting_frame, unchecked.rate]).toEqual([[0], 10]);
  });
});

describe("back to PNG", () => {
  it("an image keeps its bit depth; a series' frames are written one file each", async () => {
    const grey16 = await imageFromFile(inputs.grey16, { name: "g" });
    const out = path.join(tmp.dir, "out16.png");
    await imageToPNG(grey16, out);
    const meta = await sharp(out).metadata();
    expect([meta.depth, meta.channels]).toEqual(["ushort", 1]);
    const again = await imageFromFile(out, { name: "again" });
    expect(await values(again.data)).toEqual(Array.from(inputs.pixels.grey16!.data));

    const series = new ImageSeries({ name: "s", rate: 1, data: { data: inputs.pixels.tiff!.data as Uint8Array, shape: inputs.pixels.tiff!.shape } });
    const written = await framesToPNG(series, path.join(tmp.dir, "frames"), { start: 1 });
    expect(written.map((f) => path.basename(f))).toEqual(["s_1.png", "s_2.png"]);
    const frame2 = await imageFromFile(written[1]!, { name: "f2" });
    expect(await values(frame2.data)).toEqual(Array.from(inputs.pixels.tiff!.data.subarray(2 * 6 * 8 * 3)));
    expect(existsSync(path.join(tmp.dir, "frames", "s_0.png"))).toBe(false);
    expect(filesIn(path.join(tmp.dir, "frames"))).toEqual(["s_1.png", "s_2.png"]);
  });
});
