/**
 * `NWBHDF5IO`: opens an NWB file on disk to read, write or append, as pynwb's class of the same name.
 *
 * A write never leaves a half-written file at the target path: modes "w" and "a" work on a temporary file beside
 * the target ("a" on a copy of it), renamed into place by `close()` once everything is written.
 */
import { promises as fsp, existsSync, openSync, readSync, closeSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import { buildFile, constructFile } from "../mapping/mapper.js";
import type { NWBFile } from "../containers/file.js";
import { FormatError, ModeError, NotFoundError, TsnwbError } from "../errors.js";
import { type H5File, type H5Module, h5, h5wasm, hdf5Message } from "./hdf5/h5.js";
import { HDF5Reader } from "./hdf5/read.js";
import { H5LazyDataset } from "./hdf5/lazy-dataset.js";
import { type RemoteFile, openRemote } from "./remote/remote-file.js";
import type { RangeReaderOptions } from "./remote/sync-range-reader.js";
import { HDF5Writer, type WriteProgress } from "./hdf5/write.js";

export type IOMode = "r" | "w" | "a";

export interface IOOptions {
  /** Called as streamed or copied datasets are written. */
  onProgress?: WriteProgress;
  /**
   * Mode "a" only: change the file where it is instead of a copy. For appending to a movie of many GB, where a
   * copy would take minutes. Bad input is still refused before anything is written, but a crash or a full disk
   * during the write can leave the file damaged; without this option the file is never touched until close().
   */
  inPlace?: boolean;
  /** For a URL: how ranges are fetched (block size, cache bound, attempts, headers, whether a full download is allowed). */
  remote?: RangeReaderOptions;
}

/** Whether `path` names a file by URL (http or https). */
function isURL(path: string | URL): boolean {
  return path instanceof URL || /^https?:\/\//i.test(path);
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export class NWBHDF5IO {
  private file?: H5File;
  private nwbfile?: NWBFile;
  private written = false;
  private closed = false;
  /** Appenders opened on this file: close() flushes what they still buffer. */
  private readonly appenders = new Set<{ close(): void }>();

  private constructor(
    private readonly m: H5Module,
    /** The NWB file's path. */
    readonly path: string,
    readonly mode: IOMode,
    /** Where h5wasm works: the path itself for "r", a temporary file beside it for "w" and "a". */
    private readonly workPath: string,
    private readonly options: IOOptions,
  ) {}

  /** The remote file behind a URL opened for reading. */
  private remote?: RemoteFile;

  /**
   * Opens `path`: a file on disk, or a URL (http or https) to read lazily with range requests (opening reads the
   * file's metadata; a frame read fetches that frame's chunks). Mode "r" and "a" need an existing HDF5 file; "w"
   * creates or replaces it when written; a URL is read only.
   */
  static async open(path: string | URL, mode: IOMode = "r", options: IOOptions = {}): Promise<NWBHDF5IO> {
    if (mode !== "r" && mode !== "w" && mode !== "a") throw new ModeError(`mode must be "r", "w" or "a", got ${JSON.stringify(mode)}`);
    if (isURL(path)) {
      const url = String(path);
      if (mode !== "r") throw new ModeError(`${url} can be opened in mode "r" only: files are written to disk`);
      const remote = await openRemote(url, options.remote);
      const io = new NWBHDF5IO(remote.m, url, "r", url, options);
      io.file = remote.file;
      io.remote = remote;
      return io;
    }
    path = String(path);
    const m = await h5();
    const resolved = nodePath.resolve(path);
    if (mode === "w") {
      if (!existsSync(nodePath.dirname(resolved))) throw new NotFoundError(nodePath.dirname(resolved), `cannot write ${path}: its folder does not exist`);
      return new NWBHDF5IO(m, resolved, mode, temporaryPath(resolved), options);
    }
    checkHDF5(resolved, path);
    if (mode === "r") {
      const io = new NWBHDF5IO(m, resolved, mode, resolved, options);
      io.file = openH5(resolved, "r", path);
      return io;
    }
    const work = options.inPlace ? resolved : temporaryPath(resolved);
    if (work !== resolved) await fsp.copyFile(resolved, work);
    const io = new NWBHDF5IO(m, resolved, mode, work, options);
    try {
      io.file = openH5(work, "a", path);
    } catch (e) {
      if (work !== resolved) await fsp.rm(work, { force: true });
      throw e;
    }
    return io;
  }

  /** Reads the file into typed objects; array data stays in the file as lazy handles until read. */
  async read(): Promise<NWBFile> {
    this.checkOpen();
    if (this.mode === "w") throw new ModeError(`cannot read ${this.path}: it is open in mode "w"`);
    if (this.nwbfile) return this.nwbfile;
    let tree;
    try {
      tree = new HDF5Reader(this.m, this.file!, this.path).readTree();
    } catch (e) {
      if (e instanceof TsnwbError) throw e;
      throw new FormatError(this.path, `cannot read the file's layout: ${hdf5Message(e)}`, { cause: e });
    }
    this.nwbfile = await constructFile(tree, this.path);
    return this.nwbfile;
  }

  /**
   * Writes `nwbfile`: in mode "w" the whole file, in mode "a" the objects that are not in the file yet. The file
   * stays open (series can still grow with an appender) and is moved to its path by `close()`; if anything
   * fails, the work file is removed and the path is left as it was.
   */
  async write(nwbfile: NWBFile): Promise<void> {
    this.checkOpen();
    if (this.mode === "r") throw new ModeError(`cannot write ${this.path}: it is open in mode "r"`);
    if (this.mode === "w" && this.written) throw new ModeError(`${this.path} was already written; open it again to write another file`);
    const folder = nodePath.dirname(this.path);
    try {
      const { root, builderOf, streams } = buildFile(nwbfile, {
        externalFilePath: (p) => (nodePath.isAbsolute(p) ? nodePath.relative(folder, p) : p).split(nodePath.sep).join("/"),
      });
      if (this.mode === "w") this.file = openH5(this.workPath, "w", this.path);
      await new HDF5Writer(this.m, this.file!, { append: this.mode === "a", onProgress: this.options.onProgress }).write(root);
      for (const [container, builder] of builderOf) container.container_source ??= { file: this.path, path: builder.path };
      // A stream is read once, as it is written: from now on the field is the dataset in the file.
      for (const { container, key, path } of streams) {
        (container as unknown as Record<string, unknown>)[key] = H5LazyDataset.at(this.m, this.file!, path, this.path);
      }
      this.written = true;
      this.nwbfile = nwbfile;
    } catch (e) {
      await this.discard();
      throw asTsnwbError(e, this.path);
    }
  }

  /** Flushes open appenders, closes the file and, when something was written, moves it into place at its path. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      for (const appender of this.appenders) appender.close();
    } catch (e) {
      await this.discard();
      throw asTsnwbError(e, this.path);
    }
    this.closed = true;
    if (this.remote) this.remote.close();
    else if (this.file) this.file.close();
    this.file = undefined;
    if (this.mode === "r" || this.workPath === this.path) return;
    if (this.written) await fsp.rename(this.workPath, this.path);
    else await fsp.rm(this.workPath, { force: true });
  }

  /** Drops what was written since open after a failure elsewhere (an appender's); the path is left as it was (unless `inPlace`). */
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

  /** @internal marks the file as changed (by an appender), so close() keeps it. */
  _markWritten(): void {
    this.written = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new ModeError(`${this.path} is closed`);
  }

  /** Drops the temporary file after a failed write; the target path is left as it was. */
  private async discard(): Promise<void> {
    try {
      this.file?.close();
    } catch {
      // The file may already be unusable; removing it is what matters.
    }
    this.file = undefined;
    this.closed = true;
    if (this.workPath !== this.path) await fsp.rm(this.workPath, { force: true });
  }
}

function temporaryPath(target: string): string {
  const id = globalThis.crypto.randomUUID().slice(0, 8);
  return nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target)}.${id}.tsnwb-tmp`);
}

/** Refuses missing paths and files that are not HDF5 before h5wasm sees them, with errors that say which. */
function checkHDF5(resolved: string, shown: string): void {
  if (!existsSync(resolved)) throw new NotFoundError(shown);
  const stat = statSync(resolved);
  if (!stat.isFile()) throw new FormatError(shown, "not a file");
  const head = Buffer.alloc(8);
  const fd = openSync(resolved, "r");
  try {
    readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  // HDF5 also allows the signature at 512, 1024, ... after a user block; h5wasm's open decides those.
  if (!head.equals(HDF5_SIGNATURE) && stat.size < 512) throw new FormatError(shown, "not an HDF5 file (no HDF5 signature)");
}

function openH5(path: string, mode: "r" | "a" | "w", shown: string): H5File {
  try {
    return new h5wasm.File(path, mode);
  } catch (e) {
    const detail = hdf5Message(e);
    const why = /signature|not an hdf5|file signature/i.test(detail) ? "not an HDF5 file" : /truncat|eof|end of file|addr/i.test(detail) ? "the file is truncated or damaged" : "cannot open it as HDF5";
    throw new FormatError(shown, `${why} (${detail})`, { cause: e });
  }
}

function asTsnwbError(e: unknown, path: string): unknown {
  if (e instanceof TsnwbError || e instanceof TypeError || e instanceof RangeError) return e;
  return new FormatError(path, `write failed: ${hdf5Message(e)}`, { cause: e });
}
