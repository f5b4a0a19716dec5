/**
 * What `tsnwb` does with a file it did not write, one file (or URL) per call, giving back plain data: these run in
 * the reading worker (`file-worker.ts`), so that a file HDF5 loops on, or crashes on, ends as that file's error
 * instead of a command that hangs or dies. Nothing here prints.
 */
import * as nodePath from "node:path";
import { ImageSeries, type NWBFile, NWBHDF5IO, validate } from "../index.js";
import type { ValidationIssue } from "../validation/validator.js";
import type { InspectOptions, InspectionMessage } from "../validation/inspector.js";
import { inspectFile } from "../validation/inspect-file.js";
import { summarize } from "./summary.js";
import { type ObjectInfo, fileInfo } from "./info.js";
import { writeFrames } from "./frames.js";

/** What a task tells as it goes (each one also restarts the worker's time limit): rows of a dataset copied, a file written. */
export type TaskProgress = { kind: "rows"; path: string; rows: number; totalRows?: number } | { kind: "file"; path: string };

type Progress = (event: TaskProgress) => void;

/** `tsnwb info --json`'s data for a file (JSON values only: it crosses threads and is printed as JSON). */
export interface FileInfo {
  file: string;
  nwb_version: string;
  session: Record<string, unknown>;
  objects: ObjectInfo[];
}

/** Opens `file` to read, gives its NWBFile to `use`, and closes it whatever happens. */
async function withFile<T>(file: string, use: (nwbfile: NWBFile) => T | Promise<T>): Promise<T> {
  const io = await NWBHDF5IO.open(file, "r");
  try {
    return await use(await io.read());
  } finally {
    await io.close();
  }
}

/** 64-bit integers (an int64 attribute) as JSON numbers, or as text where a number would not hold them exactly. */
function jsonBigInt(_key: string, value: unknown): unknown {
  if (typeof value !== "bigint") return value;
  return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
}

export const fileTasks = {
  /** The readable listing (`tsnwb info`). */
  summary: ({ file }: { file: string }): Promise<string[]> => withFile(file, summarize),

  /** The listing as data (`tsnwb info --json`). */
  info: ({ file }: { file: string }): Promise<FileInfo> => withFile(file, (nwbfile) => JSON.parse(JSON.stringify(fileInfo(nwbfile, file), jsonBigInt)) as FileInfo),

  /** Schema issues (`tsnwb validate`). */
  validate: ({ file, core }: { file: string; core: boolean }): Promise<ValidationIssue[]> => validate(file, { core }),

  /** Best-practice findings (`tsnwb inspect`), with the options of the command (threshold, config, skip, select). */
  inspect: ({ file, options }: { file: string; options: InspectOptions }): Promise<InspectionMessage[]> => inspectFile(file, options),

  /** The external files a file's series name, as stored -> where they are on disk (`tsnwb view`). */
  externals: ({ file }: { file: string }): Promise<[string, string][]> => withFile(file, (nwbfile) => {
    const out: [string, string][] = [];
    for (const obj of nwbfile.objects.values()) {
      if (!(obj instanceof ImageSeries)) continue;
      for (const p of obj.external_file ?? []) out.push([p, nodePath.resolve(nodePath.dirname(nodePath.resolve(file)), p)]);
    }
    return out;
  }),

  /** Whether the file reads at all (before a command adds to it: `--into`); throws why not. */
  readable: ({ file }: { file: string }): Promise<void> => withFile(file, () => undefined),

  /**
   * `tsnwb export`: the file's contents written to `output`, external links kept (relative to the output's folder)
   * unless `linkData` is false (what they reach copied); gives its path.
   */
  async export({ input, output, linkData = true }: { input: string; output: string; linkData?: boolean }, progress: Progress): Promise<string> {
    await withFile(input, async (nwbfile) => {
      const writer = await NWBHDF5IO.open(output, "w", { linkData, onProgress: (p) => progress({ kind: "rows", ...p }) });
      await writer.write(nwbfile);
      await writer.close();
    });
    return nodePath.resolve(output);
  },

  /** `tsnwb frames`: an image, an Images or a series' frames as PNG files; gives the files written. */
  frames: ({ file, object, output, range }: { file: string; object: string; output: string; range: { start?: number; stop?: number } }, progress: Progress): Promise<string[]> =>
    writeFrames(file, object, output, range, (path) => progress({ kind: "file", path })),
};

export type FileTasks = typeof fileTasks;
