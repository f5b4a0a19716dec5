/**
 * What every NWB file handle does, wherever its bytes live (a file on disk, a URL, memory): read the file into
 * objects, write objects into it, flush appenders and close. Subclasses say how a file is opened, where a written
 * file goes, and how external file paths are stored.
 */
import { buildFile, constructFile } from "../mapping/mapper.js";
import type { NWBFile } from "../containers/file.js";
import { FormatError, ModeError, SchemaError, TsnwbError, ValidationError } from "../errors.js";
import { AbstractContainer, describeValue } from "../containers/container.js";
import { type H5File, type H5Module, hdf5Message, markClosed } from "./hdf5/h5.js";
import { HDF5Reader, type LinkedFileOpener } from "./hdf5/read.js";
import { type GroupBuilder, externalLinkFiles } from "../mapping/builders.js";
import { H5LazyDataset } from "./hdf5/lazy-dataset.js";
import { HDF5Writer, type WriteProgress } from "./hdf5/write.js";
import { type FileBytes, rewriteBoolDatatypes } from "./hdf5/bool-enum.js";
import { injectChunks } from "./hdf5/chunk-injection.js";
import { type FillValueTarget, rewriteFillValues } from "./hdf5/fill-value.js";
import { type ChunkCompressor, type ChunkInjection, sinksOf } from "./hdf5/chunk-sink.js";
import { type ValidationIssue, validateTree } from "../validation/validator.js";
import { type TreeDiff, carryOver, diffTrees } from "../mapping/tree-diff.js";
import { NWB_VERSION, typeCatalog } from "../schema/bundled.js";
import { readSourceOf } from "../mapping/read-source.js";
import { inOwnVersion, keepOwnCache, keepOwnVersion, keepReadForm, ownFixedValues } from "../mapping/as-read.js";

/** How a file is opened: `"r"` to read, `"w"` to write anew, `"a"` to read and change (as pynwb's modes). */
export type IOMode = "r" | "w" | "a";

/** Options every handle takes. */
export interface BaseIOOptions {
  /** Called as streamed or copied datasets are written. */
  onProgress?: WriteProgress;
  /**
   * Mode "w", writing a file read from another (a conversion, an export): the cached specification is written as
   * the file read caches it, namespace for namespace, text for text, instead of tsnwb's of the namespaces in use
   * (a file that caches none gets tsnwb's). `tsnwb convert` sets it, so that HDF5 -> Zarr -> HDF5 gives the cache back.
   */
  keepCachedSpec?: boolean;
}

export function checkMode(mode: unknown): asserts mode is IOMode {
  if (mode !== "r" && mode !== "w" && mode !== "a") throw new ModeError(`mode must be "r", "w" or "a", got ${JSON.stringify(mode)}`);
}

/** What every file handle does (`NWBHDF5IO` in Node and in browsers): read, write, append, close. */
export abstract class NWBIOBase {
  /** The open HDF5 file, once opened. */
  protected file?: H5File;
  /** The NWB file read or written through this handle. */
  protected nwbfile?: NWBFile;
  /** Mode "a": the file's tree as read, against which a write finds what changed (`mapping/tree-diff.ts`). */
  private storedTree?: GroupBuilder;
  /** Mode "a", when the file is written anew: the file read, whose datasets the new one copies, open until close. */
  private rewriteSource?: H5File;
  /** Whether `write` ran (close then puts the file in place). */
  protected written = false;
  /** @internal the files the external links written name, as stored (for the tests' oracle, which copies them too). */
  _linkedFiles: string[] = [];
  /** Whether `close` ran: every later call is refused. */
  protected closed = false;
  /** Datasets whose chunks tsnwb wrote itself, put in the file by close() (see `hdf5/chunk-injection.ts`). */
  private readonly injections: ChunkInjection[] = [];
  /** Boolean datasets written as stand-ins, made h5py's enum by close() (see `hdf5/bool-enum.ts`). */
  private readonly boolStandIns: number[] = [];
  /** Datasets given a fill value, written in their headers by close() (see `hdf5/fill-value.ts`). */
  private readonly fillValues: FillValueTarget[] = [];
  /** Appenders opened on this file: close() flushes what they still buffer. */
  private readonly appenders = new Set<{ close(): void }>();

  protected constructor(
    /** The HDF5 library (h5wasm's module) the file is opened with. */
    protected readonly m: H5Module,
    /** The NWB file's path (or URL, or name in memory). */
    readonly path: string,
    /** The mode the file was opened in. */
    readonly mode: IOMode,
    /** The options given to `open`. */
    protected readonly baseOptions: BaseIOOptions,
  ) {}

