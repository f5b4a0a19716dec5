/**
 * What `tsnwb` does with a file it did not write, one file (or URL) per call, giving back plain data: these run in
 * the reading worker (`file-worker.ts`), so that a file HDF5 loops on, or crashes on, ends as that file's error
 * instead of a command that hangs or dies. Nothing here prints.
 *
 * Each task loads the modules it needs when it first runs: the worker of `tsnwb inspect` loads the reader and the
 * inspector, not the writer, the media modules or the whole library (a tenth of a second of a short command).
 */
import * as nodePath from "node:path";
import type { NWBFile } from "../containers/file.js";
import type { ValidationIssue } from "../validation/validator.js";
import type { InspectOptions, InspectionMessage } from "../validation/inspector.js";
import type { InspectedFile } from "../validation/inspect-file.js";
import type { ObjectInfo } from "./info.js";

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

/** The modules the tasks use, each loaded on first use (Node keeps it for the next call). */
const modules = {
  library: () => import("../index.js"),
  inspector: () => import("../validation/inspect-file.js"),
  validator: () => import("../validation/validate-file.js"),
  summary: () => import("./summary.js"),
  info: () => import("./info.js"),
  frames: () => import("./frames.js"),
  opener: () => import("../io/open-file.js"),
  /** HDF5's WebAssembly, started (`inspect` reads most files without it: `inspect-file.ts`). */
  hdf5: () => import("../io/hdf5/h5-node.js").then(({ h5 }) => h5()),
};

/** Opens `file` (HDF5, or an NWB Zarr store) to read, gives its NWBFile to `use`, and closes it whatever happens. */
async function withFile<T>(file: string, use: (nwbfile: NWBFile) => T | Promise<T>): Promise<T> {
  const { withFileRead } = await modules.opener();
  return withFileRead(file, (nwbfile) => use(nwbfile));
}

/** 64-bit integers (an int64 attribute) as JSON numbers, or as text where a number would not hold them exactly. */
function jsonBigInt(_key: string, value: unknown): unknown {
  if (typeof value !== "bigint") return value;
  return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
}

