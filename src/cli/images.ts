/**
 * `tsnwb images` and `tsnwb video`: image files and videos into an NWB file. The library and the image codecs are
 * loaded when one of these runs, not when the command line starts (see `cli.ts`).
 */
import { readFileSync, statSync } from "node:fs";
import type { Command } from "commander";
import type { ImageSeries, NWBFile } from "../index.js";
import { ValidationError } from "../errors.js";
import { type SessionOptions, sessionOptions, writeSession } from "./session.js";

interface ImagesOptions extends SessionOptions {
  as?: "images" | "series";
  name?: string;
  rate?: string;
  timestamps?: string;
  description?: string;
  stimulus?: boolean;
  distance?: string;
  fieldOfView?: string;
  orientation?: string;
  json?: boolean;
}

/** A number option, or a one-line error naming it. */
function numberOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ValidationError("command", option, "a number", JSON.stringify(value));
  return n;
}

/** Timestamps from a text file: numbers separated by white space, commas or newlines, or a JSON array. */
export function readTimestamps(file: string): number[] {
  const text = readFileSync(file, "utf8").trim();
  const values = text.startsWith("[") ? (JSON.parse(text) as unknown[]) : text.split(/[\s,]+/);
  return values.map((v, i) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new ValidationError("command", "--timestamps", `numbers of seconds in ${file}`, `${JSON.stringify(v)} at position ${i}`);
    return n;
  });
}

function timing(opts: { rate?: string; timestamps?: string }): { rate?: number; timestamps?: number[] } {
  if (opts.rate !== undefined && opts.timestamps !== undefined) throw new ValidationError("command", "--rate", "either --rate or --timestamps, not both");
  if (opts.timestamps !== undefined) return { timestamps: readTimestamps(opts.timestamps) };
  const rate = numberOption(opts.rate, "--rate");
  return rate === undefined ? {} : { rate };
}

/** `--as` when not given: a series for one folder or one multi-page TIFF, else images. */
async function defaultKind(paths: string[]): Promise<"images" | "series"> {
  const [{ imageFiles }, { imageFileInfo }] = await Promise.all([import("../media/image-files.js"), import("../index.js")]);
  await imageFiles(paths); // every path exists, or a clear error
  if (paths.length !== 1) return "images";
  if (statSync(paths[0]!).isDirectory()) return "series";
  return (await imageFileInfo(paths[0]!)).pages > 1 ? "series" : "images";
}