  /** Opens the HDF5 file to write in mode "w" (the first write creates it). */
  protected abstract createForWrite(): H5File;
  /**
   * Mode "a": the changes (`why`) cannot be made where the file is, so it is written anew: opens a new work file for
   * that and returns it, keeping the one read open (its datasets are copied from) until close. Handles that change
   * the file in place refuse, saying why.
   */
  protected abstract startRewrite(why: string[]): H5File;
  /** How a path of an external file is stored. */
  protected abstract storedFilePath(path: string): string;
  /**
   * How the files external links name are opened when followed (relative to this file's folder); undefined where a
   * file has no folder (bytes, URLs): following one is then refused, naming the link and its file.
   */
  protected linkedFileOpener(): LinkedFileOpener | undefined {
    return undefined;
  }
  /**
   * How a file that objects read through external links are in (an absolute path) is named in a link written here;
   * undefined: such objects are copied into the file instead (bytes in memory have no folder to link from).
   */
  protected externalLinkFile(): ((file: string) => string | undefined) | undefined {
    return undefined;
  }
  /** After the file is closed: put what was written in place (or drop an unwritten work file). */
  protected abstract finish(written: boolean): Promise<void>;
  /** After a failure: drop what was written since open, leaving the target as it was. */
  protected abstract dropWork(): Promise<void>;
  /**
   * Edits the closed work file's bytes in place (before `finish` puts it at its path): `eof` is where its HDF5
   * bytes end; `inPlace` says the file edited is the chunk compressor's side store holding them (see
   * `hdf5/chunk-injection.ts`), which then becomes the file.
   */
  protected abstract editClosedFile(edit: (file: FileBytes, eof: number, inPlace: boolean) => void): void;
  /** A native chunk compressor for this write, where there is one (Node, files not live): see `hdf5/chunk-sink.ts`. */
  protected chunkCompressor(): ChunkCompressor | undefined {
    return undefined;
  }
  /** The root group's header address when the file is read from its bytes alone, HDF5 not started (see `HDF5Reader`). */
  protected rootAddress(): number | undefined {
    return undefined;
  }
  /** After a successful write (live files start SWMR here). */
  protected async afterWrite(): Promise<void> {}
  /** After an appender's flush, which leaves the file consistent (live files' undo journals start again here). */
  protected checkpoint(): void {}
  /** Closes the HDF5 file (and what it reads through). */
  protected closeFile(): void {
    this.file?.close();
  }

  /** Reads the file into typed objects; array data stays in the file as lazy handles until read. */
  async read(): Promise<NWBFile> {
    this.checkOpen();
    if (this.mode === "w") throw new ModeError(`cannot read ${this.path}: it is open in mode "w"`);
    if (this.nwbfile) return this.nwbfile;
    this.storedTree = this._layout();
    this.nwbfile = await constructFile(this.storedTree, this.path);
    return this.nwbfile;
  }

  /**
   * @internal the file's builder tree (names, types and attributes as stored; datasets lazy), read once: `read()`
   * constructs its objects from the same tree. For a listing of the objects before they are made (the viewer's
   * tree, shown while they are).
   */
  _layout(): GroupBuilder {
    this.checkOpen();
    if (this.mode === "w") throw new ModeError(`cannot read ${this.path}: it is open in mode "w"`);
    this.storedTree ??= this._readTree();
    return this.storedTree;
  }

  /** @internal the file's builder tree (attributes read, datasets lazy), for reading and for validation. */
  _readTree(): GroupBuilder {
    try {
      return new HDF5Reader(this.m, this._h5.file, this.path, this.linkedFileOpener(), this.rootAddress()).readTree();
    } catch (e) {
      if (e instanceof TsnwbError) throw e;
      throw new FormatError(this.path, `cannot read the file's layout: ${hdf5Message(e)}`, { cause: e });
    }
  }

