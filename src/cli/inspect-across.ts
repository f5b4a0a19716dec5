/**
 * What `tsnwb inspect` adds for several files or a folder, as the NWB Inspector: folders stand for the NWB files
 * under them, and the files are also checked together (`inspectAcrossFiles`, from the facts each file's inspection
 * gives back). Kept apart from the command's loop, which only calls these.
 */
import { statSync } from "node:fs";
import { nwbFilesIn } from "../validation/nwb-files.js";
import { type FileFacts, inspectAcrossFiles } from "../validation/across-files.js";
import type { InspectOptions, InspectionMessage } from "../validation/inspector.js";

/** The files to inspect: each argument, a folder replaced by the .nwb files under it (a missing path kept, to be reported as unreadable). */
export function filesToInspect(args: readonly string[]): string[] {
  return args.flatMap((arg) => (statSync(arg, { throwIfNoEntry: false })?.isDirectory() ? nwbFilesIn(arg) : [arg]));
}

/** The findings across the files (none for a single file), named by the folder when one folder was given. */
export function acrossFilesMessages(args: readonly string[], facts: readonly FileFacts[], options: InspectOptions): InspectionMessage[] {
  if (facts.length < 2) return [];
  const folder = args.length === 1 ? args[0] : undefined;
  return inspectAcrossFiles(facts, { ...options, ...(folder !== undefined ? { path: folder } : {}) });
}
