/**
 * The inspector in Node: `inspect` with the file system answering whether external files exist, and `inspectFile`
 * for a file on disk (opened, read, inspected, closed).
 */
import { existsSync } from "node:fs";
import { extname } from "node:path";
import { nwbFilesIn } from "./nwb-files.js";
import { type FileFacts, fileFacts, inspectAcrossFiles } from "./across-files.js";
import { openToRead, openToReadWithoutHDF5 } from "../io/open-file.js";
import { NWBHDF5IO } from "../io/nwb-io.js";
import type { NWBFile } from "../containers/file.js";
import { type NWBWarning, setWarningHandler, warn } from "../warnings.js";
import { type InspectOptions, type InspectionMessage, inspect as inspectAnywhere } from "./inspector.js";

export { nwbFilesIn };

/**
 * How many frames a file holds: a video's (MP4, MOV), a TIFF's pages, 1 for another image; undefined for a file
 * that is missing or is neither. Reads headers only; the media modules (and sharp) load on first use.
 */
export async function externalFrameCount(path: string): Promise<number | undefined> {
  if (!existsSync(path)) return undefined;
  const ext = extname(path).toLowerCase();
  try {
    const video = await import("../media/video-files.js");
    if (video.VIDEO_EXTENSIONS.includes(ext)) return (await video.videoInfo(path)).frames;
    const image = await import("../media/image-files.js");
    if (image.IMAGE_EXTENSIONS.includes(ext)) return (await image.imageFileInfo(path)).pages;
  } catch {
    // A file that cannot be read as a video or an image: its frames are unknown (check_image_series_external_file_valid speaks of missing ones).
  }
  return undefined;
}

/**
 * Inspects an NWBFile (see the inspector); external files are looked for on disk, and their frames counted, unless
 * `fileExists` or `frameCount` is given.
 */
export function inspect(nwbfile: NWBFile, options: InspectOptions = {}): Promise<InspectionMessage[]> {
  return inspectAnywhere(nwbfile, { fileExists: existsSync, frameCount: externalFrameCount, ...options });
}

/** Opens an NWB file on disk, reads it, inspects it and closes it. */
export async function inspectFile(path: string, options: InspectOptions = {}): Promise<InspectionMessage[]> {
  return (await inspectFileWithFacts(path, options)).messages;
}

/** What `inspectFileWithFacts` gives. */
export interface InspectedFile {
  /** The file's findings, as `inspectFile` gives them. */
  messages: InspectionMessage[];
  /** What the checks across files need of it (`inspectAcrossFiles`). */
  facts: FileFacts;
}

/** `inspectFile`, and the facts of the file that the checks across files use (`inspectAcrossFiles`), from one reading. */
export async function inspectFileWithFacts(path: string, options: InspectOptions = {}): Promise<InspectedFile> {
  const read = await inspectWithoutHDF5(path, options);
  if (read !== undefined) return read;
  const io = await openToRead(path);
  try {
    // The layout from the file's bytes (a few times fewer HDF5 calls). A file that fails so is read again as the
    // library reads it, so that a damaged file fails as it does there, with HDF5's own message; unless HDF5's
    // module failed (an abort), after which nothing more is read with it.
    const hdf5 = io instanceof NWBHDF5IO;
    if (hdf5) io._readLayoutFromBytes();
    let nwbfile: NWBFile;
    try {
      nwbfile = await io.read();
    } catch (e) {
      if (!hdf5 || moduleFailed(e)) throw e;
      await io.close();
      return await inspectWithHDF5(path, options);
    }
    return await inspectRead(nwbfile, path, options);
  } finally {
    await io.close();
  }
}

/**
 * `inspectFileWithFacts` without starting HDF5 (a tenth of a second of CPU, most of a short command's): the file
 * read from its bytes alone (`NWBHDF5IO._openWithoutHDF5`). Undefined when the read needed HDF5, or failed: the
 * file is then read with HDF5, so that a damaged file fails as it does there, with HDF5's own message.
 */
async function inspectWithoutHDF5(path: string, options: InspectOptions): Promise<InspectedFile | undefined> {
  let io: NWBHDF5IO | undefined;
  // The read's warnings (pynwb's construction warnings) are held, and given once it is known to count: a file read
  // again would give them twice.
  const held: NWBWarning[] = [];
  const previous = setWarningHandler((w) => held.push(w));
  let inspected: InspectedFile | undefined;
  try {
    io = await openToReadWithoutHDF5(path);
    if (io === undefined) return undefined;
    inspected = await inspectRead(await io.read(), path, options);
    if (io._neededHDF5()) inspected = undefined;
  } catch {
    inspected = undefined;
  } finally {
    setWarningHandler(previous);
    await io?.close().catch(() => undefined);
  }
  if (inspected !== undefined) for (const w of held) warn(w.object, w.field, w.message);
  return inspected;
}

/** `inspectFileWithFacts`, the file's layout read through HDF5 alone (as `NWBHDF5IO.read`). */
async function inspectWithHDF5(path: string, options: InspectOptions): Promise<InspectedFile> {
  const io = await NWBHDF5IO.open(path, "r");
  try {
    return await inspectRead(await io.read(), path, options);
  } finally {
    await io.close();
  }
}

async function inspectRead(nwbfile: NWBFile, path: string, options: InspectOptions): Promise<InspectedFile> {
  const messages = (await inspect(nwbfile, options)).map((m) => ({ ...m, file_path: path }));
  return { messages, facts: fileFacts(nwbfile, path) };
}

/** Whether `e`, or an error it was caused by, is HDF5's WebAssembly module failing (its state is then not to be trusted). */
function moduleFailed(e: unknown): boolean {
  for (let cause = e, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    if (cause instanceof WebAssembly.RuntimeError) return true;
  }
  return false;
}

/**
 * Inspects NWB files and folders of them (`nwbFilesIn`) one after the other, and the files together
 * (`inspectAcrossFiles`: the NWB Inspector's check_unique_identifiers): those findings first, as the NWB Inspector
 * gives them, with the folder as their `file_path` when one folder is inspected. A file that cannot be read throws.
 */
export async function inspectFiles(paths: string | readonly string[], options: InspectOptions = {}): Promise<InspectionMessage[]> {
  const given = typeof paths === "string" ? [paths] : paths;
  const files = given.flatMap(nwbFilesIn);
  const messages: InspectionMessage[] = [];
  const facts: FileFacts[] = [];
  for (const file of files) {
    const inspected = await inspectFileWithFacts(file, options);
    messages.push(...inspected.messages);
    facts.push(inspected.facts);
  }
  const folder = given.length === 1 && files.length !== 1 ? given[0] : undefined;
  return [...inspectAcrossFiles(facts, { ...options, ...(folder !== undefined ? { path: folder } : {}) }), ...messages];
}
