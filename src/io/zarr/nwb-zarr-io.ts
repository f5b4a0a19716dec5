/**
 * `NWBZarrIO`: an NWB file in a Zarr store in hdmf-zarr's layout (pynwb users' `hdmf_zarr.nwb.NWBZarrIO`), on the
 * same containers and object mapper as `NWBHDF5IO`: `open`, `read`, `write`, `close`. A store is any object with
 * zarrita's store methods (`store.ts`: memory, an object store's client), an http(s) URL (read-only, through
 * `HttpStore`), or, in Node, a folder on disk named by its path (usually ending in `.nwb.zarr`; `folders-node.ts`).
 */
import type { NWBFile } from "../../containers/file.js";
import { AbstractContainer, describeValue } from "../../containers/container.js";
import { FormatError, ModeError, TsnwbError, ValidationError } from "../../errors.js";
import type { GroupBuilder } from "../../mapping/builders.js";
import { type BaseIOOptions, type IOMode, buildCheckedTree, checkMode } from "../io-base.js";
import { type FolderTarget, folderSupport } from "./folder-support.js";
import { HttpStore, type HttpStoreOptions } from "./http-store.js";
import { type RootDocuments, type ZarrLayout, readRootDocuments, readZarrLayout, readZarrTree } from "./zarr-read.js";
import { constructFile } from "../../mapping/mapper.js";
import { type ReadableStore, type StoreKey, type WritableStore, isWritable, storeName } from "./store.js";
import { CONSOLIDATED_METADATA_KEY, encodeConsolidatedMetadata } from "./consolidated.js";
import { type ZarrWriteOptions, clearStore, writeZarrTree } from "./zarr-write.js";
import { WRITTEN_COMPRESSORS } from "./chunk-encoder.js";


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
  /** A store object's name in messages and objects' `container_source` (a folder is named by its path, a URL by itself). */
  name?: string;
  /** How an http(s) URL is fetched (headers, retries, parallel requests, a fetch of one's own). */
  http?: HttpStoreOptions;
  /**
   * Mode "w", writing a file read from another (`tsnwb convert`): its cached specification is written as that file
   * caches it, instead of tsnwb's of the namespaces in use (see `BaseIOOptions.keepCachedSpec`).
   */
  keepCachedSpec?: boolean;
}

