/**
 * `NWBZarrIO`: an NWB file in a Zarr store in hdmf-zarr's layout (pynwb users' `hdmf_zarr.nwb.NWBZarrIO`), on the
 * same containers and object mapper as `NWBHDF5IO`: `open`, `read`, `write`, `close`. A store is a folder on disk
 * (a path, usually ending in `.nwb.zarr`) or any object with zarrita's store methods (`store.ts`): memory, an
 * object store's client.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import * as nodePath from "node:path";
import type { NWBFile } from "../../containers/file.js";
import { AbstractContainer, describeValue } from "../../containers/container.js";
import { FormatError, ModeError, NotFoundError, TsnwbError, ValidationError } from "../../errors.js";
import { constructFile } from "../../mapping/mapper.js";
import { type BaseIOOptions, type IOMode, buildCheckedTree, checkMode } from "../io-base.js";
import { temporaryPath } from "../leftovers.js";
import { FolderStore } from "./folder-store.js";
import { keyOf, ZGROUP } from "./layout.js";
import { readZarrTree } from "./read-tree.js";
import { type ReadableStore, type WritableStore, isWritable } from "./store.js";
import { type ZarrWriteOptions, clearStore, writeZarrTree } from "./zarr-write.js";

/** The compressors tsnwb writes (numcodecs' ids): those zarr-python, zarrita and numcodecs all read. */
const WRITTEN_COMPRESSORS = ["blosc", "zlib", "gzip"];

/** What `NWBZarrIO.open` takes besides the store and mode. */
export interface ZarrIOOptions extends BaseIOOptions {
  /** Chunk writes in flight at once (default 16). */
  concurrency?: number;
  /**
   * The compressor of datasets whose storage options name none (a numcodecs configuration, as `.zarray` holds it):
   * Blosc LZ4, zarr-python's and hdmf-zarr's default, unless given; `{ id: "zlib", level: 4 }` for zlib; null for
   * none. `compression: "gzip"` in a dataset's storage options is stored as zlib at its level.
   */
  compressor?: ZarrWriteOptions["compressor"];
  /** Write `.zmetadata`, the whole hierarchy's metadata in one key (default true, as hdmf-zarr). */
  consolidate?: boolean;
}

/** An NWB file in a Zarr store (pynwb's `hdmf_zarr.nwb.NWBZarrIO`): `open`, `read`, `write`, `close`. */
export class NWBZarrIO {
  private nwbfile?: NWBFile;
  private written = false;
  private closed = false;

  private constructor(
    /** Where the hierarchy's keys are (mode "w" at a path: the temporary folder `close()` puts at the path). */
    readonly store: ReadableStore,
    /** The store's name in messages: the folder's absolute path, or the name given with a store. */
    readonly path: string,
    /** The mode the store was opened in. */
    readonly mode: IOMode,
    private readonly options: ZarrIOOptions,
    /** The folder external file paths are stored relative to (the store folder's own folder), when on disk. */
    private readonly folder?: string,
    /**
     * Mode "w" at a path: the temporary folder beside it the store is written into (the `store`), which `close()`
     * puts in place of whatever was at the path; a failed or unclosed write never leaves half a store there.
     */
    private readonly workFolder?: string,
  ) {}