export function addImagesCommand(program: Command): void {
  sessionOptions(program
    .command("images")
    .description("store image files (PNG, JPEG, TIFF, WebP; folders in natural order; multi-page TIFFs) in an NWB file")
    .argument("<paths...>", "image files or folders of them")
    .option("--as <kind>", "images: an Images collection with order_of_images; series: an ImageSeries of frames (default: series for one folder or multi-page TIFF, else images)")
    .option("--name <name>", "the object's name (default: images or series)")
    .option("--rate <hz>", "frames per second (series)")
    .option("--timestamps <file>", "a text file of one time in seconds per frame (series)")
    .option("--description <text>", "what the images are")
    .option("--stimulus", "store them as a stimulus: images in stimulus templates, a series as an OpticalSeries in stimulus")
    .option("--distance <m>", "with --stimulus and a series: distance to the screen, in metres")
    .option("--field-of-view <w,h[,d]>", "with --stimulus and a series: width, height (and depth) in metres")
    .option("--orientation <text>", "with --stimulus and a series: which way is up")
    .option("--json", "print what was written as JSON"))
    .action(async (paths: string[], opts: ImagesOptions) => {
      const [{ Images, ImageSeries, OpticalSeries }, { frameSource }] = await Promise.all([import("../index.js"), import("../media/from-files.js")]);
      const kind = opts.as ?? (await defaultKind(paths));
      if (kind !== "images" && kind !== "series") throw new ValidationError("command", "--as", `"images" or "series"`, JSON.stringify(kind));
      const name = opts.name ?? kind;
      const description = opts.description;
      const source = kind === "series" ? await frameSource(paths) : undefined;
      let frames = source?.frames.length ?? 0;
      // cli-progress loads for the commands that show bars only.
      const { progressBars } = await import("./progress.js");
      const { io, stop } = progressBars("frames", frames);
      let written: string;
      try {
        written = await writeSession(opts, async (nwbfile: NWBFile) => {
          if (kind === "images") {
            const images = await Images.fromFiles(paths, { name, ...(description !== undefined ? { description } : {}) });
            frames = images.images.size;
            if (opts.stimulus) nwbfile.addStimulusTemplate(images);
            else nwbfile.addAcquisition(images);
            return;
          }
          const time = timing(opts);
          if (time.rate === undefined && time.timestamps === undefined) throw new ValidationError("command", "--rate", "--rate HZ or --timestamps FILE for a series");
          const common = { name, ...time, ...(description !== undefined ? { description } : {}) };
          if (opts.stimulus) {
            const fov = opts.fieldOfView?.split(",").map((v) => numberOption(v, "--field-of-view")!);
            if (opts.distance === undefined || fov === undefined || opts.orientation === undefined) {
              throw new ValidationError("command", "--distance", "--distance, --field-of-view and --orientation for a stimulus series (an OpticalSeries)");
            }
            nwbfile.addStimulus(await OpticalSeries.fromFiles(paths, { ...common, distance: numberOption(opts.distance, "--distance")!, field_of_view: fov, orientation: opts.orientation }));
          } else nwbfile.addAcquisition(await ImageSeries.fromFiles(paths, common));
        }, io);
      } finally {
        stop();
      }
      report(opts.json, { file: written, object: name, kind, count: frames }, `wrote ${written}: ${kind === "images" ? `${frames} image(s) in Images '${name}'` : `${frames} frame(s) in '${name}'`}`);
    });
}

interface VideoOptions extends SessionOptions {
  name?: string;
  check?: boolean;
  rate?: string;
  timestamps?: string;
  startingFrame?: string;
  description?: string;
  json?: boolean;
}

export function addVideoCommand(program: Command): void {
  sessionOptions(program
    .command("video")
    .description("store videos (MP4, MOV) as an external-file ImageSeries: frame counts and rate read from the files")
    .argument("<videos...>", "video files, in order")
    .option("--name <name>", "the series' name", "video")
    .option("--no-check", "do not open the files (then give --starting-frame and --rate or --timestamps)")
    .option("--starting-frame <list>", "with --no-check: each file's first frame index, comma separated")
    .option("--rate <hz>", "frames per second (default: read from the files)")
    .option("--timestamps <file>", "a text file of one time in seconds per frame of all the videos")
    .option("--description <text>", "what the videos show")
    .option("--json", "print what was written as JSON"))
    .action(async (videos: string[], opts: VideoOptions) => {
      const { ImageSeries } = await import("../index.js");
      let series: ImageSeries | undefined;
      const written = await writeSession(opts, async (nwbfile) => {
        const starting = opts.startingFrame?.split(",").map((v) => numberOption(v, "--starting-frame")!);
        series = await ImageSeries.fromVideos(videos, {
          name: opts.name ?? "video", check: opts.check !== false, ...timing(opts),
          ...(starting ? { starting_frame: starting } : {}), ...(opts.description !== undefined ? { description: opts.description } : {}),
        });
        nwbfile.addAcquisition(series);
      });
      const s = series!;
      report(opts.json, {
        file: written, object: s.name, external_file: s.external_file, starting_frame: s.starting_frame,
        ...(s.rate !== undefined ? { rate: s.rate } : { timestamps: s.timestamps?.shape[0] }),
      }, `wrote ${written}: ImageSeries '${s.name}' of ${videos.length} video(s), starting frames [${s.starting_frame?.join(", ")}]${s.rate !== undefined ? `, ${s.rate} frames/s` : ", per-frame timestamps"}`);
    });
}

function report(json: boolean | undefined, data: Record<string, unknown>, text: string): void {
  console.log(json ? JSON.stringify(data) : text);
}
