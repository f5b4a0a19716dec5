/**
 * Which NWB files a path names (a file, or a folder of them), as the NWB Inspector finds them: apart from the
 * inspector, so that the command line finds them without loading the reader.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { NotFoundError } from "../errors.js";

/**
 * The NWB files a path names, as the NWB Inspector finds them: the file itself, or every `.nwb` file under a folder
 * (at any depth, macOS's `._` sidecar files left out) and every NWB Zarr store (a `.zarr` folder holding a Zarr
 * group), in natural order of their paths. A folder that is itself an NWB Zarr store (`.zgroup` at its root) is one
 * file.
 */
export function nwbFilesIn(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) throw new NotFoundError(path, `${path} should be a folder or an NWB file; it does not exist`);
  if (!stat.isDirectory() || existsSync(join(path, ".zgroup"))) return [path];
  const entries = readdirSync(path, { recursive: true, encoding: "utf8" });
  // NWB Zarr stores under the folder (`*.zarr` folders holding a Zarr group) are files too; nothing inside them is.
  const stores = entries.filter((rel) => rel.endsWith(".zarr") && existsSync(join(path, rel, ".zgroup")));
  const inStore = (rel: string) => stores.some((store) => rel.startsWith(`${store}/`) || rel.startsWith(`${store}\\`));
  const found = entries
    .filter((rel) => !inStore(rel) && ((rel.endsWith(".nwb") && !basename(rel).startsWith("._") && statSync(join(path, rel)).isFile()) || stores.includes(rel)))
    .map((rel) => join(path, rel));
  return found.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

