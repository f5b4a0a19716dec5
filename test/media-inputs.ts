/**
 * Test inputs of every kind tsnwb reads: images made with sharp from known pixels (16-bit grey PNG, grey+alpha,
 * RGBA, RGB, JPEG, WebP, a multi-page TIFF, a folder of files named 1..12) and videos made with Debian's ffmpeg
 * with known frame counts and rates (one with a variable frame rate), plus files it must refuse.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll } from "vitest";
import { tempFolder } from "./helpers.js";

export interface Inputs {
  dir: string;
  grey16: string; greyAlpha: string; rgba: string; rgb: string; jpeg: string; webp: string; tiff: string; folder: string;
  other: string; garbage: string; cfr: string; vfr: string; mov: string; avi: string;
  /** The pixels each lossless file was made from. */
  pixels: Record<string, { data: Uint8Array | Uint16Array; shape: number[] }>;
  /** The VFR video's frame times, as ffprobe reads them. */
  vfrTimes: number[];
}

const W = 8, H = 6;

function ramp<T extends Uint8Array | Uint16Array>(make: (n: number) => T, n: number, step: number): T {
  const a = make(n);
  for (let i = 0; i < n; i++) a[i] = (i * step) % (a instanceof Uint16Array ? 65536 : 256);
  return a;
}

/** Writes every input into `dir`. */
export async function makeInputs(dir: string): Promise<Inputs> {
  const p = (name: string) => path.join(dir, name);
  const pixels: Inputs["pixels"] = {};
  const grey16 = ramp((n) => new Uint16Array(n), W * H, 1201);
  await sharp(grey16, { raw: { width: W, height: H, channels: 1 } }).toColourspace("grey16").png().toFile(p("grey16.png"));
  pixels.grey16 = { data: grey16, shape: [H, W] };
  const ga = ramp((n) => new Uint8Array(n), W * H * 2, 7);
  await sharp(ga, { raw: { width: W, height: H, channels: 2 } }).toColourspace("b-w").png().toFile(p("grey-alpha.png"));
  // grey+alpha is read as RGBA: the grey value three times, then the alpha.
  const gaRGBA = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) gaRGBA.set([ga[2 * i]!, ga[2 * i]!, ga[2 * i]!, ga[2 * i + 1]!], 4 * i);
  pixels.greyAlpha = { data: gaRGBA, shape: [H, W, 4] };
  const rgba = ramp((n) => new Uint8Array(n), W * H * 4, 3);
  await sharp(rgba, { raw: { width: W, height: H, channels: 4 } }).png().toFile(p("rgba.png"));
  pixels.rgba = { data: rgba, shape: [H, W, 4] };
  const rgb = ramp((n) => new Uint8Array(n), W * H * 3, 5);
  await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png().toFile(p("rgb.png"));
  pixels.rgb = { data: rgb, shape: [H, W, 3] };
  await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toFile(p("rgb.jpg"));
  await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).webp({ lossless: true }).toFile(p("rgb.webp"));
  pixels.webp = pixels.rgb;
  const pages = ramp((n) => new Uint8Array(n), W * H * 3 * 3, 11);
  await sharp(pages, { raw: { width: W, height: H * 3, channels: 3, pageHeight: H } }).tiff({ compression: "lzw" }).toFile(p("stack.tiff"));
  pixels.tiff = { data: pages, shape: [3, H, W, 3] };
  mkdirSync(p("numbered"));
  const numbered = new Uint8Array(12 * W * H);
  for (let i = 1; i <= 12; i++) {
    const frame = new Uint8Array(W * H).fill(i * 20);
    numbered.set(frame, (i - 1) * W * H);
    await sharp(frame, { raw: { width: W, height: H, channels: 1 } }).toColourspace("b-w").png().toFile(path.join(p("numbered"), `${i}.png`));
  }
  pixels.folder = { data: numbered, shape: [12, H, W] };
  await sharp(new Uint8Array((W + 2) * H), { raw: { width: W + 2, height: H, channels: 1 } }).toColourspace("b-w").png().toFile(p("wider.png"));
  writeFileSync(p("garbage.png"), "this is not a PNG");

  const ffmpeg = (...args: string[]) => execFileSync("ffmpeg", ["-loglevel", "error", "-y", ...args]);
  ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=25", "-frames:v", "30", "-pix_fmt", "yuv420p", p("cfr.mp4"));
  ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=25", "-frames:v", "20", "-vf", "setpts='if(lt(N,10),N*0.04,0.4+(N-10)*0.1)/TB'", "-fps_mode", "vfr", "-pix_fmt", "yuv420p", p("vfr.mp4"));
  ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-frames:v", "12", p("clip.mov"));
  ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-frames:v", "12", p("clip.avi"));
  const probe = execFileSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time", "-of", "csv=p=0", p("vfr.mp4")], { encoding: "utf8" });
  const times = probe.split(/[\s,]+/).filter((t) => t.length > 0).map(Number).sort((a, b) => a - b);
  const vfrTimes = times.map((t) => t - times[0]!);
  return {
    dir, grey16: p("grey16.png"), greyAlpha: p("grey-alpha.png"), rgba: p("rgba.png"), rgb: p("rgb.png"), jpeg: p("rgb.jpg"),
    webp: p("rgb.webp"), tiff: p("stack.tiff"), folder: p("numbered"), other: p("wider.png"), garbage: p("garbage.png"),
    cfr: p("cfr.mp4"), vfr: p("vfr.mp4"), mov: p("clip.mov"), avi: p("clip.avi"), pixels, vfrTimes,
  };
}

/** A temporary folder with every input, made before the tests of the file and removed after them. */
export function useInputs(): { dir: string; inputs: () => Inputs } {
  const tmp = tempFolder();
  let inputs: Inputs | undefined;
  beforeAll(async () => {
    inputs = await makeInputs(tmp.dir);
  }, 120_000);
  afterAll(() => tmp.cleanup());
  return { dir: tmp.dir, inputs: () => inputs! };
}
