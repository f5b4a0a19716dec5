/**
 * `NWBZarrIO` in Node: the class of `zarr-io.ts`, given folders on disk. A folder path opened in mode "w" is written
 * into a temporary folder beside it, which `close()` puts at the path (a failed or unclosed write never leaves half a
 * store there; `tsnwb clean` removes one a crash left); mode "r" reads the folder as it is.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import * as nodePath from "node:path";
import { ModeError, NotFoundError } from "../../errors.js";
import type { IOMode } from "../io-base.js";
import { temporaryPath } from "../leftovers.js";
import { FolderStore } from "./folder-store.js";
import { ZGROUP } from "./layout.js";
import { type FolderOpening, setFolderSupport } from "./zarr-io.js";

export { NWBZarrIO, type ZarrIOOptions } from "./zarr-io.js";

/** Whether `path` is a Zarr hierarchy on disk: a folder with a `.zgroup` at its root. */
export function isZarrFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(nodePath.join(path, ZGROUP));
  } catch {
    return false;
  }
}

async function openFolder(target: string, mode: IOMode): Promise<FolderOpening> {
  const resolved = nodePath.resolve(target);
  const parent = nodePath.dirname(resolved);
  const storedFilePath = (p: string): string => (nodePath.isAbsolute(p) ? nodePath.relative(parent, p) : p).split(nodePath.sep).join("/");
  if (mode !== "w") {
    if (!existsSync(resolved)) throw new NotFoundError(resolved, `no NWB Zarr store at ${target}`);
    return { store: new FolderStore(resolved), path: resolved, storedFilePath };
  }
  if (!existsSync(parent)) throw new NotFoundError(parent, `cannot write ${target}: its folder does not exist`);
  refuseToReplace(resolved, target);
  const work = temporaryPath(resolved);
  return {
    store: new FolderStore(work),
    path: resolved,
    storedFilePath,
    discard: () => rm(work, { recursive: true, force: true }),
    commit: async () => {
      // A folder cannot be renamed over one that holds files: the old store is moved aside first, then removed.
      const old = existsSync(resolved) ? temporaryPath(resolved) : undefined;
      if (old !== undefined) await rename(resolved, old);
      await rename(work, resolved);
      if (old !== undefined) await rm(old, { recursive: true, force: true });
    },
  };
}

/**
 * Mode "w" replaces a store's every key: at a path, only a Zarr store (a folder with `.zgroup`) or an empty folder is
 * replaced, never a file or a folder of other things (a mistyped path would otherwise lose them).
 */
function refuseToReplace(resolved: string, given: string): void {
  if (!existsSync(resolved)) return;
  if (!statSync(resolved).isDirectory()) throw new ModeError(`cannot write an NWB Zarr store at ${given}: a file is there (a store is a folder)`);
  if (readdirSync(resolved).length > 0 && !existsSync(nodePath.join(resolved, ZGROUP))) {
    throw new ModeError(`cannot write an NWB Zarr store at ${given}: the folder holds files and is not a Zarr store (no .zgroup); mode "w" replaces only a store or an empty folder`);
  }
}

setFolderSupport(openFolder);