/** Whether `target` is an http(s) URL (NWBZarrIO reads a store there through an HttpStore). */
export function isHttpURL(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

/** An NWB file in a Zarr store (pynwb's `hdmf_zarr.nwb.NWBZarrIO`): `open`, `read`, `write`, `close`. */
export class NWBZarrIO {
  private nwbfile?: NWBFile;
  /** The root's documents open() read (checkIsZarr), until the layout is read from them. */
  private rootDocuments?: RootDocuments;
  /** The store's layout, read once (by `_layout()` or `read()`): `read()` makes its objects from it. */
  private layout?: Promise<ZarrLayout>;
  private written = false;
  private closed = false;
  /** The metadata documents written (key to bytes), kept so that appenders write `.zmetadata` again. */
  private metadata?: Map<StoreKey, Uint8Array>;
  /** Appenders open on the store: closed (their frames written) before the store is put in place. */
  private readonly appenders = new Set<{ close(): Promise<void> }>();

  private constructor(
    /** Where the hierarchy's keys are (mode "w" at a path: the temporary folder `close()` puts at the path). */
    readonly store: ReadableStore,
    /** The store's name in messages: the folder's absolute path, or the name given with a store. */
    readonly path: string,
    /** The mode the store was opened in. */
    readonly mode: IOMode,
    private readonly options: ZarrIOOptions,
    /** A store at a path: where it is (its folder, and in mode "w" the temporary folder written into). */
    private readonly target?: FolderTarget,
  ) {}

  /**
   * Opens a Zarr store: a store object (`{ get, set, delete, list }`; `get` alone to read), an http(s) URL (mode
   * "r" only: an `HttpStore`, its consolidated metadata read in one request; Node and browsers), or in Node a folder
   * path (mode "w" writes a temporary folder beside it, which `close()` puts at the path, replacing the store or
   * empty folder there; "r" needs an NWB Zarr store there). Mode "a" (changing a store in place) is refused: read
   * the store and write a new one.
   */
  static async open(target: string | ReadableStore, mode: IOMode = "r", options: ZarrIOOptions = {}): Promise<NWBZarrIO> {
    checkMode(mode);
    const compressor = options.compressor;
    if (compressor !== undefined && compressor !== null && !WRITTEN_COMPRESSORS.includes(String((compressor as { id?: unknown }).id))) {
      throw new ValidationError("NWBZarrIO.open", "compressor", `null or a numcodecs configuration of ${WRITTEN_COMPRESSORS.join(", ")} ({ id: "zlib", level: 4 })`, JSON.stringify(compressor));
    }
    if (mode === "a" && (typeof target !== "string" || isHttpURL(target))) {
      throw new ModeError(`mode "a" opens NWB Zarr stores in folders on disk only (a store object or a URL: read it, and write a new store)`);
    }
    if (typeof target === "string" && isHttpURL(target)) {
      if (mode !== "r") throw new ModeError(`${target}: a store by URL is read-only (mode "r"); write to a folder or a store object`);
      const io = new NWBZarrIO(new HttpStore(target, options.http), options.name ?? target, mode, options);
      await io.checkIsZarr();
      return io;
    }
    if (typeof target === "string") {
      const folders = folderSupport();
      if (folders === undefined) throw new ModeError(`${target}: a path names a folder, which only Node opens; give NWBZarrIO.open a store object here`);
      if (mode === "a") {
        // Read where it is, written anew beside it (the arrays copied from the store read), put in its place by close().
        const read = await folders.open(target, "r");
        const io = new NWBZarrIO(read.store, read.path, mode, options, await folders.open(target, "w"));
        await io.checkIsZarr();
        return io;
      }
      const opened = await folders.open(target, mode);
      const io = new NWBZarrIO(opened.store, opened.path, mode, options, opened);
      if (mode === "r") await io.checkIsZarr();
      return io;
    }
    if (typeof target !== "object" || target === null || typeof (target as ReadableStore).get !== "function") {
      throw new ValidationError("NWBZarrIO.open", "store", "a folder path, an http(s) URL, or a store with get() (and set, delete, list to write)", describeValue(target));
    }
    if (mode === "w" && !isWritable(target)) throw new ModeError(`${options.name ?? "the store"} cannot be written: it has no set, delete and list methods`);
    const io = new NWBZarrIO(target, options.name ?? storeName(target), mode, options);
    if (mode === "r") await io.checkIsZarr();
    return io;
  }

  /**
   * A store to read must be a Zarr group at its root. The root's consolidated metadata and attributes are read with
   * its .zgroup, in the same round trip, and kept for `read()`.
   */
  private async checkIsZarr(): Promise<void> {
    const root = await readRootDocuments(this.store);
    if (root.zgroup === undefined) throw new FormatError(this.path, "not a Zarr store: there is no .zgroup at its root");
    this.rootDocuments = root;
  }

  /** Reads the store into typed objects (`zarr-read.ts`): array data stays in the store until read. */
  async read(): Promise<NWBFile> {
    this.checkOpen();
    if (this.mode === "w") throw new ModeError(`cannot read ${this.path}: it is open in mode "w"`);
    if (this.nwbfile === undefined) {
      const { root, fetchSmall } = await this.readLayout();
      await fetchSmall();
      this.nwbfile = await constructFile(root, this.path);
    }
    return this.nwbfile;
  }

  /**
   * @internal The store's builder tree from its metadata (names, types and attributes; no chunk read), read once:
   * `read()` makes its objects from the same tree. The small arrays making the objects reads are asked for now, those
   * at the paths `first` picks at the head of the queue (what the viewer's first view needs). For a listing of the
   * objects before they are made (the viewer's tree, shown while they are), as `NWBHDF5IO._layout()`.
   */
  async _layout(first?: (root: GroupBuilder) => ((path: string) => boolean) | undefined): Promise<GroupBuilder> {
    this.checkOpen();
    if (this.mode === "w") throw new ModeError(`cannot read ${this.path}: it is open in mode "w"`);
    const { root, fetchSmall } = await this.readLayout();
    void fetchSmall(first?.(root));
    return root;
  }

  private readLayout(): Promise<ZarrLayout> {
    if (this.layout === undefined) {
      // The root's documents as open() read them, once (a later tree is read anew).
      const root = this.rootDocuments;
      this.rootDocuments = undefined;
      this.layout = readZarrLayout(this.store, { name: this.path, root });
    }
    return this.layout;
  }

  /** @internal The store's builder tree as read, read anew (`validate` checks it against the schema). */
  async _readTree(): Promise<GroupBuilder> {
    this.checkOpen();
    if (this.mode === "w") throw new ModeError(`cannot read ${this.path}: it is open in mode "w"`);
    return readZarrTree(this.store, { name: this.path });
  }

  /**
   * Writes `nwbfile` into the store, replacing whatever the store held (mode "w", once per open). It is checked
   * against the schema first, as `NWBHDF5IO` checks it: an invalid file is refused before a key is written. Objects
   * read from another file (an HDF5 file, through external links too) are copied into the store.
   *
   * Mode "a" (a folder): `nwbfile` is the one `read()` gave, changed (objects added, table rows appended...); the
   * store is written anew beside the folder, its arrays copied from the store read and its cached specification
   * kept, and `close()` puts it in the folder's place. A series written (or copied) here grows with a
   * `ZarrSeriesAppender` until `close()`.
   */
  async write(nwbfile: NWBFile): Promise<void> {
    this.checkOpen();
    if (this.mode === "r") throw new ModeError(`cannot write ${this.path}: it is open in mode "r"`);
    if (this.written) throw new ModeError(`${this.path} was already written; open it again to write another file`);
    if (!(nwbfile instanceof AbstractContainer) || !nwbfile.isA("NWBFile")) throw new ValidationError(`write to ${this.path}`, "nwbfile", "an NWBFile", describeValue(nwbfile));
    if (this.mode === "a" && this.nwbfile !== nwbfile) {
      throw new ModeError(`cannot write to ${this.path} in mode "a" an NWBFile not read from it: call read(), change what it returns, then write that`);
    }
    const store = this.writeStore;
    try {
      const keepCachedSpec = this.mode === "a" ? true : this.options.keepCachedSpec;
      const { root, builderOf } = await buildCheckedTree(nwbfile, this.path, "w", { storedFilePath: (p) => this.storedFilePath(p), keepCachedSpec });
      await clearStore(store);
      this.metadata = await writeZarrTree(store, root, { onProgress: this.options.onProgress, concurrency: this.options.concurrency, compressor: this.options.compressor, consolidate: this.options.consolidate });
      for (const [container, builder] of builderOf) container.container_source ??= { file: this.path, path: builder.path };
      this.written = true;
      this.nwbfile = nwbfile;
    } catch (e) {
      if (this.target?.workFolder !== undefined) await folderSupport()!.remove(this.target.workFolder);
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
    const work = this.target?.workFolder;
    try {
      // Their last frames and the array shapes they change go into the store before it is put in place.
      for (const appender of this.appenders) await appender.close();
    } catch (e) {
      // A store half grown is not put in place: what was at the path stays.
      this.closed = true;
      if (work !== undefined) await folderSupport()!.remove(work);
      throw e;
    }
    this.closed = true;
    if (work === undefined) return;
    if (this.written) await folderSupport()!.putInPlace(work, this.path);
    else await folderSupport()!.remove(work);
  }

  /**
   * @internal For `ZarrSeriesAppender`: the store written into and the metadata documents written. In mode "a" the
   * file read is written first (copied beside the folder, as `write()` does) if `write()` was not called.
   */
  async _forAppend(): Promise<{ store: WritableStore; metadata: Map<StoreKey, Uint8Array>; concurrency?: number }> {
    this.checkOpen();
    if (this.mode === "r") throw new ModeError(`cannot append to ${this.path}: it is open in mode "r"`);
    if (!this.written && this.mode === "a" && this.nwbfile !== undefined) await this.write(this.nwbfile);
    if (!this.written || this.metadata === undefined) throw new ModeError(`cannot append to ${this.path}: write the file first (io.write)`);
    return { store: this.writeStore, metadata: this.metadata, concurrency: this.options.concurrency };
  }

  /**
   * @internal The store written, to read from while the handle is open: a folder's store is written in a work folder
   * that `close()` moves to the path, after which a read through this says so (rather than finding no chunk there,
   * which a Zarr reader takes for fill values).
   */
  _storeWhileOpen(): ReadableStore {
    const store = this.writeStore;
    if (this.target?.workFolder === undefined) return store;
    return {
      get: async (key) => {
        if (this.closed) throw new ModeError(`${this.path} was closed, and its store moved from the folder it was written in: open it again to read`);
        return store.get(key);
      },
    };
  }

  /** @internal An appender to close before the store closes. */
  _register(appender: { close(): Promise<void> }): void {
    this.appenders.add(appender);
  }

  /** @internal An array's `.zarray` changed (an appender grew it): stored, and kept for the consolidated metadata. */
  async _rewriteMetadata(key: StoreKey, bytes: Uint8Array): Promise<void> {
    const { store, metadata } = await this._forAppend();
    metadata.set(key, bytes);
    await store.set(key, bytes);
  }

  /**
   * @internal The consolidated metadata written again from the documents written (no listing of the store), so that
   * readers of `.zmetadata` (hdmf-zarr, tsnwb) see arrays' new shapes.
   */
  async _consolidate(): Promise<void> {
    const { store, metadata } = await this._forAppend();
    if (this.options.consolidate !== false) await store.set(CONSOLIDATED_METADATA_KEY, encodeConsolidatedMetadata(metadata));
  }

  /** `await using io = await NWBZarrIO.open(...)`: closed when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The store written into: in mode "a" the work folder beside the one read. */
  private get writeStore(): WritableStore {
    return (this.mode === "a" ? this.target!.store : this.store) as WritableStore;
  }

  /** An external file path (ImageSeries' `external_file`) as stored: relative to the store folder's folder, as for an HDF5 file. */
  private storedFilePath(p: string): string {
    return this.target === undefined ? p : folderSupport()!.storedFilePath(this.target.folder, p);
  }

  private checkOpen(): void {
    if (this.closed) throw new ModeError(`${this.path} is closed`);
  }
}
