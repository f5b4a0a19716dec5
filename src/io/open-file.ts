/**
 * Opening an NWB file to read whatever its backend (Node): an HDF5 file (a path or URL) through `NWBHDF5IO`, or an
 * NWB Zarr store (a folder with a `.zgroup`, or a URL ending in `.zarr`) through `NWBZarrIO`. The command line and
 * `validate`/`inspectFile` open files through here, so that every command reads both.
 */
import type { NWBFile } from "../containers/file.js";
import { NWBHDF5IO, type IOOptions } from "./nwb-io.js";
import { existsSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import { NWBZarrIO, isHttpURL } from "./zarr/nwb-zarr-io.js";
import "./zarr/folders-node.js";
import { ZGROUP } from "./zarr/layout.js";

/** A file open for reading, HDF5 or Zarr. */
export type ReadingIO = NWBHDF5IO | NWBZarrIO;

/**
 * Whether `target` names an NWB Zarr store: a folder holding a Zarr group (`.zgroup`), or an http(s) URL whose path
 * ends in `.zarr` (a web server cannot be asked whether a URL is a folder).
 */
export function isZarrTarget(target: string): boolean {
  if (isHttpURL(target)) return /\.zarr\/?$/i.test(new URL(target).pathname);
  return isZarrFolder(target);
}

/** Whether `path` is a Zarr hierarchy on disk: a folder with a `.zgroup` at its root. */
export function isZarrFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(nodePath.join(path, ZGROUP));
  } catch {
    return false;
  }
}

/** Opens `target` (a path or URL, HDF5 or Zarr: see `isZarrTarget`) to read. */
export async function openToRead(target: string, options: IOOptions = {}): Promise<ReadingIO> {
  if (isZarrTarget(target)) return NWBZarrIO.open(target, "r", { onProgress: options.onProgress });
  return NWBHDF5IO.open(target, "r", options);
}

/**
 * Opens `target` to read without starting HDF5 (see `NWBHDF5IO._openWithoutHDF5`, and its `_neededHDF5()`), or
 * undefined for what is not an HDF5 file on disk that can be read so.
 */
export async function openToReadWithoutHDF5(target: string): Promise<NWBHDF5IO | undefined> {
  if (isHttpURL(target) || isZarrTarget(target)) return undefined;
  return NWBHDF5IO._openWithoutHDF5(target);
}

/** Opens `target` to read, gives its NWBFile to `use`, and closes it whatever happens. */
export async function withFileRead<T>(target: string, use: (nwbfile: NWBFile, io: ReadingIO) => T | Promise<T>): Promise<T> {
  const io = await openToRead(target);
  try {
    return await use(await io.read(), io);
  } finally {
    await io.close();
  }
}
