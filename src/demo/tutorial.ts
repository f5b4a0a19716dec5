/**
 * pynwb's "Storing Image Data in NWB" tutorial, end to end, on data built into the package: no network and
 * nothing outside the package. `tsnwb demo` runs it.
 */
import { promises as fsp } from "node:fs";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import {
  AbstractFeatureSeries, GrayscaleImage, ImageReferences, ImageSeries, Images, IndexSeries, NWBFile, OpticalSeries,
  RGBAImage, RGBImage,
} from "../index.js";

/** The picture shipped with the package, from which the logo images are made. */
export const LOGO_PATH = fileURLToPath(new URL("../../assets/tsnwb-logo.png", import.meta.url));

/** Frames per external file, as in the tutorial: 2 + 2 + 3. */
export const EXTERNAL_FRAMES = [2, 2, 3];

/** A small deterministic generator, so the demo writes the same pixels every time. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomFrames(shape: number[], seed: number): { data: Uint8Array; shape: number[] } {
  const next = mulberry32(seed);
  const data = new Uint8Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(next() * 255);
  return { data, shape };
}

/** A stylised raccoon face (rows x cols x 3): grey head, dark mask, white eyes. */
export function raccoonFace(rows = 60, cols = 80): { data: Uint8Array; shape: number[] } {
  const data = new Uint8Array(rows * cols * 3);
  const cy = rows / 2, cx = cols / 2;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const dy = (y - cy) / (rows * 0.45), dx = (x - cx) / (cols * 0.42);
      let rgb = [214, 226, 200];
      if (dx * dx + dy * dy < 1) rgb = [128, 124, 120];
      if (Math.abs(y - cy + rows * 0.05) < rows * 0.1 && dx * dx + dy * dy < 0.9) rgb = [40, 36, 34];
      for (const ex of [cx - cols * 0.17, cx + cols * 0.17]) {
        if ((x - ex) ** 2 + (y - cy + rows * 0.05) ** 2 < (rows * 0.06) ** 2) rgb = [250, 250, 250];
      }
      if ((x - cx) ** 2 / 9 + (y - cy - rows * 0.2) ** 2 / 4 < (rows * 0.02) ** 2 * 4) rgb = [20, 20, 20];
      data.set(rgb, (y * cols + x) * 3);
    }
  }
  return { data, shape: [rows, cols, 3] };
}

/** ITU-R BT.601 luminance of an RGB or RGBA image. */
export function toGrayscale(image: { data: Uint8Array; shape: number[] }): { data: Uint8Array; shape: number[] } {
  const [rows, cols, channels] = image.shape as [number, number, number];
  const out = new Uint8Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    const p = i * channels;
    out[i] = Math.round(0.299 * image.data[p]! + 0.587 * image.data[p + 1]! + 0.114 * image.data[p + 2]!);
  }
  return { data: out, shape: [rows, cols] };
}

function dropAlpha(image: { data: Uint8Array; shape: number[] }): { data: Uint8Array; shape: number[] } {
  const [rows, cols] = image.shape as [number, number];
  const out = new Uint8Array(rows * cols * 3);
  for (let i = 0; i < rows * cols; i++) out.set(image.data.subarray(i * 4, i * 4 + 3), i * 3);
  return { data: out, shape: [rows, cols, 3] };
}

/**
 * Writes the three multi-page TIFF files of the `ExternalFiles` series into `folder` (2, 2 and 3 frames) and
 * returns their paths relative to it.
 */
export async function writeExternalTiffs(folder: string, frameShape = [50, 50, 3]): Promise<string[]> {
  await fsp.mkdir(nodePath.join(folder, "images"), { recursive: true });
  const [rows, cols, channels] = frameShape as [number, number, number];
  const paths: string[] = [];
  for (const [i, frames] of EXTERNAL_FRAMES.entries()) {
    const { data } = randomFrames([frames, rows, cols, channels], 100 + i);
    const relative = `images/file_${i + 1}.tiff`;
    await sharp(Buffer.from(data.buffer, data.byteOffset, data.length), {
      raw: { width: cols, height: rows * frames, channels: channels as 3, pageHeight: rows },
    }).tiff().toFile(nodePath.join(folder, relative));
    paths.push(relative);
  }
  return paths;
}

