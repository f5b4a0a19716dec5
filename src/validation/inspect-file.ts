/**
 * The inspector in Node: `inspect` with the file system answering whether external files exist, and `inspectFile`
 * for a file on disk (opened, read, inspected, closed).
 */
import { existsSync } from "node:fs";
import { NWBHDF5IO } from "../io/nwb-io.js";
import type { NWBFile } from "../containers/file.js";
import { type InspectOptions, type InspectionMessage, inspect as inspectAnywhere } from "./inspector.js";

/** Inspects an NWBFile (see the inspector); external files are looked for on disk unless `fileExists` is given. */
export function inspect(nwbfile: NWBFile, options: InspectOptions = {}): Promise<InspectionMessage[]> {
  return inspectAnywhere(nwbfile, { fileExists: existsSync, ...options });
}

/** Opens an NWB file on disk, reads it, inspects it and closes it. */
export async function inspectFile(path: string, options: InspectOptions = {}): Promise<InspectionMessage[]> {
  const io = await NWBHDF5IO.open(path, "r");
  try {
    return (await inspect(await io.read(), options)).map((m) => ({ ...m, file_path: path }));
  } finally {
    await io.close();
  }
}
