/**
 * Which NWB files a path names (a file, or a folder of them), as the NWB Inspector finds them: apart from the
 * inspector, so that the command line finds them without loading the reader.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { NotFoundError } from "../errors.js";

/**
 * The NWB files a path names, as the NWB Inspector finds them: the file itself, or every `.nwb` file under a folder
 * (at any depth, macOS's `._` sidecar files left out), in natural order of their paths. A folder that is an NWB Zarr
 * store (a Zarr group: `.zgroup` at its root) is one file.
 */
export function nwbFilesIn(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) throw new NotFoundError(path, `${path} should be a folder or an NWB file; it does not exist`);
  if (!stat.isDirectory() || existsSync(join(path, ".zgroup"))) return [path];
  const found = (readdirSync(path, { recursive: true, encoding: "utf8" }))
    .filter((rel) => rel.endsWith(".nwb") && !basename(rel).startsWith("._"))
    .map((rel) => join(path, rel))
    .filter((file) => statSync(file).isFile());
  return found.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

