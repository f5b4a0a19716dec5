/**
 * Image files in and out, through sharp (libvips): PNG (8 and 16 bit), JPEG, TIFF (multi-page too) and WebP
 * decoded to C-order pixels of shape (height, width[, channels]) at the file's bit depth, as pynwb users store
 * `np.array(PIL.Image.open(path))`; and pixels encoded back to PNG, 16-bit staying 16-bit.
 */
import { existsSync, promises as fsp, statSync } from "node:fs";
import * as nodePath from "node:path";
import sharp, { type Metadata, type OutputInfo } from "sharp";
import { FormatError, NotFoundError, ValidationError } from "../errors.js";

/** File name endings read as images. */
export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp"];

/** The pixels of one image (or TIFF page). */
export interface DecodedImage {
  /** uint8, or uint16 for 16-bit files. */
  data: Uint8Array | Uint16Array;
  /** (height, width) for grey, (height, width, 3) for RGB, (height, width, 4) for RGBA (grey+alpha included). */
  shape: number[];
  file: string;
}

/** What an image file holds, from its header alone. */
export interface ImageFileInfo {
  /** The file's path. */
  file: string;
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
  /** Channels as decoded: 1 (grey), 3 (RGB) or 4 (RGBA; grey+alpha is expanded to RGBA). */
  channels: 1 | 3 | 4;
  /** 16 bits per sample (else 8). */
  deep: boolean;
  /** Pages of a multi-page TIFF (1 otherwise). */
  pages: number;
}

function requireFile(file: string): void {
  if (!existsSync(file)) throw new NotFoundError(file, `no such image file: ${file}`);
  if (!statSync(file).isFile()) throw new FormatError(file, "not a file");
}

/** The header of an image file: size, channels, depth, pages. */
export async function imageFileInfo(file: string): Promise<ImageFileInfo> {
  requireFile(file);
  let meta: Metadata;
  try {
    meta = await sharp(file).metadata();
  } catch (e) {
    throw new FormatError(file, `not an image sharp can read (PNG, JPEG, TIFF, WebP): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const deep = meta.depth === "ushort" || (meta.bitsPerSample ?? 8) > 8;
  const grey = meta.channels === 1 || (meta.channels === 2 && !meta.hasAlpha) || meta.space === "b-w" && !meta.hasAlpha;
  const channels = grey ? 1 : meta.hasAlpha ? 4 : 3;
  return { file, width: meta.width ?? 0, height: meta.pageHeight ?? meta.height ?? 0, channels, deep, pages: meta.pages ?? 1 };
}

/** Decodes one image file (or one page of a multi-page TIFF). */
export async function decodeImage(file: string, page = 0, info?: ImageFileInfo): Promise<DecodedImage> {
  const i = info ?? (await imageFileInfo(file));
  const space = i.channels === 1 ? (i.deep ? "grey16" : "b-w") : i.deep ? "rgb16" : "srgb";
  let out: { data: Buffer; info: OutputInfo };
  try {
    let pipeline = sharp(file, { page }).toColourspace(space);
    if (i.channels === 4) pipeline = pipeline.ensureAlpha();
    out = await pipeline.raw(i.deep ? { depth: "ushort" } : {}).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new FormatError(file, `cannot decode ${page > 0 ? `page ${page}` : "the image"}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const { data, info: o } = out;
  const pixels = i.deep ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2) : new Uint8Array(data.buffer, data.byteOffset, data.length);
  return { data: pixels, shape: o.channels === 1 ? [o.height, o.width] : [o.height, o.width, o.channels], file };
}

/** Natural order: `2.png` before `10.png`. */
export function naturalOrder(paths: string[]): string[] {
  const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  return [...paths].sort((a, b) => collator.compare(a, b));
}

/** The image files of a list of paths, a folder's taken in natural order (files not named as images are skipped). */
export async function imageFiles(paths: string | string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of Array.isArray(paths) ? paths : [paths]) {
    if (!existsSync(p)) throw new NotFoundError(p, `no such file or folder: ${p}`);
    if (statSync(p).isDirectory()) {
      const names = (await fsp.readdir(p)).filter((n) => IMAGE_EXTENSIONS.includes(nodePath.extname(n).toLowerCase()) && !n.startsWith("."));
      if (names.length === 0) throw new NotFoundError(p, `${p} holds no image files (${IMAGE_EXTENSIONS.join(", ")})`);
      out.push(...naturalOrder(names).map((n) => nodePath.join(p, n)));
    } else out.push(p);
  }
  if (out.length === 0) throw new ValidationError("images", "files", "at least one image file");
  return out;
}

/** Encodes (height, width[, channels]) uint8 or uint16 pixels as a PNG file (16-bit stays 16-bit). */
export async function writePNG(pixels: { data: ArrayLike<number> | ArrayBufferView; shape: number[]; dtype?: string }, file: string): Promise<void> {
  const [height, width, channels = 1] = pixels.shape as [number, number, number?];
  const data = pixels.data;
  const deep = data instanceof Uint16Array;
  if (!(data instanceof Uint8Array || deep) || ![2, 3].includes(pixels.shape.length) || ![1, 2, 3, 4].includes(channels)) {
    throw new ValidationError(file, "pixels", "uint8 or uint16 pixels of shape (height, width[, 1-4 channels]) for a PNG", `${pixels.dtype ?? data.constructor.name} of shape [${pixels.shape.join(", ")}]`);
  }
  const space = channels <= 2 ? (deep ? "grey16" : "b-w") : deep ? "rgb16" : "srgb";
  await sharp(data as Uint8Array, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } }).toColourspace(space).png().toFile(file);
}
