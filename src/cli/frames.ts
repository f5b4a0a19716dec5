/**
 * `tsnwb frames`: images and frames out of an NWB file as PNG files.
 */
import { mkdirSync, rmSync } from "node:fs";
import * as nodePath from "node:path";
import type { Command } from "commander";
import { Image, ImageSeries, Images, NWBHDF5IO, framesToPNG, imageToPNG } from "../index.js";
import { NotFoundError, ValidationError } from "../errors.js";

/** `START:STOP` (either may be left out) as a range of frame indices. */
export function parseRange(text: string | undefined): { start?: number; stop?: number } {
  if (text === undefined) return {};
  const m = /^(\d*):(\d*)$/.exec(text);
  if (!m) throw new ValidationError("command", "--frames", "START:STOP, e.g. 0:10 or 5:", JSON.stringify(text));
  return { ...(m[1] ? { start: Number(m[1]) } : {}), ...(m[2] ? { stop: Number(m[2]) } : {}) };
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
    .action(async (file: string, objectPath: string, opts: { output: string; frames?: string; json?: boolean }) => {
      const range = parseRange(opts.frames);
      const io = await NWBHDF5IO.open(file, "r");
      const written: string[] = [];
      try {
        const nwbfile = await io.read();
        const wanted = `/${objectPath.replace(/^\/+|\/+$/g, "")}`;
        const obj = [...nwbfile.objects.values()].find((o) => o.container_source?.path === wanted);
        if (!obj) throw new NotFoundError(wanted, `${file} has no typed object at ${wanted}`);
        mkdirSync(opts.output, { recursive: true });
        const out = (name: string) => nodePath.join(opts.output, `${name}.png`);
        if (obj instanceof ImageSeries) {
          if (obj.external_file) throw new ValidationError(obj.describe(), "data", "frames stored in the file (this series points at external files)");
          written.push(...(await framesToPNG(obj, opts.output, range)));
        } else if (obj instanceof Images) {
          for (const image of obj.order_of_images?.data ?? obj.images.values()) {
            await imageToPNG(image, out(image.name));
            written.push(out(image.name));
          }
        } else if (obj instanceof Image) {
          await imageToPNG(obj, out(obj.name));
          written.push(out(obj.name));
        } else throw new ValidationError(obj.describe(), "type", "an Image, an Images or an ImageSeries");
      } catch (e) {
        for (const f of written) rmSync(f, { force: true });
        throw e;
      } finally {
        await io.close();
      }
      console.log(opts.json ? JSON.stringify({ files: written }) : written.join("\n"));
    });
}
