/**
 * `NWBHDF5IO`: opens an NWB file on disk to read, write or append, as pynwb's class of the same name.
 *
 * A write never leaves a half-written file at the target path: modes "w" and "a" work on a temporary file beside
 * the target ("a" on a copy of it), renamed into place by `close()` once everything is written.
 */
import { promises as fsp, existsSync, openSync, readSync, closeSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import { FormatError, ModeError, NotFoundError } from "../errors.js";
import { type H5File, type H5Module, hdf5Message } from "./hdf5/h5.js";
import type { FileBytes } from "./hdf5/bool-enum.js";
import type { ChunkCompressor } from "./hdf5/chunk-sink.js";
import { superblockEndOfFile } from "./hdf5/chunk-injection.js";
import { closeDirectFile, registerDirectFile } from "./hdf5/direct-read.js";
import { temporaryPath } from "./leftovers.js";
import { nodeChunkCompressor, nodeDirectFile, nodeFileBytes } from "./hdf5/native-node.js";
import { h5, h5wasm } from "./hdf5/h5-node.js";
import { type RemoteFile, openRemote } from "./remote/remote-file.js";
import type { RangeReaderOptions } from "./remote/range-reader.js";
import { WorkerTransport } from "./remote/worker-transport.js";
import { type BaseIOOptions, type IOMode, NWBIOBase, checkMode } from "./io-base.js";
import { type MemoryIOOptions, type MemorySource, NWBMemoryIO, isMemorySource } from "./memory-io.js";

export type { IOMode };

export interface IOOptions extends BaseIOOptions {
  /**
   * Mode "a" only: change the file where it is instead of a copy. For appending to a movie of many GB, where a
   * copy would take minutes. Bad input is still refused before anything is written, but a crash or a full disk
   * during the write can leave the file damaged; without this option the file is never touched until close().
   */
  inPlace?: boolean;
  /**
   * Live acquisition (modes "w" and "a"): the file is written at its path, not a temporary file, so that other
   * processes can read it while it grows. After `write`, HDF5's single-writer/multiple-reader mode (SWMR) starts:
   * objects can no longer be added, only series grown with a `SeriesAppender`, whose `flush()` makes the frames
   * appended so far visible to readers (tsnwb, or h5py with `swmr=True`). What it gives up: a crash or a kill
   * leaves a partial file at the path (readable, with the frames flushed before it), where a write without this
   * option leaves the path as it was. A new file ("w") is written in HDF5 1.10's format, which SWMR needs; in mode
   * "a", a file not written that way (pynwb's) is grown without SWMR, readable after each flush by readers that
   * open it then.
   */
  live?: boolean;
  /** For a URL: how ranges are fetched (block size, cache bound, attempts, headers, whether a full download is allowed). */
  remote?: RangeReaderOptions;
}

/** Whether `path` names a file by URL (http or https). */
function isURL(path: string | URL): boolean {
  return path instanceof URL || /^https?:\/\//i.test(path);
}

/**
 * Chunk bytes from which the side file becomes the NWB file rather than being copied into it: its head room (1 MiB)
 * is then at most a sixteenth of the file, and the copy it saves would cost more than the room.
 */
const ADOPT_CHUNK_BYTES = 16 << 20;

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export class NWBHDF5IO extends NWBIOBase {
  /** The remote file behind a URL opened for reading. */
  private remote?: RemoteFile;

  private constructor(
    m: H5Module,
    path: string,
    mode: IOMode,
    /** Where h5wasm works: the path itself for "r", a temporary file beside it for "w" and "a". */
    private readonly workPath: string,
    private readonly options: IOOptions,
  ) {
    super(m, path, mode, options);
  }

  /**
   * Opens `path`: a file on disk, or a URL (http or https) to read lazily with range requests (opening reads the
   * file's metadata; a frame read fetches that frame's chunks). Mode "r" and "a" need an existing HDF5 file; "w"
   * creates or replaces it when written; a URL is read only. Writes go to a temporary file beside the target,
   * renamed into place by `close()`, so a failed write never leaves a half-written file at the path.
   */
  static async open(path: string | URL, mode?: IOMode, options?: IOOptions): Promise<NWBHDF5IO>;
  /** Opens a file's bytes (a `Uint8Array`, an `ArrayBuffer`, a `Blob`): see `NWBMemoryIO`. */
  static async open(source: MemorySource, mode?: IOMode, options?: MemoryIOOptions): Promise<NWBMemoryIO>;
  static async open(path: string | URL | MemorySource, mode: IOMode = "r", options: IOOptions = {}): Promise<NWBHDF5IO | NWBMemoryIO> {
    checkMode(mode);
    if (isMemorySource(path)) return NWBMemoryIO.open(path, mode, options);
    if (isURL(path)) {
      const url = String(path);
      if (mode !== "r") throw new ModeError(`${url} can be opened in mode "r" only: files are written to disk`);
      const remote = await openRemote(url, new WorkerTransport(url, options.remote), options.remote);
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
      return new NWBHDF5IO(m, resolved, mode, options.live ? resolved : temporaryPath(resolved), options);
    }
    checkHDF5(resolved, path);
    if (mode === "r") {
      const io = new NWBHDF5IO(m, resolved, mode, resolved, options);
      io.file = openH5(resolved, "r", path);
      // Read-only and on disk: tsnwb reads the common layouts itself, past h5wasm (not a live file: SWMR ordering
      // is HDF5's own).
      if ((io.file as unknown as { mode: string }).mode === "r") registerDirectFile(io.file, nodeDirectFile(resolved));
      return io;
    }
    const work = options.inPlace || options.live ? resolved : temporaryPath(resolved);
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

  protected createForWrite(): H5File {
    // SWMR needs HDF5 1.10's file format; bounding it there keeps the file readable by HDF5 1.10 (h5py, MatNWB).
    if (this.options.live) return new (h5wasm().File)(this.workPath, "w", { libver: ["v110", "v110"] }) as unknown as H5File;
    return openH5(this.workPath, "w", this.path);
  }

  /** Live files: flushed, then readers may follow them (SWMR) while appenders grow their series. */
  protected override afterWrite(): void {
    if (!this.options.live || this.swmr) return;
    this.file!.flush();
    try {
      this.m.H5Fstart_swmr_write(this.file!.file_id);
      this.swmr = true;
    } catch {
      // A file not in HDF5 1.10's format (mode "a" on pynwb's): grown without SWMR, readable after each flush.
    }
  }

  /** Whether HDF5's SWMR mode has started on this (live) file. */
  private swmr = false;

  /** Relative to the NWB file's folder, with forward slashes. */
  protected storedFilePath(p: string): string {
    const folder = nodePath.dirname(this.path);
    return (nodePath.isAbsolute(p) ? nodePath.relative(folder, p) : p).split(nodePath.sep).join("/");
  }

  protected override closeFile(): void {
    if (this.file) closeDirectFile(this.file);
    if (this.remote) this.remote.close();
    else super.closeFile();
  }

  /**
   * Files written, not live ones (their readers follow HDF5's own writes), get Node's compressor, whose side file
   * holds the chunks tsnwb writes itself; in mode "a", when the file's superblock is one chunks can be put under.
   */
  protected override chunkCompressor(): ChunkCompressor | undefined {
    if (this.mode === "r" || this.options.live) return undefined;
    if (this.mode === "a" && this.compressor === undefined) {
      const head = nodeFileBytes(this.workPath);
      try {
        if (superblockEndOfFile(head.read(0, 48)) === undefined) return undefined;
      } finally {
        head.close();
      }
    }
    this.compressor ??= nodeChunkCompressor(this.sidePath);
    return this.compressor;
  }

  private compressor?: ChunkCompressor;
  private readonly sidePath = temporaryPath(this.path);
  /** Whether the side file became the NWB file (its chunks were not copied). */
  private sideFileIsTheFile = false;

  protected editClosedFile(edit: (file: FileBytes, eof: number, inPlace: boolean) => void): void {
    const work = nodeFileBytes(this.workPath);
    const side = this.compressor;
    try {
      // Many chunks, and HDF5's own bytes fit in the side file's head room: those bytes go there and the side file
      // becomes the NWB file, so the chunks (a whole movie) are not copied. Otherwise the chunks are copied over.
      if (side && side.size - side.headRoom >= ADOPT_CHUNK_BYTES && work.size <= side.headRoom) {
        const target = nodeFileBytes(this.sidePath);
        try {
          target.write(0, work.read(0, work.size));
          edit(target, work.size, true);
        } finally {
          target.close();
        }
        this.sideFileIsTheFile = true;
        return;
      }
      edit(work, work.size, false);
    } finally {
      work.close();
    }
  }

  protected async finish(written: boolean): Promise<void> {
    if (this.sideFileIsTheFile && written) {
      await fsp.rename(this.sidePath, this.path);
      this.compressor?.discard();
      // The work file's bytes are in the side file now (in place, the work file was the path, now replaced).
      if (this.workPath !== this.path) await fsp.rm(this.workPath, { force: true });
      return;
    }
    this.compressor?.discard();
    if (this.mode === "r" || this.workPath === this.path) return;
    if (written) await fsp.rename(this.workPath, this.path);
    else await fsp.rm(this.workPath, { force: true });
  }

  protected async dropWork(): Promise<void> {
    this.compressor?.discard();
    if (this.workPath !== this.path) await fsp.rm(this.workPath, { force: true });
    // A live new file that failed is removed too: only a crash leaves a partial one.
    else if (this.options.live && this.mode === "w") await fsp.rm(this.workPath, { force: true });
  }
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
    return new (h5wasm().File)(path, mode);
  } catch (e) {
    // A file a live writer has open (SWMR): read as a SWMR reader, which sees what the writer has flushed.
    if (mode === "r" && /already open for write|SWMR/i.test(String(e))) {
      try {
        return new (h5wasm().File)(path, "Sr");
      } catch {
        // Reported below as the first error.
      }
    }
    const detail = hdf5Message(e);
    const why = /signature|not an hdf5|file signature/i.test(detail) ? "not an HDF5 file" : /truncat|eof|end of file|addr/i.test(detail) ? "the file is truncated or damaged" : "cannot open it as HDF5";
    throw new FormatError(shown, `${why} (${detail})`, { cause: e });
  }
}
