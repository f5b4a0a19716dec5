/**
 * `tsnwb frames`: images and frames out of an NWB file as PNG files.
 */
import { mkdirSync, rmSync } from "node:fs";
import * as nodePath from "node:path";
import type { Command } from "commander";
import { NotFoundError, ValidationError } from "../errors.js";
import { runOnce } from "./file-worker.js";

/** `START:STOP` (either may be left out) as a range of frame indices. */
export function parseRange(text: string | undefined): { start?: number; stop?: number } {
  if (text === undefined) return {};
  const m = /^(\d*):(\d*)$/.exec(text);
  if (!m) throw new ValidationError("command", "--frames", "START:STOP, e.g. 0:10 or 5:", JSON.stringify(text));
  return { ...(m[1] ? { start: Number(m[1]) } : {}), ...(m[2] ? { stop: Number(m[2]) } : {}) };
}

/**
 * Writes the object at `objectPath` of `file` (an Image, an Images, or a series' frames in `range`) as PNG files in
 * `output`; gives the files written (`onFile` hears of each as it is written). On failure none is left.
 */
export async function writeFrames(file: string, objectPath: string, output: string, range: { start?: number; stop?: number }, onFile: (file: string) => void): Promise<string[]> {
  // Loaded here, in the reading worker: the command line itself does not load the library for this command.
  const { Image, ImageSeries, Images, NWBHDF5IO, framesToPNG, imageToPNG } = await import("../index.js");
  const io = await NWBHDF5IO.open(file, "r");
  const written: string[] = [];
  const wrote = (path: string) => {
    written.push(path);
    onFile(path);
  };
  try {
    const nwbfile = await io.read();
    const wanted = `/${objectPath.replace(/^\/+|\/+$/g, "")}`;
    const obj = [...nwbfile.objects.values()].find((o) => o.container_source?.path === wanted);
    if (!obj) throw new NotFoundError(wanted, `${file} has no typed object at ${wanted}`);
    mkdirSync(output, { recursive: true });
    const out = (name: string) => nodePath.join(output, `${name}.png`);
    if (obj instanceof ImageSeries) {
      if (obj.external_file) throw new ValidationError(obj.describe(), "data", "frames stored in the file (this series points at external files)");
      await framesToPNG(obj, output, range, wrote);
    } else if (obj instanceof Images) {
      for (const image of obj.order_of_images?.data ?? obj.images.values()) {
        await imageToPNG(image, out(image.name));
        wrote(out(image.name));
      }
    } else if (obj instanceof Image) {
      await imageToPNG(obj, out(obj.name));
      wrote(out(obj.name));
    } else throw new ValidationError(obj.describe(), "type", "an Image, an Images or an ImageSeries");
  } catch (e) {
    for (const f of written) rmSync(f, { force: true });
    throw e;
  } finally {
    await io.close();
  }
  return written;
}

export function addFramesCommand(program: Command): void {
  program
    .command("frames")
    .description("write an image, the images of an Images, or the frames of an ImageSeries in an NWB file as PNG files")
    .argument("<file>", "an NWB file")
    .argument("<object>", "the object's path in the file, e.g. /acquisition/movie")
    .requiredOption("-o, --output <dir>", "the folder to write the PNG files into")
    .option("--frames <start:stop>", "only these frames of a series")
    .option("--json", "print the files written as JSON")
    .action(async (file: string, object: string, opts: { output: string; frames?: string; json?: boolean }) => {
      const range = parseRange(opts.frames);
      // Files the worker wrote before it was stopped (a damaged frame HDF5 loops on) are removed here.
      const written: string[] = [];
      let files: string[];
      try {
        files = await runOnce("frames", { file, object, output: opts.output, range }, (p) => p.kind === "file" && written.push(p.path));
      } catch (e) {
        for (const f of written) rmSync(f, { force: true });
        throw e;
      }
      console.log(opts.json ? JSON.stringify({ files }) : files.join("\n"));
    });
}