export const fileTasks = {
  /** The readable listing (`tsnwb info`). */
  summary: async ({ file }: { file: string }): Promise<string[]> => withFile(file, (await modules.summary()).summarize),

  /** The listing as data (`tsnwb info --json`). */
  info: async ({ file }: { file: string }): Promise<FileInfo> => {
    const { fileInfo } = await modules.info();
    return withFile(file, (nwbfile) => JSON.parse(JSON.stringify(fileInfo(nwbfile, file), jsonBigInt)) as FileInfo);
  },

  /** Schema issues (`tsnwb validate`). */
  validate: async ({ file, core }: { file: string; core: boolean }): Promise<ValidationIssue[]> => (await modules.validator()).validate(file, { core }),

  /** Best-practice findings (`tsnwb inspect`), with the options of the command (threshold, config, skip, select). */
  inspect: async ({ file, options }: { file: string; options: InspectOptions }): Promise<InspectionMessage[]> => (await modules.inspector()).inspectFile(file, options),

  /** `inspect`, and the facts the checks across files use (`tsnwb inspect` of several files or a folder). */
  inspectWithFacts: async ({ file, options }: { file: string; options: InspectOptions }): Promise<InspectedFile> =>
    (await modules.inspector()).inspectFileWithFacts(file, options),

  /** The external files a file's series name, as stored (`tsnwb view`, which decides at each request what it serves). */
  externals: async ({ file }: { file: string }): Promise<string[]> => {
    const { ImageSeries } = await modules.library();
    return withFile(file, (nwbfile) => [...nwbfile.objects.values()].flatMap((obj) => (obj instanceof ImageSeries ? (obj.external_file ?? []) : [])));
  },

  /** Whether the file reads at all (before a command adds to it: `--into`); throws why not. */
  readable: ({ file }: { file: string }): Promise<void> => withFile(file, () => undefined),

  /**
   * `tsnwb export`: the file's contents written to `output`, external links kept (relative to the output's folder)
   * unless `linkData` is false (what they reach copied); gives its path.
   */
  async export({ input, output, linkData = true }: { input: string; output: string; linkData?: boolean }, progress: Progress): Promise<string> {
    const { NWBHDF5IO } = await modules.library();
    await withFile(input, async (nwbfile) => {
      const writer = await NWBHDF5IO.open(output, "w", { linkData, onProgress: (p) => progress({ kind: "rows", ...p }) });
      await writer.write(nwbfile);
      await writer.close();
    });
    return nodePath.resolve(output);
  },

  /**
   * `tsnwb convert`: the file written in the other backend, by the output's name: an NWB Zarr store for a path
   * ending in `.zarr`, else an HDF5 file. Arrays are copied in slabs with their chunks and, where both formats have
   * it, their compression (gzip and zlib are deflate in both; Blosc, which HDF5 files here do not use, becomes gzip).
   * The cached specification is carried over. Gives the output's path.
   */
  async convert({ input, output }: { input: string; output: string }, progress: Progress): Promise<string> {
    const [{ NWBHDF5IO, NWBZarrIO }, { withFileRead }] = await Promise.all([modules.library(), modules.opener()]);
    const onProgress = (p: { path: string; rows: number; totalRows?: number }): void => progress({ kind: "rows", ...p });
    await withFileRead(input, async (nwbfile, reader) => {
      // Everything is copied: a store cannot link into an HDF5 file, nor an HDF5 file into a store. Arrays an HDF5
      // file keeps uncompressed stay so (compressor null: not zarr-python's default Blosc), so that the way back
      // gives the file as it was.
      const compressor = reader instanceof NWBZarrIO ? undefined : null;
      const writer = isZarrOutput(output) ? await NWBZarrIO.open(output, "w", { onProgress, keepCachedSpec: true, compressor })
        : await NWBHDF5IO.open(output, "w", { linkData: false, onProgress, keepCachedSpec: true });
      try {
        await writer.write(nwbfile);
      } finally {
        await writer.close();
      }
    });
    return nodePath.resolve(output);
  },

  /** `tsnwb frames`: an image, an Images or a series' frames as PNG files; gives the files written. */
  frames: async ({ file, object, output, range }: { file: string; object: string; output: string; range: { start?: number; stop?: number } }, progress: Progress): Promise<string[]> =>
    (await modules.frames()).writeFrames(file, object, output, range, (path) => progress({ kind: "file", path })),
};

export type FileTasks = typeof fileTasks;

/** Whether `tsnwb convert` writes `output` as an NWB Zarr store (its name ends in `.zarr`) rather than an HDF5 file. */
export function isZarrOutput(output: string): boolean {
  return /\.zarr[\\/]?$/i.test(output);
}

/** The modules each task loads (`inspect`: the reader and the inspector only, HDF5 when a file needs it). */
const TASK_MODULES: Record<keyof FileTasks, (keyof typeof modules)[]> = {
  summary: ["library", "summary", "opener", "hdf5"],
  info: ["library", "info", "opener", "hdf5"],
  validate: ["validator", "hdf5"],
  inspect: ["inspector"],
  inspectWithFacts: ["inspector"],
  externals: ["library", "opener", "hdf5"],
  readable: ["library", "opener", "hdf5"],
  export: ["library", "hdf5"],
  convert: ["library", "opener", "hdf5"],
  frames: ["frames", "hdf5"],
};

/**
 * Loads what `tasks` need, so that the reading worker has it before its first file (loading does not count
 * against that file's time limit).
 */
export async function loadTasks(tasks: readonly (keyof FileTasks)[]): Promise<void> {
  await Promise.all([...new Set(tasks.flatMap((t) => TASK_MODULES[t]))].map((m) => modules[m]()));
}