/** Builds the tutorial's NWBFile. External TIFFs are written next to `nwbPath`. */
export async function buildTutorialFile(nwbPath: string): Promise<NWBFile> {
  const nwbfile = new NWBFile({
    session_description: "my first synthetic recording",
    identifier: globalThis.crypto.randomUUID(),
    session_start_time: "2018-04-25T02:30:03-07:00",
    experimenter: ["Baggins, Bilbo"],
    lab: "Bag End Laboratory",
    institution: "University of Middle Earth at the Shire",
    experiment_description: "I went on an adventure to reclaim vast treasures.",
    session_id: "LONELYMTN001",
  });

  nwbfile.addStimulus(new OpticalSeries({
    name: "StimulusPresentation",
    data: randomFrames([200, 50, 50, 3], 1),
    unit: "n.a.",
    rate: 1.0,
    distance: 0.7,
    field_of_view: [0.2, 0.3, 0.7],
    orientation: "lower left",
    description: "The images presented to the subject as stimuli",
  }));

  const features = new Float64Array(200 * 3);
  const next = mulberry32(2);
  for (let i = 0; i < features.length; i++) features[i] = next();
  nwbfile.addStimulus(new AbstractFeatureSeries({
    name: "StimulusFeatures",
    data: { data: features, shape: [200, 3] },
    timestamps: { data: Float64Array.from({ length: 200 }, (_, i) => i / 199), shape: [200] },
    features: ["luminance", "contrast", "spatial frequency"],
    feature_units: ["n.a.", "n.a.", "cycles/degree"],
    description: "Features of the visual stimuli",
  }));

  nwbfile.addAcquisition(new ImageSeries({
    name: "ImageSeries",
    data: randomFrames([200, 50, 50, 3], 3),
    description: "Image data of an animal moving in environment.",
    unit: "n.a.",
    rate: 1.0,
  }));

  const external = await writeExternalTiffs(nodePath.dirname(nwbPath));
  nwbfile.addAcquisition(new ImageSeries({
    name: "ExternalFiles",
    external_file: external,
    format: "external",
    starting_frame: [0, 2, 4],
    timestamps: [0.0, 0.04, 0.07, 0.1, 0.14, 0.16, 0.21],
    description: "Behavior video of animal moving in environment.",
    unit: "n.a.",
  }));

  // The tutorial opens its picture with an imaging library; here one call reads it (an RGBA PNG: an RGBAImage).
  const logo = await RGBAImage.fromFile(LOGO_PATH, { name: "tsnwb_RGBA_logo", resolution: 70.0, description: "RGBA version of the tsnwb logo." });
  const rgba = { data: (await logo.data.read()) as Uint8Array, shape: logo.data.shape };
  nwbfile.addAcquisition(new Images({
    name: "logo_images",
    description: "A collection of logo images presented to the subject.",
    images: [
      new RGBImage({ name: "tsnwb_RGB_logo", data: dropAlpha(rgba), resolution: 70.0, description: "RGB version of the tsnwb logo." }),
      logo,
      new GrayscaleImage({ name: "tsnwb_Grayscale_logo", data: toGrayscale(rgba), resolution: 35.433071, description: "Grayscale version of the tsnwb logo." }),
    ],
  }));

  const face = raccoonFace();
  const rgbFace = new RGBImage({ name: "rgb_face", data: face, resolution: 70.0, description: "RGB version of a raccoon." });
  const grayFace = new GrayscaleImage({ name: "gs_face", data: toGrayscale(face), resolution: 35.433071, description: "Grayscale version of a raccoon." });
  const raccoons = new Images({ name: "raccoons", images: [rgbFace, grayFace], description: "A collection of raccoons." });
  raccoons.setOrder(new ImageReferences({ name: "order_of_images", data: [rgbFace, grayFace] }));
  nwbfile.addStimulusTemplate(raccoons);

  nwbfile.addStimulus(new IndexSeries({
    name: "stimuli",
    data: [0, 1, 0, 1],
    indexed_images: raccoons,
    timestamps: [0.1, 0.2, 0.3, 0.4],
  }));
  return nwbfile;
}