  /**
   * Writes `nwbfile`: in mode "w" the whole file; in mode "a" (once per open, the NWBFile `read()` gave) every change
   * made since the read, where the file is when HDF5 can make it there, else by writing the file anew (see
   * `mapping/tree-diff.ts`). The file stays open (series can still grow with an appender) until `close()`; if
   * anything fails, what was written since open is dropped and the target is left as it was.
   */
  async write(nwbfile: NWBFile): Promise<void> {
    this.checkOpen();
    if (this.mode === "r") throw new ModeError(`cannot write ${this.path}: it is open in mode "r"`);
    if (this.mode === "w" && this.written) throw new ModeError(`${this.path} was already written; open it again to write another file`);
    if (!(nwbfile instanceof AbstractContainer) || !nwbfile.isA("NWBFile")) throw new ValidationError(`write to ${this.path}`, "nwbfile", "an NWBFile", describeValue(nwbfile));
    // In mode "a" the file is changed from what was read of it: another NWBFile would replace it, not add to it.
    if (this.mode === "a" && this.nwbfile !== nwbfile) {
      throw new ModeError(`cannot write to ${this.path} in mode "a" an NWBFile not read from it: call read(), change what it returns, then write that`);
    }
    if (this.mode === "a" && this.written) throw new ModeError(`${this.path} was already written; close it and open it again to change it more`);
    try {
      const externalLinkFile = this.externalLinkFile();
      const { root, builderOf, streams } = await buildCheckedTree(nwbfile, this.path, this.mode, {
        storedFilePath: (p) => this.storedFilePath(p), keepCachedSpec: this.baseOptions.keepCachedSpec, ...(externalLinkFile ? { externalLinkFile } : {}),
      });
      this._linkedFiles = externalLinkFiles(root);
      if (this.mode === "w") this.file = this.createForWrite();
      let append = this.mode === "a";
      let changes: TreeDiff | undefined;
      if (append) {
        changes = await diffTrees(root, this.storedTree!);
        if (changes.rewrites.length > 0) {
          // HDF5 cannot delete, move, resize a fixed-size dataset or retarget a link where it is: the file is
          // written anew, with what the caller changed and what tsnwb keeps without modelling it.
          this.rewriteSource = this.file;
          this.file = this.startRewrite(changes.rewrites);
          carryOver(root, this.storedTree!);
          append = false;
          changes = undefined;
        }
      }
      const writer = new HDF5Writer(this.m, this.file!, { append, changes, onProgress: this.baseOptions.onProgress, compressor: this.chunkCompressor() });
      await writer.write(root);
      this.boolStandIns.push(...writer.boolStandIns);
      this.fillValues.push(...writer.fillValues);
      for (const [container, builder] of builderOf) container.container_source ??= { file: this.path, path: builder.path };
      // A stream is read once, as it is written: from now on the field is the dataset in the file.
      for (const { container, key, builder } of streams) {
        (container as unknown as Record<string, unknown>)[key] = H5LazyDataset.at(this.m, this.file!, builder.path, this.path);
      }
      this.written = true;
      this.nwbfile = nwbfile;
      await this.afterWrite();
    } catch (e) {
      await this.discard();
      throw asTsnwbError(e, this.path);
    }
  }

  /** Flushes open appenders, closes the file and puts what was written in place. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      for (const appender of this.appenders) appender.close();
    } catch (e) {
      await this.discard();
      throw asTsnwbError(e, this.path);
    }
    this.closed = true;
    if (this.file) {
      // Chunks still in sinks (a stream's last, incomplete row of chunks) are stored, while the file is open.
      const sinks = sinksOf(this.file);
      try {
        for (const sink of sinks.values()) this.injections.push(await sink.finish());
      } catch (e) {
        await this.discard();
        throw asTsnwbError(e, this.path);
      }
      sinks.clear();
    }
    this.closeHDF5();
    if (this.boolStandIns.length > 0 || this.injections.length > 0 || this.fillValues.length > 0) {
      try {
        this.editClosedFile((file, eof, inPlace) => {
          if (this.injections.length > 0) injectChunks(file, eof, this.injections, this.chunkCompressor()!, inPlace);
          rewriteBoolDatatypes(file, this.boolStandIns);
          rewriteFillValues(file, this.fillValues);
        });
      } catch (e) {
        await this.dropWork();
        throw asTsnwbError(e, this.path);
      }
    }
    await this.finish(this.written);
  }

  /** Drops what was written since open after a failure elsewhere (an appender's); the target is left as it was. */
  async abort(): Promise<void> {
    await this.discard();
  }

  /** @internal the open h5wasm file, for the appender. */
  get _h5(): { m: H5Module; file: H5File } {
    this.checkOpen();
    if (!this.file) throw new ModeError(`${this.path} has no open HDF5 file yet`);
    return { m: this.m, file: this.file };
  }

  /** @internal an appender to close (flush) before the file closes. */
  _register(appender: { close(): void }): void {
    this.appenders.add(appender);
  }

  /** @internal an appender has flushed the file: see `checkpoint`. */
  _checkpoint(): void {
    this.checkpoint();
  }

