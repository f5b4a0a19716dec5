/**
 * `NWBHDF5IO`: opens an NWB file on disk to read, write or append, as pynwb's class of the same name.
 *
 * A write never leaves a half-written file at the target path: modes "w" and "a" work on a temporary file beside
 * the target ("a" on a copy of it), renamed into place by `close()` once everything is written. Writes into the
 * file itself (mode "a" in place, live files once written) keep an undo journal (`journal.ts`) that restores it
 * after a kill.
 */
import { promises as fsp, existsSync, openSync, readSync, closeSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import { FormatError, ModeError, NotFoundError, ValidationError } from "../errors.js";
import { type H5File, type H5Module, hdf5Message, markClosed } from "./hdf5/h5.js";
import { HDF5Reader, type LinkedFileOpener } from "./hdf5/read.js";
import type { LinkedTree } from "../mapping/builders.js";
import type { FileBytes } from "./hdf5/bool-enum.js";
import type { ChunkCompressor } from "./hdf5/chunk-sink.js";
import { superblockEndOfFile } from "./hdf5/chunk-injection.js";
import { closeDirectFile, directFileOf, registerDirectFile } from "./hdf5/direct-read.js";
import { registerMetadataBytes } from "./hdf5/attribute-messages.js";
import { temporaryPath } from "./leftovers.js";
import { UndoJournal, forceToDisk, journalPath, recoverJournal } from "./journal.js";
import { nodeChunkCompressor, nodeDirectFile, nodeFileBytes } from "./hdf5/native-node.js";
import { type WriteGuard, guardWrites, h5, h5wasm } from "./hdf5/h5-node.js";
import { type HDF5StandIn, hdf5StandIn } from "./hdf5/hdf5-stand-in.js";
import { rootGroupAddress } from "./hdf5/object-header.js";
import { type RemoteFile, openRemote } from "./remote/remote-file.js";
import type { RangeReaderOptions } from "./remote/range-reader.js";
import { WorkerTransport } from "./remote/worker-transport.js";
import { type BaseIOOptions, type IOMode, NWBIOBase, checkMode } from "./io-base.js";
import { type MemoryIOOptions, type MemorySource, NWBMemoryIO, isMemorySource } from "./memory-io.js";

export type { IOMode };

/** What `NWBHDF5IO.open` takes besides the path and mode. */
export interface IOOptions extends BaseIOOptions {
  /**
   * Mode "a" only: change the file where it is instead of a copy. For appending to a movie of many GB, where a
   * copy would take minutes. Bad input is still refused before anything is written; the bytes the file had that
   * the write changes are saved first to an undo journal beside it (`.NAME.tsnwb-journal`, forced to disk), so a
   * failure, a crash or a kill of the process, or a power loss, leaves the file as it was (restored at once on a
   * failure, else by `tsnwb clean` or the file's next open; see the README's limits). Without this option the file
   * is never touched until close().
   */
  inPlace?: boolean;
  /**
   * Live acquisition (modes "w" and "a"): the file is written at its path, so that other processes can read it
   * while it grows (a new file takes its path once `write` has written it). After `write`, HDF5's
   * single-writer/multiple-reader mode (SWMR) starts: objects can no longer be added, only series grown with a
   * `SeriesAppender`, whose `flush()` makes the frames appended so far visible to readers (tsnwb, or h5py with
   * `swmr=True`). A crash or a kill leaves the file as at its last flush (or at `write`), once restored by
   * `tsnwb clean` or its next open (the undo journal, as `inPlace`). A new file ("w") is written in HDF5 1.10's
   * format, which SWMR needs; in mode "a", a file not written that way (pynwb's) is grown without SWMR, readable
   * after each flush by readers that open it then.
   */
  live?: boolean;
  /** For a URL: how ranges are fetched (block size, cache bound, attempts, headers, whether a full download is allowed). */
  remote?: RangeReaderOptions;
  /**
   * Modes "w" and "a": objects and arrays read through HDF5 external links (a series' data, or a whole series, in
   * another file, as pynwb's linking tutorial writes them), and objects read from another file and added to this
   * one, are written as external links to where they are, their
   * file named relative to this file's folder (true, the default, as pynwb's `link_data=True`), or copied into
   * this file (false, as pynwb's `link_data=False`). The linked files are only ever read.
   */
  linkData?: boolean;
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

/** An NWB file on disk, by URL, or as bytes (pynwb's `NWBHDF5IO`): `open`, `read`, `write`, `close`. */
export class NWBHDF5IO extends NWBIOBase {
  /** The remote file behind a URL opened for reading. */
  private remote?: RemoteFile;

  /** The undo journal of a write into the file itself (in place, live). */
  private journal?: UndoJournal;
  /** The path h5wasm opened (a live new file keeps its temporary name there after it is renamed). */
  private readonly h5Path: string;

  private constructor(
    m: H5Module,
    path: string,
    mode: IOMode,
    /**
     * Where the file's bytes are: the path itself for "r", in place and once a live new file is written, else a
     * temporary file beside it (a new one when mode "a" writes the file anew).
     */
    private workPath: string,
    private readonly options: IOOptions,
  ) {
    super(m, path, mode, options);
    this.h5Path = workPath;
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
    const linkData = (options as IOOptions).linkData;
    if (linkData !== undefined && typeof linkData !== "boolean") throw new ValidationError("NWBHDF5IO.open", "linkData", "true or false", JSON.stringify(linkData));
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
    recoverInterruptedWrite(resolved, mode);
    if (mode === "w") {
      if (!existsSync(nodePath.dirname(resolved))) throw new NotFoundError(nodePath.dirname(resolved), `cannot write ${path}: its folder does not exist`);
      return new NWBHDF5IO(m, resolved, mode, temporaryPath(resolved), options);
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
    const inPlace = options.inPlace || options.live;
    const work = inPlace ? resolved : temporaryPath(resolved);
    if (!inPlace) await fsp.copyFile(resolved, work);
    const io = new NWBHDF5IO(m, resolved, mode, work, options);
    // Journaled from before HDF5 opens it: opening marks the superblock.
    if (inPlace) io.startJournal(UndoJournal.begin(resolved, options.live ? "live" : "in-place"));
    try {
      io.file = openH5(work, "a", path);
    } catch (e) {
      await io.dropWork();
      throw e;
    }
    return io;
  }

  /**
   * @internal Mode "r" on disk, before `read`: the tree reader reads the file's layout (groups' links, datasets'
   * headers, attributes, short texts) from its bytes, as for a URL, HDF5 still listing every group and answering
   * whatever is not decoded there (a damaged header, an unusual layout). A few times fewer HDF5 calls per object:
   * `tsnwb inspect` reads files so. Not the library's default: on damaged files HDF5's own walk fails where and
   * as it always did (the fuzz of damaged-files.test.ts pins that), which a walk of the bytes need not.
   */
  _readLayoutFromBytes(): void {
    const direct = this.file === undefined ? undefined : directFileOf(this.file);
    if (direct === undefined || this.nwbfile !== undefined) return;
    registerMetadataBytes(this.file!, { read: (position, length) => direct.read(position, length) });
  }

  /**
   * @internal Mode "r" on disk without starting HDF5 (its WebAssembly: a tenth of a second of CPU): the layout is read
   * from the file's bytes as `_readLayoutFromBytes` reads it, without HDF5's listing of each group, and arrays
   * through the direct reads. HDF5's module and file are stand-ins (`hdf5-stand-in.ts`): whatever needs them (a
   * layout the bytes do not answer, an unusual array, an external link's file) throws, and `_neededHDF5()` says so
   * even where that error was caught: what was read is then not to be used; the file is to be read again as ever.
   * `tsnwb inspect` reads files so first. Undefined for a file HDF5 must open, or refuses to: flags saying a writer
   * has it open (SWMR), a user block, offsets not of 8 bytes, a file shorter than its superblock says (truncated).
   */
  static async _openWithoutHDF5(path: string): Promise<NWBHDF5IO | undefined> {
    const resolved = nodePath.resolve(path);
    recoverInterruptedWrite(resolved, "r");
    checkHDF5(resolved, path);
    const direct = nodeDirectFile(resolved);
    let rootAddress: number | undefined;
    try {
      rootAddress = rootGroupAddress(direct, statSync(resolved).size);
    } catch {
      rootAddress = undefined;
    }
    if (rootAddress === undefined) {
      direct.close();
      return undefined;
    }
    const standIn = hdf5StandIn();
    const io = new NWBHDF5IO(standIn.m, resolved, "r", resolved, {});
    io.file = standIn.file;
    io.withoutHDF5 = { standIn, rootAddress };
    registerDirectFile(io.file, direct);
    registerMetadataBytes(io.file, { read: (position, length) => direct.read(position, length) });
    return io;
  }

  /** A file opened by `_openWithoutHDF5`: the stand-ins in HDF5's place, and the root group's header address. */
  private withoutHDF5?: { standIn: HDF5StandIn; rootAddress: number };

  /** @internal Whether a file opened without HDF5 (`_openWithoutHDF5`) needed it: what was read from it is then not to be used. */
  _neededHDF5(): boolean {
    return this.withoutHDF5 === undefined || this.withoutHDF5.standIn.used();
  }

  protected override rootAddress(): number | undefined {
    return this.withoutHDF5?.rootAddress;
  }

  /** From here on, every change of the file's bytes is announced to `journal` first (HDF5's, and tsnwb's at close). */
  private startJournal(journal: UndoJournal): void {
    this.journal = journal;
    guardWrites(this.h5Path, journalGuard(journal));
  }

  protected createForWrite(): H5File {
    // SWMR needs HDF5 1.10's file format; bounding it there keeps the file readable by HDF5 1.10 (h5py, MatNWB).
    if (this.options.live) return new (h5wasm().File)(this.workPath, "w", { libver: ["v110", "v110"] }) as unknown as H5File;
    return openH5(this.workPath, "w", this.path);
  }

  /**
   * Mode "a" on a copy: changes HDF5 cannot make where the file is are written to a new temporary file, which
   * becomes the file at close (the copy read is dropped). In place or live, that would not be in place: refused.
   */
  protected startRewrite(why: string[]): H5File {
    if (this.options.inPlace || this.options.live) {
      const shown = why.slice(0, 3).join("; ") + (why.length > 3 ? `; and ${why.length - 3} more` : "");
      throw new ModeError(`${this.path}: these changes cannot be made where the file is (${shown}): HDF5 cannot delete, move or resize what it stored; open the file without ${this.options.live ? "live" : "inPlace"} to have it written anew`);
    }
    this.replacedWork = this.workPath;
    this.workPath = temporaryPath(this.path);
    return this.createForWrite();
  }

  /** The copy a write anew replaced (see startRewrite), removed once the new file is in place or dropped. */
  private replacedWork?: string;

  /**
   * Live files: flushed, then readers may follow them (SWMR) while appenders grow their series. A new one takes its
   * path only now, complete (a kill during `write` leaves a temporary file, not an unreadable one at the path),
   * journaled from before the rename; in mode "a", what `write` added is kept by a kill from here on.
   */
  protected override async afterWrite(): Promise<void> {
    if (!this.options.live) return;
    this.file!.flush();
    if (this.workPath !== this.path) {
      this.startJournal(UndoJournal.begin(this.path, "live", this.workPath));
      await fsp.rename(this.workPath, this.path);
      this.workPath = this.path;
    } else {
      this.journal?.checkpoint();
    }
    if (this.swmr) return;
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

  /** Files external links name, opened read-only when a link is first followed, by absolute path; closed with this one. */
  private readonly linkedFiles = new Map<string, { file: H5File; tree: LinkedTree }>();

  /** External links are followed relative to the folder of the file that holds them (not the working directory). */
  protected override linkedFileOpener(): LinkedFileOpener | undefined {
    if (this.remote) return undefined;
    return this.openerFrom(this.path);
  }

  /** Links of the file `from` are followed from its folder. */
  private openerFrom(from: string): LinkedFileOpener {
    return { resolve: (file) => nodePath.resolve(nodePath.dirname(from), file), open: (file, link) => this.openLinked(from, file, link) };
  }

  /** The tree of `file`, named by the external link `link` of `from`; opened read-only once. */
  private openLinked(from: string, file: string, link: string): LinkedTree {
    // Opened by HDF5, which a file read without it does not have.
    if (this.withoutHDF5) this.withoutHDF5.standIn.need(`the file of the external link ${link}`);
    const resolved = nodePath.resolve(nodePath.dirname(from), file);
    const open = this.linkedFiles.get(resolved);
    if (open) return open.tree;
    if (!existsSync(resolved)) {
      throw new NotFoundError(resolved, `${from}: ${link} is an external link to ${file}, which is not there (${resolved}; an external link's file is found from the folder of the file that holds it)`);
    }
    checkHDF5(resolved, resolved);
    const h5file = openH5(resolved, "r", resolved);
    try {
      if ((h5file as unknown as { mode: string }).mode === "r") registerDirectFile(h5file, nodeDirectFile(resolved));
      const root = new HDF5Reader(this.m, h5file, resolved, this.openerFrom(resolved)).readTree();
      const tree = { name: resolved, root };
      this.linkedFiles.set(resolved, { file: h5file, tree });
      return tree;
    } catch (e) {
      closeDirectFile(h5file);
      h5file.close();
      if (e instanceof FormatError || e instanceof NotFoundError) throw e;
      throw new FormatError(resolved, `cannot read the file ${link} of ${from} links to: ${hdf5Message(e)}`, { cause: e });
    }
  }

  /** Links to the files objects read through external links are in, relative to this file's folder (unless copied). */
  protected override externalLinkFile(): ((file: string) => string | undefined) | undefined {
    if (this.options.linkData === false) return undefined;
    const folder = nodePath.dirname(this.path);
    // Only files on disk can be linked to (not objects read by URL or from bytes: those are copied).
    return (file) => {
      // The file written replaces the one the link would lead to: the link would lead nowhere, and that file is never to be changed.
      if (file === this.path) throw new ModeError(`cannot write ${this.path}: what it would link to is in that very file (read through an external link); write elsewhere, or copy the data (linkData: false; tsnwb export --no-link-data)`);
      return nodePath.isAbsolute(file) && existsSync(file) ? nodePath.relative(folder, file).split(nodePath.sep).join("/") : undefined;
    };
  }

  /** Live files, after an appender's flush: a kill rolls back to here, not further. */
  protected override checkpoint(): void {
    if (this.options.live) this.journal?.checkpoint();
  }

  protected override closeFile(): void {
    for (const [name, { file }] of this.linkedFiles) {
      markClosed(file, name);
      closeDirectFile(file);
      file.close();
    }
    this.linkedFiles.clear();
    if (this.file) closeDirectFile(this.file);
    if (this.remote) this.remote.close();
    else {
      try {
        super.closeFile();
      } finally {
        guardWrites(this.h5Path, undefined);
      }
    }
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
  /** The side file's path, named when a write first needs it (its random name costs loading Node's crypto: not for reads). */
  private get sidePath(): string {
    this.sideName ??= temporaryPath(this.path);
    return this.sideName;
  }

  private sideName?: string;
  /** Whether the side file became the NWB file (its chunks were not copied). */
  private sideFileIsTheFile = false;

  protected editClosedFile(edit: (file: FileBytes, eof: number, inPlace: boolean) => void): void {
    const work = this.journaled(nodeFileBytes(this.workPath));
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

  /** The file's bytes with every write announced to the journal first, when the file is journaled. */
  private journaled<T extends FileBytes>(bytes: T): T {
    const journal = this.journal;
    if (!journal || this.workPath !== this.path) return bytes;
    return {
      ...bytes,
      write: (position: number, data: Uint8Array) => {
        journal.save(position, data.length, data);
        bytes.write(position, data);
      },
    };
  }

  protected async finish(written: boolean): Promise<void> {
    if (this.replacedWork) await fsp.rm(this.replacedWork, { force: true });
    if (this.sideFileIsTheFile && written) {
      // In place, the file replaced is journaled and forced to disk: so is the one replacing it, before it does.
      if (this.journal) forceToDisk(this.sidePath);
      await fsp.rename(this.sidePath, this.path);
      this.compressor?.discard();
      // The work file's bytes are in the side file now (in place, the work file was the path, now replaced: the
      // journal, made for the file replaced, is dropped).
      if (this.workPath !== this.path) await fsp.rm(this.workPath, { force: true });
      this.journal?.commit();
      return;
    }
    this.compressor?.discard();
    if (this.mode === "r") return;
    if (this.workPath === this.path) this.journal?.commit();
    else if (written) await fsp.rename(this.workPath, this.path);
    else await fsp.rm(this.workPath, { force: true });
  }

  protected async dropWork(): Promise<void> {
    if (this.replacedWork) await fsp.rm(this.replacedWork, { force: true });
    this.compressor?.discard();
    guardWrites(this.h5Path, undefined);
    if (this.options.live && this.mode === "w") {
      // A live new file that failed is removed, under its temporary name or at its path: only a kill leaves one
      // (as at its last flush).
      await fsp.rm(this.workPath, { force: true });
      this.journal?.drop();
    } else if (this.workPath !== this.path) await fsp.rm(this.workPath, { force: true });
    else this.journal?.rollback();
  }
}

/** The journal told of h5wasm's writes and truncations. */
function journalGuard(journal: UndoJournal): WriteGuard {
  return {
    beforeWrite: (position, bytes) => journal.save(position, bytes.length, bytes),
    beforeTruncate: (length) => journal.truncating(length),
  };
}

/**
 * A journal an interrupted write left beside `path` (a process killed during an in-place or live write): the file is
 * restored from it before it is opened, unless its writer still runs, when only a reader may open it.
 */
function recoverInterruptedWrite(path: string, mode: IOMode): void {
  let recovery: ReturnType<typeof recoverJournal>;
  try {
    recovery = recoverJournal(path);
  } catch (e) {
    throw new FormatError(path, `an interrupted write left a journal beside it (${journalPath(path)}) that could not be applied (${(e as Error).message}); the file may be damaged until it is`, { cause: e });
  }
  if (!recovery) return;
  if (recovery.outcome === "restored") {
    process.emitWarning(`${path} was restored as it was before an interrupted write (process ${recovery.pid}), from its journal ${recovery.journal}`, { type: "TsnwbRecovery" });
  }
  if (!recovery.removed && mode !== "r") {
    const who = recovery.outcome === "empty" ? "another process, which is starting or was killed as it started" : `process ${recovery.pid} on ${recovery.host}`;
    throw new ModeError(`${path} is being written by ${who} (its journal ${recovery.journal} exists); open it for reading, or wait for that write to end (if none runs, tsnwb clean ${nodePath.dirname(path)} restores the file)`);
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
