/**
 * Folder support for NWBZarrIO in Node (see `folder-support.ts`): a path is a folder store (`FolderStore`); mode
 * "w" writes a temporary folder beside it, put in place at close, so that a failed or killed write never leaves
 * half a store at the path (a killed one leaves the temporary folder, which `tsnwb clean` removes).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import * as nodePath from "node:path";
import { ModeError, NotFoundError, FormatError } from "../../errors.js";
import { temporaryPath } from "../leftovers.js";
import { FolderStore } from "./folder-store.js";
import { type FolderSupport, installFolderSupport } from "./folder-support.js";
import { ZGROUP } from "./layout.js";

/** Folder support in Node. */
export const nodeFolderSupport: FolderSupport = {
  async open(given, mode) {
    const path = nodePath.resolve(given);
    const folder = nodePath.dirname(path);
    if (mode === "r") {
      if (!existsSync(path)) throw new NotFoundError(path, `no NWB Zarr store at ${given}`);
      if (!statSync(path).isDirectory()) throw new FormatError(path, "not a Zarr store: a file, not a folder");
      return { store: new FolderStore(path), path, folder };
    }
    if (!existsSync(folder)) throw new NotFoundError(folder, `cannot write ${given}: its folder does not exist`);
    refuseToReplace(path, given);
    const workFolder = temporaryPath(path);
    return { store: new FolderStore(workFolder), path, folder, workFolder };
  },

  async putInPlace(work, path) {
    // A folder cannot be renamed over one that holds files: the old store is moved aside first, then removed.
    const old = existsSync(path) ? temporaryPath(path) : undefined;
    if (old !== undefined) await rename(path, old);
    await rename(work, path);
    if (old !== undefined) await rm(old, { recursive: true, force: true });
  },

  async remove(folder) {
    await rm(folder, { recursive: true, force: true });
  },

  storedFilePath(folder, file) {
    return (nodePath.isAbsolute(file) ? nodePath.relative(folder, file) : file).split(nodePath.sep).join("/");
  },
};

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

installFolderSupport(nodeFolderSupport);