  /** @internal marks the file as changed (by an appender), so close() keeps it. */
  _markWritten(): void {
    this.written = true;
  }

  /** Refuses a call on a closed handle. */
  protected checkOpen(): void {
    if (this.closed) throw new ModeError(`${this.path} is closed`);
  }

  /** Closes the HDF5 file; what was read from it refuses reads from now on, saying the file is closed. */
  private closeHDF5(): void {
    if (this.file) markClosed(this.file, this.path);
    if (this.rewriteSource) markClosed(this.rewriteSource, this.path);
    try {
      this.closeFile();
    } finally {
      this.file = undefined;
      const source = this.rewriteSource;
      this.rewriteSource = undefined;
      source?.close();
    }
  }

  /** `await using io = await NWBHDF5IO.open(...)`: closed (what was written put in place) when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async discard(): Promise<void> {
    try {
      this.closeHDF5();
    } catch {
      // The file may already be unusable; dropping it is what matters.
    }
    this.closed = true;
    await this.dropWork();
  }
}

/**
 * What every backend does before it writes a byte: the file's builder tree, kept in the form its objects were read
 * in (an export, an append), and checked against the schema of the version it is written in, so that no invalid
 * file is ever produced (a SchemaError lists what is wrong). `where` names the file in errors; `mode` "a" keeps the
 * namespaces the file caches, "w" an older file's whole cache.
 */
export async function buildCheckedTree(
  nwbfile: NWBFile,
  where: string,
  mode: IOMode,
  options: { storedFilePath: (path: string) => string; externalLinkFile?: (file: string) => string | undefined; keepCachedSpec?: boolean },
): Promise<ReturnType<typeof buildFile>> {
  // Rows added to tables read from the file: the stored rows are read first, so the columns hold every row.
  for (const c of nwbfile.objects.values()) await (c as { loadStoredRows?: () => Promise<void> }).loadStoredRows?.();
  const built = buildFile(nwbfile, { externalFilePath: options.storedFilePath, ...(options.externalLinkFile ? { externalLinkFile: options.externalLinkFile } : {}) });
  const { root, builderOf } = built;
  // A file's objects written again (an export, an append) keep the form they were read in, an older file its
  // version: an export its whole cache, an append the namespaces the file caches (the diff keeps them).
  const source = readSourceOf(nwbfile);
  if (source) keepReadForm(builderOf);
  const ownVersion = source !== undefined && inOwnVersion(source, NWB_VERSION);
  if (ownVersion && mode === "w") keepOwnVersion(root, source);
  else if (ownVersion) keepOwnCache(root, source);
  if (ownVersion) ownFixedValues(builderOf, source);
  else if (source && mode === "w" && options.keepCachedSpec) keepCachedSpecification(root, source.root);
  // No invalid file is ever produced: what is about to be written is checked first (no array data is read),
  // against the schema of the version it is written in.
  const check = { structuralOnly: true, versionNamedByFile: ownVersion && source.schema.origin === "bundled" };
  const catalog = ownVersion ? source.schema.catalog : typeCatalog;
  let issues = await validateTree(root, catalog, check);
  if (issues.length > 0 && source) {
    // What the file read already had is not this write's doing (pynwb's export keeps it too): anything new is.
    const had = new Set((await validateTree(source.root, catalog, check)).map(issueKey));
    issues = issues.filter((i) => !had.has(issueKey(i)));
  }
  if (issues.length > 0) throw new SchemaError(where, issues);
  return built;
}

/**
 * The specification `stored` (a file's tree as read) caches, put in `root` in place of the one built: its builders
 * are moved into `root` (they stay lazy, read as they are written). Nothing is done when the file caches none.
 */
function keepCachedSpecification(root: GroupBuilder, stored: GroupBuilder): void {
  const cache = stored.groups.get("specifications");
  const specloc = stored.attributes.get(".specloc");
  if (cache === undefined || specloc === undefined) return;
  root.groups.delete("specifications");
  cache.parent = undefined;
  root.add(cache);
  root.attributes.set(".specloc", specloc);
}

/** An issue as one string: the same issue in two trees of the same paths gives the same key. */
function issueKey(i: ValidationIssue): string {
  return `${i.path}\0${i.rule}\0${i.message}`;
}

export function asTsnwbError(e: unknown, path: string): unknown {
  if (e instanceof TsnwbError || e instanceof TypeError || e instanceof RangeError) return e;
  return new FormatError(path, `write failed: ${hdf5Message(e)}`, { cause: e });
}
