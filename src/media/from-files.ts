/**
 * NWB objects from image and video files, and images back to PNG: the library calls behind `Image.fromFile`,
 * `Images.fromFiles`, `ImageSeries.fromFiles`, `ImageSeries.fromVideos` and `tsnwb images|video|frames`.
 * A series from image files is streamed: frames are decoded one at a time as the file is written.
 */
import { mkdirSync } from "node:fs";
import * as nodePath from "node:path";
import { GrayscaleImage, RGBAImage, RGBImage } from "../generated/classes.js";
import type { Image, Images } from "../containers/base.js";
import type { ImageSeries, ImageSeriesOptions } from "../containers/image.js";
import { StreamedArray } from "../data/arrays.js";
import type { ArrayData } from "../containers/container.js";
import { ValidationError } from "../errors.js";
import { installFileSupport } from "../containers/file-support.js";
import { type DecodedImage, type ImageFileInfo, decodeImage, imageFileInfo, imageFiles, writePNG } from "./image-files.js";
import { videoInfo } from "./video-files.js";

/** What an image takes besides its pixels. */
export interface ImageFileOptions {
  /** The image's name. */
  name: string;
  /** What it shows. */
  description?: string;
  /** Pixels per centimetre. */
  resolution?: number;
}

/** A class of image: GrayscaleImage, RGBImage or RGBAImage (or Image). */
export type ImageClass<T extends Image = Image> = new (opts: { name: string; data: { data: Uint8Array | Uint16Array; shape: number[] }; description?: string; resolution?: number }) => T;

const BY_CHANNELS: Record<1 | 3 | 4, ImageClass> = { 1: GrayscaleImage, 3: RGBImage, 4: RGBAImage };

/** An image of the class the file's channels call for: grey -> GrayscaleImage, RGB -> RGBImage, RGBA or grey+alpha -> RGBAImage. */
export async function imageFromFile(file: string, opts: ImageFileOptions): Promise<Image> {
  const info = await imageFileInfo(file);
  return makeImage(BY_CHANNELS[info.channels], await decodeImage(file, 0, info), opts);
}

/** An image of class `cls` from a file whose channels fit it (an RGBImage needs an RGB file). */
export async function imageOfClassFromFile<T extends Image>(cls: ImageClass<T>, file: string, opts: ImageFileOptions): Promise<T> {
  const info = await imageFileInfo(file);
  const fits = BY_CHANNELS[info.channels];
  const neurodataType = (cls as unknown as { neurodata_type: string }).neurodata_type;
  if (neurodataType !== "Image" && fits !== (cls as unknown as ImageClass)) {
    throw new ValidationError(`${neurodataType} '${opts.name}'`, "data", `an image file whose channels fit ${neurodataType} (imageFromFile picks the class from the file)`, `${file}, which decodes to ${fits.name}`);
  }
  return makeImage(cls, await decodeImage(file, 0, info), opts);
}

function makeImage<T extends Image>(cls: ImageClass<T>, image: DecodedImage, opts: ImageFileOptions): T {
  return new cls({ ...opts, data: { data: image.data, shape: image.shape } });
}

/** An `Images` of the files (a folder's in natural order), each as its kind of image, ordered by `order_of_images`. */
export async function imagesFromFiles(ImagesClass: new (opts: { name: string; description?: string }) => Images, paths: string | string[], opts: { name: string; description?: string }): Promise<Images> {
  const files = await imageFiles(paths);
  const images = new ImagesClass({ name: opts.name, ...(opts.description !== undefined ? { description: opts.description } : {}) });
  const made: Image[] = [];
  const taken = new Set<string>();
  for (const file of files) {
    let name = nodePath.basename(file, nodePath.extname(file));
    for (let i = 2; taken.has(name); i++) name = `${nodePath.basename(file, nodePath.extname(file))}_${i}`;
    taken.add(name);
    made.push(await imageFromFile(file, { name }));
  }
  images.addImage(...made);
  const { ImageReferences } = await import("../generated/classes.js");
  images.setOrder(new ImageReferences({ data: made }));
  return images;
}

/** The frames of image files (a folder's in natural order; every page of a multi-page TIFF), checked to agree. */
export async function frameSource(paths: string | string[]): Promise<{ frames: { file: string; page: number; info: ImageFileInfo }[]; frameShape: number[]; deep: boolean }> {
  const files = await imageFiles(paths);
  const frames: { file: string; page: number; info: ImageFileInfo }[] = [];
  let first: ImageFileInfo | undefined;
  for (const file of files) {
    const info = await imageFileInfo(file);
    first ??= info;
    const differs = info.width !== first.width || info.height !== first.height || info.channels !== first.channels || info.deep !== first.deep;
    if (differs) {
      const what = (i: ImageFileInfo) => `${i.height}x${i.width}, ${i.channels} channel(s), ${i.deep ? 16 : 8}-bit`;
      throw new ValidationError("ImageSeries", "data", `frames that all match the first file ${first.file} (${what(first)})`, `${file}: ${what(info)}`);
    }
    for (let page = 0; page < info.pages; page++) frames.push({ file, page, info });
  }
  const f = first!;
  return { frames, frameShape: f.channels === 1 ? [f.height, f.width] : [f.height, f.width, f.channels], deep: f.deep };
}