  /**
   * Opens a Zarr store: a folder path (mode "w" writes a temporary folder beside it, which `close()` puts at the
   * path, replacing the store or empty folder there; "r" needs an NWB Zarr store there), or a store object (`{ get, set, delete, list }`; `get` alone to read), named `name` in messages.
   * Mode "a" is not supported yet.
   */
  static async open(target: string | ReadableStore, mode: IOMode = "r", options: ZarrIOOptions & { name?: string } = {}): Promise<NWBZarrIO> {
    checkMode(mode);
    const compressor = options.compressor;
    if (compressor !== undefined && compressor !== null && !WRITTEN_COMPRESSORS.includes(String((compressor as { id?: unknown }).id))) {
      throw new ValidationError("NWBZarrIO.open", "compressor", `null or a numcodecs configuration of ${WRITTEN_COMPRESSORS.join(", ")} ({ id: "zlib", level: 4 })`, JSON.stringify(compressor));
    }
    if (mode === "a") throw new ModeError(`NWB Zarr stores open in mode "r" or "w" for now; mode "a" (changing a store) is not supported yet: read it and write a new one`);
    if (typeof target === "string") {
      if (/^https?:\/\//i.test(target)) throw new ModeError(`${target}: give NWBZarrIO.open a store object for a URL; a string is a folder on disk`);
      const resolved = nodePath.resolve(target);
      if (mode === "w") {
        if (!existsSync(nodePath.dirname(resolved))) throw new NotFoundError(nodePath.dirname(resolved), `cannot write ${target}: its folder does not exist`);
        refuseToReplace(resolved, target);
      } else if (!existsSync(resolved)) {
        throw new NotFoundError(resolved, `no NWB Zarr store at ${target}`);
      }
      const work = mode === "w" ? temporaryPath(resolved) : undefined;
      const io = new NWBZarrIO(new FolderStore(work ?? resolved), resolved, mode, options, nodePath.dirname(resolved), work);
      if (mode === "r") await io.checkIsZarr();
      return io;
    }
    if (typeof target !== "object" || target === null || typeof (target as ReadableStore).get !== "function") {
      throw new ValidationError("NWBZarrIO.open", "store", "a folder path or a store with get() (and set, delete, list to write)", describeValue(target));
    }
    if (mode === "w" && !isWritable(target)) throw new ModeError(`${options.name ?? "the store"} cannot be written: it has no set, delete and list methods`);
    const io = new NWBZarrIO(target, options.name ?? "Zarr store", mode, options);
    if (mode === "r") await io.checkIsZarr();
    return io;
  }

  /** A store to read must be a Zarr group at its root. */
  private async checkIsZarr(): Promise<void> {
    if ((await this.store.get(keyOf("/", ZGROUP))) === undefined) throw new FormatError(this.path, "not a Zarr store: there is no .zgroup at its root");
  }

  /** Reads the store into typed objects (see `read-tree.ts`). */
  async read(): Promise<NWBFile> {
    this.checkOpen();
    if (this.mode === "w") throw new ModeError(`cannot read ${this.path}: it is open in mode "w"`);
    this.nwbfile ??= await constructFile(await readZarrTree(this.store, this.path), this.path);
    return this.nwbfile;
  }

  /**
   * Writes `nwbfile` into the store, replacing whatever the store held (mode "w", once per open). It is checked
   * against the schema first, as `NWBHDF5IO` checks it: an invalid file is refused before a key is written. Objects
   * read from another file (an HDF5 file, through external links too) are copied into the store.
   */
  async write(nwbfile: NWBFile): Promise<void> {
    this.checkOpen();
    if (this.mode !== "w") throw new ModeError(`cannot write ${this.path}: it is open in mode "${this.mode}"`);
    if (this.written) throw new ModeError(`${this.path} was already written; open it again to write another file`);
    if (!(nwbfile instanceof AbstractContainer) || !nwbfile.isA("NWBFile")) throw new ValidationError(`write to ${this.path}`, "nwbfile", "an NWBFile", describeValue(nwbfile));
    const store = this.store as WritableStore;
    try {
      const { root, builderOf } = await buildCheckedTree(nwbfile, this.path, "w", { storedFilePath: (p) => this.storedFilePath(p) });
      await clearStore(store);
      await writeZarrTree(store, root, { onProgress: this.options.onProgress, concurrency: this.options.concurrency, compressor: this.options.compressor, consolidate: this.options.consolidate });
      for (const [container, builder] of builderOf) container.container_source ??= { file: this.path, path: builder.path };
      this.written = true;
      this.nwbfile = nwbfile;
    } catch (e) {
      if (this.workFolder !== undefined) await rm(this.workFolder, { recursive: true, force: true });
      if (e instanceof TsnwbError || e instanceof TypeError || e instanceof RangeError) throw e;
      throw new FormatError(this.path, `write failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  /**
   * Closes the handle. A store written at a path is put in place now (the store or empty folder that was there is
   * removed); a store object has every key once `write` returns.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const work = this.workFolder;
    if (work === undefined) return;
    if (!this.written) {
      await rm(work, { recursive: true, force: true });
      return;
    }
    // A folder cannot be renamed over one that holds files: the old store is moved aside first, then removed.
    const old = existsSync(this.path) ? temporaryPath(this.path) : undefined;
    if (old !== undefined) await rename(this.path, old);
    await rename(work, this.path);
    if (old !== undefined) await rm(old, { recursive: true, force: true });
  }

  /** `await using io = await NWBZarrIO.open(...)`: closed when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** An external file path (ImageSeries' `external_file`) as stored: relative to the store folder's folder, as for an HDF5 file. */
  private storedFilePath(p: string): string {
    if (this.folder === undefined) return p;
    return (nodePath.isAbsolute(p) ? nodePath.relative(this.folder, p) : p).split(nodePath.sep).join("/");
  }

  private checkOpen(): void {
    if (this.closed) throw new ModeError(`${this.path} is closed`);
  }
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
