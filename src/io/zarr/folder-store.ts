/**
 * A Zarr hierarchy in a folder on disk (Node), as zarr-python's DirectoryStore and hdmf-zarr keep it: a key's
 * "/"-separated parts are folders and the last part a file ("/acquisition/ts/data/0.0" is
 * `acquisition/ts/data/0.0` under the folder).
 */
import type { Dirent } from "node:fs";
import { mkdir, readFile, readdir, rm, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { StoreKey, WritableStore } from "./store.js";

/** The folder store: reads and writes files under `root`. */
export class FolderStore implements WritableStore {
  constructor(
    /** The hierarchy's folder (for NWB, the `.nwb.zarr` folder). */
    readonly root: string,
  ) {}

  /** The file a key is kept in; keys that would leave the folder (`..`) are refused. */
  private fileOf(key: StoreKey): string {
    const parts = key.split("/").filter((p) => p.length > 0);
    if (parts.some((p) => p === "." || p === "..")) throw new Error(`Zarr store key ${JSON.stringify(key)}: "." and ".." are not allowed in keys`);
    return join(this.root, ...parts);
  }

  async get(key: StoreKey): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.fileOf(key)));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return undefined;
      throw e;
    }
  }

  async set(key: StoreKey, value: Uint8Array): Promise<void> {
    const file = this.fileOf(key);
    await mkdir(dirname(file), { recursive: true });
    // Written beside and renamed, so that a reader (or a crash) never sees half a chunk.
    const partial = `${file}.partial-${process.pid}`;
    await writeFile(partial, value);
    await rename(partial, file);
  }

  async delete(key: StoreKey): Promise<void> {
    await rm(this.fileOf(key), { force: true });
  }

  async *list(prefix: StoreKey): AsyncIterable<StoreKey> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const key = `/${relative(this.root, join(entry.parentPath, entry.name)).split(sep).join("/")}` as StoreKey;
      if (key.startsWith(prefix)) yield key;
    }
  }
}