/** Frames decoded one at a time, for a series' `data`. */
async function* decodeFrames(frames: { file: string; page: number; info: ImageFileInfo }[], frameShape: number[]): AsyncGenerator<{ data: Uint8Array | Uint16Array; shape: number[] }> {
  for (const { file, page, info } of frames) {
    const image = await decodeImage(file, page, info);
    if (image.shape.join() !== frameShape.join()) {
      throw new ValidationError("ImageSeries", "data", `frames of shape [${frameShape.join(", ")}]`, `${file}${info.pages > 1 ? ` page ${page}` : ""}: [${image.shape.join(", ")}]`);
    }
    yield { data: image.data, shape: image.shape };
  }
}

/** Options of a series from image files: an ImageSeries' (or a subclass's), without `data`. */
export type SeriesFromFilesOptions<O> = Omit<O, "data" | "external_file" | "starting_frame">;

/** A series streamed from image files: nothing is decoded until the file is written. */
export async function seriesFromFiles<T extends ImageSeries, O extends ImageSeriesOptions>(cls: new (opts: O) => T, paths: string | string[], opts: SeriesFromFilesOptions<O>): Promise<T> {
  const { frames, frameShape, deep } = await frameSource(paths);
  const timestamps = (opts as { timestamps?: unknown }).timestamps;
  if (Array.isArray(timestamps) && timestamps.length !== frames.length) {
    throw new ValidationError(`ImageSeries '${(opts as { name?: string }).name}'`, "timestamps", `one per frame (${frames.length})`, `${timestamps.length}`);
  }
  const data: ArrayData = new StreamedArray(decodeFrames(frames, frameShape), deep ? "uint16" : "uint8");
  return new cls({ ...opts, data } as unknown as O);
}

/** Options of an external-file series from videos. */
export type SeriesFromVideosOptions<O> = Omit<O, "data" | "external_file" | "starting_frame"> & {
  /** Check that each file exists and read its frames (default true); false takes the paths as given and needs `starting_frame`. */
  check?: boolean;
  /** With `check: false`: the index of each file's first frame. */
  starting_frame?: number[];
};

/**
 * An external-file series of videos: `starting_frame` from the files' real frame counts, and `rate` when every file
 * has the same constant frame rate, else per-frame `timestamps` (each file's after the previous one's end). Given
 * `timestamps` must count every frame of every file.
 */
export async function seriesFromVideos<T extends ImageSeries, O extends ImageSeriesOptions>(cls: new (opts: O) => T, paths: string[], opts: SeriesFromVideosOptions<O>): Promise<T> {
  const { check = true, ...rest } = opts;
  const name = (opts as { name?: string }).name;
  const external_file = paths.map((p) => nodePath.resolve(p));
  if (!check) return new cls({ ...rest, external_file } as unknown as O);
  const infos = [];
  for (const file of external_file) infos.push(await videoInfo(file));
  const starting_frame: number[] = [];
  let total = 0;
  for (const info of infos) {
    starting_frame.push(total);
    total += info.frames;
  }
  const given = rest as { rate?: number; timestamps?: unknown };
  const timing: { rate?: number; timestamps?: number[] } = {};
  if (Array.isArray(given.timestamps) || ArrayBuffer.isView(given.timestamps)) {
    const n = (given.timestamps as ArrayLike<number>).length;
    if (n !== total) throw new ValidationError(`${cls.name} '${name}'`, "timestamps", `one per frame of the videos (${total}: ${infos.map((i) => `${nodePath.basename(i.file)} ${i.frames}`).join(", ")})`, `${n}`);
  } else if (given.rate === undefined) {
    const rates = new Set(infos.map((i) => i.rate));
    if (rates.size === 1 && infos[0]!.rate !== undefined) timing.rate = infos[0]!.rate;
    else {
      const timestamps: number[] = [];
      let offset = 0;
      for (const info of infos) {
        timestamps.push(...info.timestamps.map((t) => t + offset));
        offset += info.duration;
      }
      timing.timestamps = timestamps;
    }
  }
  return new cls({ ...rest, ...timing, external_file, starting_frame } as unknown as O);
}

installFileSupport({ imageOfClassFromFile, imagesFromFiles, seriesFromFiles, seriesFromVideos });

/** Writes an image (or any (height, width[, channels]) uint8/uint16 array data) to a PNG file. */
export async function imageToPNG(image: Image | ArrayData, file: string): Promise<void> {
  const data = "read" in image ? image : image.data;
  const pixels = await data.read();
  await writePNG({ data: pixels as Uint8Array, shape: data.shape, dtype: data.dtype }, file);
}

/**
 * Writes frames `[start, stop)` of a series to `<folder>/<prefix>_<index>.png`; returns the paths written (`onFile`
 * hears of each as it is written).
 */
export async function framesToPNG(series: ImageSeries, folder: string, range: { start?: number; stop?: number } = {}, onFile?: (file: string) => void): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  const shape = series.data.shape;
  const frameShape = shape.slice(1);
  const start = range.start ?? 0;
  const width = String(Math.max(0, (shape[0] ?? 1) - 1)).length;
  const written: string[] = [];
  let index = start;
  for await (const frame of series.frames({ start, stop: range.stop })) {
    const file = nodePath.join(folder, `${series.name}_${String(index).padStart(width, "0")}.png`);
    await writePNG({ data: frame as Uint8Array, shape: frameShape, dtype: series.data.dtype }, file);
    written.push(file);
    onFile?.(file);
    index++;
  }
  return written;
}
